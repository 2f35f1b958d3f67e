//! The signing interpreter against values computed by code that is not ours: the vectors of
//! `tests/vectors/signing.json` (Python's hmac/hashlib/urllib, openssl for RSA) and digests
//! printed by Python's `hashlib` / `base64`. The recipes below are the ones the four specs
//! declare, written out as data.

use payspec_runtime::signing::{
    self, Algorithm, Encoding, Format, Message, Part, Recipe, SignError, Source,
};
#[cfg(feature = "client")]
use serde_json::Value;

const TEGRO_API: Recipe = Recipe {
    algorithm: Algorithm::HmacSha256,
    key: Some("api_key"),
    message: Message::Body,
    encoding: Encoding::Hex,
    header: Some("Authorization"),
    template: "Bearer {signature}",
    field: None,
};

const TEGRO_NOTIFICATION: Recipe = Recipe {
    algorithm: Algorithm::Md5,
    key: None,
    message: Message::SortedFields(&[Part::Credential("secret_key")]),
    encoding: Encoding::Hex,
    header: None,
    template: "{signature}",
    field: Some("sign"),
};

const fn m2cerber(parts: &'static [Part]) -> Recipe {
    Recipe {
        algorithm: Algorithm::Sha256,
        key: None,
        message: Message::Parts(parts),
        encoding: Encoding::Hex,
        header: Some("Signature"),
        template: "{signature}",
        field: None,
    }
}

const WALLET: Recipe = m2cerber(&[
    Part::Field("payment_id", Format::Raw),
    Part::Credential("secret_key"),
    Part::Field("status", Format::Raw),
    Part::Field("sum", Format::PythonFloat),
]);
#[cfg(feature = "client")]
const STATUS_UPDATE: Recipe = m2cerber(&[
    Part::Field("payment_id", Format::Raw),
    Part::Credential("secret_key"),
    Part::Field("status", Format::Raw),
]);
const STATUS_CHECK: Recipe = m2cerber(&[
    Part::Field("payment_id", Format::Raw),
    Part::Credential("secret_key"),
]);
#[cfg(feature = "client")]
const BALANCE: Recipe = m2cerber(&[
    Part::Field("merch_id", Format::Raw),
    Part::Credential("secret_key"),
]);
#[cfg(feature = "client")]
const PAYMENT_WEBHOOK: Recipe = m2cerber(&[
    Part::Field("payment_id", Format::Raw),
    Part::Credential("secret_key"),
    Part::Field("status", Format::Raw),
    Part::Field("confirm_sum", Format::PythonFloat),
]);
#[cfg(feature = "client")]
const CHANGE_SUM_WEBHOOK: Recipe = m2cerber(&[
    Part::Field("payment_id", Format::Raw),
    Part::Credential("secret_key"),
    Part::Field("confirm_sum", Format::PythonFloat),
]);

#[cfg(feature = "client")]
const BEGATEWAY_NOTIFICATION: Recipe = Recipe {
    algorithm: Algorithm::RsaSha256,
    key: Some("public_key"),
    message: Message::Body,
    encoding: Encoding::Base64,
    header: Some("Content-Signature"),
    template: "{signature}",
    field: None,
};

/// The public half of the demo key the beGateway mock signs with (from specs/begateway.yaml).
#[cfg(feature = "client")]
const BEGATEWAY_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0PS90nG5CCuUpf/mbiWn
nlZPLCQP4uzjyt/5Xjn+r29JRQATMhuMH1x48u1WZJvKk8iDgaPrdH4ecI4/sf7Q
k/UT9qfypPKZmCh4sSsnOqxRwIuSAlSD5a+sbz1RyxqlqgNOkrvWYWX2uvc4Xwr3
N0NscfIn2/fyVWxfQDuCscAJu8m4t1xLYcNCYVza1GIBkCcowyGWL6u5IgysV1HF
GcCNzNGrxK+41h25lzoz7S62A5MwQusSMb060YmzPfhL0WE3QtPdyjK9kQ1S0gt0
NIBK5slS+JtrYGVxplQZdtRbz+iGQgejZG8Cng5eOpCAnnrdxLkiI6Mf/wcnEYcY
9wIDAQAB
-----END PUBLIC KEY-----";

#[cfg(feature = "client")]
fn vectors() -> Value {
    serde_json::from_str(include_str!("../../tests/vectors/signing.json")).expect("vectors")
}

#[cfg(feature = "client")]
fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p[0].as_str().unwrap().to_string(),
                        p[1].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(feature = "client")]
fn recipe(spec: &str, scheme: &str) -> Option<&'static Recipe> {
    Some(match (spec, scheme) {
        ("tegro-money", "api") => &TEGRO_API,
        ("tegro-money", "notification") => &TEGRO_NOTIFICATION,
        ("m2cerber", "wallet") => &WALLET,
        ("m2cerber", "status_update") => &STATUS_UPDATE,
        ("m2cerber", "status_check") => &STATUS_CHECK,
        ("m2cerber", "balance") => &BALANCE,
        ("m2cerber", "payment_webhook") => &PAYMENT_WEBHOOK,
        ("m2cerber", "change_sum_webhook") => &CHANGE_SUM_WEBHOOK,
        ("begateway", "notification") => &BEGATEWAY_NOTIFICATION,
        _ => return None,
    })
}

/// Every digest vector: the signed string, the signature, the header or field carrying it,
/// and verification of the right, a changed and a missing signature.
// Reads requests with the client's form and JSON readers.
#[cfg(feature = "client")]
#[test]
fn recipes_reproduce_the_independent_vectors() {
    let all = vectors();
    let mut checked = 0;
    for v in all["requests"]
        .as_array()
        .unwrap()
        .iter()
        .chain(all["webhooks"].as_array().unwrap())
    {
        let spec = v["spec"].as_str().unwrap();
        let Some(r) = recipe(spec, v["scheme"].as_str().unwrap()) else {
            continue;
        };
        let c = all["credentials"][spec].clone();
        let c = c.clone();
        let mut creds_map = c.as_object().unwrap().clone();
        creds_map.insert("public_key".into(), Value::String(BEGATEWAY_PUBLIC.into()));
        let creds = move |n: &str| creds_map.get(n).and_then(Value::as_str).map(str::to_string);
        let body = v["body"].as_str().unwrap();
        let query = pairs(&v["query"]);
        let headers = pairs(&v["headers"]);
        let form = if body.contains('=') && !body.starts_with('{') {
            payspec_runtime::http::form_decode(body)
        } else {
            Vec::new()
        };
        let fields = |w: &str| {
            query
                .iter()
                .chain(&form)
                .find(|(k, _)| k == w)
                .map(|(_, x)| x.clone())
                .or_else(|| payspec_runtime::http::json_member_text(body.as_bytes(), w))
        };
        let src = Source {
            body: body.as_bytes(),
            fields: &fields,
            form: &form,
        };
        let want = v["signature"].as_str().unwrap();
        let name = format!("{spec} {}: {body}", v["scheme"]);
        assert_eq!(
            String::from_utf8(signing::message(r, &creds, &src).unwrap()).unwrap(),
            v["message"].as_str().unwrap(),
            "{name}"
        );
        // Where the signature travels, as the provider writes it.
        let header = r
            .header
            .and_then(|h| headers.iter().find(|(k, _)| k == h))
            .map(|(_, x)| x.as_str());
        let field = r
            .field
            .and_then(|f| form.iter().find(|(k, _)| k == f))
            .map(|(_, x)| x.as_str());
        assert_eq!(signing::received(r, header, field), Some(want), "{name}");
        if r.algorithm == Algorithm::RsaSha256 {
            assert!(matches!(
                signing::compute(r, &creds, &src),
                Err(SignError::BadKey(_))
            ));
            if !cfg!(feature = "rsa") {
                // Built without RSA: verification says so instead of passing.
                assert!(matches!(
                    signing::verify(r, &creds, &src, Some(want)),
                    Err(SignError::BadKey(_))
                ));
                checked += 1;
                continue;
            }
        } else {
            assert_eq!(signing::compute(r, &creds, &src).unwrap(), want, "{name}");
            if let Some(h) = header {
                assert_eq!(signing::header_value(r, want), h, "{name}");
            }
        }
        assert_eq!(
            signing::verify(r, &creds, &src, Some(want)),
            Ok(()),
            "{name}"
        );
        let mut bad = want.to_string();
        let last = bad.pop().unwrap();
        bad.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(
            signing::verify(r, &creds, &src, Some(&bad)),
            Err(SignError::Mismatch),
            "{name}"
        );
        assert_eq!(
            signing::verify(r, &creds, &src, None),
            Err(SignError::Missing),
            "{name}"
        );
        let none = |_: &str| None;
        let expect_missing = match r.message {
            Message::Body if r.algorithm == Algorithm::Md5 || r.algorithm == Algorithm::Sha256 => {
                None
            }
            _ => Some(()),
        };
        if expect_missing.is_some() {
            assert!(
                matches!(
                    signing::verify(r, &none, &src, Some(want)),
                    Err(SignError::MissingCredential(_))
                ),
                "{name}"
            );
        }
        checked += 1;
    }
    // 8 + 9 request vectors, 3 + 6 + 2 webhook vectors.
    assert_eq!(checked, 28);
}

fn no_fields(_: &str) -> Option<String> {
    None
}

#[test]
fn digests_and_encodings_match_python() {
    let creds = |n: &str| (n == "k").then(|| "key".to_string());
    let src = Source {
        body: b"The quick brown fox jumps over the lazy dog",
        fields: &no_fields,
        form: &[],
    };
    let hmac = |encoding| Recipe {
        algorithm: Algorithm::HmacSha256,
        key: Some("k"),
        message: Message::Body,
        encoding,
        header: None,
        template: "{signature}",
        field: None,
    };
    // hmac.new(b"key", msg, sha256).hexdigest() / base64.b64encode(.digest())
    assert_eq!(
        signing::compute(&hmac(Encoding::Hex), &creds, &src).unwrap(),
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    );
    assert_eq!(
        signing::compute(&hmac(Encoding::Base64), &creds, &src).unwrap(),
        "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg="
    );
    let src = Source {
        body: b"abc",
        fields: &no_fields,
        form: &[],
    };
    let plain = |algorithm, encoding| Recipe {
        algorithm,
        key: None,
        ..hmac(encoding)
    };
    assert_eq!(
        signing::compute(&plain(Algorithm::Sha256, Encoding::Base64), &creds, &src).unwrap(),
        "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
    );
    assert_eq!(
        signing::compute(&plain(Algorithm::Md5, Encoding::Hex), &creds, &src).unwrap(),
        "900150983cd24fb0d6963f7d28e17f72"
    );
    assert_eq!(
        signing::compute(&plain(Algorithm::Md5, Encoding::Base64), &creds, &src).unwrap(),
        "kAFQmDzST7DWlj99KOF/cg=="
    );
    // An HMAC without a configured key is refused, whatever the key's name.
    let nameless = Recipe {
        key: None,
        ..hmac(Encoding::Hex)
    };
    assert_eq!(
        signing::compute(&nameless, &creds, &src),
        Err(SignError::MissingCredential("key"))
    );
    assert_eq!(
        signing::compute(&hmac(Encoding::Hex), &|_: &str| None, &src),
        Err(SignError::MissingCredential("k"))
    );
}

#[test]
fn base64_matches_python() {
    for (raw, b64) in [
        (&b""[..], ""),
        (b"f", "Zg=="),
        (b"fo", "Zm8="),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg=="),
        (b"fooba", "Zm9vYmE="),
        (b"foobar", "Zm9vYmFy"),
        (b"\x00\x01\x02\x03\x04\x05\x06", "AAECAwQFBg=="),
        (&[0xff, 0xfe, 0xfd][..], "//79"),
    ] {
        assert_eq!(signing::base64_encode(raw), b64, "{raw:?}");
    }
}

#[test]
fn basic_auth_matches_python() {
    // "Basic " + base64.b64encode(b"1:begateway-demo-secret-key")
    let want = "Basic MTpiZWdhdGV3YXktZGVtby1zZWNyZXQta2V5";
    assert_eq!(signing::basic_auth("1", "begateway-demo-secret-key"), want);
    assert!(signing::verify_basic(
        Some(want),
        "1",
        "begateway-demo-secret-key"
    ));
    assert!(signing::verify_basic(
        Some(&format!(" {want} ")),
        "1",
        "begateway-demo-secret-key"
    ));
    assert!(!signing::verify_basic(
        Some(want),
        "1",
        "begateway-demo-secret-kez"
    ));
    assert!(!signing::verify_basic(
        Some(want),
        "2",
        "begateway-demo-secret-key"
    ));
    assert!(!signing::verify_basic(
        Some("Basic"),
        "1",
        "begateway-demo-secret-key"
    ));
    assert!(!signing::verify_basic(
        None,
        "1",
        "begateway-demo-secret-key"
    ));
}

#[test]
fn parts_report_what_is_missing() {
    let creds = |n: &str| (n == "secret_key").then(|| "s".to_string());
    let fields = |w: &str| match w {
        "payment_id" => Some("7".to_string()),
        "sum" => Some("abc".to_string()),
        _ => None,
    };
    let src = Source {
        body: b"",
        fields: &fields,
        form: &[],
    };
    assert_eq!(
        signing::message(&WALLET, &creds, &src),
        Err(SignError::MissingField("status"))
    );
    assert_eq!(
        signing::message(&STATUS_CHECK, &creds, &src).unwrap(),
        b"7s"
    );
    assert_eq!(
        signing::message(&STATUS_CHECK, &|_: &str| None, &src),
        Err(SignError::MissingCredential("secret_key"))
    );
    let sum_only = m2cerber(&[Part::Field("sum", Format::PythonFloat)]);
    assert_eq!(
        signing::message(&sum_only, &creds, &src),
        Err(SignError::NotANumber("sum"))
    );
    let literal = m2cerber(&[Part::Literal("v1:"), Part::Field("payment_id", Format::Raw)]);
    assert_eq!(signing::message(&literal, &creds, &src).unwrap(), b"v1:7");
    // sorted_fields leaves out the signature field and sorts by name.
    let form = vec![
        ("b".to_string(), "2 x".to_string()),
        ("sign".to_string(), "zzz".to_string()),
        ("a".to_string(), "1".to_string()),
    ];
    let src = Source {
        body: b"",
        fields: &no_fields,
        form: &form,
    };
    assert_eq!(
        signing::message(&TEGRO_NOTIFICATION, &creds, &src).unwrap(),
        b"a=1&b=2+xs"
    );
}

#[test]
fn received_strips_the_template_or_reads_the_field() {
    assert_eq!(
        signing::received(&TEGRO_API, Some("Bearer abc"), None),
        Some("abc")
    );
    assert_eq!(signing::received(&TEGRO_API, Some("Token abc"), None), None);
    assert_eq!(signing::received(&TEGRO_API, None, Some("abc")), None);
    let suffixed = Recipe {
        template: "sig={signature};v=1",
        ..TEGRO_API
    };
    assert_eq!(
        signing::received(&suffixed, Some("sig=abc;v=1"), None),
        Some("abc")
    );
    assert_eq!(
        signing::received(&suffixed, Some("sig=abc;v=2"), None),
        None
    );
    assert_eq!(
        signing::received(&TEGRO_NOTIFICATION, Some("abc"), Some("def")),
        Some("def")
    );
    assert_eq!(
        signing::received(&TEGRO_NOTIFICATION, Some("abc"), None),
        None
    );
    assert_eq!(signing::header_value(&suffixed, "x"), "sig=x;v=1");
}

#[test]
fn sign_errors_read_well() {
    for (e, text) in [
        (
            SignError::MissingCredential("api_key"),
            "credential `api_key` is not configured",
        ),
        (
            SignError::MissingField("sum"),
            "signed field `sum` is missing",
        ),
        (
            SignError::NotANumber("sum"),
            "signed field `sum` is not a number",
        ),
        (SignError::Missing, "the signature is missing"),
        (SignError::Mismatch, "the signature does not match"),
        (SignError::BadKey("x".into()), "bad RSA key or signature: x"),
    ] {
        assert_eq!(e.to_string(), text);
    }
}

#[cfg(not(feature = "rsa"))]
#[test]
fn without_the_rsa_feature_rsa_is_refused() {
    assert!(matches!(
        signing::rsa_sign("pem", b"x"),
        Err(SignError::BadKey(_))
    ));
}
