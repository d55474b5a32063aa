# Usher's message catalogue (en): the admin dashboard, admin-directory.

## Directory → Users

users-title = Users
users-paths-label = User paths
users-all = All users ({ $total })
users-col-username = Username
users-col-name = Name
users-col-email = Email
users-col-type = Type
users-col-path = Path
users-col-groups = Groups
users-col-active = Active
users-col-last-sign-in = Last sign-in
# The pager: "51–100 of 230".
users-range = { $from }–{ $to } of { $total }
users-pages-label = User pages
users-previous = Previous
users-next = Next
users-expand = Details of { $name }
users-badge-admin = admin
users-active-yes = yes
users-active-no = no
users-detail-groups = Groups
users-detail-roles = Roles
users-detail-created-through = Created through
users-detail-not-invited = — (not through an invitation)
users-deactivate = Deactivate
users-activate = Activate
users-delete = Delete
users-delete-confirm = Delete { $name } and the invitations they created?
users-confirm-delete = Confirm delete
users-cancel = Cancel

## Directory → Groups and Directory → Roles (the groups-* words of a row are also the Roles page's)

groups-title = Groups
roles-title = Roles
groups-new-name = New group name
roles-new-name = New role name
groups-create = Create group
roles-create = Create role
groups-empty = No groups yet.
roles-empty = No roles yet.
groups-col-name = Name
groups-col-members = Members
roles-col-name = Name
roles-col-members = Members
groups-delete = Delete
groups-delete-confirm = Delete { $name }?
groups-confirm-delete = Confirm delete
groups-cancel = Cancel
groups-members = Members
groups-remove-member = Remove
groups-username-to-add = Username to add
groups-username-placeholder = username
groups-add-to-group = Add to group

## Directory → Tokens

tokens-title = Tokens
# "API tokens for <code>Authorization: Bearer …</code> on <code>/api/v3/</code>. Only tokens …"
tokens-intro-for = API tokens for
tokens-intro-on = on
tokens-intro-after = Only tokens of superusers manage invitations.
tokens-identifier = Identifier
tokens-user = User
tokens-description = Description
tokens-description-placeholder = What the token is for
tokens-expires = Expires (UTC, empty for never)
tokens-create = Create token
# "Token <strong>ci-invitations</strong> created. Copy its secret now: …"
tokens-created-before = Token
tokens-created-after = created. Copy its secret now: it is not shown again.
tokens-col-identifier = Identifier
tokens-col-user = User
tokens-col-key = Key
tokens-col-status = Status
tokens-col-expires = Expires
tokens-col-created = Created
tokens-col-description = Description
tokens-empty = No tokens yet.
tokens-not-superuser = (not a superuser)
tokens-revoke = Revoke
tokens-revoke-confirm = Revoke { $name }? Scripts using it stop working at once.
tokens-confirm-revoke = Confirm revoke
tokens-cancel = Cancel

## The notice above every admin page while verification codes are being guessed at

# Follows the figure: " (past half since 2026-12-06 04:12 UTC)".
codes-since = (past half since { $since })
codes-instance-slowed = Verification codes are being guessed at: { $failures } wrong codes in a day passed this instance's figure of { $figure }{ $since }. Until { $until }, every network may try one code a minute; people with the right code still get through.
codes-instance-past-half = Verification codes are being guessed at: { $failures } wrong codes in a day, more than half this instance's figure of { $figure }{ $since }. The guessing networks are slowed down; past { $figure }, every network may try one code a minute until { $until }.
codes-invitations-past-half = Wrong codes passed half the day's budget of: { $invitations }. Each network's guesses there are slowed down; their timelines in Invitations say more.

## Flows & Stages → Flows

flows-title = Flows
flows-import-summary = Import a blueprint
# "An authentik blueprint (version 1), such as <code>flows-invitation-enrollment.yaml</code>. It is applied …"
flows-import-intro-before = An authentik blueprint (version 1), such as
flows-import-intro-after = It is applied whole, or not at all; importing it again updates what it created.
flows-blueprint-file = Blueprint file
flows-blueprint-paste = Or paste it
flows-import = Import
flows-imported = Imported { $name }: { $created } created, { $updated } updated (flows: { $flows }).
# The name in flows-imported of a blueprint without one.
flows-imported-unnamed = the blueprint
flows-apply-anyway = Apply anyway
flows-col-slug = Slug
flows-col-name = Name
flows-col-designation = Designation
flows-col-stages = Stages
flows-expand = Details of { $name }
flows-badge-open-enrollment = open enrollment
flows-badge-no-invitation-stage = no invitation stage
flows-no-invitation-stage-title = Visitors still need an invitation: the flow checks and uses it as an invitation stage would.
flows-detail-title = Title:
flows-open-enrollment = Open enrollment
flows-open-enrollment-on = Warning: anyone who opens this flow's address can create an account, without an invitation.
flows-open-enrollment-off = Off: a visitor needs an invitation for this flow, whether or not it binds an invitation stage.
flows-export = Export
flows-download = Download { $name }

## Flows & Stages → Policies

policies-title = Policies
# "Expressions in CEL over <code>…</code>, <code>…</code> and <code>…</code>. Bound to … go on. Examples: <code>…</code>, …"
policies-intro-over = Expressions in CEL over
policies-intro-and = and
policies-intro-bound = Bound to a flow or one of its stages; each must be true for the invitee to go on.
policies-intro-examples = Examples:
policies-name = Name
policies-expression = Expression
policies-message = Message when it denies
policies-create = Create policy
policies-col-name = Name
policies-col-expression = Expression
policies-col-message = Message
policies-col-bound-to = Bound to
policies-empty = No policies yet.
policies-unbind = Unbind
policies-bind-flow = Flow
policies-bind-flow-none = — flow —
policies-bind-stage = Stage
policies-bind-whole-flow = the whole flow
policies-bind = Bind
policies-delete = Delete
