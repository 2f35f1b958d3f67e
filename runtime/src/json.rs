//! JSON compared digit for digit: [`canonical`] reads a document into a [`Canon`] that keeps
//! numbers as written and orders object members by key, so two documents are equal exactly
//! when they carry the same values (`10.50` and `10.5` differ; member order does not
//! matter). Generated crates' example tests compare the docs' examples with re-encoded
//! values this way.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

/// A JSON value with numbers kept as written and members ordered by key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Canon {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Canon>),
    /// An object.
    Object(BTreeMap<String, Canon>),
}

/// The canonical form of a JSON document, or `None` if it is not JSON.
pub fn canonical(text: &str) -> Option<Canon> {
    let raw: &RawValue = serde_json::from_str(text).ok()?;
    canon_raw(raw)
}

fn canon_raw(raw: &RawValue) -> Option<Canon> {
    let t = raw.get().trim();
    Some(match t.as_bytes().first()? {
        b'{' => {
            let m: BTreeMap<String, &RawValue> = serde_json::from_str(t).ok()?;
            Canon::Object(
                m.into_iter()
                    .map(|(k, v)| Some((k, canon_raw(v)?)))
                    .collect::<Option<_>>()?,
            )
        }
        b'[' => {
            let v: Vec<&RawValue> = serde_json::from_str(t).ok()?;
            Canon::Array(v.into_iter().map(canon_raw).collect::<Option<_>>()?)
        }
        b'"' => Canon::String(serde_json::from_str(t).ok()?),
        b't' => Canon::Bool(true),
        b'f' => Canon::Bool(false),
        b'n' => Canon::Null,
        _ => Canon::Number(t.to_string()),
    })
}

/// The text of a member of a JSON object (`null` when absent), or `None` if `text` is not
/// an object.
pub fn member(text: &str, key: &str) -> Option<String> {
    let m: BTreeMap<String, &RawValue> = serde_json::from_str(text).ok()?;
    Some(
        m.get(key)
            .map_or_else(|| "null".into(), |v| v.get().to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_digits_and_members_their_values_in_any_order() {
        let a = canonical(r#"{"b": [1.50, true, null], "a": {"x": "y"}}"#);
        let b = canonical(r#"{"a":{"x":"y"},"b":[1.50,true,null]}"#);
        assert_eq!(a, b);
        assert_ne!(canonical("1.50"), canonical("1.5"));
        assert_ne!(canonical(r#"["1"]"#), canonical("[1]"));
        assert_ne!(canonical("false"), canonical("true"));
        assert_eq!(
            canonical(r#"[false, "a\u0062", -2e3]"#),
            Some(Canon::Array(vec![
                Canon::Bool(false),
                Canon::String("ab".into()),
                Canon::Number("-2e3".into())
            ]))
        );
        assert_eq!(canonical("null"), Some(Canon::Null));
        assert_eq!(canonical("{"), None);
        assert_eq!(canonical(""), None);
    }

    #[test]
    fn members_are_read_as_written() {
        let doc = r#"{"data": {"id": 1.0}, "n": null}"#;
        assert_eq!(member(doc, "data").as_deref(), Some(r#"{"id": 1.0}"#));
        assert_eq!(member(doc, "n").as_deref(), Some("null"));
        assert_eq!(member(doc, "absent").as_deref(), Some("null"));
        assert_eq!(member("[1]", "data"), None);
    }
}

/// Whether `text` is a JSON number as RFC 8259 writes it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub fn is_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(c) if c.is_ascii_digit() => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod number_tests {
    use super::is_number;

    #[test]
    fn json_number_syntax() {
        for ok in ["0", "-0", "12", "1.50", "6.9e+16", "1E5", "-0.5e-3"] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in [
            "", "-", "00", "000990", "+5", ".5", "5.", "1e", "1e+", "0x10", "1 ", "NaN",
        ] {
            assert!(!is_number(bad), "{bad}");
        }
    }
}
