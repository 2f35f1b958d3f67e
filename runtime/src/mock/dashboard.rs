//! The dashboard at `/__mock/`: one page for a person watching the mock, served by the mock
//! itself (nothing is fetched from elsewhere). The server writes the page's frame from the
//! provider's tables — a section per resource with its state field, the endpoints and error
//! cases a fault can take — and a small script (`dashboard/app.js`) fills it every second
//! from `GET /__mock/snapshot`: records per resource with their state (and how many were
//! dropped past the caps), the requests with status, latency, body and answer, the webhook
//! deliveries with every attempt and the merchant's answer, the faults waiting. Its buttons
//! use the control API like any other client: state events (with an amount), faults, the
//! webhook URL, reset.
//!
//! What came in a request is never markup: the frame holds only the provider's tables,
//! escaped, and the script builds the rest out of text nodes. The page's
//! `Content-Security-Policy` allows only this mock's own script, style and data. Secret
//! credential values are masked wherever they would show.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::control::entry_json;
use super::engine::Entry;
use super::server::{App, json};
use super::tables::{Case, Resource, Spec};
use super::value::V;

/// The script's name under `/__mock/`.
pub(super) const SCRIPT: &str = "dashboard.js";
/// The style sheet's name under `/__mock/`.
pub(super) const STYLE: &str = "dashboard.css";

const PAGE: &str = include_str!("dashboard/page.html");
const APP_JS: &str = include_str!("dashboard/app.js");
const STYLE_CSS: &str = include_str!("dashboard/style.css");

/// Records per resource in a snapshot: the newest.
const RECORDS_SHOWN: usize = 100;
/// Requests in a snapshot: the newest.
const REQUESTS_SHOWN: usize = 100;
/// Webhook deliveries in a snapshot: the newest.
const DELIVERIES_SHOWN: usize = 50;
/// A record's JSON in a snapshot is cut past this many bytes.
const RECORD_BYTES: usize = 4096;
/// Fault counts from this one on read as "until removed".
const UNTIL_REMOVED: u32 = 1_000_000;
/// A secret shorter than this is not masked (it would mask ordinary text).
const SHORTEST_SECRET: usize = 4;

/// Only this mock's own script, style and data; no frames, forms or foreign fetches.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

/// Whether a request's `Accept` asks for HTML (a browser's does; curl's `*/*` does not).
pub(super) fn wants_html(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| {
        a.split(',').any(|media| {
            media
                .split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/html"))
        })
    })
}

/// The page: the frame written from the provider's tables. `root` is the path of the
/// control API as the browser reached it (`/__mock` or `/api/__mock`).
pub(super) fn page(app: &App, root: &str) -> Response {
    let spec = app.engine.spec();
    let html = fill(PAGE, |key| match key {
        "provider" => escape(spec.provider),
        "root" => escape(root),
        "resources" => spec.resources.iter().enumerate().map(resource).collect(),
        "endpoints" => options(spec.endpoints.iter().map(|e| e.name)),
        "cases" => options(Case::ALL.iter().map(|c| c.name())),
        "until_removed" => UNTIL_REMOVED.to_string(),
        _ => String::new(),
    });
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::VARY, "accept"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (StatusCode::OK, headers, html).into_response()
}

/// `GET /__mock/dashboard.js`.
pub(super) fn script() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

/// `GET /__mock/dashboard.css`.
pub(super) fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE_CSS)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "no-cache"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (StatusCode::OK, headers, body).into_response()
}

/// One resource's section of the frame; the script fills its table.
fn resource((i, r): (usize, &Resource)) -> String {
    let events = r.states.as_ref().is_some_and(|s| !s.events.is_empty());
    let state = r
        .states
        .as_ref()
        .map(|s| format!("<th>{}</th>", escape(s.field)))
        .unwrap_or_default();
    let amount = if events {
        "<label class=\"amount\">amount for events <input class=\"amount-input\" \
         inputmode=\"decimal\" autocomplete=\"off\" placeholder=\"the record's\" size=\"10\">\
         </label>"
    } else {
        ""
    };
    let events_th = if events { "<th>events</th>" } else { "" };
    format!(
        "<section class=\"resource\" id=\"res-{i}\" data-resource=\"{name}\">\n\
         <div class=\"res-head\"><h3>{name}</h3><span class=\"counts\"></span>{amount}</div>\n\
         <div class=\"scroll\"><table class=\"records\"><thead><tr><th>{id}</th>{state}\
         <th>record</th>{events_th}</tr></thead><tbody></tbody></table></div>\n\
         <p class=\"empty\">No records.</p>\n</section>\n",
        name = escape(r.name),
        id = escape(r.id_field),
    )
}

fn options<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| {
            let n = escape(n);
            format!("<option value=\"{n}\">{n}</option>")
        })
        .collect()
}

/// `GET /__mock/snapshot`: what the page shows, newest first, bounded, secrets masked.
pub(super) fn snapshot(app: &App) -> Response {
    let engine = &app.engine;
    let spec = engine.spec();
    let config = engine.config();
    let secrets = Secrets::of(spec, &config.credentials);
    let num = |n: u64| V::Num(n.to_string());
    let resources = engine
        .resource_stats()
        .into_iter()
        .zip(spec.resources)
        .map(|(stats, r)| {
            let records = engine
                .records(r.name, RECORDS_SHOWN)
                .unwrap_or_default()
                .iter()
                .map(|rec| record(r, rec, &secrets))
                .collect();
            V::Obj(vec![
                ("name".into(), V::Str(r.name.into())),
                ("id_field".into(), V::Str(r.id_field.into())),
                (
                    "state_field".into(),
                    r.states
                        .as_ref()
                        .map_or(V::Null, |s| V::Str(s.field.into())),
                ),
                ("kept".into(), num(stats.kept as u64)),
                ("created".into(), num(stats.created)),
                ("dropped".into(), num(stats.dropped)),
                ("bytes".into(), num(stats.bytes as u64)),
                ("events".into(), events(r)),
                ("records".into(), V::Arr(records)),
            ])
        })
        .collect();
    let journal = engine.journal();
    let newest = |kind: &str, n: usize| {
        V::Arr(
            journal
                .iter()
                .rev()
                .filter(|e| e.kind == kind)
                .take(n)
                .map(|e| entry_json(secrets.entry(e.clone())))
                .collect(),
        )
    };
    let faults = engine
        .faults()
        .into_iter()
        .map(|f| {
            V::Obj(vec![
                ("endpoint".into(), V::Str(f.endpoint)),
                ("times".into(), num(f.times.into())),
                ("until_removed".into(), V::Bool(f.times >= UNTIL_REMOVED)),
                ("latency_ms".into(), num(f.latency_ms)),
                (
                    "case".into(),
                    f.case.map_or(V::Null, |c| V::Str(c.name().into())),
                ),
                ("status".into(), f.status.map_or(V::Null, |s| num(s.into()))),
            ])
        })
        .collect();
    let (store_at, store_error) = engine.store_status();
    let body = V::Obj(vec![
        ("provider".into(), V::Str(spec.provider.into())),
        (
            "store".into(),
            V::Obj(vec![
                ("at".into(), V::Str(store_at)),
                ("error".into(), store_error.map_or(V::Null, V::Str)),
            ]),
        ),
        (
            "webhook_url".into(),
            config
                .webhook_url
                .clone()
                .map_or(V::Null, |u| V::Str(secrets.hide(u))),
        ),
        ("resources".into(), V::Arr(resources)),
        ("requests".into(), newest("request", REQUESTS_SHOWN)),
        ("deliveries".into(), newest("webhook", DELIVERIES_SHOWN)),
        ("faults".into(), V::Arr(faults)),
    ]);
    let mut r = json(StatusCode::OK, body.to_json());
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    r
}

/// A resource's events: name, the states they fire from (none: any) and the state after.
fn events(r: &Resource) -> V {
    let Some(states) = &r.states else {
        return V::Arr(Vec::new());
    };
    V::Arr(
        states
            .events
            .iter()
            .map(|ev| {
                let from = ev.from.iter().map(|f| V::Str(V::from_spec(f).text()));
                V::Obj(vec![
                    ("name".into(), V::Str(ev.name.into())),
                    ("from".into(), V::Arr(from.collect())),
                    ("to".into(), V::Str(V::from_spec(ev.to).text())),
                    ("webhook".into(), V::Bool(ev.webhook.is_some())),
                ])
            })
            .collect(),
    )
}

/// A record for the page: its id, its state, its JSON (cut past [`RECORD_BYTES`]).
fn record(r: &Resource, rec: &V, secrets: &Secrets) -> V {
    let text = |v: Option<&V>| v.map_or(V::Null, |v| V::Str(secrets.hide(v.text())));
    let state = r.states.as_ref().and_then(|s| rec.get(s.field));
    V::Obj(vec![
        ("id".into(), text(rec.get(r.id_field))),
        ("state".into(), text(state)),
        ("json".into(), V::Str(cut(secrets.hide(rec.to_json())))),
    ])
}

/// `text` cut at a character boundary past [`RECORD_BYTES`], with `…` where it was cut.
fn cut(mut text: String) -> String {
    if text.len() > RECORD_BYTES {
        let mut at = RECORD_BYTES;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.truncate(at);
        text.push('…');
    }
    text
}

/// The secret credential values the mock accepts (and their form-encoded spellings), to
/// mask in whatever the page shows.
struct Secrets(Vec<String>);

impl Secrets {
    fn of(spec: &Spec, values: &std::collections::BTreeMap<String, String>) -> Secrets {
        let mut all: Vec<String> = Vec::new();
        for c in spec.credentials.iter().filter(|c| c.secret) {
            let given = values.get(c.name).map(String::as_str);
            for v in given.into_iter().chain(c.aliases.iter().copied()) {
                let encoded = crate::http::form_encode(&[("x".into(), v.to_string())]);
                let encoded = encoded.strip_prefix("x=").unwrap_or_default().to_string();
                all.push(v.to_string());
                all.push(encoded);
            }
        }
        all.retain(|s| s.len() >= SHORTEST_SECRET);
        // The longest first, so no secret is masked only in part by a shorter one inside it.
        all.sort_by_key(|s| std::cmp::Reverse(s.len()));
        all.dedup();
        Secrets(all)
    }

    fn hide(&self, mut text: String) -> String {
        for s in &self.0 {
            if text.contains(s.as_str()) {
                text = text.replace(s.as_str(), "•••");
            }
        }
        text
    }

    fn entry(&self, mut e: Entry) -> Entry {
        e.target = self.hide(e.target);
        e.body = self.hide(e.body);
        e.response = self.hide(e.response);
        e
    }
}

/// `template` with each `{{key}}` replaced by `value(key)`, in one pass (a value is never
/// read as a template).
fn fill(template: &str, value: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else {
            out.push_str(&rest[i..]);
            return out;
        };
        out.push_str(&value(&after[..j]));
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    out
}

/// Text made safe inside HTML elements and quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup() {
        assert_eq!(
            escape(r#"<img src=x onerror="a('&')">"#),
            "&lt;img src=x onerror=&quot;a(&#39;&amp;&#39;)&quot;&gt;"
        );
    }

    #[test]
    fn fill_replaces_keys_once() {
        let out = fill("a {{x}} b {{y}} c {{", |k| match k {
            "x" => "{{y}}".into(),
            _ => "Y".into(),
        });
        assert_eq!(out, "a {{y}} b Y c {{");
    }

    #[test]
    fn the_page_uses_only_known_keys() {
        let known = [
            "provider",
            "root",
            "resources",
            "endpoints",
            "cases",
            "until_removed",
        ];
        let unknown = std::cell::RefCell::new(Vec::new());
        fill(PAGE, |k| {
            if !known.contains(&k) {
                unknown.borrow_mut().push(k.to_string());
            }
            String::new()
        });
        assert!(unknown.borrow().is_empty(), "{:?}", unknown.borrow());
    }

    #[test]
    fn browsers_ask_for_html() {
        let chrome = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(wants_html(Some(chrome)));
        assert!(wants_html(Some("TEXT/HTML; charset=utf-8")));
        assert!(!wants_html(Some("*/*")));
        assert!(!wants_html(Some("application/json")));
        assert!(!wants_html(None));
    }

    #[test]
    fn long_records_are_cut_at_a_character() {
        let text = "é".repeat(RECORD_BYTES);
        let out = cut(text);
        assert!(out.ends_with('…'));
        assert!(out.len() <= RECORD_BYTES + '…'.len_utf8());
        assert_eq!(cut("short".into()), "short");
    }

    #[test]
    fn secrets_are_masked_plain_and_form_encoded() {
        let spec = Spec {
            credentials: &[
                crate::tables::Credential {
                    name: "key",
                    default: "",
                    aliases: &["old key+1"],
                    secret: true,
                },
                crate::tables::Credential {
                    name: "shop",
                    default: "",
                    aliases: &[],
                    secret: false,
                },
            ],
            provider: "p",
            base_path: "",
            schemes: &[],
            endpoints: &[],
            types: &[],
            resources: &[],
            webhooks: &[],
            envelope: None,
            errors: crate::tables::Errors::DEFAULT,
        };
        let values = [
            ("key".to_string(), "s3cr3t".to_string()),
            ("shop".to_string(), "shop-1".to_string()),
        ]
        .into();
        let s = Secrets::of(&spec, &values);
        assert_eq!(
            s.hide("a=s3cr3t&b=old+key%2B1&c=old key+1&shop=shop-1".into()),
            "a=•••&b=•••&c=•••&shop=shop-1"
        );
    }
}
