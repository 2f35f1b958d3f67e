//! The mock's JSON request reader on arbitrary bytes: `V::parse` never panics, and what it
//! accepts it writes back (`to_json`) as text it reads again to the same value, and writes
//! the same way. The same bytes (after a first byte that picks the endpoint) are then the
//! body of a request to the Tegro.money mock engine, signed as its client signs
//! (HMAC-SHA256 of the body with the sample merchant's key), so they get past authentication
//! into validation, the store and rendering: no panic, and every answer is a status code
//! with a JSON body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payspec_runtime::mock::value::V;
use payspec_runtime::wire::hmac_sha256_hex;
use tegro_money::mock::engine::Engine;
use tegro_money::mock::spec;

fuzz_target!(|data: &[u8]| {
    if let Some(v) = V::parse(data) {
        let text = v.to_json();
        let again = V::parse(text.as_bytes());
        assert_eq!(again.as_ref(), Some(&v), "written as {text}");
        assert_eq!(again.map(|a| a.to_json()).as_deref(), Some(text.as_str()));
    }

    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let endpoints = spec::SPEC.endpoints;
    let e = &endpoints[usize::from(pick) % endpoints.len()];
    let path = fill_path(e.path);
    let config = spec::default_config();
    let key = config
        .credentials
        .get("api_key")
        .cloned()
        .unwrap_or_default();
    let auth = format!("Bearer {}", hmac_sha256_hex(key.as_bytes(), body));
    let headers = |name: &str| {
        name.eq_ignore_ascii_case("authorization")
            .then(|| auth.clone())
    };
    // A fresh engine per input: no nonce or record carries over between runs.
    let engine = Engine::new(&spec::SPEC, config);
    let (reply, _deliveries) = engine.handle(e.method.as_str(), &path, "", &headers, body);
    assert!(
        (200..600).contains(&reply.status),
        "status {} for {} {path}",
        reply.status,
        e.method.as_str()
    );
    if reply.content_type.contains("json") {
        assert!(
            V::parse(&reply.body).is_some(),
            "{} {path} answered {}: {}",
            e.method.as_str(),
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
    }
});

/// The path with each `{param}` replaced by `1`.
fn fill_path(pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push('1');
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}
