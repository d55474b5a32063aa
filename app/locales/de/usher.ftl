# Usher's message catalogue, German. Every message of the English catalogue is here too
# (app/src/i18n.rs tests). The invitee is addressed with "Sie".

## Common

page-loading = Wird geladen …
lang-switch-label = Sprache
theme-label = Darstellung
theme-auto = Automatisch
theme-light = Hell
theme-dark = Dunkel
error-correct-below = Bitte korrigieren Sie die markierten Angaben.

## Times

time-never = nie
time-just-now = gerade eben
time-in-minutes = { $count ->
    [one] in 1 Minute
   *[other] in { $count } Minuten
}
time-in-hours = { $count ->
    [one] in 1 Stunde
   *[other] in { $count } Stunden
}
time-in-days = { $count ->
    [one] in 1 Tag
   *[other] in { $count } Tagen
}
time-minutes-ago = { $count ->
    [one] vor 1 Minute
   *[other] vor { $count } Minuten
}
time-hours-ago = { $count ->
    [one] vor 1 Stunde
   *[other] vor { $count } Stunden
}
time-days-ago = { $count ->
    [one] vor 1 Tag
   *[other] vor { $count } Tagen
}
time-weekday = { $n ->
    [1] Montag
    [2] Dienstag
    [3] Mittwoch
    [4] Donnerstag
    [5] Freitag
    [6] Samstag
   *[7] Sonntag
}
time-month = { $n ->
    [1] Januar
    [2] Februar
    [3] März
    [4] April
    [5] Mai
    [6] Juni
    [7] Juli
    [8] August
    [9] September
    [10] Oktober
    [11] November
   *[12] Dezember
}
# "Freitag, 5. Dezember 2026, 17:00 UTC"
time-datetime = { $weekday }, { $day }. { $month } { $year }, { $time } UTC
time-relative-absolute = { $relative } ({ $absolute })

## What an invitation grants

grants-roles = Rollen: { $names }
grants-groups = Gruppen: { $names }
grants-account = ein Konto
grants-account-internal = ein internes Konto
grants-account-external = ein externes Konto
grants-access = Zugang

## The invitee's pages

flow-invalid-title = Ungültige oder unbekannte Einladung
flow-invalid-ask = Bitten Sie die Person, die Sie eingeladen hat, um einen neuen Link.
flow-denied-title = Zugriff verweigert
flow-denied-ask = Wenden Sie sich an die Person, die Sie eingeladen hat, wenn Sie das für einen Fehler halten.
flow-not-open-title = Diese Einladung ist noch nicht geöffnet
flow-not-open-opens = Diese Einladung öffnet am
flow-not-open-come-back = Kommen Sie dann zu diesem Link zurück. Vorher wird nichts gewährt.
flow-invited-by = Eingeladen von
flow-you-will-get = Sie erhalten { $grants }.
flow-expires = Einladung läuft ab:
flow-accept-as = Als { $username } annehmen
flow-or-create = Oder ein neues Konto anlegen:
flow-existing-account = Ich habe schon ein Konto
flow-new-here = Neu hier? Legen Sie Ihr Konto an:
flow-sign-out = Abmelden
flow-step = Schritt { $step } von { $total }
flow-code-sent-to = Wir haben einen 8-stelligen Code gesendet an
flow-code-enter-below = . Geben Sie ihn unten ein, um Ihre Adresse zu bestätigen; vorher wird nichts gewährt.
flow-submit-verify = Bestätigen und Konto anlegen
flow-submit-continue = Weiter
flow-submit-create = Konto anlegen
flow-resend = Neuen Code senden
flow-resent = Ein neuer Code ist unterwegs.
flow-mail-unavailable = Diese Einladung verlangt, dass Sie Ihre E-Mail-Adresse mit einem Code bestätigen, aber diese Website kann gerade keine E-Mails senden, der Code wird Sie also nicht erreichen. Wenden Sie sich an die Person, die Sie eingeladen hat, und bitten Sie sie, den E-Mail-Versand einzurichten oder Ihnen einen Einladungslink ohne Code zu senden.
flow-mail-unavailable-inviter = Diese Einladung verlangt, dass Sie Ihre E-Mail-Adresse mit einem Code bestätigen, aber diese Website kann gerade keine E-Mails senden, der Code wird Sie also nicht erreichen. Wenden Sie sich an die Person, die Sie eingeladen hat ({ $name }), und bitten Sie sie, den E-Mail-Versand einzurichten oder Ihnen einen Einladungslink ohne Code zu senden.
accept-title = Einladung annehmen
accept-confirmed-only = Diese Einladung gilt nur für bestätigte Adressen.
accept-code-sent-to = Wir haben einen 8-stelligen Code gesendet an
accept-code-sent-wait = (das kann eine Minute dauern).
accept-code-send-to = Senden Sie einen Code an
accept-code-send-why = – so bestätigen Sie, dass sie Ihnen gehört.
accept-send-new = Neuen Code senden
accept-send-code = Code senden
accept-code-label = Bestätigungscode
accept-sign-in-title = Melden Sie sich an, um Ihre Einladung anzunehmen
accept-sign-in = Anmelden

## Prompt fields of the built-in flows

field-username = Benutzername
field-name = Name
field-email = E-Mail
field-password = Passwort
field-password-repeat = Passwort (wiederholen)
field-code = Bestätigungscode

## Why a flow cannot create an account for this visitor

closed-no-new-accounts = Mit diesem Ablauf werden keine neuen Konten angelegt. Wenn Sie schon ein Konto haben, melden Sie sich an, um die Einladung anzunehmen.
closed-signed-in = Sie sind als { $username } angemeldet. Nehmen Sie die Einladung als { $username } an, oder melden Sie sich ab, um ein neues Konto anzulegen.
closed-sign-in-required = Melden Sie sich zuerst an, um mit diesem Ablauf fortzufahren.
closed-superuser-required = Nur Administratoren können diesen Ablauf verwenden.
closed-unsupported = Dieser Ablauf verlangt `{ $what }`, was Usher nicht unterstützt.

## Errors

error-unauthenticated = Melden Sie sich an, um fortzufahren.
error-forbidden = Dazu fehlt Ihnen die Berechtigung.
error-invalid-credentials = Benutzername oder Passwort ist falsch.
error-not-yet-open = Diese Einladung öffnet am { $when }.
error-too-many-attempts = Zu viele Anmeldeversuche. Versuchen Sie es in { $seconds } Sekunden erneut.
error-too-many-codes = Aus Ihrem Netzwerk wurden zu viele Bestätigungscodes angefordert. Versuchen Sie es in { $seconds } Sekunden erneut.
error-codes-paused = Für diese Einladung wurden zu viele falsche Codes versucht, deshalb sind Codes pausiert. Versuchen Sie es in { $seconds } Sekunden erneut, oder fragen Sie die Person, die Sie eingeladen hat.
error-codes-slowed = Aus Ihrem Netzwerk wurden zu viele falsche Codes versucht. Warten Sie { $seconds } Sekunden und geben Sie den Code dann erneut ein.
error-too-many-enrollments = Gerade gibt es zu viele Registrierungsversuche. Versuchen Sie es in { $seconds } Sekunden erneut.
error-busy = Der Server ist ausgelastet. Versuchen Sie es in { $seconds } Sekunden erneut.
error-internal = Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es erneut.
error-unreachable = Der Server war nicht erreichbar oder hat unerwartet geantwortet ({ $detail }). Prüfen Sie die Verbindung und versuchen Sie es erneut.
error-policy-denied = Sie können nicht fortfahren: Eine Richtlinie hat den Zugriff verweigert.
invitation-disabled = Diese Einladung wurde deaktiviert.
invitation-not-open = Diese Einladung ist noch nicht geöffnet.
invitation-expired = Diese Einladung ist abgelaufen.
invitation-used-up = Diese Einladung wurde bereits verwendet.

## Field errors of the invitee's forms

problem-code-missing = Geben Sie den Code aus der E-Mail ein.
problem-username-missing = Der Benutzername ist erforderlich.
problem-missing = Dieses Feld ist erforderlich.
problem-required = { $label } ist erforderlich.
problem-too-long = { $label } darf höchstens { $max } Zeichen lang sein.
problem-username-too-long = Der Benutzername darf höchstens { $max } Zeichen lang sein.
problem-username-characters = Der Benutzername darf nur Buchstaben, Ziffern und @ . + - _ enthalten.
problem-username-scripts = Der Benutzername darf keine Buchstaben verschiedener Schriften mischen (etwa Lateinisch und Kyrillisch).
problem-username-taken = Dieser Benutzername ist bereits vergeben.
problem-passwords-differ = Die Passwörter stimmen nicht überein.
problem-password-too-short = Das Passwort muss mindestens { $count } Zeichen lang sein.
problem-password-too-long = Das Passwort darf höchstens { $max } Bytes lang sein.
problem-password-weak = Dieses Passwort ist zu leicht zu erraten. { $hint }
problem-not-the-invited-address = Diese Einladung gilt für eine andere E-Mail-Adresse.
problem-address-not-allowed = Diese Einladung gilt nicht für diese E-Mail-Adresse.
problem-allowed-address-required = Eine von dieser Einladung zugelassene E-Mail-Adresse ist erforderlich.
problem-not-a-valid-address = Geben Sie eine gültige E-Mail-Adresse ein.
problem-not-an-address = Geben Sie eine E-Mail-Adresse ein.
code-expired = Dieser Code ist abgelaufen. Fordern Sie einen neuen Code an.
code-too-many-attempts = Zu viele falsche Codes. Fordern Sie einen neuen Code an.
code-used = Dieser Code wurde bereits verwendet.
code-wrong-none-left = Dieser Code ist nicht richtig. Fordern Sie einen neuen Code an.
code-wrong = { $count ->
    [one] Dieser Code ist nicht richtig. Noch 1 Versuch.
   *[other] Dieser Code ist nicht richtig. Noch { $count } Versuche.
}
resend-wait = Gerade wurde ein Code gesendet. Einen neuen können Sie in { $seconds } Sekunden anfordern.
resend-too-many = Es wurden zu viele Codes gesendet. Öffnen Sie Ihren Einladungslink später erneut.
resend-verified = Diese Adresse ist bereits bestätigt.

## Refusals on the invitee's pages

refusal-verification-not-started = Diese Bestätigung wurde nicht hier begonnen. Öffnen Sie Ihren Einladungslink erneut.
refusal-code-for-another-address = Dieser Code wurde an eine andere Adresse gesendet. Fordern Sie einen neuen Code an.
refusal-already-used = Sie haben diese Einladung bereits angenommen.
refusal-step-not-started = Dieser Schritt der Registrierung wurde nicht hier begonnen. Öffnen Sie Ihren Einladungslink erneut.
refusal-form-expired = Dieses Formular ist abgelaufen. Geben Sie Ihre Angaben erneut ein.
refusal-no-address-entered = Dieser Ablauf bestätigt eine E-Mail-Adresse, aber es wurde keine eingegeben.
refusal-code-not-sent-here = In diesem Browser wurde kein Code gesendet. Öffnen Sie Ihren Einladungslink erneut.
refusal-address-already-confirmed = Ihre E-Mail-Adresse ist bereits bestätigt; nehmen Sie die Einladung an.
refusal-account-address-not-allowed = Diese Einladung gilt nicht für die E-Mail-Adresse Ihres Kontos ({ $email }).
refusal-confirm-address-first = Bestätigen Sie zuerst Ihre E-Mail-Adresse ({ $email }): Senden Sie sich einen Code.
refusal-invitation-forgotten = Ihre Einladung ist in diesem Browser nicht mehr gespeichert. Öffnen Sie den Einladungslink erneut.

## Emails to invitees

mail-hello = Guten Tag,
mail-invitation-subject = Sie wurden zu { $brand } eingeladen
mail-reminder-subject = Erinnerung: { $subject }
mail-reminder-note = Dies ist eine Erinnerung: Ihre Einladung wurde noch nicht verwendet.
mail-invited-you = { $name } hat Sie zu { $brand } eingeladen.
mail-join-note = Mit dieser Adresse haben Sie bereits ein Konto: Melden Sie sich damit an, um die Einladung anzunehmen.
mail-you-will-get = Sie erhalten: { $grants }.
mail-expires = Die Einladung läuft ab: { $expires }.
mail-accept-here = Hier annehmen:
mail-accept-button = Einladung annehmen
mail-or-open = Oder öffnen Sie diesen Link: { $link }
mail-ignore-invitation = Wenn Sie diese Einladung nicht erwartet haben, können Sie diese Nachricht ignorieren.
mail-code-subject = Ihr Bestätigungscode für { $brand }
mail-code-intro = Ihr Bestätigungscode für { $brand } lautet:
mail-code-enter = Geben Sie ihn auf der Registrierungsseite ein, um { $email } zu bestätigen. Er läuft in { $minutes } Minuten ab ({ $expires }).
mail-ignore-code = Wenn Sie diesen Code nicht angefordert haben, können Sie diese Nachricht ignorieren.

# Anmeldung (/login).
login-title = Bei { $brand } anmelden
login-username = Benutzername
login-password = Passwort
login-submit = Anmelden

# Passwort-Hinweise (Warnungen und Vorschläge von zxcvbn).
pw-straight-rows-of-keys-are-easy-to-guess = Gerade Tastenreihen sind leicht zu erraten.
pw-short-keyboard-patterns-are-easy-to-guess = Kurze Tastaturmuster sind leicht zu erraten.
pw-repeats-like-aaa-are-easy-to-guess = Wiederholungen wie „aaa“ sind leicht zu erraten.
pw-repeats-like-abc-abc-are-only-slightly-harder-to-guess = Wiederholungen wie „abcabcabc“ sind kaum schwerer zu erraten als „abc“.
pw-this-is-a-top-10-password = Dies ist eines der 10 häufigsten Passwörter.
pw-this-is-a-top-100-password = Dies ist eines der 100 häufigsten Passwörter.
pw-this-is-a-common-password = Dies ist ein sehr häufiges Passwort.
pw-this-is-similar-to-a-commonly-used-password = Dies ähnelt einem häufig verwendeten Passwort.
pw-sequences-like-abc-are-easy-to-guess = Folgen wie abc oder 6543 sind leicht zu erraten.
pw-recent-years-are-easy-to-guess = Jahreszahlen der letzten Zeit sind leicht zu erraten.
pw-a-word-by-itself-is-easy-to-guess = Ein einzelnes Wort ist leicht zu erraten.
pw-dates-are-often-easy-to-guess = Daten sind oft leicht zu erraten.
pw-names-and-surnames-by-themselves-are-easy-to-guess = Vor- und Nachnamen allein sind leicht zu erraten.
pw-common-names-and-surnames-are-easy-to-guess = Häufige Vor- und Nachnamen sind leicht zu erraten.
pw-use-a-few-words-avoid-common-phrases = Verwenden Sie einige Wörter und vermeiden Sie gängige Redewendungen.
pw-no-need-for-symbols-digits-or-uppercase-letters = Sonderzeichen, Ziffern oder Großbuchstaben sind nicht nötig.
pw-add-another-word-or-two = Fügen Sie ein oder zwei Wörter hinzu. Seltene Wörter sind besser.
pw-capitalization-doesnt-help-very-much = Großschreibung hilft kaum.
pw-all-uppercase-is-almost-as-easy-to-guess-as-all-lowercase = Nur Großbuchstaben sind fast so leicht zu erraten wie nur Kleinbuchstaben.
pw-reversed-words-arent-much-harder-to-guess = Rückwärts geschriebene Wörter sind kaum schwerer zu erraten.
pw-predictable-substitutions-dont-help-very-much = Vorhersehbare Ersetzungen wie „@“ statt „a“ helfen kaum.
pw-use-a-longer-keyboard-pattern-with-more-turns = Verwenden Sie ein längeres Tastaturmuster mit mehr Richtungswechseln.
pw-avoid-repeated-words-and-characters = Vermeiden Sie wiederholte Wörter und Zeichen.
pw-avoid-sequences = Vermeiden Sie Folgen.
pw-avoid-recent-years = Vermeiden Sie Jahreszahlen der letzten Zeit.
pw-avoid-years-that-are-associated-with-you = Vermeiden Sie Jahreszahlen, die mit Ihnen zu tun haben.
pw-avoid-dates-and-years-that-are-associated-with-you = Vermeiden Sie Daten und Jahreszahlen, die mit Ihnen zu tun haben.
pw-uncommon-words = Verwenden Sie einige seltene Wörter oder ein längeres Passwort.

## The profile (/) and first-run set-up (/setup)

home-welcome = Willkommen, { $name }
home-username = Benutzername
home-name = Name
home-email = E-Mail
home-user-type = Benutzertyp
home-path = Pfad
home-groups = Gruppen
home-roles = Rollen
home-none = keine
home-open-admin = Verwaltung öffnen
home-my-invitations = Ihre Einladungen: Personen im Rahmen Ihrer Rolle einladen
home-continue-app = Weiter zu Ihrer Anwendung
home-no-default-app = Ihr Konto ist ein externes Konto: Es gibt Zugang zu den Anwendungen, zu denen Sie eingeladen wurden, nicht zur Verwaltung dieser Website. Es ist noch keine Standardanwendung eingerichtet, daher gibt es kein Ziel für Sie. Bitten Sie Ihre Administration, eine unter System → Marken festzulegen.
home-sign-out = Abmelden
home-intro = Einladungen und Registrierung. Folgen Sie dem Link in Ihrer Einladung, oder melden Sie sich an.
home-sign-in = Anmelden
setup-title = Usher einrichten
setup-intro = Legen Sie das erste Administratorkonto an.
setup-username = Benutzername
setup-email = E-Mail
setup-password = Passwort
setup-password-repeat = Passwort (wiederholen)
setup-submit = Administrator anlegen
setup-invalid = Dieser Einrichtungslink ist ungültig oder wurde bereits verwendet.

not-found-title = Seite nicht gefunden
not-found-home = Zur Startseite
theme-unknown = Wählen Sie Auto, Hell oder Dunkel.
user-type-internal = intern
user-type-external = extern
