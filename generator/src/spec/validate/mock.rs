//! Checks of the mock section: resources, states and operations name real types, fields,
//! endpoints, events and webhooks, and `{placeholders}` name real record fields.

use super::Ctx;
use crate::spec::located::Sp;
use crate::spec::model::{Action, Endpoint, Field, Map, Mock, Operation, Resource};

pub(super) fn check(cx: &mut Ctx) {
    let Some(mock) = &cx.spec.mock else { return };
    if let Some(k) = &mock.private_key
        && !k
            .value
            .trim_start()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    {
        cx.err(k.loc, "`private_key` is not a PKCS#8 PEM private key", "paste the key including `-----BEGIN PRIVATE KEY-----`; convert PKCS#1 keys with `openssl pkcs8 -topk8 -nocrypt`");
    }
    for (name, r) in &mock.resources {
        cx.require_snake(r.loc, "resource", name, super::SNAKE_HINT);
        resource(cx, r);
    }
    for (name, op) in &mock.operations {
        match cx.spec.endpoints.get(name) {
            None => {
                let at = Sp::new(name.clone(), op.loc);
                cx.unknown(
                    &at,
                    "endpoint",
                    cx.spec.endpoints.keys().map(String::as_str),
                );
            }
            Some(e) => operation(cx, mock, e, op),
        }
    }
}

/// Names of a resource's record fields: its type's fields plus `extra`.
fn record_fields<'s>(cx: &Ctx<'s>, r: &'s Resource) -> Vec<&'s str> {
    let mut v: Vec<&str> = cx
        .spec
        .types
        .get(&r.ty.value)
        .and_then(|d| d.fields.as_ref())
        .map(|f| f.keys().map(String::as_str).collect())
        .unwrap_or_default();
    v.extend(r.extra.keys().map(String::as_str));
    v
}

fn field_ref(cx: &mut Ctx, at: &Sp<String>, known: &[&str], what: &str) {
    if !known.contains(&at.value.as_str()) {
        cx.unknown(at, what, known.iter().copied());
    }
}

fn resource(cx: &mut Ctx, r: &Resource) {
    match cx.spec.types.get(&r.ty.value) {
        None => cx.unknown(&r.ty, "type", cx.spec.types.keys().map(String::as_str)),
        Some(d) if d.fields.is_none() => cx.err(
            r.ty.loc,
            format!("`{}` is not an object type", r.ty.value),
            "a resource stores objects",
        ),
        _ => {}
    }
    super::typedefs::check_fields(cx, &r.extra);
    let fields = record_fields(cx, r);
    field_ref(cx, &r.id.field, &fields, "record field");
    for u in &r.unique {
        field_ref(cx, u, &fields, "record field");
    }
    for (k, v) in &r.initial {
        field_ref(cx, &Sp::new(k.clone(), v.loc), &fields, "record field");
        placeholders(cx, v, &fields);
    }
    for rec in &r.seed {
        for (k, v) in rec.iter() {
            field_ref(cx, &Sp::new(k.clone(), v.loc), &fields, "record field");
        }
        if !rec.contains_key(&r.id.field.value) {
            cx.err(
                rec.loc,
                format!("a seed record lacks its id field `{}`", r.id.field.value),
                "give every seed record its id",
            );
        }
    }
    let Some(states) = &r.states else { return };
    field_ref(cx, &states.field, &fields, "record field");
    for ev in states.events.values() {
        for (k, v) in &ev.set {
            field_ref(cx, &Sp::new(k.clone(), v.loc), &fields, "record field");
            placeholders(cx, v, &fields);
        }
        let Some(w) = &ev.webhook else { continue };
        let Some(hook) = cx.spec.webhooks.get(&w.name.value) else {
            cx.unknown(
                &w.name,
                "webhook",
                cx.spec.webhooks.keys().map(String::as_str),
            );
            continue;
        };
        if let Some(u) = &w.url_field {
            field_ref(cx, u, &fields, "record field");
        }
        for (k, v) in &w.payload {
            let known = wire_names(&hook.fields);
            field_ref(cx, &Sp::new(k.clone(), v.loc), &known, "webhook field");
            placeholders(cx, v, &fields);
        }
        for (name, f) in &hook.fields {
            let wire = super::wire_name(name, f);
            if !f.optional && !w.payload.contains_key(wire) {
                cx.err(
                    w.loc,
                    format!(
                        "the payload of webhook `{}` lacks required field `{wire}`",
                        w.name.value
                    ),
                    format!("add `{wire}:` to `payload:`"),
                );
            }
        }
    }
}

fn wire_names(fields: &Map<Field>) -> Vec<&str> {
    fields.iter().map(|(n, f)| super::wire_name(n, f)).collect()
}

fn operation(cx: &mut Ctx, mock: &Mock, e: &Endpoint, op: &Sp<Operation>) {
    let empty = Map::default();
    let req_fields = e.request.as_ref().map(|r| &r.fields).unwrap_or(&empty);
    let req_names: Vec<&str> = req_fields.keys().map(String::as_str).collect();
    let action = op.action.value;
    let res = match (&op.resource, action) {
        (None, Action::Totals | Action::Fixed) => None,
        (None, _) => {
            cx.err(
                op.loc,
                format!("`action: {}` needs a `resource:`", action_name(action)),
                "name the resource it acts on",
            );
            return;
        }
        (Some(r), _) => match mock.resources.get(&r.value) {
            None => {
                cx.unknown(r, "resource", mock.resources.keys().map(String::as_str));
                return;
            }
            Some(res) => Some(res),
        },
    };
    let fields = res.map(|r| record_fields(cx, r)).unwrap_or_default();
    for (rec, req) in &op.store {
        field_ref(cx, &Sp::new(rec.clone(), req.loc), &fields, "record field");
        let head = req.value.split('.').next().unwrap_or("");
        field_ref(
            cx,
            &Sp::new(head.to_string(), req.loc),
            &req_names,
            "request field",
        );
    }
    for (req, rec) in &op.lookup {
        field_ref(
            cx,
            &Sp::new(req.clone(), rec.loc),
            &req_names,
            "request field",
        );
        field_ref(cx, rec, &fields, "record field");
    }
    if let Some(p) = &op.page {
        field_ref(cx, p, &req_names, "request field");
    }
    if matches!(action, Action::Read | Action::Update | Action::Fire) && op.lookup.is_empty() {
        cx.err(
            op.loc,
            format!(
                "`action: {}` needs `lookup:` to find the record",
                action_name(action)
            ),
            "map request fields to record fields, e.g. `lookup: { id: id }`",
        );
    }
    if action == Action::Fire {
        match (&op.event, res.and_then(|r| r.states.as_ref())) {
            (None, _) => cx.err(
                op.loc,
                "`action: fire` needs `event:`",
                "name the event, or `{field}` for the request field that names it",
            ),
            (Some(_), None) => cx.err(
                op.loc,
                "`action: fire` on a resource without `states:`",
                "declare the resource's states",
            ),
            (Some(ev), Some(states)) => {
                if let Some(f) = ev.value.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    field_ref(
                        cx,
                        &Sp::new(f.to_string(), ev.loc),
                        &req_names,
                        "request field",
                    );
                } else if !states.events.contains_key(&ev.value) {
                    cx.unknown(ev, "event", states.events.keys().map(String::as_str));
                }
            }
        }
    }
    for v in op.respond.values() {
        placeholders(cx, v, &fields);
    }
    for t in op.totals.values() {
        for s in t.add.iter().chain(&t.subtract) {
            match mock.resources.get(&s.resource.value) {
                None => cx.unknown(
                    &s.resource,
                    "resource",
                    mock.resources.keys().map(String::as_str),
                ),
                Some(r) => {
                    let rf = record_fields(cx, r);
                    field_ref(cx, &s.field, &rf, "record field");
                    for (k, v) in &s.filter {
                        field_ref(cx, &Sp::new(k.clone(), v.loc), &rf, "record field");
                    }
                    if let Some(g) = &t.group_by {
                        field_ref(cx, g, &rf, "record field");
                    }
                }
            }
        }
    }
    if action == Action::Totals && op.totals.is_empty() {
        cx.err(
            op.loc,
            "`action: totals` needs `totals:`",
            "say which response field sums what",
        );
    }
}

/// `{name}` placeholders in strings must name record fields or the built-ins.
fn placeholders(cx: &mut Ctx, v: &Sp<serde_json::Value>, fields: &[&str]) {
    let mut strings = Vec::new();
    collect_strings(&v.value, &mut strings);
    for s in strings {
        let mut rest = s.as_str();
        while let Some((_, after)) = rest.split_once('{') {
            let Some((name, tail)) = after.split_once('}') else {
                break;
            };
            let builtin = matches!(name, "now" | "id" | "base_url" | "amount")
                || name
                    .strip_prefix("credential.")
                    .is_some_and(|c| cx.spec.credentials.contains_key(c));
            if !builtin && !fields.contains(&name) {
                cx.err(
                    v.loc,
                    format!("placeholder `{{{name}}}` names no record field"),
                    "use a record field, `{now}`, `{id}`, `{base_url}`, `{amount}` or `{credential.NAME}`",
                );
            }
            rest = tail;
        }
    }
}

fn collect_strings<'v>(v: &'v serde_json::Value, out: &mut Vec<&'v String>) {
    match v {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

fn action_name(a: Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Read => "read",
        Action::List => "list",
        Action::Update => "update",
        Action::Fire => "fire",
        Action::Totals => "totals",
        Action::Fixed => "fixed",
    }
}
