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
    // `order` is at most 8 characters: the mock answers 400 in the spec's error shape.
    let long = CreatePaymentRequest::new(dec("1"), "ABCDEFGHI");
    let err = client(&mock)
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
