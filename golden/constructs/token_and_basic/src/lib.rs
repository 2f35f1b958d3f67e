// Written by generator/tests/constructs.rs: the root of the golden construct `token_and_basic`.
//! What payspec generates for `generator/tests/constructs/token_and_basic.yaml`: the modules the
//! construct is about and those they refer to, as the generator wrote them.
#![warn(missing_docs)]

pub mod client;
pub mod error;
pub mod types;

use payspec_runtime::{http, signing, transport, wire};

pub use client::{Client, Credentials};
