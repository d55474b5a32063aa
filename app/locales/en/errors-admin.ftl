# Usher's message catalogue (en): errors-admin (error messages of the dashboard).

## Brands (domain/brand.rs)

err-brand-title-too-long = The title may be at most { $max } characters.
err-brand-title-characters = The title may not contain line breaks or other control characters.
err-brand-logo = Enter the logo's http(s) URL, such as https://cdn.example.com/logo.svg, or a path on this site.
err-brand-accent = Enter the accent colour as #rrggbb, such as #1f6feb.

## Email rules (domain/email_rules.rs); a rule list's error joins its lines' with a space

err-rules-domain-rule = '{ $rule }' is not a valid domain rule.
err-rules-not-a-rule = '{ $rule }' is neither an email address nor a domain rule like *@example.com.

## Custom attributes (domain/fixed_data.rs); $message is the JSON or YAML parser's (English)

err-fixed-json = JSON error at line { $line }: { $message }
err-fixed-yaml-at-line = YAML error at line { $line }: { $message }
err-fixed-yaml = YAML error: { $message }
err-fixed-not-a-mapping = Custom attributes must be a mapping of keys to values, e.g. `name: Jane Smith`.
err-fixed-email = 'email' must be a valid email address.
err-fixed-yaml-on-server-only = YAML is parsed on the server.
err-fixed-too-large = Custom attributes are too large: at most { $max } bytes.
err-fixed-too-deep = Custom attributes are nested too deeply: at most { $max } levels.

## Stored values that are none of the known ones (corrupt rows, imports); $value is quoted

err-flow-unknown-user-type = unknown user type { $value }
err-flow-unknown-designation = { $value } is not a flow designation (one of authentication, authorization, invalidation, enrollment, unenrollment, recovery, stage_configuration)
err-flow-unknown-authentication = { $value } is not a flow authentication requirement (one of none, require_authenticated, require_unauthenticated, require_superuser, require_redirect, require_outpost)
err-event-unknown-kind = unknown invitation event kind { $value }
err-outbox-unknown-status = unknown outbox status { $value }
err-client-bad-proxy-list = USHER_TRUSTED_PROXIES: { $value } is neither an IP address nor a CIDR network (e.g. 10.0.0.0/8, ::1)

## Named links (domain/invitation_link.rs)

err-link-name-required = Give the link a name, such as poster or newsletter.
err-link-name-too-long = A link's name must be at most { $max } characters.
err-link-name-not-a-slug = A link's name may hold only letters, digits, - and _.
err-link-not-public = Named links are for public invitations: this one is limited by email rules.
err-link-share = A link's share must be a whole number of at least 1, or empty for no share of its own.

## SMTP URLs (domain/smtp.rs)

err-smtp-not-a-url = Enter a URL such as smtp://user@mail.example.com:587?tls=required.
err-smtp-scheme = The URL must start with smtp:// (plain or STARTTLS) or smtps:// (implicit TLS).
err-smtp-no-host = The URL must name the SMTP server's host.

## Token identifiers (domain/token.rs)

err-token-identifier-required = Identifier is required.
err-token-identifier-too-long = Identifier must be at most 100 characters.
err-token-identifier-characters = Identifier may contain letters, digits, '-', '_' and '.' only.

## YAML from outside (domain/yaml.rs)

err-yaml-too-large = The YAML is too large: at most { $max } bytes.
err-yaml-too-many-nodes = The YAML expands to more than { $max } nodes (aliases repeat what they name).
err-yaml-expands-too-far = The YAML expands to more than { $max } bytes of text (aliases repeat what they name).

## Date-time fields (domain/mod.rs)

err-datetime-invalid = Expiry must be a date and time (YYYY-MM-DD HH:MM, UTC).

## A field's value refused (error.rs, problem_message)

err-problem-not-a-mailbox = Enter a mailbox such as Acme <id@acme.example> or id@acme.example.
err-problem-password-without-user = A password needs a user name in the URL: smtp://user@host:587?tls=required.
# $reason is lettre's (English).
err-problem-smtp-transport = This URL does not work for SMTP: { $reason }
err-problem-not-an-address-in = '{ $address }' is not a valid email address.
err-problem-no-recipient = Give at least one recipient.
err-problem-no-such-user = No user is named '{ $name }'.
err-problem-not-in-future = Expiry must be in the future.
err-problem-unknown-flow = Choose a flow.
err-problem-stage-not-bound = No stage { $stage } is bound to { $flow }.
err-problem-not-an-app-url = Enter an http(s) URL such as https://apps.example.com/, or a path on this site.
err-problem-not-a-webhook-url = Enter an http(s) URL such as https://hooks.example.com/usher, without a user name or password.
err-problem-private-address = This address is private or loopback; allow private addresses in the webhook settings to use it.
err-problem-unknown-event-type = '{ $event_type }' is not an event type.
# $changes: "flow <slug>, stage <name>, …" joined with ", ".
err-problem-builtin-changes = This blueprint changes Usher's built-in { $changes }. Confirm to apply it anyway (CLI: --force).
err-problem-too-many-rows = At most 50,000 recipients per import.

## A name another thing of its kind has (error.rs, taken_message)

err-taken-user = This username is already taken.
err-taken-token = A token with this identifier exists.
err-taken-webhook = A webhook with this name exists.
err-taken-policy = A policy with this name exists.
err-taken-group = A group with this name already exists.
err-taken-role = A role with this name already exists.
err-taken-flow = A flow with this slug already exists.
err-taken-invitation = An invitation with this name already exists.
err-taken-campaign = A campaign with this name already exists.
err-taken-recipient = This address is already a recipient.
err-taken-link = This invitation already has a link with this name.
err-taken-other = This is already taken.

## Nothing with the identity asked for (error.rs, not_found_message)

err-notfound-invitation = No such invitation.
err-notfound-setup-link = This set-up link is invalid or has already been used.
err-notfound-link = This link does not exist.
err-notfound-user = This user does not exist.
err-notfound-token = This token does not exist.
err-notfound-webhook = This webhook does not exist.
err-notfound-policy = This policy does not exist.
err-notfound-binding = This binding does not exist.
err-notfound-flow = This flow does not exist.
err-notfound-group = This group does not exist.
err-notfound-role = This role does not exist.
err-notfound-campaign = This campaign does not exist.
err-notfound-recipient = This recipient does not exist.

## A refused request (error.rs, refusal_message)

err-refusal-no-smtp-server = No SMTP server is configured: save one here or set USHER_SMTP_URL.
# $reason is the SMTP server's answer or the connection error (English).
err-refusal-test-message-refused = The SMTP server did not take the test message: { $reason }
err-refusal-link-sealed-elsewhere = This invitation's link was sealed with another USHER_SECRET_KEY: regenerate the link, then send it.
err-refusal-own-account-deactivate = You cannot deactivate your own account.
err-refusal-own-account-delete = You cannot delete your own account.
# $reason: where and what, as the blueprint reader words it.
err-refusal-blueprint = Blueprint refused: { $reason }
# $problem: what is wrong with the invitation, already worded.
err-refusal-blueprint-invitation = Blueprint refused: invitation { $name }: { $problem }
err-refusal-not-retriable = Only a failed message can be retried, and never one that carried a verification code (the invitee asks for a new code).
err-refusal-not-redeliverable = This delivery is still on its way; only a delivered or failed one can be redelivered.
