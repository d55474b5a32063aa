-- Delegated invitations (issue 17 item 1): a role's inviter policy, JSON (domain::inviter_policy): the
-- flows its members may invite to, the roles and groups they may grant, the email rules, the longest
-- expiry, the largest quota and how many invitations per 30 days. NULL = its members may not invite.
ALTER TABLE directory_roles ADD COLUMN inviter_policy TEXT;
