-- Events an invitation's admin should know of that are not uses (issue 12 item 7: its codes were paused
-- after too many wrong guesses). kind: see domain::event::EventKind; detail: text for people; at: UTC
-- Unix seconds. Deleted with the invitation.
CREATE TABLE invitation_events (
    pk TEXT PRIMARY KEY NOT NULL,
    invitation_pk TEXT NOT NULL REFERENCES invitations(pk) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX invitation_events_invitation ON invitation_events (invitation_pk, at);
