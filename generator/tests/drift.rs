//! The committed `generated/` tree (and `specs/payspec.schema.json`) is exactly what the
//! generator makes of the committed specs: `cargo test --workspace` fails when a spec, the
//! generator or a generated file was changed without running `cargo run -p payspec`.
//!
//! This is `payspec check` run in process, through the same library calls as the CLI:
//! every `specs/*.yaml`, owning every crate folder under `generated/` whose Cargo.toml has
//! the `@generated` header plus the crate of every spec. The output never depends on the
//! tools installed: `generator/tests/cli.rs` runs the binary with and without rustfmt on
//! PATH.

use std::path::{Path, PathBuf};

use payspec::{pipeline, writer};

#[test]
fn generated_tree_matches_the_specs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent: the repository root")
        .to_path_buf();
    let specs = payspec::cli::spec_files_in(&root.join("specs"))
        .unwrap_or_else(|e| panic!("listing the specs: {e}"));
    let out = match pipeline::run(&root, &specs) {
        Ok(o) => o,
        Err(pipeline::Failure::Invalid(list)) => {
            let shown: String = list
                .iter()
                .flat_map(|(text, diags)| diags.iter().map(move |d| d.render(text)))
                .collect();
            panic!("the repository's specs are invalid:\n{shown}")
        }
        Err(pipeline::Failure::Emit(e)) => panic!("the generator failed: {e}"),
    };
    assert_eq!(
        out.crates.len(),
        specs.len(),
        "one crate per spec: {:?}",
        out.crates
    );

    let mut owned = writer::generated_crates(&root);
    for c in &out.crates {
        if !owned.contains(c) {
            owned.push(c.clone());
        }
    }
    let n_files = out.files.len();
    let plan = writer::plan(&root, out.files, &owned)
        .unwrap_or_else(|e| panic!("reading {}: {e}", root.display()));
    let drift = plan.drift(&root);
    // Judged on the plan itself as well as on `drift()`, so a broken `drift()` cannot hide
    // a stale tree.
    if !drift.is_empty() || !plan.write.is_empty() || !plan.stale.is_empty() {
        let list: Vec<String> = drift
            .iter()
            .map(|(path, why)| format!("  {why}: {}", path.display()))
            .collect();
        panic!(
            "{} file(s) differ from what the specs generate; run `cargo run -p payspec` and \
             commit the result:\n{}\nto write: {:?}\nstale: {:?}",
            drift.len(),
            list.join("\n"),
            plan.write.iter().map(|f| &f.path).collect::<Vec<_>>(),
            plan.stale
        );
    }
    assert_eq!(
        plan.unchanged.len(),
        n_files,
        "every generated file is on disk unchanged"
    );
    assert!(
        plan.unchanged
            .contains(&PathBuf::from("specs/payspec.schema.json")),
        "the schema is part of the checked output"
    );
}
