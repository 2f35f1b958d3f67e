//! Checks a JSON value (from an example) against a field or type, reporting each mismatch at
//! the offset of the offending value.

use crate::spec::json::{Node, Value};
use crate::spec::model::{EnumRepr, Field, Map, Spec, Wire};
use crate::spec::types::{self, Scalar, TypeExpr};

/// A mismatch at a byte offset in the example text.
#[derive(Debug)]
pub(super) struct Problem {
    pub offset: usize,
    pub message: String,
    pub hint: String,
}

pub(super) struct Checker<'s> {
    pub spec: &'s Spec,
    pub problems: Vec<Problem>,
}

impl<'s> Checker<'s> {
    pub fn new(spec: &'s Spec) -> Self {
        Checker {
            spec,
            problems: Vec::new(),
        }
    }

    fn bad(&mut self, n: &Node, message: String, hint: impl Into<String>) {
        self.problems.push(Problem {
            offset: n.offset,
            message,
            hint: hint.into(),
        });
    }

    /// An object against a set of fields. `extra` lists keys allowed besides the fields
    /// (e.g. injected auth fields); `all_optional` skips the required check.
    pub fn object(
        &mut self,
        n: &Node,
        fields: &Map<Field>,
        path: &str,
        extra: &[&str],
        all_optional: bool,
    ) {
        let Value::Object(members) = &n.value else {
            self.bad(
                n,
                format!("{} is {}, expected an object", show(path), n.value.kind()),
                "write a JSON object `{...}`",
            );
            return;
        };
        for (key, key_at, v) in members {
            let found = fields
                .iter()
                .find(|(name, f)| super::wire_name(name, f) == key);
            match found {
                Some((_, f)) => self.field(v, f, &join(path, key)),
                None if extra.contains(&key.as_str()) => {}
                None => {
                    let known = fields.iter().map(|(n, f)| super::wire_name(n, f));
                    let hint = match crate::diagnostics::did_you_mean(key, known) {
                        Some(k) => format!("did you mean `{k}`? Otherwise declare the field"),
                        None => "declare the field, or remove it from the example".to_string(),
                    };
                    self.problems.push(Problem {
                        offset: *key_at,
                        message: format!("`{}` is not a declared field", join(path, key)),
                        hint,
                    });
                }
            }
        }
        if all_optional {
            return;
        }
        for (name, f) in fields {
            let wire = super::wire_name(name, f);
            if !f.optional && !members.iter().any(|(k, _, _)| k == wire) {
                self.bad(
                    n,
                    format!("required field `{}` is missing", join(path, wire)),
                    format!("add `{wire}`, or mark the field `optional: true`"),
                );
            }
        }
    }

    pub fn field(&mut self, n: &Node, f: &Field, path: &str) {
        if n.value == Value::Null {
            if !f.nullable {
                self.bad(
                    n,
                    format!("{} is null but the field is not nullable", show(path)),
                    "mark the field `nullable: true`",
                );
            }
            return;
        }
        let Ok(t) = types::of_field(self.spec, f) else {
            return;
        };
        self.expr(n, &t, Some(f), path);
    }

    pub fn expr(&mut self, n: &Node, t: &TypeExpr, f: Option<&Field>, path: &str) {
        match t {
            TypeExpr::Scalar(s) => self.scalar(n, *s, f, path),
            TypeExpr::Array(inner) => match &n.value {
                Value::Array(items) => {
                    for (i, it) in items.iter().enumerate() {
                        self.item(it, inner, f, &format!("{path}[{i}]"));
                    }
                }
                other => self.bad(
                    n,
                    format!("{} is {}, expected an array", show(path), other.kind()),
                    "write a JSON array `[...]`",
                ),
            },
            TypeExpr::Map(inner) => match &n.value {
                Value::Object(members) => {
                    for (k, _, v) in members {
                        self.item(v, inner, f, &join(path, k));
                    }
                }
                other => self.bad(
                    n,
                    format!(
                        "{} is {}, expected an object (map)",
                        show(path),
                        other.kind()
                    ),
                    "write a JSON object `{...}`",
                ),
            },
            TypeExpr::Named(name) => {
                let Some(def) = self.spec.types.get(name) else {
                    return;
                };
                if let Some(fields) = &def.fields {
                    self.object(n, fields, path, &[], false);
                } else if let Some(repr) = &def.enum_repr {
                    self.enum_value(n, name, repr.value, &def.values, path);
                }
            }
        }
    }

    /// Elements of arrays and maps: nulls allowed only when the field is nullable.
    fn item(&mut self, n: &Node, t: &TypeExpr, f: Option<&Field>, path: &str) {
        if n.value == Value::Null && f.is_some_and(|f| f.nullable) {
            return;
        }
        self.expr(n, t, f, path);
    }

    fn enum_value(
        &mut self,
        n: &Node,
        name: &str,
        repr: EnumRepr,
        values: &[crate::spec::Sp<crate::spec::model::EnumValue>],
        path: &str,
    ) {
        let text = match (&n.value, repr) {
            (Value::String(s), EnumRepr::String) => s.clone(),
            (Value::Number(s), EnumRepr::Integer) if s.parse::<i64>().is_ok() => s.clone(),
            (other, _) => {
                let want = if repr == EnumRepr::String {
                    "a string"
                } else {
                    "an integer"
                };
                self.bad(
                    n,
                    format!(
                        "{} is {}, expected {want} (enum `{name}`)",
                        show(path),
                        other.kind()
                    ),
                    format!("write one of the values of `{name}`"),
                );
                return;
            }
        };
        if !values.iter().any(|v| v.value.value.value == text) {
            let list: Vec<&str> = values
                .iter()
                .map(|v| v.value.value.value.as_str())
                .collect();
            self.bad(
                n,
                format!(
                    "{} is `{text}`, which is not a documented value of `{name}`",
                    show(path)
                ),
                format!("add it to `{name}`'s values (known: {})", list.join(", ")),
            );
        }
    }

    fn scalar(&mut self, n: &Node, s: Scalar, f: Option<&Field>, path: &str) {
        let wire = f.and_then(|f| f.wire.as_ref()).map(|w| w.value);
        let kind = n.value.kind();
        match (s, &n.value) {
            (Scalar::Any, _) => {}
            (Scalar::Boolean, Value::Bool(_)) => {}
            (Scalar::String, Value::String(v)) => self.string_limits(n, v, f, path),
            (Scalar::String, Value::Number(_)) if wire == Some(Wire::StringOrNumber) => {}
            (Scalar::Integer | Scalar::MinorUnits, v) => self.integer(n, v, wire, f, path),
            (Scalar::Decimal, v) => self.decimal(n, v, wire, f, path),
            (Scalar::Date | Scalar::DateTime, Value::String(v)) => self.date(n, s, v, f, path),
            (_, _) => {
                let want = match s {
                    Scalar::Boolean => "a boolean",
                    Scalar::Date => "a date string",
                    Scalar::DateTime => "a date-time string",
                    _ => "a string",
                };
                self.bad(
                    n,
                    format!("{} is {kind}, expected {want}", show(path)),
                    "fix the example or the field's type",
                );
            }
        }
    }

    fn string_limits(&mut self, n: &Node, v: &str, f: Option<&Field>, path: &str) {
        let Some(f) = f else { return };
        let len = v.chars().count();
        if let Some(min) = &f.min_length
            && len < min.value as usize
        {
            self.bad(
                n,
                format!(
                    "{} has {len} characters, fewer than min_length {}",
                    show(path),
                    min.value
                ),
                "fix the example or the limit",
            );
        }
        if let Some(max) = &f.max_length
            && len > max.value as usize
        {
            self.bad(
                n,
                format!(
                    "{} has {len} characters, more than max_length {}",
                    show(path),
                    max.value
                ),
                "fix the example or the limit",
            );
        }
        if let Some(p) = &f.pattern
            && let Ok(re) = regex_lite::Regex::new(&format!("^(?:{})$", p.value))
            && !re.is_match(v)
        {
            self.bad(
                n,
                format!(
                    "{} `{v}` does not match the pattern `{}`",
                    show(path),
                    p.value
                ),
                "fix the example or the pattern",
            );
        }
    }

    /// The text of a number sent as a JSON number or string, if the field's wire form allows
    /// the form it came in; reports the mismatch otherwise. `hints`: (sent as string, as number).
    fn number_text<'v>(
        &mut self,
        n: &Node,
        v: &'v Value,
        wire: Option<Wire>,
        path: &str,
        want: &str,
        hints: (&str, &str),
    ) -> Option<&'v str> {
        let (text, as_string) = match v {
            Value::Number(t) => (t.as_str(), false),
            Value::String(t) => (t.as_str(), true),
            other => {
                self.bad(
                    n,
                    format!("{} is {}, expected {want}", show(path), other.kind()),
                    "fix the example or the field's type",
                );
                return None;
            }
        };
        if !wire_allows(wire, as_string) {
            let hint = if as_string { hints.0 } else { hints.1 };
            self.bad(
                n,
                format!(
                    "{} is {}, but the field's wire form is {}",
                    show(path),
                    v.kind(),
                    wire_name(wire)
                ),
                hint,
            );
            return None;
        }
        Some(text)
    }

    fn integer(&mut self, n: &Node, v: &Value, wire: Option<Wire>, f: Option<&Field>, path: &str) {
        let hints = (
            "the docs send a string: add `wire: number_or_string` (or `wire: string`)",
            "the docs send a number: add `wire: string_or_number` (or remove `wire: string`)",
        );
        let Some(text) = self.number_text(n, v, wire, path, "an integer", hints) else {
            return;
        };
        let Some(i) = payspec_runtime::wire::parse_integer(text) else {
            self.bad(
                n,
                format!("{} is `{text}`, which is not an integer", show(path)),
                "use `type: decimal` for fractional amounts",
            );
            return;
        };
        self.bounds(n, &i.to_string(), f, path);
    }

    fn decimal(&mut self, n: &Node, v: &Value, wire: Option<Wire>, f: Option<&Field>, path: &str) {
        let hints = (
            "the docs send a string: add `wire: string`",
            "the docs send a number: remove `wire: string` or use `wire: string_or_number`",
        );
        let Some(text) = self.number_text(n, v, wire, path, "a decimal number", hints) else {
            return;
        };
        if let Err(why) = payspec_runtime::wire::parse_decimal(text) {
            self.bad(
                n,
                format!(
                    "{} is `{text}`, which is not a decimal number ({why})",
                    show(path)
                ),
                "write digits with an optional sign, `.` and exponent, as clients and mocks read them",
            );
            return;
        }
        self.bounds(n, text, f, path);
    }

    /// The field's bounds (inclusive and exclusive) against a number's text, compared as
    /// decimals, as the mock compares them.
    fn bounds(&mut self, n: &Node, text: &str, f: Option<&Field>, path: &str) {
        use payspec_runtime::wire::parse_decimal;
        use std::cmp::Ordering::{Equal, Greater, Less};
        let (Some(f), Ok(v)) = (f, parse_decimal(text)) else {
            return;
        };
        let checks: [(_, _, &[std::cmp::Ordering]); 4] = [
            (&f.minimum, "less than the minimum", &[Greater, Equal]),
            (&f.maximum, "more than the maximum", &[Less, Equal]),
            (
                &f.exclusive_minimum,
                "not more than the exclusive minimum",
                &[Greater],
            ),
            (
                &f.exclusive_maximum,
                "not less than the exclusive maximum",
                &[Less],
            ),
        ];
        for (bound, what, allowed) in checks {
            if let Some(b) = bound
                && let Ok(limit) = parse_decimal(&b.value.to_string())
                && !allowed.contains(&v.cmp(&limit))
            {
                self.bad(
                    n,
                    format!("{} is {text}, {what} {}", show(path), b.value),
                    "fix the example or the limit",
                );
            }
        }
    }

    fn date(&mut self, n: &Node, s: Scalar, v: &str, f: Option<&Field>, path: &str) {
        let fmt = f.and_then(|f| f.format.as_ref()).map(|x| x.value.as_str());
        if !date_matches(s, v, fmt) {
            let shown = fmt.unwrap_or(if s == Scalar::Date {
                "[year]-[month]-[day]"
            } else {
                "rfc3339"
            });
            self.bad(
                n,
                format!("{} `{v}` does not match the format `{shown}`", show(path)),
                "fix the example, or declare the provider's exact format with `format:`",
            );
        }
    }
}

fn wire_allows(wire: Option<Wire>, as_string: bool) -> bool {
    match wire.unwrap_or(Wire::Number) {
        Wire::Number => !as_string,
        Wire::String => as_string,
        Wire::NumberOrString | Wire::StringOrNumber => true,
    }
}

fn wire_name(wire: Option<Wire>) -> &'static str {
    match wire.unwrap_or(Wire::Number) {
        Wire::Number => "a number",
        Wire::String => "a string",
        Wire::NumberOrString | Wire::StringOrNumber => "a number or a string",
    }
}

/// Whether `v` parses with the declared format (or the default for the type), as the
/// clients and mocks read it.
pub fn date_matches(s: Scalar, v: &str, fmt: Option<&str>) -> bool {
    payspec_runtime::wire::date_matches(s == Scalar::Date, fmt.unwrap_or("rfc3339"), v)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn show(path: &str) -> String {
    if path.is_empty() {
        "the value".to_string()
    } else {
        format!("`{path}`")
    }
}
