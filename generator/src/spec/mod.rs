//! The spec: its file format ([`model`]), locations ([`located`]), reading ([`mod@load`]),
//! type expressions ([`types`]) and the semantic pass ([`validate`]).

pub mod json;
pub mod load;
pub mod located;
pub mod model;
pub mod sources;
pub mod types;
pub mod validate;

use std::path::Path;

pub use located::{Loc, Sp};
pub use model::Spec;

use crate::diagnostics::Diagnostic;

/// A spec read and validated, with its source text and the docs it cites.
#[derive(Debug)]
pub struct Loaded {
    /// The path as the user gave it.
    pub file: String,
    pub text: String,
    pub spec: Spec,
    /// The vendored docs the spec declares, split into parts.
    pub docs: Vec<crate::docs::Doc>,
    /// Per citing item (in [`crate::docs::items::items`] order), the parts it cites.
    pub cited: Vec<Vec<crate::docs::PartRef>>,
}

/// The result of reading one spec file: the spec, or every problem found in it.
pub fn load(path: &Path) -> Result<Loaded, (String, Vec<Diagnostic>)> {
    let file = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::new(&file, Loc::default(), format!("cannot read the file: {e}"))
                .with_hint("check the path");
            return Err((String::new(), vec![d]));
        }
    };
    load_bytes(&file, &bytes)
}

/// Reads and validates a spec without reading the docs it cites (for comparing versions of
/// it: an old version's citations may name parts the docs no longer have).
pub fn load_without_docs(file: &str, bytes: &[u8]) -> Result<Loaded, (String, Vec<Diagnostic>)> {
    let loaded = load_earlier(file, bytes)?;
    let diags = validate::validate(file, &loaded.text, &loaded.spec);
    if !diags.is_empty() {
        return Err((loaded.text, diags));
    }
    Ok(loaded)
}

/// An earlier version of a spec, for comparison: read, not validated. It was valid under
/// the rules of its day; a rule added since must not stop `check` from comparing versions.
pub fn load_earlier(file: &str, bytes: &[u8]) -> Result<Loaded, (String, Vec<Diagnostic>)> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let spec = load::parse(file, bytes).map_err(|d| (text.clone(), vec![d]))?;
    Ok(Loaded {
        file: file.to_string(),
        text,
        spec,
        docs: Vec::new(),
        cited: Vec::new(),
    })
}

/// Like [`load()`], from bytes already read; `file` names them in diagnostics, and the docs
/// the spec declares are read relative to it.
pub fn load_bytes(file: &str, bytes: &[u8]) -> Result<Loaded, (String, Vec<Diagnostic>)> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let spec = load::parse(file, bytes).map_err(|d| (text.clone(), vec![d]))?;
    let mut diags = validate::validate(file, &text, &spec);
    let mut sink = crate::diagnostics::Sink::new(file);
    let docs = crate::docs::load(file, &spec, &mut sink);
    let cited = crate::docs::check(&spec, &docs, &mut sink);
    diags.extend(sink.finish());
    diags.sort_by_key(|d| (d.loc.line, d.loc.column));
    if diags.is_empty() {
        Ok(Loaded {
            file: file.to_string(),
            text,
            spec,
            docs,
            cited,
        })
    } else {
        Err((text, diags))
    }
}
