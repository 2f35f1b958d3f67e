// Written by generator/tests/constructs.rs: the root of the golden construct `body_signature`.
//! What payspec generates for `generator/tests/constructs/body_signature.yaml`: the modules the
//! construct is about and those they refer to, as the generator wrote them.
#![warn(missing_docs)]

pub mod auth;
pub mod client;
pub mod error;
pub mod types;

use payspec_runtime::{http, signing, transport, wire};

pub use client::{Client, Credentials};
