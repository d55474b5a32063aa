# Usher's message catalogue (de): errors-invitations (error messages of the dashboard).

## Kampagnen (app/src/domain/campaign.rs): CampaignError
err-camp-name-required = Der Name ist erforderlich.
err-camp-name-too-long = Der Name darf höchstens 36 Zeichen lang sein.
err-camp-name-not-a-slug = Der Name darf nur Buchstaben, Ziffern, „-“ und „_“ enthalten (ein Slug).
err-camp-name-taken = Es gibt bereits eine Kampagne mit diesem Namen.
err-camp-flow = Wählen Sie einen Ablauf.
err-camp-expires-in-past = Das Ablaufdatum muss in der Zukunft liegen (oder wählen Sie „nie“).
err-camp-expires-invalid = Das Ablaufdatum muss ein Datum mit Uhrzeit sein (JJJJ-MM-TT HH:MM, UTC) oder leer bleiben, damit die Einladungen nie ablaufen.
err-camp-not-before-invalid = Der Öffnungszeitpunkt muss ein Datum mit Uhrzeit sein (JJJJ-MM-TT HH:MM, UTC) oder leer bleiben, damit die Einladungen sofort öffnen.
err-camp-not-before-after-expiry = Die Einladungen müssen öffnen, bevor sie ablaufen.
err-camp-reminders-need-expiry = Erinnerungen werden vor dem Ablaufdatum gesendet: Legen Sie ein Ablaufdatum fest oder verzichten Sie auf Erinnerungen.
err-camp-subject = Der Betreff muss eine einzelne Zeile mit höchstens 200 Zeichen sein.
err-camp-message = Die Nachricht darf höchstens 2.000 Zeichen lang sein.
# $name: die Rolle wie angegeben (pk oder Name).
err-camp-unknown-role = Unbekannte Rolle: { $name }
# $name: die Gruppe wie angegeben (pk oder Name).
err-camp-unknown-group = Unbekannte Gruppe: { $name }

## Kampagnen: ReminderError
err-camp-reminder-not-a-day = Erinnerungen sind ganze Tage vor dem Ablaufdatum, von 1 bis 365, z. B. „7, 1“.
err-camp-reminder-too-many = Höchstens 5 Erinnerungen.

## Kampagnen: die Zeilen eines Imports (RowProblem, nach „Ungültig: “ aus err-camp-verdict-invalid)
err-camp-row-no-email = die E-Mail-Adresse ist leer.
# $value: die Adresse wie angegeben, in doppelten Anführungszeichen.
err-camp-row-not-an-address = { $value } ist keine E-Mail-Adresse.
# $problem: warum der Benutzername abgelehnt wird.
err-camp-row-username = Benutzername: { $problem }
err-camp-row-name-too-long = der Name ist länger als 200 Zeichen.
err-camp-row-too-large = die Attribute der Zeile sind zu groß.
# $value: die locale der Zeile wie angegeben, in doppelten Anführungszeichen.
err-camp-row-locale = locale: { $value } ist keine Sprache, die Usher spricht (en, de).

## Kampagnen: was der Probelauf zu einer Zeile sagt (RowVerdict::explain_in)
err-camp-verdict-new = Neu: wird zur Registrierung eingeladen.
# $username: das Konto, dem die Adresse gehört.
err-camp-verdict-join = Bereits Benutzer ({ $username }): wird zum Beitreten eingeladen.
err-camp-verdict-already-recipient = Duplikat: bereits Empfänger dieser Kampagne.
# $line: die Zeile der früheren Angabe.
err-camp-verdict-repeated = Duplikat: dieselbe Adresse wie in Zeile { $line }.
# $problem: eine err-camp-row-*-Meldung.
err-camp-verdict-invalid = Ungültig: { $problem }
# Die Summen eines Probelaufs oder Imports (ImportCounts::summary_in); $count: die Duplikate.
err-camp-import-summary = { $new } neu, { $join } zum Beitreten, { $count ->
    [one] { $count } Duplikat
   *[other] { $count } Duplikate
}, { $invalid } ungültig

## Kampagnen: eine als Ganzes abgelehnte CSV-Datei (CsvError)
err-camp-csv-not-utf8 = Die Datei ist kein UTF-8-Text (speichern Sie sie als „CSV UTF-8“).
err-camp-csv-empty = Die Datei ist leer: Die erste Zeile muss die Spalten benennen, z. B. „email,name“.
err-camp-csv-no-email-column = Die erste Zeile muss eine Spalte „email“ benennen (Spalten: email, name, username, locale, attributes.*).
# $column: die Spalte wie angegeben, in doppelten Anführungszeichen.
err-camp-csv-unknown-column = Unbekannte Spalte { $column }: Die Spalten sind email, name, username, locale und attributes.<name>.
# $column: die Spalte wie angegeben, in doppelten Anführungszeichen.
err-camp-csv-repeated-column = Die Spalte { $column } kommt zweimal vor.
err-camp-csv-too-many-rows = Höchstens 50.000 Empfänger pro Import.
# $line: die Zeile der Datei; $message: was falsch ist (die Worte des CSV-Lesers).
err-camp-csv-too-many-fields = Zeile { $line }: Die Zeile hat mehr Felder als die Kopfzeile.
err-camp-csv-syntax = Zeile { $line }: { $message }

## Einladungen (app/src/domain/invitation.rs): UnknownAction (eine beschädigte Zeile des Nutzungsprotokolls)
# $value: die gespeicherte Aktion, in doppelten Anführungszeichen.
err-inv-unknown-action = unbekannte Aktion { $value } im Nutzungsprotokoll

## Einladungen: NameError
err-inv-name-required = Der Name ist erforderlich.
err-inv-name-too-long = Der Name darf höchstens 50 Zeichen lang sein.
err-inv-name-not-a-slug = Der Name darf nur Buchstaben, Ziffern, „-“ und „_“ enthalten (ein Slug).

## Einladungen: QuotaError
err-inv-quota-below-one = Das Kontingent muss mindestens 1 sein oder leer bleiben (unbegrenzt).
err-inv-quota-single-use-not-one = Eine einmalige Einladung hat ein Kontingent von 1.
err-inv-quota-not-a-number = Das Kontingent muss eine ganze Zahl sein oder leer bleiben (unbegrenzt).

## Einladungen: InvitationError
err-inv-name-taken = Es gibt bereits eine Einladung mit diesem Namen.
err-inv-flow = Wählen Sie einen Ablauf.
err-inv-expires-in-past = Das Ablaufdatum muss in der Zukunft liegen (oder wählen Sie „nie“).
err-inv-not-before-invalid = Der Öffnungszeitpunkt muss ein Datum mit Uhrzeit sein (JJJJ-MM-TT HH:MM, UTC) oder leer bleiben, damit die Einladung sofort öffnet.
err-inv-not-before-after-expiry = Die Einladung muss öffnen, bevor sie abläuft.
err-inv-reminders-need-expiry = Erinnerungen werden vor dem Ablaufdatum gesendet: Legen Sie ein Ablaufdatum fest oder verzichten Sie auf Erinnerungen.
# $name: die Rolle wie angegeben (pk oder Name).
err-inv-unknown-role = Unbekannte Rolle: { $name }
# $name: die Gruppe wie angegeben (pk oder Name).
err-inv-unknown-group = Unbekannte Gruppe: { $name }
err-unknown-locale = „{ $code }“ ist keine Sprache, die Usher spricht; wählen Sie eine von: en, de.
