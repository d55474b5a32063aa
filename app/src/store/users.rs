//! Storage of users.
