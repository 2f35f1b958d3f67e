//! `src/webhooks.rs` of a generated crate: one type per webhook, with signature verification
//! for the merchant's server and signing for tests and the mock.

use proc_macro2::TokenStream;
use quote::quote;

use super::auth::recipe_ident;
use super::rust_types::{docs, ident, to_text};
use super::types::object;
use crate::ir::Encoding;
use crate::ir::{Api, Field, Scheme, Ty, TypeKind, Webhook};

pub fn webhooks_rs(api: &Api) -> TokenStream {
    let hooks = api.webhooks.iter().map(|w| webhook(api, w));
    let reads_headers = api
        .webhooks
        .iter()
        .filter_map(|w| api.scheme(w.scheme))
        .any(reads_headers);
    let header_fn = reads_headers.then(|| {
        quote! {
            fn header<'h>(headers: &'h reqwest::header::HeaderMap, name: &str) -> Option<&'h str> {
                headers.get(name).and_then(|v| v.to_str().ok())
            }
        }
    });
    let event = event(api);
    let module_doc = if api.webhooks.is_empty() {
        " The provider sends no webhooks that its docs describe; the error type is kept so\n every crate has the same `webhooks` module."
    } else {
        " Webhooks the provider sends to the merchant: [`parse`] verifies one and returns it\n as an [`Event`]; each type's `verify` checks one kind; [`Event::reply`] is the answer\n the provider expects. With the feature `axum`, the `axum` module is a ready handler."
    };
    quote! {
        #![doc = #module_doc]
        use crate::signing::SignError;

        /// Why a webhook was rejected.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum WebhookError {
            /// The signature is missing or wrong.
            Signature(SignError),
            /// HTTP Basic credentials are missing or wrong.
            Unauthorized,
            /// The body does not have the documented shape.
            Malformed(String),
            /// The body matches no webhook's discriminator (or, for one webhook type, not its
            /// own).
            Unrouted,
        }

        impl WebhookError {
            /// The status to refuse the webhook with: 401 for a bad signature or credentials,
            /// 400 for a malformed or unrouted body.
            pub fn status(&self) -> u16 {
                match self {
                    WebhookError::Signature(_) | WebhookError::Unauthorized => 401,
                    WebhookError::Malformed(_) | WebhookError::Unrouted => 400,
                }
            }
        }

        impl std::fmt::Display for WebhookError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    WebhookError::Signature(e) => write!(f, "bad webhook signature: {e}"),
                    WebhookError::Unauthorized => f.write_str("bad webhook credentials"),
                    WebhookError::Malformed(m) => write!(f, "malformed webhook: {m}"),
                    WebhookError::Unrouted => f.write_str("the body is not a webhook of this kind"),
                }
            }
        }

        impl std::error::Error for WebhookError {}

        #event

        /// Headers and exact body bytes of a webhook as the provider sends it.
        pub type Signed = (Vec<(String, String)>, Vec<u8>);

        #header_fn

        #(#hooks)*
    }
}

/// Whether checking the scheme reads request headers (Basic, or a signature header).
fn reads_headers(scheme: &Scheme) -> bool {
    scheme.basic.is_some()
        || scheme
            .signature
            .as_ref()
            .is_some_and(|s| s.header.is_some())
}

/// Whether the signature travels as a form field.
fn signed_in_field(scheme: &Scheme) -> bool {
    scheme
        .signature
        .as_ref()
        .is_some_and(|s| s.header.is_none() && s.field.is_some())
}

fn webhook(api: &Api, w: &Webhook) -> TokenStream {
    let name = ident(&w.type_name);
    let decl = object(api, &w.type_name, &w.doc, &w.fields, true);
    let Some(scheme) = api.scheme(w.scheme) else {
        let msg = format!("payspec: webhook `{}` has no auth scheme", w.name);
        return quote!(compile_error!(#msg););
    };
    let verify = verify_fn(w, scheme);
    let parse = parse_fn(api, w);
    let signed = signed_fn(api, w, scheme);
    let routing = routing(w);
    quote! {
        #decl

        impl #name {
            #routing
            #verify
            #parse
            #signed
        }
    }
}

/// The form pairs of a received body (form webhooks only).
fn decoded_pairs() -> TokenStream {
    quote!(let pairs = crate::http::form_decode(&String::from_utf8_lossy(body));)
}

/// `verify(<credentials>, headers, body)`: Basic and signature checks, then `parse`.
fn verify_fn(w: &Webhook, scheme: &Scheme) -> TokenStream {
    let form = w.encoding == Encoding::Form;
    let cred_params = scheme.credentials.iter().map(|c| {
        let id = ident(&crate::ir::naming::field_ident(c));
        quote!(#id: &str,)
    });
    let cred_lookup = scheme.credentials.iter().map(|c| {
        let id = ident(&crate::ir::naming::field_ident(c));
        quote!(#c => Some(#id.to_string()),)
    });
    let checks = scheme.basic.is_some() || scheme.signature.is_some();
    let creds = checks.then(|| {
        quote!(let creds = |c: &str| -> Option<String> { match c { #(#cred_lookup)* _ => None } };)
    });
    let headers = if reads_headers(scheme) {
        quote!(headers)
    } else {
        quote!(_headers)
    };
    let basic = scheme.basic.as_ref().map(|b| {
        let (u, p) = (&b.username, &b.password);
        quote! {
            let user = creds(#u).unwrap_or_default();
            let password = creds(#p).unwrap_or_default();
            if !crate::signing::verify_basic(header(headers, "authorization"), &user, &password) {
                return Err(WebhookError::Unauthorized);
            }
        }
    });
    let signature = scheme.signature.as_ref().map(|sig| {
        let recipe = recipe_ident(&scheme.name);
        let got = match (&sig.header, &sig.field) {
            (Some(h), _) => quote!(crate::signing::received(&crate::auth::#recipe, header(headers, #h), None)),
            (None, Some(f)) => quote!(pairs.iter().find(|(k, _)| k == #f).map(|(_, v)| v.as_str())),
            _ => quote!(None),
        };
        let (pairs, fields, form_ref) = if form {
            (
                decoded_pairs(),
                quote!(let fields = |w: &str| pairs.iter().find(|(k, _)| k == w).map(|(_, v)| v.clone());),
                quote!(&pairs),
            )
        } else {
            (
                quote!(),
                quote!(let fields = |w: &str| crate::http::json_member_text(body, w);),
                quote!(&[]),
            )
        };
        quote! {
            #pairs
            #fields
            let src = crate::signing::Source { body, fields: &fields, form: #form_ref };
            crate::signing::verify(&crate::auth::#recipe, &creds, &src, #got).map_err(WebhookError::Signature)?;
        }
    });
    // Another webhook's body is refused before its signature is checked.
    let route = w.discriminator.as_ref().map(|_| {
        quote! {
            if !Self::matches(body) {
                return Err(WebhookError::Unrouted);
            }
        }
    });
    let doc = docs(&format!(
        "Checks the `{}` signature of a received `{}` webhook and parses its body; another webhook's body is [`WebhookError::Unrouted`].\n\n`headers` and `body` are the request as received (the body unchanged).",
        scheme.name, w.name
    ));
    quote! {
        #doc
        pub fn verify(#(#cred_params)* #headers: &reqwest::header::HeaderMap, body: &[u8]) -> Result<Self, WebhookError> {
            #route
            #creds
            #basic
            #signature
            Self::parse(body)
        }
    }
}

/// `parse(body)`: the typed body, unchecked.
fn parse_fn(api: &Api, w: &Webhook) -> TokenStream {
    let parse = if w.encoding == Encoding::Form {
        let pairs = decoded_pairs();
        let inits = w.fields.iter().map(|f| form_field(api, f));
        quote! {
            #pairs
            let get = |w: &str| pairs.iter().find(|(k, _)| k == w).map(|(_, v)| v.as_str());
            Ok(Self { #(#inits)* })
        }
    } else {
        quote!(serde_json::from_slice(body).map_err(|e| WebhookError::Malformed(e.to_string())))
    };
    let check = w.discriminator.as_ref().map(|_| {
        quote! {
            if !Self::matches(body) {
                return Err(WebhookError::Unrouted);
            }
        }
    });
    quote! {
        /// Parses a body without checking its signature (logs, replays in tests); a body
        /// whose discriminator is not this webhook's is [`WebhookError::Unrouted`].
        pub fn parse(body: &[u8]) -> Result<Self, WebhookError> {
            #check
            #parse
        }
    }
}

/// `signed(creds)`: headers and body as the provider sends them.
fn signed_fn(api: &Api, w: &Webhook, scheme: &Scheme) -> TokenStream {
    let form = w.encoding == Encoding::Form;
    let content_type = if form {
        "application/x-www-form-urlencoded"
    } else {
        "application/json"
    };
    // Basic and header signatures are added to the headers the body's content type starts.
    let headers_mut = reads_headers(scheme).then(|| quote!(mut));
    // The body before signing: form pairs, or JSON text.
    let encode = if form {
        let required = w
            .fields
            .iter()
            .filter(|f| !(f.optional || f.nullable))
            .map(|f| {
                let wire = &f.wire;
                let id = ident(&f.ident);
                let text = to_text(api, &f.ty, quote!(self.#id));
                quote!((#wire.to_string(), #text))
            });
        let optional: Vec<TokenStream> = w
            .fields
            .iter()
            .filter(|f| f.optional || f.nullable)
            .map(|f| {
                let wire = &f.wire;
                let id = ident(&f.ident);
                let text = to_text(api, &f.ty, quote!(v));
                let pat = if f.optional && f.nullable {
                    quote!(Some(Some(v)))
                } else {
                    quote!(Some(v))
                };
                quote!(if let #pat = &self.#id { pairs.push((#wire.to_string(), #text)); })
            })
            .collect();
        let pairs_mut = (!optional.is_empty() || signed_in_field(scheme)).then(|| quote!(mut));
        quote! {
            let #pairs_mut pairs: Vec<(String, String)> = vec![#(#required),*];
            #(#optional)*
        }
    } else {
        quote!(let json = serde_json::to_string(self).map_err(|e| WebhookError::Malformed(e.to_string()))?;)
    };
    let unsigned_body = if form {
        quote!(crate::http::form_encode(&pairs).into_bytes())
    } else {
        quote!(json.into_bytes())
    };
    let sign = scheme.signature.as_ref().map(|sig| {
        let recipe = recipe_ident(&scheme.name);
        let rsa_key = sig.key.clone().unwrap_or_default() + "_private";
        // RSA signs with a private key; digests run the recipe. Decided here, not at run time.
        let compute = if sig.algorithm == crate::ir::Algorithm::RsaSha256 {
            quote! {
                let pem = creds(#rsa_key).ok_or(WebhookError::Signature(SignError::MissingCredential(#rsa_key)))?;
                let signature = crate::rsa_keys::sign(&pem, &body).map_err(WebhookError::Signature)?;
            }
        } else {
            let (fields, form_ref) = if form {
                (
                    quote!(let fields = |w: &str| pairs.iter().find(|(k, _)| k == w).map(|(_, v)| v.clone());),
                    quote!(&pairs),
                )
            } else {
                (
                    quote!(let fields = |w: &str| crate::http::json_member_text(&body, w);),
                    quote!(&[]),
                )
            };
            quote! {
                #fields
                let src = crate::signing::Source { body: &body, fields: &fields, form: #form_ref };
                let signature = crate::signing::compute(&crate::auth::#recipe, &creds, &src).map_err(WebhookError::Signature)?;
            }
        };
        match (&sig.header, &sig.field) {
            (Some(h), _) => quote! {
                #compute
                headers.push((#h.to_string(), crate::signing::header_value(&crate::auth::#recipe, &signature)));
            },
            (None, Some(f)) if form => quote! {
                #compute
                pairs.push((#f.to_string(), signature));
                let body = crate::http::form_encode(&pairs).into_bytes();
            },
            _ => {
                let msg = format!(
                    "payspec: webhook `{}` carries its signature in a field of a JSON body",
                    w.name
                );
                quote!(compile_error!(#msg);)
            }
        }
    });
    let basic = scheme.basic.as_ref().map(|b| {
        let (u, p) = (&b.username, &b.password);
        quote!(headers.push(("Authorization".to_string(), crate::signing::basic_auth(&creds(#u).unwrap_or_default(), &creds(#p).unwrap_or_default())));)
    });
    let creds = if scheme.signature.is_some() || scheme.basic.is_some() {
        quote!(creds)
    } else {
        quote!(_creds)
    };
    quote! {
        /// The headers and body the provider sends for this webhook, signed with `creds`
        /// (credential name → value; for RSA, `<key>_private` holds the PKCS#8 private key).
        pub fn signed(&self, #creds: impl Fn(&str) -> Option<String>) -> Result<Signed, WebhookError> {
            let #headers_mut headers: Vec<(String, String)> = vec![("Content-Type".to_string(), #content_type.to_string())];
            #encode
            let body = #unsigned_body;
            #sign
            #basic
            Ok((headers, body))
        }
    }
}

/// A struct field initializer reading a form field's text.
fn form_field(api: &Api, f: &Field) -> TokenStream {
    let id = ident(&f.ident);
    let wire = &f.wire;
    let parse = from_text(api, &f.ty, quote!(v), wire);
    if f.optional || f.nullable {
        let value = if f.optional && f.nullable {
            quote!(Some(Some(#parse)))
        } else {
            quote!(Some(#parse))
        };
        quote!(#id: match get(#wire) { Some(v) => #value, None => None },)
    } else {
        let missing = format!("field `{wire}` is missing");
        quote!(#id: { let v = get(#wire).ok_or_else(|| WebhookError::Malformed(#missing.to_string()))?; #parse },)
    }
}

/// An expression parsing text `v` into `ty`, failing with `WebhookError::Malformed`.
fn from_text(api: &Api, ty: &Ty, v: TokenStream, wire: &str) -> TokenStream {
    let bad = format!("field `{wire}` is not valid");
    let err = quote!(|_| WebhookError::Malformed(#bad.to_string()));
    match ty {
        Ty::String => quote!(#v.to_string()),
        Ty::StringOrNumber => quote!(crate::wire::StringOrNumber::from(#v)),
        Ty::Integer(_) => quote!(crate::wire::parse_integer(#v).ok_or(()).map_err(#err)?),
        Ty::Decimal(_) => quote!(crate::wire::parse_decimal(#v).map_err(#err)?),
        Ty::Bool => quote!(matches!(#v, "1" | "true")),
        Ty::Date(i) | Ty::DateTime(i) => match api.date_format(*i) {
            Some(d) => {
                let c = ident(&d.ident);
                quote!(crate::dates::#c::parse(#v).map_err(#err)?)
            }
            None => quote!(compile_error!("payspec: a date field has no format")),
        },
        Ty::Named(n) => {
            let t = ident(n);
            match api.types.iter().find(|d| d.name == *n).map(|d| &d.kind) {
                Some(TypeKind::Enum { integer: true, .. }) => {
                    quote!(crate::types::#t::from_code(crate::wire::parse_integer(#v).ok_or(()).map_err(#err)?))
                }
                Some(TypeKind::Enum { integer: false, .. }) => quote!(crate::types::#t::from(#v)),
                _ => quote!(serde_json::from_str(#v).map_err(#err)?),
            }
        }
        Ty::Any | Ty::Array(_) | Ty::Map(_) => quote!(serde_json::from_str(#v).map_err(#err)?),
    }
}

/// `METHOD`, `DISCRIMINATOR`, `REPLY` and `matches` of one webhook type.
fn routing(w: &Webhook) -> TokenStream {
    let method = w.method.as_str();
    let form = w.encoding == Encoding::Form;
    let (disc, disc_doc) = match &w.discriminator {
        Some(d) => {
            let (field, values) = (&d.wire, &d.values);
            let doc = if values.is_empty() {
                format!("How a body is told apart: it has `{field}`.")
            } else {
                let v: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
                format!("How a body is told apart: `{field}` is {}.", v.join(" or "))
            };
            (
                quote!(Some(Discriminator { field: #field, values: &[#(#values),*], form: #form })),
                doc,
            )
        }
        None => (
            quote!(None),
            "How a body is told apart: it is the provider's only webhook.".to_string(),
        ),
    };
    let disc_doc = docs(&disc_doc);
    let r = &w.reply;
    let status = proc_macro2::Literal::u16_unsuffixed(r.status);
    let body = &r.body;
    let ct = match &r.content_type {
        Some(c) => quote!(Some(#c)),
        None => quote!(None),
    };
    let mut reply_doc = match (&r.content_type, r.body.is_empty()) {
        (Some(c), false) => format!(
            "What the provider expects back: `{status}` with `{c}` body `{}`.",
            r.body
        ),
        _ => format!("What the provider expects back: `{status}` with an empty body."),
    };
    if !r.doc.is_empty() {
        reply_doc.push_str("\n\nNote: ");
        reply_doc.push_str(&r.doc);
    }
    let reply_doc = docs(&reply_doc);
    let method_doc = docs(&format!(
        "The HTTP method the provider sends it with: `{method}`."
    ));
    quote! {
        #method_doc
        pub const METHOD: &str = #method;
        #disc_doc
        pub const DISCRIMINATOR: Option<Discriminator> = #disc;
        #reply_doc
        pub const REPLY: Reply = Reply { status: #status, content_type: #ct, body: #body };

        /// Whether `body` is this webhook's, by [`Self::DISCRIMINATOR`] (its signature unchecked).
        pub fn matches(body: &[u8]) -> bool {
            Self::DISCRIMINATOR.is_none_or(|d| d.matches(body))
        }
    }
}

/// `Event`, the crate-level `parse`, the runtime's `Webhooks` trait, and the axum handler.
fn event(api: &Api) -> TokenStream {
    if api.webhooks.is_empty() {
        return quote!();
    }
    let names: Vec<_> = api.webhooks.iter().map(|w| ident(&w.type_name)).collect();
    let variants = api.webhooks.iter().zip(&names).map(|(w, n)| {
        let d = docs(&w.summary);
        quote!(#d #n(#n),)
    });
    let wire_names = api.webhooks.iter().map(|w| &w.name);
    let arms = |f: TokenStream| {
        let f = &f;
        names
            .iter()
            .map(move |n| quote!(Event::#n(_) => #n::#f,))
            .collect::<Vec<_>>()
    };
    let (methods, replies) = (arms(quote!(METHOD)), arms(quote!(REPLY)));
    let routes = api
        .webhooks
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(i, (w, n))| {
            let args = api
                .scheme(w.scheme)
                .map(|s| {
                    s.credentials
                        .iter()
                        .map(|c| {
                            let cred = api.credentials.iter().find(|x| x.name == *c);
                            let id = ident(&crate::ir::naming::field_ident(c));
                            match cred {
                                Some(x) if x.secret => quote!(credentials.#id.expose(),),
                                _ => quote!(&credentials.#id,),
                            }
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote!(Some(#i) => #n::verify(#(#args)* headers, body).map(Event::#n),)
        });
    let uses_creds = api
        .webhooks
        .iter()
        .filter_map(|w| api.scheme(w.scheme))
        .any(|s| !s.credentials.is_empty());
    let creds = if uses_creds {
        quote!(credentials)
    } else {
        quote!(_credentials)
    };
    let name_arms = names
        .iter()
        .zip(wire_names)
        .map(|(n, w)| quote!(Event::#n(_) => #w,));
    quote! {
        pub use payspec_runtime::webhook::{Discriminator, Reply};

        /// A verified webhook, one variant per kind.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
        }

        impl Event {
            /// The webhook's name in the spec.
            pub fn name(&self) -> &'static str {
                match self { #(#name_arms)* }
            }

            /// The HTTP method the provider sends it with.
            pub fn method(&self) -> &'static str {
                match self { #(#methods)* }
            }

            /// The answer the provider expects once the webhook is handled.
            pub fn reply(&self) -> Reply {
                match self { #(#replies)* }
            }
        }

        /// Verifies a webhook received at the merchant's URL (headers and body as received) and
        /// returns it typed: the body is routed by the webhooks' discriminators, then checked with
        /// its own scheme. A body that matches no webhook (or more than one) is
        /// [`WebhookError::Unrouted`].
        pub fn parse(
            #creds: &crate::Credentials,
            headers: &reqwest::header::HeaderMap,
            body: &[u8],
        ) -> Result<Event, WebhookError> {
            let matches = [#(#names::matches(body)),*];
            match payspec_runtime::webhook::route(&matches) {
                #(#routes)*
                _ => Err(WebhookError::Unrouted),
            }
        }

        impl payspec_runtime::webhook::Webhooks for Event {
            type Credentials = crate::Credentials;
            type Error = WebhookError;

            fn parse(
                credentials: &crate::Credentials,
                headers: &reqwest::header::HeaderMap,
                body: &[u8],
            ) -> Result<Self, WebhookError> {
                parse(credentials, headers, body)
            }

            fn method(&self) -> &'static str {
                Event::method(self)
            }

            fn reply(&self) -> Reply {
                Event::reply(self)
            }

            fn refusal_status(error: &WebhookError) -> u16 {
                error.status()
            }
        }

        /// The merchant's webhook handler over axum 0.8 (feature `axum`).
        #[cfg(feature = "axum")]
        pub mod axum {
            pub use payspec_runtime::webhook::axum::{Refused, Verified};

            /// A router for the merchant's webhook URL: it verifies each webhook with
            /// `credentials`, hands the [`Event`](super::Event) to `on_event`, then answers the
            /// provider with [`Event::reply`](super::Event::reply). A bad signature is refused
            /// with 401, a malformed or unrouted body with 400, another method with 405.
            pub fn router<F, Fut>(
                credentials: crate::Credentials,
                on_event: F,
            ) -> payspec_runtime::webhook::axum::Router
            where
                F: Fn(super::Event) -> Fut + Clone + Send + Sync + 'static,
                Fut: std::future::Future<Output = ()> + Send + 'static,
            {
                payspec_runtime::webhook::axum::router::<super::Event, F, Fut>(credentials, on_event)
            }
        }
    }
}
