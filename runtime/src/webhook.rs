//! Webhooks on the merchant's side (feature `client`): how a body is told apart from the
//! other webhooks arriving at the same URL ([`Discriminator`], [`route`]), what the provider
//! expects back ([`Reply`]), and the trait a generated crate's `webhooks::Event` implements
//! ([`Webhooks`]), which the axum handler (feature `axum`, [`axum`](mod@self::axum)) is
//! written against.

use reqwest::header::HeaderMap;

/// The answer the provider expects from the merchant for a webhook: anything else may be
/// taken as a failed delivery and retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Content type of `body` (none for an empty body).
    pub content_type: Option<&'static str>,
    /// The exact body, e.g. `OK`.
    pub body: &'static str,
}

impl Reply {
    /// `200` with an empty body: what a provider that documents nothing gets.
    pub const EMPTY_200: Reply = Reply {
        status: 200,
        content_type: None,
        body: "",
    };
}

/// How a webhook's body is told apart: a top-level field and the values it has for this
/// webhook (empty: the field is present and not null).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Discriminator {
    /// The field's wire name.
    pub field: &'static str,
    /// Its values for this webhook, as text (`confirm`, `1`); empty: any value.
    pub values: &'static [&'static str],
    /// The body is form-encoded (else JSON).
    pub form: bool,
}

impl Discriminator {
    /// Whether `body` is this webhook's. A body that does not parse matches nothing.
    pub fn matches(&self, body: &[u8]) -> bool {
        match field_text(body, self.form, self.field) {
            None => false,
            Some(v) => self.values.is_empty() || self.values.contains(&v.as_str()),
        }
    }
}

/// The text of a top-level field of a JSON object (strings unquoted, other values as
/// written, `null` as absent) or of a form body.
pub fn field_text(body: &[u8], form: bool, name: &str) -> Option<String> {
    if form {
        crate::http::form_decode(&String::from_utf8_lossy(body))
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    } else {
        crate::http::json_member_text(body, name)
    }
}

/// The one webhook whose discriminator matches (`matches[i]` for webhook `i`): `None` when
/// none or more than one does, so a body is never taken for the wrong webhook.
pub fn route(matches: &[bool]) -> Option<usize> {
    let mut hits = matches
        .iter()
        .enumerate()
        .filter(|(_, m)| **m)
        .map(|(i, _)| i);
    match (hits.next(), hits.next()) {
        (Some(i), None) => Some(i),
        _ => None,
    }
}

/// A provider's webhooks, as one typed event: implemented by each generated crate's
/// `webhooks::Event`.
pub trait Webhooks: Sized + Send + 'static {
    /// What the merchant holds (the crate's `Credentials`).
    type Credentials: Clone + Send + Sync + 'static;
    /// Why a webhook was refused (the crate's `WebhookError`).
    type Error: std::error::Error + Send + 'static;
    /// Verifies a received webhook and returns it typed.
    fn parse(
        credentials: &Self::Credentials,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self, Self::Error>;
    /// The HTTP method the provider sends this webhook with (`POST`).
    fn method(&self) -> &'static str;
    /// What the provider expects back for it.
    fn reply(&self) -> Reply;
    /// The status to refuse a webhook with: 401 for a bad signature or credentials, 400 for a
    /// body that is malformed or no webhook's.
    fn refusal_status(error: &Self::Error) -> u16;
}

/// The merchant's side over axum 0.8 (feature `axum`): an extractor that verifies a webhook
/// and a ready router that answers as the provider expects.
#[cfg(feature = "axum")]
pub mod axum {
    use std::future::Future;

    use axum::extract::{FromRef, FromRequest, Request};
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};

    use super::{Reply, Webhooks};

    pub use axum::Router;

    /// The largest webhook body read, in bytes (1 MiB); a larger one is refused with 413.
    pub const MAX_BODY: usize = 1 << 20;

    impl IntoResponse for Reply {
        fn into_response(self) -> Response {
            let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
            match self.content_type {
                Some(ct) => (status, [("content-type", ct)], self.body).into_response(),
                None => (status, self.body).into_response(),
            }
        }
    }

    /// A webhook refused by [`Verified`]: its status (401, 400, 405 or 413) and why, as text.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Refused {
        /// HTTP status of the refusal.
        pub status: u16,
        /// Why, without secrets.
        pub message: String,
    }

    impl IntoResponse for Refused {
        fn into_response(self) -> Response {
            let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
            (
                status,
                [("content-type", "text/plain; charset=utf-8")],
                self.message,
            )
                .into_response()
        }
    }

    /// An extractor: the request's webhook, verified with the credentials in the router's
    /// state (`E::Credentials: FromRef<S>`) and sent with its declared method.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Verified<E>(pub E);

    impl<S, E> FromRequest<S> for Verified<E>
    where
        S: Send + Sync,
        E: Webhooks,
        E::Credentials: FromRef<S>,
    {
        type Rejection = Refused;

        async fn from_request(req: Request, state: &S) -> Result<Self, Refused> {
            let credentials = E::Credentials::from_ref(state);
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, MAX_BODY)
                .await
                .map_err(|_| Refused {
                    status: 413,
                    message: format!("webhook body over {MAX_BODY} bytes, or broken off"),
                })?;
            let event = E::parse(&credentials, &parts.headers, &body).map_err(|e| Refused {
                status: E::refusal_status(&e),
                message: e.to_string(),
            })?;
            if parts.method.as_str() != event.method() {
                return Err(Refused {
                    status: 405,
                    message: format!("this webhook is sent with {}", event.method()),
                });
            }
            Ok(Verified(event))
        }
    }

    /// A router answering every path with the webhook handler: each verified webhook goes to
    /// `on_event`, then the provider gets the reply it expects; refused ones get
    /// [`Refused`]. Mount it with `Router::nest` or `Router::merge`.
    pub fn router<E, F, Fut>(credentials: E::Credentials, on_event: F) -> Router
    where
        E: Webhooks,
        F: Fn(E) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler = move |Verified(event): Verified<E>| async move {
            let reply = event.reply();
            on_event(event).await;
            reply
        };
        axum::Router::new()
            .route("/", axum::routing::any(handler.clone()))
            .fallback(handler)
            .with_state(credentials)
    }
}
