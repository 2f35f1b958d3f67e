//! Sending a prepared request and reading its answer within bounds: the HTTP part of every
//! generated client, so a client method is "prepare, send, decode".

use std::time::Duration;

use crate::error::{Error, ErrorModel};
use crate::http::{Body, Outgoing, Received};

/// Whole-request timeout unless the caller sets another.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest response body read unless the caller sets another (16 MiB): an answer is held in
/// memory whole, so its size is bounded before it is trusted.
pub const DEFAULT_MAX_RESPONSE: usize = 16 << 20;

/// A base URL, a `reqwest` client, the bounds put on every answer and the provider's error
/// model.
#[derive(Clone, Debug)]
pub struct Transport {
    http: reqwest::Client,
    base_url: String,
    max_response: usize,
    errors: &'static ErrorModel,
}

fn client_with(timeout: Duration, errors: &ErrorModel) -> reqwest::Client {
    let mut b = reqwest::Client::builder().timeout(timeout);
    if errors.redirect_is_error {
        // The 3xx itself is the answer: its status and body become the error.
        b = b.redirect(reqwest::redirect::Policy::none());
    }
    b.build().unwrap_or_default()
}

impl Transport {
    /// Requests to `base_url` with the default timeout and size bound; error answers are read
    /// with `errors`.
    pub fn new(base_url: &str, errors: &'static ErrorModel) -> Self {
        Transport {
            http: client_with(DEFAULT_TIMEOUT, errors),
            base_url: base_url.trim_end_matches('/').to_string(),
            max_response: DEFAULT_MAX_RESPONSE,
            errors,
        }
    }

    /// The base URL requests go to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends requests to another base URL.
    pub fn set_base_url(&mut self, base_url: &str) {
        self.base_url = base_url.trim_end_matches('/').to_string();
    }

    /// Uses a configured `reqwest::Client`.
    pub fn set_http_client(&mut self, http: reqwest::Client) {
        self.http = http;
    }

    /// A new `reqwest::Client` with this whole-request timeout.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.http = client_with(timeout, self.errors);
    }

    /// Bounds the size of a response body.
    pub fn set_max_response(&mut self, bytes: usize) {
        self.max_response = bytes;
    }

    /// Sends the request and reads the whole answer, at most the size bound.
    pub async fn execute(&self, out: &Outgoing) -> Result<Received, Error> {
        let url = format!("{}{}", self.base_url, out.path);
        let mut req = self.http.request(out.method.clone(), url).header(
            reqwest::header::ACCEPT,
            out.accept.as_deref().unwrap_or("application/json"),
        );
        if !out.query.is_empty() {
            req = req.query(&out.query);
        }
        for (k, v) in &out.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let content_type = match &out.body {
            Body::None => None,
            Body::Json(_) => Some("application/json"),
            Body::Form(_) => Some("application/x-www-form-urlencoded"),
        };
        if let Some(t) = content_type {
            req = req
                .header(reqwest::header::CONTENT_TYPE, t)
                .body(out.body_bytes());
        }
        let mut resp = req.send().await.map_err(Error::Transport)?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let limit = self.max_response;
        if resp
            .content_length()
            .is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX))
        {
            return Err(Error::TooLarge { limit });
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(Error::Transport)? {
            if body.len() + chunk.len() > limit {
                return Err(Error::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Received {
            status,
            content_type,
            body,
        })
    }

    /// Sends a prepared request; a status outside 2xx is the provider's error, anything else
    /// goes to `decode`.
    pub async fn send<T>(
        &self,
        out: Outgoing,
        decode: impl FnOnce(Received) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let resp = self.execute(&out).await?;
        if !(200..300).contains(&resp.status) {
            return Err(self.errors.from_response(resp.status, &resp.body));
        }
        decode(resp)
    }
}
