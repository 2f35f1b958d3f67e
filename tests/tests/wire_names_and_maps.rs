//! Fields the docs spell or shape awkwardly: m2cerber's `paymnet_id` is read under its
//! corrected name too (and written as the docs spell it), beGateway's 422 `errors` is a typed
//! map of arrays of strings, and the mock accepts a field under its alias as under its wire
//! name.

use std::collections::BTreeMap;

#[test]
fn m2cerber_status_update_reads_both_spellings_and_writes_the_docs_one() {
    use m2cerber::types::{PaymentStatus, StatusUpdate};
    for body in [
        r#"{"paymnet_id": 3636363, "status": "accept"}"#,
        r#"{"payment_id": "3636363", "status": "accept"}"#,
    ] {
        let s: StatusUpdate = serde_json::from_str(body).expect(body);
        assert_eq!(s.payment_id.as_str(), "3636363", "{body}");
        assert_eq!(s.status, PaymentStatus::Accept);
        let written = serde_json::to_string(&s).expect("writes");
        assert!(written.contains("\"paymnet_id\""), "{written}");
    }
    // Both at once is ambiguous: refused rather than guessed.
    let both = r#"{"paymnet_id": 1, "payment_id": 2, "status": "accept"}"#;
    assert!(serde_json::from_str::<StatusUpdate>(both).is_err());
}

#[test]
fn begateway_validation_errors_are_a_map_of_message_lists() {
    use begateway::types::ErrorBody;
    // The 422 body printed in the docs.
    let body = r#"{"message":"Currency is not in ISO 4217 Alpha-3 format","errors":{"currency":["is not in ISO 4217 Alpha-3 format"]}}"#;
    let e: ErrorBody = serde_json::from_str(body).expect("the docs' 422");
    assert_eq!(
        e.errors,
        Some(BTreeMap::from([(
            "currency".to_string(),
            vec!["is not in ISO 4217 Alpha-3 format".to_string()]
        )]))
    );
    // A message that is not a list of strings does not fit the documented shape.
    let odd = r#"{"message":"x","errors":{"currency":"is wrong"}}"#;
    assert!(serde_json::from_str::<ErrorBody>(odd).is_err());
}

#[test]
fn the_mock_accepts_a_field_under_its_alias() {
    use payspec_runtime::mock::engine::{Config, Engine};
    use payspec_runtime::mock::tables::*;
    use payspec_runtime::mock::value::V;
    static FIELDS: &[Field] = &[Field {
        name: "payment_id",
        wire: "paymnet_id",
        aliases: &["payment_id"],
        ..Field::DEFAULT
    }];
    static SPEC: Spec = Spec {
        provider: "Alias Shop",
        base_path: "",
        credentials: &[],
        schemes: &[],
        endpoints: &[Endpoint {
            name: "echo",
            path: "/echo",
            fields: FIELDS,
            body: Body::Json(Kind::Any),
            op: Op {
                action: Action::Fixed,
                respond: &[("ok", "true")],
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        }],
        types: &[],
        resources: &[],
        webhooks: &[],
        envelope: None,
        errors: Errors::DEFAULT,
    };
    let engine = Engine::new(&SPEC, Config::default());
    let none = |_: &str| None;
    for body in [r#"{"paymnet_id": "p-1"}"#, r#"{"payment_id": "p-1"}"#] {
        let (reply, _) = engine.handle("POST", "/echo", "", &none, body.as_bytes());
        assert_eq!(
            reply.status,
            200,
            "{body}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        let v = V::parse(&reply.body).expect("json");
        assert_eq!(v.get("ok"), Some(&V::Bool(true)), "{body}");
    }
    let (reply, _) = engine.handle("POST", "/echo", "", &none, b"{}");
    assert_eq!(
        reply.status, 400,
        "the field (under either name) is required"
    );
}
