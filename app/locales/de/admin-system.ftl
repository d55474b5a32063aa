# Usher's message catalogue (de): the admin dashboard, admin-system.

## System → Marken

brands-title = Marken
brands-intro = Externe Benutzer (Kunden, Partner) brauchen die Verwaltung dieser Website nicht: Nach der Registrierung oder Anmeldung werden sie zur Standardanwendung weitergeleitet. Ohne eine solche sehen sie einen Hinweis, dass keine eingerichtet ist. Titel, Logo und Akzentfarbe erscheinen auf den Seiten der Eingeladenen und in den E-Mails, die sie erhalten.
brands-default-app-label = Standardanwendung (URL oder Pfad)
brands-title-label = Titel
# Followed by the default title in code, then brands-title-help-default.
brands-title-help = Nennt die Organisation auf den Seiten der Eingeladenen und im Betreff der E-Mails. Leer:
brands-title-help-default = (USHER_BRAND_NAME, sonst Usher).
brands-logo-label = Logo (URL oder Pfad)
brands-accent-label = Akzentfarbe
brands-accent-picker = Akzentfarbe auswählen
brands-accent-help = Schaltflächen erhalten diese Farbe; ihr Text wird weiß oder schwarz, je nachdem, was besser lesbar ist (WCAG AA).
brands-locale-label = Standardsprache
brands-locale-environment = Wie USHER_DEFAULT_LOCALE sagt ({ $language })
brands-locale-help = In dieser Sprache werden Eingeladene auf den Seiten und in der Einladungs-E-Mail angesprochen, wenn weder ihre Einladung noch ihr Browser eine Sprache nennt, die Usher spricht.
brands-save = Speichern
brands-saved = Gespeichert.
# Followed by the URL from the environment, in code.
brands-env-default-app = Solange hier keine Standardanwendung gespeichert ist, gilt USHER_DEFAULT_APP_URL:

## System → E-Mail, and the mail banner above every admin page

email-source-environment = Umgebung
email-source-saved = hier gespeichert
email-source-default = Standard
email-banner-not-configured = Es ist kein SMTP-Server eingerichtet: Einladungs-E-Mails und Bestätigungscodes können nicht gesendet werden.
email-banner-last-failure = Die letzte E-Mail-Zustellung ist fehlgeschlagen: { $error }
email-banner-queued = { $count ->
        [one] { $count } Nachricht wartet im Postausgang.
       *[other] { $count } Nachrichten warten im Postausgang.
    }
email-banner-open-outbox = Postausgang öffnen
email-banner-settings = E-Mail-Einstellungen
email-banner-links-work = Einladungen, die als Link geteilt werden (keine E-Mail-Adresse in ihren benutzerdefinierten Attributen, keine E-Mail-Regeln), funktionieren ohne E-Mail.
email-title = E-Mail
# Followed by a link (email-intro-outbox), then email-intro-end.
email-intro = Usher sendet Einladungs-E-Mails und Bestätigungscodes über einen SMTP-Server. Ohne einen solchen warten sie im
email-intro-outbox = Postausgang
email-intro-end = ; als Link geteilte Einladungen brauchen keine E-Mail.
email-smtp-server = SMTP-Server
email-none = keiner
email-from = Absender
email-brand-name = Markenname
email-brand-saved = gespeichert unter System → Marken
# $source: email-source-environment or email-source-default.
email-brand-source = { $source }; USHER_BRAND_NAME oder ein Titel unter System → Marken
email-connection = Verbindung
email-connection-not-configured = es ist kein SMTP-Server eingerichtet
email-connection-connected = verbunden
email-connection-failed = fehlgeschlagen: { $error }
email-last-delivery = Letzte Zustellung
email-last-delivery-none = noch keine
email-last-delivery-ok = zugestellt
email-last-delivery-failed = fehlgeschlagen
email-queued = Wartend im Postausgang
email-saved-settings = Hier gespeicherte SMTP-Einstellungen
email-env-wins = Umgebungsvariablen haben Vorrang vor dem, was hier gespeichert ist:
email-env-both = USHER_SMTP_URL und USHER_EMAIL_FROM sind gesetzt.
email-env-url = USHER_SMTP_URL ist gesetzt.
email-env-from = USHER_EMAIL_FROM ist gesetzt.
email-smtp-url-label = SMTP-URL (leer entfernt den gespeicherten Server)
email-password-label = Passwort
email-password-saved-label = Passwort (gespeichert; leer lassen, um es zu behalten)
email-from-label = Absender (leer: USHER_EMAIL_FROM oder der Standard)
email-save = Speichern
email-saved = Gespeichert.
email-test-title = Test-E-Mail senden
email-test-to = An
email-test-send = Test-E-Mail senden
email-test-ok = Der Server hat die Nachricht angenommen: { $answer }

## System → Ereignisse

events-title = Ereignisse
events-intro = Jede Änderung an einer Einladung, einem Benutzer oder einem API-Token, jede Nutzung einer Einladung und jede fehlgeschlagene Anmeldung, die neuesten zuerst.
events-action = Aktion
events-any = Beliebig
events-actor = Akteur
events-actor-placeholder = Benutzername
events-object = Objekt
events-object-invitation = Einladung
events-object-user = Benutzer
events-object-token = API-Token
events-object-webhook = Webhook
events-object-pk = Objekt-pk
events-since = Von (UTC)
events-until = Bis (UTC)
events-filter = Filtern
events-export-csv = Als CSV exportieren
events-export-json = Als JSON exportieren
events-empty = Keine Ereignisse.
events-col-when = Zeitpunkt
events-col-client = Client
events-col-details = Details
events-pages = Seiten der Ereignisse
events-previous = Zurück
events-next = Weiter
# $n: this page, $total: the pages, $count: the events the filters select.
events-page = Seite { $n } von { $total } ({ $count ->
        [one] { $count } Ereignis
       *[other] { $count } Ereignisse
    })

## System → Webhooks

webhooks-title = Webhooks
# Followed by the three header names in code, then webhooks-intro-end.
webhooks-intro = Ereignisse werden als JSON an jeden aktivierten Webhook gesendet, der ihren Typ empfängt, signiert nach der Standard-Webhooks-Konvention (
webhooks-intro-end = ), und 72 Stunden lang erneut versucht.
webhooks-allow-private = Private Adressen erlauben (Loopback, 10/8, 172.16/12, 192.168/16, Link-Local…): nur für Empfänger in Ihrem eigenen Netzwerk
webhooks-save = Speichern
webhooks-name = Name
webhooks-url = URL
webhooks-event-types = Ereignistypen
webhooks-all-events = Alle Ereignisse
webhooks-enabled = Aktiviert
webhooks-create = Webhook anlegen
# Around the new webhook's name (in bold): "Webhook <name> created. …"
webhooks-created = Webhook
webhooks-created-secret = wurde erstellt. Sein Signaturgeheimnis: Kopieren Sie es jetzt, es wird nicht noch einmal angezeigt.
webhooks-col-events = Ereignisse
webhooks-col-created = Erstellt
webhooks-empty = Noch keine Webhooks.
webhooks-enabled-disable = Aktiviert: deaktivieren
webhooks-disabled-enable = Deaktiviert: aktivieren
webhooks-deliveries = Zustellungen
webhooks-hide-deliveries = Zustellungen ausblenden
webhooks-delete = Löschen
webhooks-delete-confirm = { $name } löschen? Seine wartenden Zustellungen werden verworfen.
webhooks-confirm-delete = Löschen bestätigen
webhooks-cancel = Abbrechen
webhooks-col-event = Ereignis
webhooks-col-status = Status
webhooks-col-attempts = Versuche
webhooks-col-response = Antwort
webhooks-col-last-error = Letzter Fehler
webhooks-col-queued = Eingereiht
webhooks-col-delivered = Zugestellt
webhooks-deliveries-empty = Noch keine Zustellungen.
webhooks-redeliver = Erneut zustellen
webhooks-newer = Neuer
webhooks-older = Älter
webhooks-page = Seite { $n } von { $total }
