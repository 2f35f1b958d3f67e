//! Request fields checked against the spec, by the client before it signs a request and by
//! the mock when one arrives: presence, nulls, types, enum values and subsets, constants,
//! dates in their formats, lengths, patterns, bounds, conditions between fields, and
//! alternatives. Both run this one checker, so a request the client refuses is one the mock
//! refuses, for the same field.

use crate::tables::*;
use crate::value::V;
use crate::wire;

/// Why a request breaks its endpoint's rules: the field (its wire name, with a dotted path
/// inside objects and arrays: `receipt.items.0.price`) and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRequest {
    /// Wire name or path of the field; alternatives are joined with ` or `.
    pub field: String,
    /// What is wrong with it.
    pub reason: Reason,
}

/// What is wrong with a field. `Display` gives the words the mock answers with.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// A required field is absent.
    Required,
    /// A field that may not be null is.
    Null,
    /// The value is not of the field's type: "a string", "a date in the format …", "one of …".
    Type(String),
    /// A string's length in characters is outside the bounds.
    Length {
        /// Fewest characters.
        min: u32,
        /// Most characters (the spec's `max_length`, or the mock's default limit).
        max: u32,
    },
    /// A string does not match the pattern as a whole.
    Pattern(&'static str),
    /// A number is outside a bound: "at least 1", "more than 0".
    Bound(String),
    /// An enum value outside the subset this field allows.
    NotAllowed(&'static [&'static str]),
    /// A field with one fixed value has another.
    Constant(&'static str),
    /// Required because another field has a given value.
    RequiredWhen(Condition),
    /// Forbidden because another field has a given value.
    ForbiddenWhen(Condition),
    /// None of the alternatives is given.
    OneOfRequired,
}

impl Reason {
    /// Whether this is a missing field (the mock's `missing_field` case) rather than an
    /// invalid one.
    pub fn is_missing(&self) -> bool {
        matches!(
            self,
            Reason::Required | Reason::RequiredWhen(_) | Reason::OneOfRequired
        )
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Required => f.write_str("required"),
            Reason::Null => f.write_str("must not be null"),
            Reason::Type(what) => write!(f, "must be {what}"),
            Reason::Length { min, max } => {
                write!(f, "length must be between {min} and {max} characters")
            }
            Reason::Pattern(p) => write!(f, "must match {p}"),
            Reason::Bound(b) => write!(f, "must be {b}"),
            Reason::NotAllowed(values) => write!(f, "must be one of {}", values.join(", ")),
            Reason::Constant(c) => write!(f, "must be {c}"),
            Reason::RequiredWhen(c) => write!(f, "required when {c}"),
            Reason::ForbiddenWhen(c) => write!(f, "must be absent when {c}"),
            Reason::OneOfRequired => f.write_str("give at least one"),
        }
    }
}

impl std::fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for InvalidRequest {}

fn invalid(field: &str, reason: Reason) -> InvalidRequest {
    InvalidRequest {
        field: field.to_string(),
        reason,
    }
}

/// Where a checked value sits: a field's wire name, a member or an item below it. Written
/// out (`receipt.items.0.price`) only when a check fails, so a valid request builds no path.
#[derive(Clone, Copy)]
enum Path<'a> {
    /// A top-level field.
    Field(&'a str),
    /// A member of an object.
    Member(&'a Path<'a>, &'a str),
    /// An item of an array.
    Item(&'a Path<'a>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Field(name) => f.write_str(name),
            Path::Member(parent, key) => write!(f, "{parent}.{key}"),
            Path::Item(parent, i) => write!(f, "{parent}.{i}"),
        }
    }
}

fn invalid_at(path: &Path<'_>, reason: Reason) -> InvalidRequest {
    InvalidRequest {
        field: path.to_string(),
        reason,
    }
}

/// Checks a request's members (by wire name: path parameters, query, body, headers) against
/// its endpoint: every field, then the conditions between fields, then the alternatives.
/// `string_chars` bounds a string field whose spec gives no `max_length`.
pub fn request(
    spec: &Spec,
    e: &Endpoint,
    msg: &V,
    string_chars: u32,
) -> Result<(), InvalidRequest> {
    let rules = Rules { spec, string_chars };
    for f in e.fields {
        field(rules, f, member(msg, f), &Path::Field(f.wire))?;
    }
    conditions(e.fields, msg, None)?;
    if !e.one_of_required.is_empty()
        && !e.one_of_required.iter().any(|n| {
            e.fields
                .iter()
                .find(|f| f.name == *n)
                .and_then(|f| member(msg, f))
                .is_some_and(|v| *v != V::Null)
        })
    {
        return Err(invalid(
            &e.one_of_required.join(" or "),
            Reason::OneOfRequired,
        ));
    }
    Ok(())
}

/// The parameters of a path against its template, percent-decoded: `/products/{id}` and
/// `/products/prd_1` give `[("id", "prd_1")]`; `None` when the path does not fit.
pub fn path_params(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    if !template.contains('{') {
        return (template.trim_end_matches('/') == path.trim_end_matches('/')).then(Vec::new);
    }
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut params = Vec::new();
    for (a, b) in t.iter().zip(&p) {
        match a.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
            Some(name) => params.push((name.to_string(), crate::wire::percent_decode(b, false))),
            None if a == b => {}
            None => return None,
        }
    }
    Some(params)
}

/// A field's member under its wire name or one of its aliases.
pub fn member<'m>(msg: &'m V, f: &Field) -> Option<&'m V> {
    msg.get(f.wire)
        .or_else(|| f.aliases.iter().find_map(|a| msg.get(a)))
}

/// The spec a request is checked against, and the string length that applies where the
/// spec gives none.
#[derive(Clone, Copy)]
struct Rules<'s> {
    spec: &'s Spec,
    string_chars: u32,
}

/// The conditions of `fields` (required or forbidden when another field has a value), the
/// members of the object at `parent` (`None`: the request).
fn conditions(fields: &[Field], msg: &V, parent: Option<&Path<'_>>) -> Result<(), InvalidRequest> {
    for f in fields {
        if f.required_if.is_none() && f.forbidden_if.is_none() {
            continue;
        }
        let present = member(msg, f).is_some_and(|v| *v != V::Null);
        let path = match parent {
            Some(p) => Path::Member(p, f.wire),
            None => Path::Field(f.wire),
        };
        if let Some(c) = f.required_if
            && !present
            && c.holds(msg)
        {
            return Err(invalid_at(&path, Reason::RequiredWhen(c)));
        }
        if let Some(c) = f.forbidden_if
            && present
            && c.holds(msg)
        {
            return Err(invalid_at(&path, Reason::ForbiddenWhen(c)));
        }
    }
    Ok(())
}

/// Checks one field: presence, type, enum, limits.
fn field(
    rules: Rules<'_>,
    f: &Field,
    v: Option<&V>,
    path: &Path<'_>,
) -> Result<(), InvalidRequest> {
    // A field that a condition requires is checked by `conditions`; absent, it passes here.
    let optional = f.optional || f.required_if.is_some();
    let v = match v {
        None if optional => return Ok(()),
        None => return Err(invalid_at(path, Reason::Required)),
        Some(V::Null) if f.nullable || optional => return Ok(()),
        Some(V::Null) => return Err(invalid_at(path, Reason::Null)),
        Some(v) => v,
    };
    kind(rules, &f.kind, v, path)?;
    if let Some(c) = f.constant
        && v.text_ref() != c
    {
        return Err(invalid_at(path, Reason::Constant(c)));
    }
    if !f.allowed.is_empty() && !f.allowed.contains(&v.text_ref().as_ref()) {
        return Err(invalid_at(path, Reason::NotAllowed(f.allowed)));
    }
    if let V::Str(s) = v {
        let max = f.max_length.unwrap_or(rules.string_chars);
        // Counting stops past the limit: a megabyte of text costs no more than the limit.
        let len = s.chars().take(max as usize + 1).count() as u32;
        let min = f.min_length.unwrap_or(0);
        if len < min || len > max {
            return Err(invalid_at(path, Reason::Length { min, max }));
        }
        if let Some(p) = f.pattern
            && !crate::pattern::full_match(p, s)
        {
            return Err(invalid_at(path, Reason::Pattern(p)));
        }
    }
    if let Some(why) = out_of_range(f, v) {
        return Err(invalid_at(path, Reason::Bound(why)));
    }
    Ok(())
}

/// Which bound a number breaks, if one: "at least 1". Integers and decimals are compared as
/// decimals, so `-0` is not above zero and `0.5` is below a minimum of 1.
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
    let n = wire::parse_decimal(&v.text_ref()).ok()?;
    bounds.iter().find_map(|(bound, what, allowed)| {
        let b = rust_decimal::Decimal::from((*bound)?);
        (!allowed.contains(&n.cmp(&b))).then(|| format!("{what} {b}"))
    })
}

fn kind(rules: Rules<'_>, kind_: &Kind, v: &V, path: &Path<'_>) -> Result<(), InvalidRequest> {
    let spec = rules.spec;
    let bad = |what: &str| Err(invalid_at(path, Reason::Type(what.to_string())));
    match (kind_, v) {
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
            if wire::date_matches(matches!(kind_, Kind::Date(_)), f, s) {
                Ok(())
            } else {
                bad(&format!("a date in the format {f}"))
            }
        }
        (Kind::Array(k), V::Arr(items)) => {
            for (i, it) in items.iter().enumerate() {
                kind(rules, k, it, &Path::Item(path, i))?;
            }
            Ok(())
        }
        (Kind::Map(k), V::Obj(m)) => {
            for (key, it) in m {
                kind(rules, k, it, &Path::Member(path, key))?;
            }
            Ok(())
        }
        (Kind::Named(t), v) => {
            let Some(def) = spec.type_def(*t) else {
                return Ok(());
            };
            if !def.values.is_empty() {
                let text = v.text_ref();
                return if def.values.contains(&text.as_ref()) {
                    Ok(())
                } else {
                    bad(&format!("one of {}", def.values.join(", ")))
                };
            }
            let V::Obj(_) = v else {
                return bad("an object");
            };
            for f in def.fields {
                field(rules, f, member(v, f), &Path::Member(path, f.wire))?;
            }
            conditions(def.fields, v, Some(path))
        }
        _ => bad("of another type"),
    }
}

/// Renames members that arrived under an alias to their field's wire name, so what is
/// stored and answered uses the spec's name.
pub fn use_wire_names(fields: &[Field], v: &mut V) {
    let V::Obj(members) = v else {
        return;
    };
    if fields.iter().all(|f| f.aliases.is_empty()) {
        return;
    }
    for (k, _) in members.iter_mut() {
        if let Some(f) = fields.iter().find(|f| f.aliases.contains(&k.as_ref())) {
            *k = f.wire.into();
        }
    }
}

/// Drops the `null` members the spec allows only because the field is optional: such a
/// field reads as absent, so it is not kept either (a record never holds `null` where its
/// type has no room for it). Nested objects and arrays of them are cleaned too.
pub fn drop_null_optionals(spec: &Spec, fields: &[Field], v: &mut V) {
    let V::Obj(members) = v else {
        return;
    };
    if members.iter().any(|(_, val)| matches!(val, V::Null)) {
        members.retain(|(k, val)| {
            !(matches!(val, V::Null)
                && fields
                    .iter()
                    .any(|f| f.wire == k.as_ref() && f.optional && !f.nullable))
        });
    }
    // Only objects and arrays hold members to clean: the other fields are not looked up.
    for (k, val) in members.iter_mut() {
        if !matches!(val, V::Obj(_) | V::Arr(_)) {
            continue;
        }
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
