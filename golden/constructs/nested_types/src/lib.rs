// Written by generator/tests/constructs.rs: the root of the golden construct `nested_types`.
//! What payspec generates for `generator/tests/constructs/nested_types.yaml`: the modules the
//! construct is about and those they refer to, as the generator wrote them.
#![warn(missing_docs)]

pub mod types;

use payspec_runtime::wire;
