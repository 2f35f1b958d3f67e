//! Property tests of the spec loader and validator (`spec::load_bytes`): on arbitrary bytes,
//! and on the real specs and fixtures damaged by one byte changed, removed or inserted, or
//! cut short, loading never panics and every failure is a diagnostic with a hint whose
//! `line:col` lies inside the input and renders; what loads builds into IR; the real specs
//! load as they are; and comments appended to lines change nothing but byte offsets (the
//! same spec, the same diagnostics at the same `line:col`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use payspec::diagnostics::Diagnostic;
use payspec::spec::{Loaded, load_bytes};
use proptest::prelude::*;

/// A spec file of the repository: its path (docs are read relative to it) and text.
struct Sample {
    path: String,
    /// The path relative to the repository root, as the pipeline names it.
    relative: String,
    text: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator sits in the repository root")
        .to_path_buf()
}

/// `specs/*.yaml` and `tests/fixtures/*.yaml`, sorted.
fn samples() -> &'static [Sample] {
    static SAMPLES: OnceLock<Vec<Sample>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let root = root();
        let mut out = Vec::new();
        for dir in ["specs", "tests/fixtures"] {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
                .expect("spec folder")
                .map(|e| e.expect("folder entry").path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                .collect();
            paths.sort();
            for p in paths {
                let name = p.file_name().expect("file name").to_string_lossy();
                out.push(Sample {
                    path: p.display().to_string(),
                    relative: format!("{dir}/{name}"),
                    text: std::fs::read_to_string(&p).expect("spec text"),
                });
            }
        }
        out
    })
}

/// Lines as YAML counts them: `\n`, `\r\n` and a lone `\r` each end one.
fn yaml_lines(text: &str) -> usize {
    let b = text.as_bytes();
    let breaks = b
        .iter()
        .enumerate()
        .filter(|(i, c)| **c == b'\n' || (**c == b'\r' && b.get(i + 1) != Some(&b'\n')))
        .count();
    breaks + 1
}

/// Every diagnostic of a failed load: named after the file, located inside the text, with a
/// message and a hint, and rendered with a snippet that names the same position.
fn check_diagnostics(
    file: &str,
    source: &str,
    diags: &[Diagnostic],
    input: &[u8],
) -> Result<(), TestCaseError> {
    prop_assert!(!diags.is_empty(), "a failed load names its problems");
    // The text the diagnostics refer to is the input (lossily decoded when not UTF-8).
    let decoded = String::from_utf8_lossy(input);
    prop_assert_eq!(source, decoded.as_ref());
    let lines = yaml_lines(source);
    for d in diags {
        prop_assert_eq!(&d.file, file);
        prop_assert!(!d.message.trim().is_empty(), "empty message: {d:?}");
        prop_assert!(d.hint.is_some(), "every diagnostic has a hint: {d}");
        prop_assert!(
            d.loc.line >= 1 && d.loc.line as usize <= lines,
            "line {} outside 1..={lines}: {d}",
            d.loc.line
        );
        prop_assert!(d.loc.column >= 1, "column {} < 1: {d}", d.loc.column);
        // No location points past the end of the input.
        prop_assert!(d.loc.offset <= input.len(), "offset past the end: {d:?}");
        let shown = d.render(source);
        let position = format!("{file}:{}:{}", d.loc.line, d.loc.column);
        prop_assert!(shown.contains(&position), "{position} not in {shown}");
    }
    Ok(())
}

/// Loads `bytes` as `file`; checks a failure's diagnostics, and that what loads also builds.
fn load_checked(file: &str, relative: &str, bytes: &[u8]) -> Result<bool, TestCaseError> {
    match load_bytes(file, bytes) {
        Ok(loaded) => {
            // The validator lets nothing through that the IR builder cannot resolve.
            let built = payspec::ir::build(&loaded, relative);
            prop_assert!(
                built.is_ok(),
                "validated but does not build: {:?}",
                built.err()
            );
            Ok(true)
        }
        Err((source, diags)) => {
            check_diagnostics(file, &source, &diags, bytes)?;
            Ok(false)
        }
    }
}

/// `text` with one byte changed, removed or inserted at `at`, or cut at `at`.
fn damage(text: &str, op: u8, at: usize, byte: u8) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    let i = at % (b.len() + 1);
    match op % 4 {
        0 if i < b.len() => b[i] = byte,
        1 if i < b.len() => {
            b.remove(i);
        }
        3 => b.truncate(i),
        _ => b.insert(i, byte),
    }
    b
}

/// Bytes that matter to YAML, or any byte.
fn a_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => prop::sample::select(b":-#[]{}\"'|>&*!%@`?, \n\r\t\\0a".to_vec()),
        1 => any::<u8>(),
    ]
}

/// Text made of YAML's pieces, so random input reaches past the first token.
fn yaml_soup() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "payspec: 1\n",
        "provider:\n",
        "  name: X\n",
        "  crate: x\n",
        "errors:\n",
        "endpoints:\n",
        "types:\n",
        "auth:\n",
        "- ",
        "  ",
        ": ",
        "? ",
        "key",
        "\"q\\u00e9\"",
        "'it''s'",
        "|-\n",
        ">\n",
        "{ a: [1, 2] }",
        "[",
        "]",
        "{",
        "}",
        "&a ",
        "*a",
        "!!str ",
        "%YAML 1.2\n",
        "---\n",
        "...\n",
        "# c\n",
        "\t",
        "\n",
        "é",
        "yes",
        "1e400",
        "-0x1F",
    ]);
    prop::collection::vec(piece, 0..64).prop_map(|v| v.concat())
}

/// Lines (0-based) at whose end a comment changes nothing: full-line comments, and lines
/// whose value ends on the line, outside block scalars, multi-line quoted scalars and flow
/// collections, and not continued by the next line (a multi-line plain scalar).
fn comment_safe_lines(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.split('\n').collect();
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let mut safe = vec![false; lines.len()];
    // Indentation of the line that opened a block scalar, while inside it.
    let mut block: Option<usize> = None;
    // A line holding a plain scalar, and the column its continuation must pass.
    let mut plain: Option<(usize, usize)> = None;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if let Some(parent) = block {
            if t.is_empty() || indent(line) > parent {
                continue;
            }
            block = None;
        }
        if t.is_empty() {
            continue;
        }
        if let Some((opener, col)) = plain {
            if indent(line) > col {
                // A continuation: neither it nor the line it continues may take a comment.
                safe[opener] = false;
                continue;
            }
            plain = None;
        }
        if t.starts_with('#') {
            safe[i] = true;
            continue;
        }
        let Some(s) = scan(line) else {
            // A quote or flow collection left open: nothing from here on is analysed.
            break;
        };
        if s.block_header {
            block = Some(indent(line));
        } else if s.plain_scalar {
            plain = Some((i, s.key_col));
        }
        safe[i] = true;
    }
    safe.iter()
        .enumerate()
        .filter(|(_, s)| **s)
        .map(|(i, _)| i)
        .collect()
}

/// What one line holds, as far as a trailing comment is concerned.
struct LineScan {
    /// The value is `|` or `>` (with indicators): a block scalar follows.
    block_header: bool,
    /// The value is a plain scalar, which the next, more indented line could continue.
    plain_scalar: bool,
    /// The column (0-based) of the innermost key or sequence entry.
    key_col: usize,
}

/// Scans one line outside any multi-line construct; `None` when it leaves a quote or a flow
/// collection open, or is not something this scanner understands.
fn scan(line: &str) -> Option<LineScan> {
    let mut rest = line.trim_start_matches(' ');
    let mut col = line.len() - rest.len();
    let mut key_col = col;
    // Sequence entries: `- - x`.
    while let Some(r) = rest
        .strip_prefix("- ")
        .or(if rest == "-" { Some("") } else { None })
    {
        let r2 = r.trim_start_matches(' ');
        col += rest.len() - r2.len();
        rest = r2;
        key_col = col;
    }
    // The value after `key: `, if the line is a mapping entry with a plain key.
    let value = match find_mapping_colon(rest) {
        Some(at) => {
            key_col = col;
            rest[at + 1..].trim_start_matches(' ')
        }
        None => rest,
    };
    // Strip a trailing comment; find where a quote or flow collection ends.
    let v = value.as_bytes();
    let mut depth = 0i32;
    let mut end = v.len();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < v.len() {
        let c = v[i];
        match quote {
            Some(b'"') if c == b'\\' => i += 1,
            Some(q) if c == q => {
                if q == b'\'' && v.get(i + 1) == Some(&b'\'') {
                    i += 1;
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => match c {
                // A quote opens a scalar only where one starts (not `it's`).
                b'"' | b'\'' if i == 0 || (depth > 0 && starts_scalar(&v[..i])) => quote = Some(c),
                b'[' | b'{' if i == 0 || depth > 0 => depth += 1,
                b']' | b'}' if depth > 0 => depth -= 1,
                b'#' if i == 0 || v[i - 1] == b' ' || v[i - 1] == b'\t' => {
                    end = i;
                    break;
                }
                _ => {}
            },
        }
        i += 1;
    }
    if quote.is_some() || depth != 0 {
        return None;
    }
    let value = value[..end].trim_end();
    let block_header = {
        let b = value.trim_start_matches(['|', '>']);
        b.len() < value.len() && b.chars().all(|c| matches!(c, '-' | '+' | '1'..='9'))
    };
    let plain_scalar = !value.is_empty()
        && !block_header
        && !value.starts_with(['"', '\'', '[', '{', '&', '*', '!']);
    Some(LineScan {
        block_header,
        plain_scalar,
        key_col,
    })
}

/// Whether a scalar starts after `before` inside a flow collection: after `[`, `{`, `,` or
/// `:` and spaces.
fn starts_scalar(before: &[u8]) -> bool {
    let trimmed = before.trim_ascii_end();
    matches!(trimmed.last(), Some(b'[' | b'{' | b',' | b':'))
}

/// Byte index of the `:` that makes `text` a mapping entry (`key:` then a space or the end),
/// for a plain or quoted key.
fn find_mapping_colon(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let start = match b.first() {
        Some(q @ (b'"' | b'\'')) => text[1..].find(char::from(*q)).map(|e| e + 2)?,
        _ => 0,
    };
    (start..b.len()).find(|&i| {
        b[i] == b':'
            && matches!(b.get(i + 1), None | Some(b' '))
            && !text[..i].contains(" #")
            && !text[..i].starts_with(['[', '{'])
    })
}

/// `text` with `# comment`s appended to the given lines.
fn with_comments(text: &str, comments: &[(usize, String)]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    for (i, c) in comments {
        lines[*i].push_str(c);
    }
    lines.join("\n")
}

/// A load's outcome with byte offsets left out (appended comments move them), positions kept.
fn outcome(file: &str, bytes: &[u8]) -> String {
    match load_bytes(file, bytes) {
        Ok(l) => format!("ok {}", without_offsets(&loaded_debug(&l))),
        Err((_, diags)) => {
            let shown: Vec<String> = diags
                .iter()
                .map(|d| {
                    format!(
                        "{}:{} {} [{:?}]",
                        d.loc.line, d.loc.column, d.message, d.hint
                    )
                })
                .collect();
            format!("err {}", shown.join("\n"))
        }
    }
}

fn loaded_debug(l: &Loaded) -> String {
    format!("{:?}\n{:?}\n{:?}", l.spec, l.docs, l.cited)
}

/// Debug text with every `offset: N` removed.
fn without_offsets(debug: &str) -> String {
    const KEY: &str = "offset: ";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find(KEY) {
        out.push_str(&rest[..i]);
        rest = rest[i + KEY.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

/// A comment as one may write it after a value: separated by spaces or a tab.
fn a_comment() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![" #", "  #", "\t#", " # ", "    #"]),
        "[ -~\t\u{a0}-\u{ff}é€😀ü]{0,24}",
    )
        .prop_map(|(sep, body)| format!("{sep}{body}"))
}

/// Variants of the minimal fixture that parse but fail validation, at known places.
fn invalid_variants() -> Vec<(String, String)> {
    let minimal = samples()
        .iter()
        .find(|s| s.relative == "tests/fixtures/minimal.yaml")
        .expect("minimal fixture");
    let edits = [
        ("status: { type: Status }", "status: { type: Statuss }"),
        ("  sandbox_url:", "  sandbox_ulr:"),
        ("path: /payments/{id}", "path: /payments/{id}/{part}"),
    ];
    edits
        .iter()
        .map(|(from, to)| {
            assert_eq!(minimal.text.matches(from).count(), 1, "`{from}` once");
            (minimal.path.clone(), minimal.text.replacen(from, to, 1))
        })
        .collect()
}

#[test]
fn the_real_specs_load_and_build() {
    let samples = samples();
    assert!(
        samples.len() >= 7,
        "specs and fixtures found: {}",
        samples.len()
    );
    for s in samples {
        let loaded = match load_bytes(&s.path, s.text.as_bytes()) {
            Ok(l) => l,
            Err((source, diags)) => {
                let shown: Vec<String> = diags.iter().map(|d| d.render(&source)).collect();
                panic!("{} does not load:\n{}", s.relative, shown.join("\n"));
            }
        };
        assert!(!loaded.spec.endpoints.is_empty(), "{}", s.relative);
        let api = payspec::ir::build(&loaded, &s.relative).expect("builds");
        if s.relative.starts_with("specs/") {
            // Each spec is named after the crate it generates.
            assert_eq!(
                format!("specs/{}.yaml", api.crate_name),
                s.relative,
                "crate name"
            );
        }
    }
}

#[test]
fn the_comment_scanner_finds_most_lines() {
    // The comment property is only as strong as the lines it may touch.
    for s in samples() {
        let safe = comment_safe_lines(&s.text).len();
        let total = s.text.lines().filter(|l| !l.trim().is_empty()).count();
        assert!(
            safe * 2 >= total,
            "{}: {safe} of {total} lines take a comment",
            s.relative
        );
    }
    // And it keeps away from what a comment would change.
    let text = "a: >-\n  text\n  more\nb: plain\n  continued\ne: 'x' # c\nf:\n  - g\n# note\nc: \"open\n  quote\"\nd: 1\n";
    assert_eq!(comment_safe_lines(text), vec![0, 5, 6, 7, 8]);
    let flow = "a: [1,\n  2]\nb: 1\n";
    assert_eq!(comment_safe_lines(flow), Vec::<usize>::new());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_give_diagnostics_inside_the_input(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        load_checked("fuzz.yaml", "fuzz.yaml", &bytes)?;
    }

    #[test]
    fn yaml_like_text_gives_diagnostics_inside_the_input(text in yaml_soup()) {
        load_checked("fuzz.yaml", "fuzz.yaml", text.as_bytes())?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn damaged_specs_give_diagnostics_inside_the_input(
        which in any::<prop::sample::Index>(),
        op in any::<u8>(),
        at in any::<usize>(),
        byte in a_byte(),
    ) {
        let s = which.get(samples());
        let bytes = damage(&s.text, op, at, byte);
        load_checked(&s.path, &s.relative, &bytes)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn comments_change_nothing(
        which in any::<prop::sample::Index>(),
        picks in prop::collection::vec((any::<prop::sample::Index>(), a_comment()), 1..24),
    ) {
        let variants = invalid_variants();
        let all: Vec<(&str, &str, bool)> = samples()
            .iter()
            .map(|s| (s.path.as_str(), s.text.as_str(), true))
            .chain(variants.iter().map(|(p, t)| (p.as_str(), t.as_str(), false)))
            .collect();
        let (path, text, valid) = *which.get(&all);
        let safe = comment_safe_lines(text);
        let comments: Vec<(usize, String)> =
            picks.into_iter().map(|(i, c)| (*i.get(&safe), c)).collect();
        let commented = with_comments(text, &comments);
        let before = outcome(path, text.as_bytes());
        prop_assert_eq!(before.starts_with("ok "), valid, "{}", &before[..before.len().min(300)]);
        let after = outcome(path, commented.as_bytes());
        prop_assert!(before == after, "comments {comments:?} changed the outcome:\n{}", first_difference(&before, &after));
    }
}

/// The first differing line of two outcomes, with some context.
fn first_difference(a: &str, b: &str) -> String {
    let at = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(200);
    let show = |s: &str| {
        s.get(from..(at + 200).min(s.len()))
            .unwrap_or("")
            .to_string()
    };
    format!("before: …{}…\nafter:  …{}…", show(a), show(b))
}
