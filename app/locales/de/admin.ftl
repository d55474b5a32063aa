# Usher's message catalogue, German: the admin dashboard's frame (the sidebar, the top bar, the notices
# every page shares). The pages' own words are in admin-*.ftl by area.

admin-nav-label = Verwaltung
admin-nav-directory = Verzeichnis
admin-nav-invitations = Einladungen
admin-nav-campaigns = Kampagnen
admin-nav-users = Benutzer
admin-nav-groups = Gruppen
admin-nav-roles = Rollen
admin-nav-outbox = Postausgang
admin-nav-tokens = Tokens
admin-nav-flows-stages = Abläufe & Stufen
admin-nav-flows = Abläufe
admin-nav-policies = Richtlinien
admin-nav-system = System
admin-nav-brands = Marken
admin-nav-email = E-Mail
admin-nav-events = Ereignisse
admin-nav-webhooks = Webhooks
admin-signed-in-as = Angemeldet als
admin-sign-out = Abmelden
admin-forbidden-title = 403 — Kein Zugriff
admin-forbidden-body = Die Verwaltung ist Administratoren vorbehalten. Ihr Konto hat keine Administratorrechte.
admin-forbidden-profile = Zu Ihrem Profil
admin-sign-in-required = Anmeldung erforderlich
admin-sign-in = Anmelden

## Notices emailed to an invitation's creator (app/templates/notice.*), in the creator's language

notice-hello = Hallo { $name },
notice-used-subject = Einladung { $name } wurde genutzt
notice-used-headline = { $username } hat Ihre Einladung { $name } genutzt.
notice-used-joined = Die Person ist mit einem bestehenden Konto beigetreten.
notice-used-enrolled = Die Person hat ein neues Konto angelegt.
notice-failed-subject = Einladung { $name } konnte nicht zugestellt werden
notice-failed-headline = Die E-Mail Ihrer Einladung { $name } an { $to } konnte nicht zugestellt werden.
notice-failed-detail = Letzte Antwort des Mailservers: { $error }
notice-expired-subject = Einladung { $name } ist ungenutzt abgelaufen
notice-expired-headline = Ihre Einladung { $name } ist abgelaufen, ohne genutzt worden zu sein.
notice-expired-detail = Sie ist am { $expires } abgelaufen.
notice-digest-subject = Kampagne { $name }: { $count } noch nicht beigetreten
notice-digest-headline = { $count ->
    [one] Die Erinnerungen Ihrer Kampagne { $name } sind verschickt: { $count } Empfänger ist noch nicht beigetreten.
   *[other] Die Erinnerungen Ihrer Kampagne { $name } sind verschickt: { $count } Empfänger sind noch nicht beigetreten.
}
notice-digest-more = { $names } und { $n } weitere
notice-open-text = Öffnen Sie { $url }, um den Verlauf zu sehen.
notice-open-before = Öffnen Sie
notice-open-link = die Einladungsseite
notice-open-after = , um den Verlauf zu sehen.
notice-why = Sie erhalten diese Nachrichten, weil „Mich benachrichtigen“ für diese Einladung eingeschaltet ist; Sie können es im Editor der Einladung ausschalten.

## Worded on the server for the dashboard

users-invitation-deleted = { $name } (gelöscht)

# An invitation's timeline (its row's details)
timeline-actor-token = { $name } (API-Token)
timeline-actor-someone = jemandem
timeline-created = Erstellt von { $who }
timeline-enabled = Aktiviert von { $who }
timeline-disabled = Deaktiviert von { $who }
timeline-saved-unchanged = Gespeichert von { $who }, unverändert
timeline-edited = Bearbeitet von { $who }: { $fields }
timeline-link-regenerated = Link neu erzeugt von { $who }: der alte Link funktioniert nicht mehr
timeline-sent = Per E-Mail an { $to } gesendet von { $who }
timeline-delivered = Zugestellt an { $to }
timeline-failed = Zustellung an { $to } fehlgeschlagen: { $error }
timeline-used-joined = Genutzt von { $who }: mit einem bestehenden Konto beigetreten
timeline-used-enrolled = Genutzt von { $who }: registriert
timeline-deprovisioned = { $count ->
    [one] Entzogen von { $who }: { $count } Konto deaktiviert
   *[other] Entzogen von { $who }: { $count } Konten deaktiviert
}
timeline-refused = { $count ->
    [one] Einmal abgelehnt: { $reason }
   *[other] { $count }-mal abgelehnt: { $reason }
}
timeline-refused-from = { $count ->
    [one] Einmal abgelehnt: { $reason }, zuletzt von { $ip }
   *[other] { $count }-mal abgelehnt: { $reason }, zuletzt von { $ip }
}
timeline-viewed-once = Link einmal geöffnet
timeline-viewed = Link { $count }-mal geöffnet, zuletzt am { $last }
reason-refused = abgelehnt
reason-disabled = sie war deaktiviert
reason-expired = sie war abgelaufen
reason-used-up = sie war aufgebraucht
reason-wrong-flow = sie wurde mit einem anderen Ablauf geöffnet
reason-email-rule = die Adresse ist keine, die ihre E-Mail-Regeln erlauben
reason-policy = eine Richtlinie hat abgelehnt
reason-code-budget = zu viele Bestätigungscodes
reason-enrollment-budget = zu viele Registrierungsversuche
reason-not-yet-open = sie galt noch nicht
events-filter-bad-time = Geben Sie Datum und Uhrzeit ein (JJJJ-MM-TT HH:MM, UTC).
events-filter-bad-action = Wählen Sie eine Aktion aus der Liste.

# The editor's address check (email rules)
rules-verdict-public = Angenommen: Diese Einladung hat keine E-Mail-Regeln, jede Adresse darf sie nutzen.
rules-verdict-address = Angenommen durch die Regel { $rule }: genau diese Adresse.
rules-verdict-domain = Angenommen durch die Regel { $rule }: jede Adresse bei { $domain }.
rules-verdict-not-an-address = Abgelehnt: Das ist keine E-Mail-Adresse.
rules-verdict-no-match = Abgelehnt: Keine Regel passt. Die Regeln sind: { $rules }.

# System → Email's test message (in the admin's language)
email-test-subject = { $brand }: Testnachricht
email-test-body = Dies ist eine Testnachricht von Usher. Der E-Mail-Versand funktioniert.

# An invitation's events (code guessing)
event-codes-half = Innerhalb eines Tages wurden { $failures } falsche Codes versucht, die Hälfte der { $limit } erlaubten; bei { $limit } werden die Codes dieser Einladung bis { $until } pausiert. Jedes Netzwerk darf { $per_network } pro Tag versuchen und muss nach jedem falschen Code länger warten, die Ratenden werden also gebremst. Jemand rät womöglich Codes für Adressen, die ihm nicht gehören.
event-codes-paused = Innerhalb eines Tages wurden { $limit } falsche Codes versucht, daher sind die Codes dieser Einladung bis { $until } pausiert. Jemand rät womöglich Codes für Adressen, die ihm nicht gehören.
chunk-failed-title = Diese Seite konnte nicht geladen werden
chunk-failed-body = Ihr Code ist nicht angekommen, vielleicht weil die Verbindung abbrach oder Usher inzwischen aktualisiert wurde. Laden Sie neu, um es noch einmal zu versuchen; Gespeichertes geht nicht verloren.
chunk-failed-reload = Neu laden
admin-no-js-notice = JavaScript ist ausgeschaltet: Diese Seite lässt sich lesen, aber ihre Schaltflächen und Formulare benötigen JavaScript. Ohne JavaScript kann die Seite „Einladungen“ weiterhin Einladungen erstellen, deaktivieren, aktivieren und löschen und ihre Links zeigen.
