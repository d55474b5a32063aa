# Usher's message catalogue, English: the admin dashboard's frame (the sidebar, the top bar, the notices
# every page shares). The pages' own words are in admin-*.ftl by area.

admin-nav-label = Admin
admin-nav-directory = Directory
admin-nav-invitations = Invitations
admin-nav-campaigns = Campaigns
admin-nav-users = Users
admin-nav-groups = Groups
admin-nav-roles = Roles
admin-nav-outbox = Outbox
admin-nav-tokens = Tokens
admin-nav-flows-stages = Flows & Stages
admin-nav-flows = Flows
admin-nav-policies = Policies
admin-nav-system = System
admin-nav-brands = Brands
admin-nav-email = Email
admin-nav-events = Events
admin-nav-webhooks = Webhooks
admin-signed-in-as = Signed in as
admin-sign-out = Sign out
admin-forbidden-title = 403 — Forbidden
admin-forbidden-body = The admin dashboard is for administrators. Your account does not have admin rights.
admin-forbidden-profile = Go to your profile
admin-sign-in-required = Sign in required
admin-sign-in = Sign in

## Notices emailed to an invitation's creator (app/templates/notice.*), in the creator's language

notice-hello = Hello { $name },
notice-used-subject = Invitation { $name } was used
notice-used-headline = { $username } used your invitation { $name }.
notice-used-joined = They joined with an existing account.
notice-used-enrolled = They enrolled a new account.
notice-failed-subject = Invitation { $name } could not be delivered
notice-failed-headline = The email of your invitation { $name } to { $to } could not be delivered.
notice-failed-detail = The mail server's last answer: { $error }
notice-expired-subject = Invitation { $name } expired unused
notice-expired-headline = Your invitation { $name } expired without being used.
notice-expired-detail = It expired on { $expires }.
notice-digest-subject = Campaign { $name }: { $count } not joined yet
notice-digest-headline = { $count ->
    [one] Reminders of your campaign { $name } went out: { $count } recipient has not joined yet.
   *[other] Reminders of your campaign { $name } went out: { $count } recipients have not joined yet.
}
notice-digest-more = { $names } and { $n } more
notice-open-text = Open { $url } to see its timeline.
notice-open-before = Open
notice-open-link = the invitations page
notice-open-after = {" "}to see its timeline.
notice-why = You get these messages because "Email me" is on for this invitation; turn it off in the invitation's editor.
