//! The mock's JSON reader (`mock::value::V`: numbers kept as their text, members kept in
//! order, the member and depth limits on top) tested against plain `serde_json::Value` as
//! the oracle: on JSON-like text (valid documents, and the same with one byte changed, removed
//! or inserted) both accept or both refuse, and what they accept has the same value —
//! objects with the same members in the same order (a repeated key: the last one counts),
//! strings equal, numbers equal as doubles (within serde_json's rounding).
//!
//! Then, on documents from a model with every spelling JSON allows (escapes of every kind,
//! surrogate pairs, numbers of every shape, whitespace), damaged ones and arbitrary bytes:
//! a valid document reads as its model; the reader accepts exactly what serde_json accepts,
//! and what it reads renders to text serde_json reads as the same value; and under any
//! limits it answers exactly as the reader built on serde_json it replaced (`previous`),
//! errors, member order, static names and string capacity included.
#![cfg(feature = "mock")]

#[path = "json_reader/previous.rs"]
mod previous;

use payspec_runtime::mock::value::V;
use payspec_runtime::value::Key;
use proptest::prelude::*;

/// A JSON document as text, from a small grammar with awkward corners: escapes, surrogate
/// pairs, exponents, zeros, nesting, repeated keys, whitespace.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        (any::<i32>()).prop_map(|n| n.to_string()),
        (any::<i16>(), 0u32..1000, -30i32..30).prop_map(|(i, f, e)| format!("{i}.{f}e{e}")),
        Just("0".to_string()),
        Just("-0.0".to_string()),
        Just("1E+2".to_string()),
        "[a-zA-Z0-9 é€😀]{0,8}".prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        Just(r#""\ud83d\ude00 \u00e9 \n \" \\ \/""#.to_string()),
        Just(r#""\u0041\u20AC""#.to_string()),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-c]{1,2}", inner), 0..5).prop_map(|kv| {
                let members: Vec<String> = kv
                    .into_iter()
                    .map(|(k, v)| format!("\"{k}\" : {v}"))
                    .collect();
                format!("{{ {} }}", members.join(", "))
            }),
        ]
    })
}

/// The text with one byte changed, removed or inserted at `at`.
fn mutate(text: &str, at: usize, op: u8, byte: u8) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    if b.is_empty() {
        return vec![byte];
    }
    let i = at % b.len();
    match op % 3 {
        0 => b[i] = byte,
        1 => {
            b.remove(i);
        }
        _ => b.insert(i, byte),
    }
    b
}

/// Whether `v` (ours) and `o` (serde_json's) are the same value.
fn same(v: &V, o: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (v, o) {
        (V::Null, J::Null) => true,
        (V::Bool(a), J::Bool(b)) => a == b,
        (V::Str(a), J::String(b)) => a == b,
        // serde_json's default float parsing may be off by an ulp (it is not correctly
        // rounded without its `float_roundtrip` feature); ours keeps the text.
        (V::Num(t), J::Number(n)) => match (t.parse::<f64>(), n.as_f64()) {
            (Ok(a), Some(b)) => {
                a == b || (a - b).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs())
            }
            _ => false,
        },
        (V::Arr(a), J::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (V::Obj(a), J::Object(b)) => {
            // Last one wins for a repeated key, as in serde_json's map.
            let mut last: Vec<(&str, &V)> = Vec::new();
            for (k, x) in a {
                match last.iter_mut().find(|(lk, _)| *lk == k.as_ref()) {
                    Some(slot) => slot.1 = x,
                    None => last.push((k.as_ref(), x)),
                }
            }
            last.len() == b.len()
                && last
                    .iter()
                    .all(|(k, x)| b.get(*k).is_some_and(|y| same(x, y)))
        }
        _ => false,
    }
}

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let ours = V::parse(bytes);
    let oracle = serde_json::from_slice::<serde_json::Value>(bytes);
    // serde_json refuses numbers beyond a double; ours keeps their text (the checks of the
    // field's type refuse them later). Such inputs are not compared.
    if let Err(e) = &oracle
        && e.to_string().contains("number out of range")
    {
        return Ok(());
    }
    match (&ours, &oracle) {
        (Some(v), Ok(o)) => prop_assert!(
            same(v, o),
            "{}: ours {v:?}, serde_json {o}",
            String::from_utf8_lossy(bytes)
        ),
        (None, Err(_)) => {}
        (Some(v), Err(e)) => prop_assert!(
            false,
            "{}: we accept {v:?}, serde_json refuses: {e}",
            String::from_utf8_lossy(bytes)
        ),
        (None, Ok(o)) => prop_assert!(
            false,
            "{}: we refuse, serde_json reads {o}",
            String::from_utf8_lossy(bytes)
        ),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn valid_documents_read_the_same(text in json_text()) {
        check(text.as_bytes())?;
    }

    #[test]
    fn damaged_documents_are_refused_or_read_the_same(text in json_text(), at in any::<usize>(), op in any::<u8>(), byte in prop::sample::select(b"{}[]\",:\\0123456789.eE+-tfnu \t\nxa".to_vec())) {
        check(&mutate(&text, at, op, byte))?;
    }
}

// ---------------------------------------------------------------------------------------------
// Documents from a model, in every spelling

/// A number of any shape the grammar allows: zeros, long digits, exponents with either
/// letter, a sign or none, and leading zeros in them.
fn number() -> impl Strategy<Value = String> {
    let int = prop_oneof![Just("0".to_string()), "[1-9][0-9]{0,24}"];
    let frac = prop::option::of("[0-9]{1,6}");
    let exp = prop::option::of(("[eE]", "[+-]?", "[0-9]{1,4}"));
    (any::<bool>(), int, frac, exp).prop_map(|(minus, int, frac, exp)| {
        let mut n = format!("{}{int}", if minus { "-" } else { "" });
        if let Some(f) = frac {
            n = format!("{n}.{f}");
        }
        if let Some((e, sign, digits)) = exp {
            n = format!("{n}{e}{sign}{digits}");
        }
        n
    })
}

/// Text with the characters strings get wrong: quotes, backslashes, slashes, controls, DEL,
/// two-, three- and four-byte characters, the last of the planes, line separators.
fn nasty_text() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '"',
        '\\',
        '/',
        '\u{0}',
        '\u{8}',
        '\u{c}',
        '\n',
        '\r',
        '\t',
        '\u{1f}',
        ' ',
        '\u{7f}',
        '\u{80}',
        'é',
        '€',
        '\u{2028}',
        '\u{d7ff}',
        '\u{e000}',
        '\u{fffd}',
        '\u{ffff}',
        '😀',
        '\u{10000}',
        '\u{10ffff}',
    ]);
    let c = prop_oneof![3 => prop::char::range('a', 'e'), 3 => special, 1 => any::<char>()];
    prop::collection::vec(c, 0..8).prop_map(String::from_iter)
}

/// A document's value (keys short, so that some repeat).
fn model() -> impl Strategy<Value = V> {
    let leaf = prop_oneof![
        Just(V::Null),
        any::<bool>().prop_map(V::Bool),
        number().prop_map(V::Num),
        nasty_text().prop_map(V::Str),
    ];
    let key = prop_oneof![3 => "[ab]{1,2}", 1 => nasty_text()];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(V::Arr),
            prop::collection::vec((key.clone().prop_map(Key::from), inner), 0..6).prop_map(V::Obj),
        ]
    })
}

/// Choices for the spelling: taken in turn, round and round.
struct Spelling<'c>(std::iter::Cycle<std::slice::Iter<'c, u8>>);

impl Spelling<'_> {
    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        let n = usize::from(self.0.next().copied().unwrap_or(0));
        options[n % options.len()]
    }

    fn space(&mut self, out: &mut String) {
        out.push_str(self.pick(&["", "", "", " ", "\n", "\t", "\r\n ", "  \t"]));
    }

    fn string(&mut self, s: &str, out: &mut String) {
        out.push('"');
        for c in s.chars() {
            let upper = self.pick(&["lower", "upper"]) == "upper";
            let u = |unit: u32| {
                if upper {
                    format!("\\u{unit:04X}")
                } else {
                    format!("\\u{unit:04x}")
                }
            };
            let escaped = match c {
                '\u{10000}'.. => {
                    let v = u32::from(c) - 0x10000;
                    format!("{}{}", u(0xd800 + (v >> 10)), u(0xdc00 + (v & 0x3ff)))
                }
                _ => u(u32::from(c)),
            };
            let short = match c {
                '"' => "\\\"",
                '\\' => "\\\\",
                '/' => "\\/",
                '\u{8}' => "\\b",
                '\u{c}' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => "",
            };
            let raw = !matches!(c, '"' | '\\' | '\u{0}'..='\u{1f}');
            // The form picked, or else the first of short, raw, `\u` the character has.
            match self.pick(&["raw", "raw", "short", "u"]) {
                "raw" if raw => out.push(c),
                "short" if !short.is_empty() => out.push_str(short),
                "u" => out.push_str(&escaped),
                _ if !short.is_empty() => out.push_str(short),
                _ if raw => out.push(c),
                _ => out.push_str(&escaped),
            }
        }
        out.push('"');
    }

    fn value(&mut self, v: &V, out: &mut String) {
        self.space(out);
        match v {
            V::Null | V::Bool(_) | V::Num(_) => out.push_str(&v.to_json()),
            V::Str(s) => self.string(s, out),
            V::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.value(item, out);
                }
                self.space(out);
                out.push(']');
            }
            V::Obj(members) => {
                out.push('{');
                for (i, (k, item)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.space(out);
                    self.string(k, out);
                    self.space(out);
                    out.push(':');
                    self.value(item, out);
                }
                self.space(out);
                out.push('}');
            }
        }
        self.space(out);
    }
}

/// The model written out in the spelling the choices make.
fn spell(v: &V, choices: &[u8]) -> String {
    let mut out = String::new();
    Spelling(choices.iter().cycle()).value(v, &mut out);
    out
}

/// Bytes to damage text with: JSON's punctuation, digits, escapes, and bytes that are not
/// UTF-8 (continuations, lead bytes, an encoded surrogate's first byte, the invalid ones).
const DAMAGE: &[u8] =
    b"{}[]\",:\\/0123456789.eE+-tfnulu \t\n\r\x0b\x0cx\x00\x1f\x7f\x80\xbf\xc3\xe2\xed\xf0\xf5\xff";

/// The text with a few edits, each one byte changed, removed or inserted, or the text cut.
fn damage(text: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut b = text.to_vec();
    for &(at, op, byte) in edits {
        let i = if b.is_empty() { 0 } else { at % b.len() };
        match op % 4 {
            0 if i < b.len() => b[i] = byte,
            1 if i < b.len() => {
                b.remove(i);
            }
            2 => b.truncate(i),
            _ => b.insert(i, byte),
        }
    }
    b
}

/// Names the reader is told it knows.
fn known(name: &str) -> Option<&'static str> {
    ["a", "b", "é", "\"\\"].into_iter().find(|k| *k == name)
}

/// Which member names, in order, are static text rather than copies.
fn borrowed(v: &V, out: &mut Vec<bool>) {
    match v {
        V::Arr(items) => items.iter().for_each(|item| borrowed(item, out)),
        V::Obj(members) => {
            for (k, item) in members {
                out.push(matches!(k, Key::Borrowed(_)));
                borrowed(item, out);
            }
        }
        _ => {}
    }
}

/// The reader against serde_json and against the reader it replaced, on any bytes and
/// under the given limits.
fn agree(bytes: &[u8], members: usize, depth: u32) -> Result<(), TestCaseError> {
    let shown = String::from_utf8_lossy(bytes);
    // Without limits: accepted exactly when serde_json accepts (numbers beyond a double
    // aside: serde_json refuses them, we keep their text), and the value read renders to
    // text that serde_json reads as it read the input.
    let ours = V::parse(bytes);
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Err(e) if e.to_string().contains("number out of range") => {}
        Err(e) => prop_assert!(
            ours.is_none(),
            "{shown:?}: we accept, serde_json refuses: {e}"
        ),
        Ok(oracle) => {
            let Some(v) = &ours else {
                return Err(TestCaseError::fail(format!(
                    "{shown:?}: we refuse, serde_json reads {oracle}"
                )));
            };
            let again: serde_json::Value = serde_json::from_str(&v.to_json()).map_err(|e| {
                TestCaseError::fail(format!("{shown:?}: our {} is not JSON: {e}", v.to_json()))
            })?;
            prop_assert_eq!(again, oracle, "{:?}", shown);
        }
    }
    // Under limits, with names it knows: the same answer as before, to the last detail.
    for (members, depth) in [(usize::MAX, 128), (members, depth)] {
        let new = V::read_known(bytes, members, depth, &known);
        let old = previous::read(bytes, members, depth, &known);
        prop_assert_eq!(
            &new,
            &old,
            "{:?} within {} members, {} levels",
            shown,
            members,
            depth
        );
        if let (Ok(new), Ok(old)) = (&new, &old) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            borrowed(new, &mut a);
            borrowed(old, &mut b);
            prop_assert_eq!(a, b, "static names in {:?}", shown);
            prop_assert_eq!(new.weight(), old.weight(), "weight of {:?}", shown);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// A valid document, however spelt, reads as its model: numbers as written, strings
    /// decoded, members in order with their repeats; and it agrees with the oracles.
    #[test]
    fn spelt_documents_read_as_their_model(v in model(), choices in prop::collection::vec(any::<u8>(), 1..64), members in 0usize..5, depth in 0u32..6) {
        let text = spell(&v, &choices);
        prop_assert_eq!(V::parse(text.as_bytes()).map(|r| r.to_json()), Some(v.to_json()), "{:?}", text);
        agree(text.as_bytes(), members, depth)?;
    }

    /// Damaged, a document is refused or read as serde_json and the previous reader read it.
    #[test]
    fn damaged_spelt_documents_agree(v in model(), choices in prop::collection::vec(any::<u8>(), 1..64), edits in prop::collection::vec((any::<usize>(), any::<u8>(), prop::sample::select(DAMAGE)), 1..4), members in 0usize..5, depth in 0u32..6) {
        agree(&damage(spell(&v, &choices).as_bytes(), &edits), members, depth)?;
    }

    /// Any bytes, and any text of JSON's own characters.
    #[test]
    fn arbitrary_bytes_agree(bytes in prop_oneof![prop::collection::vec(any::<u8>(), 0..48), prop::collection::vec(prop::sample::select(DAMAGE), 0..48)], members in 0usize..5, depth in 0u32..6) {
        agree(&bytes, members, depth)?;
    }
}
