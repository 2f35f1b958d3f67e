//! payspec: declarative payment-provider specs → typed Rust clients, mock servers and docs.

pub mod spec;
