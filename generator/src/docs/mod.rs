//! Doc sync: the provider docs a spec was written from, kept beside the project
//! (`docs/providers/`), split into parts ([`parts`]); the citations that tie spec items to
//! parts ([`cite`], [`items`]); and the lock that notices when a doc changes ([`lock`]).

pub mod cite;
pub mod items;
pub mod lock;
pub mod parts;
pub mod report;

use std::path::{Path, PathBuf};

use regex_lite::Regex;

use crate::diagnostics::Sink;
use crate::spec::model::Spec;
use crate::spec::sources::{NONE, Sources};
use parts::{Format, Part};

/// A vendored doc, read and split.
#[derive(Debug)]
pub struct Doc {
    /// The id citations use.
    pub id: String,
    /// The path as the spec writes it (relative to the spec file).
    pub file: String,
    /// The path to read it from.
    pub path: PathBuf,
    pub parts: Vec<Part>,
}

/// Reads the docs `spec` declares, relative to the folder of `spec_file`. Problems (a
/// missing file, a bad pattern, a plain-text doc without patterns) go to `sink`.
pub fn load(spec_file: &str, spec: &Spec, sink: &mut Sink) -> Vec<Doc> {
    let dir = Path::new(spec_file).parent().unwrap_or(Path::new(""));
    let mut docs = Vec::new();
    for d in &spec.provider.docs {
        if docs.iter().any(|x: &Doc| x.id == d.id.value) {
            sink.error_hint(
                d.id.loc,
                format!("doc id `{}` is used twice", d.id.value),
                "give each doc its own id",
            );
            continue;
        }
        let Some(file) = &d.file else {
            continue;
        };
        let path = dir.join(&file.value);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                sink.error_hint(
                    file.loc,
                    format!("cannot read doc `{}`: {e}", path.display()),
                    "the path is relative to the spec file, e.g. `../docs/providers/<file>`",
                );
                continue;
            }
        };
        let markdown = Path::new(&file.value)
            .extension()
            .is_some_and(|x| x == "md" || x == "markdown");
        let format = if d.headings.is_empty() {
            if !markdown {
                sink.error_hint(
                    file.loc,
                    format!("`{}` is not markdown, and no `headings:` say where its parts start", file.value),
                    "add `headings:` with one regular expression per level, e.g. `[\"^POST https://\"]`",
                );
                continue;
            }
            Format::Markdown
        } else {
            let mut patterns = Vec::new();
            for h in &d.headings {
                match Regex::new(&h.value) {
                    Ok(r) => patterns.push(r),
                    Err(e) => sink.error_hint(
                        h.loc,
                        format!("heading pattern is not a regular expression: {e}"),
                        "the syntax is the `regex` crate's",
                    ),
                }
            }
            Format::Patterns(patterns)
        };
        docs.push(Doc {
            id: d.id.value.clone(),
            file: file.value.clone(),
            parts: parts::split(&text, &format),
            path,
        });
    }
    docs
}

/// A citation resolved: doc index and part index.
pub type PartRef = (usize, usize);

/// Checks every `source:` of `spec` against `docs`: each citation names one part; with docs,
/// every required item cites; `none` comes with a note. Returns what each item cites.
pub fn check(spec: &Spec, docs: &[Doc], sink: &mut Sink) -> Vec<Vec<PartRef>> {
    let items = items::items(spec);
    let has_docs = !spec.provider.docs.is_empty();
    let mut cited = vec![Vec::new(); items.len()];
    for (i, it) in items.iter().enumerate() {
        let Some(src) = it.source else {
            if has_docs && it.required {
                sink.error_hint(
                    it.loc,
                    format!("`{}` cites no part of the docs", it.name),
                    "add `source: <doc>#<heading>` for the part it was written from, or `source: none` and a `note:` saying what was assumed",
                );
            }
            continue;
        };
        if src.value.is_none() {
            if !it.has_note {
                sink.error_hint(
                    src.loc,
                    format!("`{}` says `source: none` but has no `note:`", it.name),
                    "add a `note:` saying what was assumed, and from where",
                );
            }
            continue;
        }
        for (text, loc) in Sources::located(src) {
            if text == NONE {
                sink.error_hint(
                    loc,
                    "`none` cannot be combined with citations",
                    "keep either",
                );
                continue;
            }
            let c = match cite::parse(text) {
                Ok(c) => c,
                Err(m) => {
                    sink.error_hint(
                        loc,
                        m,
                        "write `<doc>#<heading>`, e.g. `reference#Create order`",
                    );
                    continue;
                }
            };
            let Some(d) = docs.iter().position(|d| d.id == c.doc) else {
                let known: Vec<&str> = spec
                    .provider
                    .docs
                    .iter()
                    .map(|d| d.id.value.as_str())
                    .collect();
                let hint = if known.is_empty() {
                    "declare the doc under `provider.docs` (with `id:` and `file:`)".to_string()
                } else {
                    format!("known docs: {}", crate::diagnostics::one_of(known))
                };
                if !spec.provider.docs.iter().any(|x| x.id.value == c.doc) {
                    sink.error_hint(loc, format!("doc `{}` is not declared", c.doc), hint);
                }
                continue;
            };
            match cite::resolve(&c.path, &docs[d].parts) {
                Ok(p) => cited[i].push((d, p)),
                Err((m, hint)) => sink.error_hint(loc, format!("{m} in doc `{}`", c.doc), hint),
            }
        }
    }
    cited
}

/// Which parts of each doc are covered: cited, inside a cited part's section, or a bare
/// heading (no text of its own) over a covered part.
pub fn covered(docs: &[Doc], cited: &[Vec<PartRef>]) -> Vec<Vec<bool>> {
    let mut cov: Vec<Vec<bool>> = docs.iter().map(|d| vec![false; d.parts.len()]).collect();
    for &(d, p) in cited.iter().flatten() {
        let head = &docs[d].parts[p];
        for (j, other) in docs[d].parts.iter().enumerate() {
            if j == p || head.contains(other) {
                cov[d][j] = true;
            }
        }
    }
    for (d, doc) in docs.iter().enumerate() {
        for (j, part) in doc.parts.iter().enumerate() {
            let bare = !part.path.is_empty() && !part.text.contains('\n');
            if bare
                && doc
                    .parts
                    .iter()
                    .enumerate()
                    .any(|(k, o)| cov[d][k] && part.contains(o))
            {
                cov[d][j] = true;
            }
        }
    }
    cov
}
