//! RSA-SHA256 (PKCS#1 v1.5) against openssl: the beGateway webhook vectors of
//! `tests/vectors/signing.json` were signed by `openssl dgst -sha256 -sign` with the demo key.
#![cfg(feature = "rsa")]

use payspec_runtime::rsa_keys;
use payspec_runtime::signing::SignError;
use serde_json::Value;

fn private_key() -> String {
    // The demo private key of specs/begateway.yaml (`mock.private_key`).
    let spec = include_str!("../../specs/begateway.yaml");
    let start = spec.find("-----BEGIN PRIVATE KEY-----").expect("key");
    let end = spec.find("-----END PRIVATE KEY-----").expect("key end")
        + "-----END PRIVATE KEY-----".len();
    spec[start..end]
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

fn public_key() -> String {
    let spec = include_str!("../../specs/begateway.yaml");
    let start = spec.find("-----BEGIN PUBLIC KEY-----").expect("key");
    let end =
        spec.find("-----END PUBLIC KEY-----").expect("key end") + "-----END PUBLIC KEY-----".len();
    spec[start..end]
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn signs_like_openssl_and_verifies_openssl() {
    let all: Value =
        serde_json::from_str(include_str!("../../tests/vectors/signing.json")).unwrap();
    let mut n = 0;
    for v in all["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["spec"] == "begateway")
    {
        let body = v["body"].as_str().unwrap().as_bytes();
        let sig = v["signature"].as_str().unwrap();
        assert_eq!(rsa_keys::sign(&private_key(), body).unwrap(), sig);
        assert_eq!(
            payspec_runtime::signing::rsa_sign(&private_key(), body).unwrap(),
            sig
        );
        assert_eq!(rsa_keys::verify(&public_key(), body, sig), Ok(()));
        assert_eq!(
            rsa_keys::verify(&public_key(), &body[1..], sig),
            Err(SignError::Mismatch)
        );
        assert_eq!(
            rsa_keys::verify(&public_key(), body, &sig[4..]),
            Err(SignError::Mismatch)
        );
        assert_eq!(
            rsa_keys::verify(&public_key(), body, "not base64!"),
            Err(SignError::Mismatch)
        );
        n += 1;
    }
    assert_eq!(n, 2);
}

#[test]
fn bad_keys_are_reported() {
    assert!(matches!(
        rsa_keys::sign("not a key", b"x"),
        Err(SignError::BadKey(_))
    ));
    assert!(matches!(
        rsa_keys::verify("not a key", b"x", "AAAA"),
        Err(SignError::BadKey(_))
    ));
}
