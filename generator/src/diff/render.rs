//! `payspec diff` output: one line per change for people, or JSON for machines.

use std::fmt::Write as _;

use super::{Change, Level, Side};

/// `level  file:line:col  item: what`, then a summary line.
pub fn text(old_file: &str, new_file: &str, changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        let file = if c.side == Side::Old {
            old_file
        } else {
            new_file
        };
        let _ = writeln!(
            out,
            "{:<14} {file}:{}  {}: {}",
            c.level.label(),
            c.loc,
            c.item,
            c.what
        );
    }
    let _ = writeln!(out, "{}", summary(changes));
    out
}

/// "2 breaking, 1 additive, 3 without API change".
pub fn summary(changes: &[Change]) -> String {
    let n = |l: Level| changes.iter().filter(|c| c.level == l).count();
    format!(
        "{} breaking, {} additive, {} without API change",
        n(Level::Breaking),
        n(Level::Additive),
        n(Level::NoApiChange)
    )
}

/// The same as JSON: `{"breaking": n, "additive": n, "no_api_change": n, "changes": [...]}`.
pub fn json(old_file: &str, new_file: &str, changes: &[Change]) -> String {
    let n = |l: Level| changes.iter().filter(|c| c.level == l).count();
    let list: Vec<serde_json::Value> = changes
        .iter()
        .map(|c| {
            serde_json::json!({
                "level": match c.level {
                    Level::Breaking => "breaking",
                    Level::Additive => "additive",
                    Level::NoApiChange => "no_api_change",
                },
                "item": c.item,
                "change": c.what,
                "file": if c.side == Side::Old { old_file } else { new_file },
                "line": c.loc.line,
                "column": c.loc.column,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "breaking": n(Level::Breaking),
        "additive": n(Level::Additive),
        "no_api_change": n(Level::NoApiChange),
        "changes": list,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
