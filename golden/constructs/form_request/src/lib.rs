// Written by generator/tests/constructs.rs: the root of the golden construct `form_request`.
//! What payspec generates for `generator/tests/constructs/form_request.yaml`: the modules the
//! construct is about and those they refer to, as the generator wrote them.
#![warn(missing_docs)]

pub mod client;
pub mod error;
pub mod requests;
pub mod rules;
pub mod types;

use payspec_runtime::{http, transport, wire};

pub use client::{Client, Credentials};
