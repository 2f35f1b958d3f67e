//! The error kinds of every generated client, through real HTTP on 127.0.0.1: a closed port
//! (`Transport`), a server that never answers (`with_timeout`), non-2xx statuses with bodies
//! that are not the provider's error (`Status`), undecodable success bodies (`Decode`), and
//! the provider's documented error bodies (`Api`), with `is_retryable()` and `status()`.

use std::time::{Duration, Instant};

use payspec_tests::{Reply, closed_port, respond, serve, silent};

/// Statuses and whether a call failing with them may be retried.
const RETRYABLE: &[(u16, bool)] = &[
    (500, true),
    (502, true),
    (503, true),
    (429, true),
    (400, false),
    (401, false),
    (404, false),
    (422, false),
];

/// Starts a server that answers its requests with `replies`, in turn.
async fn in_turn(replies: impl IntoIterator<Item = Reply>) -> String {
    let replies: Vec<Reply> = replies.into_iter().collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    serve(move |_| {
        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        replies
            .get(i)
            .cloned()
            .unwrap_or_else(|| Reply::new(599, "text/plain", "no more answers"))
    })
    .await
    .0
}

/// The same tests for each crate: `$call` is one simple call made with the client `$c`.
macro_rules! error_kinds {
    ($m:ident, $krate:ident, |$c:ident| $call:expr) => {
        mod $m {
            use super::*;
            use $krate::{Client, Credentials, Error};

            fn client(base: &str) -> Client {
                Client::new(Credentials::sample()).with_base_url(base)
            }

            async fn call(client: Client) -> Result<(), Error> {
                let $c = client;
                $call.await.map(|_| ())
            }

            #[tokio::test]
            async fn closed_port_is_a_retryable_transport_error() {
                let err = call(client(&closed_port().await)).await.unwrap_err();
                match &err {
                    Error::Transport(e) => assert!(e.is_connect(), "{e:?}"),
                    other => panic!("expected a transport error, got {other:?}"),
                }
                assert!(err.is_retryable());
                assert_eq!(err.status(), None);
                assert!(
                    err.to_string().starts_with("transport error: "),
                    "{err}"
                );
                assert!(std::error::Error::source(&err).is_some());
            }

            #[tokio::test]
            async fn timeout_is_a_retryable_transport_error() {
                let base = silent().await;
                let c = client(&base).with_timeout(Duration::from_millis(200));
                let started = Instant::now();
                let err = tokio::time::timeout(Duration::from_secs(2), call(c))
                    .await
                    .expect("the client's timeout fires within 2 s")
                    .unwrap_err();
                let took = started.elapsed();
                assert!(took >= Duration::from_millis(190), "{took:?}");
                match &err {
                    Error::Transport(e) => assert!(e.is_timeout(), "{e:?}"),
                    other => panic!("expected a timeout, got {other:?}"),
                }
                assert!(err.is_retryable());
                assert_eq!(err.status(), None);
                // The base URL survives `with_timeout`.
                assert_eq!(client(&base).with_timeout(Duration::from_millis(1)).base_url(), base);
            }

            #[tokio::test]
            async fn plain_text_bad_gateway_and_unavailable_are_status_errors() {
                for (status, body) in [
                    (502, "Bad Gateway from nginx"),
                    (503, "Service Unavailable\nretry later"),
                ] {
                    let (base, mut rx) = respond(status, "text/plain", body).await;
                    let err = call(client(&base)).await.unwrap_err();
                    match &err {
                        Error::Status { status: s, body: b } => {
                            assert_eq!((*s, b.as_str()), (status, body))
                        }
                        other => panic!("expected a status error, got {other:?}"),
                    }
                    assert_eq!(err.status(), Some(status));
                    assert!(err.is_retryable(), "{status}");
                    assert_eq!(err.to_string(), format!("unexpected HTTP status {status}"));
                    assert!(std::error::Error::source(&err).is_none());
                    assert!(rx.try_recv().is_ok(), "the request reached the server");
                }
                // A JSON body that is not an object is not a provider error either.
                let (base, _rx) = respond(503, "application/json", r#"["busy"]"#).await;
                match call(client(&base)).await.unwrap_err() {
                    Error::Status { status, body } => {
                        assert_eq!((status, body.as_str()), (503, r#"["busy"]"#))
                    }
                    other => panic!("expected a status error, got {other:?}"),
                }
            }

            #[tokio::test]
            async fn retryable_statuses_for_plain_and_json_bodies() {
                // One server answering the calls in turn, one client for all of them.
                let base = in_turn(RETRYABLE.iter().flat_map(|&(status, _)| {
                    [
                        Reply::new(status, "text/plain", "nope"),
                        Reply::json(status, r#"{"unexpected":true}"#),
                    ]
                }))
                .await;
                let c = client(&base);
                for &(status, retryable) in RETRYABLE {
                    let err = call(c.clone()).await.unwrap_err();
                    assert!(
                        matches!(&err, Error::Status { status: s, body } if *s == status && body == "nope"),
                        "{status}: {err:?}"
                    );
                    assert_eq!(err.status(), Some(status));
                    assert_eq!(err.is_retryable(), retryable, "plain body, {status}");

                    let err = call(c.clone()).await.unwrap_err();
                    match &err {
                        Error::Api(e) => {
                            assert_eq!(e.status, status);
                            assert_eq!(e.body, r#"{"unexpected":true}"#);
                        }
                        other => panic!("{status}: expected a provider error, got {other:?}"),
                    }
                    assert_eq!(err.status(), Some(status));
                    assert_eq!(err.is_retryable(), retryable, "JSON body, {status}");
                }
            }

            #[tokio::test]
            async fn an_undecodable_success_body_is_a_decode_error() {
                let (base, _rx) = respond(200, "text/html", "<html>maintenance</html>").await;
                let err = call(client(&base)).await.unwrap_err();
                match &err {
                    Error::Decode { message, body } => {
                        assert_eq!(body, "<html>maintenance</html>");
                        assert!(!message.is_empty());
                        assert_eq!(
                            err.to_string(),
                            format!("cannot decode the response: {message}")
                        );
                    }
                    other => panic!("expected a decode error, got {other:?}"),
                }
                assert!(!err.is_retryable());
                assert_eq!(err.status(), None);
            }
        }
    };
}

error_kinds!(tegro, tegro_money, |c| c.balance());
error_kinds!(m2cerber_kinds, m2cerber, |c| c
    .get_balance(&m2cerber::requests::GetBalanceRequest::new()));
error_kinds!(pegas, pegas_kassa, |c| c.balance());
error_kinds!(begateway_kinds, begateway, |c| c.list_products());

/// Starts a server that answers every request with `status` and the JSON `body`.
async fn provider(status: u16, body: &'static str) -> String {
    serve(move |_| Reply::json(status, body)).await.0
}

#[tokio::test]
async fn tegro_envelope_error_keeps_the_message() {
    use tegro_money::{Client, Credentials, Error};
    let body = r#"{"type": "error", "desc": "Wrong authorization token", "data": null}"#;
    let base = provider(200, body).await;
    let err = Client::new(Credentials::sample())
        .with_base_url(base)
        .shops()
        .await
        .unwrap_err();
    match &err {
        Error::Api(e) => {
            assert_eq!(e.status, 200);
            assert_eq!(e.message.as_deref(), Some("Wrong authorization token"));
            assert_eq!(e.code, None);
            assert_eq!(e.body, body);
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(err.status(), Some(200));
    assert_eq!(
        err.to_string(),
        "provider error (HTTP 200): Wrong authorization token"
    );
}

#[tokio::test]
async fn tegro_unknown_envelope_outcome_is_a_decode_error() {
    use tegro_money::{Client, Credentials, Error};
    let body = r#"{"type": "pending", "desc": ""}"#;
    let base = provider(200, body).await;
    match Client::new(Credentials::sample())
        .with_base_url(base)
        .shops()
        .await
        .unwrap_err()
    {
        Error::Decode { message, body: b } => {
            assert_eq!(message, r#"unexpected envelope outcome Some("pending")"#);
            assert_eq!(b, body);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn m2cerber_documented_errors_keep_the_message() {
    use m2cerber::requests::GetStatusRequest;
    use m2cerber::{Client, Credentials, Error};
    for (status, body, message, retryable) in [
        (
            404,
            r#"{"error": "Payment not found"}"#,
            "Payment not found",
            false,
        ),
        (
            401,
            r#"{"error": "Signature error"}"#,
            "Signature error",
            false,
        ),
        (
            400,
            r#"{"error": "Bad data: payment_id is already used"}"#,
            "Bad data: payment_id is already used",
            false,
        ),
        (
            500,
            r#"{"error": "Internal server error"}"#,
            "Internal server error",
            true,
        ),
    ] {
        let base = provider(status, body).await;
        let err = Client::new(Credentials::sample())
            .with_base_url(base)
            .get_status(&GetStatusRequest::new("p-1"))
            .await
            .unwrap_err();
        match &err {
            Error::Api(e) => {
                assert_eq!(e.status, status);
                assert_eq!(e.message.as_deref(), Some(message));
                assert_eq!(e.code, None);
                assert_eq!(e.body, body);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(err.is_retryable(), retryable, "{status}");
        assert_eq!(err.status(), Some(status));
        assert_eq!(
            err.to_string(),
            format!("provider error (HTTP {status}): {message}")
        );
    }
}

#[tokio::test]
async fn pegas_documented_errors_keep_code_message_and_validation() {
    use pegas_kassa::requests::DepositRequest;
    use pegas_kassa::types::DepositType;
    use pegas_kassa::{Client, Credentials, Error};
    let request = DepositRequest::new(
        "1000.00".parse().unwrap(),
        DepositType::InvoiceQw,
        "order-1001",
    );
    // The spec's own example of a duplicate order_id.
    let body = r#"{"code": "invalid_parameters", "message": "A transaction with this order_id already exists", "validation_error": {"path": "order_id", "message": "order-1001 is already used"}}"#;
    let base = provider(400, body).await;
    let err = Client::new(Credentials::sample())
        .with_base_url(base)
        .deposit(&request)
        .await
        .unwrap_err();
    match &err {
        Error::Api(e) => {
            assert_eq!(e.status, 400);
            assert_eq!(e.code.as_deref(), Some("invalid_parameters"));
            assert_eq!(
                e.message.as_deref(),
                Some("A transaction with this order_id already exists")
            );
            assert_eq!(e.validation_path.as_deref(), Some("order_id"));
            assert_eq!(
                e.validation_message.as_deref(),
                Some("order-1001 is already used")
            );
            assert_eq!(e.body, body);
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        "provider error (HTTP 400) invalid_parameters: A transaction with this order_id already exists (order_id: order-1001 is already used)"
    );

    for (status, code, message, retryable) in [
        (401, "authorization_error", "Invalid token", false),
        (404, "resource_not_found", "Transaction not found", false),
        (500, "internal_error", "Internal server error", true),
    ] {
        let body: &'static str = format!(r#"{{"code": "{code}", "message": "{message}"}}"#).leak();
        let base = provider(status, body).await;
        let err = Client::new(Credentials::sample())
            .with_base_url(base)
            .balance()
            .await
            .unwrap_err();
        match &err {
            Error::Api(e) => {
                assert_eq!(
                    (e.status, e.code.as_deref(), e.message.as_deref()),
                    (status, Some(code), Some(message))
                );
                assert_eq!(
                    (e.validation_path.as_deref(), e.body.as_str()),
                    (None, body)
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(err.is_retryable(), retryable, "{status}");
        assert_eq!(
            err.to_string(),
            format!("provider error (HTTP {status}) {code}: {message}")
        );
    }
}

#[tokio::test]
async fn begateway_documented_errors_keep_message_and_field_errors() {
    use begateway::requests::GetProductRequest;
    use begateway::{Client, Credentials, Error};
    // The 422 answer printed in the docs.
    let body = r#"{"message":"Currency is not in ISO 4217 Alpha-3 format","errors":{"currency":["is not in ISO 4217 Alpha-3 format"]}}"#;
    let base = provider(422, body).await;
    let err = Client::new(Credentials::sample())
        .with_base_url(base)
        .get_product(&GetProductRequest::new("prd_ed27b047d3ccd1a6"))
        .await
        .unwrap_err();
    match &err {
        Error::Api(e) => {
            assert_eq!(e.status, 422);
            assert_eq!(
                e.message.as_deref(),
                Some("Currency is not in ISO 4217 Alpha-3 format")
            );
            assert_eq!(e.code, None);
            assert_eq!(
                e.field_errors,
                std::collections::BTreeMap::from([(
                    "currency".to_string(),
                    vec!["is not in ISO 4217 Alpha-3 format".to_string()]
                )])
            );
            assert_eq!(e.body, body);
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        "provider error (HTTP 422): Currency is not in ISO 4217 Alpha-3 format; currency: is not in ISO 4217 Alpha-3 format"
    );

    for (status, message, retryable) in [
        (404, "Product not found", false),
        (401, "Unauthorized", false),
        (500, "Internal server error", true),
    ] {
        let body: &'static str = format!(r#"{{"message": "{message}"}}"#).leak();
        let base = provider(status, body).await;
        let err = Client::new(Credentials::sample())
            .with_base_url(base)
            .list_products()
            .await
            .unwrap_err();
        match &err {
            Error::Api(e) => {
                assert_eq!(
                    (e.status, e.message.as_deref(), e.field_errors.len()),
                    (status, Some(message), 0)
                );
                assert_eq!(e.body, body);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(err.is_retryable(), retryable, "{status}");
        assert_eq!(err.status(), Some(status));
    }
}

/// beGateway answers a bad GET with 302 and an error message in the body: the client does not
/// follow it (the target would answer something else entirely) and reports the message.
#[tokio::test]
async fn begateway_302_is_an_error_whose_body_is_kept() {
    use begateway::requests::GetProductRequest;
    use begateway::{Client, Credentials, Error};
    let (base, mut seen) = serve(|c| {
        if c.target.starts_with("/elsewhere") {
            Reply::json(200, r#"{"id":"prd_0","name":"not this"}"#)
        } else {
            Reply::json(302, r#"{"message":"Wrong product id"}"#)
                .with_header("location", "/elsewhere")
        }
    })
    .await;
    let err = Client::new(Credentials::sample())
        .with_base_url(&base)
        .get_product(&GetProductRequest::new("prd_bad"))
        .await
        .unwrap_err();
    match &err {
        Error::Api(e) => {
            assert_eq!(e.status, 302);
            assert_eq!(e.message.as_deref(), Some("Wrong product id"));
            assert!(e.body.contains("Wrong product id"));
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    let first = seen.recv().await.expect("the request");
    assert_eq!(first.target, "/products/prd_bad");
    assert!(seen.try_recv().is_err(), "the redirect was not followed");
    // A provider whose spec says nothing of redirects still follows them (m2cerber here).
    let (base, mut seen) = serve(|c| {
        if c.target.starts_with("/elsewhere") {
            Reply::json(200, r#"{"payment_id":"p","status":"pending"}"#)
        } else {
            Reply::json(302, "{}").with_header("location", "/elsewhere")
        }
    })
    .await;
    let c = m2cerber::mock::spec::default_config().credentials;
    let got = m2cerber::Client::new(m2cerber::Credentials::new(
        c["merch_id"].clone(),
        c["secret_key"].clone(),
    ))
    .with_base_url(&base)
    .get_status(&m2cerber::requests::GetStatusRequest::new("p"))
    .await
    .expect("followed");
    assert_eq!(got.payment_id.as_str(), "p");
    assert!(seen.recv().await.is_some(), "the request");
    let second = seen.recv().await.expect("the redirect was followed");
    assert_eq!(second.target, "/elsewhere");
}
