//! Command-line interface: `generate`, `check`, `validate`, `schema`, and the doc-sync
//! commands (`docs`, `lock`) in `doc_sync`.

mod bump;
mod diff;
mod doc_sync;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::spec;

#[derive(Parser, Debug)]
#[command(
    name = "payspec",
    version,
    about = "Payment-provider API specs → Rust clients and mock servers"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate generated/<crate>/ for every spec (the default command).
    Generate {
        /// Spec files; default: specs/*.yaml
        files: Vec<PathBuf>,
    },
    /// Regenerate in memory and fail (exit 1) if any generated file differs, is missing or is
    /// stale, if a vendored doc changed since its lock, or if a spec changed in a breaking way
    /// since the base revision without the version bump semver requires.
    Check {
        /// Spec files; default: specs/*.yaml
        files: Vec<PathBuf>,
        /// Git revision the versions are compared with.
        #[arg(long, value_name = "REV", default_value = "HEAD")]
        base: String,
    },
    /// Set each spec's version to what its changes since the base revision require, and
    /// record the release (from `payspec diff`) in its `changelog:`.
    Bump {
        /// Spec files; default: specs/*.yaml
        files: Vec<PathBuf>,
        /// Git revision to compare with.
        #[arg(long, value_name = "REV", default_value = "HEAD")]
        base: String,
    },
    /// Check spec files and report every problem with its location, and doc coverage.
    Validate {
        /// Spec files; default: specs/*.yaml
        files: Vec<PathBuf>,
    },
    /// List the parts of each vendored doc a spec declares, and which the spec cites.
    Docs {
        /// Spec files; default: specs/*.yaml
        files: Vec<PathBuf>,
    },
    /// Every change between two versions of a spec, classified as breaking, additive or no
    /// API change; exit 1 when something is breaking.
    Diff {
        /// OLD NEW, or (with --git) the one spec file to compare with its committed version.
        files: Vec<PathBuf>,
        /// Compare the spec with its version at this git revision (e.g. HEAD, main, v0.2.0).
        #[arg(long, value_name = "REV")]
        git: Option<String>,
        /// `text` (default) or `json`.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// Accept the vendored docs as they are now: write specs/<name>.lock.json.
    Lock {
        /// Spec files; default: specs/*.yaml
        files: Vec<PathBuf>,
    },
    /// Write the JSON Schema of the spec format (default: specs/payspec.schema.json).
    Schema {
        /// Output file, or `-` for standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

/// Runs the CLI with the process arguments; 0 = success, 1 = invalid specs, 2 = usage error.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Some(Command::Validate { files }) => validate(files),
        Some(Command::Schema { out }) => schema(out),
        Some(Command::Docs { files }) => doc_sync::list(files),
        Some(Command::Lock { files }) => doc_sync::write_locks(files),
        Some(Command::Diff { files, git, format }) => diff::run(files, git, format == "json"),
        Some(Command::Generate { files }) => generate(files, None),
        Some(Command::Check { files, base }) => generate(files, Some(base)),
        Some(Command::Bump { files, base }) => bump::run(files, &base),
        None => generate(Vec::new(), None),
    }
}

/// The spec files to act on: the given ones, or every `specs/*.yaml`.
pub fn spec_files(files: Vec<PathBuf>) -> Result<Vec<PathBuf>, String> {
    if !files.is_empty() {
        return Ok(files);
    }
    spec_files_in(Path::new("specs"))
}

/// Runs `each` on every spec file (the given ones, or every `specs/*.yaml`); `each` says
/// whether that spec went well. Exit status: 0 all did, 1 some did not, 2 no specs to read.
pub fn for_each_spec(files: Vec<PathBuf>, mut each: impl FnMut(&Path) -> bool) -> ExitCode {
    let files = match spec_files(files) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    for path in files {
        failed |= !each(&path);
    }
    ExitCode::from(u8::from(failed))
}

/// Every `*.yaml` in `dir`, sorted.
pub fn spec_files_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "cannot read {}: {e} (run payspec from the repository root, or name the files)",
            dir.display()
        )
    })?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(format!("no spec files (*.yaml) in {}", dir.display()));
    }
    Ok(out)
}

fn validate(files: Vec<PathBuf>) -> ExitCode {
    for_each_spec(files, |path| match spec::load(path) {
        Ok(l) => {
            let s = &l.spec;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "{}: ok — {} endpoints, {} webhooks, {} types",
                l.file,
                s.endpoints.len(),
                s.webhooks.len(),
                s.types.len()
            );
            if !l.docs.is_empty() {
                let (yes, all) = crate::docs::report::coverage(&l.docs, &l.cited);
                let _ = writeln!(
                    out,
                    "  doc coverage: {yes}/{all} parts cited ({}%), {} item(s) with `source: none`",
                    (yes * 100).checked_div(all).unwrap_or(100),
                    crate::docs::report::none_count(s)
                );
                for part in crate::docs::report::uncited(&l.docs, &l.cited) {
                    let _ = writeln!(out, "  uncited: {part}");
                }
            }
            true
        }
        Err((text, diags)) => {
            print_diagnostics(&text, &diags);
            eprintln!(
                "{}: {} error{}",
                path.display(),
                diags.len(),
                if diags.len() == 1 { "" } else { "s" }
            );
            false
        }
    })
}

/// `generate`, or with a base revision `check`.
fn generate(files: Vec<PathBuf>, check_base: Option<String>) -> ExitCode {
    let started = std::time::Instant::now();
    let Some(root) = crate::pipeline::find_root() else {
        eprintln!("error: no specs/ folder here or above; run payspec inside the repository");
        return ExitCode::from(2);
    };
    let all_specs = files.is_empty();
    let files = if files.is_empty() {
        match spec_files_in(&root.join("specs")) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        files
    };
    let out = match crate::pipeline::run(&root, &files) {
        Ok(o) => o,
        Err(crate::pipeline::Failure::Invalid(list)) => {
            for (text, diags) in list {
                print_diagnostics(&text, &diags);
            }
            eprintln!("error: invalid specs, nothing generated");
            return ExitCode::from(1);
        }
        Err(crate::pipeline::Failure::Emit(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    // With every spec, crates whose spec is gone are stale; with named specs, only theirs.
    let mut owned = if all_specs {
        crate::writer::generated_crates(&root)
    } else {
        Vec::new()
    };
    for c in &out.crates {
        if !owned.contains(c) {
            owned.push(c.clone());
        }
    }
    let n_crates = out.crates.len();
    let plan = match crate::writer::plan(&root, out.files, &owned) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: reading {}: {e}", root.display());
            return ExitCode::from(1);
        }
    };
    let secs = started.elapsed().as_secs_f64();
    if let Some(rev) = check_base {
        let mut failed = false;
        let mut locked = 0;
        for (path, l) in &out.specs {
            match doc_sync::check_lock(&root, path, l) {
                Ok(matched) => locked += usize::from(matched),
                Err(report) => {
                    eprint!("{report}");
                    failed = true;
                }
            }
            if let Err(report) = bump::check(&rev, &root, path, l) {
                eprint!("{report}");
                failed = true;
            }
        }
        let drift = plan.drift(&root);
        if drift.is_empty() && !failed {
            let docs = if locked > 0 {
                format!(", docs of {locked} spec(s) as locked")
            } else {
                String::new()
            };
            println!(
                "payspec check: {n_crates} crates, {} files up to date{docs} ({secs:.2} s)",
                plan.unchanged.len()
            );
            return ExitCode::SUCCESS;
        }
        for (path, why) in &drift {
            eprintln!("{why}: {}", path.display());
        }
        if !drift.is_empty() {
            eprintln!(
                "payspec check: {} file(s) out of date; run `cargo run -p payspec` and commit the result",
                drift.len()
            );
        }
        return ExitCode::from(1);
    }
    if let Err(e) = crate::writer::apply(&root, &plan) {
        eprintln!("error: writing files: {e}");
        return ExitCode::from(1);
    }
    println!(
        "payspec: {n_crates} crates — {} written, {} unchanged, {} removed in {secs:.2} s",
        plan.write.len(),
        plan.unchanged.len(),
        plan.stale.len()
    );
    ExitCode::SUCCESS
}

/// Writes `diags` rendered against `text` to standard error.
pub(crate) fn print_diagnostics(text: &str, diags: &[crate::diagnostics::Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = write!(err, "{}", d.render(text));
    }
}

fn schema(out: Option<PathBuf>) -> ExitCode {
    let text = crate::schema::json_schema();
    let out = out.unwrap_or_else(|| PathBuf::from("specs/payspec.schema.json"));
    if out.as_os_str() == "-" {
        print!("{text}");
        return ExitCode::SUCCESS;
    }
    match std::fs::write(&out, text) {
        Ok(()) => {
            println!("wrote {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            ExitCode::from(2)
        }
    }
}
