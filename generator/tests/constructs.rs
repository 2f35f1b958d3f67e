//! Per-construct golden pairs, in the manner of typify's: each
//! `generator/tests/constructs/<name>.yaml` is a spec small enough to show one construct, and
//! `golden/constructs/<name>/src/<module>.rs` is what the generator makes of it, byte for
//! byte. The spec's `# Shows:` line names the modules the construct is about; those are kept
//! with the modules they refer to. `src/lib.rs` and `Cargo.toml` are written here, so each
//! folder is a crate (a workspace member) and every pair is compiled in the test run.
//! To add a construct, add its spec and run `UPDATE_GOLDEN=1 cargo test -p payspec --test
//! constructs`, which also rewrites the expected files after an intended change.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

mod common;

use common::files_under;
use payspec::emit::crate_files;
use payspec::ir;
use payspec::spec::load_bytes;

/// Each construct's spec: name, path from the repository root, text.
fn constructs() -> Vec<(String, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/constructs");
    let mut out: Vec<(String, String, String)> = std::fs::read_dir(&dir)
        .expect("generator/tests/constructs")
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            let name = path.file_stem()?.to_str()?.to_string();
            (path.extension()? == "yaml").then_some(())?;
            let text = std::fs::read_to_string(&path).ok()?;
            Some((
                name.clone(),
                format!("generator/tests/constructs/{name}.yaml"),
                text,
            ))
        })
        .collect();
    out.sort();
    assert!(
        out.len() >= 10,
        "constructs: {:?}",
        out.iter().map(|c| &c.0).collect::<Vec<_>>()
    );
    out
}

/// The modules a construct is about, from its `# Shows: a, b` line.
fn shown(spec_rel: &str, text: &str) -> Vec<String> {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("# Shows:"))
        .unwrap_or_else(|| panic!("{spec_rel}: no `# Shows: <modules>` line"));
    line.split(',')
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect()
}

/// Runtime modules a generated crate imports at its root.
const RUNTIME: &[&str] = &["http", "rsa_keys", "signing", "transport", "wire"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden/constructs")
}

/// The files a construct's folder should hold: path relative to it, contents.
fn expected(name: &str, spec_rel: &str, text: &str) -> Vec<(String, String)> {
    let loaded = load_bytes(spec_rel, text.as_bytes())
        .unwrap_or_else(|(_, d)| panic!("{spec_rel} is invalid: {d:?}"));
    let api = ir::build(&loaded, spec_rel).expect("builds");
    let files = crate_files(&api).expect("emits");
    let src = PathBuf::from("generated").join(&api.crate_name).join("src");
    // Top-level modules of the generated crate, by name.
    let modules: Vec<(String, String)> = files
        .iter()
        .filter(|f| f.path.parent() == Some(src.as_path()))
        .filter_map(|f| {
            let stem = f.path.file_stem()?.to_str()?.to_string();
            (stem != "lib").then(|| (stem, f.contents.clone()))
        })
        .collect();
    let text_of = |m: &str| {
        modules
            .iter()
            .find(|(n, _)| n == m)
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("{name}: the generator wrote no {m}.rs"))
    };
    // The shown modules and, transitively, the crate modules they refer to.
    let mut kept: BTreeSet<String> = BTreeSet::new();
    let mut runtime: BTreeSet<&str> = BTreeSet::new();
    let mut todo: Vec<String> = shown(spec_rel, text);
    while let Some(m) = todo.pop() {
        if !kept.insert(m.clone()) {
            continue;
        }
        for used in crate_paths(text_of(&m)) {
            let used = if used == "Client" || used == "Credentials" {
                "client".to_string()
            } else {
                used
            };
            if let Some(r) = RUNTIME.iter().find(|r| **r == used) {
                runtime.insert(r);
            } else if modules.iter().any(|(n, _)| *n == used) {
                todo.push(used);
            }
        }
    }
    let mut out: Vec<(String, String)> = kept
        .iter()
        .map(|m| (format!("src/{m}.rs"), text_of(m).to_string()))
        .collect();
    out.push(("src/lib.rs".into(), lib_rs(name, &kept, &runtime)));
    out.push((
        "Cargo.toml".into(),
        cargo_toml(
            name,
            runtime.contains("rsa_keys"),
            kept.contains("webhooks"),
        ),
    ));
    out
}

/// The names after each `crate::` in a file.
fn crate_paths(text: &str) -> BTreeSet<String> {
    text.split("crate::")
        .skip(1)
        .filter_map(|rest| {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (end > 0).then(|| rest[..end].to_string())
        })
        .collect()
}

fn lib_rs(name: &str, kept: &BTreeSet<String>, runtime: &BTreeSet<&str>) -> String {
    let mut s = format!(
        "// Written by generator/tests/constructs.rs: the root of the golden construct `{name}`.\n\
         //! What payspec generates for `generator/tests/constructs/{name}.yaml`: the modules the\n\
         //! construct is about and those they refer to, as the generator wrote them.\n\
         #![warn(missing_docs)]\n\n"
    );
    for m in kept {
        s.push_str(&format!("pub mod {m};\n"));
    }
    if !runtime.is_empty() {
        let list: Vec<&str> = runtime.iter().copied().collect();
        match list.as_slice() {
            [one] => s.push_str(&format!("\nuse payspec_runtime::{one};\n")),
            _ => s.push_str(&format!(
                "\nuse payspec_runtime::{{{}}};\n",
                list.join(", ")
            )),
        }
    }
    if kept.contains("client") {
        s.push_str("\npub use client::{Client, Credentials};\n");
    }
    s
}

fn cargo_toml(name: &str, rsa: bool, webhooks: bool) -> String {
    let features = if rsa {
        r#"["client", "rsa"]"#
    } else {
        r#"["client"]"#
    };
    // The webhooks module's merchant handler is behind the crate's `axum` feature.
    let axum = if webhooks {
        "\n[features]\naxum = [\"payspec-runtime/axum\"]\n"
    } else {
        ""
    };
    format!(
        r#"# Written by generator/tests/constructs.rs.
[package]
name = "construct-{}"
version = "0.0.0"
edition.workspace = true
license.workspace = true
publish = false
{axum}
[dependencies]
payspec-runtime = {{ path = "../../../runtime", features = {features} }}
reqwest = {{ version = "0.13", default-features = false, features = ["rustls", "http2", "query", "form"] }}
rust_decimal = {{ version = "1.43", default-features = false, features = ["std"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = {{ version = "1", features = ["raw_value"] }}
time = {{ version = "0.3", features = ["parsing", "formatting", "macros"] }}
"#,
        name.replace('_', "-")
    )
}

#[test]
fn every_construct_matches_its_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut problems = Vec::new();
    let specs = constructs();
    for (name, spec_rel, text) in &specs {
        let dir = root().join(name);
        let files = expected(name, spec_rel, text);
        for (rel, contents) in &files {
            let path = dir.join(rel);
            if update {
                std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                std::fs::write(&path, contents).expect("write golden");
            } else if std::fs::read_to_string(&path).ok().as_ref() != Some(contents) {
                problems.push(format!("{} differs", path.display()));
            }
        }
        for path in files_under(&dir) {
            let rel = path.strip_prefix(&dir).expect("under dir");
            let rel = rel.to_string_lossy().replace('\\', "/");
            if files.iter().any(|(r, _)| *r == rel) {
                continue;
            }
            if update {
                std::fs::remove_file(&path).expect("remove stale");
            } else {
                problems.push(format!("{} is stale", path.display()));
            }
        }
    }
    // A folder without a spec is a construct that was removed.
    for entry in std::fs::read_dir(root()).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !specs.iter().any(|(n, _, _)| *n == name) {
            problems.push(format!(
                "golden/constructs/{name} has no spec (delete the folder)"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "construct golden files differ (rerun with UPDATE_GOLDEN=1 if intended): {problems:#?}"
    );
}

#[test]
fn each_construct_is_small_and_names_its_spec() {
    // A construct is one idea: its golden files stay short enough to review.
    for (name, spec_rel, text) in constructs() {
        for (rel, contents) in expected(&name, &spec_rel, &text) {
            let lines = contents.lines().count();
            assert!(lines <= 400, "{name}/{rel}: {lines} lines");
            if rel.ends_with(".rs") && rel != "src/lib.rs" {
                assert!(
                    contents.starts_with(&format!("// @generated by payspec from {spec_rel}.")),
                    "{name}/{rel} lacks its header"
                );
            }
        }
    }
}
