//! `tests/examples.rs` of a generated crate: every response example from the provider's docs
//! decodes into the generated type and re-encodes without losing a field or a digit; every
//! error example decodes into the provider error with the documented code, message and field
//! errors, read from the example when generating.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust_types::rust_type;
use crate::ir::{Api, ResponseBody};

pub fn examples_rs(api: &Api) -> TokenStream {
    let lib = format_ident!("{}", api.lib_name);
    let mut tests = Vec::new();
    let (mut compares, mut unwraps) = (false, false);
    for e in &api.endpoints {
        for (i, ex) in e.examples.iter().enumerate() {
            let Some(body) = &ex.response else { continue };
            let status = ex.status.unwrap_or(e.response.status);
            let enveloped_error = enveloped_error(api, e.response.enveloped, body);
            let name = format_ident!(
                "{}_example_{}_{}",
                crate::ir::naming::bare(&e.fn_ident),
                i + 1,
                if status == e.response.status && enveloped_error.is_none() {
                    "round_trips"
                } else {
                    "is_a_provider_error"
                }
            );
            if let Some(message) = enveloped_error {
                // An error inside the envelope, with the success status.
                let message = match message {
                    Some(m) => quote!(Some(#m)),
                    None => quote!(None),
                };
                tests.push(quote! {
                    #[test]
                    fn #name() {
                        let body = #body;
                        match #lib::error::MODEL.unwrap_envelope::<serde_json::Value>(body.as_bytes()) {
                            Err(#lib::Error::Api(e)) => {
                                assert_eq!(e.body, body);
                                assert_eq!(e.message.as_deref(), #message, "message");
                            }
                            other => panic!("expected a provider error, got {other:?}"),
                        }
                    }
                });
                continue;
            }
            if status != e.response.status {
                let expected = expected_error(api, body);
                tests.push(quote! {
                    #[test]
                    fn #name() {
                        let body = #body;
                        match #lib::error::MODEL.from_response(#status, body.as_bytes()) {
                            #lib::Error::Api(e) => {
                                assert_eq!(e.status, #status);
                                assert_eq!(e.body, body);
                                #expected
                            }
                            other => panic!("expected a provider error, got {other:?}"),
                        }
                    }
                });
                continue;
            }
            let ResponseBody::Json(ty) = &e.response.body else {
                continue;
            };
            let t: TokenStream = rust_type(api, ty)
                .to_string()
                .replace("crate ::", &format!("{} ::", api.lib_name))
                .parse()
                .unwrap_or_default();
            let data = match &api.envelope {
                Some(env) if e.response.enveloped => {
                    unwraps = true;
                    let df = &env.data_field;
                    quote! {
                        let value: #t = #lib::error::MODEL.unwrap_envelope(body.as_bytes()).expect("decodes");
                        let expected = member(body, #df).expect("an object");
                    }
                }
                _ => quote! {
                    let value: #t = #lib::error::decode(body.as_bytes()).expect("decodes");
                    let expected = body.to_string();
                },
            };
            compares = true;
            tests.push(quote! {
                #[test]
                fn #name() {
                    let body = #body;
                    #data
                    let again = serde_json::to_string(&value).expect("encodes");
                    assert_eq!(canonical(&again), canonical(&expected), "re-encoded: {again}");
                }
            });
        }
    }
    let imports = match (compares, unwraps) {
        (true, true) => quote!(
            use payspec_runtime::json::{canonical, member};
        ),
        (true, false) => quote!(
            use payspec_runtime::json::canonical;
        ),
        _ => quote!(),
    };
    quote! {
        //! The provider's documented examples against the generated types.

        #imports

        #(#tests)*
    }
}

/// For an enveloped answer whose outcome is the envelope's error value: `Some(message)`.
fn enveloped_error(api: &Api, enveloped: bool, body: &str) -> Option<Option<String>> {
    let env = api
        .envelope
        .as_ref()
        .filter(|_| enveloped && api.errors.in_envelope)?;
    let doc: serde_json::Value = serde_json::from_str(body).ok()?;
    let outcome = doc.get(&env.status_field)?.as_str()?;
    (outcome == env.error).then(|| {
        doc.get(&env.message_field).map(|m| match m {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    })
}

/// Assertions on the provider error an error example decodes into: each field the error
/// model locates, with the value the example has there (or `None`).
fn expected_error(api: &Api, body: &str) -> TokenStream {
    let doc: serde_json::Value = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    let at = |path: &Option<Vec<String>>| -> Option<&serde_json::Value> {
        let mut cur = &doc;
        for seg in path.as_ref()? {
            cur = cur.get(seg)?;
        }
        (!cur.is_null()).then_some(cur)
    };
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let opt = |path: &Option<Vec<String>>| match at(path).map(text) {
        Some(t) => quote!(Some(#t)),
        None => quote!(None),
    };
    let errors = &api.errors;
    let (code, message) = (opt(&errors.code), opt(&errors.message));
    let (vpath, vmessage) = (
        opt(&errors.validation_path),
        opt(&errors.validation_message),
    );
    let field_errors = match at(&errors.field_errors) {
        Some(serde_json::Value::Object(m)) => m
            .iter()
            .map(|(k, msgs)| {
                let list: Vec<String> = match msgs {
                    serde_json::Value::Array(a) => a.iter().map(text).collect(),
                    other => vec![text(other)],
                };
                quote!((#k.to_string(), vec![#(#list.to_string()),*]))
            })
            .collect(),
        _ => Vec::new(),
    };
    quote! {
        assert_eq!(e.code.as_deref(), #code, "code");
        assert_eq!(e.message.as_deref(), #message, "message");
        assert_eq!(e.validation_path.as_deref(), #vpath, "validation path");
        assert_eq!(e.validation_message.as_deref(), #vmessage, "validation message");
        let field_errors: std::collections::BTreeMap<String, Vec<String>> = [#(#field_errors),*].into_iter().collect();
        assert_eq!(e.field_errors, field_errors, "field errors");
    }
}
