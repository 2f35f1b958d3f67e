//! Requests on their way out (path, query, headers, exact body bytes) and responses on their
//! way in, shared by the generated client methods.

use std::collections::BTreeMap;

/// A request being assembled: signing schemes read and extend it before it is sent.
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// HTTP method.
    pub method: reqwest::Method,
    /// Path after the base URL, parameters already filled in.
    pub path: String,
    /// Query parameters in order.
    pub query: Vec<(String, String)>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// The `Accept` header (default `application/json`): for a file, the content types the
    /// answer may have.
    pub accept: Option<String>,
}

/// The body exactly as it will be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// No body.
    None,
    /// Serialized JSON text; signatures cover these bytes.
    Json(String),
    /// Form fields in order.
    Form(Vec<(String, String)>),
}

impl Outgoing {
    /// A request with no parameters yet.
    pub fn new(method: reqwest::Method, path: String) -> Self {
        Outgoing {
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            accept: None,
        }
    }

    /// The request's members by wire name, as the mock gathers them: path parameters read
    /// back from the path, the query, the form or JSON body, and header fields.
    pub fn members(&self, endpoint: &crate::tables::Endpoint) -> crate::value::V {
        use crate::value::V;
        let mut members: Vec<(crate::value::Key, V)> = Vec::new();
        for (k, v) in crate::check::path_params(endpoint.path, &self.path).unwrap_or_default() {
            members.push((k.into(), V::Str(v)));
        }
        for (k, v) in self.query.iter().chain(self.form()) {
            members.push((k.clone().into(), V::Str(v.clone())));
        }
        if let Body::Json(text) = &self.body
            && let Some(V::Obj(body)) = V::parse(text.as_bytes())
        {
            members.extend(body);
        }
        for f in endpoint.fields {
            if f.loc == crate::tables::Loc::Header
                && let Some((_, v)) = self
                    .headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(f.wire))
            {
                members.push((f.wire.into(), V::Str(v.clone())));
            }
        }
        V::Obj(members)
    }

    /// Checks the request against its endpoint's rules, before it is signed: its members go
    /// through the checker the mock uses, with the mock's default string limit.
    pub fn check(
        &self,
        spec: &crate::tables::Spec,
        endpoint: &crate::tables::Endpoint,
    ) -> Result<(), crate::check::InvalidRequest> {
        let limit = crate::limits::Limits::DEFAULT.string_chars;
        crate::check::request(spec, endpoint, &self.members(endpoint), limit)
    }

    /// Sets `Accept` for an endpoint that answers a file: the content type the request's
    /// field picks, or every type the endpoint may answer.
    pub fn set_accept(&mut self, endpoint: &crate::tables::Endpoint) {
        if let Some(types) = endpoint.accepted_types(&self.members(endpoint)) {
            self.accept = Some(types.join(", "));
        }
    }

    /// The exact body bytes.
    pub fn body_bytes(&self) -> Vec<u8> {
        match &self.body {
            Body::None => Vec::new(),
            Body::Json(s) => s.as_bytes().to_vec(),
            Body::Form(pairs) => form_encode(pairs).into_bytes(),
        }
    }

    /// Form fields (empty unless the body is a form).
    pub fn form(&self) -> &[(String, String)] {
        match &self.body {
            Body::Form(p) => p,
            _ => &[],
        }
    }

    /// Adds members at the front of a JSON body (injected auth fields), or form fields.
    pub fn inject(&mut self, members: Vec<(String, serde_json::Value)>) {
        match &mut self.body {
            Body::Json(json) => {
                let first: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{}:{}", serde_json::Value::String(k.clone()), v))
                    .collect();
                *json = crate::wire::splice_object(&first.join(","), json);
            }
            Body::Form(pairs) => {
                let mut front: Vec<(String, String)> = members
                    .into_iter()
                    .map(|(k, v)| (k, value_text(&v)))
                    .collect();
                front.append(pairs);
                *pairs = front;
            }
            Body::None => self
                .query
                .extend(members.into_iter().map(|(k, v)| (k, value_text(&v)))),
        }
    }

    /// A message field as wire text: query parameters, then the body's top-level members.
    pub fn field_text(&self, wire: &str) -> Option<String> {
        if let Some((_, v)) = self.query.iter().find(|(k, _)| k == wire) {
            return Some(v.clone());
        }
        match &self.body {
            Body::Json(json) => json_member_text(json.as_bytes(), wire),
            Body::Form(pairs) => pairs
                .iter()
                .find(|(k, _)| k == wire)
                .map(|(_, v)| v.clone()),
            Body::None => None,
        }
    }
}

/// Text of a JSON value as a signature reads it: strings unquoted, numbers as written.
pub fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A top-level member of a JSON object body as text: strings unquoted, numbers exactly as
/// written, other values as JSON.
pub fn json_member_text(body: &[u8], wire: &str) -> Option<String> {
    let members: BTreeMap<String, Box<serde_json::value::RawValue>> =
        serde_json::from_slice(body).ok()?;
    let raw = members.get(wire)?.get();
    if raw.starts_with('"') {
        serde_json::from_str::<String>(raw).ok()
    } else if raw == "null" {
        None
    } else {
        Some(raw.to_string())
    }
}

/// `application/x-www-form-urlencoded` text.
pub fn form_encode(pairs: &[(String, String)]) -> String {
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    crate::wire::php_query(&refs)
}

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space).
pub fn form_decode(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                crate::wire::percent_decode(k, true),
                crate::wire::percent_decode(v, true),
            )
        })
        .collect()
}

/// Decodes one path segment (`%XX` escapes; `+` stays a plus).
pub fn segment_decode(s: &str) -> String {
    crate::wire::percent_decode(s, false)
}

/// A path parameter, percent-encoded so it stays one segment: `/`, `?`, `#` and `%` are
/// escaped, and so are the dots of `.` and `..`, which a URL parser would otherwise resolve
/// into another path.
pub fn path_segment(value: impl std::fmt::Display) -> String {
    let s = value.to_string();
    if s == "." || s == ".." {
        return s.replace('.', "%2E");
    }
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A response as received.
#[derive(Clone, Debug)]
pub struct Received {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, if sent.
    pub content_type: Option<String>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// A file returned by the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binary {
    /// The `Content-Type` the provider sent.
    pub content_type: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}
