# Usher's message catalogue (en): the admin dashboard, admin-invitations.

## The invitations page: heading, search, sort, the no-JavaScript notice, the table
inv-title = Invitations
inv-create = Create
inv-search-placeholder = Search by name
inv-sort-label = Sort
inv-sort-newest = Newest first
inv-sort-oldest = Oldest first
inv-sort-expiring-soonest = Expiring soonest
inv-sort-expiring-latest = Expiring latest
inv-no-js-notice = JavaScript is off: you can create invitations (without roles or groups), disable or enable them, read their links (Link…) and delete them (Delete…) here. Editing, roles and groups, the Copy button and sending need JavaScript.
inv-col-name = Name
inv-col-flow = Flow
inv-col-status = Status
inv-col-uses = Uses
inv-col-expires = Expires
inv-col-created-by = Created by
inv-col-actions = Actions
inv-empty = No invitations.
inv-loading = Loading…
inv-pager-label = Invitation pages
inv-pager-previous = Previous
inv-pager-next = Next
# "51–100 of 230"
inv-pager-range = { $first }–{ $last } of { $total }

## A row's summary line: status badges and their explanations, the quick Disable/Enable
inv-status-active = active
inv-status-disabled = disabled
inv-status-scheduled = scheduled
inv-status-expired = expired
inv-status-used-up = used up
inv-badge-creator-inactive = Disabled: its creator, { $name }, is deactivated
# $when: the start time, already formatted
inv-badge-opens = Opens { $when }
inv-details-of = Details of { $name }
inv-disable = Disable
inv-enable = Enable

## Without JavaScript: the create form, the link and delete disclosures
inv-nojs-create-summary = Create an invitation…
inv-field-name = Name
inv-field-flow = Flow
inv-nojs-expires-label = Expires (UTC; empty: never)
inv-single-use = Single use
inv-nojs-emails-label = Email rules (one per line; empty: anyone with the link)
inv-nojs-fixed-data-label = Fixed data (YAML)
inv-nojs-link-summary = Link…
inv-nojs-link-of = Link of { $name }
inv-nojs-delete-summary = Delete…
inv-nojs-delete-question = Delete { $name }? Its link stops working.
inv-nojs-confirm-deletion = Confirm deletion

## The expanded row: the link, the facts, messages, events, timeline, ledger
inv-link-sealed = This link was sealed with another USHER_SECRET_KEY, so it cannot be shown and no longer works here. Regenerate it to get a new link.
inv-link-label = Link
inv-link-copy = Copy
inv-link-copied = Copied
inv-link-copied-status = Copied to the clipboard
inv-facts-none = none
inv-facts-anyone = anyone (public)
inv-facts-disabled = Disabled
inv-facts-creator-inactive = Its creator, { $name }, is deactivated: the link works again when their account is reactivated.
inv-facts-opens = Opens
inv-description = Description
inv-facts-custom-attributes = Custom attributes
inv-facts-emails = Emails
inv-roles = Roles
inv-groups = Groups
inv-facts-messages = Messages
inv-facts-used-by = Used by
inv-facts-qr = QR code
inv-facts-qr-label = QR code of the invitation link
inv-facts-qr-png = PNG (poster)
inv-facts-activity = Activity
inv-messages-none = none sent
# $status: one of outbox-status-*; $created: when it was queued
inv-message-line = { $to } — { $status } (attempts: { $attempts }) · queued { $created }
inv-message-sent = · sent { $date }
inv-events = Events
inv-event-codes-paused = Codes paused
inv-event-code-budget-half = Codes guessed at
inv-timeline = Timeline
inv-ledger-none = nobody yet
inv-ledger-enrolled = enrolled
inv-ledger-joined = joined

## The row's actions and the send form
inv-action-edit = Edit
inv-action-send = Send…
inv-action-resend = Resend…
inv-action-regenerate = Regenerate link
inv-deprovision = Deprovision accounts…
inv-deprovision-confirm = Deactivate the { $count } account(s) created through this invitation?
inv-deprovision-confirm-button = Confirm deprovision
inv-cancel = Cancel
inv-delete = Delete
inv-delete-confirm = Delete { $name }? This cannot be undone.
inv-delete-confirm-button = Confirm delete
inv-send-to = To
inv-send-cc = Cc
inv-send-bcc = Bcc
inv-send-submit = Send invitation

## The invitation editor
inv-editor-title-create = Create invitation
inv-editor-title-edit = Edit invitation
inv-editor-no-roles = None defined yet (Directory → Roles).
inv-editor-no-groups = None defined yet (Directory → Groups).
inv-editor-choose-flow = — choose a flow —
inv-editor-no-invitation-stage = ⚠ No invitation stage is bound to this flow, so it does not ask for an invitation: anyone who has its address can enroll.
# $zone: an IANA time zone name such as Europe/Berlin
inv-editor-expires-label = Expires (your time zone: { $zone })
inv-editor-never-expires = Never expires
inv-editor-never-warning = ⚠ This invitation never expires: its link works until it is disabled, deleted or used up.
inv-editor-not-before-label = Opens at (your time zone: { $zone }; empty = at once)
inv-editor-not-before-help = Before this time the link shows when it opens and grants nothing.
inv-editor-reminders-label = Reminders: days before expiry (e.g. 7, 1; empty = none)
inv-editor-reminders-help = Each reminder goes once to the addresses its link was emailed to whose account has not used it.
inv-editor-locale-label = Invitee's language
inv-editor-locale-browser = Their browser's (else the brand default)
inv-editor-locale-help = The landing page, every step, its errors and its emails speak it; the new account keeps it.
inv-editor-fixed-data-label = Custom attributes (JSON or YAML)
inv-editor-quota-label = Quota (max uses; empty = unlimited)
inv-editor-emails-label = Emails (one per line: an address or *@domain; empty = anyone)
inv-editor-mail-warning-send = ⚠ No SMTP server is configured: this message will wait in the outbox until one is (System → Email).
inv-editor-mail-warning-code = ⚠ No SMTP server is configured: the invitees of this invitation must confirm their address with an emailed code, which cannot be sent until one is (System → Email). To share a link without mail, leave Emails empty and use a flow without an email stage.
inv-editor-enabled = Enabled
inv-editor-notify = Email me when it is used, when a delivery fails, or when it expires unused
inv-editor-save = Save
