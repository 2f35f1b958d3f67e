//! Routing mistakes are not business errors: against each provider's mock, an unknown route is
//! a 404 and a known path with the wrong method a 405 (with `Allow`), both in the provider's
//! error shape and never a 2xx; a path outside the base URL's path is unknown too. The control
//! API answers at the root and under the base path.

use serde_json::Value;

struct Case {
    base: String,
    /// A path of the API and the method it takes.
    path: &'static str,
    method: &'static str,
    /// Where the provider's error shape puts the message.
    message_at: &'static [&'static str],
}

async fn send(method: &str, url: &str) -> (u16, Option<String>, Value) {
    let r = reqwest::Client::new()
        .request(method.parse().expect("method"), url)
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("an answer");
    let status = r.status().as_u16();
    let allow = r
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = r.bytes().await.expect("body");
    let v = serde_json::from_slice(&body)
        .unwrap_or_else(|_| panic!("{url}: not JSON: {}", String::from_utf8_lossy(&body)));
    (status, allow, v)
}

fn message<'v>(v: &'v Value, at: &[&str]) -> &'v str {
    at.iter()
        .fold(v, |v, k| &v[*k])
        .as_str()
        .unwrap_or_else(|| panic!("no message at {at:?} in {v}"))
}

async fn check(c: Case) {
    // An unknown route under the base path.
    let (status, _, v) = send("POST", &format!("{}/no-such-route", c.base)).await;
    assert_eq!(status, 404, "{v}");
    assert!(
        message(&v, c.message_at).contains("no endpoint POST"),
        "{v}"
    );
    // The wrong method on a real path.
    let wrong = if c.method == "GET" { "DELETE" } else { "GET" };
    let (status, allow, v) = send(wrong, &format!("{}{}", c.base, c.path)).await;
    assert_eq!(status, 405, "{wrong} {}: {v}", c.path);
    let allow = allow.unwrap_or_default();
    assert!(
        allow.split(", ").any(|m| m == c.method),
        "Allow: {allow}; {v}"
    );
    assert!(!allow.split(", ").any(|m| m == wrong), "Allow: {allow}");
    assert!(
        message(&v, c.message_at).ends_with(&format!("use {allow}")),
        "{v}"
    );
    // The control API, under the base path and at the root.
    let root = c.base.split('/').take(3).collect::<Vec<_>>().join("/");
    for url in [
        format!("{}/__mock/health", c.base),
        format!("{root}/__mock/health"),
    ] {
        let (status, _, v) = send("GET", &url).await;
        assert_eq!((status, v["ok"].as_bool()), (200, Some(true)), "{url}");
    }
}

#[tokio::test]
async fn tegro_money() {
    let mock = tegro_money::mock::MockServer::start().await.expect("mock");
    check(Case {
        base: mock.base_url(),
        path: "/createOrder/",
        method: "POST",
        message_at: &["desc"],
    })
    .await;
    // The envelope's error outcome, with a 404 rather than Tegro's usual 200.
    let (status, _, v) = send("POST", &format!("{}/nope/", mock.base_url())).await;
    assert_eq!((status, v["type"].as_str()), (404, Some("error")));
    // Outside the base path: the documented route without `/api` is not the API.
    let outside = format!("http://{}/createOrder/", mock.addr());
    let (status, _, _) = send("POST", &outside).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn m2cerber() {
    let mock = m2cerber::mock::MockServer::start().await.expect("mock");
    check(Case {
        base: mock.base_url(),
        path: "/get_wallet/",
        method: "POST",
        message_at: &["error"],
    })
    .await;
}

#[tokio::test]
async fn pegas_kassa() {
    let mock = pegas_kassa::mock::MockServer::start().await.expect("mock");
    check(Case {
        base: mock.base_url(),
        path: "/balance",
        method: "GET",
        message_at: &["message"],
    })
    .await;
}

#[tokio::test]
async fn begateway() {
    let mock = begateway::mock::MockServer::start().await.expect("mock");
    check(Case {
        base: mock.base_url(),
        path: "/products",
        method: "GET",
        message_at: &["message"],
    })
    .await;
}
