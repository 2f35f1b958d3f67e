//! `payspec diff OLD NEW` and `payspec diff --git REV SPEC`: the changes between two versions
//! of a spec, classified; exit 0 when nothing is breaking, 1 when something is, 2 on a usage
//! error (including a version that does not load).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::diff::{self, Level, render};
use crate::spec;

/// The spec `file` as committed at `rev`: (a name for it, its bytes).
pub fn at_revision(rev: &str, file: &Path) -> Result<(String, Vec<u8>), String> {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{} is not a file", file.display()))?;
    let out = Command::new("git")
        .args(["show", &format!("{rev}:./{name}")])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git show {rev}:{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok((format!("{}@{rev}", file.display()), out.stdout))
}

/// One version, loaded without its docs; `Err` prints why.
fn load(name: &str, bytes: &[u8]) -> Result<spec::Loaded, ()> {
    spec::load_without_docs(name, bytes).map_err(|(text, diags)| {
        super::print_diagnostics(&text, &diags);
        eprintln!("{name}: not a valid spec; nothing compared");
    })
}

pub fn run(files: Vec<PathBuf>, git: Option<String>, json: bool) -> ExitCode {
    let pair = match (git, files.as_slice()) {
        (Some(rev), [file]) => at_revision(&rev, file).and_then(|old| {
            let new =
                std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            Ok((old, (file.display().to_string(), new)))
        }),
        (None, [old, new]) => {
            let read = |p: &PathBuf| {
                std::fs::read(p)
                    .map(|b| (p.display().to_string(), b))
                    .map_err(|e| format!("cannot read {}: {e}", p.display()))
            };
            read(old).and_then(|o| Ok((o, read(new)?)))
        }
        (Some(_), _) => Err("with --git REV, name one spec file".to_string()),
        (None, _) => {
            Err("name two spec files (OLD NEW), or --git REV and one spec file".to_string())
        }
    };
    let ((old_name, old_bytes), (new_name, new_bytes)) = match pair {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // The two versions load in parallel: most of a large diff's time is reading them.
    let (old, new) = std::thread::scope(|s| {
        let old = s.spawn(|| load(&old_name, &old_bytes));
        let new = load(&new_name, &new_bytes);
        (old.join().unwrap_or(Err(())), new)
    });
    let (Ok(old), Ok(new)) = (old, new) else {
        return ExitCode::from(2);
    };
    let changes = diff::diff(&old.spec, &new.spec);
    if json {
        print!("{}", render::json(&old_name, &new_name, &changes));
    } else {
        print!("{}", render::text(&old_name, &new_name, &changes));
    }
    ExitCode::from(u8::from(diff::worst(&changes) == Some(Level::Breaking)))
}
