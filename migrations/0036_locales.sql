-- The invitee's language (issue 16 item 1): an invitation's locale, a BCP 47 code Usher speaks ('en' or
-- 'de'); NULL = the invitee's browser decides, else the brand default. (An account's preferred language is
-- kept where authentik keeps it, in its attributes: settings.locale.)
ALTER TABLE invitations ADD COLUMN locale TEXT;
