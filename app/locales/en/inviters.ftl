# Usher's message catalogue, English: delegated invitations (issue 17): inviter policies and their
# refusals.

inviter-no-policy = Your roles do not let you invite: ask an administrator for a role with an inviter policy.
inviter-flow = Your inviter policy does not allow invitations to the flow { $flow }.
inviter-role = Your inviter policy does not allow granting the role { $role }.
inviter-role-above-own = You cannot grant the role { $role }: you do not hold it yourself.
inviter-group = Your inviter policy does not allow granting the group { $group }.
inviter-public = Your inviter policy does not allow public invitations: name the addresses or a domain.
inviter-address = Your inviter policy does not allow the email rule { $rule }.
inviter-never-expires = Your inviter policy requires an expiry.
inviter-expires-too-late = { $count ->
    [one] Your inviter policy allows an expiry at most 1 day ahead.
   *[other] Your inviter policy allows an expiry at most { $count } days ahead.
}
inviter-quota = { $count ->
    [one] Your inviter policy allows at most 1 use per invitation.
   *[other] Your inviter policy allows at most { $count } uses per invitation.
}
inviter-too-many = { $count ->
    [one] Your inviter policy allows 1 invitation per 30 days, and you have created it.
   *[other] Your inviter policy allows { $count } invitations per 30 days, and you have created them.
}
inviter-policy-range = Enter a whole number from 1 to { $max }.
inviter-policy-domain = '{ $domain }' is not a domain.
inviter-policy-unknown-flow = No flow has the slug '{ $name }'.
inviter-policy-unknown-role = No role is named '{ $name }'.
inviter-policy-unknown-group = No group is named '{ $name }'.

## Directory → Roles: inviter policies
inviters-title = Inviter policies
inviters-intro = A role with an inviter policy lets its members invite people themselves, within its limits: the flows, the roles and groups they may grant (only roles they hold too), the addresses, the longest expiry, the uses per invitation and how many invitations per 30 days.
inviters-col-role = Role
inviters-col-policy = Inviter policy
inviters-col-actions = Actions
inviters-edit = Edit policy
inviters-edit-label = Edit the inviter policy of { $role }
inviters-remove = Remove policy
inviters-remove-label = Remove the inviter policy of { $role }
inviters-none = Its members may not invite.
inviters-summary = Flows: { $flows }; grants: { $grants }; addresses: { $addresses }; at most { $days } days, { $uses } uses per invitation, { $count } invitations per 30 days
inviters-any-address = any listed address or domain
inviters-any-or-public = any, public links included
inviters-with-approval = uses wait for approval
inviters-editing = Inviter policy
inviters-flows = Flows (slugs)
inviters-flows-help = The flows its members may invite to, separated by commas.
inviters-roles = Roles they may grant
inviters-roles-help = Role names; a member grants only those they hold too.
inviters-groups = Groups they may grant
inviters-groups-help = Group names, such as the groups they manage.
inviters-domains = Email domains
inviters-domains-help = Such as company.com: every invitation is limited to addresses at these domains. Empty: any address or domain rule.
inviters-public = Allow public invitations (no email rules)
inviters-expiry = Longest expiry (days)
inviters-quota = Most uses per invitation
inviters-per-window = Invitations per 30 days
inviters-approval = Uses of their invitations wait for an approver
inviters-approvers = Approvers (a group)
inviters-approvers-help = Its members approve the uses of these invitations, besides the admins: the inviters' managers. Empty: the admins alone.
inviters-with-approval-by = uses wait for approval by { $group } or an admin
inviters-save = Save policy
inviters-cancel = Cancel
inviter-fixed-data = Your invitations may prefill only the email address; '{ $key }' is for administrators.
inviter-recipient = You can email this invitation only to addresses its email rules allow, not to { $address }.

## /if/user/invitations: a member's own invitations
mine-title = Your invitations
mine-sign-in = Sign in to see your invitations
mine-policy = Your role lets you invite: invitations expire within { $days } days, have at most { $uses } uses each, and you may create { $count } per 30 days.
mine-create = Invite someone
mine-name = Name (letters, digits, - and _)
mine-flow = Flow
mine-emails = Who may use it (an address or *@domain per line)
mine-send-to = Send it to (an address; empty: share the link yourself)
mine-expires = Expires (your time zone: { $zone })
mine-quota = Uses
mine-roles = Roles it grants
mine-groups = Groups it grants
mine-save = Create invitation
mine-list = Your invitations
mine-empty = You have not created any invitations yet.
mine-col-name = Invitation
mine-col-status = State
mine-col-uses = Uses
mine-col-expires = Expires
mine-col-used-by = Used by
mine-col-actions = Actions
mine-link = Link (copy it)
mine-on = on
mine-off = off
mine-disable = Disable
mine-enable = Enable
mine-delete = Delete
mine-send-label = Email it to (addresses its rules allow)
mine-send = Send
mine-sent = Queued for sending.
