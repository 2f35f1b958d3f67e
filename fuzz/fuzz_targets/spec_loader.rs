//! The spec loader and validator on arbitrary bytes: never a panic; a failure is diagnostics,
//! each with a hint, inside the input (line at most the number of lines plus one, column at
//! least 1) and rendered with a snippet; a spec that loads also builds into IR. The file is
//! named as if it sat in `specs/`, so the docs a spec cites are read and its citations
//! checked as for the real specs (seed the corpus with them: see README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/fuzz.yaml");
    match payspec::spec::load_bytes(file, data) {
        Ok(loaded) => {
            if let Err(e) = payspec::ir::build(&loaded, "specs/fuzz.yaml") {
                panic!("validated but does not build: {e}");
            }
        }
        Err((source, diags)) => {
            assert!(!diags.is_empty(), "a failure without diagnostics");
            // YAML's line breaks: `\n`, `\r\n`, and a lone `\r`.
            let b = source.as_bytes();
            let lines = 1 + b
                .iter()
                .enumerate()
                .filter(|(i, c)| **c == b'\n' || (**c == b'\r' && b.get(i + 1) != Some(&b'\n')))
                .count();
            for d in &diags {
                assert!(d.hint.is_some(), "no hint: {d}");
                assert!(
                    d.loc.line >= 1 && d.loc.line as usize <= lines && d.loc.column >= 1,
                    "outside the input ({lines} lines): {d}"
                );
                let shown = d.render(&source);
                assert!(shown.contains(&d.message), "{shown}");
            }
        }
    }
});
