//! Every request example in the specs (copied from the providers' docs) is sent to the
//! provider's mock exactly as `tests/vectors/make_vectors.py` signed it — independently of
//! our signing code — with only the host changed. Each must get the documented status and an
//! answer equal to the docs' response example, value by value, except for the keys listed as
//! free below (ids the mock assigns, times, links that embed them). The same request with
//! its signature or credential changed must be refused with the documented error.

use std::collections::BTreeMap;

use payspec::spec;
use payspec_tests::Vector;
use serde_json::Value;

/// Keys whose values the mock chooses, per spec and endpoint, as `a.b[].c` paths.
fn free_keys(spec: &str, endpoint: &str) -> &'static [&'static str] {
    match (spec, endpoint) {
        // The order id is a sequence and the link embeds it.
        ("tegro-money", "create_order") => &[".data.id", ".data.url"],
        // The first shop's key is the configured shop id (the docs print an unrelated key).
        ("tegro-money", "shops") => &[".data.shops[].public_key"],
        // Creation and payment times are the mock's clock.
        ("tegro-money", "order") => &[".data.date_created"],
        // The docs' list has a second order the replay never made.
        ("tegro-money", "orders") => &[".data[].date_created", ".data[1]*"],
        ("tegro-money", "create_withdrawal") => &[".data.id"],
        ("tegro-money", "withdrawal" | "withdrawals") => {
            &[".data.date_created", ".data.withdrawals[].date_created"]
        }
        // The wallet the customer pays to is the mock's invention.
        ("m2cerber", "get_wallet") => &[".wallet_link", ".image", ".wallet_number"],
        // Provider-side ids and times.
        // The fee is the provider's; the mock charges none.
        ("pegas-kassa", "deposit" | "withdrawal") => &[".id", ".url", ".created_at", ".commission"],
        // The docs cancel their own deposit id; the mock answers with the one it gave.
        ("pegas-kassa", "deposit_cancel") => &[".id"],
        ("begateway", "create_product" | "get_product" | "update_product") => &[
            ".id",
            ".pay_url",
            ".payment_url",
            ".confirm_url",
            ".created_at",
            ".updated_at",
        ],
        _ => &[],
    }
}

/// Values the replayed requests fix where the docs' answer shows another record: the docs
/// look up an order or a balance of their own history, the replay one it made itself.
fn from_request(spec: &str, endpoint: &str) -> Vec<(String, Value)> {
    use serde_json::json;
    // The order made by the docs' createOrder example, unpaid.
    let order = |at: &str| -> Vec<(String, Value)> {
        [
            ("id", json!(755555)),
            ("payment_id", json!("test order")),
            ("amount", json!("1200")),
            ("email", json!("user@email.ru")),
            ("payment_system_id", json!(5)),
            ("status", json!(0)),
            ("date_payed", Value::Null),
            ("test_order", json!(1)),
            ("fee", json!("0.00000000")),
        ]
        .into_iter()
        .map(|(k, v)| (format!("{at}.{k}"), v))
        .collect()
    };
    match (spec, endpoint) {
        ("tegro-money", "order") => order(".data"),
        ("tegro-money", "orders") => order(".data[0]"),
        // get_wallet of 500, then update_status accept: 500 is being checked.
        ("m2cerber", "get_balance") => vec![
            (".canceled_sum".into(), json!(0)),
            (".confirm_sum".into(), json!(0)),
            (".pending_sum".into(), json!(500)),
        ],
        // The docs' opening balance less the replayed withdrawal of 500.00.
        ("pegas-kassa", "balance") => vec![(".balance".into(), json!(9500.0))],
        _ => Vec::new(),
    }
}

/// Leaves of a JSON value by path (arrays by index, `[]` in the free-key patterns).
fn leaves(v: &Value, path: &str, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                leaves(x, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                leaves(x, &format!("{path}[{i}]"), out);
            }
        }
        other => {
            out.insert(path.to_string(), other.clone());
        }
    }
}

/// A free-key pattern matches a path with any array index where it says `[]`, or as a
/// prefix when it ends with `*`.
fn is_free(path: &str, free: &[&str]) -> bool {
    if free
        .iter()
        .any(|f| f.strip_suffix('*').is_some_and(|p| path.starts_with(p)))
    {
        return true;
    }
    let general: String = {
        let mut s = String::new();
        let mut skip = false;
        for c in path.chars() {
            match c {
                '[' => {
                    s.push_str("[]");
                    skip = true;
                }
                ']' => skip = false,
                c if !skip => s.push(c),
                _ => {}
            }
        }
        s
    };
    free.contains(&general.as_str())
}

/// Numbers compare by value (`1200` and `1200.00` are the same amount); an id the spec types
/// `string_or_number` may come back in the other form with the same text; the rest exactly.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => {
            n.to_string() == *s
        }
        (Value::Number(x), Value::Number(y)) => {
            let d = |n: &serde_json::Number| n.to_string().parse::<rust_decimal::Decimal>().ok();
            d(x).is_some() && d(x) == d(y)
        }
        _ => a == b,
    }
}

/// Every docs response key must come back with the documented value, unless free or fixed
/// otherwise by the request.
fn compare(spec: &str, endpoint: &str, doc: &Value, got: &Value) -> Vec<String> {
    let (mut want, mut have) = (BTreeMap::new(), BTreeMap::new());
    leaves(doc, "", &mut want);
    leaves(got, "", &mut have);
    let free = free_keys(spec, endpoint);
    for (path, value) in from_request(spec, endpoint) {
        assert!(
            want.contains_key(&path),
            "{spec} {endpoint}: {path} is not in the docs' answer"
        );
        want.insert(path, value);
    }
    let mut wrong = Vec::new();
    for (path, w) in &want {
        match have.get(path) {
            None if is_free(path, free) => {}
            None => wrong.push(format!("{path}: missing (docs: {w})")),
            Some(h) if !is_free(path, free) && !same(w, h) => {
                wrong.push(format!("{path}: {h} (docs: {w})"))
            }
            Some(_) => {}
        }
    }
    if !wrong.is_empty() {
        wrong.insert(0, format!("{spec} {endpoint}: {got}"));
    }
    wrong
}

/// The request of a vector, with its authentication spoiled if `spoil`.
fn request(http: &reqwest::Client, base: &str, v: &Vector, spoil: bool) -> reqwest::RequestBuilder {
    let method = reqwest::Method::from_bytes(v.method.as_bytes()).unwrap();
    let mut query = v.query.clone();
    if spoil && v.scheme == "token" {
        for (k, x) in &mut query {
            if k == "token" {
                x.push('x');
            }
        }
    }
    let mut rb = http
        .request(method, format!("{base}{}", v.path))
        .query(&query);
    for (k, x) in &v.headers {
        let x = if spoil { spoiled(x) } else { x.clone() };
        rb = rb.header(k, x);
    }
    if !v.body.is_empty() {
        rb = rb
            .header("Content-Type", "application/json")
            .body(v.body.clone());
    }
    rb
}

/// The last character of a signature or credential changed.
fn spoiled(value: &str) -> String {
    let mut s = value.to_string();
    let last = s.pop().unwrap();
    s.push(if last == 'a' { 'b' } else { 'a' });
    s
}

/// Sends each request vector of a spec, in file order; returns how many docs examples were
/// sent. `refused` is the documented answer to a spoiled signature: status and body.
async fn replay(
    spec_name: &str,
    base: &str,
    refused: (u16, Value),
    forget_nonces: &dyn Fn(),
) -> usize {
    let loaded = spec::load(std::path::Path::new(&format!("../specs/{spec_name}.yaml")))
        .unwrap_or_else(|(_, d)| panic!("{d:?}"));
    let s = &loaded.spec;
    let http = reqwest::Client::new();
    let mut docs = 0;
    let mut wrong = Vec::new();
    for v in Vector::requests().iter().filter(|v| v.spec == spec_name) {
        let e = &s.endpoints[&v.endpoint];
        if let Some(i) = v.example {
            let doc = e.examples[i].request.as_ref().unwrap();
            assert!(
                v.body.is_empty() || v.body == doc.value,
                "{}: the vector is not the docs example; rerun make_vectors.py",
                v.name()
            );
        }
        // Spoiled first: it must change nothing (no record, no nonce used).
        forget_nonces();
        let resp = request(&http, base, v, true).send().await.unwrap();
        let status = resp.status().as_u16();
        let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
        assert_eq!(
            (status, &body),
            (refused.0, &refused.1),
            "{}: spoiled",
            v.name()
        );

        let resp = request(&http, base, v, false).send().await.unwrap();
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.unwrap();
        let want = e.response.status.as_ref().map(|s| s.value).unwrap_or(200);
        assert_eq!(
            status,
            want,
            "{}: {}",
            v.name(),
            String::from_utf8_lossy(&bytes)
        );
        let Some(i) = v.example else { continue };
        docs += 1;
        if bytes.is_empty() {
            assert_eq!(status, 204, "{}: empty answer", v.name());
            continue;
        }
        let Ok(got) = serde_json::from_slice::<Value>(&bytes) else {
            assert!(
                bytes.starts_with(b"%PDF"),
                "{}: neither JSON nor the receipt file: {bytes:?}",
                v.name()
            );
            continue;
        };
        if let Some(doc) = &e.examples[i].response {
            wrong.extend(compare(
                spec_name,
                &v.endpoint,
                &serde_json::from_str(&doc.value).unwrap(),
                &got,
            ));
        } else if let Some(doc) = e
            .examples
            .iter()
            .filter(|x| x.status.is_none())
            .find_map(|x| x.response.as_ref())
        {
            // This example prints no answer: another example's answer gives the keys.
            let (mut want, mut have) = (BTreeMap::new(), BTreeMap::new());
            leaves(&serde_json::from_str(&doc.value).unwrap(), "", &mut want);
            leaves(&got, "", &mut have);
            let missing: Vec<_> = want.keys().filter(|k| !have.contains_key(*k)).collect();
            assert!(
                missing.is_empty(),
                "{}: the answer lacks {missing:?}: {got}",
                v.name()
            );
        } else if let Some(env) = &s.envelope {
            assert_eq!(
                got[&env.status_field.value],
                Value::String(env.success.value.clone()),
                "{}: {got}",
                v.name()
            );
        }
    }
    assert!(
        wrong.is_empty(),
        "the mock's answers differ from the docs:\n{}",
        wrong.join("\n  ")
    );
    docs
}

/// The provider's own base URL with only scheme and host replaced by the mock's: what a
/// user changes in existing code. It is the mock's `base_url()`.
fn swap_host(spec_name: &str, addr: std::net::SocketAddr) -> String {
    let loaded = spec::load(std::path::Path::new(&format!("../specs/{spec_name}.yaml")))
        .unwrap_or_else(|(_, d)| panic!("{d:?}"));
    let real = &loaded.spec.provider.base_url.value;
    let after_scheme = real.split_once("://").map_or(real.as_str(), |(_, r)| r);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    format!("http://{addr}{path}")
}

#[tokio::test]
async fn the_mock_serves_under_the_providers_base_path() {
    let tegro = tegro_money::mock::MockServer::start().await.unwrap();
    assert_eq!(tegro.base_url(), format!("http://{}/api", tegro.addr()));
    assert_eq!(tegro.base_url(), swap_host("tegro-money", tegro.addr()));
    let m2 = m2cerber::mock::MockServer::start().await.unwrap();
    assert_eq!(m2.base_url(), format!("http://{}/bot_api", m2.addr()));
    let pegas = pegas_kassa::mock::MockServer::start().await.unwrap();
    assert_eq!(pegas.base_url(), format!("http://{}/api/v1", pegas.addr()));
    let bg = begateway::mock::MockServer::start().await.unwrap();
    assert_eq!(bg.base_url(), format!("http://{}", bg.addr()));
}

#[tokio::test]
async fn tegro_docs_examples() {
    let mock = tegro_money::mock::MockServer::start().await.unwrap();
    let refused = serde_json::json!({"type": "error", "desc": "Wrong authorization token"});
    let n = replay(
        "tegro-money",
        &swap_host("tegro-money", mock.addr()),
        (200, refused),
        &|| mock.forget_nonces(),
    )
    .await;
    assert_eq!(n, 8);
}

#[tokio::test]
async fn begateway_docs_examples() {
    let mock = begateway::mock::MockServer::start().await.unwrap();
    let refused = serde_json::json!({"message": "Unauthorized"});
    let n = replay(
        "begateway",
        &swap_host("begateway", mock.addr()),
        (401, refused),
        &|| (),
    )
    .await;
    assert_eq!(n, 4);
}

#[tokio::test]
async fn pegas_docs_examples() {
    let mock = pegas_kassa::mock::MockServer::start().await.unwrap();
    let refused = serde_json::json!({"code": "authorization_error", "message": "Invalid token"});
    let n = replay(
        "pegas-kassa",
        &swap_host("pegas-kassa", mock.addr()),
        (401, refused),
        &|| (),
    )
    .await;
    assert_eq!(n, 5);
}

#[tokio::test]
async fn m2cerber_docs_examples() {
    let mock = m2cerber::mock::MockServer::start().await.unwrap();
    let refused = serde_json::json!({"error": "Signature error"});
    let n = replay(
        "m2cerber",
        &swap_host("m2cerber", mock.addr()),
        (401, refused),
        &|| (),
    )
    .await;
    assert_eq!(n, 4);
}
