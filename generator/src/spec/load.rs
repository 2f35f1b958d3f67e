//! Reading a spec file: bytes → YAML → [`Spec`], with located errors and hints.

use serde_saphyr::{Budget, Options};

use super::located::Loc;
use super::model::Spec;
use crate::diagnostics::{Diagnostic, did_you_mean};

/// Largest spec file accepted, in bytes.
const MAX_SPEC_BYTES: usize = 4 * 1024 * 1024;

/// Parses a spec from its text. `file` is the name used in diagnostics.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Spec, Diagnostic> {
    let start = Loc {
        line: 1,
        column: 1,
        offset: 0,
        len: 0,
    };
    if bytes.len() > MAX_SPEC_BYTES {
        return Err(
            Diagnostic::new(file, start, "the file is larger than 4 MiB")
                .with_hint("a spec is a few hundred lines; is this the right file?"),
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let loc = loc_of_offset(bytes, e.valid_up_to());
            return Err(
                Diagnostic::new(file, loc, "the file is not valid UTF-8 text")
                    .with_hint("spec files are UTF-8 YAML; is this a binary file?"),
            );
        }
    };
    if text.trim().is_empty() {
        return Err(Diagnostic::new(file, start, "the file is empty").with_hint(
            "a spec starts with `payspec: 1` followed by `provider:`; see specs/README.md",
        ));
    }
    serde_saphyr::from_str_with_options::<Spec>(text, options())
        .map_err(|e| to_diagnostic(file, text, &e))
}

fn options() -> Options {
    let mut o = Options::default();
    o.strict_booleans = true;
    o.with_snippet = false;
    let mut budget = Budget::default();
    budget.max_depth = 64;
    o.budget = Some(budget);
    o
}

fn to_diagnostic(file: &str, text: &str, e: &serde_saphyr::Error) -> Diagnostic {
    let loc = e
        .location()
        .map(|l| Loc::from_saphyr(&l))
        .filter(|l| !l.is_unknown())
        .unwrap_or(Loc {
            line: 1,
            column: 1,
            offset: 0,
            len: 0,
        });
    let raw = e.to_string();
    let message = plain_words(strip_position(&raw));
    let d = Diagnostic::new(file, loc, message.clone());
    match hint_for(&message, text, loc) {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// Rust type names mean little to a spec author.
fn plain_words(message: String) -> String {
    match message.as_str() {
        "invalid u16" | "invalid u32" | "invalid u64" | "invalid i64" => {
            "expected a whole number".to_string()
        }
        _ => message,
    }
}

/// serde-saphyr appends " at line L, column C"; the diagnostic carries the position itself.
fn strip_position(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or(msg);
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

fn hint_for(message: &str, text: &str, loc: Loc) -> Option<String> {
    // Every path returns a hint; `Option` keeps the early returns short.
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, expected) = rest.split_once('`')?;
        let known: Vec<&str> = expected
            .split_once("expected one of ")
            .or_else(|| expected.split_once("expected "))
            .map(|(_, list)| list.split(", ").map(|s| s.trim_matches('`')).collect())
            .unwrap_or_default();
        if in_flow_mapping(text, loc) && name.contains(' ') {
            return Some(
                "inside `{ ... }` a comma ends the entry: put text that contains a comma in quotes"
                    .to_string(),
            );
        }
        return Some(match did_you_mean(name, known.iter().copied()) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("allowed keys here: {}", known.join(", ")),
        });
    }
    if message.starts_with("unknown variant") {
        return Some("use one of the values listed; see specs/README.md".to_string());
    }
    if message.starts_with("missing field") {
        return Some("add the key; see specs/README.md for what it means".to_string());
    }
    if message.starts_with("duplicate mapping key") {
        return Some("each name may appear once: rename or remove one of them".to_string());
    }
    if message.contains("mapping values are not allowed") {
        return Some("a `: ` starts a mapping here: check this line's indentation, or quote text that contains `: `".to_string());
    }
    if message.contains("invalid boolean") {
        return Some("write `true` or `false`".to_string());
    }
    if message.contains("budget") || message.contains("depth") || message.contains("nesting") {
        return Some("the file nests too deeply to be a spec".to_string());
    }
    if message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.starts_with("expected")
    {
        return Some("see specs/README.md (or the schema) for what this key takes".to_string());
    }
    Some("check the YAML syntax here: indentation, quotes and brackets".to_string())
}

fn in_flow_mapping(text: &str, loc: Loc) -> bool {
    let line = text
        .lines()
        .nth(loc.line.saturating_sub(1) as usize)
        .unwrap_or("");
    let col = (loc.column.saturating_sub(1) as usize).min(line.len());
    line.get(..col).is_some_and(|before| before.contains('{'))
}

/// Line and column (in characters, as every other diagnostic counts them) of a byte offset.
fn loc_of_offset(bytes: &[u8], offset: usize) -> Loc {
    let before = &bytes[..offset.min(bytes.len())];
    // A line ends at `\n`, and at a `\r` not followed by `\n` (as YAML counts them).
    let ends =
        |i: usize| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
    let line = (0..before.len()).filter(|i| ends(*i)).count() + 1;
    let line_start = (0..before.len())
        .rev()
        .find(|i| ends(*i))
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Loc {
        line: line.try_into().unwrap_or(u32::MAX),
        column: col.try_into().unwrap_or(u32::MAX),
        offset,
        len: 1,
    }
}
