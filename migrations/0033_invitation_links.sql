-- Named links of a public invitation (issue 15 item 6): a poster, a newsletter, an event each get their
-- own token, stored as the invitation's own (migration 0018: token = the token's lookup digest,
-- BLAKE2b-512 hex; token_sealed = the token sealed with the instance secret, aad the link's pk). name:
-- the admin's label, unique per invitation; quota: the link's share (at most that many uses through it,
-- NULL = no share of its own; the invitation's quota still caps the total); uses: uses through it,
-- consumed by a conditional update in the use's transaction, as invitations.uses is; created: UTC Unix
-- seconds. Deleting the invitation deletes its links; deleting a link kills its token.
CREATE TABLE invitation_links (
    pk TEXT PRIMARY KEY NOT NULL,
    invitation_pk TEXT NOT NULL REFERENCES invitations(pk) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token TEXT NOT NULL,
    token_sealed TEXT NOT NULL,
    quota BIGINT,
    uses BIGINT NOT NULL DEFAULT 0,
    created BIGINT NOT NULL
);
CREATE UNIQUE INDEX invitation_links_name ON invitation_links (invitation_pk, name);
CREATE UNIQUE INDEX invitation_links_token ON invitation_links (token);
-- Views of each named link, as invitation_views counts the invitation's (migration 0029): batches added
-- off the request path, in a table of their own so that a view never moves the invitations' generation.
-- A view through a link is counted in both tables.
CREATE TABLE invitation_link_views (
    link_pk TEXT PRIMARY KEY NOT NULL REFERENCES invitation_links(pk) ON DELETE CASCADE,
    view_count BIGINT NOT NULL DEFAULT 0,
    first_viewed BIGINT NOT NULL,
    last_viewed BIGINT NOT NULL
);
-- Which named link a use came through (NULL: the invitation's own link). No foreign key: the ledger
-- outlives its invitation (migration 0012) and its links.
ALTER TABLE invitation_uses ADD COLUMN link_pk TEXT;
-- The landing page caches an invitation found by a link's token with the link's share and uses: the
-- invitations' generation (migration 0020) follows the links too.
--@sqlite CREATE TRIGGER invitation_generation_invitation_links_insert AFTER INSERT ON invitation_links BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_invitation_links_update AFTER UPDATE ON invitation_links BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@sqlite CREATE TRIGGER invitation_generation_invitation_links_delete AFTER DELETE ON invitation_links BEGIN UPDATE invitation_generation SET n = n + 1 WHERE id = 1; END;
--@postgres CREATE TRIGGER invitation_generation_invitation_links AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON invitation_links
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION invitation_generation_bump();
