# Usher's message catalogue (en): the admin dashboard, admin-campaigns.

## Directory → Campaigns (campaigns.rs)

camp-title = Campaigns
camp-intro = A campaign sends one invitation definition to many people: each recipient gets their own single-use link, limited to their address. Import recipients from a list or a CSV file, see who has joined, remind or revoke.
camp-close = Close
camp-new = New campaign
camp-empty = No campaigns yet.
camp-loading = Loading…
camp-col-name = Name
camp-col-recipients = Recipients
camp-col-queued = Queued
camp-col-sent = Sent
camp-col-delivery-failed = Delivery failed
camp-col-viewed = Viewed
camp-col-joined = Joined
camp-col-expired = Expired
camp-col-revoked = Revoked
camp-col-expires = Expires
camp-col-created = Created
camp-col-line = Line
camp-col-email = Email
camp-col-result = Result
camp-col-state = State
camp-col-invitation = Invitation
camp-col-reminders = Reminders
camp-col-added = Added
camp-state-queued = queued
camp-state-sent = sent
camp-state-delivery-failed = delivery failed
camp-state-viewed = viewed
camp-state-joined = joined
camp-state-expired = expired
camp-state-revoked = revoked
camp-field-name = Name
camp-field-description = Description
camp-field-flow = Flow
camp-field-expires = Expires (UTC, YYYY-MM-DD HH:MM; empty: never)
camp-field-not-before = Opens at (UTC; empty: at once)
camp-field-reminder-days = Reminders: days before expiry (e.g. 7, 1; empty: none)
camp-field-digest = Email me a digest of who has not joined when reminders go out
camp-field-email-subject = Email subject (empty: the default)
camp-field-email-message = Message in the email
camp-field-fixed-data = Custom attributes for every recipient (JSON or YAML)
camp-field-roles = Roles
camp-field-groups = Groups
camp-save = Save campaign
camp-back = ← Campaigns
camp-heading = Campaign { $name }
camp-summary-flow = Flow
camp-summary-expires = Expires
camp-summary-opens = Opens
camp-summary-grants = Grants
camp-summary-reminders = Reminders
camp-grant-role = role { $name }
camp-grant-group = group { $name }
camp-grants-none = an account only
camp-reminders-none = none
# $days: the days before expiry, as a list ("7, 1").
camp-reminders-days = { $days } days before expiry
camp-close-editor = Close editor
camp-edit = Edit definition
camp-resend = Resend to those not joined
camp-revoke-all = Revoke all not joined
camp-revoke-all-question = Revoke every recipient who has not joined? Their links stop working.
camp-confirm-revoke = Confirm revoke
camp-cancel = Cancel
camp-delete = Delete campaign
camp-delete-question = Delete the campaign and all its invitations?
camp-confirm-delete = Confirm delete
camp-resent = { $count ->
    [one] Sent again to { $count } recipient.
   *[other] Sent again to { $count } recipients.
}
camp-revoked = Revoked { $count }.
# $count: the duplicates.
# $summary: err-camp-import-summary (ImportCounts::summary_in).
camp-imported = Imported: { $summary }.
camp-add-recipients = Add recipients
camp-pasted-label = Paste addresses (one per line, or separated by commas; "Name <address>" works)
camp-csv-label = …or a CSV file (columns: email, name, username, attributes.<name>; comma or semicolon)
camp-file = File: { $name }
camp-dry-run = Check (dry run)
# Before the totals (err-camp-import-summary), then camp-dry-run-after.
camp-dry-run-before = Dry run:
camp-dry-run-after = . Nothing is written until you confirm.
camp-confirm-import = { $count ->
    [one] Confirm: add { $count } recipient
   *[other] Confirm: add { $count } recipients
}
camp-no-recipients = No recipients yet.
camp-joins-as = (joins as { $name })
camp-revoke = Revoke

## An invitation's named links (invitation_links.rs)

links-title = Named links
links-intro = Each named link has its own token, an optional share of the uses, and its own counts; the invitation's quota still caps the total.
links-loading = Loading…
links-empty = No named links yet.
links-col-name = Name
links-col-link = Link
links-col-qr = QR code
links-col-uses = Uses / share
links-col-views = Views
# $count: the views; $when: the last view.
links-views-last = { $count } (last { $when })
links-sealed-elsewhere = Sealed with another USHER_SECRET_KEY: regenerate it.
links-link-aria = Link { $name }
links-copy = Copy
links-copied = Copied
links-regenerate = Regenerate
links-delete = Delete
links-confirm-delete = Confirm delete
links-cancel = Cancel
links-name-label = Link name
links-share-label = Share (optional)
links-share-placeholder = no share of its own
links-add = Add link

## The invitation editor's checks (invitation_preview.rs)

preview-address-question = Would this address be accepted?
preview-check = Check
preview-email = Preview email
preview-note = As the invitee will see it. The link is a placeholder: the real one is made when the invitation is sent.
preview-subject = Subject:
preview-html-title = The invitation email (HTML)

## Directory → Outbox (outbox.rs)

outbox-title = Outbox
outbox-failed-only = Failed only
outbox-col-invitation = Invitation
outbox-col-to = To
outbox-col-status = Status
outbox-col-attempts = Attempts
outbox-col-last-error = Last error
outbox-col-queued = Queued
outbox-col-sent = Sent
outbox-empty = No messages.
outbox-status-queued = queued
outbox-status-sending = sending
outbox-status-sent = sent
outbox-status-failed = failed
outbox-retry = Retry
