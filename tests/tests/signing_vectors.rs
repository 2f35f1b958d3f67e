//! Signatures of the generated crates against values computed independently from the
//! providers' documented formulas (Python's hmac/hashlib/urllib, see the comments), and the
//! clients' requests as they arrive at a real HTTP server on 127.0.0.1.

use payspec_tests::capture_one;

/// The Tegro createOrder body of the API reference, written as Python's `json.dumps` does
/// (with the nonce fixed).
const TEGRO_DOC_BODY: &str = r#"{"shop_id": "1913EA9D9351469B1E5D852A", "nonce": 1613435880, "currency": "RUB", "amount": 1200, "order_id": "test order", "payment_system": 5, "fields": {"email": "user@email.ru", "phone": "79111231212"}, "receipt": {"items": [{"name": "test item 1", "count": 1, "price": 600}, {"name": "test item 2", "count": 1, "price": 600}]}}"#;

/// hmac.new(b"EEFA1913EA9D9351469B1E5D852A", TEGRO_DOC_BODY, hashlib.sha256).hexdigest()
const TEGRO_DOC_HMAC: &str = "ab0f4c22efa20265a014dae8eec6f076f7d9d0b30e3c40c7f9b516ca7faeaf60";

fn no_fields(_: &str) -> Option<String> {
    None
}

#[test]
fn tegro_hmac_of_the_documented_body() {
    let creds = |c: &str| (c == "api_key").then(|| "EEFA1913EA9D9351469B1E5D852A".to_string());
    let src = payspec_runtime::signing::Source {
        body: TEGRO_DOC_BODY.as_bytes(),
        fields: &no_fields,
        form: &[],
    };
    let sig = payspec_runtime::signing::compute(&tegro_money::auth::API, &creds, &src).unwrap();
    assert_eq!(sig, TEGRO_DOC_HMAC);
    assert_eq!(
        payspec_runtime::signing::header_value(&tegro_money::auth::API, &sig),
        format!("Bearer {TEGRO_DOC_HMAC}")
    );
}

#[test]
fn tegro_notification_md5_over_sorted_php_query() {
    // urlencode(sorted(fields), quote_via=quote_plus) + "TEGRO-DEMO-SECRET", md5 hex:
    // amount=1200.00&currency=RUB&order_id=test+order+%231&payment_system=5&shop_id=1913EA9D9351469B1E5D852A&test=1
    let form: Vec<(String, String)> = [
        ("shop_id", "1913EA9D9351469B1E5D852A"),
        ("amount", "1200.00"),
        ("order_id", "test order #1"),
        ("payment_system", "5"),
        ("currency", "RUB"),
        ("test", "1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let creds = |c: &str| (c == "secret_key").then(|| "TEGRO-DEMO-SECRET".to_string());
    let body = payspec_runtime::http::form_encode(&form);
    let src = payspec_runtime::signing::Source {
        body: body.as_bytes(),
        fields: &no_fields,
        form: &form,
    };
    let sig =
        payspec_runtime::signing::compute(&tegro_money::auth::NOTIFICATION, &creds, &src).unwrap();
    assert_eq!(sig, "4cd659949ef7547a5a3a646fa5b7ec9f");

    // The merchant-side helper accepts it, typed, and refuses a tampered copy.
    let mut signed = form.clone();
    signed.push(("sign".into(), sig));
    let body = payspec_runtime::http::form_encode(&signed);
    let headers = reqwest::header::HeaderMap::new();
    let n = tegro_money::webhooks::PaymentNotification::verify(
        "TEGRO-DEMO-SECRET",
        &headers,
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(n.amount.to_string(), "1200.00");
    assert_eq!(n.order_id, "test order #1");
    assert_eq!(n.currency, tegro_money::types::Currency::Rub);
    let tampered = body.replace("1200.00", "1300.00");
    assert!(
        tegro_money::webhooks::PaymentNotification::verify(
            "TEGRO-DEMO-SECRET",
            &headers,
            tampered.as_bytes()
        )
        .is_err()
    );
    assert!(
        tegro_money::webhooks::PaymentNotification::verify("wrong", &headers, body.as_bytes())
            .is_err()
    );
}

#[tokio::test]
async fn tegro_client_signs_the_exact_bytes_it_sends() {
    use tegro_money::requests::CreateOrderRequest;
    use tegro_money::types::{Currency, OrderFields};
    let (url, rx) = capture_one(200, r#"{"type":"success","desc":"","data":{"id":755555,"url":"https://tegro.money/pay/complete/755555/x/"}}"#).await;
    let client = tegro_money::Client::new(tegro_money::Credentials::sample()).with_base_url(url);
    let request = CreateOrderRequest::new(Currency::Rub, "1200.50".parse().unwrap(), "order-1", 5)
        .with_fields(OrderFields::new().with_email("user@email.ru"));
    let created = client.create_order(&request).await.unwrap();
    assert_eq!(created.id, 755555);

    let got = rx.await.unwrap();
    assert_eq!(
        (got.method.as_str(), got.target.as_str()),
        ("POST", "/createOrder/")
    );
    let body = String::from_utf8(got.body.clone()).unwrap();
    assert!(
        body.starts_with(r#"{"shop_id":"1913EA9D9351469B1E5D852A","nonce":"#),
        "{body}"
    );
    assert!(
        body.contains(r#""amount":1200.50"#),
        "money stays an exact JSON number: {body}"
    );
    // Independent HMAC over the bytes as received.
    use hmac::{KeyInit, Mac};
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(b"EEFA1913EA9D9351469B1E5D852A").unwrap();
    mac.update(&got.body);
    let want = format!("Bearer {}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(got.header("authorization"), Some(want.as_str()));
}

// Nonces: `mock_tegro.rs` checks they strictly increase per client, in the order made.

#[test]
fn tegro_envelope_errors_become_provider_errors() {
    let body = br#"{"type":"error","desc":"Wrong authorization token"}"#;
    match tegro_money::error::MODEL.unwrap_envelope::<tegro_money::types::Balance>(body) {
        Err(tegro_money::Error::Api(e)) => {
            assert_eq!(e.message.as_deref(), Some("Wrong authorization token"));
            assert_eq!(e.status, 200);
        }
        other => panic!("{other:?}"),
    }
    match tegro_money::error::MODEL.unwrap_envelope::<tegro_money::types::Balance>(b"<html>") {
        Err(tegro_money::Error::Decode { body, .. }) => assert_eq!(body, "<html>"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn secrets_are_redacted_in_debug() {
    let creds = tegro_money::Credentials::sample();
    let shown = format!("{creds:?} {:?}", tegro_money::Client::new(creds.clone()));
    assert!(!shown.contains("EEFA1913EA9D9351469B1E5D852A"), "{shown}");
    assert!(
        shown.contains("1913EA9D9351469B1E5D852A"),
        "non-secret ids stay visible: {shown}"
    );
}

#[tokio::test]
async fn begateway_uses_basic_auth_and_path_parameters() {
    let (url, rx) = capture_one(204, "").await;
    let client = begateway::Client::new(begateway::Credentials::new("1", "secret", "public"))
        .with_base_url(url);
    let req = begateway::requests::UpdateProductRequest::new("prd/1 x").with_amount(950);
    client.update_product(&req).await.unwrap();
    let got = rx.await.unwrap();
    assert_eq!(
        (got.method.as_str(), got.target.as_str()),
        ("PUT", "/products/prd%2F1%20x")
    );
    // base64("1:secret")
    assert_eq!(got.header("authorization"), Some("Basic MTpzZWNyZXQ="));
    assert_eq!(String::from_utf8(got.body).unwrap(), r#"{"amount":950}"#);
}

#[tokio::test]
async fn begateway_422_keeps_field_messages_and_raw_body() {
    let body = r#"{"message":"Currency is unknown","errors":{"currency":["is not in ISO 4217 Alpha-3 format","is unknown ISO 4217 Alpha-3 code"]}}"#;
    let (url, _rx) = capture_one(422, body).await;
    let client = begateway::Client::new(begateway::Credentials::new("1", "secret", "public"))
        .with_base_url(url);
    let err = client
        .get_product(&begateway::requests::GetProductRequest::new("prd_1"))
        .await
        .unwrap_err();
    match &err {
        begateway::Error::Api(e) => {
            assert_eq!(e.status, 422);
            assert_eq!(e.message.as_deref(), Some("Currency is unknown"));
            assert_eq!(e.field_errors["currency"].len(), 2);
            assert_eq!(e.body, body);
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
}

#[test]
fn m2cerber_sha256_with_python_float_sum() {
    // hashlib.sha256(("3636363" + "m2-secret" + "pending" + str(float("500"))).encode()).hexdigest()
    // and the same for ("A-17", "accept", "12.50") -> "12.5".
    for (payment_id, status, sum, want) in [
        (
            "3636363",
            "pending",
            "500",
            "6b36ea01b7359175a3b93900630107e620dd3fbf758e11fa2e6358e2840a5358",
        ),
        (
            "A-17",
            "accept",
            "12.50",
            "2a62196fd9e0da1021930553d145a0789946277d427d749aa40cf3eb9b5f4579",
        ),
    ] {
        let body =
            format!(r#"{{"payment_id": "{payment_id}", "status": "{status}", "sum": "{sum}"}}"#);
        let fields = |w: &str| payspec_runtime::http::json_member_text(body.as_bytes(), w);
        let creds = |c: &str| (c == "secret_key").then(|| "m2-secret".to_string());
        let src = payspec_runtime::signing::Source {
            body: body.as_bytes(),
            fields: &fields,
            form: &[],
        };
        assert_eq!(
            payspec_runtime::signing::compute(&m2cerber::auth::WALLET, &creds, &src).unwrap(),
            want
        );
    }
}

#[tokio::test]
async fn m2cerber_client_sends_the_signature_header() {
    use m2cerber::requests::GetWalletRequest;
    let (url, rx) = capture_one(200, r#"{"payment_id": 3636363, "wallet_link": "https://m10.com/x", "image": "...", "wallet_number": "9378238289"}"#).await;
    let client = m2cerber::Client::new(m2cerber::Credentials::new("merchant-1", "m2-secret"))
        .with_base_url(url);
    let req = GetWalletRequest::new("3636363", "w", "500".parse().unwrap(), "https://cb", "t");
    let wallet = client.get_wallet(&req).await.unwrap();
    assert_eq!(
        wallet.payment_id.as_str(),
        "3636363",
        "an integer id is accepted for a string field"
    );
    let got = rx.await.unwrap();
    assert_eq!(
        got.header("signature"),
        Some("6b36ea01b7359175a3b93900630107e620dd3fbf758e11fa2e6358e2840a5358")
    );
    let body: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(body["merch_id"], "merchant-1");
    assert_eq!(body["sum"], "500", "the sum stays a string on the wire");
}

#[tokio::test]
async fn pegas_sends_the_token_as_a_query_parameter_and_returns_files_as_bytes() {
    use pegas_kassa::requests::ReceiptRequest;
    use pegas_kassa::types::ReceiptFormat;
    let (url, mut rx) =
        payspec_tests::serve(|_| payspec_tests::Reply::new(200, "application/pdf", "%PDF-1.4"))
            .await;
    let client =
        pegas_kassa::Client::new(pegas_kassa::Credentials::new("tok en")).with_base_url(url);
    let file = client
        .receipt(&ReceiptRequest::new(ReceiptFormat::Pdf).with_order_id("o 1"))
        .await
        .unwrap();
    assert_eq!(file.bytes, b"%PDF-1.4");
    assert_eq!(file.content_type, "application/pdf");
    let got = rx.recv().await.unwrap();
    assert_eq!(got.method, "GET");
    assert!(
        got.target
            .starts_with("/transaction/receipt/file?token=tok+en&"),
        "{}",
        got.target
    );
    assert!(
        got.target.contains("order_id=o+1") && got.target.contains("format=pdf"),
        "{}",
        got.target
    );
}
