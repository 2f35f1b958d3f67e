//! payspec: declarative payment-provider specs → typed Rust clients, mock servers and docs.
//!
//! The pipeline: [`spec::load()`] reads and validates a YAML spec (located diagnostics),
//! [`ir::build`] resolves it into an intermediate representation, [`emit`] turns that into
//! the files of a crate, [`writer`] writes them or checks them for drift. [`docs`] ties spec
//! items to the parts of the vendored provider docs and notices when those change. See
//! ARCHITECTURE.md.

pub mod cli;
pub mod diagnostics;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod ir;
pub mod pipeline;
pub mod schema;
pub mod spec;
pub mod writer;
