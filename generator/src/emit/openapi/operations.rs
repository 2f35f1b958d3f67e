//! Paths and webhooks: each endpoint's parameters, body, success and error answers (inside
//! the envelope where the provider wraps them) and the docs' examples; each webhook's body.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{schema, security};
use crate::ir::{Api, Encoding, Endpoint, Field, InjectSource, ParamIn, ResponseBody, Webhook};

fn parse(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok()
}

/// The envelope around `data`, or `data` itself.
fn enveloped(api: &Api, data: Value, wrapped: bool) -> Value {
    let Some(env) = api.envelope.as_ref().filter(|_| wrapped) else {
        return data;
    };
    let ok = json!({
        "type": "object",
        "required": [env.status_field],
        "properties": {
            env.status_field.clone(): { "const": env.success },
            env.message_field.clone(): {},
            env.data_field.clone(): data,
        },
    });
    if !api.errors.in_envelope {
        return ok;
    }
    json!({ "oneOf": [ok, error_envelope(api)] })
}

fn error_envelope(api: &Api) -> Value {
    let Some(env) = &api.envelope else {
        return json!({ "type": "object" });
    };
    json!({
        "type": "object",
        "required": [env.status_field],
        "properties": {
            env.status_field.clone(): { "const": env.error },
            env.message_field.clone(): { "type": "string" },
        },
        "description": "The provider's error, inside its envelope.",
    })
}

/// The body of an error answer with status `status`.
fn error_body(api: &Api, status: u16) -> Value {
    if api.errors.in_envelope && api.envelope.is_some() {
        return error_envelope(api);
    }
    let _ = status;
    match &api.errors.type_name {
        Some(t) => json!({ "$ref": format!("#/components/schemas/{t}") }),
        None => json!({ "description": "The provider's error; its shape is not documented." }),
    }
}

/// Every status an error can come with: documented ones and those of the mock's answers.
fn error_statuses(api: &Api) -> BTreeMap<u16, String> {
    let mut out = BTreeMap::new();
    for d in &api.errors.documented {
        let codes = if d.codes.is_empty() {
            String::new()
        } else {
            format!(" Codes: {}.", d.codes.join(", "))
        };
        out.insert(d.status, format!("{}{codes}", d.description));
    }
    for c in &api.errors.cases {
        out.entry(c.status)
            .or_insert_with(|| format!("{:?}", c.case).to_lowercase().replace('_', " "));
    }
    // Bodies have a size limit (the mock's is 1 MiB); over it, the error shape with 413.
    out.entry(413)
        .or_insert_with(|| "The body is larger than the server accepts.".to_string());
    out
}

/// Examples keyed `docs-1`, `docs-2`, … from JSON texts.
fn examples<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> Option<Value> {
    let mut m = Map::new();
    for (i, (source, text)) in items.enumerate() {
        if let Some(v) = parse(text) {
            let mut e = Map::new();
            if !source.is_empty() {
                e.insert("summary".into(), source.into());
            }
            e.insert("value".into(), v);
            m.insert(format!("docs-{}", i + 1), Value::Object(e));
        }
    }
    (!m.is_empty()).then_some(Value::Object(m))
}

fn media(schema: Value, examples: Option<Value>) -> Value {
    let mut m = Map::new();
    m.insert("schema".into(), schema);
    if let Some(x) = examples {
        m.insert("examples".into(), x);
    }
    Value::Object(m)
}

/// Injected fields of an endpoint's scheme: (wire name, schema).
fn injected(api: &Api, e: &Endpoint) -> Vec<(String, Value)> {
    let Some(s) = e.scheme.and_then(|i| api.scheme(i)) else {
        return Vec::new();
    };
    s.inject
        .iter()
        .map(|i| {
            let schema = match &i.source {
                InjectSource::Credential(c) => {
                    json!({ "type": "string", "x-payspec-injected": { "credential": c } })
                }
                InjectSource::Nonce(_) => {
                    json!({ "type": "integer", "minimum": 1, "x-payspec-injected": "nonce" })
                }
            };
            (i.wire.clone(), schema)
        })
        .collect()
}

fn parameter(api: &Api, f: &Field, place: &str) -> Value {
    json!({
        "name": f.wire,
        "in": place,
        "required": place == "path" || !f.optional,
        "schema": schema::field(api, f),
    })
}

fn operation(api: &Api, e: &Endpoint) -> Value {
    let scheme = e.scheme.and_then(|i| api.scheme(i));
    let mut params: Vec<Value> = Vec::new();
    let mut body_fields: Vec<&Field> = Vec::new();
    for f in &e.request.fields {
        match f.location {
            ParamIn::Path => params.push(parameter(api, f, "path")),
            ParamIn::Query => params.push(parameter(api, f, "query")),
            ParamIn::Header => params.push(parameter(api, f, "header")),
            ParamIn::Body => body_fields.push(f),
        }
    }
    let inject = injected(api, e);
    let mut op = Map::new();
    op.insert("operationId".into(), e.name.clone().into());
    op.insert("summary".into(), e.summary.clone().into());
    if !e.doc.is_empty() {
        op.insert("description".into(), e.doc.clone().into());
    }
    let body_encoded = matches!(e.request.encoding, Encoding::Json | Encoding::Form);
    if !body_encoded {
        for (name, s) in &inject {
            params.push(json!({ "name": name, "in": "query", "required": true, "schema": s }));
        }
    }
    if !params.is_empty() {
        op.insert("parameters".into(), Value::Array(params));
    }
    if body_encoded && !matches!(e.method, crate::ir::Method::Get | crate::ir::Method::Delete) {
        let mut body = schema::object(
            api,
            &body_fields,
            if body_encoded {
                inject.clone()
            } else {
                Vec::new()
            },
        );
        let alternatives: Vec<Value> = e
            .request
            .one_of_required
            .iter()
            .filter_map(|n| e.request.fields.iter().find(|f| f.name == *n))
            .filter(|f| f.location == ParamIn::Body)
            .map(|f| json!({ "required": [f.wire] }))
            .collect();
        if let (Value::Object(m), false) = (&mut body, alternatives.is_empty()) {
            m.insert("anyOf".into(), Value::Array(alternatives));
        }
        let mime = if e.request.encoding == Encoding::Form {
            "application/x-www-form-urlencoded"
        } else {
            "application/json"
        };
        let ex = examples(
            e.examples
                .iter()
                .filter_map(|x| Some((x.source.as_str(), x.request.as_deref()?))),
        );
        op.insert(
            "requestBody".into(),
            json!({ "required": true, "content": { mime: media(body, ex) } }),
        );
    }
    op.insert("responses".into(), responses(api, e));
    op.insert("security".into(), security::requirement(scheme));
    Value::Object(op)
}

fn responses(api: &Api, e: &Endpoint) -> Value {
    let mut out: BTreeMap<u16, Value> = BTreeMap::new();
    let ok = e.response.status;
    let success_examples = |status: u16| {
        examples(e.examples.iter().filter_map(move |x| {
            (x.status.unwrap_or(ok) == status)
                .then_some((x.source.as_str(), x.response.as_deref()?))
        }))
    };
    let success = match &e.response.body {
        ResponseBody::Json(t) => {
            let s = enveloped(api, schema::ty(api, t), e.response.enveloped);
            json!({ "description": "Success.", "content": { "application/json": media(s, success_examples(ok)) } })
        }
        ResponseBody::Empty => json!({ "description": "Success, no body." }),
        ResponseBody::Binary(types) => {
            let content: Map<String, Value> = types
                .iter()
                .map(|t| (t.clone(), json!({ "schema": {} })))
                .collect();
            json!({ "description": "The file.", "content": content })
        }
    };
    out.insert(ok, success);
    for (status, doc) in error_statuses(api) {
        if status == ok {
            continue;
        }
        let body = error_body(api, status);
        out.insert(
            status,
            json!({ "description": doc, "content": { "application/json": media(body, success_examples(status)) } }),
        );
    }
    let m: Map<String, Value> = out.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    Value::Object(m)
}

/// `paths`: one entry per path, one operation per method.
pub fn paths(api: &Api) -> Value {
    let mut out = Map::new();
    for e in &api.endpoints {
        let entry = out
            .entry(e.path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(e.method.as_str().to_lowercase(), operation(api, e));
        }
    }
    Value::Object(out)
}

fn webhook(api: &Api, w: &Webhook) -> Value {
    let scheme = api.scheme(w.scheme);
    let fields: Vec<&Field> = w.fields.iter().collect();
    let mut extra = Vec::new();
    let sig = scheme.and_then(|s| s.signature.as_ref());
    if let Some(f) = sig.and_then(|s| s.field.as_ref()) {
        extra.push((f.clone(), json!({ "type": "string", "description": "The signature (see `x-payspec-signature`)." })));
    }
    let body = schema::object(api, &fields, extra);
    let mime = if w.encoding == Encoding::Form {
        "application/x-www-form-urlencoded"
    } else {
        "application/json"
    };
    let ex = examples(
        w.examples
            .iter()
            .filter_map(|x| Some((x.source.as_str(), x.request.as_deref()?))),
    );
    let mut op = Map::new();
    op.insert("operationId".into(), format!("webhook_{}", w.name).into());
    op.insert("summary".into(), w.summary.clone().into());
    if !w.doc.is_empty() {
        op.insert("description".into(), w.doc.clone().into());
    }
    op.insert(
        "requestBody".into(),
        json!({ "required": true, "content": { mime: media(body, ex) } }),
    );
    // The answer the provider expects back.
    let r = &w.reply;
    let mut reply = Map::new();
    let what = if r.doc.is_empty() {
        "Received and verified.".to_string()
    } else {
        format!("Received and verified. {}", r.doc)
    };
    reply.insert("description".into(), what.into());
    if let Some(ct) = &r.content_type {
        reply.insert(
            "content".into(),
            json!({ ct: { "schema": { "type": "string", "const": r.body } } }),
        );
    }
    op.insert(
        "responses".into(),
        json!({ r.status.to_string(): Value::Object(reply) }),
    );
    op.insert("security".into(), security::requirement(scheme));
    if let Some(sig) = sig.filter(|s| s.header.is_none()) {
        op.insert("x-payspec-signature".into(), security::recipe(sig));
    }
    if let Some(d) = &w.discriminator {
        op.insert(
            "x-payspec-discriminator".into(),
            json!({ "field": d.wire, "values": d.values }),
        );
    }
    json!({ w.method.as_str().to_ascii_lowercase(): op })
}

/// `webhooks` (OpenAPI 3.1): the calls the provider makes to the merchant.
pub fn webhooks(api: &Api) -> Value {
    Value::Object(
        api.webhooks
            .iter()
            .map(|w| (w.name.clone(), webhook(api, w)))
            .collect(),
    )
}
