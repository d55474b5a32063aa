//! Storage of flows.
