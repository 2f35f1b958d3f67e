//! Mock-engine behaviour that no provider lifecycle shows on its own: generated ids, the
//! health summary, and optional fields sent as `null`.

use std::collections::HashSet;

/// splitmix64 of `counter`, 16 hex digits, written independently of the engine (Python:
/// `z = (c + 0x9E3779B97F4A7C15) % 2**64; z = ((z ^ z >> 30) * 0xBF58476D1CE4E5B9) % 2**64;
/// z = ((z ^ z >> 27) * 0x94D049BB133111EB) % 2**64; z ^= z >> 31`).
fn splitmix64_hex(counter: u64) -> String {
    let mut z = counter.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    format!("{:016x}", z ^ (z >> 31))
}

#[tokio::test]
async fn hex_ids_are_distinct_and_follow_splitmix64() {
    use begateway::requests::CreateProductRequest;
    assert_eq!(splitmix64_hex(1), "910a2dec89025cc1", "Python's value");
    let mock = begateway::mock::MockServer::start().await.unwrap();
    let client =
        begateway::Client::new(begateway::Credentials::sample()).with_base_url(mock.base_url());
    let mut ids = Vec::new();
    for i in 0..300 {
        let p = client
            .create_product(&CreateProductRequest::new(
                format!("p{i}"),
                "d",
                "USD",
                100,
                "en",
            ))
            .await
            .unwrap();
        ids.push(p.id);
    }
    assert_eq!(ids[0], format!("prd_{}", splitmix64_hex(1)));
    assert_eq!(ids[1], format!("prd_{}", splitmix64_hex(2)));
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 300);
}

#[tokio::test]
async fn health_counts_records_per_resource() {
    use tegro_money::requests::CreateOrderRequest;
    use tegro_money::types::Currency;
    let mock = tegro_money::mock::MockServer::start().await.unwrap();
    let client =
        tegro_money::Client::new(tegro_money::Credentials::sample()).with_base_url(mock.base_url());
    for i in 0..2 {
        client
            .create_order(&CreateOrderRequest::new(
                Currency::Rub,
                "10.00".parse().unwrap(),
                format!("h{i}"),
                5,
            ))
            .await
            .unwrap();
    }
    let health = reqwest::get(format!("{}/__mock/health", mock.base_url()))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut health: serde_json::Value = serde_json::from_slice(&health).unwrap();
    // Two small orders take some bytes (an estimate); no withdrawal takes none.
    let bytes = health["records"]["order"]["bytes"].take();
    assert!(
        (500..8_000).contains(&bytes.as_u64().unwrap_or(0)),
        "{bytes}"
    );
    assert_eq!(
        health,
        serde_json::json!({
            "provider": "Tegro.money",
            "ok": true,
            "records": {
                "order": {"kept": 2, "created": 2, "dropped": 0, "bytes": null},
                "withdrawal": {"kept": 0, "created": 0, "dropped": 0, "bytes": 0}
            },
            "limits": {
                "body_bytes": 1048576, "object_members": 1000, "depth": 32,
                "string_chars": 1024, "records": 20000, "record_bytes": 67108864,
                "journal": 1000, "header_timeout_ms": 10000, "body_timeout_ms": 10000,
                "idle_timeout_ms": 10000
            },
            "store": {"at": "memory", "error": null}
        })
    );
}

#[tokio::test]
async fn optional_fields_sent_as_null_are_absent() {
    let mock = tegro_money::mock::MockServer::start().await.unwrap();
    let body = r#"{"shop_id":"1913EA9D9351469B1E5D852A","nonce":1613435881,"currency":"RUB","amount":5,"order_id":"n1","payment_system":5,"fields":null}"#;
    let signature = payspec_tests::hmac_sha256_hex("EEFA1913EA9D9351469B1E5D852A", body);
    let resp = reqwest::Client::new()
        .post(format!("{}/createOrder/", mock.base_url()))
        .header("Authorization", format!("Bearer {signature}"))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let got: serde_json::Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(got["type"], "success", "{got}");
}
