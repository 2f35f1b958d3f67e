// Written by generator/tests/constructs.rs: the root of the golden construct `binary_answer`.
//! What payspec generates for `generator/tests/constructs/binary_answer.yaml`: the modules the
//! construct is about and those they refer to, as the generator wrote them.
#![warn(missing_docs)]

pub mod client;
pub mod error;
pub mod requests;
pub mod rules;

use payspec_runtime::{http, transport};

pub use client::{Client, Credentials};
