//! Emitters: the IR of one provider → the files of its generated crate. Rust files are built
//! with `quote!`, checked by parsing them with `syn` and formatted with `prettyplease`; the
//! Cargo.toml and README come from tera templates fed precomputed values.

mod auth;
mod client;
mod errors;
mod lib_rs;
mod mock;
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

const WIRE_RS: &str = include_str!("../../runtime/wire.rs");
const SIGNING_RS: &str = include_str!("../../runtime/signing.rs");
const HTTP_RS: &str = include_str!("../../runtime/http.rs");
const RSA_KEYS_RS: &str = include_str!("../../runtime/rsa_keys.rs");
const RSA_STUB_RS: &str = include_str!("../../runtime/rsa_stub.rs");
const MOCK_RUNTIME: [(&str, &str); 5] = [
    (
        "mock/engine.rs",
        include_str!("../../runtime/mock/engine.rs"),
    ),
    (
        "mock/pattern.rs",
        include_str!("../../runtime/mock/pattern.rs"),
    ),
    (
        "mock/server.rs",
        include_str!("../../runtime/mock/server.rs"),
    ),
    (
        "mock/tables.rs",
        include_str!("../../runtime/mock/tables.rs"),
    ),
    ("mock/value.rs", include_str!("../../runtime/mock/value.rs")),
];

/// All files of the crate for `api`, in a stable order.
pub fn crate_files(api: &Api) -> Result<Vec<OutFile>, EmitError> {
    let dir = PathBuf::from("generated").join(&api.crate_name);
    let src = dir.join("src");
    let mut out = Vec::new();
    let rust: Vec<(String, TokenStream)> = {
        let mut v: Vec<(String, TokenStream)> = vec![
            ("lib.rs".into(), lib_rs::lib_rs(api)),
            ("types.rs".into(), types::types_rs(api)),
            ("requests.rs".into(), requests::requests_rs(api)),
            ("client.rs".into(), client::client_rs(api)),
            ("error.rs".into(), errors::error_rs(api)),
            ("auth.rs".into(), auth::auth_rs(api)),
            ("webhooks.rs".into(), webhooks::webhooks_rs(api)),
        ];
        if !api.date_formats.is_empty() {
            v.push(("dates.rs".into(), types::dates_rs(api)));
        }
        if api.mock.is_some() {
            v.extend(mock::mock_files(api));
        }
        v
    };
    for (name, tokens) in rust {
        out.push(OutFile {
            path: src.join(&name),
            contents: rust_file(api, &name, tokens)?,
        });
    }
    let mut statics = vec![
        ("wire.rs", WIRE_RS),
        ("signing.rs", SIGNING_RS),
        ("http.rs", HTTP_RS),
        (
            "rsa_keys.rs",
            if api.needs.rsa {
                RSA_KEYS_RS
            } else {
                RSA_STUB_RS
            },
        ),
    ];
    if api.mock.is_some() {
        statics.extend(MOCK_RUNTIME);
    }
    for (name, text) in statics {
        let tokens: TokenStream = text.parse().map_err(|e| EmitError {
            file: name.to_string(),
            message: format!("runtime file does not lex: {e}"),
        })?;
        out.push(OutFile {
            path: src.join(name),
            contents: rust_file(api, name, tokens)?,
        });
    }
    out.push(OutFile {
        path: dir.join("tests/examples.rs"),
        contents: rust_file(api, "tests/examples.rs", tests_rs::examples_rs(api))?,
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
fn rust_file(api: &Api, name: &str, tokens: TokenStream) -> Result<String, EmitError> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| EmitError {
        file: format!("{}/src/{name}", api.crate_name),
        message: format!("emitted code does not parse: {e}"),
    })?;
    let text = format!(
        "{}\n{}",
        header("//", &api.spec_file),
        prettyplease::unparse(&file)
    );
    Ok(rustfmt(&text).unwrap_or(text))
}

/// Passes formatted code through `rustfmt` so the committed crates are `cargo fmt` clean.
/// Without rustfmt the prettyplease layout is kept (and `payspec check` on a machine that has
/// rustfmt reports the difference).
fn rustfmt(text: &str) -> Option<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = text.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()
}

/// The `@generated` line that starts every generated file.
pub fn header(comment: &str, spec_file: &str) -> String {
    format!(
        "{comment} @generated by payspec from {spec_file}. Do not edit: change the spec and run `cargo run -p payspec`."
    )
}
