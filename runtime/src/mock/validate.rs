//! Request fields checked against the spec: presence, nulls, types, enum values, dates in
//! their formats, lengths, patterns and ranges.

use super::engine::{Failure, fail};
use super::tables::*;
use super::value::V;
use crate::wire;

/// The spec a request is checked against, and the string length that applies where the
/// spec gives none (the mock's `string_chars` limit).
#[derive(Clone, Copy)]
pub(super) struct Rules<'s> {
    pub(super) spec: &'s Spec,
    pub(super) string_chars: u32,
}

/// Checks one request field: presence, type, enum, limits.
pub(super) fn check_field(
    rules: Rules<'_>,
    f: &Field,
    v: Option<&V>,
    path: &str,
) -> Result<(), Failure> {
    let v = match v {
        None if f.optional => return Ok(()),
        None => return Err(fail(Case::MissingField, path, "required")),
        Some(V::Null) if f.nullable || f.optional => return Ok(()),
        Some(V::Null) => return Err(fail(Case::InvalidField, path, "must not be null")),
        Some(v) => v,
    };
    check_kind(rules, &f.kind, v, path)?;
    if let V::Str(s) = v {
        let max = f.max_length.unwrap_or(rules.string_chars);
        // Counting stops past the limit: a megabyte of text costs no more than the limit.
        let len = s.chars().take(max as usize + 1).count() as u32;
        if f.min_length.is_some_and(|m| len < m) || len > max {
            return Err(fail(
                Case::InvalidField,
                path,
                format!(
                    "length must be between {} and {max} characters",
                    f.min_length.unwrap_or(0),
                ),
            ));
        }
        if let Some(p) = f.pattern
            && !super::pattern::full_match(p, s)
        {
            return Err(fail(Case::InvalidField, path, format!("must match {p}")));
        }
    }
    if let Some(why) = out_of_range(f, v) {
        return Err(fail(Case::InvalidField, path, why));
    }
    Ok(())
}

/// Why a number breaks the field's bounds, if it does. Integers and decimals are compared
/// as decimals, so `-0` is not above zero and `0.5` is below a minimum of 1.
fn out_of_range(f: &Field, v: &V) -> Option<String> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    // (bound, how the message says it, how the value may compare with it)
    let bounds: [(Option<i64>, &str, &[std::cmp::Ordering]); 4] = [
        (f.minimum, "at least", &[Greater, Equal]),
        (f.maximum, "at most", &[Less, Equal]),
        (f.exclusive_minimum, "more than", &[Greater]),
        (f.exclusive_maximum, "less than", &[Less]),
    ];
    if bounds.iter().all(|(b, _, _)| b.is_none()) {
        return None;
    }
    let n = wire::parse_decimal(&v.text()).ok()?;
    bounds.iter().find_map(|(bound, what, allowed)| {
        let b = rust_decimal::Decimal::from((*bound)?);
        (!allowed.contains(&n.cmp(&b))).then(|| format!("must be {what} {b}"))
    })
}

pub(super) fn check_kind(rules: Rules<'_>, kind: &Kind, v: &V, path: &str) -> Result<(), Failure> {
    let spec = rules.spec;
    let bad = |what: &str| Err(fail(Case::InvalidField, path, format!("must be {what}")));
    match (kind, v) {
        (Kind::Any, _) => Ok(()),
        (Kind::String, V::Str(_)) | (Kind::StringOrNumber, V::Str(_) | V::Num(_)) => Ok(()),
        (Kind::String, _) => bad("a string"),
        (Kind::Bool, V::Bool(_)) => Ok(()),
        (Kind::Bool, V::Str(s)) if matches!(s.as_str(), "true" | "false" | "1" | "0") => Ok(()),
        (Kind::Integer(_), V::Num(t) | V::Str(t)) if wire::parse_integer(t).is_some() => Ok(()),
        (Kind::Integer(_), _) => bad("a whole number"),
        (Kind::Decimal(_), V::Num(t) | V::Str(t)) if wire::parse_decimal(t).is_ok() => Ok(()),
        (Kind::Decimal(_), _) => bad("a decimal number"),
        (Kind::Date(f) | Kind::DateTime(f), V::Str(s)) => {
            if wire::date_matches(matches!(kind, Kind::Date(_)), f, s) {
                Ok(())
            } else {
                bad(&format!("a date in the format {f}"))
            }
        }
        (Kind::Array(k), V::Arr(items)) => {
            for (i, it) in items.iter().enumerate() {
                check_kind(rules, k, it, &format!("{path}.{i}"))?;
            }
            Ok(())
        }
        (Kind::Map(k), V::Obj(m)) => {
            for (key, it) in m {
                check_kind(rules, k, it, &format!("{path}.{key}"))?;
            }
            Ok(())
        }
        (Kind::Named(t), v) => {
            let Some(def) = spec.type_def(*t) else {
                return Ok(());
            };
            if !def.values.is_empty() {
                let text = v.text();
                return if def.values.contains(&text.as_str()) {
                    Ok(())
                } else {
                    bad(&format!("one of {}", def.values.join(", ")))
                };
            }
            let V::Obj(_) = v else {
                return bad("an object");
            };
            for f in def.fields {
                check_field(rules, f, v.get(f.wire), &format!("{path}.{}", f.wire))?;
            }
            Ok(())
        }
        _ => bad("of another type"),
    }
}

/// Drops the `null` members the spec allows only because the field is optional: such a
/// field reads as absent, so it is not kept either (a record never holds `null` where its
/// type has no room for it). Nested objects and arrays of them are cleaned too.
pub(super) fn drop_null_optionals(spec: &Spec, fields: &[Field], v: &mut V) {
    let V::Obj(members) = v else {
        return;
    };
    members.retain(|(k, val)| {
        !(matches!(val, V::Null)
            && fields
                .iter()
                .any(|f| f.wire == k.as_ref() && f.optional && !f.nullable))
    });
    for (k, val) in members.iter_mut() {
        if let Some(f) = fields.iter().find(|f| f.wire == k.as_ref()) {
            drop_in_kind(spec, &f.kind, val);
        }
    }
}

fn drop_in_kind(spec: &Spec, kind: &Kind, v: &mut V) {
    match (kind, v) {
        (Kind::Named(t), v @ V::Obj(_)) => {
            if let Some(def) = spec.type_def(*t) {
                drop_null_optionals(spec, def.fields, v);
            }
        }
        (Kind::Array(inner), V::Arr(items)) => {
            for item in items {
                drop_in_kind(spec, inner, item);
            }
        }
        _ => {}
    }
}
