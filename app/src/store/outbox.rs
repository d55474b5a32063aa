//! Storage of outbox.
