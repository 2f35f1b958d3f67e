//! beGateway, m2cerber and Pegas-kassa clients against their generated mocks over real HTTP
//! on 127.0.0.1: every endpoint, documented errors, bad credentials, duplicates, validation,
//! and the payment lifecycles with signed webhooks verified by the generated helpers.

use payspec_tests::capture_one;

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

fn headers_of(c: &payspec_tests::Captured) -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    for (k, v) in &c.headers {
        if let (Ok(name), Ok(value)) = (
            reqwest::header::HeaderName::from_bytes(k.as_bytes()),
            reqwest::header::HeaderValue::from_str(v),
        ) {
            h.insert(name, value);
        }
    }
    h
}

mod begateway_mock {
    use super::*;
    use begateway::mock::MockServer;
    use begateway::requests::*;
    use begateway::{Client, Credentials, Error};

    fn sample() -> Credentials {
        let c = begateway::mock::spec::default_config().credentials;
        Credentials::new(
            c["shop_id"].clone(),
            c["secret_key"].clone(),
            c["public_key"].clone(),
        )
    }

    #[tokio::test]
    async fn products_are_created_read_listed_and_partially_updated() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(sample()).with_base_url(mock.base_url());
        let p = client
            .create_product(
                &CreateProductRequest::new("book", "a book", "USD", 990, "en").with_quantity(10),
            )
            .await
            .unwrap();
        assert!(p.id.starts_with("prd_") && p.id.len() == 20, "{}", p.id);
        assert_eq!(p.amount, 990);
        assert_eq!(
            p.pay_url,
            format!("{}/products/{}/pay", mock.base_url(), p.id)
        );

        client
            .update_product(&UpdateProductRequest::new(p.id.clone()).with_amount(950))
            .await
            .unwrap();
        let got = client
            .get_product(&GetProductRequest::new(p.id.clone()))
            .await
            .unwrap();
        assert_eq!(
            (got.amount, got.name.as_str(), got.quantity),
            (950, "book", Some(10)),
            "PUT changes only what it sends"
        );
        let all = client.list_products().await.unwrap();
        assert!(all.iter().any(|x| x.id == p.id));
    }

    #[tokio::test]
    async fn errors_are_404_401_and_422_with_field_messages() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(sample()).with_base_url(mock.base_url());
        match client
            .get_product(&GetProductRequest::new("prd_0000000000000000"))
            .await
        {
            Err(Error::Api(e)) => assert_eq!(
                (e.status, e.message.as_deref(), e.body.as_str()),
                (
                    404,
                    Some("Product not found"),
                    r#"{"message":"Product not found"}"#
                )
            ),
            other => panic!("{other:?}"),
        }
        let wrong =
            Client::new(Credentials::new("1", "nope", "no-key")).with_base_url(mock.base_url());
        match wrong.list_products().await {
            Err(Error::Api(e)) => {
                assert_eq!(
                    (e.status, e.message.as_deref()),
                    (401, Some("Unauthorized"))
                )
            }
            other => panic!("{other:?}"),
        }
        let bad = CreateProductRequest::new("x", "y", "usd", 1, "en");
        // The client refuses it first; unchecked, it reaches the mock, which answers 422.
        assert!(matches!(
            client.create_product(&bad).await,
            Err(Error::InvalidRequest(v)) if v.field == "currency"
        ));
        let unchecked = client.clone().with_request_checks(false);
        match unchecked.create_product(&bad).await {
            Err(Error::Api(e)) => {
                assert_eq!(e.status, 422);
                // `{field} {detail}`, the detail being the spec's pattern for `currency`.
                assert_eq!(e.message.as_deref(), Some("currency must match ^[A-Z]{3}$"));
                assert_eq!(
                    e.field_errors,
                    std::collections::BTreeMap::from([(
                        "currency".to_string(),
                        vec!["must match ^[A-Z]{3}$".to_string()]
                    )])
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn paid_product_sends_a_basic_auth_and_rsa_signed_notification() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(sample()).with_base_url(mock.base_url());
        let (hook_url, hook) = capture_one(200, "{}").await;
        mock.set_webhook_url(hook_url);
        let p = client
            .create_product(&CreateProductRequest::new("b", "d", "EUR", 500, "en"))
            .await
            .unwrap();
        mock.fire("product", &p.id, "paid", None).await.unwrap();
        let got = hook.await.unwrap();
        let cfg = begateway::mock::spec::default_config().credentials;
        let n = begateway::webhooks::Notification::verify(
            &cfg["shop_id"],
            &cfg["secret_key"],
            &cfg["public_key"],
            &headers_of(&got),
            &got.body,
        )
        .unwrap();
        assert_eq!(n.transaction.tracking_id.as_deref(), Some(p.id.as_str()));
        let tampered = String::from_utf8(got.body.clone())
            .unwrap()
            .replace("EUR", "USD");
        assert!(
            begateway::webhooks::Notification::verify(
                &cfg["shop_id"],
                &cfg["secret_key"],
                &cfg["public_key"],
                &headers_of(&got),
                tampered.as_bytes()
            )
            .is_err()
        );
        assert!(
            begateway::webhooks::Notification::verify(
                &cfg["shop_id"],
                "wrong",
                &cfg["public_key"],
                &headers_of(&got),
                &got.body
            )
            .is_err()
        );
    }
}

mod m2cerber_mock {
    use super::*;
    use m2cerber::mock::MockServer;
    use m2cerber::requests::*;
    use m2cerber::types::PaymentStatus;
    use m2cerber::{Client, Credentials, Error};

    fn sample() -> Credentials {
        let c = m2cerber::mock::spec::default_config().credentials;
        Credentials::new(c["merch_id"].clone(), c["secret_key"].clone())
    }

    fn wallet(id: &str, sum: &str, callback: &str) -> GetWalletRequest {
        GetWalletRequest::new(id, "9000", dec(sum), callback, "2024-01-01 12:00:00")
    }

    /// `get_status` documents four values: confirming, pending, accept and cancel. Every
    /// path through the mock's states answers one of them (`confirm` belongs to the accept
    /// notification only).
    #[tokio::test]
    async fn get_status_answers_only_its_documented_values() {
        let documented = [
            PaymentStatus::Confirming,
            PaymentStatus::Pending,
            PaymentStatus::Accept,
            PaymentStatus::Cancel,
        ];
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(sample()).with_base_url(mock.base_url());
        let status = |id: &'static str| {
            let client = client.clone();
            async move {
                client
                    .get_status(&GetStatusRequest::new(id))
                    .await
                    .unwrap()
                    .status
            }
        };
        // (payment, what happens to it, in order: event and the sum paid, if any)
        type Path<'a> = (&'a str, &'a [(&'a str, Option<&'a str>)]);
        let paths: [Path; 5] = [
            ("s-paid", &[("paid", None)]),
            ("s-cancelled", &[("cancelled", None)]),
            ("s-accepted-paid", &[("accept", None), ("paid", None)]),
            ("s-part", &[("paid_other_sum", Some("200")), ("paid", None)]),
            ("s-merchant-cancel", &[("cancel", None)]),
        ];
        let mut seen = Vec::new();
        for (id, events) in paths {
            client
                .get_wallet(&wallet(id, "500", "http://127.0.0.1:9/cb"))
                .await
                .unwrap();
            seen.push(status(id).await);
            for (event, amount) in events {
                mock.fire("payment", id, event, *amount).await.unwrap();
                seen.push(status(id).await);
            }
        }
        for s in &seen {
            assert!(documented.contains(s), "get_status answered {s:?}");
        }
        // Every documented value but none other was reached.
        for d in &documented {
            assert!(seen.contains(d), "{d:?} never answered");
        }
    }

    #[tokio::test]
    async fn payment_lifecycle_with_signed_webhook_and_balance() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(sample()).with_base_url(mock.base_url());
        let (hook_url, hook) = capture_one(200, "{}").await;
        let w = client
            .get_wallet(&wallet("p-1", "500", &hook_url))
            .await
            .unwrap();
        assert_eq!(w.payment_id.as_str(), "p-1");
        let s = client
            .update_status(&UpdateStatusRequest::new("p-1", PaymentStatus::Accept))
            .await
            .unwrap();
        assert_eq!(s.status, PaymentStatus::Confirming);

        mock.fire("payment", "p-1", "paid", None).await.unwrap();
        let got = hook.await.unwrap();
        let secret = m2cerber::mock::spec::default_config().credentials["secret_key"].clone();
        let accept =
            m2cerber::webhooks::AcceptPayment::verify(&secret, &headers_of(&got), &got.body)
                .unwrap();
        assert_eq!(accept.payment_id.as_str(), "p-1");
        assert!(
            m2cerber::webhooks::AcceptPayment::verify("wrong", &headers_of(&got), &got.body)
                .is_err()
        );

        let st = client
            .get_status(&GetStatusRequest::new("p-1"))
            .await
            .unwrap();
        assert_eq!(
            st.status,
            PaymentStatus::Accept,
            "get_status answers accept once paid"
        );
        let balance = client.get_balance(&GetBalanceRequest::new()).await.unwrap();
        assert_eq!(balance.confirm_sum, dec("500"));
    }

    #[tokio::test]
    async fn errors_bad_signature_duplicate_unknown_and_invalid() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(sample()).with_base_url(mock.base_url());
        client
            .get_wallet(&wallet("p-2", "10.50", "http://127.0.0.1:9/cb"))
            .await
            .unwrap();
        fn status<T: std::fmt::Debug>(r: Result<T, Error>) -> (u16, String) {
            match r {
                Err(Error::Api(e)) => (e.status, e.message.unwrap_or_default()),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            status(client.get_wallet(&wallet("p-2", "10.50", "http://x")).await),
            (400, "Bad data: payment_id is already used".to_string()),
            "duplicate payment_id"
        );
        assert_eq!(
            status(client.get_status(&GetStatusRequest::new("nope")).await),
            (404, "Payment not found".to_string())
        );
        let wrong = Client::new(Credentials::new(
            m2cerber::mock::spec::default_config().credentials["merch_id"].clone(),
            "bad",
        ))
        .with_base_url(mock.base_url());
        assert_eq!(
            status(wrong.get_status(&GetStatusRequest::new("p-2")).await),
            (401, "Signature error".to_string())
        );
        let merch = m2cerber::mock::spec::default_config().credentials["merch_id"].clone();
        let body = format!(
            r#"{{"merch_id": "{merch}", "payment_id": "p-3", "status": "pending", "sum": "1"}}"#
        );
        let raw = reqwest::Client::new()
            .post(format!("{}/get_wallet/", mock.base_url()))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status(), 401, "unsigned request");
        assert_eq!(raw.text().await.unwrap(), r#"{"error":"Signature error"}"#);
    }
}

mod pegas_mock {
    use super::*;
    use pegas_kassa::mock::MockServer;
    use pegas_kassa::requests::*;
    use pegas_kassa::types::{DepositType, ReceiptFormat, WithdrawalMethod};
    use pegas_kassa::{Client, Credentials, Error};

    fn sample() -> Credentials {
        Credentials::new(pegas_kassa::mock::spec::default_config().credentials["token"].clone())
    }

    fn api(e: Error) -> Box<pegas_kassa::ApiError> {
        match e {
            Error::Api(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn deposits_withdrawals_receipts_and_balance() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(sample()).with_base_url(mock.base_url());
        let before = client.balance().await.unwrap().balance;
        let d = client
            .deposit(&DepositRequest::new(
                dec("150.00"),
                DepositType::InvoiceCard,
                "ord-1",
            ))
            .await
            .unwrap();
        mock.fire("deposit", d.id.as_str(), "paid", None)
            .await
            .unwrap();
        let after = client.balance().await.unwrap().balance;
        assert_eq!(after - before, dec("150.00"));

        let pdf = client
            .receipt(&ReceiptRequest::new(ReceiptFormat::Pdf).with_order_id("ord-1"))
            .await
            .unwrap();
        assert_eq!(pdf.content_type, "application/pdf");
        assert!(pdf.bytes.starts_with(b"%PDF"));
        let jpeg = client
            .receipt(&ReceiptRequest::new(ReceiptFormat::Jpeg).with_id(d.id.as_str()))
            .await
            .unwrap();
        assert_eq!(jpeg.content_type, "image/jpeg");

        let w = client
            .withdrawal(
                &WithdrawalRequest::new(dec("50"), "4111", WithdrawalMethod::Card)
                    .with_order_id("out-1")
                    .with_comment("rent"),
            )
            .await
            .unwrap();
        assert!(
            w.id.as_str().len() == 16 && w.id.as_str().bytes().all(|b| b.is_ascii_hexdigit()),
            "{}",
            w.id.as_str()
        );
        assert_ne!(w.id.as_str(), d.id.as_str());
        assert_eq!(w.commission, dec("0.00"));
        let stored = mock.record("withdrawal", w.id.as_str()).unwrap();
        for part in [
            r#""order_id":"out-1""#,
            r#""amount":50"#,
            r#""number":"4111""#,
            r#""method":"card""#,
            r#""comment":"rent""#,
        ] {
            assert!(stored.contains(part), "{part} in {stored}");
        }
        assert_eq!(client.balance().await.unwrap().balance, after - dec("50"));
    }

    #[tokio::test]
    async fn errors_carry_status_code_and_validation_path() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(sample()).with_base_url(mock.base_url());
        let req = DepositRequest::new(dec("10"), DepositType::Wallet, "dup-1").with_ttl(30);
        client.deposit(&req).await.unwrap();
        let dup = api(client.deposit(&req).await.unwrap_err());
        assert_eq!(
            (
                dup.status,
                dup.code.as_deref(),
                dup.validation_path.as_deref()
            ),
            (400, Some("invalid_parameters"), Some("order_id"))
        );
        assert_eq!(
            (dup.message.as_deref(), dup.validation_message.as_deref()),
            (
                Some("A transaction with this order_id already exists"),
                Some("dup-1 is already used")
            )
        );

        let short =
            WithdrawalRequest::new(dec("1"), "1", WithdrawalMethod::Card).with_comment("ab");
        // The client refuses it itself; unchecked, the mock answers in Pegas' shape.
        let unchecked = client.clone().with_request_checks(false);
        let e = api(unchecked.withdrawal(&short).await.unwrap_err());
        assert_eq!(
            (e.status, e.validation_path.as_deref()),
            (400, Some("comment"))
        );
        assert_eq!(
            (
                e.code.as_deref(),
                e.message.as_deref(),
                e.validation_message.as_deref()
            ),
            (
                Some("invalid_parameters"),
                Some(
                    "The comment parameter is invalid: length must be between 3 and 100 characters"
                ),
                Some("length must be between 3 and 100 characters")
            )
        );

        let wrong = Client::new(Credentials::new("bad-token")).with_base_url(mock.base_url());
        let e = api(wrong.balance().await.unwrap_err());
        assert_eq!(
            (e.status, e.code.as_deref()),
            (401, Some("authorization_error"))
        );
        assert_eq!(e.message.as_deref(), Some("Invalid token"));

        let e = api(client
            .deposit_cancel(&DepositCancelRequest::new("none", "none"))
            .await
            .unwrap_err());
        assert_eq!(
            (e.status, e.code.as_deref()),
            (404, Some("resource_not_found"))
        );
        assert_eq!(e.message.as_deref(), Some("Transaction not found"));
        assert!(!Error::Api(e).is_retryable());
    }
}
