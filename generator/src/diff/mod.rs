//! `payspec diff`: every change between two versions of a spec, classified by what it means
//! for code that uses the generated crate ([`Level`]), each with the spec item and where it
//! is. The comparison walks the spec model (`compare`); [`render`] writes it for people or
//! as JSON.

mod compare;
mod fields;
pub mod render;
pub mod semver;

use crate::spec::{Loc, Spec};

/// What a change means for code using the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Code that compiles and works today may not: a removed or renamed item, a changed type,
    /// a new required parameter, another wire contract (path, method, signing, credentials).
    Breaking,
    /// New things only: an endpoint, an optional parameter, a response field, an enum value.
    Additive,
    /// Docs, notes, citations, examples, mock behaviour.
    NoApiChange,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::Additive => "additive",
            Level::NoApiChange => "no API change",
        }
    }
}

/// Which version of the spec a location is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Old,
    New,
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub level: Level,
    /// Dotted spec path, e.g. `endpoints.create_order.request.fields.email`.
    pub item: String,
    /// What changed, in words.
    pub what: String,
    /// Where: in the new version, or in the old one for what was removed.
    pub side: Side,
    pub loc: Loc,
}

/// Every change from `old` to `new`, breaking first, then in spec order.
pub fn diff(old: &Spec, new: &Spec) -> Vec<Change> {
    let mut cx = compare::Cx::default();
    cx.all(old, new);
    let mut out = cx.changes;
    out.sort_by_key(|c| c.level);
    out
}

/// The most serious level among `changes`, if any.
pub fn worst(changes: &[Change]) -> Option<Level> {
    changes.iter().map(|c| c.level).min()
}
