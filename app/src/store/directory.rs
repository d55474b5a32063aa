//! Storage of directory.
