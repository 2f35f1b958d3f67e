//! `src/requests.rs` of a generated crate: one request struct per endpoint with fields.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_types::{docs, field_type, ident, markdown_docs, serde_attrs};
use super::types::constructor;
use crate::ir::ParamIn;
use crate::ir::{Api, Endpoint};

pub fn requests_rs(api: &Api) -> TokenStream {
    let structs = api
        .endpoints
        .iter()
        .filter(|e| !e.request.fields.is_empty())
        .map(|e| request(api, e));
    quote! {
        //! Request parameters of each endpoint: required ones in `new`, optional ones as
        //! `with_*` setters.
        #(#structs)*
    }
}

fn request(api: &Api, e: &Endpoint) -> TokenStream {
    let name = ident(&e.request.name);
    let doc = markdown_docs(&format!(
        "Parameters of [`Client::{}`](crate::Client::{}).",
        crate::ir::naming::bare(&e.fn_ident),
        crate::ir::naming::bare(&e.fn_ident)
    ));
    let members = e.request.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let ty = field_type(api, f);
        let attrs = if f.location == ParamIn::Body {
            serde_attrs(api, f)
        } else {
            quote!(#[serde(skip)])
        };
        let where_ = match f.location {
            ParamIn::Path => " (path parameter)",
            ParamIn::Query => " (query parameter)",
            ParamIn::Header => " (header)",
            ParamIn::Body => "",
        };
        let d = docs(&format!(
            "{}{where_}",
            if f.doc.is_empty() {
                format!("`{}`", f.wire)
            } else {
                f.doc.clone()
            }
        ));
        quote! { #d #attrs pub #id: #ty, }
    });
    let ctor = constructor(api, &e.request.fields);
    let check_fn = quote::format_ident!("check_{}", crate::ir::naming::bare(&e.fn_ident));
    let default = if e.request.fields.iter().all(|f| f.optional) {
        quote!(impl Default for #name { fn default() -> Self { Self::new() } })
    } else {
        quote!()
    };
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, serde::Serialize)]
        pub struct #name { #(#members)* }
        #default
        impl #name {
            #ctor
            /// Checks the request against the spec without sending it (for validating input
            /// early): every constraint the client checks before signing, and the mock on
            /// arrival, with the same checker. The error names the field and the reason.
            pub fn check(&self) -> Result<(), payspec_runtime::check::InvalidRequest> { crate::Client::#check_fn(self) }
        }
    }
}
