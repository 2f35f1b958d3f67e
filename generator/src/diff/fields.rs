//! Field lists compared: added, removed, renamed (a removed and an added field of the same
//! type), retyped, made optional or required, renamed on the wire, moved to another place in
//! the request; and which named types requests use (a new required field breaks those).

use std::collections::BTreeSet;

use super::compare::{Cx, canon};
use super::{Level, Side};
use crate::spec::Sp;
use crate::spec::model::{Endpoint, Field, Map, Spec};
use crate::spec::validate::param_in;

/// Whether a field list is built by the merchant (requests, and types they use) or read by
/// it (responses, webhooks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Request,
    Response,
}

/// What decides a field's Rust type and wire form: type, element or value type, wire form,
/// date format, nullability.
pub fn signature(f: &Field) -> String {
    canon(&(
        &f.ty,
        &f.items,
        &f.values,
        &f.wire,
        &f.format,
        f.nullable,
        // A fixed value leaves the constructor's parameters.
        &f.constant,
    ))
}

/// The constraints the mock checks (not part of the Rust API).
fn constraints(f: &Field) -> String {
    canon(&(
        &f.min_length,
        &f.max_length,
        &f.pattern,
        &f.minimum,
        &f.maximum,
        &f.exclusive_minimum,
        &f.exclusive_maximum,
        &f.allowed,
        &f.aliases,
        &f.required_if,
        &f.forbidden_if,
    ))
}

fn wire<'f>(name: &'f str, f: &'f Field) -> &'f str {
    f.wire_name.as_ref().map_or(name, |w| w.value.as_str())
}

/// Compares two field lists of `item` (`item.fields.<name>` in reports).
pub fn compare(cx: &mut Cx, item: &str, role: Role, old: &Map<Field>, new: &Map<Field>) {
    let removed: Vec<(&String, &Sp<Field>)> =
        old.iter().filter(|(k, _)| !new.contains_key(*k)).collect();
    let added: Vec<(&String, &Sp<Field>)> =
        new.iter().filter(|(k, _)| !old.contains_key(*k)).collect();
    let mut renamed: Vec<&str> = Vec::new();
    for (name, f) in &removed {
        let same: Vec<_> = added
            .iter()
            .filter(|(_, n)| signature(n) == signature(f) && n.optional == f.optional)
            .collect();
        match same.as_slice() {
            [(to, n)] => {
                cx.push(
                    Level::Breaking,
                    format!("{item}.fields.{to}"),
                    format!("field renamed from `{name}`"),
                    Side::New,
                    n.loc,
                );
                renamed.push(to.as_str());
            }
            _ => cx.push(
                Level::Breaking,
                format!("{item}.fields.{name}"),
                "field removed",
                Side::Old,
                f.loc,
            ),
        }
    }
    for (name, f) in &added {
        if renamed.contains(&name.as_str()) {
            continue;
        }
        let (level, what) = match (role, f.optional) {
            (Role::Request, false) => (Level::Breaking, "new required request field"),
            (Role::Request, true) => (Level::Additive, "new optional request field"),
            (Role::Response, _) => (Level::Additive, "new response field"),
        };
        cx.push(
            level,
            format!("{item}.fields.{name}"),
            what,
            Side::New,
            f.loc,
        );
    }
    for (name, f) in new {
        let Some(o) = old.get(name) else { continue };
        let at = format!("{item}.fields.{name}");
        if signature(o) != signature(f) {
            cx.push(Level::Breaking, &at, "type changed", Side::New, f.loc);
        }
        match (o.optional, f.optional) {
            (true, false) => cx.push(
                Level::Breaking,
                &at,
                "optional → required",
                Side::New,
                f.loc,
            ),
            (false, true) => cx.push(
                Level::Breaking,
                &at,
                "required → optional (its Rust type becomes an Option)",
                Side::New,
                f.loc,
            ),
            _ => {}
        }
        if wire(name, o) != wire(name, f) {
            cx.push(
                Level::Breaking,
                &at,
                format!("wire name `{}` → `{}`", wire(name, o), wire(name, f)),
                Side::New,
                f.loc,
            );
        }
        if constraints(o) != constraints(f) {
            cx.push(
                Level::NoApiChange,
                &at,
                "constraints changed (checked by the mock)",
                Side::New,
                f.loc,
            );
        }
        for (what, a, b) in [
            ("description", canon(&o.description), canon(&f.description)),
            ("note", canon(&o.note), canon(&f.note)),
            ("source", canon(&o.source), canon(&f.source)),
        ] {
            if a != b {
                cx.push(
                    Level::NoApiChange,
                    &at,
                    format!("{what} changed"),
                    Side::New,
                    f.loc,
                );
            }
        }
    }
}

/// Request fields that moved between body, query, path and header.
pub fn locations(cx: &mut Cx, old: &Spec, new: &Spec, o: &Endpoint, e: &Endpoint, item: &str) {
    let (Some(or), Some(nr)) = (&o.request, &e.request) else {
        return;
    };
    for (name, f) in &nr.fields {
        let Some(of) = or.fields.get(name) else {
            continue;
        };
        let (a, b) = (param_in(old, o, of), param_in(new, e, f));
        if a != b {
            cx.push(
                Level::Breaking,
                format!("{item}.fields.{name}"),
                format!("moved from {a:?} to {b:?}"),
                Side::New,
                f.loc,
            );
        }
    }
}

/// Named types reachable from any endpoint's request fields.
pub fn request_types(spec: &Spec) -> BTreeSet<&str> {
    let mut out: BTreeSet<&str> = BTreeSet::new();
    let mut todo: Vec<&str> = Vec::new();
    let refs = |f: &'_ Field| -> Vec<String> {
        [Some(&f.ty), f.items.as_ref(), f.values.as_ref()]
            .into_iter()
            .flatten()
            .map(|s| s.value.clone())
            .collect()
    };
    for e in spec.endpoints.values() {
        for f in e.request.iter().flat_map(|r| r.fields.values()) {
            for r in refs(f) {
                if let Some((k, _)) = spec.types.get_key_value(r.as_str()) {
                    todo.push(k.as_str());
                }
            }
        }
    }
    while let Some(t) = todo.pop() {
        if !out.insert(t) {
            continue;
        }
        for f in spec
            .types
            .get(t)
            .and_then(|d| d.fields.as_ref())
            .into_iter()
            .flat_map(|m| m.values())
        {
            for r in refs(f) {
                if let Some((k, _)) = spec.types.get_key_value(r.as_str()) {
                    todo.push(k.as_str());
                }
            }
        }
    }
    out
}
