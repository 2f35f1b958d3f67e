//! The `payspec` binary as a user runs it: exit codes, messages and the files it writes.
//!
//! Every test works in its own scratch folder under the system temp dir, never in the
//! repository: the binary finds its root as the nearest folder at or above the current
//! directory that has `specs/` (see `pipeline::find_root`), and templates and runtime files
//! are compiled in, so copying spec files into `<scratch>/specs/` and running the binary
//! there is all a run needs. Most tests use one real spec (tegro-money) to stay fast (a run
//! costs a few hundredths of a second), and start from a copy of one shared first
//! generation; one test runs over the whole `specs/` folder, and `tests/tests/drift.rs`
//! checks the committed tree against all of them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

const BIN: &str = env!("CARGO_BIN_EXE_payspec");

/// The spec most tests generate from, and its crate folder.
const SPEC: &str = "tegro-money.yaml";
const CRATE: &str = "generated/tegro-money";

fn repo_specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

/// A scratch repository root, removed on drop.
struct Tree {
    root: PathBuf,
}

/// One finished run of the binary.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts the exit code, showing both streams if it is wrong.
    #[track_caller]
    fn expect_code(&self, code: i32, what: &str) -> &Run {
        assert_eq!(
            self.code, code,
            "{what}: expected exit code {code}, got {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Asserts the summary line of a successful `generate`.
    #[track_caller]
    fn expect_generated(&self, crates: usize, written: usize, unchanged: usize, removed: usize) {
        self.expect_code(0, "generate");
        let want = format!(
            "payspec: {crates} crates — {written} written, {unchanged} unchanged, {removed} removed in "
        );
        assert!(
            self.stdout.starts_with(&want) && self.stdout.lines().count() == 1,
            "generate should print {want:?}…, printed: {}",
            self.stdout
        );
        assert_eq!(self.stderr, "", "generate prints nothing on stderr");
    }

    /// The `<why>: <path>` lines `check` prints before its summary line, sorted.
    fn drift_lines(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .stderr
            .lines()
            .filter(|l| !l.starts_with("payspec check:"))
            .map(str::to_string)
            .collect();
        v.sort();
        v
    }
}

impl Tree {
    /// An empty scratch folder.
    fn empty(name: &str) -> Tree {
        static N: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "payspec-cli-{}-{name}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", root.display()));
        Tree { root }
    }

    /// A scratch root whose `specs/` holds copies of the named repository specs and their doc
    /// locks, with the vendored docs they cite.
    fn with_specs(name: &str, specs: &[&str]) -> Tree {
        let t = Tree::with_docs(name);
        for s in specs {
            let text = std::fs::read(repo_specs().join(s))
                .unwrap_or_else(|e| panic!("cannot read specs/{s}: {e}"));
            t.write(&format!("specs/{s}"), &text);
            let lock = s.replace(".yaml", ".lock.json");
            if let Ok(text) = std::fs::read(repo_specs().join(&lock)) {
                t.write(&format!("specs/{lock}"), &text);
            }
        }
        t
    }

    /// An empty scratch root with a copy of the repository's `docs/providers/`.
    fn with_docs(name: &str) -> Tree {
        let t = Tree::empty(name);
        let docs = repo_specs().join("../docs/providers");
        for e in std::fs::read_dir(&docs).expect("read docs/providers") {
            let path = e.expect("dir entry").path();
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            t.write(
                &format!("docs/providers/{name}"),
                &std::fs::read(&path).expect("read"),
            );
        }
        t
    }

    /// A scratch root with a copy of the whole repository `specs/` folder.
    fn with_all_specs(name: &str) -> Tree {
        let t = Tree::with_docs(name);
        for e in std::fs::read_dir(repo_specs()).expect("read specs/") {
            let path = e.expect("dir entry").path();
            if path.is_file() {
                let name = path.file_name().expect("file name").to_string_lossy();
                t.write(
                    &format!("specs/{name}"),
                    &std::fs::read(&path).expect("read"),
                );
            }
        }
        t
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn write(&self, rel: &str, contents: &[u8]) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent"))
            .unwrap_or_else(|e| panic!("mkdir for {rel}: {e}"));
        std::fs::write(&p, contents).unwrap_or_else(|e| panic!("cannot write {rel}: {e}"));
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Runs `payspec <args>` with the scratch root as current directory.
    fn run(&self, args: &[&str]) -> Run {
        self.run_in(Command::new(BIN).args(args))
    }

    /// Runs `payspec <args>` with only `path` as `PATH` (no rustfmt, no cargo).
    fn run_with_path(&self, args: &[&str], path: &Path) -> Run {
        self.run_in(Command::new(BIN).args(args).env("PATH", path))
    }

    fn run_in(&self, command: &mut Command) -> Run {
        let out = command
            .current_dir(&self.root)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"));
        Run {
            code: out
                .status
                .code()
                .expect("payspec exited normally, not by a signal"),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Every file below `rel` (relative to the root, `/`-separated) with its bytes.
    fn snapshot(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![self.path(rel)];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries {
                let p = e.expect("dir entry").path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let key = p
                        .strip_prefix(&self.root)
                        .expect("below root")
                        .to_string_lossy()
                        .replace('\\', "/");
                    out.insert(key, std::fs::read(&p).expect("read"));
                }
            }
        }
        out
    }

    /// Modification times of every file below `rel`.
    fn mtimes(&self, rel: &str) -> BTreeMap<String, SystemTime> {
        self.snapshot(rel)
            .into_keys()
            .map(|k| {
                let t = std::fs::metadata(self.path(&k))
                    .and_then(|m| m.modified())
                    .expect("mtime");
                (k, t)
            })
            .collect()
    }

    /// `generate`, asserting success; returns the number of files the run produced
    /// (everything under `generated/` plus `specs/payspec.schema.json`).
    fn generate_fresh(&self, crates: usize) -> usize {
        let r = self.run(&["generate"]);
        let n = self.snapshot("generated").len() + 1;
        r.expect_generated(crates, n, 0, 0);
        n
    }
}

/// The tree after the first `generate` of `SPEC` into an empty root, kept in memory and
/// shared by the tests that start from a generated tree.
struct Pristine {
    files: BTreeMap<String, Vec<u8>>,
    /// Files the run produced (`generated/` plus the schema).
    produced: usize,
}

fn pristine() -> &'static Pristine {
    static P: OnceLock<Pristine> = OnceLock::new();
    P.get_or_init(|| {
        let t = Tree::with_specs("pristine", &[SPEC]);
        let produced = t.generate_fresh(1);
        Pristine {
            files: t.snapshot(""),
            produced,
        }
    })
}

impl Tree {
    /// A scratch root holding `SPEC` and what its first generation wrote; returns the
    /// number of files that generation produced.
    fn generated(name: &str) -> (Tree, usize) {
        let p = pristine();
        let t = Tree::empty(name);
        for (rel, bytes) in &p.files {
            t.write(rel, bytes);
        }
        (t, p.produced)
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Asserts that `check` passes and reports `files` files up to date.
#[track_caller]
fn assert_check_clean(t: &Tree, crates: usize, files: usize, what: &str) {
    let r = t.run(&["check"]);
    r.expect_code(0, what);
    // Every repository spec cites its docs, so each one's lock is checked too.
    let want = format!(
        "payspec check: {crates} crates, {files} files up to date, docs of {crates} spec(s) as locked ("
    );
    assert!(
        r.stdout.starts_with(&want),
        "{what}: stdout should start with {want:?}: {}",
        r.stdout
    );
}

/// Asserts that `check` fails with exactly these `<why>: <path>` lines.
#[track_caller]
fn assert_check_drift(t: &Tree, lines: &[&str], what: &str) {
    let r = t.run(&["check"]);
    r.expect_code(1, what);
    let mut want: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(r.drift_lines(), want, "{what}: stderr was\n{}", r.stderr);
    let summary = format!(
        "payspec check: {} file(s) out of date; run `cargo run -p payspec` and commit the result",
        lines.len()
    );
    assert_eq!(
        r.stderr.lines().last(),
        Some(summary.as_str()),
        "{what}: summary line"
    );
    assert_eq!(
        r.stdout, "",
        "{what}: a failing check prints nothing on stdout"
    );
}

/// A copy of `SPEC` with `provider.base_url` misspelled; returns (text, line, column) of the
/// diagnostic it must produce.
fn broken_spec() -> (String, usize, usize) {
    let text = std::fs::read_to_string(repo_specs().join(SPEC)).expect("read spec");
    let line = text
        .lines()
        .position(|l| l.starts_with("  base_url:"))
        .expect("the spec has a `  base_url:` line under provider");
    let broken = text.replacen("\n  base_url:", "\n  base_urll:", 1);
    (broken, line + 1, 3)
}

#[test]
fn generate_then_check_passes_on_every_real_spec() {
    let t = Tree::with_all_specs("all");
    let n_specs = t
        .snapshot("specs")
        .keys()
        .filter(|k| k.ends_with(".yaml"))
        .count();
    // The copied schema is unchanged if the repository's copy is current.
    let schema_current =
        t.read("specs/payspec.schema.json") == payspec::schema::json_schema().into_bytes();
    let r = t.run(&["generate"]);
    let n = t.snapshot("generated").len() + 1;
    let unchanged = usize::from(schema_current);
    r.expect_generated(n_specs, n - unchanged, unchanged, 0);
    assert_check_clean(&t, n_specs, n, "check right after generate");
}

#[test]
fn generate_writes_the_crate_and_check_passes() {
    let (t, n) = Tree::generated("fresh");
    for f in [
        "Cargo.toml",
        "README.md",
        "src/lib.rs",
        "src/client.rs",
        "src/types.rs",
        "tests/examples.rs",
    ] {
        let rel = format!("{CRATE}/{f}");
        assert!(t.exists(&rel), "{rel} is generated");
    }
    assert!(
        t.exists("specs/payspec.schema.json"),
        "the schema is written"
    );
    let toml = String::from_utf8(t.read(&format!("{CRATE}/Cargo.toml"))).expect("UTF-8");
    assert!(
        toml.starts_with("# @generated by payspec from specs/tegro-money.yaml."),
        "Cargo.toml carries the header naming its spec: {toml}"
    );
    assert_check_clean(&t, 1, n, "check right after generate");
}

#[test]
fn check_fails_on_a_tampered_file_and_names_it() {
    let (t, n) = Tree::generated("tamper");
    let rel = format!("{CRATE}/src/client.rs");
    let mut bytes = t.read(&rel);
    let i = (bytes.len() / 2..bytes.len())
        .find(|&i| bytes[i].is_ascii_alphabetic())
        .expect("client.rs has a letter in its second half");
    bytes[i] ^= 0x20; // flip the case of one letter: one byte changed
    t.write(&rel, &bytes);

    assert_check_drift(&t, &[&format!("differs: {rel}")], "check after tampering");
    assert_eq!(t.read(&rel), bytes, "check never writes");

    assert_generate_restores_one_file(&t, n);
}

/// `generate` rewrites the one broken file of `n` and leaves the tree as first generated.
fn assert_generate_restores_one_file(t: &Tree, n: usize) {
    t.run(&["generate"]).expect_generated(1, 1, n - 1, 0);
    assert_eq!(
        t.snapshot(""),
        pristine().files,
        "generate restored exactly the first generation"
    );
}

#[test]
fn check_fails_on_a_deleted_file_and_names_it() {
    let (t, n) = Tree::generated("delete");
    let rel = format!("{CRATE}/src/types.rs");
    std::fs::remove_file(t.path(&rel)).expect("delete types.rs");

    assert_check_drift(
        &t,
        &[&format!("missing: {rel}")],
        "check after deleting a file",
    );
    assert!(!t.exists(&rel), "check never writes");

    assert_generate_restores_one_file(&t, n);
}

#[test]
fn stale_files_are_reported_then_removed_and_foreign_files_kept() {
    let (t, n) = Tree::generated("stale");
    let old = format!("{CRATE}/src/old.rs");
    let nested = format!("{CRATE}/src/legacy/gone.rs");
    t.write(&old, b"// left over\n");
    t.write(&nested, b"// left over\n");
    // None of these belong to the generator's output, and none may be touched.
    let foreign = [
        "generated/hand-written/Cargo.toml",
        "generated/hand-written/src/lib.rs",
        "generated/NOTES.md",
        "keep.txt",
        "specs/notes.txt",
        "generated/tegro-money/target/debug/build.log",
        "generated/tegro-money/Cargo.lock",
    ];
    for f in foreign {
        t.write(f, format!("hand-made {f}\n").as_bytes());
    }

    assert_check_drift(
        &t,
        &[&format!("stale: {old}"), &format!("stale: {nested}")],
        "check with stale files",
    );
    assert!(t.exists(&old) && t.exists(&nested), "check never deletes");

    t.run(&["generate"]).expect_generated(1, 0, n, 2);
    assert!(!t.exists(&old), "{old} removed");
    assert!(
        !t.exists(&format!("{CRATE}/src/legacy")),
        "the folder emptied by the removal is removed too"
    );
    for f in foreign {
        assert_eq!(
            t.read(f),
            format!("hand-made {f}\n").into_bytes(),
            "{f} is not the generator's and is kept as it was"
        );
    }
    assert_check_clean(&t, 1, n, "check after removing stale files");
}

#[test]
fn the_crate_of_a_removed_spec_is_stale_as_a_whole() {
    let (t, n) = Tree::generated("removed");
    let m2 = "specs/m2cerber.yaml";
    t.write(
        m2,
        &std::fs::read(repo_specs().join("m2cerber.yaml")).expect("read"),
    );
    // Generating one named spec owns only its crate: tegro-money's files are not stale.
    let r = t.run(&["generate", m2]);
    let orphan: Vec<String> = t.snapshot("generated/m2cerber").into_keys().collect();
    assert!(
        orphan.iter().any(|p| p == "generated/m2cerber/Cargo.toml") && orphan.len() > 3,
        "m2cerber was generated: {orphan:?}"
    );
    r.expect_generated(1, orphan.len(), 1, 0);
    assert!(
        t.exists(&format!("{CRATE}/Cargo.toml")),
        "the other crate stays"
    );

    std::fs::remove_file(t.path(m2)).expect("remove spec");
    // Naming a spec limits the check to its crate: the orphan is not its business.
    t.run(&["check", "specs/tegro-money.yaml"])
        .expect_code(0, "check of one named spec");
    // With every spec, the crate whose spec is gone is stale, file by file.
    let lines: Vec<String> = orphan.iter().map(|p| format!("stale: {p}")).collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert_check_drift(&t, &lines, "check after removing a spec");

    t.run(&["generate"]).expect_generated(1, 0, n, orphan.len());
    assert!(
        !t.exists("generated/m2cerber"),
        "the orphan crate folder is gone"
    );
    assert_eq!(
        t.snapshot(""),
        pristine().files,
        "what is left is exactly tegro-money's generation"
    );
}

#[test]
fn generating_twice_is_byte_identical_and_the_second_run_writes_nothing() {
    let t = Tree::with_specs("twice", &[SPEC]);
    let n = t.generate_fresh(1);
    assert_eq!(n, pristine().produced, "two runs, same number of files");
    let first = t.snapshot("");
    let differing: Vec<&String> = first
        .keys()
        .chain(pristine().files.keys())
        .filter(|k| first.get(*k) != pristine().files.get(*k))
        .collect();
    assert!(
        differing.is_empty(),
        "two runs on the same spec give byte-identical trees; differing: {differing:?}"
    );
    let times = t.mtimes("");

    // No subcommand means `generate`.
    t.run(&[]).expect_generated(1, 0, n, 0);
    assert_eq!(t.snapshot(""), first, "the second run changes no byte");
    assert_eq!(t.mtimes(""), times, "the second run rewrites no file");
}

#[test]
fn validate_exits_0_on_valid_and_1_on_invalid_specs_with_locations() {
    let t = Tree::with_specs("validate", &[SPEC]);
    let r = t.run(&["validate"]);
    r.expect_code(0, "validate on a real spec");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines.len() == 3
            && lines[0].starts_with("specs/tegro-money.yaml: ok — ")
            && lines[2] == "  uncited: readme#tegro_python_api"
            && lines[1].starts_with(
                "  doc coverage: 43/44 parts cited (97%), 11 item(s) with `source: none`"
            ),
        "an ok line, a coverage line and the uncited part: {}",
        r.stdout
    );
    assert_eq!(r.stderr, "");

    let (broken, line, col) = broken_spec();
    t.write("specs/zz-broken.yaml", broken.as_bytes());
    let located = format!("specs/zz-broken.yaml:{line}:{col}");
    let r = t.run(&["validate"]);
    r.expect_code(1, "validate with one invalid spec");
    assert!(r.stderr.contains(&located), "names {located}: {}", r.stderr);
    assert!(
        r.stderr.contains("unknown field `base_urll`")
            && r.stderr.contains("did you mean `base_url`?"),
        "says what is wrong: {}",
        r.stderr
    );
    assert_eq!(
        r.stderr.lines().last(),
        Some("specs/zz-broken.yaml: 1 error"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.starts_with("specs/tegro-money.yaml: ok — "),
        "the valid spec is still reported: {}",
        r.stdout
    );

    let r = t.run(&["validate", "specs/zz-broken.yaml"]);
    r.expect_code(1, "validate naming the invalid spec");
    assert!(r.stderr.contains(&located), "names {located}: {}", r.stderr);
    assert_eq!(r.stdout, "", "no ok line for an invalid spec");

    let r = t.run(&["validate", "specs/tegro-money.yaml"]);
    r.expect_code(0, "validate naming the valid spec only");
}

#[test]
fn usage_errors_exit_2() {
    let t = Tree::with_specs("usage", &[SPEC]);
    let r = t.run(&["frobnicate"]);
    r.expect_code(2, "unknown subcommand");
    assert!(
        r.stderr.contains("unrecognized subcommand 'frobnicate'"),
        "{}",
        r.stderr
    );
    let r = t.run(&["validate", "--bogus"]);
    r.expect_code(2, "unknown flag of validate");
    assert!(
        r.stderr.contains("unexpected argument '--bogus'"),
        "{}",
        r.stderr
    );
    t.run(&["check", "--bogus"])
        .expect_code(2, "unknown flag of check");
    t.run(&["--bogus"]).expect_code(2, "unknown top-level flag");
    assert!(!t.exists("generated"), "usage errors generate nothing");

    let empty = Tree::empty("usage-empty");
    let r = empty.run(&["validate"]);
    r.expect_code(2, "validate without specs/ and without files");
    assert!(r.stderr.contains("cannot read specs"), "{}", r.stderr);

    let r = t.run(&["--help"]);
    r.expect_code(0, "--help");
    assert!(r.stdout.contains("Usage: payspec"), "{}", r.stdout);
    let r = t.run(&["--version"]);
    r.expect_code(0, "--version");
    assert_eq!(r.stdout, format!("payspec {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn generate_and_check_reject_an_invalid_spec_with_its_location_and_write_nothing() {
    let t = Tree::with_specs("bad", &[SPEC]);
    let (broken, line, col) = broken_spec();
    t.write("specs/zz-broken.yaml", broken.as_bytes());
    let located = format!("specs/zz-broken.yaml:{line}:{col}");
    for args in [
        &["generate"][..],
        &["check"][..],
        &[][..],
        &["generate", "specs/zz-broken.yaml"][..],
    ] {
        let r = t.run(args);
        r.expect_code(1, &format!("payspec {args:?} with an invalid spec"));
        assert!(
            r.stderr.contains(&located) && r.stderr.contains("unknown field `base_urll`"),
            "payspec {args:?} names {located}: {}",
            r.stderr
        );
        assert_eq!(
            r.stderr.lines().last(),
            Some("error: invalid specs, nothing generated"),
            "payspec {args:?}: {}",
            r.stderr
        );
        assert!(!t.exists("generated"), "payspec {args:?} wrote generated/");
        assert!(
            !t.exists("specs/payspec.schema.json"),
            "payspec {args:?} wrote the schema"
        );
    }
}

#[test]
fn schema_prints_and_writes_the_json_schema() {
    let t = Tree::with_specs("schema", &[SPEC]);
    let r = t.run(&["schema", "--out", "-"]);
    r.expect_code(0, "schema to stdout");
    let v: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("schema output is not JSON: {e}\n{}", r.stdout));
    assert_eq!(v["title"], "Spec", "the root is the Spec type");
    for key in ["payspec", "provider", "endpoints", "types"] {
        assert!(
            v["properties"].get(key).is_some(),
            "the schema names the top-level key `{key}`"
        );
    }
    assert_eq!(
        r.stdout,
        payspec::schema::json_schema(),
        "prints the library's schema"
    );

    let r = t.run(&["schema"]);
    r.expect_code(0, "schema to its default file");
    assert_eq!(r.stdout, "wrote specs/payspec.schema.json\n");
    assert_eq!(
        t.read("specs/payspec.schema.json"),
        payspec::schema::json_schema().into_bytes()
    );

    let r = t.run(&["schema", "-o", "out/schema.json"]);
    r.expect_code(2, "schema into a folder that does not exist");
    assert!(
        r.stderr.contains("cannot write out/schema.json"),
        "{}",
        r.stderr
    );
}

#[test]
fn output_is_the_same_with_and_without_rustfmt_and_rustfmt_leaves_it_alone() {
    let with = Tree::with_all_specs("with-rustfmt");
    with.run(&["generate"]).expect_code(0, "generate");
    let without = Tree::with_all_specs("without-rustfmt");
    let empty_path = without.path("no-tools");
    std::fs::create_dir_all(&empty_path).expect("mkdir");
    without
        .run_with_path(&["generate"], &empty_path)
        .expect_code(0, "generate without rustfmt on PATH");
    let a = with.snapshot("generated");
    let b = without.snapshot("generated");
    assert_eq!(a.len(), b.len());
    for (path, bytes) in &a {
        assert!(b.get(path) == Some(bytes), "{path} differs without rustfmt");
    }
    without
        .run_with_path(&["check"], &empty_path)
        .expect_code(0, "check without rustfmt on PATH");
    // rustfmt (when this machine has it, as CI does) changes none of the generated files.
    let rust_files: Vec<PathBuf> = a
        .keys()
        .filter(|k| k.ends_with(".rs"))
        .map(|k| with.path(k))
        .collect();
    assert!(rust_files.len() > 40, "{} Rust files", rust_files.len());
    if let Ok(out) = Command::new("rustfmt")
        .args(["--edition", "2024", "--check"])
        .args(&rust_files)
        .output()
    {
        assert!(
            out.status.success(),
            "rustfmt would change generated files:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
