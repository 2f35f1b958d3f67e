// Written by generator/tests/constructs.rs: the root of the golden construct `open_enums`.
//! What payspec generates for `generator/tests/constructs/open_enums.yaml`: the modules the
//! construct is about and those they refer to, as the generator wrote them.
#![warn(missing_docs)]

pub mod types;
