# Usher's message catalogue (en): errors-invitations (error messages of the dashboard).

## Campaigns (app/src/domain/campaign.rs): CampaignError
err-camp-name-required = Name is required.
err-camp-name-too-long = Name must be at most 36 characters.
err-camp-name-not-a-slug = Name may contain only letters, digits, '-' and '_' (a slug).
err-camp-name-taken = A campaign with this name already exists.
err-camp-flow = Choose a flow.
err-camp-expires-in-past = Expiry must be in the future (or choose never).
err-camp-expires-invalid = Expiry must be a date and time (YYYY-MM-DD HH:MM, UTC), or empty for never.
err-camp-not-before-invalid = The opening time must be a date and time (YYYY-MM-DD HH:MM, UTC), or empty for at once.
err-camp-not-before-after-expiry = The invitations must open before they expire.
err-camp-reminders-need-expiry = Reminders are sent before expiry: set an expiry, or no reminders.
err-camp-subject = The subject must be one line of at most 200 characters.
err-camp-message = The message must be at most 2,000 characters.
# $name: the role as given (pk or name).
err-camp-unknown-role = Unknown role: { $name }
# $name: the group as given (pk or name).
err-camp-unknown-group = Unknown group: { $name }

## Campaigns: ReminderError
err-camp-reminder-not-a-day = Reminders are whole numbers of days before expiry, from 1 to 365, e.g. "7, 1".
err-camp-reminder-too-many = At most 5 reminders.

## Campaigns: an import's rows (RowProblem, after err-camp-verdict-invalid's "Invalid: ")
err-camp-row-no-email = the email is empty.
# $value: the address as given, in double quotes.
err-camp-row-not-an-address = { $value } is not an email address.
# $problem: why the username is refused.
err-camp-row-username = username: { $problem }
err-camp-row-name-too-long = the name is longer than 200 characters.
err-camp-row-too-large = the row's attributes are too large.
# $value: the row's locale as given, in double quotes.
err-camp-row-locale = locale: { $value } is not a language Usher speaks (en, de).

## Campaigns: what the dry run says of a row (RowVerdict::explain_in)
err-camp-verdict-new = New: will be invited to enroll.
# $username: the account the address belongs to.
err-camp-verdict-join = Already a user ({ $username }): will be invited to join.
err-camp-verdict-already-recipient = Duplicate: already a recipient of this campaign.
# $line: the earlier row's line.
err-camp-verdict-repeated = Duplicate: the same address as line { $line }.
# $problem: an err-camp-row-* message.
err-camp-verdict-invalid = Invalid: { $problem }
# The totals of a dry run or an import (ImportCounts::summary_in); $count: the duplicates.
err-camp-import-summary = { $new } new, { $join } to join, { $count ->
    [one] { $count } duplicate
   *[other] { $count } duplicates
}, { $invalid } invalid

## Campaigns: a CSV file refused as a whole (CsvError)
err-camp-csv-not-utf8 = The file is not UTF-8 text (save it as "CSV UTF-8").
err-camp-csv-empty = The file is empty: its first line must name the columns, e.g. "email,name".
err-camp-csv-no-email-column = The first line must name an "email" column (columns: email, name, username, locale, attributes.*).
# $column: the column as given, in double quotes.
err-camp-csv-unknown-column = Unknown column { $column }: the columns are email, name, username, locale and attributes.<name>.
# $column: the column as given, in double quotes.
err-camp-csv-repeated-column = The column { $column } appears twice.
err-camp-csv-too-many-rows = At most 50,000 recipients per import.
# $line: the line of the file; $message: what is wrong (the CSV reader's words).
err-camp-csv-too-many-fields = Line { $line }: the row has more fields than the header.
err-camp-csv-syntax = Line { $line }: { $message }

## Invitations (app/src/domain/invitation.rs): UnknownAction (a corrupt ledger row)
# $value: the stored action, in double quotes.
err-inv-unknown-action = unknown ledger action { $value }

## Invitations: NameError
err-inv-name-required = Name is required.
err-inv-name-too-long = Name must be at most 50 characters.
err-inv-name-not-a-slug = Name may contain only letters, digits, '-' and '_' (a slug).

## Invitations: QuotaError
err-inv-quota-below-one = Quota must be at least 1, or empty for unlimited.
err-inv-quota-single-use-not-one = A single-use invitation has a quota of 1.
err-inv-quota-not-a-number = Quota must be a whole number, or empty for unlimited.

## Invitations: InvitationError
err-inv-name-taken = An invitation with this name already exists.
err-inv-flow = Choose a flow.
err-inv-expires-in-past = Expiry must be in the future (or choose never).
err-inv-not-before-invalid = Opening time must be a date and time (YYYY-MM-DD HH:MM, UTC), or empty to open at once.
err-inv-not-before-after-expiry = The invitation must open before it expires.
err-inv-reminders-need-expiry = Reminders are sent before expiry: set an expiry, or no reminders.
# $name: the role as given (pk or name).
err-inv-unknown-role = Unknown role: { $name }
# $name: the group as given (pk or name).
err-inv-unknown-group = Unknown group: { $name }
err-unknown-locale = '{ $code }' is not a language Usher speaks; choose one of: en, de.
