//! The JSON Schema of the spec format, derived from the Rust model, for editors.

use crate::spec::Spec;

/// The schema as pretty JSON with a trailing newline.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Spec);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}
