//! Citations: `doc#Heading` or `doc#Parent > Heading`, resolved to one part of a vendored
//! doc. A segment matches a heading when, ignoring case, runs of spaces and a trailing `:`,
//! it is the heading or the heading's first words (so `reference#POST
//! https://tegro.money/api/order/` finds a heading that goes on with a description).

use super::parts::Part;

/// How the text before a doc's first heading is cited (and listed).
pub const START: &str = "(start)";

/// A parsed citation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    pub doc: String,
    /// Headings, outermost first; the last one names the part.
    pub path: Vec<String>,
}

/// Reads `doc#A > B`; the error says what is wrong.
pub fn parse(text: &str) -> Result<Citation, String> {
    let Some((doc, rest)) = text.split_once('#') else {
        return Err(format!("`{text}` is not a citation: no `#`"));
    };
    let doc = doc.trim();
    if doc.is_empty() {
        return Err(format!("`{text}` names no doc before `#`"));
    }
    let path: Vec<String> = rest.split(" > ").map(|s| s.trim().to_string()).collect();
    if path.iter().any(String::is_empty) {
        return Err(format!("`{text}` has an empty heading"));
    }
    Ok(Citation {
        doc: doc.to_string(),
        path,
    })
}

fn norm(s: &str) -> String {
    let lower = s.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words.join(" ").trim_end_matches(':').trim_end().to_string()
}

/// Whether citation segment `seg` names `heading`: the whole heading, or its first words.
pub fn names(seg: &str, heading: &str) -> bool {
    let (s, h) = (norm(seg), norm(heading));
    if s == h {
        return true;
    }
    h.strip_prefix(&s)
        .is_some_and(|rest| rest.starts_with([' ', '(', ':', ',', '.', '—', '-']))
}

/// The parts `path` names: the last segment names the part's heading, the others name
/// headings above it, in order.
pub fn matches<'p>(path: &[String], parts: &'p [Part]) -> Vec<(usize, &'p Part)> {
    let Some((last, above)) = path.split_last() else {
        return Vec::new();
    };
    // `doc#(start)` is the text before the first heading.
    if above.is_empty() && last == START {
        return parts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.path.is_empty())
            .collect();
    }
    parts
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            let Some((own, ancestors)) = p.path.split_last() else {
                return false;
            };
            if !names(last, own) {
                return false;
            }
            // Each earlier segment names a heading above, in order.
            let mut it = ancestors.iter();
            above.iter().all(|seg| it.any(|h| names(seg, h)))
        })
        .collect()
}

/// The one part `path` names, or why there is none.
pub fn resolve(path: &[String], parts: &[Part]) -> Result<usize, (String, String)> {
    let found = matches(path, parts);
    match found.as_slice() {
        [(i, _)] => Ok(*i),
        [] => {
            let last = path.last().map(String::as_str).unwrap_or("");
            let headings = parts
                .iter()
                .filter(|p| !p.path.is_empty())
                .map(Part::heading);
            let hint = match crate::diagnostics::did_you_mean(last, headings) {
                Some(h) => format!("did you mean `{h}`?"),
                None => {
                    "cite a heading of the doc; `payspec lock` writes every part to the lock file"
                        .to_string()
                }
            };
            Err((
                format!("no part of the doc is headed `{}`", path.join(" > ")),
                hint,
            ))
        }
        many => {
            let list: Vec<String> = many
                .iter()
                .take(4)
                .map(|(_, p)| format!("`{}` (line {})", p.title(), p.line))
                .collect();
            Err((
                format!(
                    "`{}` names {} parts: {}",
                    path.join(" > "),
                    many.len(),
                    list.join(", ")
                ),
                "add the heading above it: `Parent > Heading`".to_string(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(path: &[&str]) -> Part {
        Part {
            path: path.iter().map(|s| s.to_string()).collect(),
            line: 1,
            text: String::new(),
        }
    }

    #[test]
    fn citations_parse() {
        assert_eq!(
            parse("ref#A > B").unwrap(),
            Citation {
                doc: "ref".into(),
                path: vec!["A".into(), "B".into()]
            }
        );
        assert!(parse("ref").is_err());
        assert!(parse("#A").is_err());
        assert!(parse("ref#A >  > B").is_err());
    }

    #[test]
    fn headings_match_whole_or_by_first_words() {
        assert!(names("Создать счет на оплату", "Создать счет на оплату:"));
        assert!(names(
            "post https://x/order/",
            "POST https://x/order/ (Получение)"
        ));
        assert!(!names("POST https://x/order", "POST https://x/orders/"));
        assert!(!names("POST https://x/order/", "POST https://x/orders/"));
        assert!(names("1. Get  wallet", "1. Get wallet"));
    }

    #[test]
    fn a_repeated_heading_needs_its_parent() {
        let parts = vec![
            part(&["Create"]),
            part(&["Create", "Answer"]),
            part(&["List"]),
            part(&["List", "Answer"]),
        ];
        assert_eq!(resolve(&["Create".into()], &parts), Ok(0));
        assert_eq!(resolve(&["List".into(), "Answer".into()], &parts), Ok(3));
        let mut with_start = parts.clone();
        with_start.insert(0, part(&[]));
        assert_eq!(resolve(&[START.into()], &with_start), Ok(0));
        let (msg, hint) = resolve(&["Answer".into()], &parts).unwrap_err();
        assert!(msg.contains("names 2 parts"), "{msg}");
        assert!(hint.contains("Parent > Heading"));
        let (msg, _) = resolve(&["Delete".into()], &parts).unwrap_err();
        assert!(msg.contains("no part"), "{msg}");
    }
}
