-- The client networks each account has signed in from (issue 35 item 5). Sign-in failures for one account
-- from networks it never signed in from share one budget (service::auth::password_sign_in), so an attacker
-- who rotates networks runs out of guesses, while a network the owner signed in from keeps working (no
-- lockout). A row is written only by a successful sign-in; it goes with its account.
CREATE TABLE sign_in_networks (
    user_pk BIGINT NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    network TEXT NOT NULL,
    last_success BIGINT NOT NULL,
    PRIMARY KEY (user_pk, network)
);
