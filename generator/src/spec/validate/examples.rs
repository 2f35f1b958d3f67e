//! Checks every example from the docs against the types the spec declares: requests against
//! the request fields, responses against the envelope and response type (or the error model).

use super::values::Checker;
use super::{Ctx, auth_of};
use crate::spec::json::{self, Node, Value};
use crate::spec::located::{Loc, Sp};
use crate::spec::model::{BodyKind, Endpoint, Example, Map};
use crate::spec::types;

pub(super) fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    for e in spec.endpoints.values() {
        for ex in &e.examples {
            endpoint_example(cx, e, ex);
        }
    }
    for w in spec.webhooks.values() {
        for ex in &w.examples {
            if let Some(req) = &ex.request
                && let Some(node) = parse(cx, req)
            {
                let sig_field = spec
                    .auth
                    .get(&w.auth.value)
                    .and_then(|a| a.signature.as_ref())
                    .and_then(|s| s.field.as_ref())
                    .map(|f| f.value.as_str());
                let extra: Vec<&str> = sig_field.into_iter().collect();
                let mut ck = Checker::new(spec);
                ck.object(&node, &w.fields, "", &extra, false);
                report(cx, req, ck);
            }
            if let Some(r) = &ex.response {
                cx.err(
                    r.loc,
                    "webhook examples have no response",
                    "put the body the provider sends under `request:`",
                );
            }
        }
    }
}

fn endpoint_example(cx: &mut Ctx, e: &Endpoint, ex: &Sp<Example>) {
    let spec = cx.spec;
    if ex.request.is_none() && ex.response.is_none() {
        cx.err(
            ex.loc,
            "the example has neither `request` nor `response`",
            "copy the docs' request or response body",
        );
    }
    if let Some(req) = &ex.request
        && let Some(node) = parse(cx, req)
    {
        let empty = Map::default();
        let fields = e.request.as_ref().map(|r| &r.fields).unwrap_or(&empty);
        let mut extra: Vec<&str> = Vec::new();
        if let Some(scheme) = auth_of(spec, e).and_then(|a| spec.auth.get(&a.value)) {
            extra.extend(scheme.inject.keys().map(String::as_str));
            if let Some(q) = scheme.token.as_ref().and_then(|t| t.query.as_ref()) {
                extra.push(&q.value);
            }
        }
        let mut ck = Checker::new(spec);
        ck.object(&node, fields, "", &extra, false);
        report(cx, req, ck);
    }
    let Some(resp) = &ex.response else { return };
    let success = e.response.status.as_ref().map(|s| s.value).unwrap_or(200);
    let status = ex.status.as_ref().map(|s| s.value).unwrap_or(success);
    let body = e
        .response
        .body
        .as_ref()
        .map(|b| b.value)
        .unwrap_or(BodyKind::Json);
    if status == success && body != BodyKind::Json {
        if !resp.value.trim().is_empty() {
            cx.err(
                resp.loc,
                "this endpoint's success response has no JSON body",
                "remove `response:` or leave it empty",
            );
        }
        return;
    }
    let Some(node) = parse(cx, resp) else { return };
    let mut ck = Checker::new(spec);
    let enveloped = spec.envelope.is_some() && e.response.envelope.as_ref().is_none_or(|v| v.value);
    if status == success && enveloped {
        envelope(cx, &mut ck, &node, e);
    } else if status == success {
        success_body(cx, &mut ck, &node, e);
    } else {
        error_body(cx, &mut ck, &node);
    }
    report(cx, resp, ck);
}

fn success_body(cx: &Ctx, ck: &mut Checker, node: &Node, e: &Endpoint) {
    let r = &e.response;
    let Some(t) = &r.ty else { return };
    if let Ok(expr) = types::resolve(cx.spec, t, r.items.as_ref(), r.values.as_ref()) {
        ck.expr(node, &expr, None, "");
    }
}

fn envelope(cx: &Ctx, ck: &mut Checker, node: &Node, e: &Endpoint) {
    let Some(env) = &cx.spec.envelope else { return };
    let outcome = node.value.get(&env.status_field.value);
    match outcome.map(|n| &n.value) {
        Some(Value::String(s)) if *s == env.success.value => {
            match node.value.get(&env.data_field.value) {
                Some(data) => success_body(cx, ck, data, e),
                None => ck.problems.push(super::values::Problem {
                    offset: node.offset,
                    message: format!("the envelope has no `{}`", env.data_field.value),
                    hint: "copy the whole response body from the docs".into(),
                }),
            }
        }
        Some(Value::String(s)) if *s == env.error.value => error_body(cx, ck, node),
        _ => ck.problems.push(super::values::Problem {
            offset: node.offset,
            message: format!(
                "the response is not in the envelope: `{}` must be `{}` or `{}`",
                env.status_field.value, env.success.value, env.error.value
            ),
            hint: "set `envelope: false` on the response if this endpoint is not wrapped".into(),
        }),
    }
}

fn error_body(cx: &Ctx, ck: &mut Checker, node: &Node) {
    let errors = &cx.spec.errors;
    if errors.in_envelope {
        return;
    }
    if let Some(fields) = errors
        .ty
        .as_ref()
        .and_then(|t| cx.spec.types.get(&t.value))
        .and_then(|d| d.fields.as_ref())
    {
        ck.object(node, fields, "", &[], false);
    }
}

fn parse(cx: &mut Ctx, s: &Sp<String>) -> Option<Node> {
    match json::parse(&s.value) {
        Ok(n) => Some(n),
        Err(e) => {
            let loc = locate(cx.text, s, e.offset);
            cx.err(loc, format!("the example is not valid JSON: {}", e.message), "examples are JSON; write the docs' pseudo-code as JSON and say what changed in `note:`");
            None
        }
    }
}

fn report(cx: &mut Ctx, s: &Sp<String>, ck: Checker) {
    for p in ck.problems {
        let loc = locate(cx.text, s, p.offset);
        cx.err(
            loc,
            format!("example does not match its type: {}", p.message),
            p.hint,
        );
    }
}

/// Maps a byte offset inside a YAML string scalar to its line and column in the file.
pub(crate) fn locate(text: &str, s: &Sp<String>, offset: usize) -> Loc {
    let content = &s.value;
    let offset = offset.min(content.len());
    let before = &content[..offset];
    let line_in = before.matches('\n').count() as u32;
    let col_in = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0) as u32;
    let len = content[offset..]
        .chars()
        .next()
        .map(char::len_utf8)
        .unwrap_or(0);
    let at = text.get(s.loc.offset..).unwrap_or("");
    // The reader places block scalars (`|`) at their first content character, which also
    // gives the indentation of every following line; quoted scalars at their opening quote.
    let quote = u32::from(at.starts_with('"') || at.starts_with('\''));
    let column = if line_in == 0 {
        s.loc.column + quote + col_in
    } else if quote == 1 {
        col_in + 1
    } else {
        s.loc.column + col_in
    };
    Loc {
        line: s.loc.line + line_in,
        column,
        offset: 0,
        len,
    }
}
