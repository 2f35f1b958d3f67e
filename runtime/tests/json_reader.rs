//! The mock's JSON reader (`mock::value::V`, serde_json underneath, with numbers kept as
//! their text, members kept in order and the member and depth limits on top) tested against
//! plain `serde_json::Value` as the oracle: on JSON-like text (valid documents, and the same with one byte changed, removed
//! or inserted) both accept or both refuse, and what they accept has the same value —
//! objects with the same members in the same order (a repeated key: the last one counts),
//! strings equal, numbers equal as doubles (within serde_json's rounding).
#![cfg(feature = "mock")]

use payspec_runtime::mock::value::V;
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
