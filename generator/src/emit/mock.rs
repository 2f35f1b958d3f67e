//! The mock server of a generated crate (feature `mock`): `src/mock/mod.rs`, the
//! `<crate>-mock` binary, and `src/mock/spec.rs` (the provider's behaviour as data, read from
//! the same IR as the client; see `mock_table`). The engine itself is `payspec_runtime::mock`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::Api;

/// `src/mock/mod.rs`: the runtime's mock re-exported, and `MockServer` for this provider.
pub fn mod_rs(api: &Api) -> TokenStream {
    let doc = format!(
        " A stateful mock of the {} API for tests: real signature checks, request validation,\n stored records, and signed webhooks. See the crate README for the control API.",
        api.name
    );
    quote! {
        #![doc = #doc]
        pub mod spec;

        pub use payspec_runtime::mock::{engine, server, tables, value, Config, Delivery, Entry, Fault, Limits, StoreAt};

        /// A running mock server of this provider; `MockServer::start()` starts one with the
        /// docs' sample merchant.
        pub type MockServer = payspec_runtime::mock::MockServer<spec::Provider>;
    }
}

/// `src/bin/<crate>-mock.rs`: the mock server as a command (the runtime's `mock::cli`).
pub fn bin_rs(api: &Api) -> TokenStream {
    let lib = format_ident!("{}", api.lib_name);
    let bin = format!("{}-mock", api.crate_name);
    let name = &api.name;
    quote! {
        //! Runs the mock server: `--listen ADDR`, `--webhook-url URL`, `--credential NAME=VALUE`
        //! (see `--help`).

        /// The runtime's allocator for the mock binaries: the mock allocates a little per
        /// request, and the system allocator was a seventh of its time under load.
        #[global_allocator]
        static ALLOCATOR: payspec_runtime::mock::cli::Allocator = payspec_runtime::mock::cli::Allocator;

        fn main() -> std::process::ExitCode {
            payspec_runtime::mock::cli::main::<#lib::mock::spec::Provider>(#bin, #name)
        }
    }
}
