//! Emitters: the IR of one provider → the files of its generated crate. Rust files are built
//! with `quote!`, checked by parsing them with `syn` and laid out by `layout` (prettyplease); the
//! Cargo.toml and README come from tera templates fed precomputed values.

mod auth;
mod client;
mod errors;
mod layout;
mod lib_rs;
mod mock;
mod mock_table;
mod openapi;
mod readme;
mod requests;
pub mod rust_types;
mod templates;
mod tests_rs;
mod types;
mod webhooks;

use std::path::PathBuf;

use proc_macro2::TokenStream;

use crate::ir::Api;

/// One output file, its path relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Something the generator itself got wrong (never the user's spec: that is validated).
#[derive(Debug)]
pub struct EmitError {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "generating {}: {}", self.file, self.message)
    }
}

/// One Rust file of a crate: its path under the crate folder and its emitter.
type RustJob = (String, fn(&Api) -> TokenStream);

/// The Rust files of the crate for `api`.
fn rust_jobs(api: &Api) -> Vec<RustJob> {
    let mut jobs: Vec<RustJob> = vec![
        ("src/lib.rs".into(), lib_rs::lib_rs),
        ("src/types.rs".into(), types::types_rs),
        ("src/requests.rs".into(), requests::requests_rs),
        ("src/client.rs".into(), client::client_rs),
        ("src/error.rs".into(), errors::error_rs),
        ("src/auth.rs".into(), auth::auth_rs),
        ("src/webhooks.rs".into(), webhooks::webhooks_rs),
        ("src/rules.rs".into(), mock_table::rules_rs),
        ("tests/examples.rs".into(), tests_rs::examples_rs),
    ];
    if !api.date_formats.is_empty() {
        jobs.push(("src/dates.rs".into(), types::dates_rs));
    }
    if api.mock.is_some() {
        jobs.push(("src/mock/mod.rs".into(), mock::mod_rs));
        jobs.push(("src/mock/spec.rs".into(), mock_table::spec_rs));
        jobs.push((format!("src/bin/{}-mock.rs", api.crate_name), mock::bin_rs));
    }
    jobs
}

/// All files of the crate for `api`, in a stable order. Rust files are emitted and laid out
/// by one worker per core (token streams stay on the thread that made them, and only as many
/// syntax trees are alive as there are workers); the output does not depend on which worker
/// finishes first.
pub fn crate_files(api: &Api) -> Result<Vec<OutFile>, EmitError> {
    let dir = PathBuf::from("generated").join(&api.crate_name);
    let jobs = rust_jobs(api);
    let workers = std::env::var("PAYSPEC_WORKERS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(jobs.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done: std::sync::Mutex<Vec<Result<OutFile, EmitError>>> =
        std::sync::Mutex::new(Vec::with_capacity(jobs.len()));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((name, emit)) =
                    jobs.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                {
                    let file = rust_file(api, name, emit(api)).map(|contents| OutFile {
                        path: dir.join(name),
                        contents,
                    });
                    done.lock().unwrap_or_else(|p| p.into_inner()).push(file);
                }
            });
        }
    });
    let done = done.into_inner().unwrap_or_else(|p| p.into_inner());
    if done.len() != jobs.len() {
        return Err(EmitError {
            file: api.crate_name.clone(),
            message: "an emitter thread failed".into(),
        });
    }
    let mut out = done.into_iter().collect::<Result<Vec<_>, _>>()?;
    out.push(OutFile {
        path: dir.join("openapi.json"),
        contents: openapi::openapi_json(api),
    });
    for (name, text) in templates::render(api)? {
        out.push(OutFile {
            path: dir.join(name),
            contents: text,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Parses, formats and stamps one Rust file.
///
/// The layout is prettyplease's, with a blank line between items, and each file tells
/// rustfmt to leave it alone: the bytes depend only on payspec and the spec, never on which
/// rustfmt (if any) is installed, and `cargo fmt --all` leaves `generated/` unchanged.
fn rust_file(api: &Api, name: &str, tokens: TokenStream) -> Result<String, EmitError> {
    let text = layout::unparse_tokens(
        tokens,
        syn::parse_quote!(#![cfg_attr(rustfmt, rustfmt::skip)]),
    )
    .map_err(|e| EmitError {
        file: format!("{}/{name}", api.crate_name),
        message: format!("emitted code does not parse: {e}"),
    })?;
    Ok(format!("{}\n{text}", header("//", &api.spec_file)))
}

/// The `@generated` line that starts every generated file.
pub fn header(comment: &str, spec_file: &str) -> String {
    format!(
        "{comment} @generated by payspec from {spec_file}. Do not edit: change the spec and run `cargo run -p payspec`."
    )
}
