//! Checks of endpoints and webhooks: paths and their parameters, encodings, auth use,
//! request fields and responses.

use std::collections::HashMap;

use super::{Ctx, auth_of, encoding_of, is_snake, method_of, param_in, typedefs, wire_name};
use crate::spec::located::Sp;
use crate::spec::model::{BodyKind, Encoding, Endpoint, Field, Map, Method, ParamIn, Webhook};
use crate::spec::types;

pub(super) fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let mut routes: HashMap<(String, String), &str> = HashMap::new();
    for (name, e) in &spec.endpoints {
        cx.require_snake(
            e.loc,
            "endpoint",
            name,
            "use lower-case letters, digits and `_`, e.g. `create_order`",
        );
        let method = method_of(spec, e);
        let route = (format!("{method:?}"), normalize(&e.path.value));
        if let Some(first) = routes.insert(route, name) {
            cx.err(
                e.path.loc,
                format!("endpoint `{name}` has the same method and path as `{first}`"),
                "two endpoints cannot share a route: change the path or the method",
            );
        }
        check_endpoint(cx, e);
    }
    for (name, w) in &spec.webhooks {
        cx.require_snake(w.loc, "webhook", name, super::SNAKE_HINT);
        check_webhook(cx, w);
        super::webhooks::check(cx, name, w);
    }
    super::webhooks::check_routing(cx);
}

/// `/products/{id}` and `/products/{product_id}` are the same route.
fn normalize(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// Names of `{param}`s in a path; `None` when a brace is malformed.
fn path_params(path: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        let after = rest.get(open..)?.strip_prefix('{')?;
        let (name, tail) = after.split_once('}')?;
        if !is_snake(name) {
            return None;
        }
        out.push(name);
        rest = tail;
    }
    Some(out)
}

fn check_endpoint(cx: &mut Ctx, e: &Endpoint) {
    let spec = cx.spec;
    let path = &e.path;
    if !path.value.starts_with('/') {
        cx.err(
            path.loc,
            format!("path `{}` does not start with `/`", path.value),
            "paths are appended to the base URL: write e.g. `/orders`",
        );
    }
    let params = match path_params(&path.value) {
        Some(p) => p,
        None => {
            cx.err(
                path.loc,
                format!("path `{}` has a malformed `{{parameter}}`", path.value),
                "write parameters as `{name}` with a snake_case name",
            );
            Vec::new()
        }
    };
    let method = method_of(spec, e);
    let encoding = encoding_of(spec, e);
    if matches!(method, Method::GET | Method::DELETE) && encoding != Encoding::Query {
        let at = e
            .request
            .as_ref()
            .and_then(|r| r.encoding.as_ref())
            .map(|x| x.loc)
            .unwrap_or(e.path.loc);
        cx.err(
            at,
            format!(
                "a {method:?} request has no body, so its fields cannot travel as {encoding:?}"
            ),
            "use `encoding: query`",
        );
    }
    let empty = Map::default();
    let fields = e.request.as_ref().map(|r| &r.fields).unwrap_or(&empty);
    typedefs::check_fields(cx, fields);
    for (name, f) in fields {
        let at = param_in(spec, e, f);
        if at == ParamIn::Path && !params.contains(&wire_name(name, f)) {
            cx.err(
                f.loc,
                format!(
                    "field `{name}` is `in: path` but the path `{}` has no `{{{name}}}`",
                    path.value
                ),
                format!("add `{{{name}}}` to the path, or move the field out of the path"),
            );
        }
        if at == ParamIn::Path && f.optional {
            cx.err(
                f.loc,
                format!("path parameter `{name}` cannot be optional"),
                "remove `optional: true`",
            );
        }
        if at == ParamIn::Body && encoding == Encoding::Query {
            cx.err(
                f.loc,
                format!("field `{name}` is `in: body` but the request has no body"),
                "remove `in: body`",
            );
        }
    }
    for p in &params {
        let declared = fields
            .iter()
            .any(|(n, f)| wire_name(n, f) == *p && param_in(spec, e, f) == ParamIn::Path);
        if !declared {
            cx.err(
                path.loc,
                format!("path parameter `{p}` is not declared"),
                format!("add under `request: fields:` `{p}: {{ type: string, in: path }}`"),
            );
        }
    }
    if let Some(r) = &e.request {
        for n in &r.one_of_required {
            match fields.get(&n.value) {
                None => cx.unknown(n, "request field", fields.keys().map(String::as_str)),
                Some(f) if !f.optional => cx.err(
                    n.loc,
                    format!("`{}` is required anyway", n.value),
                    "list optional fields only in `one_of_required`",
                ),
                _ => {}
            }
        }
    }
    if let Some(a) = auth_of(spec, e) {
        match spec.auth.get(&a.value) {
            None => cx.unknown(a, "auth scheme", spec.auth.keys().map(String::as_str)),
            Some(scheme) => {
                let wires: Vec<&str> = fields.iter().map(|(n, f)| wire_name(n, f)).collect();
                for (inj, _) in &scheme.inject {
                    if let Some(clash) = fields.iter().find(|(n, f)| wire_name(n, f) == inj) {
                        cx.err(
                            clash.1.loc,
                            format!(
                                "field `{}` is also injected by auth scheme `{}`",
                                clash.0, a.value
                            ),
                            "remove the field: the client fills it in",
                        );
                    }
                }
                for sf in super::auth::signed_fields(scheme) {
                    if !wires.contains(&sf.value.as_str()) && !scheme.inject.contains_key(&sf.value)
                    {
                        cx.err(
                        sf.loc,
                        format!("signed field `{}` is not a request field of every endpoint using `{}`", sf.value, a.value),
                        "declare the field in those endpoints, or give them their own auth scheme",
                    );
                    }
                }
                if let Some(sig) = &scheme.signature
                    && sig.field.is_some()
                    && encoding == Encoding::Query
                {
                    cx.err(a.loc, format!("auth scheme `{}` puts its signature in a body field, but this request has no body", a.value), "use a header for the signature");
                }
            }
        }
    }
    check_response(cx, e);
}

fn check_response(cx: &mut Ctx, e: &Endpoint) {
    let r = &e.response;
    if let Some(st) = &r.status
        && !(200..=299).contains(&st.value)
    {
        cx.err(
            st.loc,
            format!("success status {} is not 2xx", st.value),
            "errors belong to the `errors:` model; give the success status here",
        );
    }
    let body = r.body.as_ref().map(|b| b.value).unwrap_or(BodyKind::Json);
    match body {
        BodyKind::Json => match &r.ty {
            None => cx.err(
                r.loc,
                "a JSON response needs a `type:`",
                "name the response type, or write `body: empty`",
            ),
            Some(t) => {
                if let Err(err) = types::resolve(cx.spec, t, r.items.as_ref(), r.values.as_ref()) {
                    cx.err(err.at.loc, err.message, err.hint);
                }
            }
        },
        BodyKind::Empty | BodyKind::Binary => {
            if let Some(t) = &r.ty {
                cx.err(
                    t.loc,
                    format!(
                        "a `body: {}` response has no type",
                        if body == BodyKind::Empty {
                            "empty"
                        } else {
                            "binary"
                        }
                    ),
                    "remove `type:`",
                );
            }
        }
    }
    if body == BodyKind::Binary && r.content_types.is_empty() {
        cx.err(
            r.loc,
            "a binary response needs `content_types:`",
            "list them, e.g. `content_types: [application/pdf]`",
        );
    }
    if let Some(from) = &r.content_type_from {
        content_type_from(cx, e, body, r, from);
    }
    if body != BodyKind::Binary
        && let Some(c) = r.content_types.first()
    {
        cx.err(
            c.loc,
            "`content_types:` applies to binary responses only",
            "add `body: binary` or remove `content_types:`",
        );
    }
    if let Some(env) = &r.envelope
        && env.value
        && cx.spec.envelope.is_none()
    {
        cx.err(
            env.loc,
            "`envelope: true` but the spec has no envelope",
            "remove it",
        );
    }
}

fn check_webhook(cx: &mut Ctx, w: &Webhook) {
    let spec = cx.spec;
    if w.encoding.value == Encoding::Query {
        cx.err(
            w.encoding.loc,
            "webhooks are sent with a body",
            "use `json` or `form`",
        );
    }
    typedefs::check_fields(cx, &w.fields);
    match spec.auth.get(&w.auth.value) {
        None => cx.unknown(&w.auth, "auth scheme", spec.auth.keys().map(String::as_str)),
        Some(scheme) => {
            for sf in super::auth::signed_fields(scheme) {
                if !w.fields.iter().any(|(n, f)| wire_name(n, f) == sf.value) {
                    cx.err(
                        sf.loc,
                        format!(
                            "signed field `{}` is not a field of webhook using `{}`",
                            sf.value, w.auth.value
                        ),
                        "declare the field in the webhook",
                    );
                }
            }
            if let Some(sig) = &scheme.signature
                && let Some(f) = &sig.field
            {
                if w.encoding.value != Encoding::Form {
                    cx.err(
                        f.loc,
                        "a signature in a body field is supported for form-encoded webhooks only",
                        "use a header, or `encoding: form`",
                    );
                }
                if w.fields.keys().any(|k| *k == f.value) {
                    let fl: &Sp<Field> = &w.fields[&f.value];
                    cx.err(
                        fl.loc,
                        format!(
                            "`{}` carries the signature and is not declared as a field",
                            f.value
                        ),
                        "remove the field; the signature is checked, not parsed",
                    );
                }
            }
        }
    }
}

/// `content_type_from:` names a request field and maps each of its values to one of the
/// response's `content_types`.
fn content_type_from(
    cx: &mut Ctx,
    e: &Endpoint,
    body: BodyKind,
    r: &crate::spec::model::Response,
    from: &Sp<crate::spec::model::ContentTypeFrom>,
) {
    if body != BodyKind::Binary {
        cx.err(
            from.loc,
            "`content_type_from:` applies to binary responses only",
            "add `body: binary` or remove it",
        );
        return;
    }
    let fields = e.request.as_ref().map(|r| &r.fields);
    let Some(field) = fields.and_then(|f| f.get(&from.value.field.value)) else {
        let known: Vec<&str> = fields
            .map(|f| f.keys().map(String::as_str).collect())
            .unwrap_or_default();
        cx.err(
            from.value.field.loc,
            format!(
                "`content_type_from` names `{}`, which is not a request field",
                from.value.field.value
            ),
            format!("name one of: {}", known.join(", ")),
        );
        return;
    };
    let values: Option<Vec<&str>> = match types::of_field(cx.spec, field) {
        Ok(types::TypeExpr::Named(n)) => cx
            .spec
            .types
            .get(&n)
            .filter(|d| d.enum_repr.is_some())
            .map(|d| {
                d.values
                    .iter()
                    .map(|v| v.value.value.value.as_str())
                    .collect()
            }),
        _ => None,
    };
    for (value, ct) in &from.value.types {
        if let Some(values) = &values
            && !values.contains(&value.as_str())
        {
            cx.err(
                ct.loc,
                format!("`{value}` is not a value of `{}`", from.value.field.value),
                format!("its values are: {}", values.join(", ")),
            );
        }
        if !r.content_types.iter().any(|c| c.value == ct.value) {
            cx.err(
                ct.loc,
                format!(
                    "`{}` is not one of the response's `content_types`",
                    ct.value
                ),
                "list it under `content_types:` too",
            );
        }
    }
    if let Some(values) = &values {
        for v in values {
            if !from.value.types.contains_key(*v) {
                cx.err(
                    from.loc,
                    format!("`content_type_from` gives no type for `{v}`"),
                    "map every value of the field to a content type",
                );
            }
        }
    }
}
