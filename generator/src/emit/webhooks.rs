//! `src/webhooks.rs` of a generated crate: one type per webhook, with signature verification
//! for the merchant's server and signing for tests and the mock.

use proc_macro2::TokenStream;
use quote::quote;

use super::auth::recipe_ident;
use super::rust_types::{docs, ident, to_text};
use super::types::object;
use crate::ir::Encoding;
use crate::ir::{Api, Field, Ty, TypeKind, Webhook};

pub fn webhooks_rs(api: &Api) -> TokenStream {
    let hooks = api.webhooks.iter().map(|w| webhook(api, w));
    quote! {
        //! Webhooks the provider sends to the merchant: verify the signature, then use the
        //! typed body.
        use crate::signing::SignError;

        /// Why a webhook was rejected.
        #[derive(Clone, Debug, PartialEq, Eq)]
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

        #[allow(dead_code)]
        fn header<'h>(headers: &'h reqwest::header::HeaderMap, name: &str) -> Option<&'h str> {
            headers.get(name).and_then(|v| v.to_str().ok())
        }

        #(#hooks)*
    }
}

fn webhook(api: &Api, w: &Webhook) -> TokenStream {
    let name = ident(&w.type_name);
    let decl = object(api, &w.type_name, &w.doc, &w.fields, true);
    let Some(scheme) = api.scheme(w.scheme) else {
        let msg = format!("payspec: webhook `{}` has no auth scheme", w.name);
        return quote!(compile_error!(#msg););
    };
    let cred_params: Vec<TokenStream> = scheme
        .credentials
        .iter()
        .map(|c| {
            let id = ident(&crate::ir::naming::field_ident(c));
            quote!(#id: &str)
        })
        .collect();
    let cred_lookup = scheme.credentials.iter().map(|c| {
        let id = ident(&crate::ir::naming::field_ident(c));
        quote!(#c => Some(#id.to_string()),)
    });
    let form = w.encoding == Encoding::Form;
    let pairs = if form {
        quote!(let pairs = crate::http::form_decode(&String::from_utf8_lossy(body));)
    } else {
        quote!(let pairs: Vec<(String, String)> = Vec::new();)
    };
    let fields_fn = if form {
        quote!(let fields = |w: &str| pairs.iter().find(|(k, _)| k == w).map(|(_, v)| v.clone());)
    } else {
        quote!(let fields = |w: &str| crate::http::json_member_text(body, w);)
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
    let sig_check = scheme.signature.as_ref().map(|sig| {
        let recipe = recipe_ident(&scheme.name);
        let got = match (&sig.header, &sig.field) {
            (Some(h), _) => quote!(crate::signing::received(&crate::auth::#recipe, header(headers, #h), None)),
            (None, Some(f)) => quote!(pairs.iter().find(|(k, _)| k == #f).map(|(_, v)| v.as_str())),
            _ => quote!(None),
        };
        quote! {
            let src = crate::signing::Source { body, fields: &fields, form: &pairs };
            crate::signing::verify(&crate::auth::#recipe, &creds, &src, #got).map_err(WebhookError::Signature)?;
        }
    });
    let parse = if form {
        let inits = w.fields.iter().map(|f| form_field(api, f));
        quote! {
            let get = |w: &str| pairs.iter().find(|(k, _)| k == w).map(|(_, v)| v.as_str());
            Ok(Self { #(#inits)* })
        }
    } else {
        quote!(serde_json::from_slice(body).map_err(|e| WebhookError::Malformed(e.to_string())))
    };
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
        let optional = w
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
            });
        quote! {
            #[allow(unused_mut)]
            let mut pairs: Vec<(String, String)> = vec![#(#required),*];
            #(#optional)*
        }
    } else {
        quote! {
            #[allow(unused_mut)]
            let mut pairs: Vec<(String, String)> = Vec::new();
            let json = serde_json::to_string(self).map_err(|e| WebhookError::Malformed(e.to_string()))?;
        }
    };
    let sign_body = scheme.signature.as_ref().map(|sig| {
        let recipe = recipe_ident(&scheme.name);
        let place = match (&sig.header, &sig.field) {
            (Some(h), _) => quote!(headers.push((#h.to_string(), crate::signing::header_value(&crate::auth::#recipe, &signature)));),
            (None, Some(f)) => quote!(pairs.push((#f.to_string(), signature));),
            _ => quote!(),
        };
        let rsa_key = sig.key.clone().unwrap_or_default() + "_private";
        // RSA signs with a private key; digests run the recipe. Decided here, not at run time.
        let compute = if sig.algorithm == crate::ir::Algorithm::RsaSha256 {
            quote! {
                let pem = creds(#rsa_key).ok_or(WebhookError::Signature(SignError::MissingCredential(#rsa_key)))?;
                let signature = crate::rsa_keys::sign(&pem, &body_now).map_err(WebhookError::Signature)?;
            }
        } else {
            quote! {
                let fields = |w: &str| field_of(&pairs, &body_now, w);
                let src = crate::signing::Source { body: &body_now, fields: &fields, form: &pairs };
                let signature = crate::signing::compute(&crate::auth::#recipe, &creds, &src).map_err(WebhookError::Signature)?;
            }
        };
        quote! {
            let body_now = body_of(&pairs);
            #compute
            #place
        }
    });
    let sign_basic = scheme.basic.as_ref().map(|b| {
        let (u, p) = (&b.username, &b.password);
        quote!(headers.push(("Authorization".to_string(), crate::signing::basic_auth(&creds(#u).unwrap_or_default(), &creds(#p).unwrap_or_default())));)
    });
    let (body_of, field_of, content_type) = if form {
        (
            quote!(let body_of = |pairs: &[(String, String)]| crate::http::form_encode(pairs).into_bytes();),
            quote!(let field_of = |pairs: &[(String, String)], _body: &[u8], w: &str| pairs.iter().find(|(k, _)| k == w).map(|(_, v)| v.clone());),
            "application/x-www-form-urlencoded",
        )
    } else {
        (
            quote!(let body_of = |_pairs: &[(String, String)]| json.clone().into_bytes();),
            quote!(let field_of = |_pairs: &[(String, String)], body: &[u8], w: &str| crate::http::json_member_text(body, w);),
            "application/json",
        )
    };
    let verify_doc = docs(&format!(
        "Checks the `{}` signature of a received `{}` webhook and parses its body.\n\n`headers` and `body` are the request as received (the body unchanged).",
        scheme.name, w.name
    ));
    quote! {
        #decl
        impl #name {
            #verify_doc
            pub fn verify(#(#cred_params,)* headers: &reqwest::header::HeaderMap, body: &[u8]) -> Result<Self, WebhookError> {
                let creds = |c: &str| -> Option<String> { match c { #(#cred_lookup)* _ => None } };
                let _ = headers;
                #pairs
                #fields_fn
                #basic
                #sig_check
                let _ = (&fields, &creds);
                Self::parse(body)
            }

            /// Parses a body without checking its signature (logs, replays in tests).
            pub fn parse(body: &[u8]) -> Result<Self, WebhookError> {
                #pairs
                let _ = &pairs;
                #parse
            }

            /// The headers and body the provider sends for this webhook, signed with `creds`
            /// (credential name → value; for RSA, `<key>_private` holds the PKCS#8 private key).
            pub fn signed(&self, creds: impl Fn(&str) -> Option<String>) -> Result<Signed, WebhookError> {
                #[allow(unused_mut)]
                let mut headers: Vec<(String, String)> = vec![("Content-Type".to_string(), #content_type.to_string())];
                #encode
                #body_of
                #field_of
                #sign_body
                #sign_basic
                let _ = (&field_of, &creds);
                Ok((headers, body_of(&pairs)))
            }
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
        Ty::Integer(_) => quote!(#v.trim().parse::<i64>().map_err(#err)?),
        Ty::Decimal(_) => quote!(#v.trim().parse::<rust_decimal::Decimal>().map_err(#err)?),
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
                    quote!(crate::types::#t::from_code(#v.trim().parse::<i64>().map_err(#err)?))
                }
                Some(TypeKind::Enum { integer: false, .. }) => quote!(crate::types::#t::from(#v)),
                _ => quote!(serde_json::from_str(#v).map_err(#err)?),
            }
        }
        Ty::Any | Ty::Array(_) | Ty::Map(_) => quote!(serde_json::from_str(#v).map_err(#err)?),
    }
}
