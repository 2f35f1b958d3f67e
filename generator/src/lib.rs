//! payspec: declarative payment-provider specs → typed Rust clients, mock servers and docs.
//!
//! The pipeline: [`spec::load`] reads and validates a YAML spec (located diagnostics),
//! see ARCHITECTURE.md for the rest.

pub mod cli;
pub mod diagnostics;
pub mod schema;
pub mod spec;
