//! The control API under `/__mock/`: health, records, state events, faults, configuration,
//! journal, reset, and the dashboard (`GET /__mock/` from a browser; see `dashboard`).
//! Every input is checked before it changes anything: a body that is not a JSON object, an
//! unknown key, endpoint or case, a status outside 100–599 or a count below one is a 400
//! naming the problem, and path segments are percent-decoded.

use axum::http::{Method, StatusCode};
use axum::response::Response;

use super::dashboard;
use super::engine::{Entry, Fault};
use super::server::{App, fire, json};
use super::tables::Case;
use super::value::V;

/// The longest fault latency accepted (a minute).
const MAX_LATENCY_MS: u64 = 60_000;

fn bad(message: impl Into<String>) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        V::Obj(vec![("error".into(), V::Str(message.into()))]).to_json(),
    )
}

/// The request body as an object (an empty body is an empty object).
fn input(body: &[u8]) -> Result<V, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(V::Obj(Vec::new()));
    }
    match V::parse(body) {
        Some(v @ V::Obj(_)) => Ok(v),
        _ => Err("the body is not a JSON object".into()),
    }
}

/// Refuses members other than `allowed`.
fn only(input: &V, allowed: &[&str]) -> Result<(), String> {
    if let V::Obj(members) = input
        && let Some((k, _)) = members.iter().find(|(k, _)| !allowed.contains(&k.as_ref()))
    {
        return Err(format!("unknown key `{k}`; known: {}", allowed.join(", ")));
    }
    Ok(())
}

/// A whole number member within `range`, if present.
fn number(
    input: &V,
    key: &str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Option<u64>, String> {
    let Some(v) = input.get(key) else {
        return Ok(None);
    };
    match v.text().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(format!(
            "`{key}` must be a whole number from {} to {}",
            range.start(),
            range.end()
        )),
    }
}

fn health(app: &App) -> Response {
    let num = |n: u64| V::Num(n.to_string());
    let records = app
        .engine
        .resource_stats()
        .into_iter()
        .map(|r| {
            (
                r.name.into(),
                V::Obj(vec![
                    ("kept".into(), num(r.kept as u64)),
                    ("created".into(), num(r.created)),
                    ("dropped".into(), num(r.dropped)),
                    ("bytes".into(), num(r.bytes as u64)),
                ]),
            )
        })
        .collect();
    let limits = app.engine.config().limits;
    let limits = V::Obj(
        limits
            .named()
            .into_iter()
            .map(|(name, value)| (name.into(), num(value)))
            .collect(),
    );
    let (at, failed) = app.engine.store_status();
    let store = V::Obj(vec![
        ("at".into(), V::Str(at)),
        ("error".into(), failed.clone().map_or(V::Null, V::Str)),
    ]);
    let body = V::Obj(vec![
        ("provider".into(), V::Str(app.engine.spec().provider.into())),
        ("ok".into(), V::Bool(failed.is_none())),
        ("records".into(), V::Obj(records)),
        ("limits".into(), limits),
        ("store".into(), store),
    ]);
    json(StatusCode::OK, body.to_json())
}

/// A journal entry as JSON: its members, with the time as milliseconds since the Unix
/// epoch and the latency in microseconds.
pub(super) fn entry_json(e: Entry) -> V {
    let num = |n: u128| V::Num(n.to_string());
    let at =
        e.at.duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
    V::Obj(vec![
        ("kind".into(), V::Str(e.kind.into())),
        ("name".into(), V::Str(e.name)),
        ("target".into(), V::Str(e.target)),
        ("status".into(), num(e.status.into())),
        ("attempts".into(), num(e.attempts.into())),
        ("body".into(), V::Str(e.body)),
        ("at_ms".into(), num(at.as_millis())),
        ("latency_us".into(), num(e.latency.as_micros())),
        ("response".into(), V::Str(e.response)),
        (
            "statuses".into(),
            V::Arr(e.statuses.into_iter().map(|s| num(s.into())).collect()),
        ),
    ])
}

fn journal(app: &App) -> Response {
    let entries: Vec<V> = app.engine.journal().into_iter().map(entry_json).collect();
    json(StatusCode::OK, V::Arr(entries).to_json())
}

/// `POST /__mock/config {"webhook_url": "http://…" | null}`.
fn config(app: &App, input: &V) -> Response {
    if let Err(e) = only(input, &["webhook_url"]) {
        return bad(e);
    }
    match input.get("webhook_url") {
        Some(V::Null) => app.engine.set_webhook_url(None),
        Some(V::Str(u)) if u.starts_with("http://") || u.starts_with("https://") => {
            app.engine.set_webhook_url(Some(u.clone()));
        }
        _ => return bad("give `webhook_url`: an http(s) URL, or null to clear it"),
    }
    json(StatusCode::OK, "{\"ok\":true}".into())
}

/// `POST /__mock/faults`: what to break, how often.
fn faults(app: &App, input: &V) -> Response {
    let keys = ["endpoint", "times", "latency_ms", "case", "status"];
    if let Err(e) = only(input, &keys) {
        return bad(e);
    }
    let spec = app.engine.spec();
    let endpoint = match input.get("endpoint") {
        None => String::new(),
        Some(V::Str(name)) if spec.endpoints.iter().any(|e| e.name == name) => name.clone(),
        Some(other) => {
            let known: Vec<&str> = spec.endpoints.iter().map(|e| e.name).collect();
            return bad(format!(
                "unknown endpoint `{}`; known: {}",
                other.text(),
                known.join(", ")
            ));
        }
    };
    let case = match input.get("case") {
        None => None,
        Some(v) => match Case::from_name(&v.text()) {
            Some(c) => Some(c),
            None => {
                let known: Vec<&str> = Case::ALL.iter().map(|c| c.name()).collect();
                return bad(format!(
                    "unknown case `{}`; known: {}",
                    v.text(),
                    known.join(", ")
                ));
            }
        },
    };
    let checked = (|| {
        Ok::<_, String>((
            number(input, "times", 1..=1_000_000)?,
            number(input, "latency_ms", 0..=MAX_LATENCY_MS)?,
            number(input, "status", 100..=599)?,
        ))
    })();
    let (times, latency_ms, status) = match checked {
        Ok(t) => t,
        Err(e) => return bad(e),
    };
    if case.is_none() && status.is_none() && latency_ms.unwrap_or(0) == 0 {
        return bad("a fault needs a `case`, a `status` or a `latency_ms`");
    }
    app.engine.add_fault(Fault {
        endpoint,
        times: u32::try_from(times.unwrap_or(1)).unwrap_or(u32::MAX),
        latency_ms: latency_ms.unwrap_or(0),
        case,
        status: status.and_then(|s| u16::try_from(s).ok()),
    });
    json(StatusCode::OK, "{\"ok\":true}".into())
}

/// One call of the control API.
pub(super) struct Call<'a> {
    /// The request's method.
    pub(super) method: &'a Method,
    /// The path after `/__mock` (empty, `/`, `/journal`, …).
    pub(super) rest: &'a str,
    /// The path up to and including `/__mock`, as the request reached it.
    pub(super) root: &'a str,
    /// The request's `Accept` header.
    pub(super) accept: Option<&'a str>,
    /// The request's body.
    pub(super) body: &'a [u8],
}

/// `DELETE /__mock/faults/<n>`: removes the `n`th waiting fault (from 0, as
/// `GET /__mock/snapshot` lists them).
fn remove_fault(app: &App, index: &str) -> Response {
    let Ok(n) = index.parse::<usize>() else {
        return bad(format!(
            "the fault's index must be a whole number, not `{index}`"
        ));
    };
    match app.engine.remove_fault(n) {
        Some(_) => json(StatusCode::OK, "{\"ok\":true}".into()),
        None => json(
            StatusCode::NOT_FOUND,
            V::Obj(vec![("error".into(), V::Str(format!("no fault {n}")))]).to_json(),
        ),
    }
}

/// The answer with `Vary: Accept`: the same URL answers a browser with HTML.
fn vary_accept(mut r: Response) -> Response {
    r.headers_mut().insert(
        axum::http::header::VARY,
        axum::http::HeaderValue::from_static("accept"),
    );
    r
}

/// The control API: state changes, faults, journal, reset, the dashboard.
pub(super) async fn control(app: &App, call: Call<'_>) -> Response {
    let Call {
        method,
        rest,
        root,
        accept,
        body,
    } = call;
    let input = match input(body) {
        Ok(v) => v,
        Err(e) => return bad(e),
    };
    let segs: Vec<String> = rest
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(crate::http::segment_decode)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    match (method.as_str(), segs.as_slice()) {
        // A browser asking for the control API's root gets the dashboard; any other
        // client (curl, tests, scripts) the health JSON, as before.
        ("GET", []) if dashboard::wants_html(accept) => dashboard::page(app, root),
        ("GET", []) => vary_accept(health(app)),
        ("GET", ["health"]) => health(app),
        ("GET", [dashboard::SCRIPT]) => dashboard::script(),
        ("GET", [dashboard::STYLE]) => dashboard::style(),
        ("GET", ["snapshot"]) => dashboard::snapshot(app),
        ("POST", ["forget-nonces"]) => {
            app.engine.forget_nonces();
            json(StatusCode::OK, "{\"ok\":true}".into())
        }
        ("POST", ["reset"]) => {
            app.engine.reset();
            json(StatusCode::OK, "{\"reset\":true}".into())
        }
        ("GET", ["journal"]) => journal(app),
        ("POST", ["config"]) => config(app, &input),
        ("POST", ["faults"]) => faults(app, &input),
        ("DELETE", ["faults"]) => {
            app.engine.clear_faults();
            json(StatusCode::OK, "{\"ok\":true}".into())
        }
        ("DELETE", ["faults", index]) => remove_fault(app, index),
        ("GET", [resource, id]) => match app.engine.record(resource, id) {
            Some(r) => json(StatusCode::OK, r),
            None => json(
                StatusCode::NOT_FOUND,
                V::Obj(vec![(
                    "error".into(),
                    V::Str(format!("no {resource} {id}")),
                )])
                .to_json(),
            ),
        },
        ("POST", [resource, id, event]) => {
            if let Err(e) = only(&input, &["amount"]) {
                return bad(e);
            }
            let amount = input.get("amount").map(V::text);
            if let Some(a) = &amount
                && crate::wire::parse_decimal(a).is_err()
            {
                return bad(format!("`amount` must be a decimal number, not `{a}`"));
            }
            match fire(&app.engine, &app.http, resource, id, event, amount).await {
                Ok(r) => json(StatusCode::OK, r),
                Err(e) => json(
                    StatusCode::CONFLICT,
                    V::Obj(vec![("error".into(), V::Str(e))]).to_json(),
                ),
            }
        }
        _ => json(
            StatusCode::NOT_FOUND,
            "{\"error\":\"unknown control call; see the crate README\"}".into(),
        ),
    }
}
