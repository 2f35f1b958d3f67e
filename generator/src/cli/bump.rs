//! Versions against a base revision: `payspec bump` (set the version a spec's changes
//! require and record the release in its `changelog:`), and the check `payspec check` makes
//! (a breaking change needs a bump as semver says).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::diff::{self, Change, Level, semver};
use crate::spec;

/// The spec at `rev`, read without docs and without today's validation (it may predate a
/// rule); `None` when git, the revision or the file at it is missing (a new spec has no
/// earlier version).
fn base(rev: &str, path: &Path) -> Option<Result<spec::Loaded, String>> {
    let (name, bytes) = super::diff::at_revision(rev, path).ok()?;
    Some(spec::load_earlier(&name, &bytes).map_err(|_| {
        format!(
            "{name} does not load with this payspec (an older spec format); versions not compared"
        )
    }))
}

fn version_of(l: &spec::Loaded) -> semver::Version {
    l.spec
        .provider
        .version
        .as_ref()
        .and_then(|v| semver::parse(&v.value))
        .or_else(|| semver::parse(crate::ir::DEFAULT_VERSION))
        .unwrap_or(semver::Version {
            major: 0,
            minor: 1,
            patch: 0,
        })
}

/// The check of one spec against `rev`: `Err` with a report when a breaking change came
/// without the bump semver requires.
pub fn check(rev: &str, root: &Path, path: &Path, new: &spec::Loaded) -> Result<(), String> {
    let old = match base(rev, path) {
        None => return Ok(()),
        Some(Err(note)) => {
            eprintln!("note: {note}");
            return Ok(());
        }
        Some(Ok(o)) => o,
    };
    let changes = diff::diff(&old.spec, &new.spec);
    let (was, now) = (version_of(&old), version_of(new));
    if diff::worst(&changes) != Some(Level::Breaking)
        || semver::satisfies(was, now, Level::Breaking)
    {
        return Ok(());
    }
    let need = semver::required(was, Level::Breaking).unwrap_or(now);
    let mut out = String::new();
    for c in changes.iter().filter(|c| c.level == Level::Breaking) {
        out.push_str(&format!("  {}: {}\n", c.item, c.what));
    }
    let file = crate::pipeline::relative(root, path);
    Err(format!(
        "{file}: breaking changes since {rev}, but the version is still {now} (semver needs {need}):\n{out}  run `payspec bump {file}` to set it and record the release\n"
    ))
}

/// One line of the changelog per API change; docs-only changes are counted in one line.
fn release_lines(changes: &[Change]) -> Vec<String> {
    let mut lines: Vec<String> = changes
        .iter()
        .filter(|c| c.level != Level::NoApiChange)
        .map(|c| format!("{}: `{}`: {}", c.level.label(), c.item, c.what))
        .collect();
    let quiet = changes
        .iter()
        .filter(|c| c.level == Level::NoApiChange)
        .count();
    if quiet > 0 {
        lines.push(format!(
            "{quiet} change(s) to docs, notes, examples or mock behaviour."
        ));
    }
    lines
}

/// `version:` of the provider block set to `v` (inserted after `crate:` when absent).
fn set_version(text: &str, v: &str) -> String {
    let mut out = Vec::new();
    let (mut in_provider, mut done) = (false, false);
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with(' ') && !line.is_empty() && !line.starts_with('#') {
            in_provider = line.trim_end() == "provider:";
        }
        if in_provider && !done && line.starts_with("  version:") {
            out.push(format!("  version: {v}"));
            done = true;
            continue;
        }
        out.push(line.to_string());
        let next_is_version = lines
            .get(i + 1)
            .is_some_and(|n| n.starts_with("  version:"));
        if in_provider && !done && line.starts_with("  crate:") && !next_is_version {
            out.push(format!("  version: {v}"));
            done = true;
        }
    }
    out.join("\n") + "\n"
}

/// The release `v` with `lines` at the top of `changelog:` (replacing a release `v` already
/// there), or a new `changelog:` at the end.
fn record(text: &str, v: &str, lines: &[String]) -> String {
    let mut block = format!("  - version: {v}\n    changes:\n");
    for l in lines {
        let quoted = serde_json::to_string(l).unwrap_or_default();
        block.push_str(&format!("      - {quoted}\n"));
    }
    let Some(start) = text
        .find("\nchangelog:\n")
        .map(|i| i + "\nchangelog:\n".len())
    else {
        return format!("{}\n\nchangelog:\n{block}", text.trim_end());
    };
    let rest = &text[start..];
    let same = format!("  - version: {v}\n");
    if rest.starts_with(&same) {
        // The release being redone: up to the next release or top-level key.
        let end = rest[same.len()..]
            .find("\n  - version:")
            .map(|i| same.len() + i + 1)
            .or_else(|| {
                rest.match_indices('\n')
                    .map(|(i, _)| i + 1)
                    .find(|&i| rest[i..].starts_with(|c: char| c.is_ascii_alphabetic()))
            })
            .unwrap_or(rest.len());
        return format!("{}{block}{}", &text[..start], &rest[end..]);
    }
    format!("{}{block}{rest}", &text[..start])
}

/// `payspec bump`: for each spec, the version its changes since `rev` require, written to
/// `provider.version`, and a release in `changelog:` listing them.
pub fn run(files: Vec<PathBuf>, rev: &str) -> ExitCode {
    super::for_each_spec(files, |path| bump(path, rev))
}

/// Bumps one spec; `false` when it could not.
fn bump(path: &Path, rev: &str) -> bool {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return false;
        }
    };
    let new = match spec::load_without_docs(&path.display().to_string(), text.as_bytes()) {
        Ok(l) => l,
        Err((t, d)) => {
            super::print_diagnostics(&t, &d);
            return false;
        }
    };
    let old = match base(rev, path) {
        Some(Ok(o)) => o,
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return false;
        }
        None => {
            println!("{}: not in {rev}; nothing to compare", path.display());
            return true;
        }
    };
    let changes: Vec<Change> = diff::diff(&old.spec, &new.spec)
        .into_iter()
        .filter(|c| c.item != "provider.version" && c.item != "changelog")
        .collect();
    let Some(worst) = diff::worst(&changes) else {
        println!("{}: no change since {rev}", path.display());
        return true;
    };
    let was = version_of(&old);
    // Docs-only changes still make a release: the crate's docs changed.
    let level = if worst == Level::NoApiChange {
        Level::Additive
    } else {
        worst
    };
    let need = semver::required(was, level).unwrap_or(was);
    let v = version_of(&new).max(need).to_string();
    let updated = record(&set_version(&text, &v), &v, &release_lines(&changes));
    if let Err(e) = std::fs::write(path, updated) {
        eprintln!("error: cannot write {}: {e}", path.display());
        return false;
    }
    println!(
        "{}: {was} → {v} ({}); release recorded in `changelog:`. Run `cargo run -p payspec` to regenerate.",
        path.display(),
        crate::diff::render::summary(&changes)
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_line_is_set_or_inserted() {
        let with = "provider:\n  name: X\n  crate: x\n  version: 0.1.0\n  base_url: u\n";
        assert_eq!(set_version(with, "0.2.0"), with.replace("0.1.0", "0.2.0"));
        let without = "provider:\n  name: X\n  crate: x\n  base_url: u\n";
        assert_eq!(
            set_version(without, "0.2.0"),
            "provider:\n  name: X\n  crate: x\n  version: 0.2.0\n  base_url: u\n"
        );
        // A `version:` elsewhere is left alone.
        let other = "provider:\n  crate: x\nchangelog:\n  version: 9\n";
        assert!(
            set_version(other, "1.0.0")
                .contains("  crate: x\n  version: 1.0.0\nchangelog:\n  version: 9\n")
        );
    }

    #[test]
    fn releases_are_recorded_newest_first_and_redone_in_place() {
        let lines = vec!["breaking: `a`: gone".to_string()];
        let fresh = record("payspec: 1\n", "0.2.0", &lines);
        assert_eq!(
            fresh,
            "payspec: 1\n\nchangelog:\n  - version: 0.2.0\n    changes:\n      - \"breaking: `a`: gone\"\n"
        );
        let older = "x: 1\nchangelog:\n  - version: 0.1.0\n    changes:\n      - First.\n";
        let two = record(older, "0.2.0", &lines);
        assert!(two.ends_with("changelog:\n  - version: 0.2.0\n    changes:\n      - \"breaking: `a`: gone\"\n  - version: 0.1.0\n    changes:\n      - First.\n"), "{two}");
        let redone = record(&two, "0.2.0", &["additive: `b`: new".to_string()]);
        assert!(redone.contains("  - version: 0.2.0\n    changes:\n      - \"additive: `b`: new\"\n  - version: 0.1.0\n"), "{redone}");
        assert!(!redone.contains("gone"), "{redone}");
    }
}
