-- How often each invitation's link was opened (issue 14 item 2): counted in memory on the landing page
-- and added here in batches off the request path (app/src/service/sightings.rs), so the GET writes nothing
-- and the invitations' generation (their cache key) never moves for a view. view_count: landing pages
-- shown for the link (a link preview counts as one); first_viewed/last_viewed: UTC Unix seconds. Several
-- instances add their own batches; each batch adds its count and widens the two times.
CREATE TABLE invitation_views (
    invitation_pk TEXT PRIMARY KEY NOT NULL REFERENCES invitations(pk) ON DELETE CASCADE,
    view_count BIGINT NOT NULL DEFAULT 0,
    first_viewed BIGINT NOT NULL,
    last_viewed BIGINT NOT NULL
);
