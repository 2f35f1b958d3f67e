//! JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) of field types, objects and open enums,
//! exact about wire forms: a decimal sent as a string is a string with a decimal pattern, a
//! date in a custom format a string with that format's pattern.

use serde_json::{Map, Value, json};

use crate::ir::{Api, DateKind, Field, NumWire, Ty, TypeDecl, TypeKind};

/// A decimal number written as text.
const DECIMAL: &str = r"^-?[0-9]+(\.[0-9]+)?$";
/// An integer written as text.
const INTEGER: &str = r"^-?[0-9]+$";

fn numeric(kind: &str, pattern: &str, wire: NumWire, format: &str) -> Value {
    let text = json!({ "type": "string", "pattern": pattern, "format": format });
    let number = json!({ "type": kind, "format": format });
    match wire {
        NumWire::Number => number,
        NumWire::String => text,
        NumWire::NumberOrString | NumWire::StringOrNumber => json!({ "anyOf": [number, text] }),
    }
}

/// A regular expression for a `time` format description, e.g. `[year]-[month]-[day]`.
fn date_pattern(format: &str) -> String {
    let mut out = String::from("^");
    let mut rest = format;
    while let Some(open) = rest.find('[') {
        out.push_str(&regex_escape(&rest[..open]));
        let Some(close) = rest[open..].find(']') else {
            break;
        };
        let comp = rest[open + 1..open + close]
            .split_whitespace()
            .next()
            .unwrap_or("");
        out.push_str(match comp {
            "year" => "[0-9]{4}",
            "month" | "day" | "hour" | "minute" | "second" => "[0-9]{2}",
            "subsecond" => "[0-9]+",
            "offset_hour" => "[+-][0-9]{2}",
            "offset_minute" => "[0-9]{2}",
            _ => ".+",
        });
        rest = &rest[open + close + 1..];
    }
    out.push_str(&regex_escape(rest));
    out.push('$');
    out
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The schema of a type expression.
pub fn ty(api: &Api, t: &Ty) -> Value {
    match t {
        Ty::String => json!({ "type": "string" }),
        Ty::StringOrNumber => json!({ "type": ["string", "number"] }),
        Ty::Integer(w) => numeric("integer", INTEGER, *w, "int64"),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Decimal(w) => numeric("number", DECIMAL, *w, "decimal"),
        Ty::Date(id) | Ty::DateTime(id) => match api.date_format(*id) {
            Some(f) if f.format == "rfc3339" => json!({
                "type": "string",
                "format": if f.kind == DateKind::Date { "date" } else { "date-time" },
            }),
            Some(f) => json!({
                "type": "string",
                "pattern": date_pattern(&f.format),
                "x-payspec-date-format": f.format,
            }),
            None => json!({ "type": "string" }),
        },
        Ty::Any => json!({}),
        Ty::Named(n) => json!({ "$ref": format!("#/components/schemas/{n}") }),
        Ty::Array(inner) => json!({ "type": "array", "items": ty(api, inner) }),
        Ty::Map(inner) => json!({ "type": "object", "additionalProperties": ty(api, inner) }),
    }
}

/// A value written in the spec as the JSON its field carries: a number for integers and
/// integer enums, a boolean for booleans, else a string.
fn typed(api: &Api, ty: &Ty, v: &str) -> Value {
    let integer = match ty {
        Ty::Integer(_) => true,
        Ty::Named(_) => api.is_copy(ty),
        Ty::Bool => return Value::Bool(v == "true"),
        _ => false,
    };
    match v.parse::<i64>() {
        Ok(n) if integer => n.into(),
        _ => v.into(),
    }
}

/// A field's schema: its type, `null` when nullable, its limits and its doc.
pub fn field(api: &Api, f: &Field) -> Value {
    let mut s = ty(api, &f.ty);
    if let Value::Object(m) = &mut s {
        let l = &f.limits;
        if let Some(v) = l.min_length {
            m.insert("minLength".into(), v.into());
        }
        if let Some(v) = l.max_length {
            m.insert("maxLength".into(), v.into());
        }
        if let Some(v) = &l.pattern {
            m.insert("pattern".into(), format!("^(?:{v})$").into());
        }
        if let Some(v) = l.minimum {
            m.insert("minimum".into(), v.into());
        }
        if let Some(v) = l.maximum {
            m.insert("maximum".into(), v.into());
        }
        if let Some(v) = l.exclusive_minimum {
            m.insert("exclusiveMinimum".into(), v.into());
        }
        if let Some(v) = l.exclusive_maximum {
            m.insert("exclusiveMaximum".into(), v.into());
        }
        if !l.allowed.is_empty() {
            let values: Vec<Value> = l.allowed.iter().map(|v| typed(api, &f.ty, v)).collect();
            m.insert("enum".into(), values.into());
        }
        if let Some(c) = &l.constant {
            m.insert("const".into(), typed(api, &f.ty, c));
        }
    }
    if f.nullable {
        s = json!({ "anyOf": [s, { "type": "null" }] });
    }
    if !f.doc.is_empty()
        && let Value::Object(m) = &mut s
    {
        m.insert("description".into(), f.doc.clone().into());
    }
    s
}

/// An object schema of `fields` (by wire name), with the required ones listed.
pub fn object(api: &Api, fields: &[&Field], extra: Vec<(String, Value)>) -> Value {
    let mut props = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for (name, schema) in extra {
        required.push(name.clone().into());
        props.insert(name, schema);
    }
    for f in fields {
        props.insert(f.wire.clone(), field(api, f));
        if !f.optional {
            required.push(f.wire.clone().into());
        }
    }
    let mut m = Map::new();
    m.insert("type".into(), "object".into());
    m.insert("properties".into(), Value::Object(props));
    if !required.is_empty() {
        m.insert("required".into(), Value::Array(required));
    }
    Value::Object(m)
}

/// `components.schemas`: every named type.
pub fn components(api: &Api) -> Value {
    let mut out = Map::new();
    for t in &api.types {
        out.insert(t.name.clone(), decl(api, t));
    }
    Value::Object(out)
}

fn decl(api: &Api, t: &TypeDecl) -> Value {
    let mut s = match &t.kind {
        TypeKind::Object(fields) => object(api, &fields.iter().collect::<Vec<_>>(), Vec::new()),
        TypeKind::Enum { integer, variants } => {
            let values: Vec<Value> = variants
                .iter()
                .map(|v| match (integer, v.wire.parse::<i64>()) {
                    (true, Ok(n)) => n.into(),
                    _ => v.wire.clone().into(),
                })
                .collect();
            json!({
                "type": if *integer { "integer" } else { "string" },
                "enum": values,
                "x-payspec-open-enum": true,
            })
        }
    };
    if let Value::Object(m) = &mut s {
        let doc = match &t.kind {
            TypeKind::Enum { .. } => format!(
                "{}{}Open enum: values the docs do not list may arrive, and are kept.",
                t.doc,
                if t.doc.is_empty() { "" } else { "\n\n" }
            ),
            TypeKind::Object(_) => t.doc.clone(),
        };
        if !doc.is_empty() {
            m.insert("description".into(), doc.into());
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_formats_become_patterns() {
        assert_eq!(
            date_pattern("[year]-[month]-[day] [hour]:[minute]:[second]"),
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
        );
        assert_eq!(
            date_pattern("[day].[month].[year]"),
            r"^[0-9]{2}\.[0-9]{2}\.[0-9]{4}$"
        );
    }
}
