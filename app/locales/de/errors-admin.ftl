# Usher's message catalogue (de): errors-admin (error messages of the dashboard).

## Brands (domain/brand.rs)

err-brand-title-too-long = Der Titel darf höchstens { $max } Zeichen lang sein.
err-brand-title-characters = Der Titel darf keine Zeilenumbrüche oder anderen Steuerzeichen enthalten.
err-brand-logo = Geben Sie die http(s)-URL des Logos an, etwa https://cdn.example.com/logo.svg, oder einen Pfad auf dieser Website.
err-brand-accent = Geben Sie die Akzentfarbe als #rrggbb an, etwa #1f6feb.

## Email rules (domain/email_rules.rs); a rule list's error joins its lines' with a space

err-rules-domain-rule = „{ $rule }“ ist keine gültige Domain-Regel.
err-rules-not-a-rule = „{ $rule }“ ist weder eine E-Mail-Adresse noch eine Domain-Regel wie *@example.com.

## Custom attributes (domain/fixed_data.rs); $message is the JSON or YAML parser's (English)

err-fixed-json = JSON-Fehler in Zeile { $line }: { $message }
err-fixed-yaml-at-line = YAML-Fehler in Zeile { $line }: { $message }
err-fixed-yaml = YAML-Fehler: { $message }
err-fixed-not-a-mapping = Benutzerdefinierte Attribute müssen eine Zuordnung von Schlüsseln zu Werten sein, z. B. `name: Jane Smith`.
err-fixed-email = „email“ muss eine gültige E-Mail-Adresse sein.
err-fixed-yaml-on-server-only = YAML wird auf dem Server verarbeitet.
err-fixed-too-large = Die benutzerdefinierten Attribute sind zu groß: höchstens { $max } Bytes.
err-fixed-too-deep = Die benutzerdefinierten Attribute sind zu tief verschachtelt: höchstens { $max } Ebenen.

## Stored values that are none of the known ones (corrupt rows, imports); $value is quoted

err-flow-unknown-user-type = unbekannter Benutzertyp { $value }
err-flow-unknown-designation = { $value } ist keine Bestimmung eines Ablaufs (eine von authentication, authorization, invalidation, enrollment, unenrollment, recovery, stage_configuration)
err-flow-unknown-authentication = { $value } ist keine Authentifizierungsanforderung eines Ablaufs (eine von none, require_authenticated, require_unauthenticated, require_superuser, require_redirect, require_outpost)
err-event-unknown-kind = unbekannte Art von Einladungsereignis { $value }
err-outbox-unknown-status = unbekannter Status im Postausgang { $value }
err-client-bad-proxy-list = USHER_TRUSTED_PROXIES: { $value } ist weder eine IP-Adresse noch ein CIDR-Netz (z. B. 10.0.0.0/8, ::1)

## Named links (domain/invitation_link.rs)

err-link-name-required = Geben Sie dem Link einen Namen, etwa poster oder newsletter.
err-link-name-too-long = Der Name eines Links darf höchstens { $max } Zeichen lang sein.
err-link-name-not-a-slug = Der Name eines Links darf nur Buchstaben, Ziffern, - und _ enthalten.
err-link-not-public = Benannte Links gibt es nur für öffentliche Einladungen: Diese ist durch E-Mail-Regeln beschränkt.
err-link-share = Der Anteil eines Links muss eine ganze Zahl von mindestens 1 sein, oder leer für keinen eigenen Anteil.

## SMTP URLs (domain/smtp.rs)

err-smtp-not-a-url = Geben Sie eine URL an, etwa smtp://user@mail.example.com:587?tls=required.
err-smtp-scheme = Die URL muss mit smtp:// (unverschlüsselt oder STARTTLS) oder smtps:// (implizites TLS) beginnen.
err-smtp-no-host = Die URL muss den Host des SMTP-Servers nennen.

## Token identifiers (domain/token.rs)

err-token-identifier-required = Die Kennung ist erforderlich.
err-token-identifier-too-long = Die Kennung darf höchstens 100 Zeichen lang sein.
err-token-identifier-characters = Die Kennung darf nur Buchstaben, Ziffern, „-“, „_“ und „.“ enthalten.

## YAML from outside (domain/yaml.rs)

err-yaml-too-large = Das YAML ist zu groß: höchstens { $max } Bytes.
err-yaml-too-many-nodes = Das YAML ergibt mehr als { $max } Knoten (Aliase wiederholen, was sie benennen).
err-yaml-expands-too-far = Das YAML ergibt mehr als { $max } Bytes Text (Aliase wiederholen, was sie benennen).

## Date-time fields (domain/mod.rs)

err-datetime-invalid = Das Ablaufdatum muss ein Datum mit Uhrzeit sein (JJJJ-MM-TT HH:MM, UTC).

## A field's value refused (error.rs, problem_message)

err-problem-not-a-mailbox = Geben Sie ein Postfach an, etwa Acme <id@acme.example> oder id@acme.example.
err-problem-password-without-user = Ein Passwort braucht einen Benutzernamen in der URL: smtp://user@host:587?tls=required.
# $reason is lettre's (English).
err-problem-smtp-transport = Diese URL funktioniert nicht für SMTP: { $reason }
err-problem-not-an-address-in = „{ $address }“ ist keine gültige E-Mail-Adresse.
err-problem-no-recipient = Geben Sie mindestens einen Empfänger an.
err-problem-no-such-user = Es gibt keinen Benutzer namens „{ $name }“.
err-problem-not-in-future = Das Ablaufdatum muss in der Zukunft liegen.
err-problem-unknown-flow = Wählen Sie einen Ablauf.
err-problem-stage-not-bound = An { $flow } ist keine Stufe { $stage } gebunden.
err-problem-not-an-app-url = Geben Sie eine http(s)-URL an, etwa https://apps.example.com/, oder einen Pfad auf dieser Website.
err-problem-not-a-webhook-url = Geben Sie eine http(s)-URL an, etwa https://hooks.example.com/usher, ohne Benutzernamen oder Passwort.
err-problem-private-address = Diese Adresse ist privat oder Loopback; erlauben Sie private Adressen in den Webhook-Einstellungen, um sie zu verwenden.
err-problem-unknown-event-type = „{ $event_type }“ ist kein Ereignistyp.
# $changes: "flow <slug>, stage <name>, …" joined with ", ".
err-problem-builtin-changes = Dieser Blueprint ändert Eingebautes von Usher: { $changes }. Bestätigen Sie, um ihn trotzdem anzuwenden (CLI: --force).
err-problem-too-many-rows = Höchstens 50.000 Empfänger pro Import.

## A name another thing of its kind has (error.rs, taken_message)

err-taken-user = Dieser Benutzername ist bereits vergeben.
err-taken-token = Es gibt bereits ein Token mit dieser Kennung.
err-taken-webhook = Es gibt bereits einen Webhook mit diesem Namen.
err-taken-policy = Es gibt bereits eine Richtlinie mit diesem Namen.
err-taken-group = Es gibt bereits eine Gruppe mit diesem Namen.
err-taken-role = Es gibt bereits eine Rolle mit diesem Namen.
err-taken-flow = Es gibt bereits einen Ablauf mit diesem Slug.
err-taken-invitation = Es gibt bereits eine Einladung mit diesem Namen.
err-taken-campaign = Es gibt bereits eine Kampagne mit diesem Namen.
err-taken-recipient = Diese Adresse ist bereits ein Empfänger.
err-taken-link = Diese Einladung hat bereits einen Link mit diesem Namen.
err-taken-other = Das ist bereits vergeben.

## Nothing with the identity asked for (error.rs, not_found_message)

err-notfound-invitation = Diese Einladung gibt es nicht.
err-notfound-setup-link = Dieser Einrichtungslink ist ungültig oder wurde bereits verwendet.
err-notfound-link = Diesen Link gibt es nicht.
err-notfound-user = Diesen Benutzer gibt es nicht.
err-notfound-token = Dieses Token gibt es nicht.
err-notfound-webhook = Diesen Webhook gibt es nicht.
err-notfound-policy = Diese Richtlinie gibt es nicht.
err-notfound-binding = Diese Bindung gibt es nicht.
err-notfound-flow = Diesen Ablauf gibt es nicht.
err-notfound-group = Diese Gruppe gibt es nicht.
err-notfound-role = Diese Rolle gibt es nicht.
err-notfound-campaign = Diese Kampagne gibt es nicht.
err-notfound-recipient = Diesen Empfänger gibt es nicht.

## A refused request (error.rs, refusal_message)

err-refusal-no-smtp-server = Es ist kein SMTP-Server eingerichtet: Speichern Sie hier einen oder setzen Sie USHER_SMTP_URL.
# $reason is the SMTP server's answer or the connection error (English).
err-refusal-test-message-refused = Der SMTP-Server hat die Testnachricht nicht angenommen: { $reason }
err-refusal-link-sealed-elsewhere = Der Link dieser Einladung wurde mit einem anderen USHER_SECRET_KEY versiegelt: Erzeugen Sie den Link neu und senden Sie ihn dann.
err-refusal-own-account-deactivate = Sie können Ihr eigenes Konto nicht deaktivieren.
err-refusal-own-account-delete = Sie können Ihr eigenes Konto nicht löschen.
# $reason: where and what, as the blueprint reader words it.
err-refusal-blueprint = Blueprint abgelehnt: { $reason }
# $problem: what is wrong with the invitation, already worded.
err-refusal-blueprint-invitation = Blueprint abgelehnt: Einladung { $name }: { $problem }
err-refusal-not-retriable = Nur eine fehlgeschlagene Nachricht kann erneut versucht werden, und nie eine, die einen Bestätigungscode enthielt (die eingeladene Person fordert einen neuen Code an).
err-refusal-not-redeliverable = Diese Zustellung ist noch unterwegs; nur eine zugestellte oder fehlgeschlagene kann erneut zugestellt werden.
