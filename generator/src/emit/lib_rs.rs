//! `src/lib.rs` of a generated crate: module list, re-exports, crate docs (the README).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;

pub fn lib_rs(api: &Api) -> TokenStream {
    let dates = if api.date_formats.is_empty() {
        quote!()
    } else {
        quote!(
            pub mod dates;
        )
    };
    let mock = if api.mock.is_some() {
        quote!(
            #[cfg(feature = "mock")]
            pub mod mock;
        )
    } else {
        quote!()
    };
    let rsa = if api.needs.rsa {
        quote!(
            use payspec_runtime::rsa_keys;
        )
    } else {
        quote!()
    };
    quote! {
        #![doc = include_str!("../README.md")]
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        pub mod auth;
        pub mod client;
        #dates
        pub mod error;
        #mock
        pub mod requests;
        pub mod rules;
        pub mod types;
        pub mod webhooks;

        // The runtime's plumbing, for this crate's own use.
        use payspec_runtime::{http, signing, transport, wire};
        #rsa

        pub use payspec_runtime::check::{InvalidRequest, Reason};
        pub use payspec_runtime::signing::SignError;
        pub use payspec_runtime::http::{Body, Outgoing};
        pub use payspec_runtime::wire::{Secret, StringOrNumber};

        pub use client::{Client, Credentials};
        pub use error::{ApiError, Error};
    }
}
