# Usher's message catalogue, English (the reference language): the invitee's pages, their errors and the
# emails to invitees. Every message here must be in every other language too (app/src/i18n.rs tests).

## Common

page-loading = Loading…
lang-switch-label = Language
theme-label = Theme
theme-auto = Auto
theme-light = Light
theme-dark = Dark
error-correct-below = Please correct the errors below.

## Times (times are UTC Unix seconds on the server; the browser adds its own time zone)

time-never = never
time-just-now = just now
time-in-minutes = { $count ->
    [one] in 1 minute
   *[other] in { $count } minutes
}
time-in-hours = { $count ->
    [one] in 1 hour
   *[other] in { $count } hours
}
time-in-days = { $count ->
    [one] in 1 day
   *[other] in { $count } days
}
time-minutes-ago = { $count ->
    [one] 1 minute ago
   *[other] { $count } minutes ago
}
time-hours-ago = { $count ->
    [one] 1 hour ago
   *[other] { $count } hours ago
}
time-days-ago = { $count ->
    [one] 1 day ago
   *[other] { $count } days ago
}
time-weekday = { $n ->
    [1] Monday
    [2] Tuesday
    [3] Wednesday
    [4] Thursday
    [5] Friday
    [6] Saturday
   *[7] Sunday
}
time-month = { $n ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
}
# "Friday, 5 December 2026, 17:00 UTC"
time-datetime = { $weekday }, { $day } { $month } { $year }, { $time } UTC
# "in 3 days (Friday, 5 December 2026, 17:00 UTC)"
time-relative-absolute = { $relative } ({ $absolute })

## What an invitation grants

grants-roles = roles: { $names }
grants-groups = groups: { $names }
grants-account = an account
grants-account-internal = an internal account
grants-account-external = an external account
grants-access = access

## The invitee's pages

flow-invalid-title = Invalid invite/invite not found
flow-invalid-ask = Ask the person who invited you for a new link.
flow-denied-title = Access denied
flow-denied-ask = Ask the person who invited you if you think this is a mistake.
flow-not-open-title = This invitation is not open yet
flow-not-open-opens = This invitation opens on
flow-not-open-come-back = Come back to this link then. Nothing is granted before.
flow-invited-by = Invited by
flow-you-will-get = You will get { $grants }.
flow-expires = Invitation expires:
flow-accept-as = Accept as { $username }
flow-or-create = Or create a new account:
flow-existing-account = I already have an account
flow-new-here = New here? Create your account:
flow-sign-out = Sign out
flow-step = Step { $step } of { $total }
flow-code-sent-to = We sent an 8-digit code to
flow-code-enter-below = . Enter it below to confirm your address; nothing is granted before that.
flow-submit-verify = Verify and create account
flow-submit-continue = Continue
flow-submit-create = Create account
flow-resend = Send a new code
flow-resent = A new code is on its way.
flow-mail-unavailable = This invitation asks you to confirm your email address with a code, but this site cannot send email at the moment, so the code will not reach you. Contact the person who invited you and ask them to set up email or to send you an invitation link that needs no code.
flow-mail-unavailable-inviter = This invitation asks you to confirm your email address with a code, but this site cannot send email at the moment, so the code will not reach you. Contact the person who invited you ({ $name }) and ask them to set up email or to send you an invitation link that needs no code.
accept-title = Accept your invitation
accept-confirmed-only = This invitation is for confirmed addresses.
accept-code-sent-to = We sent an 8-digit code to
accept-code-sent-wait = (it may take a minute).
accept-code-send-to = Send a code to
accept-code-send-why = to confirm it is yours.
accept-send-new = Send a new code
accept-send-code = Send me a code
accept-code-label = Verification code
accept-sign-in-title = Sign in to accept your invitation
accept-sign-in = Sign in

## Prompt fields of the built-in flows (a flow's own labels are shown as its author wrote them)

field-username = Username
field-name = Name
field-email = Email
field-password = Password
field-password-repeat = Password (repeat)
field-code = Verification code

## Why a flow cannot create an account for this visitor

closed-no-new-accounts = This flow does not create new accounts. If you already have an account, sign in to accept the invitation.
closed-signed-in = You are signed in as { $username }. Accept the invitation as { $username }, or sign out to create a new account.
closed-sign-in-required = Sign in first to continue with this flow.
closed-superuser-required = Only administrators can use this flow.
closed-unsupported = This flow requires `{ $what }`, which Usher does not support.

## Errors

error-unauthenticated = Sign in to continue.
error-forbidden = You do not have permission to do this.
error-invalid-credentials = Invalid username or password.
error-not-yet-open = This invitation opens on { $when }.
error-too-many-attempts = Too many sign-in attempts. Try again in { $seconds } seconds.
error-too-many-codes = Too many verification codes were asked for from your network. Try again in { $seconds } seconds.
error-codes-paused = Too many wrong codes were tried for this invitation, so codes are paused. Try again in { $seconds } seconds, or ask the person who invited you.
error-codes-slowed = Too many wrong codes were tried from your network. Wait { $seconds } seconds, then enter the code again.
error-too-many-enrollments = Too many sign-up attempts right now. Try again in { $seconds } seconds.
error-busy = The server is busy. Try again in { $seconds } seconds.
error-internal = Something went wrong on our side. Please try again.
error-unreachable = The server could not be reached or answered unexpectedly ({ $detail }). Check the connection and try again.
error-policy-denied = You cannot continue: access was denied by a policy.
invitation-disabled = This invitation has been disabled.
invitation-not-open = This invitation is not open yet.
invitation-expired = This invitation has expired.
invitation-used-up = This invitation has already been used.

## Field errors of the invitee's forms

problem-code-missing = Enter the code from the email.
problem-username-missing = Username is required.
problem-missing = This field is required.
problem-required = { $label } is required.
problem-too-long = { $label } must be at most { $max } characters.
problem-username-too-long = Username must be at most { $max } characters.
problem-username-characters = Username may contain only letters, digits and @ . + - _
problem-username-scripts = Username may not mix letters of different scripts (such as Latin and Cyrillic).
problem-username-taken = This username is already taken.
problem-passwords-differ = Passwords do not match.
problem-password-too-short = Password must be at least { $count } characters.
problem-password-too-long = Password must be at most { $max } bytes.
problem-password-weak = This password is too easy to guess. { $hint }
problem-not-the-invited-address = This invitation is for another email address.
problem-address-not-allowed = This invitation is not valid for this email address.
problem-allowed-address-required = An email address allowed by this invitation is required.
problem-not-a-valid-address = Enter a valid email address.
problem-not-an-address = Enter an email address.
code-expired = This code has expired. Ask for a new code.
code-too-many-attempts = Too many wrong codes. Ask for a new code.
code-used = This code was already used.
code-wrong-none-left = That code is not right. Ask for a new code.
code-wrong = { $count ->
    [one] That code is not right. 1 attempt left.
   *[other] That code is not right. { $count } attempts left.
}
resend-wait = A code was just sent. You can ask for a new one in { $seconds } seconds.
resend-too-many = Too many codes were sent. Open your invitation link again later.
resend-verified = This address is already verified.

## Refusals on the invitee's pages

refusal-verification-not-started = This verification was not started here. Open your invitation link again.
refusal-code-for-another-address = This code was sent to another address. Ask for a new code.
refusal-already-used = You have already accepted this invitation.
refusal-step-not-started = This step of the enrollment was not started here. Open your invitation link again.
refusal-form-expired = This form has expired. Enter your details again.
refusal-no-address-entered = This flow verifies an email address, but none was entered.
refusal-code-not-sent-here = No code was sent in this browser. Open your invitation link again.
refusal-address-already-confirmed = Your email address is already confirmed; accept the invitation.
refusal-account-address-not-allowed = This invitation is not valid for your account's email address ({ $email }).
refusal-confirm-address-first = Confirm your email address ({ $email }) first: send yourself a code.
refusal-invitation-forgotten = Your invitation is no longer remembered in this browser. Open the invitation link again.

## Emails to invitees

mail-hello = Hello,
mail-invitation-subject = You've been invited to join { $brand }
mail-reminder-subject = Reminder: { $subject }
mail-reminder-note = This is a reminder: your invitation has not been used yet.
mail-invited-you = { $name } has invited you to join { $brand }.
mail-join-note = You already have an account with this address: sign in with it to accept.
mail-you-will-get = You will get: { $grants }.
mail-expires = The invitation expires: { $expires }.
mail-accept-here = Accept it here:
mail-accept-button = Accept the invitation
mail-or-open = Or open this link: { $link }
mail-ignore-invitation = If you did not expect this invitation, you can ignore this message.
mail-code-subject = Your { $brand } verification code
mail-code-intro = Your { $brand } verification code is:
mail-code-enter = Enter it on the enrollment page to confirm { $email }. It expires in { $minutes } minutes ({ $expires }).
mail-ignore-code = If you did not ask for this code, you can ignore this message.

# Sign-in (/login).
login-title = Sign in to { $brand }
login-username = Username
login-password = Password
login-submit = Sign in

# Password advice (zxcvbn's warnings and suggestions).
pw-straight-rows-of-keys-are-easy-to-guess = Straight rows of keys are easy to guess.
pw-short-keyboard-patterns-are-easy-to-guess = Short keyboard patterns are easy to guess.
pw-repeats-like-aaa-are-easy-to-guess = Repeats like “aaa” are easy to guess.
pw-repeats-like-abc-abc-are-only-slightly-harder-to-guess = Repeats like “abcabcabc” are only slightly harder to guess than “abc”.
pw-this-is-a-top-10-password = This is a top-10 common password.
pw-this-is-a-top-100-password = This is a top-100 common password.
pw-this-is-a-common-password = This is a very common password.
pw-this-is-similar-to-a-commonly-used-password = This is similar to a commonly used password.
pw-sequences-like-abc-are-easy-to-guess = Sequences like abc or 6543 are easy to guess.
pw-recent-years-are-easy-to-guess = Recent years are easy to guess.
pw-a-word-by-itself-is-easy-to-guess = A word by itself is easy to guess.
pw-dates-are-often-easy-to-guess = Dates are often easy to guess.
pw-names-and-surnames-by-themselves-are-easy-to-guess = Names and surnames by themselves are easy to guess.
pw-common-names-and-surnames-are-easy-to-guess = Common names and surnames are easy to guess.
pw-use-a-few-words-avoid-common-phrases = Use a few words, avoid common phrases.
pw-no-need-for-symbols-digits-or-uppercase-letters = No need for symbols, digits, or uppercase letters.
pw-add-another-word-or-two = Add another word or two. Uncommon words are better.
pw-capitalization-doesnt-help-very-much = Capitalization doesn't help very much.
pw-all-uppercase-is-almost-as-easy-to-guess-as-all-lowercase = All-uppercase is almost as easy to guess as all-lowercase.
pw-reversed-words-arent-much-harder-to-guess = Reversed words aren't much harder to guess.
pw-predictable-substitutions-dont-help-very-much = Predictable substitutions like “@” instead of “a” don't help very much.
pw-use-a-longer-keyboard-pattern-with-more-turns = Use a longer keyboard pattern with more turns.
pw-avoid-repeated-words-and-characters = Avoid repeated words and characters.
pw-avoid-sequences = Avoid sequences.
pw-avoid-recent-years = Avoid recent years.
pw-avoid-years-that-are-associated-with-you = Avoid years that are associated with you.
pw-avoid-dates-and-years-that-are-associated-with-you = Avoid dates and years that are associated with you.
pw-uncommon-words = Use a few uncommon words, or make it longer.

## The profile (/) and first-run set-up (/setup)

home-welcome = Welcome, { $name }
home-username = Username
home-name = Name
home-email = Email
home-user-type = User type
home-path = Path
home-groups = Groups
home-roles = Roles
home-none = none
home-open-admin = Open the admin dashboard
home-my-invitations = Your invitations: invite people within your role's limits
home-continue-app = Continue to your application
home-no-default-app = Your account is an external account: it gives access to the applications you were invited to, not to this site's dashboard. No default application is set up yet, so there is nowhere to send you. Ask your administrator to set one in System → Brands.
home-sign-out = Sign out
home-intro = Invitations and enrollment. Follow the link in your invitation, or sign in.
home-sign-in = Sign in
setup-title = Set up Usher
setup-intro = Create the first administrator account.
setup-username = Username
setup-email = Email
setup-password = Password
setup-password-repeat = Password (repeat)
setup-submit = Create administrator
setup-invalid = This set-up link is invalid or has already been used.

not-found-title = Page not found
not-found-home = Go to the start page
theme-unknown = Choose auto, light or dark.
user-type-internal = internal
user-type-external = external
