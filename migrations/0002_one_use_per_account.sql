-- An account uses an invitation at most once (enrolled or joined); concurrent accepts by the same user
-- cannot consume several uses.
CREATE UNIQUE INDEX invitation_uses_once_per_user ON invitation_uses (invitation_pk, user_pk);
