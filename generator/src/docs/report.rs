//! Text for people: doc coverage per spec, the parts of each doc, and what changed in the
//! docs since the lock, with the spec items that cite each changed part.

use std::fmt::Write as _;

use super::lock::{Change, Lock, line_diff};
use super::{Doc, PartRef, cite, covered, items};
use crate::spec::Spec;
use crate::spec::sources::Sources;

/// `cited / all` parts over every doc.
pub fn coverage(docs: &[Doc], cited: &[Vec<PartRef>]) -> (usize, usize) {
    let cov = covered(docs, cited);
    let all = cov.iter().map(Vec::len).sum();
    let yes = cov.iter().flatten().filter(|c| **c).count();
    (yes, all)
}

/// The number of items that say `source: none`.
pub fn none_count(spec: &Spec) -> usize {
    items::items(spec)
        .iter()
        .filter(|i| i.source.is_some_and(|s| s.value.is_none()))
        .count()
}

/// The parts no item cites (nor any section around them), as citations would name them.
pub fn uncited(docs: &[Doc], cited: &[Vec<PartRef>]) -> Vec<String> {
    let cov = covered(docs, cited);
    docs.iter()
        .enumerate()
        .flat_map(|(d, doc)| {
            let cov = &cov[d];
            doc.parts
                .iter()
                .enumerate()
                .filter(move |(p, _)| !cov[*p])
                .map(move |(_, part)| format!("{}#{}", doc.id, part.title()))
        })
        .collect()
}

/// One line per part of each doc: covered or not, line, headings.
pub fn parts_listing(docs: &[Doc], cited: &[Vec<PartRef>]) -> String {
    let cov = covered(docs, cited);
    let mut out = String::new();
    for (d, doc) in docs.iter().enumerate() {
        let n = cov[d].iter().filter(|c| **c).count();
        let _ = writeln!(
            out,
            "doc `{}` ({}): {n}/{} parts cited",
            doc.id,
            doc.file,
            doc.parts.len()
        );
        for (p, part) in doc.parts.iter().enumerate() {
            let mark = if cov[d][p] { "cited    " } else { "UNCITED  " };
            let _ = writeln!(out, "  {mark}{:>4}  {}", part.line, part.title());
        }
    }
    out
}

/// Every item whose citation is about the part a change concerns: `file:line:col  item`.
fn citing(file: &str, spec: &Spec, lock: &Lock, docs: &[Doc], ch: &Change) -> Vec<String> {
    // Citations are resolved against the parts the change is about: the locked ones for a
    // changed or removed part, today's for a new one.
    let parts: Vec<super::parts::Part> = match ch {
        Change::Added { .. } => docs
            .iter()
            .find(|d| d.id == ch.doc())
            .map(|d| d.parts.clone())
            .unwrap_or_default(),
        _ => lock
            .docs
            .iter()
            .find(|d| d.id == ch.doc())
            .map(|d| d.parts.iter().map(|p| p.as_part()).collect())
            .unwrap_or_default(),
    };
    // Items that inherit their citation (fields, responses) are covered by their parent's line.
    let mut out = Vec::new();
    for it in items::items(spec) {
        let Some(src) = it.source else {
            continue;
        };
        for (text, loc) in Sources::located(src) {
            let Ok(c) = cite::parse(text) else {
                continue;
            };
            if super::lock::cites(&c.doc, &c.path, ch.doc(), ch.path(), &parts) {
                out.push(format!("{file}:{loc}  {}", it.name));
                break;
            }
        }
    }
    out
}

/// Lines of context kept around each changed line.
const CONTEXT: usize = 2;
/// Lines shown of a part that appeared or disappeared whole.
const WHOLE: usize = 12;

/// The diff as text: changed lines with a little context, the rest elided.
fn hunks(diff: &[(char, String)]) -> String {
    let mut out = String::new();
    let changed: Vec<usize> = diff
        .iter()
        .enumerate()
        .filter(|(_, (m, _))| *m != ' ')
        .map(|(i, _)| i)
        .collect();
    if changed.len() == diff.len() {
        for (mark, line) in diff.iter().take(WHOLE) {
            let _ = writeln!(out, "    {mark} {line}");
        }
        if diff.len() > WHOLE {
            let _ = writeln!(out, "    … {} more line(s)", diff.len() - WHOLE);
        }
        return out;
    }
    let near = |i: usize| changed.iter().any(|&c| c.abs_diff(i) <= CONTEXT);
    let mut skipped = false;
    for (i, (mark, line)) in diff.iter().enumerate() {
        if near(i) {
            if skipped {
                let _ = writeln!(out, "    …");
                skipped = false;
            }
            let _ = writeln!(out, "    {mark} {line}");
        } else {
            skipped = true;
        }
    }
    if skipped {
        let _ = writeln!(out, "    …");
    }
    out
}

/// The report of `changes` for one spec: per part, what happened, the text diff, and the
/// items citing it (or "no spec item cites it").
pub fn changes(file: &str, spec: &Spec, lock: &Lock, docs: &[Doc], changes: &[Change]) -> String {
    let mut out = String::new();
    for ch in changes {
        let title = if ch.path().is_empty() {
            "(start)".to_string()
        } else {
            ch.path().join(" > ")
        };
        let doc_file = docs
            .iter()
            .find(|d| d.id == ch.doc())
            .map(|d| d.file.clone())
            .unwrap_or_default();
        let (what, diff) = match ch {
            Change::Changed { old, new, .. } => (
                format!("changed (now at line {})", new.line),
                line_diff(&old.text, &new.text),
            ),
            Change::Removed { old, .. } => ("removed".to_string(), line_diff(&old.text, "")),
            Change::Added { new, .. } => (
                format!("new (line {}), not cited by the spec", new.line),
                line_diff("", &new.text),
            ),
        };
        let _ = writeln!(
            out,
            "{file}: doc `{}` ({doc_file}): part `{title}` {what}",
            ch.doc()
        );
        out.push_str(&hunks(&diff));
        let who = citing(file, spec, lock, docs, ch);
        if who.is_empty() {
            let _ = writeln!(out, "  no spec item cites it");
        } else {
            let _ = writeln!(out, "  cited by:");
            for w in who {
                let _ = writeln!(out, "    {w}");
            }
        }
    }
    out
}
