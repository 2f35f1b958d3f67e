//! Webhook delivery of the generated mocks, against receivers on 127.0.0.1: a receiver that
//! fails twice then accepts gets the same signed notification three times and the journal
//! records three attempts and the success; a receiver that always fails (or does not exist)
//! gets the documented maximum number of tries and the journal records the failure.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use payspec_tests::{Captured, Reply, serve};

/// A receiver that answers the first `failures` requests with `fail_status`, then 200; it
/// notes when each request arrived.
async fn flaky_receiver(
    failures: usize,
    fail_status: u16,
) -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<Captured>,
    Arc<Mutex<Vec<Instant>>>,
) {
    let seen = Arc::new(AtomicUsize::new(0));
    let times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    let (url, rx) = serve(move |_| {
        t.lock().unwrap().push(Instant::now());
        if seen.fetch_add(1, Ordering::SeqCst) < failures {
            Reply::new(fail_status, "text/plain", "try again")
        } else {
            Reply::new(200, "text/plain", "OK")
        }
    })
    .await;
    (url, rx, times)
}

fn drain(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Captured>) -> Vec<Captured> {
    let mut got = Vec::new();
    while let Ok(c) = rx.try_recv() {
        got.push(c);
    }
    got
}

fn headers_of(c: &Captured) -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    for (k, v) in &c.headers {
        h.insert(
            reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            reqwest::header::HeaderValue::from_str(v).unwrap(),
        );
    }
    h
}

/// All deliveries are the same POST: same target, body and headers.
fn assert_identical(got: &[Captured]) {
    let first = &got[0];
    for (i, c) in got.iter().enumerate() {
        assert_eq!(c.method, "POST", "attempt {i}");
        assert_eq!(c.target, first.target, "attempt {i}");
        assert_eq!(c.body, first.body, "attempt {i}");
        for name in [
            "content-type",
            "signature",
            "authorization",
            "content-length",
        ] {
            assert_eq!(c.header(name), first.header(name), "attempt {i}: {name}");
        }
    }
}

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

#[test]
fn the_documented_number_of_tries_is_four() {
    assert_eq!(tegro_money::mock::server::WEBHOOK_ATTEMPTS, 4);
    assert_eq!(m2cerber::mock::server::WEBHOOK_ATTEMPTS, 4);
}

mod tegro {
    use super::*;
    use tegro_money::mock::MockServer;
    use tegro_money::mock::server::WEBHOOK_ATTEMPTS;
    use tegro_money::requests::CreateOrderRequest;
    use tegro_money::types::{Currency, OrderStatus};
    use tegro_money::webhooks::PaymentNotification;
    use tegro_money::{Client, Credentials};

    const SECRET: &str = "TEGRO-DEMO-SECRET";

    async fn order(client: &Client, order_id: &str) -> i64 {
        client
            .create_order(&CreateOrderRequest::new(
                Currency::Rub,
                dec("1200.00"),
                order_id,
                5,
            ))
            .await
            .unwrap()
            .id
    }

    fn verify(c: &Captured, order_id: &str) {
        let n = PaymentNotification::verify(SECRET, &headers_of(c), &c.body).unwrap();
        assert_eq!(
            (
                n.shop_id.as_str(),
                n.amount,
                n.order_id.as_str(),
                n.payment_system,
                n.currency,
                n.test
            ),
            (
                "1913EA9D9351469B1E5D852A",
                dec("1100.50"),
                order_id,
                5,
                Currency::Rub,
                Some(1)
            )
        );
        let body = String::from_utf8(c.body.clone()).unwrap();
        let prefix = format!(
            "shop_id=1913EA9D9351469B1E5D852A&amount=1100.50&order_id={order_id}&payment_system=5&currency=RUB&test=1&sign="
        );
        let sign = body.strip_prefix(&prefix).expect(&body);
        assert!(
            sign.len() == 32 && sign.bytes().all(|b| b.is_ascii_hexdigit()),
            "{body}"
        );
        assert_eq!(
            c.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
    }

    #[tokio::test]
    async fn two_failures_then_success_deliver_three_identical_notifications() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        let (hook_url, mut rx, times) = flaky_receiver(2, 500).await;
        mock.set_webhook_url(hook_url.clone());
        let id = order(&client, "wh-1").await;

        let record = mock
            .fire("order", &id.to_string(), "paid", Some("1100.50"))
            .await
            .unwrap();
        assert!(record.contains(r#""status":1"#), "{record}");

        // `fire` returns once delivery is over: every attempt has arrived.
        let got = drain(&mut rx);
        assert_eq!(got.len(), 3, "two refusals, then the accepted delivery");
        assert_identical(&got);
        assert_eq!(got[0].target, "/");
        verify(&got[2], "wh-1");
        assert!(PaymentNotification::verify("other", &headers_of(&got[2]), &got[2].body).is_err());

        // Back-off between the attempts: at least 50 ms, then at least 100 ms.
        let t = times.lock().unwrap().clone();
        assert!(
            t[1] - t[0] >= Duration::from_millis(50),
            "{:?}",
            t[1] - t[0]
        );
        assert!(
            t[2] - t[1] >= Duration::from_millis(100),
            "{:?}",
            t[2] - t[1]
        );

        let hooks: Vec<_> = mock
            .journal()
            .into_iter()
            .filter(|e| e.kind == "webhook")
            .collect();
        assert_eq!(hooks.len(), 1, "one journal line per delivery: {hooks:?}");
        let h = &hooks[0];
        assert_eq!(
            (
                h.name.as_str(),
                h.target.as_str(),
                h.status,
                h.attempts,
                h.body.as_bytes()
            ),
            (
                "payment_notification",
                hook_url.as_str(),
                200,
                3,
                got[2].body.as_slice()
            )
        );

        let paid = client
            .order(&tegro_money::requests::OrderRequest::new().with_order_id(id))
            .await
            .unwrap();
        assert_eq!(paid.status, OrderStatus::Paid);
    }

    /// The same through the control API over HTTP: `/__mock/config`, an event, `/__mock/journal`.
    #[tokio::test]
    async fn an_always_failing_receiver_gets_the_maximum_tries_and_a_failure_is_recorded() {
        let mock = MockServer::start().await.unwrap();
        let base = mock.base_url();
        let client = Client::new(Credentials::sample()).with_base_url(&base);
        let (hook_url, mut rx, _) = flaky_receiver(usize::MAX, 503).await;
        let http = reqwest::Client::new();
        let ok = http
            .post(format!("{base}/__mock/config"))
            .body(format!(r#"{{"webhook_url": "{hook_url}"}}"#))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
        let id = order(&client, "wh-2").await;

        let started = Instant::now();
        let fired = http
            .post(format!("{base}/__mock/order/{id}/paid"))
            .body(r#"{"amount": "1100.50"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(
            fired.status(),
            200,
            "the event happens even if nobody hears of it"
        );
        let record: serde_json::Value =
            serde_json::from_slice(&fired.bytes().await.unwrap()).unwrap();
        assert_eq!(record["status"], 1);
        assert_eq!(record["payment_id"], "wh-2");
        // 50 + 100 + 200 ms of back-off at least between four tries.
        assert!(started.elapsed() >= Duration::from_millis(350));

        let got = drain(&mut rx);
        assert_eq!(got.len(), WEBHOOK_ATTEMPTS as usize);
        assert_eq!(got.len(), 4);
        assert_identical(&got);
        verify(&got[3], "wh-2");

        let journal: serde_json::Value = serde_json::from_slice(
            &http
                .get(format!("{base}/__mock/journal"))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap(),
        )
        .unwrap();
        let hooks: Vec<&serde_json::Value> = journal
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "webhook")
            .collect();
        assert_eq!(hooks.len(), 1, "{journal}");
        assert_eq!(hooks[0]["name"], "payment_notification");
        assert_eq!(hooks[0]["target"], hook_url.as_str());
        assert_eq!(hooks[0]["status"], 503, "the last answer, not a success");
        assert_eq!(hooks[0]["attempts"], 4);
        assert_eq!(
            hooks[0]["body"].as_str().unwrap().as_bytes(),
            got[3].body.as_slice()
        );
    }

    #[tokio::test]
    async fn an_unreachable_receiver_is_recorded_as_not_delivered() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        let hook_url = payspec_tests::closed_port().await;
        mock.set_webhook_url(hook_url.clone());
        let id = order(&client, "wh-3").await;
        mock.fire("order", &id.to_string(), "paid", Some("1100.50"))
            .await
            .unwrap();
        let hooks: Vec<_> = mock
            .journal()
            .into_iter()
            .filter(|e| e.kind == "webhook")
            .collect();
        assert_eq!(hooks.len(), 1);
        assert_eq!(
            (hooks[0].target.as_str(), hooks[0].status, hooks[0].attempts),
            (hook_url.as_str(), 0, WEBHOOK_ATTEMPTS)
        );
    }
}

mod m2cerber_hooks {
    use super::*;
    use m2cerber::mock::MockServer;
    use m2cerber::mock::server::WEBHOOK_ATTEMPTS;
    use m2cerber::requests::{GetStatusRequest, GetWalletRequest};
    use m2cerber::types::PaymentStatus;
    use m2cerber::webhooks::AcceptPayment;
    use m2cerber::{Client, Credentials};

    const SECRET: &str = "m2cerber-demo-secret-key";

    async fn wallet(client: &Client, id: &str, callback: &str) {
        client
            .get_wallet(&GetWalletRequest::new(
                id,
                "9000",
                dec("500"),
                callback,
                "2024-01-01 12:00:00",
            ))
            .await
            .unwrap();
    }

    /// sha256(payment_id + secret_key + status + str(float(confirm_sum))), computed here.
    fn signature(payment_id: &str) -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(format!(
            "{payment_id}{SECRET}confirm500.0"
        )))
    }

    fn verify(c: &Captured, payment_id: &str) {
        let n = AcceptPayment::verify(SECRET, &headers_of(c), &c.body).unwrap();
        assert_eq!(
            (n.status, n.payment_id.as_str(), n.confirm_sum),
            (PaymentStatus::Confirm, payment_id, dec("500"))
        );
        assert_eq!(
            String::from_utf8(c.body.clone()).unwrap(),
            format!(r#"{{"status":"confirm","payment_id":"{payment_id}","confirm_sum":"500"}}"#)
        );
        assert_eq!(c.header("signature"), Some(signature(payment_id).as_str()));
        assert_eq!(c.header("content-type"), Some("application/json"));
    }

    #[tokio::test]
    async fn two_failures_then_success_deliver_three_identical_notifications() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        let (hook_url, mut rx, times) = flaky_receiver(2, 500).await;
        let callback = format!("{hook_url}/m2/callback");
        wallet(&client, "pay-1", &callback).await;

        mock.fire("payment", "pay-1", "paid", None).await.unwrap();
        let got = drain(&mut rx);
        assert_eq!(got.len(), 3);
        assert_identical(&got);
        assert_eq!(
            got[0].target, "/m2/callback",
            "sent to the payment's callback_url"
        );
        verify(&got[2], "pay-1");
        assert!(AcceptPayment::verify("wrong", &headers_of(&got[2]), &got[2].body).is_err());
        let t = times.lock().unwrap().clone();
        assert!(t[1] - t[0] >= Duration::from_millis(50));
        assert!(t[2] - t[1] >= Duration::from_millis(100));

        let hooks: Vec<_> = mock
            .journal()
            .into_iter()
            .filter(|e| e.kind == "webhook")
            .collect();
        assert_eq!(hooks.len(), 1, "{hooks:?}");
        assert_eq!(
            (
                hooks[0].name.as_str(),
                hooks[0].target.as_str(),
                hooks[0].status,
                hooks[0].attempts
            ),
            ("accept_payment", callback.as_str(), 200, 3)
        );
        assert_eq!(hooks[0].body.as_bytes(), got[2].body.as_slice());

        let st = client
            .get_status(&GetStatusRequest::new("pay-1"))
            .await
            .unwrap();
        assert_eq!(
            st.status,
            PaymentStatus::Accept,
            "get_status answers accept once paid"
        );
    }

    #[tokio::test]
    async fn an_always_failing_receiver_gets_the_maximum_tries_and_a_failure_is_recorded() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        let (hook_url, mut rx, _) = flaky_receiver(usize::MAX, 500).await;
        wallet(&client, "pay-2", &hook_url).await;

        mock.fire("payment", "pay-2", "paid", None).await.unwrap();
        let got = drain(&mut rx);
        assert_eq!(got.len(), WEBHOOK_ATTEMPTS as usize);
        assert_eq!(got.len(), 4);
        assert_identical(&got);
        verify(&got[3], "pay-2");

        let hooks: Vec<_> = mock
            .journal()
            .into_iter()
            .filter(|e| e.kind == "webhook")
            .collect();
        assert_eq!(hooks.len(), 1);
        assert_eq!(
            (
                hooks[0].name.as_str(),
                hooks[0].target.as_str(),
                hooks[0].status,
                hooks[0].attempts
            ),
            ("accept_payment", hook_url.as_str(), 500, 4)
        );
        // The payment is confirmed all the same.
        let st = client
            .get_status(&GetStatusRequest::new("pay-2"))
            .await
            .unwrap();
        assert_eq!(
            st.status,
            PaymentStatus::Accept,
            "get_status answers accept once paid"
        );
    }
}
