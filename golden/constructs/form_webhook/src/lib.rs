// Written by generator/tests/constructs.rs: the root of the golden construct `form_webhook`.
//! What payspec generates for `generator/tests/constructs/form_webhook.yaml`: the modules the
//! construct is about and those they refer to, as the generator wrote them.
#![warn(missing_docs)]

pub mod auth;
pub mod client;
pub mod error;
pub mod types;
pub mod webhooks;

use payspec_runtime::{http, signing, transport, wire};

pub use client::{Client, Credentials};
