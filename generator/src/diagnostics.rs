//! Located, human-oriented errors about spec files, and their rustc-style rendering.

use std::fmt;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};

use crate::spec::Loc;

/// One problem in a spec file: where, what, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path of the spec file as given by the user.
    pub file: String,
    pub loc: Loc,
    /// What is wrong, in one sentence without a trailing period.
    pub message: String,
    /// How to fix it, when we can tell.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(file: &str, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_string(),
            loc,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `file:line:col`
    pub fn position(&self) -> String {
        format!("{}:{}:{}", self.file, self.loc.line, self.loc.column)
    }

    /// The message with a source snippet, as rustc prints it. `source` is the file's text.
    pub fn render(&self, source: &str) -> String {
        // YAML ends a line at a lone `\r` too, so the reader's line numbers count it; the
        // snippet must count lines the same way. `\r` → `\n` keeps every byte offset.
        let normalized;
        let source = if has_lone_cr(source) {
            normalized = lone_cr_as_newline(source);
            normalized.as_str()
        } else {
            source
        };
        let file = SimpleFile::new(self.file.as_str(), source);
        let start = self.byte_offset(source);
        let end = (start + self.loc.len.max(1)).min(source.len());
        let mut d = CsDiagnostic::error()
            .with_message(&self.message)
            .with_labels(vec![Label::primary((), start..end)]);
        if let Some(h) = &self.hint {
            d = d.with_notes(vec![format!("hint: {h}")]);
        }
        match term::emit_into_string(&Config::default(), &file, &d) {
            Ok(s) => s,
            Err(_) => format!("{self}\n"),
        }
    }

    /// Byte offset of the location, recomputed from line and column when the reader gave none.
    fn byte_offset(&self, source: &str) -> usize {
        if self.loc.offset > 0 && self.loc.offset <= source.len() {
            return self.loc.offset;
        }
        let line = self.loc.line.max(1) as usize;
        let col = self.loc.column.max(1) as usize;
        let line_start: usize = source
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        let rest = source.get(line_start..).unwrap_or("");
        let in_line: usize = rest.chars().take(col - 1).map(char::len_utf8).sum();
        (line_start + in_line).min(source.len())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: error: {}", self.position(), self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

/// Collects diagnostics for one file.
#[derive(Debug)]
pub struct Sink {
    file: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl Sink {
    pub fn new(file: &str) -> Self {
        Sink {
            file: file.to_string(),
            diagnostics: Vec::new(),
        }
    }

    pub fn error(&mut self, loc: Loc, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(&self.file, loc, message));
    }

    pub fn error_hint(&mut self, loc: Loc, message: impl Into<String>, hint: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(&self.file, loc, message).with_hint(hint));
    }

    /// Sorted by position, duplicates removed.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        self.diagnostics.sort_by_key(|a| (a.loc.line, a.loc.column));
        self.diagnostics.dedup();
        self.diagnostics
    }
}

/// The known name closest to `name`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for k in known {
        let d = edit_distance(&name.to_lowercase(), &k.to_lowercase());
        if d <= (name.len().max(3) / 3).max(1) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// "`a`, `b` or `c`" for hints.
pub fn one_of<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let v: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    match v.len() {
        0 => "nothing".to_string(),
        1 => v[0].clone(),
        n => format!("{} or {}", v[..n - 1].join(", "), v[n - 1]),
    }
}

/// Whether the text has a `\r` not followed by `\n`.
fn has_lone_cr(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, c)| *c == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

/// The text with each lone `\r` turned into `\n` (same length, same offsets).
fn lone_cr_as_newline(s: &str) -> String {
    let mut out = s.as_bytes().to_vec();
    for i in 0..out.len() {
        if out[i] == b'\r' && out.get(i + 1) != Some(&b'\n') {
            out[i] = b'\n';
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("Chargee", ["Charge", "Order"]), Some("Charge"));
        assert_eq!(did_you_mean("xyz", ["Charge", "Order"]), None);
        assert_eq!(one_of(["a", "b", "c"]), "`a`, `b` or `c`");
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_in_the_snippet_as_in_yaml() {
        let src = "a: 1\rb: oops\r\nc: 2\n";
        let d = Diagnostic::new(
            "x.yaml",
            Loc {
                line: 2,
                column: 4,
                offset: 8,
                len: 4,
            },
            "bad value",
        );
        let out = d.render(src);
        assert!(out.contains("x.yaml:2:4"), "{out}");
        assert!(out.contains("2 │ b: oops"), "{out}");
    }

    #[test]
    fn renders_snippet_with_position() {
        let src = "a: 1\nb: oops\n";
        let d = Diagnostic::new(
            "x.yaml",
            Loc {
                line: 2,
                column: 4,
                offset: 0,
                len: 4,
            },
            "bad value",
        )
        .with_hint("use a number");
        let out = d.render(src);
        assert!(out.contains("x.yaml:2:4"), "{out}");
        assert!(out.contains("b: oops"), "{out}");
        assert!(out.contains("hint: use a number"), "{out}");
    }
}
