# Usher's message catalogue (de): the admin dashboard, admin-campaigns.

## Verzeichnis → Kampagnen (campaigns.rs)

camp-title = Kampagnen
camp-intro = Eine Kampagne sendet eine Einladungsdefinition an viele Personen: Jeder Empfänger erhält einen eigenen einmaligen Link, der auf seine Adresse beschränkt ist. Importieren Sie Empfänger aus einer Liste oder einer CSV-Datei, sehen Sie, wer beigetreten ist, erinnern oder widerrufen Sie.
camp-close = Schließen
camp-new = Neue Kampagne
camp-empty = Noch keine Kampagnen.
camp-loading = Wird geladen…
camp-col-name = Name
camp-col-recipients = Empfänger
camp-col-queued = In Warteschlange
camp-col-sent = Gesendet
camp-col-delivery-failed = Zustellung fehlgeschlagen
camp-col-viewed = Angesehen
camp-col-joined = Beigetreten
camp-col-expired = Abgelaufen
camp-col-revoked = Widerrufen
camp-col-expires = Läuft ab
camp-col-created = Erstellt
camp-col-line = Zeile
camp-col-email = E-Mail
camp-col-result = Ergebnis
camp-col-state = Zustand
camp-col-invitation = Einladung
camp-col-reminders = Erinnerungen
camp-col-added = Hinzugefügt
camp-state-queued = in Warteschlange
camp-state-sent = gesendet
camp-state-delivery-failed = Zustellung fehlgeschlagen
camp-state-viewed = angesehen
camp-state-joined = beigetreten
camp-state-expired = abgelaufen
camp-state-revoked = widerrufen
camp-field-name = Name
camp-field-description = Beschreibung
camp-field-flow = Ablauf
camp-field-expires = Läuft ab (UTC, JJJJ-MM-TT HH:MM; leer: nie)
camp-field-not-before = Öffnet am (UTC; leer: sofort)
camp-field-reminder-days = Erinnerungen: Tage vor dem Ablaufdatum (z. B. 7, 1; leer: keine)
camp-field-digest = Mir eine Übersicht schicken, wer noch nicht beigetreten ist, wenn Erinnerungen verschickt werden
camp-field-email-subject = E-Mail-Betreff (leer: der Standard)
camp-field-email-message = Nachricht in der E-Mail
camp-field-fixed-data = Benutzerdefinierte Attribute für jeden Empfänger (JSON oder YAML)
camp-field-roles = Rollen
camp-field-groups = Gruppen
camp-save = Kampagne speichern
camp-back = ← Kampagnen
camp-heading = Kampagne { $name }
camp-summary-flow = Ablauf
camp-summary-expires = Läuft ab
camp-summary-opens = Öffnet
camp-summary-grants = Gewährt
camp-summary-reminders = Erinnerungen
camp-grant-role = Rolle { $name }
camp-grant-group = Gruppe { $name }
camp-grants-none = nur ein Konto
camp-reminders-none = keine
# $days: die Tage vor dem Ablaufdatum, als Liste („7, 1“).
camp-reminders-days = { $days } Tage vor dem Ablaufdatum
camp-close-editor = Editor schließen
camp-edit = Definition bearbeiten
camp-resend = Erneut an alle noch nicht Beigetretenen senden
camp-revoke-all = Alle noch nicht Beigetretenen widerrufen
camp-revoke-all-question = Alle Empfänger widerrufen, die noch nicht beigetreten sind? Ihre Links funktionieren dann nicht mehr.
camp-confirm-revoke = Widerrufen bestätigen
camp-cancel = Abbrechen
camp-delete = Kampagne löschen
camp-delete-question = Die Kampagne und alle ihre Einladungen löschen?
camp-confirm-delete = Löschen bestätigen
camp-resent = Erneut an { $count } Empfänger gesendet.
camp-revoked = { $count } widerrufen.
# $count: die Duplikate.
# $summary: err-camp-import-summary (ImportCounts::summary_in).
camp-imported = Importiert: { $summary }.
camp-add-recipients = Empfänger hinzufügen
camp-pasted-label = Adressen einfügen (eine pro Zeile oder durch Kommas getrennt; „Name <Adresse>“ geht auch)
camp-csv-label = …oder eine CSV-Datei (Spalten: email, name, username, attributes.<name>; Komma oder Semikolon)
camp-file = Datei: { $name }
camp-dry-run = Prüfen (Probelauf)
# Vor den Summen (err-camp-import-summary), danach camp-dry-run-after.
camp-dry-run-before = Probelauf:
camp-dry-run-after = . Nichts wird gespeichert, bevor Sie bestätigen.
camp-confirm-import = Bestätigen: { $count } Empfänger hinzufügen
camp-no-recipients = Noch keine Empfänger.
camp-joins-as = (tritt als { $name } bei)
camp-revoke = Widerrufen

## Die benannten Links einer Einladung (invitation_links.rs)

links-title = Benannte Links
links-intro = Jeder benannte Link hat ein eigenes Token, optional einen eigenen Anteil der Nutzungen und eigene Zählungen; das Kontingent der Einladung begrenzt weiterhin die Gesamtzahl.
links-loading = Wird geladen…
links-empty = Noch keine benannten Links.
links-col-name = Name
links-col-link = Link
links-col-qr = QR-Code
links-col-uses = Nutzungen / Anteil
links-col-views = Aufrufe
# $count: die Aufrufe; $when: der letzte Aufruf.
links-views-last = { $count } (zuletzt { $when })
links-sealed-elsewhere = Mit einem anderen USHER_SECRET_KEY versiegelt: Erzeugen Sie ihn neu.
links-link-aria = Link { $name }
links-copy = Kopieren
links-copied = Kopiert
links-regenerate = Neu erzeugen
links-delete = Löschen
links-confirm-delete = Löschen bestätigen
links-cancel = Abbrechen
links-name-label = Name des Links
links-share-label = Anteil (optional)
links-share-placeholder = kein eigener Anteil
links-add = Link hinzufügen

## Die Prüfungen im Einladungseditor (invitation_preview.rs)

preview-address-question = Würde diese Adresse akzeptiert?
preview-check = Prüfen
preview-email = E-Mail-Vorschau
preview-note = So, wie die eingeladene Person sie sieht. Der Link ist ein Platzhalter: Der echte wird erstellt, wenn die Einladung gesendet wird.
preview-subject = Betreff:
preview-html-title = Die Einladungs-E-Mail (HTML)

## Verzeichnis → Postausgang (outbox.rs)

outbox-title = Postausgang
outbox-failed-only = Nur fehlgeschlagene
outbox-col-invitation = Einladung
outbox-col-to = An
outbox-col-status = Status
outbox-col-attempts = Versuche
outbox-col-last-error = Letzter Fehler
outbox-col-queued = In Warteschlange
outbox-col-sent = Gesendet
outbox-empty = Keine Nachrichten.
outbox-status-queued = in Warteschlange
outbox-status-sending = wird gesendet
outbox-status-sent = gesendet
outbox-status-failed = fehlgeschlagen
outbox-retry = Erneut versuchen
