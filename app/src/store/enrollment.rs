//! Storage of enrollment.
