//! The doc lock: one file per spec (`specs/<name>.lock.json`) holding every part of every
//! vendored doc as it was when the spec was last brought up to date, with a SHA-256
//! fingerprint of its text. Comparing it with the docs today says which parts changed,
//! appeared or disappeared; moving text without changing it changes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::parts::Part;
use super::{Doc, cite};

/// A spec's lock file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    pub docs: Vec<LockedDoc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedDoc {
    pub id: String,
    pub file: String,
    pub parts: Vec<LockedPart>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedPart {
    /// Headings above the part, then its own.
    pub path: Vec<String>,
    /// SHA-256 of `text`, lower-case hex.
    pub sha256: String,
    /// The part's text, kept to show what changed.
    pub text: String,
}

impl LockedPart {
    /// As a [`Part`], to resolve citations against the locked docs.
    pub fn as_part(&self) -> Part {
        Part {
            path: self.path.clone(),
            line: 0,
            text: self.text.clone(),
        }
    }
}

/// `specs/x.lock.json` beside `specs/x.yaml`.
pub fn path_for(spec: &Path) -> PathBuf {
    spec.with_extension("lock.json")
}

/// The lock of `docs` as they are now.
pub fn of(docs: &[Doc]) -> Lock {
    Lock {
        docs: docs
            .iter()
            .map(|d| LockedDoc {
                id: d.id.clone(),
                file: d.file.clone(),
                parts: d
                    .parts
                    .iter()
                    .map(|p| LockedPart {
                        path: p.path.clone(),
                        sha256: payspec_runtime::wire::sha256_hex(p.text.as_bytes()),
                        text: p.text.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The lock as written to disk: pretty JSON with a trailing newline, byte-stable.
pub fn render(lock: &Lock) -> String {
    let mut s = serde_json::to_string_pretty(lock).unwrap_or_default();
    s.push('\n');
    s
}

/// What happened to one part since the lock was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Same headings, other text.
    Changed {
        doc: String,
        old: LockedPart,
        new: Part,
    },
    /// In the lock, no longer in the doc.
    Removed { doc: String, old: LockedPart },
    /// In the doc, not in the lock.
    Added { doc: String, new: Part },
}

impl Change {
    pub fn doc(&self) -> &str {
        match self {
            Change::Changed { doc, .. }
            | Change::Removed { doc, .. }
            | Change::Added { doc, .. } => doc,
        }
    }

    /// The part's headings.
    pub fn path(&self) -> &[String] {
        match self {
            Change::Changed { new, .. } | Change::Added { new, .. } => &new.path,
            Change::Removed { old, .. } => &old.path,
        }
    }
}

/// Parts keyed by (headings, how many earlier parts had the same headings).
fn keyed<T>(items: &[T], path: impl Fn(&T) -> &[String]) -> BTreeMap<(Vec<String>, usize), usize> {
    let mut seen: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for (i, it) in items.iter().enumerate() {
        let p = path(it).to_vec();
        let n = seen.entry(p.clone()).or_default();
        out.insert((p, *n), i);
        *n += 1;
    }
    out
}

/// Every part that changed, appeared or disappeared since `lock`, doc by doc in order.
pub fn compare(lock: &Lock, docs: &[Doc]) -> Vec<Change> {
    let mut out = Vec::new();
    let empty = Vec::new();
    let mut ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    for d in &lock.docs {
        if !ids.contains(&d.id.as_str()) {
            ids.push(&d.id);
        }
    }
    for id in ids {
        let old = lock
            .docs
            .iter()
            .find(|d| d.id == id)
            .map_or(&empty, |d| &d.parts);
        let new = docs
            .iter()
            .find(|d| d.id == id)
            .map_or(&[][..], |d| &d.parts[..]);
        let old_keys = keyed(old, |p| &p.path);
        let new_keys = keyed(new, |p| &p.path);
        for (key, &i) in &new_keys {
            let part = &new[i];
            match old_keys.get(key) {
                Some(&j)
                    if old[j].sha256 == payspec_runtime::wire::sha256_hex(part.text.as_bytes()) => {
                }
                Some(&j) => out.push(Change::Changed {
                    doc: id.to_string(),
                    old: old[j].clone(),
                    new: part.clone(),
                }),
                None => out.push(Change::Added {
                    doc: id.to_string(),
                    new: part.clone(),
                }),
            }
        }
        for (key, &j) in &old_keys {
            if !new_keys.contains_key(key) {
                out.push(Change::Removed {
                    doc: id.to_string(),
                    old: old[j].clone(),
                });
            }
        }
    }
    out
}

/// Whether a citation (`doc`, headings) is about the part at `path` in `parts`: it names
/// that part or a part whose section holds it.
pub fn cites(
    doc: &str,
    cpath: &[String],
    change_doc: &str,
    path: &[String],
    parts: &[Part],
) -> bool {
    if doc != change_doc {
        return false;
    }
    cite::matches(cpath, parts).iter().any(|(_, p)| {
        p.path.as_slice() == path || (path.len() > p.path.len() && path.starts_with(&p.path))
    })
}

/// Lines of a line diff from `old` to `new`: ` ` kept, `-` removed, `+` added.
pub fn line_diff(old: &str, new: &str) -> Vec<(char, String)> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // Longest common subsequence table, from the ends.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push((' ', a[i].to_string()));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(('-', a[i].to_string()));
            i += 1;
        } else {
            out.push(('+', b[j].to_string()));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::parts::{Format, split};

    fn doc(text: &str) -> Doc {
        Doc {
            id: "ref".into(),
            file: "ref.md".into(),
            path: PathBuf::from("ref.md"),
            parts: split(text, &Format::Markdown),
        }
    }

    const BASE: &str = "# Create\nPOST /orders\n\n## Answer\n{\"id\": 1}\n\n# List\nGET /orders\n";

    #[test]
    fn an_unchanged_doc_reports_nothing_even_when_text_moves() {
        let lock = of(&[doc(BASE)]);
        assert!(compare(&lock, &[doc(BASE)]).is_empty());
        let moved =
            "\n\n# List\nGET /orders\n\n\n# Create\nPOST /orders\n## Answer\n{\"id\": 1}   \n";
        assert!(compare(&lock, &[doc(moved)]).is_empty());
    }

    #[test]
    fn edited_added_and_removed_parts_are_reported() {
        let lock = of(&[doc(BASE)]);
        let edited = BASE.replace("{\"id\": 1}", "{\"id\": 1, \"url\": \"x\"}");
        let ch = compare(&lock, &[doc(&edited)]);
        assert!(
            matches!(ch.as_slice(), [Change::Changed { new, .. }] if new.path == ["Create", "Answer"]),
            "{ch:?}"
        );
        let added = format!("{BASE}\n# Refund\nPOST /refunds\n");
        let ch = compare(&lock, &[doc(&added)]);
        assert!(
            matches!(ch.as_slice(), [Change::Added { new, .. }] if new.path == ["Refund"]),
            "{ch:?}"
        );
        let removed = "# Create\nPOST /orders\n\n## Answer\n{\"id\": 1}\n";
        let ch = compare(&lock, &[doc(removed)]);
        assert!(
            matches!(ch.as_slice(), [Change::Removed { old, .. }] if old.path == ["List"]),
            "{ch:?}"
        );
    }

    #[test]
    fn line_diff_marks_each_line() {
        assert_eq!(
            line_diff("a\nb\nc", "a\nx\nc\nd"),
            vec![
                (' ', "a".to_string()),
                ('-', "b".to_string()),
                ('+', "x".to_string()),
                (' ', "c".to_string()),
                ('+', "d".to_string())
            ]
        );
    }

    #[test]
    fn citations_of_a_section_cover_its_subparts() {
        let d = doc(BASE);
        let path = vec!["Create".to_string(), "Answer".to_string()];
        assert!(cites("ref", &["Create".into()], "ref", &path, &d.parts));
        assert!(cites("ref", &["Answer".into()], "ref", &path, &d.parts));
        assert!(!cites("ref", &["List".into()], "ref", &path, &d.parts));
        assert!(!cites("other", &["Create".into()], "ref", &path, &d.parts));
    }
}
