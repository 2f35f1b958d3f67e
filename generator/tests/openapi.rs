//! The exported `generated/<crate>/openapi.json`: what it covers (every endpoint and webhook,
//! schemas, error statuses, security schemes with the signing recipe, the docs' examples),
//! and its validity by an independent validator, `openapi-spec-validator` from PyPI.
//!
//! The validator runs when it is installed (`.ci/run` installs it into a venv and sets
//! `PAYSPEC_OPENAPI_VALIDATOR`); with `PAYSPEC_REQUIRE_TOOLS=1` a missing validator fails the
//! test instead of skipping that part.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const CRATES: [&str; 4] = ["tegro-money", "m2cerber", "pegas-kassa", "begateway"];

fn doc(krate: &str) -> Value {
    let path = repo().join("generated").join(krate).join("openapi.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("JSON")
}

fn spec(krate: &str) -> payspec::spec::Loaded {
    payspec::spec::load(&repo().join("specs").join(format!("{krate}.yaml"))).expect("spec loads")
}

#[test]
fn every_endpoint_and_webhook_is_exported_with_its_answers() {
    for krate in CRATES {
        let d = doc(krate);
        let l = spec(krate);
        assert_eq!(d["openapi"], "3.1.0");
        assert!(
            d["x-generated"]
                .as_str()
                .unwrap_or("")
                .contains(&format!("specs/{krate}.yaml"))
        );
        assert_eq!(
            d["info"]["version"],
            l.spec
                .provider
                .version
                .as_ref()
                .map_or("0.1.0", |v| v.value.as_str())
        );
        let mut ops = 0;
        for (path, item) in d["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                ops += 1;
                let id = op["operationId"].as_str().expect("operationId");
                let e = l
                    .spec
                    .endpoints
                    .get(id)
                    .unwrap_or_else(|| panic!("{krate}: {id} is not an endpoint"));
                assert_eq!(path, &e.path.value, "{krate} {id}");
                let m = payspec::spec::validate::method_of(&l.spec, e);
                assert_eq!(method.to_uppercase(), format!("{m:?}"), "{krate} {id}");
                let responses = op["responses"].as_object().expect("responses");
                let ok = e
                    .response
                    .status
                    .as_ref()
                    .map_or(200, |s| s.value)
                    .to_string();
                assert!(
                    responses.contains_key(&ok),
                    "{krate} {id}: success status {ok}"
                );
                // Every status the error model documents is an answer of every operation.
                for status in l.spec.errors.statuses.keys() {
                    assert!(
                        responses.contains_key(&status.to_string()),
                        "{krate} {id}: {status}"
                    );
                }
                // The security requirement names schemes that exist.
                for req in op["security"].as_array().expect("security") {
                    for name in req.as_object().expect("requirement").keys() {
                        assert!(
                            d["components"]["securitySchemes"][name].is_object(),
                            "{krate}: {name}"
                        );
                    }
                }
            }
        }
        assert_eq!(
            ops,
            l.spec.endpoints.len(),
            "{krate}: one operation per endpoint"
        );
        let hooks = d["webhooks"].as_object().map_or(0, |w| w.len());
        assert_eq!(hooks, l.spec.webhooks.len(), "{krate}: webhooks");
        for name in l.spec.types.keys() {
            assert!(
                d["components"]["schemas"][name].is_object(),
                "{krate}: schema {name}"
            );
        }
    }
}

#[test]
fn wire_forms_signatures_and_examples_are_exact() {
    let t = doc("tegro-money");
    // A decimal kept as a string is a string with a decimal pattern; a request amount a number.
    let amount = &t["components"]["schemas"]["Order"]["properties"]["amount"];
    assert_eq!(amount["type"], "string");
    assert_eq!(amount["pattern"], r"^-?[0-9]+(\.[0-9]+)?$");
    let create = &t["paths"]["/createOrder/"]["post"];
    let body = &create["requestBody"]["content"]["application/json"];
    assert_eq!(body["schema"]["properties"]["amount"]["type"], "number");
    // Injected fields are required members of the body, marked as such.
    assert_eq!(
        body["schema"]["properties"]["nonce"]["x-payspec-injected"],
        "nonce"
    );
    assert!(
        body["schema"]["required"]
            .as_array()
            .expect("required")
            .contains(&"shop_id".into())
    );
    // The docs' example, as JSON.
    assert_eq!(
        body["examples"]["docs-1"]["value"]["order_id"],
        "test order"
    );
    // Errors come inside the envelope with 200: the success answer is one of two shapes.
    let ok = &create["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(ok["oneOf"][0]["properties"]["type"]["const"], "success");
    assert_eq!(ok["oneOf"][1]["properties"]["type"]["const"], "error");
    // Dates in the docs' format have a pattern.
    assert_eq!(
        t["components"]["schemas"]["Order"]["properties"]["date_created"]["pattern"],
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
    );
    // The signature: described, and as data.
    let sig = &t["components"]["securitySchemes"]["api_signature"];
    assert_eq!(sig["in"], "header");
    assert_eq!(sig["name"], "Authorization");
    assert_eq!(sig["x-payspec-signature"]["algorithm"], "hmac-sha256");
    assert_eq!(sig["x-payspec-signature"]["template"], "Bearer {signature}");
    // The form webhook signed in a field carries its recipe on the operation.
    let hook = &t["webhooks"]["payment_notification"]["post"];
    assert!(
        hook["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]["properties"]
            ["sign"]
            .is_object()
    );
    assert_eq!(hook["x-payspec-signature"]["algorithm"], "md5");
    assert_eq!(hook["x-payspec-signature"]["field"], "sign");

    let m = doc("m2cerber");
    let parts = &m["components"]["securitySchemes"]["wallet_signature"]["x-payspec-signature"]["message"]
        ["parts"];
    assert_eq!(parts[3]["format"], "python_float");
    let p = doc("pegas-kassa");
    assert_eq!(p["components"]["securitySchemes"]["token"]["in"], "query");
    let receipt = &p["paths"]["/transaction/receipt/file"]["get"]["responses"]["200"]["content"];
    assert!(
        receipt["application/pdf"].is_object() && receipt["image/jpeg"].is_object(),
        "{receipt}"
    );
    let b = doc("begateway");
    assert_eq!(
        b["components"]["securitySchemes"]["basic"]["scheme"],
        "basic"
    );
    assert_eq!(
        b["paths"]["/products"]["post"]["responses"]["422"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/ErrorBody"
    );
}

#[test]
fn an_independent_validator_accepts_every_document() {
    let validator = std::env::var("PAYSPEC_OPENAPI_VALIDATOR")
        .unwrap_or_else(|_| "openapi-spec-validator".into());
    let required = std::env::var_os("PAYSPEC_REQUIRE_TOOLS").is_some();
    for krate in CRATES {
        let path = repo().join("generated").join(krate).join("openapi.json");
        let out = match Command::new(&validator).arg(&path).output() {
            Ok(o) => o,
            Err(e) => {
                assert!(!required, "{validator} cannot run: {e}");
                eprintln!("skipped: {validator} is not installed ({e}); .ci/run installs it");
                return;
            }
        };
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{krate}: {text}");
        assert!(text.contains("OK"), "{krate}: {text}");
    }
}
