//! The generated crates' `axum` feature against their own mocks, over real HTTP on 127.0.0.1:
//! the merchant's handler (`webhooks::axum::router`, or the `Verified` extractor) is started on
//! a free port, the mock's webhooks are pointed at it, a state event is fired through the
//! mock's control API, and the handler must have received the right typed event while the
//! mock's journal records the delivery with the handler's reply status. Refusals (wrong
//! credentials, junk, another method) get 401 / 400 / 405, never a panic.

use std::net::SocketAddr;

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().expect("decimal")
}

/// Serves `app` on 127.0.0.1 at a free port.
async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// A handler that forwards each event to a channel, as `on_event`.
fn forward<E: Send + 'static>() -> (
    impl Fn(E) -> std::future::Ready<()> + Clone + Send + Sync + 'static,
    UnboundedReceiver<E>,
) {
    let (tx, rx) = unbounded_channel();
    let on_event = move |e: E| {
        let _ = tx.send(e);
        std::future::ready(())
    };
    (on_event, rx)
}

/// (kind, name, target, status, attempts) of the mock's last journal entry.
fn last_delivery(journal: Vec<payspec_runtime::mock::Entry>) -> (String, String, String, u16, u32) {
    let e = journal.last().expect("a journal entry").clone();
    (e.kind.to_string(), e.name, e.target, e.status, e.attempts)
}

mod m2cerber_merchant {
    use super::*;
    use m2cerber::mock::MockServer;
    use m2cerber::requests::GetWalletRequest;
    use m2cerber::types::PaymentStatus;
    use m2cerber::webhooks::{self, Event};
    use m2cerber::{Client, Credentials};

    fn wallet(id: &str, sum: &str, callback: &str) -> GetWalletRequest {
        GetWalletRequest::new(id, "9000", dec(sum), callback, "2024-01-01 12:00:00")
    }

    #[tokio::test]
    async fn every_notification_reaches_the_handler_typed() {
        let mock = MockServer::start().await.expect("mock");
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        let (on_event, mut events) = forward::<Event>();
        let hooks = webhooks::axum::router(Credentials::sample(), on_event);
        let addr = serve(axum::Router::new().nest("/webhooks/m2cerber", hooks)).await;
        let url = format!("http://{addr}/webhooks/m2cerber");

        client
            .get_wallet(&wallet("p-1", "500", &url))
            .await
            .expect("wallet");
        mock.fire("payment", "p-1", "paid", Some("500"))
            .await
            .expect("fires");
        match events.try_recv() {
            Ok(Event::AcceptPayment(a)) => {
                assert_eq!(
                    (a.status, a.payment_id.as_str(), a.confirm_sum),
                    (PaymentStatus::Confirm, "p-1", dec("500"))
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            last_delivery(mock.journal()),
            (
                "webhook".into(),
                "accept_payment".into(),
                url.clone(),
                200,
                1
            )
        );

        client
            .get_wallet(&wallet("p-2", "300", &url))
            .await
            .expect("wallet");
        mock.fire("payment", "p-2", "cancelled", None)
            .await
            .expect("fires");
        match events.try_recv() {
            Ok(Event::CancelPayment(c)) => {
                assert_eq!(
                    (c.status, c.payment_id.as_str(), c.confirm_sum),
                    (PaymentStatus::Cancel, "p-2", dec("0"))
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(last_delivery(mock.journal()).1, "cancel_payment");
        assert_eq!(last_delivery(mock.journal()).3, 200);

        client
            .get_wallet(&wallet("p-3", "500", &url))
            .await
            .expect("wallet");
        mock.fire("payment", "p-3", "paid_other_sum", Some("200"))
            .await
            .expect("fires");
        match events.try_recv() {
            Ok(Event::ChangeSum(s)) => {
                assert_eq!(
                    (s.payment_id.as_str(), s.confirm_sum, s.payment_sum),
                    ("p-3", dec("200"), dec("500"))
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            last_delivery(mock.journal()),
            ("webhook".into(), "change_sum".into(), url.clone(), 200, 1)
        );
        assert!(events.try_recv().is_err(), "one event per webhook");

        // A body of no webhook: 400; a signed one with another method: 405.
        let http = reqwest::Client::new();
        let junk = http
            .post(&url)
            .body(r#"{"status":"pending"}"#)
            .send()
            .await
            .expect("sends");
        assert_eq!(junk.status().as_u16(), 400);
        assert!(junk.text().await.expect("text").contains("not a webhook"));
        let secret = |c: &str| (c == "secret_key").then(|| "m2cerber-demo-secret-key".to_string());
        let accept = webhooks::AcceptPayment::new(PaymentStatus::Confirm, "p-1".into(), dec("5"));
        let (headers, body) = accept.signed(secret).expect("signs");
        let mut put = http.put(&url).body(body.clone());
        for (k, v) in &headers {
            put = put.header(k, v);
        }
        assert_eq!(put.send().await.expect("sends").status().as_u16(), 405);
        let mut post = http.post(&url).body(body);
        for (k, v) in &headers {
            post = post.header(k, v);
        }
        let ok = post.send().await.expect("sends");
        assert_eq!(
            (ok.status().as_u16(), ok.text().await.expect("text")),
            (200, String::new())
        );
        assert!(matches!(events.try_recv(), Ok(Event::AcceptPayment(_))));
    }

    #[tokio::test]
    async fn a_merchant_with_other_keys_refuses_with_401_and_the_mock_retries() {
        let mock = MockServer::start().await.expect("mock");
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        let (on_event, mut events) = forward::<Event>();
        let other = Credentials::new("m2cerber-demo-merchant", "not-the-secret");
        let addr = serve(webhooks::axum::router(other, on_event)).await;
        let url = format!("http://{addr}/hook");
        client
            .get_wallet(&wallet("p-9", "500", &url))
            .await
            .expect("wallet");
        mock.fire("payment", "p-9", "paid", None)
            .await
            .expect("fires");
        assert!(events.try_recv().is_err(), "nothing handed over");
        assert_eq!(
            last_delivery(mock.journal()),
            ("webhook".into(), "accept_payment".into(), url, 401, 4)
        );
    }
}

mod tegro_merchant {
    use super::*;
    use tegro_money::mock::MockServer;
    use tegro_money::requests::CreateOrderRequest;
    use tegro_money::types::Currency;
    use tegro_money::webhooks::axum::Verified;
    use tegro_money::webhooks::{Event, Reply};
    use tegro_money::{Client, Credentials};

    #[tokio::test]
    async fn the_verified_extractor_gets_the_paid_notification() {
        let mock = MockServer::start().await.expect("mock");
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        let (tx, mut events) = unbounded_channel::<Event>();
        let app = axum::Router::new()
            .route(
                "/tegro/notify",
                axum::routing::post(move |Verified(event): Verified<Event>| async move {
                    let reply: Reply = event.reply();
                    let _ = tx.send(event);
                    reply
                }),
            )
            .with_state(Credentials::sample());
        let addr = serve(app).await;
        let url = format!("http://{addr}/tegro/notify");
        mock.set_webhook_url(url.clone());
        let created = client
            .create_order(&CreateOrderRequest::new(
                Currency::Rub,
                dec("1200.00"),
                "axum-1",
                5,
            ))
            .await
            .expect("order");
        mock.fire("order", &created.id.to_string(), "paid", Some("1100.50"))
            .await
            .expect("fires");
        match events.try_recv() {
            Ok(Event::PaymentNotification(n)) => {
                assert_eq!(
                    (n.order_id.as_str(), n.amount, n.currency, n.test),
                    ("axum-1", dec("1100.50"), Currency::Rub, Some(1))
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            last_delivery(mock.journal()),
            (
                "webhook".into(),
                "payment_notification".into(),
                url.clone(),
                200,
                1
            )
        );

        // No signature (the only webhook: nothing to route), another method: refused.
        let http = reqwest::Client::new();
        let junk = http.post(&url).body("hello").send().await.expect("sends");
        assert_eq!(junk.status().as_u16(), 401);
        let unsigned = http
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("shop_id=1&amount=1&order_id=x&payment_system=1&currency=RUB&sign=00")
            .send()
            .await
            .expect("sends");
        assert_eq!(unsigned.status().as_u16(), 401);
        let get = http.get(&url).send().await.expect("sends");
        assert_eq!(get.status().as_u16(), 405);
        assert!(events.try_recv().is_err());
    }
}

mod begateway_merchant {
    use super::*;
    use begateway::mock::MockServer;
    use begateway::requests::CreateProductRequest;
    use begateway::webhooks::{self, Event};
    use begateway::{Client, Credentials};

    #[tokio::test]
    async fn paid_and_failed_notifications_reach_the_router() {
        let mock = MockServer::start().await.expect("mock");
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        let (on_event, mut events) = forward::<Event>();
        let addr = serve(webhooks::axum::router(Credentials::sample(), on_event)).await;
        let url = format!("http://{addr}/begateway");
        mock.set_webhook_url(url.clone());
        let p = client
            .create_product(&CreateProductRequest::new("b", "d", "EUR", 500, "en"))
            .await
            .expect("product");
        mock.fire("product", &p.id, "paid", None)
            .await
            .expect("fires");
        match events.try_recv() {
            Ok(Event::Notification(n)) => {
                let t = n.transaction;
                assert_eq!(
                    (
                        t.status.as_deref(),
                        t.tracking_id.as_deref(),
                        t.currency.as_deref()
                    ),
                    (Some("successful"), Some(p.id.as_str()), Some("EUR"))
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            last_delivery(mock.journal()),
            ("webhook".into(), "notification".into(), url.clone(), 200, 1)
        );
        mock.fire("product", &p.id, "failed", None)
            .await
            .expect("fires");
        match events.try_recv() {
            Ok(Event::Notification(n)) => {
                assert_eq!(n.transaction.status.as_deref(), Some("failed"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(last_delivery(mock.journal()).3, 200);

        // No Basic credentials: 401.
        let r = reqwest::Client::new()
            .post(&url)
            .header("content-type", "application/json")
            .body(r#"{"transaction":{}}"#)
            .send()
            .await
            .expect("sends");
        assert_eq!(r.status().as_u16(), 401);
        assert!(events.try_recv().is_err());
    }
}
