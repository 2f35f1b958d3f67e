//! Ten seconds of load at 64 connections against the Tegro.money mock over real HTTP, mixing
//! valid, tampered, replayed and malformed requests. Every request is signed here with
//! HMAC-SHA256 (not by the generated client), every answer is checked against what the
//! provider documents for it, and afterwards every order created is read back. No answer may
//! be a 5xx, and none may be missing (a panicking handler drops its connection).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use payspec_runtime::mock::value::V;
use tegro_money::mock::MockServer;

const SHOP_ID: &str = "1913EA9D9351469B1E5D852A";
const API_KEY: &str = "EEFA1913EA9D9351469B1E5D852A";
const SECONDS: u64 = 10;
const CONNECTIONS: usize = 64;

fn sign(body: &str) -> String {
    payspec_tests::hmac_sha256_hex(API_KEY, body)
}

/// What is sent: body, its signature (or none), content type.
struct Sent {
    path: &'static str,
    body: String,
    signature: Option<String>,
    content_type: &'static str,
}

/// What the provider documents for a request: the HTTP status and, for an error, its `desc`.
#[derive(Debug, PartialEq)]
enum Expect {
    Success,
    Error(u16, &'static str),
}

struct Load {
    base: String,
    http: reqwest::Client,
    nonce: AtomicU64,
    /// A signed 2 MB create, made once: the mock refuses it on size, before it reads the
    /// signature or the nonce.
    huge: Sent,
}

impl Load {
    fn nonce(&self) -> u64 {
        self.nonce.fetch_add(1, Ordering::SeqCst)
    }

    fn create_body(&self, order_id: &str, amount: &str) -> String {
        format!(
            r#"{{"shop_id": "{SHOP_ID}", "nonce": {}, "currency": "RUB", "amount": {amount}, "order_id": "{order_id}", "payment_system": 5}}"#,
            self.nonce()
        )
    }

    fn signed(&self, path: &'static str, body: String) -> Sent {
        Sent {
            path,
            signature: Some(sign(&body)),
            body,
            content_type: "application/json",
        }
    }

    /// Sends; the status and the body read as JSON (`Null` if it is not).
    async fn send(&self, s: &Sent) -> (u16, V) {
        let mut req = self
            .http
            .post(format!("{}{}", self.base, s.path))
            .header("Content-Type", s.content_type)
            .body(s.body.clone());
        if let Some(sig) = &s.signature {
            req = req.header("Authorization", format!("Bearer {sig}"));
        }
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("no answer to {} ({} bytes): {e}", s.path, s.body.len()));
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.expect("body");
        (status, V::parse(&bytes).unwrap_or(V::Null))
    }

    /// Sends and checks the answer against what is documented; the answer's data.
    async fn expect(&self, s: &Sent, want: Expect, what: &str) -> V {
        let (status, v) = self.send(s).await;
        assert!(status < 500, "{what}: {status} {}", v.to_json());
        let got = match v.get("type").map(V::text).as_deref() {
            Some("success") if status == 200 => Expect::Success,
            Some("error") => match v.get("desc").map(V::text) {
                Some(desc) => Expect::Error(status, leak(desc)),
                None => panic!("{what}: an error without desc: {}", v.to_json()),
            },
            _ => panic!("{what}: not Tegro's envelope: {status} {}", v.to_json()),
        };
        assert_eq!(got, want, "{what}: {}", v.to_json());
        v.get("data").cloned().unwrap_or(V::Null)
    }
}

/// Error descriptions come from a small fixed set; keeping them `'static` keeps `Expect`
/// simple.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Counts per kind of request, for the report and the checks after the run.
#[derive(Default)]
struct Tally {
    created: Vec<(String, String)>,
    valid: u64,
    tampered: u64,
    replayed: u64,
    malformed: u64,
}

async fn worker(load: Arc<Load>, w: usize, until: Instant) -> Tally {
    let mut t = Tally::default();
    let mut last_valid: Option<Sent> = None;
    let mut i = 0u64;
    while Instant::now() < until {
        i += 1;
        let order_id = format!("w{w}-{i}");
        match i % 5 {
            // A valid create, then a valid read of it.
            0 | 1 => {
                let s = load.signed("/createOrder/", load.create_body(&order_id, "10.50"));
                let data = load.expect(&s, Expect::Success, "valid create").await;
                let id = data.get("id").map(V::text).expect("an order id");
                let read = load.signed(
                    "/order/",
                    format!(
                        r#"{{"shop_id": "{SHOP_ID}", "nonce": {}, "payment_id": "{order_id}"}}"#,
                        load.nonce()
                    ),
                );
                let got = load.expect(&read, Expect::Success, "valid read").await;
                assert_eq!(got.get("id").map(V::text), Some(id.clone()));
                t.created.push((id, order_id));
                t.valid += 2;
                last_valid = Some(s);
            }
            // Signed, then changed: the amount of a signed body raised.
            2 => {
                let body = load.create_body(&order_id, "10.50");
                let mut s = load.signed("/createOrder/", body.clone());
                s.body = body.replace("10.50", "99999.50");
                load.expect(
                    &s,
                    Expect::Error(200, "Wrong authorization token"),
                    "tampered",
                )
                .await;
                t.tampered += 1;
            }
            // A valid request sent a second time: its nonce is spent.
            3 => {
                if let Some(s) = &last_valid {
                    load.expect(s, Expect::Error(200, "Wrong nonce"), "replayed")
                        .await;
                    t.replayed += 1;
                }
            }
            _ => {
                let (s, want) = malformed(&load, &order_id, i / 5);
                load.expect(&s, want, "malformed").await;
                t.malformed += 1;
            }
        }
    }
    t
}

/// One of the malformed requests, in turn, and the documented answer.
fn malformed(load: &Load, order_id: &str, turn: u64) -> (Sent, Expect) {
    let bad_body = Expect::Error(200, "Wrong request body");
    match turn % 8 {
        0 => {
            let body = format!(r#"{{"shop_id": "{SHOP_ID}", "nonce": "#);
            (load.signed("/createOrder/", body), bad_body)
        }
        1 => {
            // Over the 1 MiB body limit.
            let s = Sent {
                body: load.huge.body.clone(),
                signature: load.huge.signature.clone(),
                ..load.huge
            };
            (s, Expect::Error(413, "Wrong request body"))
        }
        2 => {
            let mut s = load.signed("/createOrder/", load.create_body(order_id, "1"));
            s.content_type = "text/plain";
            (s, Expect::Error(415, "Wrong request body"))
        }
        3 => (
            load.signed("/createOrder/", load.create_body(order_id, "0")),
            Expect::Error(200, "Wrong param amount"),
        ),
        4 => (
            load.signed("/createOrder/", load.create_body("", "5")),
            Expect::Error(200, "Wrong param order_id"),
        ),
        5 => (
            load.signed("/createOrder/", load.create_body(&"o".repeat(5_000), "5")),
            Expect::Error(200, "Wrong param order_id"),
        ),
        6 => {
            // 2,000 members: past the 1,000-member limit.
            let extra: Vec<String> = (0..2_000).map(|k| format!(r#""k{k}": 0"#)).collect();
            let body = load.create_body(order_id, "1");
            let body = format!("{}, {}}}", &body[..body.len() - 1], extra.join(", "));
            (load.signed("/createOrder/", body), bad_body)
        }
        _ => {
            let mut s = load.signed("/createOrder/", load.create_body(order_id, "1"));
            s.signature = None;
            (s, Expect::Error(200, "Wrong authorization token"))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_seconds_of_mixed_traffic_answer_every_request_as_documented() {
    let mut config = tegro_money::mock::spec::default_config();
    // Keep every record of the run, so each can be read back.
    config.limits.records = 10_000_000;
    config.limits.record_bytes = 1 << 32;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let mock = MockServer::start_with(config, addr).await.expect("mock");
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as u64;
    let load = Arc::new(Load {
        base: mock.base_url(),
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(CONNECTIONS)
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
        nonce: AtomicU64::new(now_ms + 1),
        huge: {
            let body = format!(
                r#"{{"shop_id": "{SHOP_ID}", "nonce": {now_ms}, "currency": "RUB", "amount": 1, "order_id": "{}", "payment_system": 5}}"#,
                "x".repeat(2 << 20)
            );
            Sent {
                path: "/createOrder/",
                signature: Some(sign(&body)),
                body,
                content_type: "application/json",
            }
        },
    });
    let started = Instant::now();
    let until = started + Duration::from_secs(SECONDS);
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|w| tokio::spawn(worker(load.clone(), w, until)))
        .collect();
    let mut all = Tally::default();
    for w in workers {
        let t = w.await.expect("a worker panicked");
        all.created.extend(t.created);
        all.valid += t.valid;
        all.tampered += t.tampered;
        all.replayed += t.replayed;
        all.malformed += t.malformed;
    }
    let took = started.elapsed();
    let total = all.valid + all.tampered + all.replayed + all.malformed;
    println!(
        "{total} requests in {took:.1?} ({:.0}/s): {} valid, {} tampered, {} replayed, {} malformed",
        total as f64 / took.as_secs_f64(),
        all.valid,
        all.tampered,
        all.replayed,
        all.malformed
    );
    assert!(
        all.tampered > 0 && all.replayed > 0 && all.malformed >= 8,
        "every kind was sent"
    );
    // Every order created is there, once, with its own payment id.
    for (id, payment_id) in &all.created {
        let rec = mock
            .record("order", id)
            .unwrap_or_else(|| panic!("order {id} lost"));
        assert!(
            rec.contains(&format!("\"payment_id\":\"{payment_id}\"")),
            "{rec}"
        );
    }
    let stats = mock.engine().resource_stats();
    let orders = stats.iter().find(|s| s.name == "order").expect("orders");
    assert_eq!(
        orders.created,
        all.created.len() as u64,
        "nothing else was stored"
    );
    assert_eq!(orders.dropped, 0);
    // Nothing in the journal was a 5xx.
    assert!(mock.journal().iter().all(|e| e.status < 500));
    mock.stop().await;
}
