//! The doc-sync commands: `payspec docs` (each doc's parts and which are cited), `payspec
//! lock` (accept the docs as they are), and the lock check `payspec check` runs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::docs::{self, lock, report};
use crate::spec;

/// `payspec docs`: the parts of every doc each spec declares, cited or not. Works on a spec
/// whose citations do not resolve yet (that is when it is needed).
pub fn list(files: Vec<PathBuf>) -> ExitCode {
    super::for_each_spec(files, |path| {
        let file = path.display().to_string();
        let parsed = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| spec::load::parse(&file, &b).map_err(|d| d.message.clone()));
        let s = match parsed {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{file}: {e}");
                return false;
            }
        };
        let mut sink = crate::diagnostics::Sink::new(&file);
        let docs = docs::load(&file, &s, &mut sink);
        let cited = docs::check(&s, &docs, &mut sink);
        println!("{file}");
        print!("{}", report::parts_listing(&docs, &cited));
        true
    })
}

/// `payspec lock`: writes `specs/<name>.lock.json` for each valid spec with docs.
pub fn write_locks(files: Vec<PathBuf>) -> ExitCode {
    super::for_each_spec(files, |path| {
        let l = match spec::load(path) {
            Ok(l) => l,
            Err((text, diags)) => {
                super::print_diagnostics(&text, &diags);
                eprintln!("{}: not locked: fix the spec first", path.display());
                return false;
            }
        };
        if l.docs.is_empty() {
            return true;
        }
        let out = lock::path_for(path);
        let text = lock::render(&lock::of(&l.docs));
        if std::fs::read_to_string(&out).ok().as_deref() == Some(text.as_str()) {
            println!("{}: up to date", out.display());
            return true;
        }
        match std::fs::write(&out, text) {
            Ok(()) => {
                let (yes, all) = report::coverage(&l.docs, &l.cited);
                println!("{}: written ({yes}/{all} parts cited)", out.display());
                true
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", out.display());
                false
            }
        }
    })
}

/// The lock check of one loaded spec: `Ok(true)` when its docs match the lock, `Ok(false)`
/// when it has no docs, or `Err` with the report of what changed since the lock (or why
/// there is no lock).
pub fn check_lock(root: &Path, path: &Path, l: &spec::Loaded) -> Result<bool, String> {
    if l.docs.is_empty() {
        return Ok(false);
    }
    let file = crate::pipeline::relative(root, path);
    let lock_path = lock::path_for(path);
    let text = std::fs::read_to_string(&lock_path).map_err(|e| {
        format!(
            "{}: no doc lock ({e}); run `payspec lock` to record the docs the spec was written from",
            crate::pipeline::relative(root, &lock_path)
        )
    })?;
    let locked: lock::Lock = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not a doc lock: {e}",
            crate::pipeline::relative(root, &lock_path)
        )
    })?;
    let changes = lock::compare(&locked, &l.docs);
    if changes.is_empty() {
        return Ok(true);
    }
    let mut out = report::changes(&file, &l.spec, &locked, &l.docs, &changes);
    out.push_str(&format!(
        "{file}: {} doc part(s) changed since the lock. Update the spec where the docs now say \
         something else, then run `payspec lock` to accept the docs.\n",
        changes.len()
    ));
    Err(out)
}
