//! `src/error.rs` of a generated crate: the one `Error` enum, and how error bodies and the
//! envelope are read.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_types::docs;
use crate::ir::Api;

fn path(p: &Option<Vec<String>>) -> TokenStream {
    match p {
        Some(segs) => quote!(Some(&[#(#segs),*][..])),
        None => quote!(None),
    }
}

pub fn error_rs(api: &Api) -> TokenStream {
    let types = error_types(api);
    let decoding = decoding(api);
    let envelope = envelope(api);
    let file = file(api);
    quote! {
        //! Errors: transport, provider-reported, unexpected status, and undecodable responses.
        use std::collections::BTreeMap;

        #types
        #decoding
        #envelope
        #file
    }
}

/// `ApiError`, `Error` and their `is_retryable`, `status`, `Display` and `source`.
fn error_types(api: &Api) -> TokenStream {
    let e = &api.errors;
    let doc = docs(&format!(
        "An error reported by {}.{}",
        api.name,
        if e.doc.is_empty() {
            String::new()
        } else {
            format!("\n\n{}", e.doc)
        }
    ));
    let retryable = &e.retryable_statuses;
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
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
            /// The request was refused before it was sent.
            InvalidRequest(String),
        }

        impl Error {
            /// Whether the same request may succeed if sent again later.
            pub fn is_retryable(&self) -> bool {
                const RETRYABLE: &[u16] = &[#(#retryable),*];
                match self {
                    Error::Transport(e) => e.is_timeout() || e.is_connect() || e.is_request(),
                    Error::Api(e) if { let status = &e.status; *status == 429 || *status >= 500 || RETRYABLE.contains(status) } => true,
                    Error::Api(_) => false,
                    Error::Status { status, .. } => {
                        *status == 429 || *status >= 500 || RETRYABLE.contains(status)
                    }
                    Error::Decode { .. } | Error::InvalidRequest(_) => false,
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

            pub(crate) fn decode(e: &serde_json::Error, body: &[u8]) -> Self {
                Error::Decode { message: e.to_string(), body: String::from_utf8_lossy(body).into_owned() }
            }
        }

        impl std::fmt::Display for Error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    Error::Transport(e) => write!(f, "transport error: {e}"),
                    Error::Api(e) => {
                        write!(f, "provider error (HTTP {})", e.status)?;
                        if let Some(c) = &e.code { write!(f, " {c}")?; }
                        if let Some(m) = &e.message { write!(f, ": {m}")?; }
                        if let (Some(p), Some(m)) = (&e.validation_path, &e.validation_message) { write!(f, " ({p}: {m})")?; }
                        for (field, msgs) in &e.field_errors { write!(f, "; {field}: {}", msgs.join(", "))?; }
                        Ok(())
                    }
                    Error::Status { status, .. } => write!(f, "unexpected HTTP status {status}"),
                    Error::Decode { message, .. } => write!(f, "cannot decode the response: {message}"),
                    Error::InvalidRequest(m) => write!(f, "invalid request: {m}"),
                }
            }
        }

        impl std::error::Error for Error {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    Error::Transport(e) => Some(e),
                    _ => None,
                }
            }
        }

    }
}

/// `decode` and `from_response`: bodies into values, or into the provider's error fields.
fn decoding(api: &Api) -> TokenStream {
    let e = &api.errors;
    let (code, message, vpath, vmsg, ferr) = (
        path(&e.code),
        path(&e.message),
        path(&e.validation_path),
        path(&e.validation_message),
        path(&e.field_errors),
    );
    quote! {
        /// Decodes a JSON body, keeping the raw body on failure (used by the client; public for
        /// custom transports and tests).
        pub fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
            serde_json::from_slice(body).map_err(|e| Error::decode(&e, body))
        }

        fn at<'v>(v: &'v serde_json::Value, path: Option<&[&str]>) -> Option<&'v serde_json::Value> {
            let mut cur = v;
            for seg in path? { cur = cur.get(*seg)?; }
            if cur.is_null() { None } else { Some(cur) }
        }

        /// The error for a non-2xx response: the provider's error fields where present.
        pub fn from_response(status: u16, body: &[u8]) -> Error {
            let raw = String::from_utf8_lossy(body).into_owned();
            let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
                return Error::Status { status, body: raw };
            };
            if !v.is_object() {
                return Error::Status { status, body: raw };
            }
            let text = |p: Option<&[&str]>| at(&v, p).map(crate::http::value_text);
            let mut field_errors = BTreeMap::new();
            if let Some(serde_json::Value::Object(m)) = at(&v, #ferr) {
                for (k, msgs) in m {
                    let list = match msgs {
                        serde_json::Value::Array(a) => a.iter().map(crate::http::value_text).collect(),
                        other => vec![crate::http::value_text(other)],
                    };
                    field_errors.insert(k.clone(), list);
                }
            }
            Error::Api(Box::new(ApiError {
                status,
                code: text(#code),
                message: text(#message),
                validation_path: text(#vpath),
                validation_message: text(#vmsg),
                field_errors,
                body: raw,
            }))
        }
    }
}

/// `unwrap_envelope`, for providers that wrap every answer.
fn envelope(api: &Api) -> TokenStream {
    let Some(env) = &api.envelope else {
        return quote!();
    };
    let (sf, ok, err, mf, df) = (
        &env.status_field,
        &env.success,
        &env.error,
        &env.message_field,
        &env.data_field,
    );
    quote! {
        #[derive(serde::Deserialize)]
        struct Envelope<'a> {
            #[serde(rename = #sf, default)]
            outcome: Option<String>,
            #[serde(rename = #mf, default)]
            message: Option<serde_json::Value>,
            #[serde(rename = #df, borrow, default)]
            data: Option<&'a serde_json::value::RawValue>,
        }

        /// Unwraps the provider's envelope: the payload on success, the error otherwise.
        pub fn unwrap_envelope<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
            let env: Envelope<'_> = serde_json::from_slice(body).map_err(|e| Error::decode(&e, body))?;
            match env.outcome.as_deref() {
                Some(#ok) => {
                    let data = env.data.map(|d| d.get()).unwrap_or("null");
                    serde_json::from_str(data).map_err(|e| Error::decode(&e, body))
                }
                Some(#err) => Err(Error::Api(Box::new(ApiError {
                    status: 200,
                    message: env.message.as_ref().map(crate::http::value_text),
                    body: String::from_utf8_lossy(body).into_owned(),
                    ..ApiError::default()
                }))),
                other => Err(Error::Decode {
                    message: format!("unexpected envelope outcome {other:?}"),
                    body: String::from_utf8_lossy(body).into_owned(),
                }),
            }
        }
    }
}

/// `file`: a file answer, or the provider's error sent in its place.
fn file(api: &Api) -> TokenStream {
    let e = &api.errors;
    let has_files = api
        .endpoints
        .iter()
        .any(|ep| matches!(ep.response.body, crate::ir::ResponseBody::Binary(_)));
    // A JSON answer where a file was expected is the provider's error: inside the envelope
    // when the provider puts its errors there, else by status.
    let json_error = if e.in_envelope && api.envelope.is_some() {
        quote! {
            match unwrap_envelope::<serde_json::Value>(&r.body) {
                Err(e) => e,
                Ok(_) => Error::Decode {
                    message: "expected a file, got JSON".to_string(),
                    body: String::from_utf8_lossy(&r.body).into_owned(),
                },
            }
        }
    } else {
        quote!(from_response(r.status, &r.body))
    };
    let file = has_files.then(|| {
        quote! {
            /// A file answer; JSON in its place is the provider's error.
            pub(crate) fn file(r: crate::http::Received) -> Result<crate::http::Binary, Error> {
                let json = r.content_type.as_deref().is_some_and(|t| t.starts_with("application/json"));
                if json {
                    return Err(#json_error);
                }
                Ok(crate::http::Binary { content_type: r.content_type.unwrap_or_default(), bytes: r.body })
            }
        }
    });
    file.unwrap_or_default()
}
