//! The whole run: spec files → validated specs → IR → files, in memory.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::emit::{self, EmitError, OutFile};
use crate::{ir, spec};

/// Everything one run produces, and the folders it owns.
#[derive(Debug)]
pub struct Output {
    pub files: Vec<OutFile>,
    /// `generated/<crate>` of every spec.
    pub crates: Vec<PathBuf>,
    /// The specs as loaded (path as given, spec), for the checks that follow generation.
    pub specs: Vec<(PathBuf, spec::Loaded)>,
}

/// Why a run produced nothing.
#[derive(Debug)]
pub enum Failure {
    /// Some specs are invalid: (source text, diagnostics) per file.
    Invalid(Vec<(String, Vec<Diagnostic>)>),
    /// The generator could not emit a crate.
    Emit(EmitError),
}

/// Loads, validates and emits every spec. `root` is the repository root; `specs` are paths
/// (absolute or relative to the current directory).
pub fn run(root: &Path, specs: &[PathBuf]) -> Result<Output, Failure> {
    let mut loaded = Vec::new();
    let mut invalid = Vec::new();
    for path in specs {
        match spec::load(path) {
            Ok(l) => loaded.push((path.clone(), l)),
            Err(e) => invalid.push(e),
        }
    }
    if !invalid.is_empty() {
        return Err(Failure::Invalid(invalid));
    }
    let apis: Vec<ir::Api> = loaded
        .iter()
        .map(|(path, l)| ir::build(l, &relative(root, path)))
        .collect::<Result<_, _>>()
        .map_err(|e| {
            Failure::Emit(EmitError {
                file: e.spec_file.clone(),
                message: e.to_string(),
            })
        })?;
    let crates = apis
        .iter()
        .map(|a| PathBuf::from("generated").join(&a.crate_name))
        .collect();
    // Crates are independent: emit them in parallel.
    let emitted: Vec<Result<Vec<OutFile>, EmitError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = apis
            .iter()
            .map(|api| scope.spawn(move || emit::crate_files(api)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(EmitError {
                        file: String::new(),
                        message: "an emitter thread failed".into(),
                    })
                })
            })
            .collect()
    });
    let mut files = Vec::new();
    for e in emitted {
        files.extend(e.map_err(Failure::Emit)?);
    }
    files.push(OutFile {
        path: PathBuf::from("specs/payspec.schema.json"),
        contents: crate::schema::json_schema(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Output {
        files,
        crates,
        specs: loaded,
    })
}

/// `specs/x.yaml` from any spelling of the path, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let abs_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let rel = abs
        .strip_prefix(&abs_root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The repository root: the nearest folder at or above the current one that has `specs/`.
pub fn find_root() -> Option<PathBuf> {
    let mut dir = std::env::current_dir().ok()?;
    loop {
        if dir.join("specs").is_dir() {
            return Some(dir);
        }
        if !dir.pop() {
            return None;
        }
    }
}
