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

        pub use payspec_runtime::mock::{engine, server, tables, value, Config, Delivery, Entry, Fault};

        /// A running mock server of this provider; `MockServer::start()` starts one with the
        /// docs' sample merchant.
        pub type MockServer = payspec_runtime::mock::MockServer<spec::Provider>;
    }
}

/// `src/bin/<crate>-mock.rs`: the mock server as a command.
pub fn bin_rs(api: &Api) -> TokenStream {
    let lib = format_ident!("{}", api.lib_name);
    let bin = format!("{}-mock", api.crate_name);
    let help = format!(
        "{bin}: a local {} mock server.\n\nOptions:\n  --listen ADDR            address to bind (default 127.0.0.1:8080)\n  --webhook-url URL        where webhooks go when a record names none\n  --credential NAME=VALUE  accept this credential instead of the docs' sample",
        api.name
    );

    quote! {
        //! Runs the mock server: `--listen ADDR`, `--webhook-url URL`, `--credential NAME=VALUE`.
        const BIN: &str = #bin;
        const HELP: &str = #help;
        fn main() -> std::process::ExitCode {
            // One core (e.g. pinned with taskset): a single-threaded runtime avoids cross-thread
            // wake-ups; otherwise one worker per core.
            let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
            let runtime = if cores == 1 {
                tokio::runtime::Builder::new_current_thread().enable_all().build()
            } else {
                tokio::runtime::Builder::new_multi_thread().enable_all().build()
            };
            match runtime {
                Ok(rt) => rt.block_on(run()),
                Err(e) => {
                    eprintln!("cannot start the runtime: {e}");
                    std::process::ExitCode::from(1)
                }
            }
        }

        async fn run() -> std::process::ExitCode {
            let mut config = #lib::mock::spec::default_config();
            let mut listen = String::from("127.0.0.1:8080");
            let mut args = std::env::args().skip(1);
            while let Some(a) = args.next() {
                match a.as_str() {
                    "--listen" => listen = args.next().unwrap_or(listen),
                    "--webhook-url" => config.webhook_url = args.next(),
                    "--credential" => {
                        let kv = args.next().unwrap_or_default();
                        match kv.split_once('=') {
                            Some((k, v)) if config.credentials.contains_key(k) => { config.credentials.insert(k.to_string(), v.to_string()); }
                            _ => {
                                eprintln!("--credential takes NAME=VALUE with NAME one of: {}", config.credentials.keys().cloned().collect::<Vec<_>>().join(", "));
                                return std::process::ExitCode::from(2);
                            }
                        }
                    }
                    "--help" | "-h" => {
                        println!("{HELP}");
                        return std::process::ExitCode::SUCCESS;
                    }
                    other => {
                        eprintln!("unknown argument `{other}`; see --help");
                        return std::process::ExitCode::from(2);
                    }
                }
            }
            let Ok(addr) = listen.parse::<std::net::SocketAddr>() else {
                eprintln!("--listen: `{listen}` is not an address like 127.0.0.1:8080");
                return std::process::ExitCode::from(2);
            };
            let server = match #lib::mock::MockServer::start_with(config.clone(), addr).await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("cannot listen on {addr}: {e}");
                    return std::process::ExitCode::from(1);
                }
            };
            println!("{BIN} listening on {}", server.base_url());
            println!("test credentials:");
            for (k, v) in &config.credentials {
                println!("  {k} = {v}");
            }
            println!("control API: {}/__mock/  (Ctrl-C to stop)", server.base_url());
            if let Err(e) = tokio::signal::ctrl_c().await {
                eprintln!("cannot wait for Ctrl-C ({e}); stopping");
            }
            server.stop().await;
            println!("stopped");
            std::process::ExitCode::SUCCESS
        }
    }
}
