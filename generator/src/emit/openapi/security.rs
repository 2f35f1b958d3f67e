//! Auth schemes as OpenAPI security schemes: HTTP Basic, tokens as API keys, and signatures
//! as an API key header described in words, with the recipe as data in
//! `x-payspec-signature` (what a client must compute) and injected fields in
//! `x-payspec-inject`.

use heck::{ToKebabCase, ToSnakeCase};
use serde_json::{Map, Value, json};

use crate::ir::{Api, InjectSource, Part, Scheme, Signature, SignedMessage};

fn part(p: &Part) -> Value {
    match p {
        Part::Field { wire, format } => match format {
            Some(f) => json!({ "field": wire, "format": format!("{f:?}").to_snake_case() }),
            None => json!({ "field": wire }),
        },
        Part::Credential(c) => json!({ "credential": c }),
        Part::Literal(l) => json!({ "literal": l }),
    }
}

/// The recipe as data.
pub fn recipe(sig: &Signature) -> Value {
    let message = match &sig.message {
        SignedMessage::Body => json!("body"),
        SignedMessage::Parts(parts) => {
            json!({ "parts": parts.iter().map(part).collect::<Vec<_>>() })
        }
        SignedMessage::SortedFields { append } => {
            json!({ "sorted_fields": { "encoding": "php_query", "append": append.iter().map(part).collect::<Vec<_>>() } })
        }
    };
    let mut m = Map::new();
    m.insert(
        "algorithm".into(),
        format!("{:?}", sig.algorithm).to_kebab_case().into(),
    );
    if let Some(k) = &sig.key {
        m.insert("key".into(), k.clone().into());
    }
    m.insert("message".into(), message);
    m.insert(
        "encoding".into(),
        format!("{:?}", sig.encoding).to_snake_case().into(),
    );
    if let Some(h) = &sig.header {
        m.insert("header".into(), h.clone().into());
        m.insert("template".into(), sig.template.clone().into());
    }
    if let Some(f) = &sig.field {
        m.insert("field".into(), f.clone().into());
    }
    Value::Object(m)
}

/// The recipe in words.
pub fn describe(sig: &Signature) -> String {
    let alg = format!("{:?}", sig.algorithm)
        .to_kebab_case()
        .to_uppercase();
    let over = match &sig.message {
        SignedMessage::Body => "the exact body bytes".to_string(),
        SignedMessage::Parts(parts) => {
            let names: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    Part::Field {
                        wire,
                        format: Some(_),
                    } => format!("str(float({wire}))"),
                    Part::Field { wire, .. } => wire.clone(),
                    Part::Credential(c) => format!("<{c}>"),
                    Part::Literal(l) => format!("{l:?}"),
                })
                .collect();
            format!("the concatenation {}", names.join(" + "))
        }
        SignedMessage::SortedFields { .. } => {
            "all other fields sorted by name, PHP-query-encoded, followed by the appended parts"
                .to_string()
        }
    };
    let key = sig
        .key
        .as_ref()
        .map(|k| format!(" keyed with `{k}`"))
        .unwrap_or_default();
    let place = match (&sig.header, &sig.field) {
        (Some(h), _) => format!("header `{h}` as `{}`", sig.template),
        (None, Some(f)) => format!("field `{f}`"),
        (None, None) => String::new(),
    };
    format!(
        "{alg}{key} over {over}, written as {}, in {place}. The recipe is in `x-payspec-signature`.",
        format!("{:?}", sig.encoding).to_lowercase()
    )
}

/// Fields the client adds to every request of `s`: `[{field, credential | nonce}]`.
pub fn injected(s: &Scheme) -> Value {
    Value::Array(
        s.inject
            .iter()
            .map(|i| match &i.source {
                InjectSource::Credential(c) => json!({ "field": i.wire, "credential": c }),
                InjectSource::Nonce(n) => {
                    json!({ "field": i.wire, "nonce": format!("{n:?}").to_snake_case() })
                }
            })
            .collect(),
    )
}

/// The OpenAPI security schemes of `s`, by name: Basic or a token as `<name>`, a header
/// signature as `<name>_signature`.
pub fn schemes_of(s: &Scheme) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(b) = &s.basic {
        out.push((
            s.name.clone(),
            json!({
                "type": "http",
                "scheme": "basic",
                "description": format!("HTTP Basic: user `{}`, password `{}`.", b.username, b.password),
                "x-payspec-basic": { "username": b.username, "password": b.password },
            }),
        ));
    }
    if let Some(t) = &s.token {
        let (place, name) = match (&t.query, &t.header) {
            (Some(q), _) => ("query", q.clone()),
            (None, Some(h)) => ("header", h.clone()),
            (None, None) => ("header", String::new()),
        };
        out.push((
            s.name.clone(),
            json!({
                "type": "apiKey",
                "in": place,
                "name": name,
                "description": format!("The credential `{}` as it is.", t.credential),
                "x-payspec-credential": t.credential,
            }),
        ));
    }
    if let Some(sig) = &s.signature
        && let Some(h) = &sig.header
    {
        let mut v = json!({
            "type": "apiKey",
            "in": "header",
            "name": h,
            "description": describe(sig),
        });
        if let Value::Object(m) = &mut v {
            m.insert("x-payspec-signature".into(), recipe(sig));
            if !s.inject.is_empty() {
                m.insert("x-payspec-inject".into(), injected(s));
            }
        }
        out.push((format!("{}_signature", s.name), v));
    }
    out
}

/// `components.securitySchemes` of every scheme in use.
pub fn components(api: &Api) -> Value {
    let mut m = Map::new();
    for s in &api.schemes {
        for (name, v) in schemes_of(s) {
            m.insert(name, v);
        }
    }
    Value::Object(m)
}

/// The security requirement of an operation signed with `s` (all of its schemes at once).
pub fn requirement(s: Option<&Scheme>) -> Value {
    let Some(s) = s else {
        return json!([]);
    };
    let names: Map<String, Value> = schemes_of(s)
        .into_iter()
        .map(|(n, _)| (n, json!([])))
        .collect();
    if names.is_empty() {
        json!([])
    } else {
        json!([names])
    }
}
