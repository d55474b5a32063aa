//! Storage of invitations.
