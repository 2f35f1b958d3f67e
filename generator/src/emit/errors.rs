//! `src/error.rs` of a generated crate: the runtime's one `Error`, and this provider's
//! `ErrorModel` (where its error bodies keep code and message, its envelope, the statuses
//! it documents as retryable) as a constant.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_types::escape_doc;
use crate::ir::Api;

fn path(p: &Option<Vec<String>>) -> TokenStream {
    match p {
        Some(segs) => quote!(Some(&[#(#segs),*])),
        None => quote!(None),
    }
}

pub fn error_rs(api: &Api) -> TokenStream {
    let module_doc = module_doc(api);
    let model = model(api);
    quote! {
        #module_doc
        pub use payspec_runtime::error::{decode, ApiError, Envelope, Error, ErrorModel};

        #model
    }
}

/// The module's doc: what the provider's docs say about its errors.
fn module_doc(api: &Api) -> TokenStream {
    let mut text = format!(
        "Errors: transport, reported by {}, unexpected status, and undecodable responses.",
        api.name
    );
    if !api.errors.doc.is_empty() {
        text.push_str("\n\n");
        text.push_str(&api.errors.doc);
    }
    let lines = text.lines().map(|l| format!(" {}", escape_doc(l)));
    quote!(#(#![doc = #lines])*)
}

/// `MODEL`: the spec's error section and envelope as data.
fn model(api: &Api) -> TokenStream {
    let e = &api.errors;
    let (code, message, vpath, vmsg, ferr) = (
        path(&e.code),
        path(&e.message),
        path(&e.validation_path),
        path(&e.validation_message),
        path(&e.field_errors),
    );
    let retryable = &e.retryable_statuses;
    let envelope = match &api.envelope {
        Some(env) => {
            let (sf, ok, err, mf, df) = (
                &env.status_field,
                &env.success,
                &env.error,
                &env.message_field,
                &env.data_field,
            );
            quote! {
                Some(Envelope {
                    status_field: #sf,
                    success: #ok,
                    error: #err,
                    message_field: #mf,
                    data_field: #df,
                })
            }
        }
        None => quote!(None),
    };
    let in_envelope = e.in_envelope && api.envelope.is_some();
    let redirect_is_error = e.redirect_is_error;
    let doc = format!(
        " How {} reports errors: read by the client, public for custom transports and tests.",
        api.name
    );
    quote! {
        #[doc = #doc]
        pub const MODEL: ErrorModel = ErrorModel {
            code: #code,
            message: #message,
            validation_path: #vpath,
            validation_message: #vmsg,
            field_errors: #ferr,
            retryable: &[#(#retryable),*],
            envelope: #envelope,
            errors_in_envelope: #in_envelope,
            redirect_is_error: #redirect_is_error,
        };
    }
}
