# Usher's message catalogue, German: approval of an invitation's use (issue 17 item 3).

approval-status-pending = Ausstehend
approval-status-approved = Genehmigt
approval-status-denied = Abgelehnt
approval-status-expired = Abgelaufen
err-approval-decided = Über diese Anfrage wurde schon entschieden: { $status }.
err-approval-reason-required = Geben Sie einen Grund an: Die eingeladene Person erfährt, warum sie abgelehnt wurde.
err-approval-reason-too-long = Der Grund darf höchstens { $n } Zeichen lang sein.
err-approval-unknown-decision = Wählen Sie Genehmigen oder Ablehnen.
err-notfound-approval = Diese Genehmigungsanfrage gibt es nicht.

## Emails
approval-mail-username = Benutzername: { $username }
approval-mail-expires = Ohne Entscheidung wird sie am { $expires } abgelehnt.
approval-mail-request-subject = Genehmigung nötig: { $username }
approval-mail-request-headline = { $username } hat die Einladung { $invitation } von { $inviter } benutzt; der Zugang wartet auf Ihre Genehmigung.
approval-mail-review = Prüfen und entscheiden
approval-mail-request-why = Sie erhalten diese Nachricht, weil Sie Administrator sind. Das Öffnen des Links ändert nichts: Sie entscheiden auf der Seite.
approval-mail-approved-subject = Ihr Zugang wurde genehmigt
approval-mail-approved-headline = Ihre Anfrage über die Einladung { $invitation } wurde genehmigt. Sie können sich jetzt anmelden.
approval-mail-reason = Grund: { $reason }
approval-mail-sign-in = Anmelden
approval-mail-denied-subject = Ihr Zugang wurde abgelehnt
approval-mail-denied-headline = Ihre Anfrage über die Einladung { $invitation } wurde abgelehnt.
approval-mail-expired-subject = Ihre Anfrage ist abgelaufen
approval-mail-expired-headline = Über Ihre Anfrage über die Einladung { $invitation } wurde nicht rechtzeitig entschieden; sie ist geschlossen. Fragen Sie die Person, die Sie eingeladen hat.
approval-mail-decided-why = Sie erhalten diese Nachricht, weil Sie eine Einladung benutzt haben, die die Zustimmung einer genehmigenden Person braucht.

## Invitation timeline and editor
timeline-approval-requested = { $who } hat sie benutzt; der Zugang wartet auf Genehmigung
timeline-approval-approved = { $who } hat { $username } genehmigt
timeline-approval-denied = { $who } hat { $username } abgelehnt: { $reason }
timeline-approval-expired = Die Anfrage von { $username } ist ohne Entscheidung abgelaufen
inv-editor-approval = Nutzungen warten auf Genehmigung (Verzeichnis → Genehmigungen)

## The invitee's page
pending-title = Warten auf Genehmigung
pending-body = Ihre Anfrage ist eingegangen. Bevor Sie Zugang erhalten, muss eine genehmigende Person sie bestätigen; bis dahin wird nichts gewährt.
pending-next = Wir schreiben Ihnen, sobald entschieden ist. Mit einem neuen Konto können Sie sich vorher nicht anmelden.
pending-next-no-mail = Fragen Sie die Person, die Sie eingeladen hat, ob entschieden wurde; nach der Genehmigung können Sie sich anmelden.

## The approver's confirmation page
approval-title = Genehmigungsanfrage
approval-sign-in = Zum Prüfen anmelden
approval-kind-enrolled = Ein neues Konto
approval-kind-joined = Ein bestehendes Konto
approval-grants-none = Nichts außer dem Konto
approval-summary = { $username } hat die Einladung { $invitation } von { $inviter } benutzt.
approval-field-username = Benutzername
approval-field-email = E-Mail
approval-field-kind = Konto
approval-field-grants = Genehmigung gewährt
approval-field-requested = Angefragt
approval-field-status = Status
approval-field-decided-by = Entschieden von
approval-field-reason = Grund
approval-reason-deprovisioned = Die Konten dieser Einladung wurden deprovisioniert.
approval-expires-at = Ohne Entscheidung wird sie abgelehnt am
approval-reason-label = Grund (wird der eingeladenen Person mitgeteilt; zum Ablehnen nötig)
approval-approve = Genehmigen
approval-deny = Ablehnen
approval-all = Alle Genehmigungsanfragen

## Directory → Approvals
admin-nav-approvals = Genehmigungen
approvals-title = Genehmigungen
approvals-intro = Nutzungen von Einladungen, die eine Genehmigung verlangen, warten hier: Nichts wird gewährt, und ein neues Konto kann sich nicht anmelden, bis eine genehmigende Person zustimmt.
approvals-empty = Keine Genehmigungsanfragen.
approvals-col-account = Konto
approvals-col-invitation = Einladung
approvals-col-invited-by = Eingeladen von
approvals-col-grants = Gewährt
approvals-col-requested = Angefragt
approvals-col-status = Status
approvals-col-actions = Aktionen
approvals-review = { $username } prüfen
approvals-open = { $username } öffnen
