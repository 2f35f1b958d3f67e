//! Request fields checked against the spec: presence, nulls, types, enum values, dates in
//! their formats, lengths, patterns and ranges.

use super::engine::{Failure, fail};
use super::tables::*;
use super::value::V;
use crate::wire;

/// Checks one request field: presence, type, enum, limits.
pub(super) fn check_field(
    spec: &Spec,
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
    check_kind(spec, &f.kind, v, path)?;
    if let V::Str(s) = v {
        let len = s.chars().count() as u32;
        if f.min_length.is_some_and(|m| len < m) || f.max_length.is_some_and(|m| len > m) {
            return Err(fail(
                Case::InvalidField,
                path,
                format!(
                    "length must be between {} and {}",
                    f.min_length.unwrap_or(0),
                    f.max_length
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| "any".into())
                ),
            ));
        }
        if let Some(p) = f.pattern
            && !super::pattern::full_match(p, s)
        {
            return Err(fail(Case::InvalidField, path, format!("must match {p}")));
        }
    }
    if (f.minimum.is_some() || f.maximum.is_some())
        && let Some(n) = wire::parse_integer(&v.text())
        && (f.minimum.is_some_and(|m| n < m) || f.maximum.is_some_and(|m| n > m))
    {
        return Err(fail(Case::InvalidField, path, "out of range"));
    }
    Ok(())
}

pub(super) fn check_kind(spec: &Spec, kind: &Kind, v: &V, path: &str) -> Result<(), Failure> {
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
                check_kind(spec, k, it, &format!("{path}.{i}"))?;
            }
            Ok(())
        }
        (Kind::Map(k), V::Obj(m)) => {
            for (key, it) in m {
                check_kind(spec, k, it, &format!("{path}.{key}"))?;
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
                check_field(spec, f, v.get(f.wire), &format!("{path}.{}", f.wire))?;
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
