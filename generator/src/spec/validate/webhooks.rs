//! Checks of a webhook's method, reply and discriminator, and that the webhooks arriving at
//! one URL can be told apart.

use super::{Ctx, wire_name};
use crate::diagnostics::one_of;
use crate::spec::located::Sp;
use crate::spec::model::{Discriminator, Method, Webhook};

/// Method, reply and discriminator of one webhook.
pub(super) fn check(cx: &mut Ctx, name: &str, w: &Sp<Webhook>) {
    // Its type would clash with a name of the generated `webhooks` module.
    if matches!(
        name,
        "event" | "webhook_error" | "signed" | "reply" | "discriminator"
    ) {
        cx.err(
            w.loc,
            format!("webhook name `{name}` is taken by the generated `webhooks` module"),
            format!("name it after what happened, e.g. `{name}_notification`"),
        );
    }
    if let Some(m) = &w.method
        && matches!(m.value, Method::GET | Method::DELETE)
    {
        cx.err(
            m.loc,
            format!(
                "webhook `{name}` is sent with a body, which a {:?} request does not have",
                m.value
            ),
            "use `POST` (the default), `PUT` or `PATCH`",
        );
    }
    if let Some(r) = &w.reply {
        if let Some(st) = &r.status
            && !(200..=299).contains(&st.value)
        {
            cx.err(
                st.loc,
                format!("reply status {} is not 2xx", st.value),
                "give the status the provider takes as delivered, e.g. `200`",
            );
        }
        if let Some(ct) = &r.content_type {
            let v = &ct.value;
            let ok = v
                .split_once('/')
                .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
                && !v.chars().any(|c| c.is_whitespace() && c != ' ');
            if !ok {
                cx.err(
                    ct.loc,
                    format!("`{v}` is not a content type"),
                    "write `type/subtype`, e.g. `text/plain`",
                );
            }
        }
        if let Some(b) = &r.body
            && !b.value.is_empty()
            && r.content_type.is_none()
        {
            cx.err(
                b.loc,
                "a reply body needs its `content_type:`",
                "add e.g. `content_type: text/plain`",
            );
        }
    }
    if let Some(d) = &w.discriminator {
        discriminator(cx, w, d);
    }
}

fn discriminator(cx: &mut Ctx, w: &Webhook, d: &Sp<Discriminator>) {
    let present = d.present.as_ref();
    match (present, d.values.is_empty()) {
        (Some(p), false) => cx.err(
            p.loc,
            "a discriminator has either `values:` or `present: true`",
            "remove `present:`, or the values",
        ),
        (Some(p), true) if !p.value => cx.err(
            p.loc,
            "`present: false` tells nothing apart",
            "write `present: true`, or list the field's `values:`",
        ),
        (None, true) => cx.err(
            d.loc,
            "a discriminator needs `values:` or `present: true`",
            "list the field's values for this webhook, e.g. `values: [confirm]`",
        ),
        _ => {}
    }
    let Some(f) = w.fields.get(&d.field.value) else {
        cx.unknown(
            &d.field,
            "webhook field",
            w.fields.keys().map(String::as_str),
        );
        return;
    };
    let mut seen: Vec<&str> = Vec::new();
    for v in &d.values {
        if seen.contains(&v.value.as_str()) {
            cx.err(
                v.loc,
                format!("value `{}` is listed twice", v.value),
                "remove one",
            );
        }
        seen.push(&v.value);
    }
    if d.values.is_empty() {
        // `present: true` holds for a field of any type.
        return;
    }
    let spec = cx.spec;
    let ty = f.ty.value.as_str();
    let bad_type = |cx: &mut Ctx| {
        cx.err(
            d.field.loc,
            format!(
                "field `{}` has type `{ty}`, which cannot tell webhooks apart",
                d.field.value
            ),
            "use a `string`, `integer`, `boolean` or enum field",
        )
    };
    match ty {
        "string" => {}
        "integer" => {
            for v in &d.values {
                if v.value.parse::<i64>().is_err() {
                    cx.err(
                        v.loc,
                        format!(
                            "`{}` is not an integer, but `{}` is one",
                            v.value, d.field.value
                        ),
                        "write the value as the provider sends it, e.g. `1`",
                    );
                }
            }
        }
        "boolean" => {
            for v in &d.values {
                if !matches!(v.value.as_str(), "true" | "false") {
                    cx.err(
                        v.loc,
                        format!(
                            "`{}` is not a boolean, but `{}` is one",
                            v.value, d.field.value
                        ),
                        "write `true` or `false`",
                    );
                }
            }
        }
        named => match spec.types.get(named) {
            Some(t) if t.enum_repr.is_some() => {
                let known: Vec<&str> = t.values.iter().map(|x| x.value.value.as_str()).collect();
                for v in &d.values {
                    if !known.contains(&v.value.as_str()) {
                        cx.err(
                            v.loc,
                            format!("`{}` is not a value of enum `{named}`", v.value),
                            format!("use one of {}", one_of(known.iter().copied())),
                        );
                    }
                }
            }
            Some(_) => bad_type(cx),
            // An unknown type is reported with the field.
            None if matches!(
                named,
                "array" | "map" | "any" | "decimal" | "minor_units" | "date" | "datetime"
            ) =>
            {
                bad_type(cx)
            }
            None => {}
        },
    }
}

/// The webhooks of a spec arrive at the merchant's one URL and are routed by their
/// discriminators: with more than one webhook, each needs one, and no body may match two.
pub(super) fn check_routing(cx: &mut Ctx) {
    let spec = cx.spec;
    if spec.webhooks.len() < 2 {
        return;
    }
    let names: Vec<&str> = spec.webhooks.keys().map(String::as_str).collect();
    for (name, w) in &spec.webhooks {
        if w.discriminator.is_none() {
            let others: Vec<&str> = names.iter().copied().filter(|n| n != name).collect();
            cx.err(
                w.loc,
                format!(
                    "webhook `{name}` has no `discriminator:`, so a body cannot be told apart from {}",
                    one_of(others.iter().copied())
                ),
                "add `discriminator: { field: <a field>, values: [<its value for this webhook>] }`",
            );
        }
    }
    // (wire name of the field, values or None for `present`) per webhook.
    let keys: Vec<(&str, &Sp<Webhook>, &Sp<Discriminator>, &str)> = spec
        .webhooks
        .iter()
        .filter_map(|(n, w)| {
            let d = w.discriminator.as_ref()?;
            let f = w.fields.get(&d.field.value)?;
            Some((n.as_str(), w, d, wire_name(&d.field.value, f)))
        })
        .collect();
    for (i, (b_name, _, b, b_wire)) in keys.iter().enumerate() {
        for (a_name, _, a, a_wire) in &keys[..i] {
            if a_wire != b_wire {
                continue;
            }
            let a_any = a.values.is_empty();
            let clash = if a_any || b.values.is_empty() {
                Some(format!("`{b_wire}` is present"))
            } else {
                b.values
                    .iter()
                    .find(|v| a.values.iter().any(|x| x.value == v.value))
                    .map(|v| format!("`{b_wire}` is `{}`", v.value))
            };
            if let Some(when) = clash {
                let at = b
                    .values
                    .iter()
                    .find(|v| a.values.iter().any(|x| x.value == v.value))
                    .map_or(b.loc, |v| v.loc);
                cx.err(
                    at,
                    format!("webhooks `{a_name}` and `{b_name}` both match a body where {when}"),
                    "give each webhook its own values of the discriminator field",
                );
            }
        }
    }
}
