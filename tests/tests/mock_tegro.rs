//! The Tegro.money client against its generated mock over real HTTP on 127.0.0.1: every
//! endpoint, documented errors, bad signature, replayed nonce, duplicate order, validation,
//! the full payment lifecycle with a verified notification, and 1,000 concurrent creates.

use std::collections::HashSet;

use payspec_tests::capture_one;
use tegro_money::mock::MockServer;
use tegro_money::requests::*;
use tegro_money::types::{Currency, OrderFields, OrderStatus};
use tegro_money::{Client, Credentials, Error};

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

async fn setup() -> (MockServer, Client) {
    let mock = MockServer::start().await.unwrap();
    let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
    (mock, client)
}

fn provider_message(e: Error) -> String {
    match e {
        Error::Api(a) => a.message.unwrap_or_default(),
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[tokio::test]
async fn every_endpoint_answers_in_the_documented_shape() {
    let (_mock, client) = setup().await;
    let created = client
        .create_order(
            &CreateOrderRequest::new(Currency::Rub, dec("1200.50"), "o-1", 5)
                .with_fields(OrderFields::new().with_email("a@b.ru")),
        )
        .await
        .unwrap();
    assert!(created.url.contains(&created.id.to_string()));

    let order = client
        .order(&OrderRequest::new().with_payment_id("o-1"))
        .await
        .unwrap();
    assert_eq!(order.id, created.id);
    assert_eq!(order.status, OrderStatus::NotPaid);
    assert_eq!(order.amount, dec("1200.50"));
    assert_eq!(order.email, "a@b.ru");
    assert_eq!(order.date_payed, None);
    let by_id = client
        .order(&OrderRequest::new().with_order_id(created.id))
        .await
        .unwrap();
    assert_eq!(by_id.payment_id, "o-1");

    let list = client
        .orders(&OrdersRequest::new().with_page(1))
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let shops = client.shops().await.unwrap();
    assert_eq!(shops.shops[0].public_key, "1913EA9D9351469B1E5D852A");

    let w = client
        .create_withdrawal(&CreateWithdrawalRequest::new(
            Currency::Rub,
            "acc-1",
            dec("100"),
            "w-1".into(),
            5,
        ))
        .await
        .unwrap();
    let wid = w.id.unwrap();
    let got = client
        .withdrawal(&WithdrawalRequest::new().with_payment_id("w-1"))
        .await
        .unwrap();
    assert_eq!(got.id, Some(wid));
    assert_eq!(
        client
            .withdrawals(&WithdrawalsRequest::new())
            .await
            .unwrap()
            .len(),
        1
    );

    // 1396.68 opening RUB balance, minus the withdrawal.
    let balance = client.balance().await.unwrap();
    assert_eq!(balance.balance["RUB"], dec("1296.68"));
}

#[tokio::test]
async fn payment_lifecycle_sends_a_signed_notification() {
    let (mock, client) = setup().await;
    let (hook_url, hook) = capture_one(200, "OK").await;
    mock.set_webhook_url(hook_url);
    let created = client
        .create_order(&CreateOrderRequest::new(
            Currency::Rub,
            dec("1200.00"),
            "life-1",
            5,
        ))
        .await
        .unwrap();

    // The customer pays a different sum.
    mock.fire("order", &created.id.to_string(), "paid", Some("1100.50"))
        .await
        .unwrap();
    let received = hook.await.unwrap();
    let headers = reqwest::header::HeaderMap::new();
    let n = tegro_money::webhooks::PaymentNotification::verify(
        "TEGRO-DEMO-SECRET",
        &headers,
        &received.body,
    )
    .unwrap();
    assert_eq!(n.order_id, "life-1");
    assert_eq!(n.amount, dec("1100.50"));
    assert_eq!(n.currency, Currency::Rub);
    assert!(
        tegro_money::webhooks::PaymentNotification::verify(
            "other-secret",
            &headers,
            &received.body
        )
        .is_err()
    );

    let order = client
        .order(&OrderRequest::new().with_payment_id("life-1"))
        .await
        .unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    assert!(order.date_payed.is_some());
    let balance = client.balance().await.unwrap();
    assert_eq!(balance.balance["RUB"], dec("2497.18"));

    // A paid order cannot be paid twice; the journal shows the one delivery.
    assert_eq!(
        mock.fire("order", &created.id.to_string(), "paid", None)
            .await,
        Err("event `paid` cannot fire from state 1".to_string())
    );
    let hooks: Vec<_> = mock
        .journal()
        .into_iter()
        .filter(|e| e.kind == "webhook")
        .collect();
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    assert_eq!(
        (
            hooks[0].name.as_str(),
            hooks[0].status,
            hooks[0].attempts,
            hooks[0].body.as_bytes()
        ),
        ("payment_notification", 200, 1, received.body.as_slice())
    );
}

#[tokio::test]
async fn documented_errors() {
    let (mock, client) = setup().await;
    let wrong = Client::new(Credentials::new(
        "1913EA9D9351469B1E5D852A",
        "wrong-key",
        "TEGRO-DEMO-SECRET",
    ))
    .with_base_url(mock.base_url());
    assert_eq!(
        provider_message(wrong.shops().await.unwrap_err()),
        "Wrong authorization token"
    );
    let stranger = Client::new(Credentials::new(
        "UNKNOWN-SHOP",
        "EEFA1913EA9D9351469B1E5D852A",
        "TEGRO-DEMO-SECRET",
    ))
    .with_base_url(mock.base_url());
    assert_eq!(
        provider_message(stranger.shops().await.unwrap_err()),
        "Wrong authorization token"
    );

    let req = CreateOrderRequest::new(Currency::Rub, dec("10"), "dup", 5);
    client.create_order(&req).await.unwrap();
    assert_eq!(
        provider_message(client.create_order(&req).await.unwrap_err()),
        "Order with this order_id already exists"
    );

    let missing = client
        .order(&OrderRequest::new().with_payment_id("nope"))
        .await
        .unwrap_err();
    assert_eq!(provider_message(missing), "Order not found");
    match client.order(&OrderRequest::new()).await {
        Err(Error::InvalidRequest(m)) => {
            assert_eq!(m.to_string(), "order_id or payment_id: give at least one")
        }
        other => panic!("{other:?}"),
    }
}

/// Posts a body signed with the sample API key, as the docs' Python does.
async fn post_signed(base: &str, path: &str, body: &str) -> serde_json::Value {
    let sign = payspec_tests::hmac_sha256_hex("EEFA1913EA9D9351469B1E5D852A", body);
    let resp = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header("Authorization", format!("Bearer {sign}"))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap()
}

#[tokio::test]
async fn replayed_nonce_missing_and_invalid_params_are_refused() {
    let (mock, _client) = setup().await;
    let base = mock.base_url();
    let body = r#"{"shop_id": "1913EA9D9351469B1E5D852A", "nonce": 5}"#;
    assert_eq!(post_signed(&base, "/shops/", body).await["type"], "success");
    let again = post_signed(&base, "/shops/", body).await;
    assert_eq!(
        (again["type"].as_str(), again["desc"].as_str()),
        (Some("error"), Some("Wrong nonce"))
    );

    let ahead = r#"{"shop_id": "1913EA9D9351469B1E5D852A", "nonce": 100000}"#;
    assert_eq!(
        post_signed(&base, "/shops/", ahead).await["type"],
        "success"
    );
    let stale = r#"{"shop_id": "1913EA9D9351469B1E5D852A", "nonce": 50}"#;
    assert_eq!(
        post_signed(&base, "/shops/", stale).await["desc"],
        "Wrong nonce",
        "a nonce far behind the last one"
    );

    let no_amount = r#"{"shop_id": "1913EA9D9351469B1E5D852A", "nonce": 100006, "currency": "RUB", "order_id": "x", "payment_system": 5}"#;
    assert_eq!(
        post_signed(&base, "/createOrder/", no_amount).await["desc"],
        "Empty required param amount"
    );
    let bad_currency = r#"{"shop_id": "1913EA9D9351469B1E5D852A", "nonce": 100007, "currency": "XXX", "amount": 1, "order_id": "x", "payment_system": 5}"#;
    assert_eq!(
        post_signed(&base, "/createOrder/", bad_currency).await["desc"],
        "Wrong param currency"
    );
    let no_shop = r#"{"nonce": 100008}"#;
    assert_eq!(
        post_signed(&base, "/shops/", no_shop).await["desc"],
        "Empty required param shop_id"
    );
    let not_json = post_signed(&base, "/shops/", "not json").await;
    assert_eq!(not_json["desc"], "Wrong request body");
}

#[tokio::test]
async fn faults_can_be_injected() {
    let (mock, client) = setup().await;
    mock.inject(tegro_money::mock::Fault {
        endpoint: "shops".into(),
        times: 1,
        latency_ms: 30,
        case: Some(tegro_money::mock::tables::Case::Internal),
        status: Some(500),
    });
    let started = std::time::Instant::now();
    let err = client.shops().await.unwrap_err();
    assert!(started.elapsed().as_millis() >= 30);
    match &err {
        Error::Api(e) => {
            assert_eq!(e.status, 500);
            assert_eq!(e.body, r#"{"type":"error","desc":"internal error"}"#);
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
    assert!(err.is_retryable());
    assert_eq!(err.status(), Some(500));
    client.shops().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_creates_lose_nothing() {
    let (mock, client) = setup().await;
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let c = client.clone();
        tasks.push(tokio::spawn(async move {
            c.create_order(&CreateOrderRequest::new(
                Currency::Rub,
                dec("1.00"),
                format!("bulk-{i}"),
                5,
            ))
            .await
            .map(|o| o.id)
        }));
    }
    let mut ids = HashSet::new();
    for t in tasks {
        assert!(ids.insert(t.await.unwrap().unwrap()), "duplicate id");
    }
    assert_eq!(ids.len(), 1000);
    let mut listed = 0;
    for page in 1..=21 {
        listed += client
            .orders(&OrdersRequest::new().with_page(page))
            .await
            .unwrap()
            .len();
    }
    assert_eq!(listed, 1000);
    let requests = mock
        .journal()
        .iter()
        .filter(|e| e.name == "create_order" && e.status == 200)
        .count();
    assert!(
        requests >= 900,
        "journal keeps the recent requests: {requests}"
    );
}

fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// Nonces in the order the client makes them. A server on 127.0.0.1 echoes each request's
/// nonce back as the balance's `user_id`, so every call returns the nonce it was signed with;
/// the bodies as received are kept to check the echo. (The uniqueness check across tasks is
/// `signing_vectors.rs`' `tegro_nonces_strictly_increase_across_tasks`; this test fails for a
/// nonce that is unique but not increasing.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tegro_nonces_strictly_increase_in_the_order_they_are_made() {
    let (url, mut rx) = payspec_tests::serve(|c| {
        let v: serde_json::Value = serde_json::from_slice(&c.body).unwrap_or_default();
        let nonce = v["nonce"].as_u64().unwrap_or(0);
        payspec_tests::Reply::json(
            200,
            format!(
                r#"{{"type":"success","desc":"","data":{{"user_id":{nonce},"balance":{{}}}}}}"#
            ),
        )
    })
    .await;
    let client = Client::new(Credentials::sample()).with_base_url(url);
    let nonce_of = |c: Client| async move { c.balance().await.unwrap().user_id as u64 };
    let started = unix_millis();
    let mut made: Vec<u64> = Vec::new();

    // One after another on one client: each nonce is above the previous one.
    let mut sequential = Vec::new();
    for _ in 0..30 {
        sequential.push(nonce_of(client.clone()).await);
    }
    assert!(
        sequential.windows(2).all(|w| w[0] < w[1]),
        "sequential nonces: {sequential:?}"
    );
    made.extend(&sequential);

    // Rounds of concurrent calls on clones (and on a clone rebuilt by `with_timeout`): every
    // nonce of a round is made after the previous round has finished, so it is above all of
    // that round's nonces; inside a round they are all different.
    let rebuilt = client
        .clone()
        .with_timeout(std::time::Duration::from_secs(10));
    let mut floor = *sequential.last().unwrap();
    for round in 0..8 {
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let c = if i % 2 == 0 {
                    client.clone()
                } else {
                    rebuilt.clone()
                };
                tokio::spawn(nonce_of(c))
            })
            .collect();
        let mut got = Vec::new();
        for t in tasks {
            got.push(t.await.unwrap());
        }
        let lowest = *got.iter().min().unwrap();
        assert!(
            lowest > floor,
            "round {round}: {got:?} not all above the previous round's {floor}"
        );
        let mut distinct = got.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), got.len(), "round {round}: {got:?}");
        floor = *got.iter().max().unwrap();
        made.extend(&got);
    }
    let finished = unix_millis();

    // The nonce is the clock in milliseconds: never behind it, ahead by at most one per call.
    for n in &made {
        assert!(
            *n >= started && *n <= finished + made.len() as u64,
            "{n} outside [{started}, {finished} + {}]",
            made.len()
        );
    }
    // The echo is the nonce sent: every body as received, starting with the injected fields.
    let mut sent = Vec::new();
    while let Ok(c) = rx.try_recv() {
        let body = String::from_utf8(c.body).unwrap();
        let rest = body
            .strip_prefix(r#"{"shop_id":"1913EA9D9351469B1E5D852A","nonce":"#)
            .unwrap_or_else(|| panic!("{body}"));
        sent.push(rest.trim_end_matches('}').parse::<u64>().unwrap());
    }
    let mut want = made.clone();
    want.sort_unstable();
    sent.sort_unstable();
    assert_eq!(sent, want);
}
