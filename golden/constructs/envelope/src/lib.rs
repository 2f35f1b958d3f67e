// Written by generator/tests/constructs.rs: the root of the golden construct `envelope`.
//! What payspec generates for `generator/tests/constructs/envelope.yaml`: the modules the
//! construct is about and those they refer to, as the generator wrote them.
#![warn(missing_docs)]

pub mod error;
