// Written by generator/tests/constructs.rs: the root of the golden construct `error_paths`.
//! What payspec generates for `generator/tests/constructs/error_paths.yaml`: the modules the
//! construct is about and those they refer to, as the generator wrote them.
#![warn(missing_docs)]

pub mod error;
