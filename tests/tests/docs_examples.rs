//! Every request example in the specs (copied from the providers' docs) is sent unchanged
//! but for the host to the provider's mock, authenticated the way the docs say, and must get
//! a successful answer of the documented shape: the same keys, recursively, as the docs'
//! response example.

use std::collections::BTreeSet;

use payspec::spec::{self, model::Encoding};
use serde_json::Value;

/// Keys of objects, recursively (arrays by their first element).
fn shape(v: &Value, path: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{path}.{k}");
                out.insert(p.clone());
                shape(x, &p, out);
            }
        }
        Value::Array(a) => {
            if let Some(first) = a.first() {
                shape(first, &format!("{path}[]"), out);
            }
        }
        _ => {}
    }
}

/// How one provider's docs authenticate a raw request.
type Sign = dyn Fn(&str, &str, &[u8], &[(String, String)]) -> Vec<(String, String)>;

async fn replay(spec_file: &str, base: &str, sign: &Sign, forget_nonces: &dyn Fn()) -> usize {
    let loaded =
        spec::load(std::path::Path::new(spec_file)).unwrap_or_else(|(_, d)| panic!("{d:?}"));
    let s = &loaded.spec;
    let http = reqwest::Client::new();
    let mut sent = 0;
    for (name, e) in &s.endpoints {
        for ex in &e.examples {
            let Some(req) = &ex.request else { continue };
            forget_nonces();
            let fields: serde_json::Map<String, Value> = serde_json::from_str(&req.value).unwrap();
            let encoding = spec::validate::encoding_of(s, e);
            let method = spec::validate::method_of(s, e);
            let mut path = e.path.value.clone();
            let mut query: Vec<(String, String)> = Vec::new();
            let text = |v: &Value| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let path_params: Vec<String> = e
                .request
                .as_ref()
                .map(|r| {
                    r.fields
                        .iter()
                        .filter(|(_, f)| {
                            spec::validate::param_in(s, e, f) == spec::model::ParamIn::Path
                        })
                        .map(|(n, _)| n.clone())
                        .collect()
                })
                .unwrap_or_default();
            for (k, v) in &fields {
                if path_params.contains(k) {
                    path = path.replace(&format!("{{{k}}}"), &text(v));
                } else if encoding == Encoding::Query {
                    query.push((k.clone(), text(v)));
                }
            }
            let body = if encoding == Encoding::Json {
                req.value.as_bytes().to_vec()
            } else {
                Vec::new()
            };
            let headers = sign(name, &path, &body, &query);
            let method = reqwest::Method::from_bytes(format!("{method:?}").as_bytes()).unwrap();
            let mut rb = http.request(method, format!("{base}{path}")).query(&query);
            for (k, v) in headers {
                rb = rb.header(k, v);
            }
            if !body.is_empty() {
                rb = rb.header("Content-Type", "application/json").body(body);
            }
            let resp = rb.send().await.unwrap();
            let status = resp.status().as_u16();
            let bytes = resp.bytes().await.unwrap();
            let want = e.response.status.as_ref().map(|s| s.value).unwrap_or(200);
            assert_eq!(
                status,
                want,
                "{spec_file} {name}: {}",
                String::from_utf8_lossy(&bytes)
            );
            sent += 1;
            if bytes.is_empty() {
                continue;
            }
            let got: Value = match serde_json::from_slice(&bytes) {
                Ok(v) => v,
                Err(_) => continue, // a file (receipt)
            };
            if let Some(env) = &s.envelope {
                assert_eq!(
                    got[&env.status_field.value],
                    Value::String(env.success.value.clone()),
                    "{spec_file} {name}: {got}"
                );
            }
            let documented = e
                .examples
                .iter()
                .filter(|x| x.status.is_none())
                .find_map(|x| x.response.as_ref());
            if let Some(doc) = documented {
                let doc: Value = serde_json::from_str(&doc.value).unwrap();
                let (mut a, mut b) = (BTreeSet::new(), BTreeSet::new());
                shape(&doc, "", &mut a);
                shape(&got, "", &mut b);
                let missing: Vec<_> = a.difference(&b).collect();
                assert!(
                    missing.is_empty(),
                    "{spec_file} {name}: the mock's answer lacks {missing:?}: {got}"
                );
            }
        }
    }
    sent
}

#[tokio::test]
async fn tegro_docs_examples() {
    let mock = tegro_money::mock::MockServer::start().await.unwrap();
    let sign = |_: &str, _: &str, body: &[u8], _: &[(String, String)]| {
        use hmac::{KeyInit, Mac};
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(b"EEFA1913EA9D9351469B1E5D852A").unwrap();
        mac.update(body);
        vec![(
            "Authorization".to_string(),
            format!("Bearer {}", hex::encode(mac.finalize().into_bytes())),
        )]
    };
    let n = replay(
        "../specs/tegro-money.yaml",
        &mock.base_url(),
        &sign,
        &|| mock.forget_nonces(),
    )
    .await;
    assert_eq!(n, 8);
}

#[tokio::test]
async fn begateway_docs_examples() {
    let mock = begateway::mock::MockServer::start().await.unwrap();
    let c = begateway::mock::spec::default_config().credentials;
    let auth = begateway::signing::basic_auth(&c["shop_id"], &c["secret_key"]);
    let sign = move |_: &str, _: &str, _: &[u8], _: &[(String, String)]| {
        vec![("Authorization".to_string(), auth.clone())]
    };
    let n = replay("../specs/begateway.yaml", &mock.base_url(), &sign, &|| ()).await;
    assert!(n >= 4, "{n}");
}

#[tokio::test]
async fn pegas_docs_examples() {
    let mock = pegas_kassa::mock::MockServer::start().await.unwrap();
    let sign = |_: &str, _: &str, _: &[u8], _: &[(String, String)]| Vec::new();
    let n = replay("../specs/pegas-kassa.yaml", &mock.base_url(), &sign, &|| ()).await;
    assert_eq!(n, 5);
}

#[tokio::test]
async fn m2cerber_docs_examples() {
    let mock = m2cerber::mock::MockServer::start().await.unwrap();
    let creds = m2cerber::mock::spec::default_config().credentials;
    let sign = move |endpoint: &str, _: &str, body: &[u8], query: &[(String, String)]| {
        let recipe = match endpoint {
            "get_wallet" => &m2cerber::auth::WALLET,
            "update_status" => &m2cerber::auth::STATUS_UPDATE,
            "get_status" => &m2cerber::auth::STATUS_CHECK,
            _ => &m2cerber::auth::BALANCE,
        };
        let fields = |w: &str| {
            query
                .iter()
                .find(|(k, _)| k == w)
                .map(|(_, v)| v.clone())
                .or_else(|| m2cerber::http::json_member_text(body, w))
        };
        let cred = |c: &str| creds.get(c).cloned();
        let src = m2cerber::signing::Source {
            body,
            fields: &fields,
            form: &[],
        };
        let sig = m2cerber::signing::compute(recipe, &cred, &src).unwrap();
        vec![("Signature".to_string(), sig)]
    };
    let n = replay("../specs/m2cerber.yaml", &mock.base_url(), &sign, &|| ()).await;
    assert_eq!(n, 4);
}
