# Usher's message catalogue (en): the admin dashboard, admin-system.

## System → Brands

brands-title = Brands
brands-intro = External users (customers, partners) have no use for this site's dashboard: after enrolling or signing in they are sent to the default application. Without one they see a note that none is set up. The title, logo and accent colour are shown on the invitee's pages and in the emails they get.
brands-default-app-label = Default application (URL or path)
brands-title-label = Title
# Followed by the default title in code, then brands-title-help-default.
brands-title-help = Names the organisation on the invitee's pages and in email subjects. Empty:
brands-title-help-default = (USHER_BRAND_NAME, else Usher).
brands-logo-label = Logo (URL or path)
brands-accent-label = Accent colour
brands-accent-picker = Pick the accent colour
brands-accent-help = Buttons take this colour; their text turns white or black, whichever reads better (WCAG AA).
brands-locale-label = Default language
brands-locale-environment = As USHER_DEFAULT_LOCALE says ({ $language })
brands-locale-help = What invitees are spoken to in, on the pages and in the invitation email, when neither their invitation nor their browser names a language Usher speaks.
brands-save = Save
brands-saved = Saved.
# Followed by the URL from the environment, in code.
brands-env-default-app = While no default application is saved here, USHER_DEFAULT_APP_URL applies:

## System → Email, and the mail banner above every admin page

email-source-environment = environment
email-source-saved = saved here
email-source-default = default
email-banner-not-configured = No SMTP server is configured: invitation emails and verification codes cannot be sent.
email-banner-last-failure = The last email delivery failed: { $error }
email-banner-queued = { $count ->
        [one] { $count } message waits in the outbox.
       *[other] { $count } messages wait in the outbox.
    }
email-banner-open-outbox = Open the outbox
email-banner-settings = Email settings
email-banner-links-work = Invitations shared as links (no email address in their custom attributes, no email rules) work without mail.
email-title = Email
# Followed by a link (email-intro-outbox), then email-intro-end.
email-intro = Usher sends invitation emails and verification codes through an SMTP server. Without one they wait in
email-intro-outbox = the outbox
email-intro-end = ; invitations shared as links need no mail.
email-smtp-server = SMTP server
email-none = none
email-from = From
email-brand-name = Brand name
email-brand-saved = saved in System → Brands
# $source: email-source-environment or email-source-default.
email-brand-source = { $source }; USHER_BRAND_NAME, or a title in System → Brands
email-connection = Connection
email-connection-not-configured = no SMTP server is configured
email-connection-connected = connected
email-connection-failed = failed: { $error }
email-last-delivery = Last delivery
email-last-delivery-none = none yet
email-last-delivery-ok = delivered
email-last-delivery-failed = failed
email-queued = Waiting in the outbox
email-saved-settings = SMTP settings saved here
email-env-wins = Environment variables win over what is saved here:
email-env-both = USHER_SMTP_URL and USHER_EMAIL_FROM are set.
email-env-url = USHER_SMTP_URL is set.
email-env-from = USHER_EMAIL_FROM is set.
email-smtp-url-label = SMTP URL (empty removes the saved server)
email-password-label = Password
email-password-saved-label = Password (saved; leave empty to keep it)
email-from-label = From (empty: USHER_EMAIL_FROM or the default)
email-save = Save
email-saved = Saved.
email-test-title = Send a test email
email-test-to = To
email-test-send = Send a test email
email-test-ok = The server took the message: { $answer }

## System → Events

events-title = Events
events-intro = Every change to an invitation, a user or an API token, every use of an invitation and every failed sign-in, newest first.
events-action = Action
events-any = Any
events-actor = Actor
events-actor-placeholder = username
events-object = Object
events-object-invitation = Invitation
events-object-user = User
events-object-token = API token
events-object-webhook = Webhook
events-object-pk = Object pk
events-since = From (UTC)
events-until = To (UTC)
events-filter = Filter
events-export-csv = Export CSV
events-export-json = Export JSON
events-empty = No events.
events-col-when = When
events-col-client = Client
events-col-details = Details
events-pages = Pages of events
events-previous = Previous
events-next = Next
# $n: this page, $total: the pages, $count: the events the filters select.
events-page = Page { $n } of { $total } ({ $count } events)

## System → Webhooks

webhooks-title = Webhooks
# Followed by the three header names in code, then webhooks-intro-end.
webhooks-intro = Events are posted as JSON to each enabled webhook that receives their type, signed by the Standard Webhooks convention (
webhooks-intro-end = ), and retried for 72 hours.
webhooks-allow-private = Allow private addresses (loopback, 10/8, 172.16/12, 192.168/16, link-local…): only for receivers on your own network
webhooks-save = Save
webhooks-name = Name
webhooks-url = URL
webhooks-event-types = Event types
webhooks-all-events = All events
webhooks-enabled = Enabled
webhooks-create = Create webhook
# Around the new webhook's name (in bold): "Webhook <name> created. …"
webhooks-created = Webhook
webhooks-created-secret = created. Its signing secret: copy it now: it is not shown again.
webhooks-col-events = Events
webhooks-col-created = Created
webhooks-empty = No webhooks yet.
webhooks-enabled-disable = Enabled: disable
webhooks-disabled-enable = Disabled: enable
webhooks-deliveries = Deliveries
webhooks-hide-deliveries = Hide deliveries
webhooks-delete = Delete
webhooks-delete-confirm = Delete { $name }? Its queued deliveries are dropped.
webhooks-confirm-delete = Confirm delete
webhooks-cancel = Cancel
webhooks-col-event = Event
webhooks-col-status = Status
webhooks-col-attempts = Attempts
webhooks-col-response = Response
webhooks-col-last-error = Last error
webhooks-col-queued = Queued
webhooks-col-delivered = Delivered
webhooks-deliveries-empty = No deliveries yet.
webhooks-redeliver = Redeliver
webhooks-newer = Newer
webhooks-older = Older
webhooks-page = Page { $n } of { $total }
