//! The independent signing vectors of `tests/vectors/signing.json` (written by
//! `tests/vectors/make_vectors.py` with Python's hmac/hashlib/urllib and openssl).

use serde_json::Value;

/// The whole vectors file.
pub fn vectors() -> Value {
    serde_json::from_str(include_str!("../vectors/signing.json")).expect("signing.json is JSON")
}

/// One signed request or webhook.
#[derive(Debug, Clone)]
pub struct Vector {
    pub spec: String,
    pub scheme: String,
    /// Endpoint name (requests) or empty.
    pub endpoint: String,
    /// Webhook name (webhooks) or empty.
    pub webhook: String,
    /// Index of the docs example this request is, if it is one.
    pub example: Option<usize>,
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The query as `urllib.parse.urlencode` writes it.
    pub url_query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The exact signed string.
    pub message: String,
    pub signature: String,
    /// Webhook fields as wire text.
    pub fields: Vec<(String, String)>,
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

impl Vector {
    fn from_value(v: &Value) -> Self {
        let pair_list = |key: &str| -> Vec<(String, String)> {
            v[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|p| {
                            (
                                p[0].as_str().unwrap_or_default().to_string(),
                                p[1].as_str().unwrap_or_default().to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        Vector {
            spec: text(v, "spec"),
            scheme: text(v, "scheme"),
            endpoint: text(v, "endpoint"),
            webhook: text(v, "webhook"),
            example: v["example"].as_u64().map(|n| n as usize),
            method: text(v, "method"),
            path: text(v, "path"),
            query: pair_list("query"),
            url_query: text(v, "url_query"),
            headers: pair_list("headers"),
            body: text(v, "body"),
            message: text(v, "message"),
            signature: text(v, "signature"),
            fields: v["fields"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, x)| (k.clone(), x.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Request vectors, in file order.
    pub fn requests() -> Vec<Vector> {
        Self::section("requests")
    }

    /// Webhook vectors, in file order.
    pub fn webhooks() -> Vec<Vector> {
        Self::section("webhooks")
    }

    /// Requests, then webhooks.
    pub fn all() -> Vec<Vector> {
        let mut all = Self::requests();
        all.extend(Self::webhooks());
        all
    }

    fn section(name: &str) -> Vec<Vector> {
        vectors()[name]
            .as_array()
            .map(|a| a.iter().map(Vector::from_value).collect())
            .unwrap_or_default()
    }

    /// A readable name for failure messages.
    pub fn name(&self) -> String {
        let what = if self.webhook.is_empty() {
            &self.endpoint
        } else {
            &self.webhook
        };
        format!("{} {} ({}): {}", self.spec, what, self.scheme, self.body)
    }

    /// Whether the body is a form.
    pub fn is_form(&self) -> bool {
        self.header("Content-Type") == Some("application/x-www-form-urlencoded")
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter's value.
    pub fn query_value(&self, name: &str) -> Option<String> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// A webhook field's wire text (panics if absent: vectors are fixed test data).
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{}: no field {name}", self.name()))
    }
}
