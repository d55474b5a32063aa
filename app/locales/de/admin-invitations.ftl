# Usher's message catalogue (de): the admin dashboard, admin-invitations.

## The invitations page: heading, search, sort, the no-JavaScript notice, the table
inv-title = Einladungen
inv-create = Erstellen
inv-search-placeholder = Nach Name suchen
inv-sort-label = Sortierung
inv-sort-newest = Neueste zuerst
inv-sort-oldest = Älteste zuerst
inv-sort-expiring-soonest = Läuft am frühesten ab
inv-sort-expiring-latest = Läuft am spätesten ab
inv-no-js-notice = JavaScript ist ausgeschaltet: Sie können hier Einladungen erstellen (ohne Rollen oder Gruppen), sie deaktivieren oder aktivieren, ihre Links lesen (Link…) und sie löschen (Löschen…). Bearbeiten, Rollen und Gruppen, die Schaltfläche „Kopieren“ und das Senden benötigen JavaScript.
inv-col-name = Name
inv-col-flow = Ablauf
inv-col-status = Status
inv-col-uses = Nutzungen
inv-col-expires = Läuft ab
inv-col-created-by = Erstellt von
inv-col-actions = Aktionen
inv-empty = Keine Einladungen.
inv-loading = Wird geladen…
inv-pager-label = Seiten der Einladungsliste
inv-pager-previous = Zurück
inv-pager-next = Weiter
# "51–100 von 230"
inv-pager-range = { $first }–{ $last } von { $total }

## A row's summary line: status badges and their explanations, the quick Disable/Enable
inv-status-active = aktiv
inv-status-disabled = deaktiviert
inv-status-scheduled = geplant
inv-status-expired = abgelaufen
inv-status-used-up = aufgebraucht
inv-badge-creator-inactive = Deaktiviert: Der Ersteller, { $name }, ist deaktiviert
# $when: the start time, already formatted
inv-badge-opens = Öffnet { $when }
inv-details-of = Details zu { $name }
inv-disable = Deaktivieren
inv-enable = Aktivieren

## Without JavaScript: the create form, the link and delete disclosures
inv-nojs-create-summary = Einladung erstellen…
inv-field-name = Name
inv-field-flow = Ablauf
inv-nojs-expires-label = Läuft ab (UTC; leer: nie)
inv-single-use = Einmalig
inv-nojs-emails-label = E-Mail-Regeln (eine pro Zeile; leer: jeder mit dem Link)
inv-nojs-fixed-data-label = Feste Daten (YAML)
inv-nojs-link-summary = Link…
inv-nojs-link-of = Link von { $name }
inv-nojs-delete-summary = Löschen…
inv-nojs-delete-question = { $name } löschen? Der Link funktioniert dann nicht mehr.
inv-nojs-confirm-deletion = Löschen bestätigen

## The expanded row: the link, the facts, messages, events, timeline, ledger
inv-link-sealed = Dieser Link wurde mit einem anderen USHER_SECRET_KEY versiegelt; er kann daher nicht angezeigt werden und funktioniert hier nicht mehr. Erzeugen Sie ihn neu, um einen neuen Link zu erhalten.
inv-link-label = Link
inv-link-copy = Kopieren
inv-link-copied = Kopiert
inv-link-copied-status = In die Zwischenablage kopiert
inv-facts-none = keine
inv-facts-anyone = jeder (öffentlich)
inv-facts-disabled = Deaktiviert
inv-facts-creator-inactive = Der Ersteller, { $name }, ist deaktiviert: Der Link funktioniert wieder, sobald sein Konto reaktiviert wird.
inv-facts-opens = Öffnet
inv-description = Beschreibung
inv-facts-custom-attributes = Benutzerdefinierte Attribute
inv-facts-emails = E-Mail-Adressen
inv-roles = Rollen
inv-groups = Gruppen
inv-facts-messages = Nachrichten
inv-facts-used-by = Genutzt von
inv-facts-qr = QR-Code
inv-facts-qr-label = QR-Code des Einladungslinks
inv-facts-qr-png = PNG (Poster)
inv-facts-activity = Aktivität
inv-messages-none = keine gesendet
# $status: one of outbox-status-*; $created: when it was queued
inv-message-line = { $to } — { $status } (Versuche: { $attempts }) · eingereiht { $created }
inv-message-sent = · gesendet { $date }
inv-events = Ereignisse
inv-event-codes-paused = Codes pausiert
inv-event-code-budget-half = Rateversuche bei Codes
inv-timeline = Verlauf
inv-ledger-none = noch niemand
inv-ledger-enrolled = registriert
inv-ledger-joined = beigetreten

## The row's actions and the send form
inv-action-edit = Bearbeiten
inv-action-send = Senden…
inv-action-resend = Erneut senden…
inv-action-regenerate = Link neu erzeugen
inv-deprovision = Konten deprovisionieren…
inv-deprovision-confirm = { $count ->
    [one] Das über diese Einladung erstellte Konto deaktivieren?
   *[other] Die { $count } über diese Einladung erstellten Konten deaktivieren?
}
inv-deprovision-confirm-button = Deprovisionierung bestätigen
inv-cancel = Abbrechen
inv-delete = Löschen
inv-delete-confirm = { $name } löschen? Dies kann nicht rückgängig gemacht werden.
inv-delete-confirm-button = Löschen bestätigen
inv-send-to = An
inv-send-cc = Cc
inv-send-bcc = Bcc
inv-send-submit = Einladung senden

## The invitation editor
inv-editor-title-create = Einladung erstellen
inv-editor-title-edit = Einladung bearbeiten
inv-editor-no-roles = Noch keine erstellt (Verzeichnis → Rollen).
inv-editor-no-groups = Noch keine erstellt (Verzeichnis → Gruppen).
inv-editor-choose-flow = — Ablauf wählen —
inv-editor-no-invitation-stage = ⚠ An diesen Ablauf ist keine Einladungsstufe gebunden, daher fragt er nicht nach einer Einladung: Jeder, der seine Adresse kennt, kann sich registrieren.
# $zone: an IANA time zone name such as Europe/Berlin
inv-editor-expires-label = Läuft ab (Ihre Zeitzone: { $zone })
inv-editor-never-expires = Läuft nie ab
inv-editor-never-warning = ⚠ Diese Einladung läuft nie ab: Ihr Link funktioniert, bis sie deaktiviert, gelöscht oder aufgebraucht ist.
inv-editor-not-before-label = Öffnet am (Ihre Zeitzone: { $zone }; leer = sofort)
inv-editor-not-before-help = Vor diesem Zeitpunkt zeigt der Link an, wann er öffnet, und gewährt nichts.
inv-editor-reminders-label = Erinnerungen: Tage vor Ablaufdatum (z. B. 7, 1; leer = keine)
inv-editor-reminders-help = Jede Erinnerung geht einmal an die Adressen, an die der Link gesendet wurde und deren Konto ihn noch nicht verwendet hat.
inv-editor-locale-label = Sprache der eingeladenen Person
inv-editor-locale-browser = Die Sprache ihres Browsers (sonst die Standardsprache der Marke)
inv-editor-locale-help = Die Startseite, jeder Schritt, seine Fehlermeldungen und seine E-Mails verwenden sie; das neue Konto behält sie.
inv-editor-fixed-data-label = Benutzerdefinierte Attribute (JSON oder YAML)
inv-editor-quota-label = Kontingent (max. Nutzungen; leer = unbegrenzt)
inv-editor-emails-label = E-Mail-Adressen (eine pro Zeile: eine Adresse oder *@domain; leer = jeder)
inv-editor-mail-warning-send = ⚠ Es ist kein SMTP-Server eingerichtet: Diese Nachricht wartet im Postausgang, bis einer eingerichtet ist (System → E-Mail).
inv-editor-mail-warning-code = ⚠ Es ist kein SMTP-Server eingerichtet: Die eingeladenen Personen müssen ihre Adresse mit einem per E-Mail gesendeten Code bestätigen, der erst gesendet werden kann, wenn einer eingerichtet ist (System → E-Mail). Um einen Link ohne E-Mail zu teilen, lassen Sie „E-Mail-Adressen“ leer und verwenden Sie einen Ablauf ohne E-Mail-Stufe.
inv-editor-enabled = Aktiviert
inv-editor-notify = Mir eine E-Mail senden, wenn sie verwendet wird, wenn eine Zustellung fehlschlägt oder wenn sie ungenutzt abläuft
inv-editor-save = Speichern
