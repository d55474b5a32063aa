//! Storage of tokens.
