//! Storage of verification.
