//! The mock server over real HTTP on 127.0.0.1, on the test shop (`shop/mod.rs`): the API
//! routes, the control API under `/__mock/` (health, records, events, faults, config,
//! journal, reset, forget-nonces), webhook delivery with retries and back-off, fault
//! latency, and stopping.
#![cfg(feature = "mock")]

mod shop;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use payspec_runtime::mock::engine::Config;
use payspec_runtime::mock::server::WEBHOOK_ATTEMPTS;
use payspec_runtime::mock::tables::{Case, Spec};
use payspec_runtime::mock::value::V;
use payspec_runtime::mock::{Fault, MockServer, Provider};

struct Shop;

impl Provider for Shop {
    fn spec() -> &'static Spec {
        &shop::SPEC
    }

    fn default_config() -> Config {
        shop::config()
    }
}

struct Plain;

impl Provider for Plain {
    fn spec() -> &'static Spec {
        &shop::BARE
    }

    fn default_config() -> Config {
        Config {
            credentials: [("shop".to_string(), "s1".to_string())].into(),
            ..shop::config()
        }
    }
}

/// Status and body of an answer.
async fn send(method: reqwest::Method, url: String, token: bool, body: &str) -> (u16, String) {
    let mut req = reqwest::Client::new()
        .request(method, url)
        .body(body.to_string());
    if token {
        req = req.header("X-Token", "t0k");
    }
    let resp = req.send().await.expect("the mock answers");
    let status = resp.status().as_u16();
    (status, resp.text().await.expect("a body"))
}

async fn get(url: String) -> (u16, String) {
    send(reqwest::Method::GET, url, false, "").await
}

async fn post(url: String, body: &str) -> (u16, String) {
    send(reqwest::Method::POST, url, false, body).await
}

fn json(text: &str) -> V {
    V::parse(text.as_bytes()).unwrap_or_else(|| panic!("not JSON: {text}"))
}

/// A webhook receiver answering the first `failures` requests with 500, then 200; it keeps
/// each body with the time it arrived.
async fn receiver(failures: usize) -> (String, Arc<Mutex<Vec<(Instant, String)>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let (s, c) = (seen.clone(), count.clone());
    let app = axum::Router::new().fallback(move |body: String| {
        let (s, c) = (s.clone(), c.clone());
        async move {
            s.lock().expect("lock").push((Instant::now(), body));
            if c.fetch_add(1, Ordering::SeqCst) < failures {
                axum::http::StatusCode::INTERNAL_SERVER_ERROR
            } else {
                axum::http::StatusCode::OK
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), seen)
}

#[tokio::test]
async fn the_api_and_the_control_api_over_http() {
    let mock = MockServer::<Shop>::start().await.expect("starts");
    let base = mock.base_url();
    assert_eq!(base, format!("http://{}", mock.addr()));
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let (status, body) = send(
        reqwest::Method::POST,
        format!("{base}/orders"),
        true,
        r#"{"ref": "A1", "amount": 10}"#,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(json(&body).get("id"), Some(&V::Num("100".into())));

    let (status, health) = get(format!("{base}/__mock/health")).await;
    assert_eq!(status, 200);
    let h = json(&health);
    assert_eq!(h.get("provider"), Some(&V::Str("Test Shop".into())));
    assert_eq!(h.get("ok"), Some(&V::Bool(true)));
    for (resource, kept) in [("order", "2"), ("token", "0"), ("note", "2")] {
        let at = |k: &str| h.path(&format!("records.{resource}.{k}")).map(V::text);
        assert_eq!(at("kept").as_deref(), Some(kept), "{health}");
        assert_eq!(at("created").as_deref(), Some(kept), "{health}");
        assert_eq!(at("dropped").as_deref(), Some("0"), "{health}");
        let bytes: usize = at("bytes").and_then(|b| b.parse().ok()).expect("bytes");
        assert_eq!(bytes > 0, kept != "0", "{health}");
    }
    let limits: Vec<&str> = match h.get("limits") {
        Some(V::Obj(m)) => m.iter().map(|(k, _)| k.as_ref()).collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        limits,
        [
            "body_bytes",
            "object_members",
            "depth",
            "string_chars",
            "records",
            "record_bytes",
            "journal",
            "header_timeout_ms",
            "body_timeout_ms",
            "idle_timeout_ms"
        ]
    );
    assert_eq!(
        h.path("limits.body_bytes").map(V::text).as_deref(),
        Some("1048576")
    );
    assert_eq!(get(format!("{base}/__mock")).await.1, health);

    let (status, record) = get(format!("{base}/__mock/order/100")).await;
    assert_eq!(status, 200);
    assert_eq!(Some(record.clone()), mock.record("order", "100"));
    assert!(record.contains(r#""reference":"A1""#), "{record}");
    let (status, missing) = get(format!("{base}/__mock/order/999")).await;
    assert_eq!(
        (status, missing.as_str()),
        (404, r#"{"error":"no order 999"}"#)
    );
    assert_eq!(mock.record("order", "999"), None);

    let (status, unknown) = get(format!("{base}/__mock/what/is/this/call")).await;
    assert_eq!(status, 404);
    assert!(unknown.contains("unknown control call"), "{unknown}");

    // Events through the control API and through `fire`, with their webhooks delivered.
    let (url, seen) = receiver(0).await;
    let (status, _) = post(
        format!("{base}/__mock/config"),
        &format!(r#"{{"webhook_url": "{url}"}}"#),
    )
    .await;
    assert_eq!(status, 200);
    let (status, voided) = post(format!("{base}/__mock/order/7/void"), "").await;
    assert_eq!(status, 200, "{voided}");
    assert!(voided.contains(r#""status":"void""#), "{voided}");
    assert_eq!(
        seen.lock().expect("lock").len(),
        1,
        "delivered before answering"
    );
    assert_eq!(seen.lock().expect("lock")[0].1, r#"{"id":7,"note":null}"#);
    let (status, refused) = post(format!("{base}/__mock/order/7/refund"), "").await;
    assert_eq!(status, 409);
    assert_eq!(
        refused,
        r#"{"error":"unknown event `refund`; known: paid, void"}"#
    );
    let (status, _) = post(format!("{base}/__mock/nothing/7/void"), "").await;
    assert_eq!(status, 409);

    let paid = mock
        .fire("order", "100", "paid", Some("9.99"))
        .await
        .expect("fires");
    assert!(paid.contains(r#""amount":"9.99""#), "{paid}");
    assert!(paid.contains(r#""status":"paid""#), "{paid}");
    assert_eq!(seen.lock().expect("lock").len(), 2);
    assert!(
        seen.lock().expect("lock")[1]
            .1
            .starts_with("id=100&amount=9.99&status=paid"),
        "{:?}",
        seen.lock().expect("lock")[1]
    );
    assert_eq!(
        mock.fire("nothing", "1", "paid", None)
            .await
            .err()
            .as_deref(),
        Some("unknown resource `nothing`")
    );

    // The journal, through both doors, oldest first.
    let journal = mock.journal();
    let kinds: Vec<(&str, &str, u16)> = journal
        .iter()
        .map(|e| (e.kind, e.name.as_str(), e.status))
        .collect();
    assert_eq!(
        kinds,
        [
            ("request", "create_order", 201),
            ("webhook", "voided", 200),
            ("webhook", "paid", 200)
        ]
    );
    let (status, listed) = get(format!("{base}/__mock/journal")).await;
    assert_eq!(status, 200);
    let V::Arr(entries) = json(&listed) else {
        panic!("{listed}")
    };
    assert_eq!(entries.len(), 3);
    assert_eq!(
        entries[0].get("target").map(V::text).as_deref(),
        Some("POST /orders")
    );
    assert_eq!(
        entries[2].get("attempts").map(V::text).as_deref(),
        Some("1")
    );

    // Reset, through both doors.
    let (status, _) = post(format!("{base}/__mock/reset"), "").await;
    assert_eq!(status, 200);
    assert_eq!(mock.record("order", "100"), None);
    assert!(mock.journal().is_empty());
    send(
        reqwest::Method::POST,
        format!("{base}/orders"),
        true,
        r#"{"ref": "A1", "amount": 1}"#,
    )
    .await;
    assert!(mock.record("order", "100").is_some());
    mock.reset();
    assert_eq!(mock.record("order", "100"), None);
    mock.stop().await;
}

#[tokio::test]
async fn faults_are_installed_refused_and_cleared_over_http() {
    let mock = MockServer::<Shop>::start().await.expect("starts");
    let base = mock.base_url();
    let (status, _) = post(
        format!("{base}/__mock/faults"),
        r#"{"endpoint": "get_order", "case": "not_found", "times": 2}"#,
    )
    .await;
    assert_eq!(status, 200);
    for _ in 0..2 {
        assert_eq!(get(format!("{base}/orders/7")).await.0, 404);
    }
    assert_eq!(get(format!("{base}/orders/7")).await.0, 200);
    let (status, refused) = post(format!("{base}/__mock/faults"), r#"{"case": "meltdown"}"#).await;
    assert_eq!(status, 400);
    assert!(
        refused.contains("unknown case `meltdown`; known: unauthorized,"),
        "{refused}"
    );
    assert_eq!(
        get(format!("{base}/orders/7")).await.0,
        200,
        "nothing installed"
    );

    // A bare status after a delay; `times` defaults to one call.
    let (status, _) = post(
        format!("{base}/__mock/faults"),
        r#"{"status": 503, "latency_ms": 120}"#,
    )
    .await;
    assert_eq!(status, 200);
    let start = Instant::now();
    let (status, body) = get(format!("{base}/orders/7")).await;
    assert_eq!((status, body.as_str()), (503, "{}"));
    assert!(start.elapsed() >= Duration::from_millis(120));
    let start = Instant::now();
    assert_eq!(get(format!("{base}/orders/7")).await.0, 200);
    assert!(
        start.elapsed() < Duration::from_millis(120),
        "no delay left"
    );

    post(
        format!("{base}/__mock/faults"),
        r#"{"status": 502, "times": 9}"#,
    )
    .await;
    let (status, _) = send(
        reqwest::Method::DELETE,
        format!("{base}/__mock/faults"),
        false,
        "",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(get(format!("{base}/orders/7")).await.0, 200);
    // And from Rust.
    mock.inject(Fault {
        case: Some(Case::Internal),
        times: 1,
        ..Fault::default()
    });
    assert_eq!(get(format!("{base}/orders/7")).await.0, 500);
}

#[tokio::test]
async fn webhooks_are_retried_with_growing_pauses_until_accepted() {
    let mock = MockServer::<Shop>::start().await.expect("starts");
    let (url, seen) = receiver(2).await;
    mock.set_webhook_url(url);
    let start = Instant::now();
    mock.fire("order", "7", "void", None).await.expect("fires");
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 3, "two refusals, then accepted");
    assert!(seen.iter().all(|(_, b)| b == r#"{"id":7,"note":null}"#));
    // Pauses of 50 ms, then 100 ms.
    let first = seen[1].0 - seen[0].0;
    let second = seen[2].0 - seen[1].0;
    assert!(first >= Duration::from_millis(50), "{first:?}");
    assert!(second >= Duration::from_millis(100), "{second:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
    let entry = mock.journal().pop().expect("journaled");
    assert_eq!(
        (entry.kind, entry.status, entry.attempts),
        ("webhook", 200, 3)
    );

    // A receiver that never accepts gets every attempt; the failure is journaled.
    let (url, seen) = receiver(usize::MAX).await;
    mock.set_webhook_url(url);
    mock.fire("order", "7", "void", None).await.expect("fires");
    assert_eq!(seen.lock().expect("lock").len() as u32, WEBHOOK_ATTEMPTS);
    let entry = mock.journal().pop().expect("journaled");
    assert_eq!((entry.status, entry.attempts), (500, WEBHOOK_ATTEMPTS));
}

#[tokio::test]
async fn webhooks_of_api_calls_are_delivered_in_the_background() {
    let mock = MockServer::<Shop>::start().await.expect("starts");
    let (url, seen) = receiver(0).await;
    let base = mock.base_url();
    let (status, _) = send(
        reqwest::Method::POST,
        format!("{base}/orders"),
        true,
        &format!(r#"{{"ref": "A1", "amount": 3, "callback": "{url}"}}"#),
    )
    .await;
    assert_eq!(status, 201);
    let (status, body) = post(format!("{base}/orders/100/pay"), "").await;
    assert_eq!(status, 200, "{body}");
    for _ in 0..100 {
        if !seen.lock().expect("lock").is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].1.starts_with("id=100&amount=3&status=paid"),
        "{:?}",
        seen[0]
    );
}

#[tokio::test]
async fn nonces_are_forgotten_through_both_doors() {
    let mock = MockServer::<Plain>::start().await.expect("starts");
    let base = mock.base_url();
    let ping = || post(format!("{base}/ping"), r#"{"shop": "s1", "nonce": 77}"#);
    assert_eq!(ping().await.0, 200);
    assert_eq!(ping().await.0, 400, "a repeat");
    mock.forget_nonces();
    assert_eq!(ping().await.0, 200);
    let (status, _) = post(format!("{base}/__mock/forget-nonces"), "").await;
    assert_eq!(status, 200);
    assert_eq!(ping().await.0, 200);
}

#[tokio::test]
async fn stop_waits_for_requests_in_flight() {
    let mock = MockServer::<Shop>::start().await.expect("starts");
    let base = mock.base_url();
    mock.inject(Fault {
        latency_ms: 400,
        times: 1,
        ..Fault::default()
    });
    let slow = tokio::spawn(get(format!("{base}/orders/7")));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let start = Instant::now();
    mock.stop().await;
    assert!(
        start.elapsed() >= Duration::from_millis(200),
        "stop returned after {:?}, before the request in flight was answered",
        start.elapsed()
    );
    assert_eq!(slow.await.expect("joins").0, 200);
}

#[tokio::test]
async fn stopping_or_dropping_the_server_closes_its_port() {
    let mock = MockServer::<Shop>::start().await.expect("starts");
    let base = mock.base_url();
    assert_eq!(get(format!("{base}/orders/7")).await.0, 200);
    mock.stop().await;
    assert!(reqwest::get(format!("{base}/orders/7")).await.is_err());

    let mock = MockServer::<Shop>::start().await.expect("starts");
    let base = mock.base_url();
    drop(mock);
    let mut closed = false;
    for _ in 0..100 {
        if reqwest::get(format!("{base}/orders/7")).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        closed,
        "the port still answers after the server was dropped"
    );
}

#[tokio::test]
async fn the_control_api_refuses_junk_and_decodes_ids() {
    let mock = MockServer::<Shop>::start().await.expect("mock");
    let base = mock.base_url();
    // Each bad input is a 400 that says what is wrong, and changes nothing.
    for (path, body, says) in [
        ("config", "{bad", "not a JSON object"),
        ("config", "{}", "give `webhook_url`"),
        (
            "config",
            r#"{"webhook_url": "ftp://x"}"#,
            "give `webhook_url`",
        ),
        (
            "config",
            r#"{"webhook_url": null, "extra": 1}"#,
            "unknown key `extra`",
        ),
        ("faults", "[1]", "not a JSON object"),
        (
            "faults",
            "{}",
            "needs a `case`, a `status` or a `latency_ms`",
        ),
        (
            "faults",
            r#"{"status": 0}"#,
            "`status` must be a whole number from 100 to 599",
        ),
        ("faults", r#"{"status": 99}"#, "from 100 to 599"),
        ("faults", r#"{"status": 1000}"#, "from 100 to 599"),
        (
            "faults",
            r#"{"case": "internal", "times": -1}"#,
            "`times` must be a whole number from 1",
        ),
        (
            "faults",
            r#"{"case": "internal", "times": 0}"#,
            "`times` must be",
        ),
        (
            "faults",
            r#"{"case": "internal", "endpoint": "nope"}"#,
            "unknown endpoint `nope`; known: ",
        ),
        (
            "faults",
            r#"{"case": "internal", "latency_ms": 3600000}"#,
            "`latency_ms`",
        ),
        (
            "faults",
            r#"{"case": "internal", "times": 1, "why": "x"}"#,
            "unknown key `why`",
        ),
        (
            "order/7/pay",
            r#"{"amount": "abc"}"#,
            "`amount` must be a decimal number",
        ),
    ] {
        let (status, text) = post(format!("{base}/__mock/{path}"), body).await;
        assert_eq!(status, 400, "{path} {body}: {text}");
        assert!(text.contains(says), "{path} {body}: {text}");
    }
    // None of them installed a fault.
    assert_eq!(get(format!("{base}/orders/7")).await.0, 200);
    // A valid fault with a status is answered with it.
    let (status, _) = post(
        format!("{base}/__mock/faults"),
        r#"{"status": 503, "times": 1}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(get(format!("{base}/orders/7")).await.0, 503);
    // Ids in control paths are percent-decoded.
    let (status, text) = get(format!("{base}/__mock/order/%37")).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("\"id\":7"), "{text}");
    mock.stop().await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_in_the_providers_error_shape() {
    let mock = MockServer::<Shop>::start().await.expect("mock");
    let base = mock.base_url();
    let big = format!(
        "{{\"ref\": \"B1\", \"note\": \"{}\"}}",
        "x".repeat(payspec_runtime::mock::server::MAX_BODY)
    );
    let (status, text) = send(reqwest::Method::POST, format!("{base}/orders"), true, &big).await;
    assert_eq!(status, 413, "{text}");
    let v = json(&text);
    assert_eq!(
        v.path("error.code").map(V::text).as_deref(),
        Some("malformed"),
        "{text}"
    );
    let (_, health) = get(format!("{base}/__mock/health")).await;
    assert!(
        health.contains(&format!(
            "\"limits\":{{\"body_bytes\":{},",
            payspec_runtime::mock::server::MAX_BODY
        )),
        "{health}"
    );
    mock.stop().await;
}

#[tokio::test]
async fn a_connection_that_goes_quiet_is_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let idle = Duration::from_millis(300);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let mock = MockServer::<Shop>::start_with_idle(Shop::default_config(), addr, idle)
        .await
        .expect("mock");
    let host = mock.base_url().trim_start_matches("http://").to_string();
    for partial in [
        "GET /orders/7 HTTP/1.1\r\nHost: x\r\n",
        "POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"ref\":",
    ] {
        let mut s = tokio::net::TcpStream::connect(&host)
            .await
            .expect("connect");
        s.write_all(partial.as_bytes()).await.expect("write");
        let started = Instant::now();
        let mut buf = Vec::new();
        // The server closes the connection (maybe after an error answer) well before 5 s.
        let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "{partial:?}: still open after 5 s");
        assert!(
            started.elapsed() >= idle,
            "{partial:?}: closed before the timeout"
        );
    }
    // A complete request on a fresh connection is answered as usual.
    assert_eq!(get(format!("{}/orders/7", mock.base_url())).await.0, 200);
    mock.stop().await;
}

#[test]
fn the_idle_timeout_is_a_flag() {
    use payspec_runtime::mock::cli::{Command, parse};
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match parse(&shop::SPEC, &args(&["--idle-timeout", "3"])) {
        Ok(Command::Run(_, c)) => assert_eq!(c.limits.idle_timeout, Duration::from_secs(3)),
        other => panic!("{other:?}"),
    }
    for bad in ["0", "x", "4000"] {
        assert!(
            parse(&shop::SPEC, &args(&["--idle-timeout", bad])).is_err(),
            "{bad}"
        );
    }
}

/// Each webhook goes out with its declared method (`paid` POST, `voided` PUT), and the
/// journal records the receiver's reply status.
#[tokio::test]
async fn webhooks_go_out_with_their_declared_method() {
    let mock = MockServer::<Shop>::start().await.expect("starts");
    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let app = axum::Router::new().fallback(move |method: axum::http::Method, body: String| {
        let s = s.clone();
        async move {
            s.lock().expect("lock").push((method.to_string(), body));
            axum::http::StatusCode::ACCEPTED
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    mock.set_webhook_url(format!("http://{addr}/hook"));
    mock.fire("order", "7", "paid", Some("1.00"))
        .await
        .expect("fires");
    mock.fire("order", "7", "void", None).await.expect("fires");
    let methods: Vec<String> = seen
        .lock()
        .expect("lock")
        .iter()
        .map(|(m, _)| m.clone())
        .collect();
    assert_eq!(methods, ["POST", "PUT"]);
    let statuses: Vec<(String, u16)> = mock
        .journal()
        .into_iter()
        .filter(|e| e.kind == "webhook")
        .map(|e| (e.name, e.status))
        .collect();
    assert_eq!(
        statuses,
        [("paid".to_string(), 202), ("voided".to_string(), 202)]
    );
}

/// `GET` with an `Accept` header: status, content type, `Vary`, body.
async fn get_as(url: String, accept: &str) -> (u16, String, String, String) {
    let resp = reqwest::Client::new()
        .get(url)
        .header("Accept", accept)
        .send()
        .await
        .expect("the mock answers");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (content_type, vary) = (header("content-type"), header("vary"));
    let status = resp.status().as_u16();
    (
        status,
        content_type,
        vary,
        resp.text().await.expect("a body"),
    )
}

#[tokio::test]
async fn a_browser_gets_the_dashboard_and_other_clients_the_health() {
    let mock = MockServer::<Shop>::start().await.expect("starts");
    let base = mock.base_url();
    let chrome = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    for path in ["/__mock", "/__mock/"] {
        let (status, content_type, vary, page) = get_as(format!("{base}{path}"), chrome).await;
        assert_eq!(status, 200);
        assert_eq!(content_type, "text/html; charset=utf-8");
        assert_eq!(vary, "accept");
        assert!(page.contains("<title>Test Shop mock</title>"), "{page}");
        assert!(page.contains(r#"data-root="/__mock""#), "{page}");
        assert!(page.contains(r#"<script src="/__mock/dashboard.js" defer>"#));
        for resource in ["order", "token", "note"] {
            assert!(
                page.contains(&format!(r#"data-resource="{resource}""#)),
                "{resource}"
            );
        }
        assert!(page.contains(r#"<option value="get_order">get_order</option>"#));
        assert!(page.contains(r#"<option value="not_found">not_found</option>"#));
        assert!(!page.contains("{{"), "every key filled");

        let (status, content_type, vary, health) = get_as(format!("{base}{path}"), "*/*").await;
        assert_eq!((status, content_type.as_str()), (200, "application/json"));
        assert_eq!(vary, "accept");
        assert_eq!(json(&health).get("ok"), Some(&V::Bool(true)));
    }
    let resp = reqwest::Client::new()
        .get(format!("{base}/__mock/"))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("an answer");
    let csp = resp
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        csp.starts_with("default-src 'none'; script-src 'self';"),
        "{csp}"
    );
    for (asset, content_type, start) in [
        (
            "dashboard.js",
            "text/javascript; charset=utf-8",
            "// The mock's dashboard",
        ),
        (
            "dashboard.css",
            "text/css; charset=utf-8",
            "/* The mock's dashboard",
        ),
    ] {
        let (status, got, _, body) = get_as(format!("{base}/__mock/{asset}"), "*/*").await;
        assert_eq!((status, got.as_str()), (200, content_type), "{asset}");
        assert!(body.starts_with(start), "{asset}");
    }
}

#[tokio::test]
async fn the_snapshot_lists_records_requests_deliveries_and_faults() {
    let config = Config {
        credentials: [
            ("token".to_string(), "secret-token-1".to_string()),
            ("key".to_string(), "k3y".to_string()),
        ]
        .into(),
        ..shop::config()
    };
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let mock = MockServer::<Shop>::start_with(config, addr)
        .await
        .expect("starts");
    let base = mock.base_url();
    let (url, _seen) = receiver(1).await;
    mock.set_webhook_url(url.clone());
    // Records keep the token (`extra.by`); a refused request carries it in its body.
    for (reference, status) in [("A1", 201), ("B2", 201), ("secret-token-1", 400)] {
        let resp = reqwest::Client::new()
            .post(format!("{base}/orders"))
            .header("X-Token", "secret-token-1")
            .body(format!(r#"{{"ref": "{reference}", "amount": 10}}"#))
            .send()
            .await
            .expect("an answer");
        assert_eq!(resp.status().as_u16(), status);
    }
    mock.fire("order", "7", "void", None).await.expect("fires");
    mock.inject(Fault {
        endpoint: "get_order".into(),
        case: Some(Case::NotFound),
        times: 2,
        ..Fault::default()
    });

    let (status, text) = get(format!("{base}/__mock/snapshot")).await;
    assert_eq!(status, 200);
    assert!(!text.contains("secret-token-1"), "a secret shows: {text}");
    assert!(text.contains("•••"), "{text}");
    let snap = json(&text);
    assert_eq!(snap.get("provider"), Some(&V::Str("Test Shop".into())));
    assert_eq!(snap.get("webhook_url"), Some(&V::Str(url)));
    let Some(V::Arr(resources)) = snap.get("resources") else {
        panic!("{text}")
    };
    let order = &resources[0];
    let at = |v: &V, path: &str| v.path(path).map(V::text).unwrap_or_default();
    assert_eq!(at(order, "name"), "order");
    assert_eq!(at(order, "state_field"), "status");
    assert_eq!(
        (at(order, "kept"), at(order, "created")),
        ("3".into(), "3".into())
    );
    assert_eq!(at(order, "dropped"), "0");
    let Some(V::Arr(records)) = order.get("records") else {
        panic!("{text}")
    };
    // Newest first: the two created, then the seed.
    let ids: Vec<String> = records.iter().map(|r| at(r, "id")).collect();
    assert_eq!(ids, ["101", "100", "7"]);
    assert_eq!(at(&records[2], "state"), "void");
    assert!(at(&records[1], "json").contains(r#""reference":"A1""#));
    assert!(
        at(&records[1], "json").contains(r#""extra":{"by":"•••"}"#),
        "{text}"
    );
    let events: Vec<(String, String, String)> = match order.get("events") {
        Some(V::Arr(e)) => e
            .iter()
            .map(|e| {
                let from = e.get("from").map(V::to_json).unwrap_or_default();
                (at(e, "name"), from, at(e, "to"))
            })
            .collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        events,
        [
            ("paid".into(), r#"["new"]"#.into(), "paid".into()),
            ("void".into(), "[]".into(), "void".into())
        ]
    );
    assert_eq!(at(&resources[1], "state_field"), "state");

    let Some(V::Arr(requests)) = snap.get("requests") else {
        panic!("{text}")
    };
    assert_eq!(requests.len(), 3);
    assert_eq!(at(&requests[0], "status"), "400");
    assert_eq!(at(&requests[0], "body"), r#"{"ref": "•••", "amount": 10}"#);
    assert_eq!(at(&requests[1], "target"), "POST /orders");
    assert_eq!(at(&requests[1], "status"), "201");
    assert!(
        at(&requests[1], "response").contains(r#""id":101"#),
        "{text}"
    );
    let latency: u64 = at(&requests[1], "latency_us").parse().expect("micros");
    assert!(latency < 5_000_000, "{latency}");
    let at_ms: u128 = at(&requests[0], "at_ms").parse().expect("millis");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis();
    assert!(now >= at_ms && now - at_ms < 60_000, "{at_ms} vs {now}");

    let Some(V::Arr(deliveries)) = snap.get("deliveries") else {
        panic!("{text}")
    };
    assert_eq!(deliveries.len(), 1);
    let d = &deliveries[0];
    assert_eq!(
        (at(d, "name"), at(d, "status")),
        ("voided".into(), "200".into())
    );
    assert_eq!(
        d.get("statuses").map(V::to_json).as_deref(),
        Some("[500,200]")
    );
    assert_eq!(at(d, "attempts"), "2");
    let took: u64 = at(d, "latency_us").parse().expect("micros");
    assert!(
        took >= 50_000,
        "a pause of 50 ms between the attempts: {took}"
    );

    let Some(V::Arr(faults)) = snap.get("faults") else {
        panic!("{text}")
    };
    assert_eq!(faults.len(), 1);
    assert_eq!(
        (
            at(&faults[0], "endpoint"),
            at(&faults[0], "case"),
            at(&faults[0], "times")
        ),
        ("get_order".into(), "not_found".into(), "2".into())
    );

    // The journal keeps the latency, the answers and every attempt too.
    let journal = mock.journal();
    let webhook = journal.last().expect("the delivery");
    assert_eq!(webhook.statuses, [500, 200]);
    assert_eq!(webhook.response, "");
    assert!(webhook.latency >= Duration::from_millis(50));
    let (status, listed) = get(format!("{base}/__mock/journal")).await;
    assert_eq!(status, 200);
    assert!(listed.contains(r#""statuses":[500,200]"#), "{listed}");
    assert!(listed.contains(r#""latency_us":"#), "{listed}");

    // One fault removed by its place in the list; junk places refused.
    let delete = |path: &str| {
        send(
            reqwest::Method::DELETE,
            format!("{base}/__mock/faults/{path}"),
            false,
            "",
        )
    };
    assert_eq!(delete("1").await, (404, r#"{"error":"no fault 1"}"#.into()));
    let (status, refused) = delete("x").await;
    assert_eq!(status, 400);
    assert!(
        refused.contains("must be a whole number, not `x`"),
        "{refused}"
    );
    assert_eq!(delete("0").await.0, 200);
    assert!(mock.engine().faults().is_empty());
    assert_eq!(get(format!("{base}/orders/7")).await.0, 200);
}

#[tokio::test]
async fn an_undelivered_webhook_says_why() {
    let mock = MockServer::<Shop>::start().await.expect("starts");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = format!("http://{}/hook", listener.local_addr().expect("addr"));
    drop(listener);
    mock.set_webhook_url(closed);
    mock.fire("order", "7", "void", None).await.expect("fires");
    let entry = mock.journal().pop().expect("journaled");
    assert_eq!(entry.statuses, vec![0; WEBHOOK_ATTEMPTS as usize]);
    assert_eq!(entry.response, "(no answer: could not connect)");
}
