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

## Notices emailed to an invitation's creator (app/templates/notice.*), in the creator's language

notice-hello = Hallo { $name },
notice-used-subject = Einladung { $name } wurde genutzt
notice-used-headline = { $username } hat Ihre Einladung { $name } genutzt.
notice-used-joined = Die Person ist mit einem bestehenden Konto beigetreten.
notice-used-enrolled = Die Person hat ein neues Konto angelegt.
notice-failed-subject = Einladung { $name } konnte nicht zugestellt werden
notice-failed-headline = Die E-Mail Ihrer Einladung { $name } an { $to } konnte nicht zugestellt werden.
notice-failed-detail = Letzte Antwort des Mailservers: { $error }
notice-expired-subject = Einladung { $name } ist ungenutzt abgelaufen
notice-expired-headline = Ihre Einladung { $name } ist abgelaufen, ohne genutzt worden zu sein.
notice-expired-detail = Sie ist am { $expires } abgelaufen.
notice-digest-subject = Kampagne { $name }: { $count } noch nicht beigetreten
notice-digest-headline = { $count ->
    [one] Die Erinnerungen Ihrer Kampagne { $name } sind verschickt: { $count } Empfänger ist noch nicht beigetreten.
   *[other] Die Erinnerungen Ihrer Kampagne { $name } sind verschickt: { $count } Empfänger sind noch nicht beigetreten.
}
notice-digest-more = { $names } und { $n } weitere
notice-open-text = Öffnen Sie { $url }, um den Verlauf zu sehen.
notice-open-before = Öffnen Sie
notice-open-link = die Einladungsseite
notice-open-after = , um den Verlauf zu sehen.
notice-why = Sie erhalten diese Nachrichten, weil „Mich benachrichtigen“ für diese Einladung eingeschaltet ist; Sie können es im Editor der Einladung ausschalten.
