//! Storage of policies.
