//! Every `auth:` scheme of every spec, checked against vectors computed by code that is not
//! ours: `tests/vectors/make_vectors.py` (Python's hmac, hashlib, base64 and urllib; openssl
//! for RSA) wrote `tests/vectors/signing.json` from the providers' prose formulas.
//!
//! - the generated recipes reproduce each vector's signed string and signature, so a recipe
//!   changed in a spec (and regenerated) turns this red;
//! - each client puts the vector's signature on the same request;
//! - each webhook's `verify` accepts the vectors and refuses them tampered, and `signed()`
//!   reproduces them (RSA: checked by `openssl dgst -verify`).
//!
//! `docs_examples.rs` sends the vectors' raw requests to the mocks.

use std::collections::BTreeSet;
use std::path::Path;

use payspec_tests::{Vector, capture_one, vectors};
use serde_json::Value;

fn creds_of(spec: &str) -> impl Fn(&str) -> Option<String> + use<> {
    let all = vectors();
    let c = all["credentials"][spec].clone();
    move |name: &str| c[name].as_str().map(str::to_string)
}

#[test]
fn every_auth_scheme_of_every_spec_has_an_independent_vector() {
    let all = vectors();
    let covered: BTreeSet<(String, String)> = all["requests"]
        .as_array()
        .unwrap()
        .iter()
        .chain(all["webhooks"].as_array().unwrap())
        .map(|v| {
            (
                v["spec"].as_str().unwrap().to_string(),
                v["scheme"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut schemes = 0;
    for spec in ["tegro-money", "m2cerber", "pegas-kassa", "begateway"] {
        let loaded = payspec::spec::load(Path::new(&format!("../specs/{spec}.yaml")))
            .unwrap_or_else(|(_, d)| panic!("{d:?}"));
        for scheme in loaded.spec.auth.keys() {
            assert!(
                covered.contains(&(spec.to_string(), scheme.clone())),
                "{spec}: auth scheme `{scheme}` has no independent vector in tests/vectors/signing.json"
            );
            schemes += 1;
        }
    }
    // tegro api + notification, m2cerber's six, pegas token, begateway basic + notification.
    assert_eq!(schemes, 11);
    assert_eq!(covered.len(), 11, "{covered:?}");
}

/// Runs a generated recipe over a vector's message and compares with the vector.
macro_rules! check_recipe {
    ($krate:ident, $recipe:expr, $v:expr) => {{
        let v: &Vector = $v;
        let creds = creds_of(&v.spec);
        let body = v.body.as_bytes();
        let form = if v.is_form() {
            payspec_runtime::http::form_decode(&v.body)
        } else {
            Vec::new()
        };
        let fields = |w: &str| {
            v.query_value(w)
                .or_else(|| form.iter().find(|(k, _)| k == w).map(|(_, x)| x.clone()))
                .or_else(|| payspec_runtime::http::json_member_text(body, w))
        };
        let src = payspec_runtime::signing::Source {
            body,
            fields: &fields,
            form: &form,
        };
        let message = payspec_runtime::signing::message(&$recipe, &creds, &src).unwrap();
        assert_eq!(
            String::from_utf8(message).unwrap(),
            v.message,
            "{}: signed string",
            v.name()
        );
        let sig = payspec_runtime::signing::compute(&$recipe, &creds, &src).unwrap();
        assert_eq!(sig, v.signature, "{}: signature", v.name());
        // And the receiving side: `verify` takes the vector's signature, refuses a changed one.
        let got = v.signature.clone();
        assert_eq!(
            payspec_runtime::signing::verify(&$recipe, &creds, &src, Some(&got)),
            Ok(()),
            "{}",
            v.name()
        );
        let mut bad = got.into_bytes();
        bad[0] = if bad[0] == b'0' { b'1' } else { b'0' };
        let bad = String::from_utf8(bad).unwrap();
        assert_eq!(
            payspec_runtime::signing::verify(&$recipe, &creds, &src, Some(&bad)),
            Err(payspec_runtime::signing::SignError::Mismatch),
            "{}",
            v.name()
        );
        assert_eq!(
            payspec_runtime::signing::verify(&$recipe, &creds, &src, None),
            Err(payspec_runtime::signing::SignError::Missing),
            "{}",
            v.name()
        );
        1
    }};
}

#[test]
fn generated_recipes_reproduce_every_digest_vector() {
    let mut checked = 0;
    for v in Vector::all() {
        checked += match (v.spec.as_str(), v.scheme.as_str()) {
            ("tegro-money", "api") => check_recipe!(tegro_money, tegro_money::auth::API, &v),
            ("tegro-money", "notification") => {
                check_recipe!(tegro_money, tegro_money::auth::NOTIFICATION, &v)
            }
            ("m2cerber", "wallet") => check_recipe!(m2cerber, m2cerber::auth::WALLET, &v),
            ("m2cerber", "status_update") => {
                check_recipe!(m2cerber, m2cerber::auth::STATUS_UPDATE, &v)
            }
            ("m2cerber", "status_check") => {
                check_recipe!(m2cerber, m2cerber::auth::STATUS_CHECK, &v)
            }
            ("m2cerber", "balance") => check_recipe!(m2cerber, m2cerber::auth::BALANCE, &v),
            ("m2cerber", "payment_webhook") => {
                check_recipe!(m2cerber, m2cerber::auth::PAYMENT_WEBHOOK, &v)
            }
            ("m2cerber", "change_sum_webhook") => {
                check_recipe!(m2cerber, m2cerber::auth::CHANGE_SUM_WEBHOOK, &v)
            }
            // Not digests: checked through the clients and webhooks below.
            ("pegas-kassa", "token") | ("begateway", "basic" | "notification") => 0,
            other => panic!("no generated recipe is checked for {other:?}"),
        };
    }
    // 8 Tegro requests + 3 notifications, 9 m2cerber requests + 6 webhooks.
    assert_eq!(checked, 26);
}

#[test]
fn begateway_basic_header_is_the_vector() {
    let c = creds_of("begateway");
    for v in Vector::all().iter().filter(|v| v.scheme == "basic") {
        let want = v.header("Authorization").unwrap();
        assert_eq!(
            payspec_runtime::signing::basic_auth(&c("shop_id").unwrap(), &c("secret_key").unwrap()),
            want
        );
        assert!(payspec_runtime::signing::verify_basic(
            Some(want),
            "1",
            "begateway-demo-secret-key"
        ));
        assert!(!payspec_runtime::signing::verify_basic(
            Some(want),
            "1",
            "begateway-demo-secret-kez"
        ));
        assert!(!payspec_runtime::signing::verify_basic(
            Some(want),
            "2",
            "begateway-demo-secret-key"
        ));
        assert!(!payspec_runtime::signing::verify_basic(
            None,
            "1",
            "begateway-demo-secret-key"
        ));
    }
}

fn request_vector(spec: &str, endpoint: &str) -> Vector {
    Vector::all()
        .into_iter()
        .find(|v| v.spec == spec && v.endpoint == endpoint && v.example == Some(0))
        .unwrap_or_else(|| panic!("no vector for {spec} {endpoint}"))
}

#[tokio::test]
async fn m2cerber_client_signs_like_the_vectors() {
    use m2cerber::requests::*;
    use m2cerber::types::PaymentStatus;
    let creds = m2cerber::Credentials::new("m2cerber-demo-merchant", "m2cerber-demo-secret-key");
    let answer = r#"{"payment_id":"3636363","wallet_link":"x","image":"x","wallet_number":"1","status":"pending","canceled_sum":0,"confirm_sum":0,"pending_sum":0}"#;

    let mut sent = Vec::new();
    for endpoint in ["get_wallet", "update_status", "get_status", "get_balance"] {
        let (url, rx) = capture_one(200, answer).await;
        let client = m2cerber::Client::new(creds.clone()).with_base_url(url);
        let _ = match endpoint {
            "get_wallet" => client
                .get_wallet(&GetWalletRequest::new(
                    "3636363",
                    "1234567890",
                    "500".parse().unwrap(),
                    "https://merchant.example/m2cerber/callback",
                    "2024-01-01 12:00:00",
                ))
                .await
                .map(drop),
            "update_status" => client
                .update_status(&UpdateStatusRequest::new("3636363", PaymentStatus::Accept))
                .await
                .map(drop),
            "get_status" => client
                .get_status(&GetStatusRequest::new("3636363"))
                .await
                .map(drop),
            _ => client
                .get_balance(
                    &GetBalanceRequest::new()
                        .with_start_date("2024-01-01")
                        .with_end_date("2024-01-31"),
                )
                .await
                .map(drop),
        };
        let got = rx.await.unwrap();
        let v = request_vector("m2cerber", endpoint);
        assert_eq!(
            got.header("Signature"),
            Some(v.signature.as_str()),
            "{endpoint}"
        );
        assert_eq!(got.method, v.method, "{endpoint}");
        // The fields the docs' example sends, with the same values.
        if v.query.is_empty() {
            assert_eq!(got.target, v.path, "{endpoint}");
            let sent_body: Value = serde_json::from_slice(&got.body).unwrap();
            let doc_body: Value = serde_json::from_str(&v.body).unwrap();
            assert_eq!(sent_body, doc_body, "{endpoint}");
        } else {
            let (path, query) = got.target.split_once('?').unwrap();
            assert_eq!(path, v.path, "{endpoint}");
            let mut sent = payspec_runtime::http::form_decode(query);
            let mut want = v.query.clone();
            sent.sort();
            want.sort();
            assert_eq!(sent, want, "{endpoint}");
        }
        sent.push(endpoint);
    }
    assert_eq!(sent.len(), 4);
}

#[tokio::test]
async fn begateway_and_pegas_clients_authenticate_like_the_vectors() {
    let v = request_vector("begateway", "get_product");
    let (url, rx) = capture_one(200, r#"{"id":"prd_ed27b047d3ccd1a6"}"#).await;
    let client = begateway::Client::new(begateway::Credentials::sample()).with_base_url(url);
    let _ = client
        .get_product(&begateway::requests::GetProductRequest::new(
            "prd_ed27b047d3ccd1a6",
        ))
        .await;
    let got = rx.await.unwrap();
    assert_eq!(got.header("Authorization"), v.header("Authorization"));
    assert_eq!(got.target, v.path);

    let v = request_vector("pegas-kassa", "balance");
    let (url, rx) = capture_one(200, r#"{"balance":1.00}"#).await;
    let client = pegas_kassa::Client::new(pegas_kassa::Credentials::sample()).with_base_url(url);
    let _ = client.balance().await;
    let got = rx.await.unwrap();
    assert_eq!(got.target, format!("{}?{}", v.path, v.url_query));
    assert_eq!(v.url_query, "token=pegas-demo-token");
}

fn header_map(v: &Vector) -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    for (k, x) in &v.headers {
        h.insert(
            reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            x.parse().unwrap(),
        );
    }
    h
}

/// One byte of a body changed inside a value, so the body stays well-formed.
fn tampered(body: &str) -> String {
    for (from, to) in [("1", "2"), ("5", "6"), ("0", "9")] {
        if body.contains(from) {
            return body.replacen(from, to, 1);
        }
    }
    panic!("nothing to tamper in {body}")
}

#[test]
fn tegro_notifications_verify_and_sign_like_the_vectors() {
    let mut n = 0;
    for v in Vector::webhooks()
        .iter()
        .filter(|v| v.spec == "tegro-money")
    {
        use tegro_money::webhooks::PaymentNotification as W;
        let h = header_map(v);
        let got = W::verify("TEGRO-DEMO-SECRET", &h, v.body.as_bytes())
            .unwrap_or_else(|e| panic!("{}: {e}", v.name()));
        assert_eq!(got.order_id, v.field("order_id"));
        assert_eq!(got.amount.to_string(), v.field("amount"));
        assert_eq!(got.shop_id, v.field("shop_id"));
        assert_eq!(got.payment_system.to_string(), v.field("payment_system"));
        assert_eq!(got.currency.as_str(), v.field("currency"));
        assert!(W::verify("TEGRO-DEMO-SECREU", &h, v.body.as_bytes()).is_err());
        assert!(W::verify("TEGRO-DEMO-SECRET", &h, tampered(&v.body).as_bytes()).is_err());
        // The sender side: the same fields signed by us carry the same `sign`.
        let (_, body) = got.signed(creds_of("tegro-money")).unwrap();
        let pairs = payspec_runtime::http::form_decode(std::str::from_utf8(&body).unwrap());
        let sign = pairs
            .iter()
            .find(|(k, _)| k == "sign")
            .map(|(_, s)| s.as_str());
        assert_eq!(sign, Some(v.signature.as_str()), "{}", v.name());
        n += 1;
    }
    assert_eq!(n, 3);
}

#[test]
fn m2cerber_webhooks_verify_and_sign_like_the_vectors() {
    use m2cerber::webhooks::{AcceptPayment, CancelPayment, ChangeSum};
    let key = "m2cerber-demo-secret-key";
    let mut seen = BTreeSet::new();
    for v in Vector::webhooks().iter().filter(|v| v.spec == "m2cerber") {
        let h = header_map(v);
        let body = v.body.as_bytes();
        // A signed value changed: the sum received.
        let sum_text = format!("\"{}\"", v.field("confirm_sum"));
        let bad = v
            .body
            .replacen(&sum_text, &format!("\"{}1\"", v.field("confirm_sum")), 1);
        assert_ne!(bad, v.body);
        let signature = |headers: &[(String, String)]| {
            headers
                .iter()
                .find(|(k, _)| k == "Signature")
                .map(|(_, s)| s.clone())
        };
        let (sum, resigned) = match v.webhook.as_str() {
            "accept_payment" | "cancel_payment" => {
                let w = if v.webhook == "accept_payment" {
                    AcceptPayment::verify(key, &h, body)
                        .map(|w| (w.payment_id, w.status, w.confirm_sum))
                } else {
                    CancelPayment::verify(key, &h, body)
                        .map(|w| (w.payment_id, w.status, w.confirm_sum))
                };
                let (id, status, sum) = w.unwrap_or_else(|e| panic!("{}: {e}", v.name()));
                assert_eq!(id.to_string(), v.field("payment_id"), "{}", v.name());
                assert_eq!(status.as_str(), v.field("status"), "{}", v.name());
                assert!(AcceptPayment::verify("other", &h, body).is_err());
                assert!(
                    AcceptPayment::verify(key, &h, bad.as_bytes()).is_err(),
                    "{}",
                    v.name()
                );
                let again = AcceptPayment::new(status, id, sum)
                    .signed(creds_of("m2cerber"))
                    .unwrap();
                (sum, signature(&again.0))
            }
            "change_sum" => {
                let w = ChangeSum::verify(key, &h, body)
                    .unwrap_or_else(|e| panic!("{}: {e}", v.name()));
                assert_eq!(w.payment_id.to_string(), v.field("payment_id"));
                assert_eq!(w.payment_sum.to_string(), v.field("payment_sum"));
                assert!(ChangeSum::verify("other", &h, body).is_err());
                assert!(
                    ChangeSum::verify(key, &h, bad.as_bytes()).is_err(),
                    "{}",
                    v.name()
                );
                (
                    w.confirm_sum,
                    signature(&w.signed(creds_of("m2cerber")).unwrap().0),
                )
            }
            other => panic!("unexpected webhook {other}"),
        };
        assert_eq!(sum.to_string(), v.field("confirm_sum"), "{}", v.name());
        assert_eq!(
            resigned.as_deref(),
            Some(v.signature.as_str()),
            "{}: signed()",
            v.name()
        );
        seen.insert(v.webhook.clone());
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
}

#[test]
fn begateway_notifications_verify_openssl_signatures_and_openssl_verifies_ours() {
    use begateway::webhooks::Notification as W;
    let cfg = begateway::mock::spec::default_config();
    let public = cfg.credentials["public_key"].clone();
    let private = cfg.rsa_private_key.clone().unwrap();
    let mut n = 0;
    for v in Vector::webhooks().iter().filter(|v| v.spec == "begateway") {
        let h = header_map(v);
        let body = v.body.as_bytes();
        let got = W::verify("1", "begateway-demo-secret-key", &public, &h, body)
            .unwrap_or_else(|e| panic!("{}: {e}", v.name()));
        assert!(W::verify("1", "wrong", &public, &h, body).is_err());
        assert!(
            W::verify(
                "1",
                "begateway-demo-secret-key",
                &public,
                &h,
                tampered(&v.body).as_bytes()
            )
            .is_err()
        );
        // Ours, checked by openssl.
        let pem = private.clone();
        let (headers, ours) = got
            .signed(move |c| match c {
                "shop_id" => Some("1".into()),
                "secret_key" => Some("begateway-demo-secret-key".into()),
                c if c.ends_with("_private") => Some(pem.clone()),
                _ => None,
            })
            .unwrap();
        let sig = headers
            .iter()
            .find(|(k, _)| k == "Content-Signature")
            .unwrap()
            .1
            .clone();
        assert!(
            openssl_verifies(&public, &ours, &sig),
            "{}: openssl refused our signature",
            v.name()
        );
        assert!(!openssl_verifies(
            &public,
            tampered(std::str::from_utf8(&ours).unwrap()).as_bytes(),
            &sig
        ));
        // PKCS#1 v1.5 is deterministic: over the same bytes ours equals openssl's.
        let same = payspec_runtime::rsa_keys::sign(&private, body).unwrap();
        assert_eq!(same, v.signature, "{}", v.name());
        n += 1;
    }
    assert_eq!(n, 2);
}

/// `openssl dgst -sha256 -verify public.pem -signature sig body`.
fn openssl_verifies(public_pem: &str, body: &[u8], signature_b64: &str) -> bool {
    let dir =
        std::env::temp_dir().join(format!("payspec-rsa-{}-{}", std::process::id(), body.len()));
    std::fs::create_dir_all(&dir).unwrap();
    let sig = base64_decode(signature_b64);
    std::fs::write(dir.join("public.pem"), format!("{public_pem}\n")).unwrap();
    std::fs::write(dir.join("sig.bin"), sig).unwrap();
    std::fs::write(dir.join("body"), body).unwrap();
    let out = std::process::Command::new("openssl")
        .args([
            "dgst",
            "-sha256",
            "-verify",
            "public.pem",
            "-signature",
            "sig.bin",
            "body",
        ])
        .current_dir(&dir)
        .output()
        .expect("openssl is needed by this test (.ci/run installs it)");
    let _ = std::fs::remove_dir_all(&dir);
    out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Verified OK")
}

fn base64_decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| *c != b'=') {
        let x = A.iter().position(|a| *a == c).expect("base64") as u32;
        bits = (bits << 6) | x;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}
