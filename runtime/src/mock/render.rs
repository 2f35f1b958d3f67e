//! Records rendered as the response types: wire names, wire forms, documented fields only,
//! and zero values for what a record lacks; files for binary responses.

use super::engine::Reply;
use super::tables::*;
use super::template::{coerce, now_value};
use super::value::V;

pub(super) fn response_field_kind(spec: &Spec, e: &Endpoint, field: &str) -> Option<Kind> {
    let Body::Json(Kind::Named(t)) = e.body else {
        return None;
    };
    spec.type_def(t)?
        .fields
        .iter()
        .find(|f| f.name == field)
        .map(|f| f.kind)
}

/// Renders a record as a response type: wire names, wire forms, documented fields only.
pub fn render(spec: &Spec, rec: &V, kind: &Kind) -> V {
    match kind {
        Kind::Named(t) => {
            let Some(def) = spec.type_def(*t) else {
                return rec.clone();
            };
            if def.fields.is_empty() {
                return rec.clone();
            }
            V::Obj(
                def.fields
                    .iter()
                    .filter_map(|f| {
                        let v = rec.get(f.name).or_else(|| rec.get(f.wire));
                        match v {
                            Some(v) => {
                                Some((f.wire.into(), render(spec, &coerce(v, &f.kind), &f.kind)))
                            }
                            None if f.optional => None,
                            None if f.nullable => Some((f.wire.into(), V::Null)),
                            None => Some((f.wire.into(), zero(spec, &f.kind))),
                        }
                    })
                    .collect(),
            )
        }
        Kind::Array(k) => match rec {
            V::Arr(items) => V::Arr(items.iter().map(|i| render(spec, i, k)).collect()),
            other => other.clone(),
        },
        _ => rec.clone(),
    }
}

pub(super) fn zero(spec: &Spec, kind: &Kind) -> V {
    match kind {
        Kind::Integer(Wire::String | Wire::StringOrNumber)
        | Kind::Decimal(Wire::String | Wire::StringOrNumber) => V::Str("0".into()),
        Kind::Integer(_) | Kind::Decimal(_) => V::Num("0".into()),
        Kind::Bool => V::Bool(false),
        Kind::Array(_) => V::Arr(Vec::new()),
        Kind::Map(_) | Kind::Any => V::Obj(Vec::new()),
        Kind::Named(t) => match spec.type_def(*t) {
            Some(d) if d.integer => V::Num(d.values.first().copied().unwrap_or("0").into()),
            Some(d) if !d.values.is_empty() => V::Str(d.values[0].into()),
            _ => V::Obj(Vec::new()),
        },
        Kind::Date(_) | Kind::DateTime(_) => now_value(kind),
        Kind::String | Kind::StringOrNumber => V::Str(String::new()),
    }
}

/// A file answer for a record: the content type the request picks (the endpoint's
/// `content_type_from`), else the endpoint's first; a small file of that type.
pub(super) fn binary(e: &Endpoint, msg: &V, rec: &V) -> Reply {
    let ct = e
        .accepted_types(msg)
        .and_then(|t| t.first().copied())
        .unwrap_or("application/octet-stream");
    let id = rec.text();
    let body = match ct {
        "image/jpeg" | "image/jpg" => {
            let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
            b.extend_from_slice(format!("mock file {id}").as_bytes());
            b.extend_from_slice(&[0xFF, 0xD9]);
            b
        }
        "image/png" => {
            let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
            b.extend_from_slice(format!("mock file {id}").as_bytes());
            b
        }
        "application/pdf" => format!("%PDF-1.4\n% mock file\n{id}\n%%EOF\n").into_bytes(),
        _ => format!("mock file {id}\n").into_bytes(),
    };
    Reply {
        status: 200,
        content_type: ct.to_string(),
        body,
        delay_ms: 0,
        allow: None,
    }
}
