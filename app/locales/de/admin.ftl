# Usher's message catalogue, German: the admin dashboard's frame (the sidebar, the top bar, the notices
# every page shares). The pages' own words are in admin-*.ftl by area.

admin-nav-label = Verwaltung
admin-nav-directory = Verzeichnis
admin-nav-invitations = Einladungen
admin-nav-campaigns = Kampagnen
admin-nav-users = Benutzer
admin-nav-groups = Gruppen
admin-nav-roles = Rollen
admin-nav-outbox = Postausgang
admin-nav-tokens = Tokens
admin-nav-flows-stages = Abläufe & Stufen
admin-nav-flows = Abläufe
admin-nav-policies = Richtlinien
admin-nav-system = System
admin-nav-brands = Marken
admin-nav-email = E-Mail
admin-nav-events = Ereignisse
admin-nav-webhooks = Webhooks
admin-signed-in-as = Angemeldet als
admin-sign-out = Abmelden
admin-forbidden-title = 403 — Kein Zugriff
admin-forbidden-body = Die Verwaltung ist Administratoren vorbehalten. Ihr Konto hat keine Administratorrechte.
admin-forbidden-profile = Zu Ihrem Profil
admin-sign-in-required = Anmeldung erforderlich
admin-sign-in = Anmelden
