//! The mock's limits, each crossed on purpose: members per object, nesting depth, string
//! length where the spec gives none, bounds on amounts (exclusive ones, decimals compared as
//! decimals), media types, records and bytes kept (dropped records counted), the journal,
//! and over HTTP the header and body timeouts and the flags that set every limit. Each
//! refusal is checked in the provider's error shape.
#![cfg(feature = "mock")]

mod shop;

use std::time::{Duration, Instant};

use payspec_runtime::mock::engine::{Config, Engine};
use payspec_runtime::mock::tables::Spec;
use payspec_runtime::mock::value::V;
use payspec_runtime::mock::{Limits, MockServer, Provider};
use shop::*;

struct Answer {
    status: u16,
    json: V,
}

impl Answer {
    fn at(&self, path: &str) -> String {
        self.json
            .path(path)
            .map(V::text)
            .unwrap_or_else(|| panic!("no {path} in {}", self.json.to_json()))
    }
}

fn with_limits(f: impl FnOnce(&mut Limits)) -> Engine {
    let mut c = config();
    f(&mut c.limits);
    Engine::new(&SPEC, c)
}

fn call(e: &Engine, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let owned: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    let get = move |name: &str| {
        owned
            .iter()
            .find(|(k, _)| *k == name.to_ascii_lowercase())
            .map(|(_, v)| v.clone())
    };
    let (reply, _) = e.handle("POST", path, "", &get, body.as_bytes());
    Answer {
        status: reply.status,
        json: V::parse(&reply.body).unwrap_or(V::Null),
    }
}

const TOKEN: (&str, &str) = ("X-Token", "t0k");

fn order(e: &Engine, body: &str) -> Answer {
    call(e, "/orders", &[TOKEN], body)
}

fn assert_malformed(a: &Answer, status: u16, message: &str) {
    assert_eq!(a.status, status, "{}", a.json.to_json());
    assert_eq!(a.at("error.code"), "malformed");
    assert_eq!(a.at("error.message"), format!("bad request: {message}"));
}

#[test]
fn nesting_deeper_than_the_limit_is_malformed() {
    let e = with_limits(|l| l.depth = 4);
    let nested = |n: usize| {
        format!(
            r#"{{"ref": "D1", "amount": 1, "meta": {}1{}}}"#,
            "[".repeat(n),
            "]".repeat(n)
        )
    };
    // The body object is level 1: three arrays inside make 4 levels.
    let a = order(&e, &nested(4));
    assert_malformed(&a, 400, "the body nests deeper than 4 levels");
    // At the limit the body is read (and then refused by the field's type, not the reader).
    let a = order(&e, &nested(3));
    assert_eq!(a.at("error.code"), "invalid_field", "{}", a.json.to_json());
    // The default is 32 levels.
    assert_eq!(Limits::default().depth, 32);
}

#[test]
fn form_bodies_have_the_member_limit_too() {
    let e = with_limits(|l| l.object_members = 16);
    let form = |n: usize| {
        (0..n)
            .map(|i| format!("k{i}=1"))
            .collect::<Vec<_>>()
            .join("&")
    };
    let a = call(&e, "/orders/5/update", &[TOKEN], &form(17));
    assert_malformed(&a, 400, "more than 16 form fields");
    assert_ne!(
        call(&e, "/orders/5/update", &[TOKEN], &form(16)).status,
        400
    );
}

#[test]
fn a_string_without_max_length_is_bounded_by_the_default() {
    let e = Engine::new(&SPEC, config());
    let limit = Limits::DEFAULT.string_chars as usize;
    let note = |n: usize| {
        format!(
            r#"{{"ref": "S1", "amount": 1, "note": "{}"}}"#,
            "é".repeat(n)
        )
    };
    // Characters are counted, not bytes: 1,024 two-byte characters are within the limit.
    assert_eq!(order(&e, &note(limit)).status, 201);
    let a = order(&e, &note(limit + 1));
    assert_eq!(a.status, 400, "{}", a.json.to_json());
    assert_eq!(a.at("error.field"), "note");
    assert_eq!(
        a.at("error.reason"),
        format!("length must be between 0 and {limit} characters")
    );
    // A spec's own max_length wins over the default (ref: 2 to 8).
    let a = order(&e, r#"{"ref": "ABCDEFGHI", "amount": 1}"#);
    assert_eq!(
        a.at("error.reason"),
        "length must be between 2 and 8 characters"
    );
    // Raised by configuration.
    let e = with_limits(|l| l.string_chars = 5_000);
    assert_eq!(order(&e, &note(5_000)).status, 201);
}

#[test]
fn amounts_must_be_above_zero_and_below_the_exclusive_maximum() {
    // `tip`: exclusive_minimum 0, exclusive_maximum 1,000,000.
    let e = Engine::new(&SPEC, config());
    for (amount, reason) in [
        ("0", "must be more than 0"),
        ("-0", "must be more than 0"),
        ("0.00", "must be more than 0"),
        ("-5", "must be more than 0"),
        ("-0.01", "must be more than 0"),
        ("1000000", "must be less than 1000000"),
        ("1e6", "must be less than 1000000"),
    ] {
        let a = order(
            &e,
            &format!(r#"{{"ref": "Z1", "amount": 1, "tip": {amount}}}"#),
        );
        assert_eq!(a.status, 400, "{amount}: {}", a.json.to_json());
        assert_eq!(a.at("error.field"), "tip", "{amount}");
        assert_eq!(a.at("error.reason"), reason, "{amount}");
    }
    for (i, amount) in ["0.01", "1", "999999.99", "1e-2"].iter().enumerate() {
        let a = order(
            &e,
            &format!(r#"{{"ref": "Z{i}", "amount": 1, "tip": {amount}}}"#),
        );
        assert_eq!(a.status, 201, "{amount}: {}", a.json.to_json());
    }
}

#[test]
fn a_body_declared_as_another_media_type_is_refused_with_415() {
    let e = Engine::new(&SPEC, config());
    let body = r#"{"ref": "C9", "amount": 1}"#;
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
    ] {
        let a = call(&e, "/orders", &[TOKEN, ("Content-Type", ct)], body);
        assert_malformed(
            &a,
            415,
            &format!("the body must be application/json, not {ct}"),
        );
    }
    for (i, ct) in [
        "application/json",
        "Application/JSON; charset=utf-8",
        "application/merge-patch+json",
    ]
    .iter()
    .enumerate()
    {
        let body = format!(r#"{{"ref": "C{i}", "amount": 1}}"#);
        let a = call(&e, "/orders", &[TOKEN, ("Content-Type", ct)], &body);
        assert_eq!(a.status, 201, "{ct}: {}", a.json.to_json());
    }
    // No Content-Type: read as the endpoint's encoding.
    assert_eq!(call(&e, "/orders", &[TOKEN], body).status, 201);
    assert_eq!(
        e.resource_stats()[0].created,
        1 + 4,
        "the refused ones stored nothing"
    );
    // A form endpoint wants a form.
    let a = call(
        &e,
        "/orders/5/update",
        &[TOKEN, ("Content-Type", "application/json")],
        "paid=1",
    );
    assert_eq!(a.status, 415, "{}", a.json.to_json());
    let a = call(
        &e,
        "/orders/5/update",
        &[TOKEN, ("Content-Type", "application/x-www-form-urlencoded")],
        "paid=1",
    );
    assert_ne!(a.status, 415, "{}", a.json.to_json());
}

#[test]
fn records_past_the_byte_budget_drop_the_oldest_and_are_counted() {
    let e = with_limits(|l| l.record_bytes = 200_000);
    let note = "n".repeat(1_000);
    let mut ids = Vec::new();
    for i in 0..400 {
        let a = order(
            &e,
            &format!(r#"{{"ref": "B{i}", "amount": 1, "note": "{note}"}}"#),
        );
        assert_eq!(a.status, 201, "{i}: {}", a.json.to_json());
        ids.push(a.at("id"));
    }
    let s = e
        .resource_stats()
        .into_iter()
        .find(|s| s.name == "order")
        .expect("order");
    let total: usize = e.resource_stats().iter().map(|s| s.bytes).sum();
    assert!(total <= 200_000, "{total} bytes kept");
    assert!(s.dropped > 0 && s.kept > 50, "{s:?}");
    assert_eq!(s.created, s.kept as u64 + s.dropped);
    // The seed and the first orders went first; the newest are readable.
    assert!(e.record("order", ids.last().expect("id")).is_some());
    assert_eq!(e.record("order", &ids[0]), None);
}

#[test]
fn records_past_the_count_limit_are_counted_as_dropped() {
    let e = with_limits(|l| l.records = 10);
    for i in 0..25 {
        let a = order(&e, &format!(r#"{{"ref": "R{i}", "amount": 1}}"#));
        assert_eq!(a.status, 201);
    }
    let s = e.resource_stats().into_iter().next().expect("order");
    // 1 seed + 25 created, 10 kept.
    assert_eq!((s.kept, s.created, s.dropped), (10, 26, 16));
}

#[test]
fn the_journal_keeps_as_many_entries_as_configured() {
    let e = with_limits(|l| l.journal = 3);
    for i in 0..5 {
        order(&e, &format!(r#"{{"ref": "J{i}", "amount": 1}}"#));
    }
    let j = e.journal();
    assert_eq!(j.len(), 3);
    assert!(j[2].body.contains("J4") && j[0].body.contains("J2"));
}

// ----- over HTTP --------------------------------------------------------------------

struct Shop;

impl Provider for Shop {
    fn spec() -> &'static Spec {
        &shop::SPEC
    }

    fn default_config() -> Config {
        shop::config()
    }
}

async fn start(f: impl FnOnce(&mut Limits)) -> MockServer<Shop> {
    let mut c = Shop::default_config();
    f(&mut c.limits);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    MockServer::<Shop>::start_with(c, addr).await.expect("mock")
}

/// Writes `first`, waits, then writes `rest` on a raw connection; what came back and when.
async fn raw_exchange(host: &str, first: &str, wait: Duration, rest: &str) -> (String, Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(host).await.expect("connect");
    let started = Instant::now();
    s.write_all(first.as_bytes()).await.expect("write");
    tokio::time::sleep(wait).await;
    let _ = s.write_all(rest.as_bytes()).await;
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "still open after 5 s");
    (
        String::from_utf8_lossy(&buf).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn headers_that_trickle_in_are_cut_at_the_header_timeout() {
    // Idle is long, so only the header timeout can close this connection: a byte every
    // 100 ms keeps the idle timer happy but the headers never end.
    let mock = start(|l| {
        l.header_timeout = Duration::from_millis(400);
        l.idle_timeout = Duration::from_secs(30);
    })
    .await;
    let host = mock.base_url().trim_start_matches("http://").to_string();
    let started = Instant::now();
    let trickle = async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(&host)
            .await
            .expect("connect");
        s.write_all(b"GET /orders/5 HTTP/1.1\r\n")
            .await
            .expect("write");
        let mut buf = [0u8; 256];
        for i in 0..50 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if s.write_all(format!("X-{i}: y\r\n").as_bytes())
                .await
                .is_err()
            {
                return;
            }
            // A closed connection reads 0 bytes (or errors) at once.
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_millis(1), s.read(&mut buf)).await
                && n == 0
            {
                return;
            }
        }
        panic!("the connection stayed open for 5 s of trickling headers");
    };
    trickle.await;
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(3),
        "{took:?}"
    );
    mock.stop().await;
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_answered_408() {
    let mock = start(|l| {
        l.body_timeout = Duration::from_millis(300);
        l.idle_timeout = Duration::from_secs(30);
    })
    .await;
    let host = mock.base_url().trim_start_matches("http://").to_string();
    let head = "POST /orders HTTP/1.1\r\nHost: x\r\nX-Token: t0k\r\nContent-Length: 40\r\n\r\n";
    let (answer, took) = raw_exchange(
        &host,
        &format!("{head}{{\"ref\":"),
        Duration::from_millis(800),
        "",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains(r#""code":"malformed""#)
            && answer.contains("the body did not arrive in time"),
        "{answer}"
    );
    assert!(took >= Duration::from_millis(300), "{took:?}");
    // A body that arrives in time is read.
    let ok = r#"{"ref": "T1", "amount": 1}"#;
    let (answer, _) = raw_exchange(
        &host,
        &format!(
            "POST /orders HTTP/1.1\r\nHost: x\r\nX-Token: t0k\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
            ok.len()
        ),
        Duration::from_millis(100),
        ok,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    mock.stop().await;
}

#[tokio::test]
async fn limits_set_at_start_show_in_health() {
    let mock = start(|l| {
        l.object_members = 77;
        l.body_bytes = 4_096;
        l.header_timeout = Duration::from_secs(3);
    })
    .await;
    let health = reqwest::get(format!("{}/__mock/health", mock.base_url()))
        .await
        .expect("health")
        .text()
        .await
        .expect("text");
    let h = V::parse(health.as_bytes()).expect("json");
    let at = |k: &str| h.path(&format!("limits.{k}")).map(V::text);
    assert_eq!(at("object_members").as_deref(), Some("77"));
    assert_eq!(at("body_bytes").as_deref(), Some("4096"));
    assert_eq!(at("header_timeout_ms").as_deref(), Some("3000"));
    assert_eq!(at("depth").as_deref(), Some("32"));
    // The body limit is the configured one.
    let big = format!(
        r#"{{"ref": "H1", "amount": 1, "note": "{}"}}"#,
        "x".repeat(5_000)
    );
    let r = reqwest::Client::new()
        .post(format!("{}/orders", mock.base_url()))
        .header("X-Token", "t0k")
        .body(big)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status().as_u16(), 413);
    mock.stop().await;
}

#[test]
fn every_limit_is_a_flag_of_the_mock_command() {
    use payspec_runtime::mock::cli::{Command, help, parse};
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let given = args(&[
        "--max-body",
        "2048",
        "--max-members",
        "50",
        "--max-depth",
        "8",
        "--max-string",
        "300",
        "--max-records",
        "99",
        "--max-record-bytes",
        "2097152",
        "--max-journal",
        "7",
        "--header-timeout",
        "4",
        "--body-timeout",
        "6",
        "--idle-timeout",
        "9",
    ]);
    let Ok(Command::Run(_, c)) = parse(&shop::SPEC, &given) else {
        panic!("parsed")
    };
    let l = c.limits;
    assert_eq!(
        (l.body_bytes, l.object_members, l.depth, l.string_chars),
        (2048, 50, 8, 300)
    );
    assert_eq!((l.records, l.record_bytes, l.journal), (99, 2_097_152, 7));
    assert_eq!(
        (l.header_timeout, l.body_timeout, l.idle_timeout),
        (
            Duration::from_secs(4),
            Duration::from_secs(6),
            Duration::from_secs(9)
        )
    );
    for (bad, message) in [
        (&["--max-body"][..], "--max-body needs a number of bytes"),
        (
            &["--max-depth", "500"],
            "--max-depth: `500` is not a nesting depth from 2 to 128",
        ),
        (&["--max-records", "0"], "--max-records: `0` is not"),
        (&["--header-timeout", "x"], "--header-timeout: `x` is not"),
    ] {
        let e = parse(&shop::SPEC, &args(bad)).expect_err("usage error");
        assert!(e.contains(message), "{bad:?}: {e}");
    }
    let text = help("shop-mock", "Test Shop");
    for f in payspec_runtime::mock::limits::FLAGS {
        assert!(text.contains(f.flag), "{} missing from help", f.flag);
    }
    assert!(
        text.contains("--max-body N") && text.contains("(default 1048576)"),
        "{text}"
    );
}
