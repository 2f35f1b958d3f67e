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
    quote! {
        #![doc = include_str!("../README.md")]
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        pub mod auth;
        pub mod client;
        #dates
        pub mod error;
        pub mod http;
        pub mod requests;
        pub mod rsa_keys;
        pub mod signing;
        pub mod types;
        pub mod webhooks;
        pub mod wire;

        pub use client::{Client, Credentials};
        pub use error::{ApiError, Error};
    }
}
