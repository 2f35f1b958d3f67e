//! A vendored doc split into parts: each heading starts one, and a part's text runs to the
//! next heading. Markdown is split at `#` headings outside code fences; plain text at the
//! lines that match the doc's heading patterns (one per level).

use regex_lite::Regex;

/// How a doc's headings are found.
#[derive(Debug)]
pub enum Format {
    /// `#`-headings, outside fenced code.
    Markdown,
    /// A line (trimmed) matching pattern `i` is a heading of level `i + 1`.
    Patterns(Vec<Regex>),
}

/// One part of a doc.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The headings above this part, outermost first, then its own. Empty for the text
    /// before the first heading.
    pub path: Vec<String>,
    /// 1-based line of the heading (of the first line for the text before any heading).
    pub line: usize,
    /// The part's own text: its heading line and the lines up to the next heading, with
    /// trailing spaces and surrounding blank lines removed. Moving the part elsewhere in the
    /// file leaves this unchanged.
    pub text: String,
}

impl Part {
    /// The part's own heading (`(start)` for the text before the first heading).
    pub fn heading(&self) -> &str {
        self.path.last().map_or(super::cite::START, String::as_str)
    }

    /// The headings as one line: `Parent > Heading`.
    pub fn title(&self) -> String {
        if self.path.is_empty() {
            return super::cite::START.into();
        }
        self.path.join(" > ")
    }

    /// Whether `other` lies inside this part's section (a heading below it).
    pub fn contains(&self, other: &Part) -> bool {
        other.path.len() > self.path.len() && other.path.starts_with(&self.path)
    }
}

/// The heading of a markdown line, with its level, if the line is one.
fn markdown_heading(line: &str) -> Option<(usize, String)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = line.trim_start();
    let level = rest.bytes().take_while(|b| *b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let after = &rest[level..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let text = after.trim().trim_end_matches('#').trim_end();
    Some((level, text.to_string()))
}

/// A code fence line: three or more backticks (or tildes), and for backticks an info string
/// without backticks (so ```` ```get_wallet/``` ```` is inline code, not a fence).
fn is_fence(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with("~~~") {
        return true;
    }
    let ticks = t.bytes().take_while(|b| *b == b'`').count();
    ticks >= 3 && !t[ticks..].contains('`')
}

/// The heading of each line (level and text), or `None` for body lines.
fn headings(text: &str, format: &Format) -> Vec<Option<(usize, String)>> {
    let mut in_fence = false;
    text.lines()
        .map(|line| match format {
            Format::Markdown => {
                if is_fence(line) {
                    in_fence = !in_fence;
                    return None;
                }
                if in_fence {
                    return None;
                }
                markdown_heading(line)
            }
            Format::Patterns(patterns) => {
                let t = line.trim();
                if t.is_empty() {
                    return None;
                }
                patterns
                    .iter()
                    .position(|p| p.is_match(t))
                    .map(|i| (i + 1, t.to_string()))
            }
        })
        .collect()
}

/// Own text of lines `from..to`: trailing spaces off, blank lines at both ends dropped.
fn body(lines: &[&str], from: usize, to: usize) -> String {
    let kept: Vec<&str> = lines[from..to].iter().map(|l| l.trim_end()).collect();
    let start = kept
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(kept.len());
    let end = kept
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |e| e + 1);
    kept[start..end].join("\n")
}

/// Splits `text` into parts.
pub fn split(text: &str, format: &Format) -> Vec<Part> {
    let lines: Vec<&str> = text.lines().collect();
    let heads = headings(text, format);
    let starts: Vec<usize> = heads
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.as_ref().map(|_| i))
        .collect();
    let mut parts = Vec::new();
    let first = starts.first().copied().unwrap_or(lines.len());
    let preamble = body(&lines, 0, first);
    if !preamble.is_empty() {
        parts.push(Part {
            path: Vec::new(),
            line: 1,
            text: preamble,
        });
    }
    // The open headings: (level, text).
    let mut stack: Vec<(usize, String)> = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let Some((level, heading)) = heads[start].clone() else {
            continue;
        };
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            stack.pop();
        }
        stack.push((level, heading));
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        parts.push(Part {
            path: stack.iter().map(|(_, h)| h.clone()).collect(),
            line: start + 1,
            text: body(&lines, start, end),
        });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(parts: &[Part]) -> Vec<String> {
        parts.iter().map(Part::title).collect()
    }

    #[test]
    fn markdown_headings_nest_and_fenced_hashes_are_code() {
        let text = "intro\n\n# API\n\n## Create\ntext\n```\n# not a heading\n```\n### Example\n\n## List\n#hashtag\n";
        let parts = split(text, &Format::Markdown);
        assert_eq!(
            titles(&parts),
            [
                "(start)",
                "API",
                "API > Create",
                "API > Create > Example",
                "API > List"
            ]
        );
        assert_eq!(parts[2].text, "## Create\ntext\n```\n# not a heading\n```");
        assert_eq!(parts[2].line, 5);
        assert!(parts[1].contains(&parts[3]) && !parts[3].contains(&parts[1]));
    }

    #[test]
    fn inline_code_on_its_own_line_is_not_a_fence() {
        let text =
            "### 1. Get\n   ```get/```\n   ```\n   {}\n```\n### 2. Update\n   ```update/```\n";
        let parts = split(text, &Format::Markdown);
        assert_eq!(titles(&parts), ["1. Get", "2. Update"]);
    }

    #[test]
    fn patterns_give_levels_in_order() {
        let f = Format::Patterns(vec![
            Regex::new("^POST https://").unwrap(),
            Regex::new("^(Ответ|Пример запроса)$").unwrap(),
        ]);
        let text = "Header\nPOST https://x/a/ (A)\nПример запроса\n{}\nОтвет\nok\nPOST https://x/b/\nОтвет  \n";
        let parts = split(text, &f);
        assert_eq!(
            titles(&parts),
            [
                "(start)",
                "POST https://x/a/ (A)",
                "POST https://x/a/ (A) > Пример запроса",
                "POST https://x/a/ (A) > Ответ",
                "POST https://x/b/",
                "POST https://x/b/ > Ответ"
            ]
        );
        assert_eq!(parts[3].text, "Ответ\nok");
    }

    #[test]
    fn moving_text_keeps_each_parts_text() {
        let a = "# A\none\n\n# B\ntwo\n";
        let b = "\n\n# B\ntwo\n\n\n# A\none   \n";
        let key = |p: &[Part]| {
            let mut v: Vec<(String, String)> =
                p.iter().map(|x| (x.title(), x.text.clone())).collect();
            v.sort();
            v
        };
        assert_eq!(
            key(&split(a, &Format::Markdown)),
            key(&split(b, &Format::Markdown))
        );
    }
}
