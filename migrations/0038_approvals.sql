-- Approval (issue 17 item 3): an invitation whose uses wait for an approver's yes (0/1; a member's
-- invitation gets it from the inviter policy it was made under), and one row per use waiting for, or
-- given, a decision. While a request is pending, the account it enrolled stays inactive and nothing of the
-- invitation is granted; `role_pks` and `group_pks` (JSON arrays) are what approval grants, as they were
-- when the invitation was used; `activate` (0/1) whether approval activates the account (a new account of
-- a flow that creates active users); `form_data` (JSON object) what the invitee entered, for the approver.
-- `status`: pending, approved, denied, expired. Decisions are taken by a conditional update on
-- `status = 'pending'`, so two approvers at once produce one decision. Times are UTC Unix seconds. The
-- invitation may be deleted meanwhile: its name is kept here, and the row stays for the ledger.
ALTER TABLE invitations ADD COLUMN requires_approval BIGINT NOT NULL DEFAULT 0;
-- The group whose members approve its uses besides the admins (the inviter policy's `approvers`: the
-- inviters' managers); NULL: the admins alone. A deleted group leaves the admins.
ALTER TABLE invitations ADD COLUMN approver_group_pk TEXT REFERENCES directory_groups(pk) ON DELETE SET NULL;
CREATE TABLE approval_requests (
    pk TEXT PRIMARY KEY NOT NULL,
    invitation_pk TEXT NOT NULL,
    invitation_name TEXT NOT NULL,
    invited_by BIGINT REFERENCES users(pk) ON DELETE SET NULL,
    approver_group_pk TEXT REFERENCES directory_groups(pk) ON DELETE SET NULL,
    user_pk BIGINT NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    role_pks TEXT NOT NULL DEFAULT '[]',
    group_pks TEXT NOT NULL DEFAULT '[]',
    activate BIGINT NOT NULL DEFAULT 0,
    form_data TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'pending',
    reason TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES users(pk) ON DELETE SET NULL,
    decided_by_name TEXT NOT NULL DEFAULT '',
    created BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX approval_requests_status ON approval_requests (status, expires_at);
CREATE INDEX approval_requests_user ON approval_requests (user_pk);
