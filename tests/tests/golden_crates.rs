//! The golden fixture crates (`golden/`, generated from `tests/fixtures/*.yaml`) used as a
//! merchant would use them: the example-pay client against its own generated mock over
//! HTTP on 127.0.0.1, and its `paid` webhook checked by a digest computed here from the
//! scheme's prose (sha256 of id, key, and the amount as Python's `str(float(x))`).

use example_pay::mock::MockServer;
use example_pay::requests::{CreatePaymentRequest, GetPaymentRequest};
use example_pay::types::Status;
use example_pay::webhooks::Paid;
use example_pay::{Client, Credentials, Error};
use payspec_tests::capture_one;
use sha2::Digest;

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().expect("a decimal")
}

fn client(mock: &MockServer) -> Client {
    Client::new(Credentials::new("test-shop-id", "k3y")).with_base_url(mock.base_url())
}

#[tokio::test]
async fn example_pay_creates_reads_and_is_paid_with_a_signed_webhook() {
    let mock = MockServer::start().await.expect("mock starts");
    let c = client(&mock);
    let created = c
        .create_payment(&CreatePaymentRequest::new(dec("10.50"), "A1"))
        .await
        .expect("created");
    assert_eq!(
        (created.id, created.amount, &created.status),
        (1, dec("10.50"), &Status::New)
    );
    let read = c
        .get_payment(&GetPaymentRequest::new(1))
        .await
        .expect("read");
    assert_eq!(read, created);
    // The stored record keeps the amount as sent, in the type's wire form (a string).
    let stored = mock.record("payment", "1").expect("stored");
    assert!(stored.contains(r#""amount":"10.50""#), "{stored}");

    let (url, got) = capture_one(200, "{}").await;
    mock.set_webhook_url(url);
    let paid = mock
        .fire("payment", "1", "paid", None)
        .await
        .expect("fires");
    assert!(paid.contains(r#""status":"done""#), "{paid}");
    let hook = got.await.expect("webhook delivered");
    let expected = hex::encode(sha2::Sha256::digest(b"1k3y10.5"));
    assert_eq!(hook.header("signature"), Some(expected.as_str()));
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("signature", expected.parse().expect("a header value"));
    let event = Paid::verify("k3y", &headers, &hook.body).expect("verifies");
    assert_eq!((event.id, event.amount), (1, dec("10.50")));
    assert!(Paid::verify("other", &headers, &hook.body).is_err());
    let read = c
        .get_payment(&GetPaymentRequest::new(1))
        .await
        .expect("read");
    assert_eq!(read.status, Status::Done);
}

#[tokio::test]
async fn example_pay_refuses_what_its_spec_refuses() {
    let mock = MockServer::start().await.expect("mock starts");
    // `order` is at most 8 characters: the client refuses it before sending, naming the
    // field; unchecked, the mock answers 400 in the spec's error shape.
    let long = CreatePaymentRequest::new(dec("1"), "ABCDEFGHI");
    match client(&mock).create_payment(&long).await {
        Err(Error::InvalidRequest(v)) => assert_eq!(
            v.to_string(),
            "order: length must be between 0 and 8 characters"
        ),
        other => panic!("{other:?}"),
    }
    let err = client(&mock)
        .with_request_checks(false)
        .create_payment(&long)
        .await
        .expect_err("too long");
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status, 400);
    assert_eq!(api.code.as_deref(), Some("invalid_field"));
    // A wrong key is the spec's `unauthorized` case: 401, code `auth`, "Bad signature".
    let wrong =
        Client::new(Credentials::new("test-shop-id", "nope")).with_base_url(mock.base_url());
    let err = wrong
        .create_payment(&CreatePaymentRequest::new(dec("1"), "A1"))
        .await
        .expect_err("refused");
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (api.status, api.code.as_deref(), api.message.as_deref()),
        (401, Some("auth"), Some("Bad signature"))
    );
    let err = client(&mock)
        .get_payment(&GetPaymentRequest::new(42))
        .await
        .expect_err("absent");
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (api.status, api.code.as_deref(), api.message.as_deref()),
        (404, Some("missing"), Some("No id"))
    );
}

mod form_pay {
    use super::dec;
    use form_pay::requests::{CreateInvoiceRequest, InvoicePdfRequest};
    use form_pay::types::Kind;
    use form_pay::webhooks::Paid;
    use form_pay::{Client, Credentials, Error};

    #[tokio::test]
    async fn a_form_request_with_a_query_token_and_a_file_behind_basic_auth() {
        let mock = form_pay::mock::MockServer::start()
            .await
            .expect("mock starts");
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        let request = CreateInvoiceRequest::new(dec("5.00"), Kind::Wallet).with_note("gift");
        // What goes out: a form body and the token in the query, nothing else signed.
        let out = client.prepare_create_invoice(&request).expect("prepares");
        assert_eq!(out.path, "/invoices");
        assert_eq!(out.query, [("token".to_string(), "t0k".to_string())]);
        assert_eq!(out.body_bytes(), b"amount=5.00&kind=2&note=gift");
        let invoice = client.create_invoice(&request).await.expect("created");
        assert!(
            invoice.id.starts_with("inv_") && invoice.id.len() == 12,
            "{}",
            invoice.id
        );
        assert_eq!(
            (invoice.amount, &invoice.kind),
            (dec("5.00"), &Kind::Wallet)
        );

        let pdf = client
            .invoice_pdf(&InvoicePdfRequest::new(invoice.id.as_str()))
            .await
            .expect("a file");
        assert_eq!(pdf.content_type, "application/pdf");
        assert!(pdf.bytes.starts_with(b"%PDF-"));
        let out = client
            .prepare_invoice_pdf(&InvoicePdfRequest::new("inv_1"))
            .expect("prepares");
        // `shop:pa55` in base64.
        assert_eq!(
            out.headers,
            [(
                "Authorization".to_string(),
                "Basic c2hvcDpwYTU1".to_string()
            )]
        );

        // A wrong token is refused inside the envelope, with the spec's message.
        let wrong = Client::new(Credentials::new("nope", "shop", "pa55", "s3cret"))
            .with_base_url(mock.base_url());
        let err = wrong.create_invoice(&request).await.expect_err("refused");
        let Error::Api(api) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(api.message.as_deref(), Some("Denied"));
        let missing = client
            .invoice_pdf(&InvoicePdfRequest::new("inv_none"))
            .await
            .expect_err("absent");
        let Error::Api(api) = &missing else {
            panic!("{missing:?}")
        };
        assert_eq!(api.message.as_deref(), Some("No such id"));
    }

    #[test]
    fn the_form_webhook_is_signed_over_its_sorted_fields() {
        let paid = Paid::new("inv_1", dec("5.00"), Kind::Card);
        let creds = |c: &str| (c == "secret").then(|| "s3cret".to_string());
        let (headers, body) = paid.signed(creds).expect("signs");
        // MD5 of the fields sorted by name, PHP-query-encoded, then the key, as Python's
        // hashlib and urllib compute it.
        let sign = "a01ecc9a86b548a4976c0b5541d22efc";
        assert_eq!(
            String::from_utf8(body.clone()).expect("text"),
            format!("id=inv_1&amount=5.00&kind=1&sign={sign}")
        );
        assert_eq!(
            headers,
            [(
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded".to_string()
            )]
        );
        let none = reqwest::header::HeaderMap::new();
        let back = Paid::verify("s3cret", &none, &body).expect("verifies");
        assert_eq!(back, paid);
        assert!(Paid::verify("other", &none, &body).is_err());
        let tampered = String::from_utf8(body)
            .expect("text")
            .replace("5.00", "6.00");
        assert!(Paid::verify("s3cret", &none, tampered.as_bytes()).is_err());
    }
}
