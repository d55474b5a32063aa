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
