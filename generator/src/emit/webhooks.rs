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
    quote! {
        //! Webhooks the provider sends to the merchant: verify the signature, then use the
        //! typed body.
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
        }

        impl std::fmt::Display for WebhookError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    WebhookError::Signature(e) => write!(f, "bad webhook signature: {e}"),
                    WebhookError::Unauthorized => f.write_str("bad webhook credentials"),
                    WebhookError::Malformed(m) => write!(f, "malformed webhook: {m}"),
                }
            }
        }

        impl std::error::Error for WebhookError {}

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
    quote! {
        #decl

        impl #name {
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
    let doc = docs(&format!(
        "Checks the `{}` signature of a received `{}` webhook and parses its body.\n\n`headers` and `body` are the request as received (the body unchanged).",
        scheme.name, w.name
    ));
    quote! {
        #doc
        pub fn verify(#(#cred_params)* #headers: &reqwest::header::HeaderMap, body: &[u8]) -> Result<Self, WebhookError> {
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
    quote! {
        /// Parses a body without checking its signature (logs, replays in tests).
        pub fn parse(body: &[u8]) -> Result<Self, WebhookError> {
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
