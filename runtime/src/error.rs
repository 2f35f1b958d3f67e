//! The one error vocabulary of every generated client (`Error`, `ApiError`), and
//! [`ErrorModel`]: how one provider reports errors, as data, and how its answers are read
//! into that vocabulary.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::http::{Binary, Received, value_text};

/// An error reported by the provider.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status of the response.
    pub status: u16,
    /// The provider's error code, when it sends one.
    pub code: Option<String>,
    /// The provider's message.
    pub message: Option<String>,
    /// Dotted path of the invalid field, for validation errors.
    pub validation_path: Option<String>,
    /// What is wrong with that field.
    pub validation_message: Option<String>,
    /// Messages per invalid field.
    pub field_errors: BTreeMap<String, Vec<String>>,
    /// The raw response body.
    pub body: String,
    /// Whether the provider documents this answer as temporary (429, 5xx, or a status the
    /// spec marks retryable).
    pub retryable: bool,
}

/// Everything a call can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be sent or the response not received.
    Transport(reqwest::Error),
    /// The provider reported an error.
    Api(Box<ApiError>),
    /// An unexpected HTTP status with a body that is not a JSON error.
    Status {
        /// HTTP status.
        status: u16,
        /// The raw body.
        body: String,
    },
    /// The response could not be decoded into the documented type.
    Decode {
        /// What did not match.
        message: String,
        /// The raw body.
        body: String,
    },
    /// The response body was larger than the client accepts.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The request breaks its endpoint's rules (the same check the mock makes): refused
    /// before it was signed or sent.
    InvalidRequest(crate::check::InvalidRequest),
    /// The request could not be built or signed: a value that cannot be written, a
    /// credential the signature needs and does not have.
    Prepare(String),
}

/// 429 and every 5xx may succeed later unchanged.
fn temporary(status: u16) -> bool {
    status == 429 || status >= 500
}

impl Error {
    /// Whether the same request may succeed if sent again later.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(e) => e.is_timeout() || e.is_connect() || e.is_request(),
            Error::Api(e) => e.retryable,
            Error::Status { status, .. } => temporary(*status),
            Error::Decode { .. }
            | Error::TooLarge { .. }
            | Error::InvalidRequest(_)
            | Error::Prepare(_) => false,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Status { status, .. } => Some(*status),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// A body that does not decode, kept whole.
    pub fn undecodable(message: impl fmt::Display, body: &[u8]) -> Self {
        Error::Decode {
            message: message.to_string(),
            body: String::from_utf8_lossy(body).into_owned(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Api(e) => {
                write!(f, "provider error (HTTP {})", e.status)?;
                if let Some(c) = &e.code {
                    write!(f, " {c}")?;
                }
                if let Some(m) = &e.message {
                    write!(f, ": {m}")?;
                }
                if let (Some(p), Some(m)) = (&e.validation_path, &e.validation_message) {
                    write!(f, " ({p}: {m})")?;
                }
                for (field, msgs) in &e.field_errors {
                    write!(f, "; {field}: {}", msgs.join(", "))?;
                }
                Ok(())
            }
            Error::Status { status, .. } => write!(f, "unexpected HTTP status {status}"),
            Error::Decode { message, .. } => write!(f, "cannot decode the response: {message}"),
            Error::TooLarge { limit } => write!(f, "the response is larger than {limit} bytes"),
            Error::InvalidRequest(v) => write!(f, "invalid request: {v}"),
            Error::Prepare(m) => write!(f, "cannot prepare the request: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::InvalidRequest(v) => Some(v),
            _ => None,
        }
    }
}

/// Decodes a JSON body, keeping the raw body on failure.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| Error::undecodable(e, body))
}

/// A path of object members inside an error body, e.g. `["validation_error", "path"]`.
pub type Path = &'static [&'static str];

pub use crate::tables::Envelope;

/// How one provider reports errors, read from its spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorModel {
    /// Where the error code is in an error body.
    pub code: Option<Path>,
    /// Where the message is.
    pub message: Option<Path>,
    /// Where the invalid field's path is, for validation errors.
    pub validation_path: Option<Path>,
    /// What is wrong with that field.
    pub validation_message: Option<Path>,
    /// An object of messages per field.
    pub field_errors: Option<Path>,
    /// Statuses the spec marks retryable, besides 429 and 5xx.
    pub retryable: &'static [u16],
    /// The envelope around every answer, if the provider uses one.
    pub envelope: Option<Envelope>,
    /// Whether errors arrive inside the envelope (with a success status).
    pub errors_in_envelope: bool,
    /// A redirect (3xx) is the provider's error answer, read like any error body, instead of
    /// being followed.
    pub redirect_is_error: bool,
}

fn at(v: &serde_json::Value, path: Option<Path>) -> Option<&serde_json::Value> {
    let mut cur = v;
    for seg in path? {
        cur = cur.get(*seg)?;
    }
    if cur.is_null() { None } else { Some(cur) }
}

impl ErrorModel {
    fn retryable(&self, status: u16) -> bool {
        temporary(status) || self.retryable.contains(&status)
    }

    /// The envelope's message member, for models that name no message path: providers that
    /// wrap errors send the same envelope with an error status too.
    fn envelope_message(&self, v: &serde_json::Value) -> Option<String> {
        let env = self.envelope.filter(|_| self.message.is_none())?;
        v.get(env.message_field)
            .filter(|m| !m.is_null())
            .map(value_text)
    }

    /// The error for a non-2xx response: the provider's error fields where present.
    pub fn from_response(&self, status: u16, body: &[u8]) -> Error {
        let raw = String::from_utf8_lossy(body).into_owned();
        let v = match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(v @ serde_json::Value::Object(_)) => v,
            _ => return Error::Status { status, body: raw },
        };
        let text = |p: Option<Path>| at(&v, p).map(value_text);
        let mut field_errors = BTreeMap::new();
        if let Some(serde_json::Value::Object(m)) = at(&v, self.field_errors) {
            for (k, msgs) in m {
                let list = match msgs {
                    serde_json::Value::Array(a) => a.iter().map(value_text).collect(),
                    other => vec![value_text(other)],
                };
                field_errors.insert(k.clone(), list);
            }
        }
        Error::Api(Box::new(ApiError {
            status,
            code: text(self.code),
            message: text(self.message).or_else(|| self.envelope_message(&v)),
            validation_path: text(self.validation_path),
            validation_message: text(self.validation_message),
            field_errors,
            body: raw,
            retryable: self.retryable(status),
        }))
    }

    /// Unwraps the provider's envelope: the payload on success, the error otherwise. Without
    /// an envelope the body is the payload.
    pub fn unwrap_envelope<T: DeserializeOwned>(&self, body: &[u8]) -> Result<T, Error> {
        let Some(shape) = self.envelope else {
            return decode(body);
        };
        let mut de = serde_json::Deserializer::from_slice(body);
        let env = de
            .deserialize_map(EnvelopeVisitor { shape })
            .and_then(|env| de.end().map(|()| env))
            .map_err(|e| Error::undecodable(e, body))?;
        match env.outcome.as_deref() {
            Some(o) if o == shape.success => {
                let data = env.data.map_or("null", RawValue::get);
                serde_json::from_str(data).map_err(|e| Error::undecodable(e, body))
            }
            Some(o) if o == shape.error => Err(Error::Api(Box::new(ApiError {
                status: 200,
                message: env.message.as_ref().map(value_text),
                body: String::from_utf8_lossy(body).into_owned(),
                ..ApiError::default()
            }))),
            other => Err(Error::undecodable(
                format!("unexpected envelope outcome {other:?}"),
                body,
            )),
        }
    }

    /// A file answer; JSON in its place is the provider's error, and a file of a type
    /// outside `accepted` (the request's `Accept`, comma-separated) is refused.
    pub fn file(&self, r: Received, accepted: Option<&str>) -> Result<Binary, Error> {
        let json = r
            .content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("application/json"));
        if !json {
            let essence = |t: &str| {
                t.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            };
            let got = essence(r.content_type.as_deref().unwrap_or(""));
            if let Some(list) = accepted
                && !list.split(',').any(|t| essence(t) == got)
            {
                return Err(Error::Decode {
                    message: format!("expected a file of type {list}, got `{got}`"),
                    body: String::new(),
                });
            }
            return Ok(Binary {
                content_type: r.content_type.unwrap_or_default(),
                bytes: r.body,
            });
        }
        if !(self.errors_in_envelope && self.envelope.is_some()) {
            return Err(self.from_response(r.status, &r.body));
        }
        Err(match self.unwrap_envelope::<serde_json::Value>(&r.body) {
            Err(e) => e,
            Ok(_) => Error::undecodable("expected a file, got JSON", &r.body),
        })
    }
}

/// The members of an envelope, read in one pass; the payload stays raw until its type is
/// known.
struct EnvelopeParts<'a> {
    outcome: Option<String>,
    message: Option<serde_json::Value>,
    data: Option<&'a RawValue>,
}

struct EnvelopeVisitor {
    shape: Envelope,
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

fn once<T, E: de::Error>(slot: &mut Option<T>, value: T, name: &str) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::custom(format_args!("duplicate field `{name}`")));
    }
    *slot = Some(value);
    Ok(())
}

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = EnvelopeParts<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the provider's envelope object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let s = self.shape;
        let (mut outcome, mut message, mut data) = (None, None, None);
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            // A member may be null, which counts as absent, like `#[serde(default)]`.
            if key == s.status_field {
                let v: Option<String> = map.next_value()?;
                once(&mut outcome, v, s.status_field)?;
            } else if key == s.message_field {
                let v: Option<serde_json::Value> = map.next_value()?;
                once(&mut message, v, s.message_field)?;
            } else if key == s.data_field {
                let v: Option<&'de RawValue> = map.next_value()?;
                once(&mut data, v, s.data_field)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(EnvelopeParts {
            outcome: outcome.flatten(),
            message: message.flatten(),
            data: data.flatten(),
        })
    }
}
