//! Values the spec writes with placeholders (`{now}`, `{id}`, `{credential.key}`,
//! `{amount}`, `{base_url}`) filled from a record, and converted to the wire form of a kind.

use std::collections::HashMap;
use std::sync::Mutex;

use rust_decimal::Decimal;

use super::engine::Config;
use super::tables::*;
use super::value::V;

/// A JSON value written in the spec tables, parsed once and kept for the process (the
/// tables are static, so there are only so many). Looked up by the text's address and length:
/// the same `&'static str` is the same text, and no text is hashed.
pub(super) fn spec_value(text: &'static str) -> &'static V {
    type Cache = HashMap<(usize, usize), &'static V, foldhash::fast::RandomState>;
    static CACHE: std::sync::OnceLock<Mutex<Cache>> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(Cache::default()));
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    map.entry((text.as_ptr() as usize, text.len()))
        .or_insert_with(|| Box::leak(Box::new(V::from_spec(text))))
}

/// Resolves placeholders in a spec value against a record.
pub(super) fn fill(v: &V, rec: &V, config: &Config, amount: Option<&V>, kind: Option<Kind>) -> V {
    match v {
        // No placeholder: the text as written.
        V::Str(s) if !s.as_bytes().contains(&b'{') => V::Str(s.clone()),
        V::Str(s) => {
            let whole = s
                .strip_prefix('{')
                .and_then(|x| x.strip_suffix('}'))
                .filter(|x| !x.contains('{'));
            if let Some(name) = whole
                && let Some(val) = placeholder(name, rec, config, amount, kind)
            {
                return match kind {
                    Some(k) => coerce(&val, &k),
                    None => val,
                };
            }
            let mut out = String::with_capacity(s.len() + 64);
            let mut rest = s.as_str();
            while let Some(open) = rest.bytes().position(|b| b == b'{') {
                let Some(close) = rest[open..].bytes().position(|b| b == b'}') else {
                    break;
                };
                out.push_str(&rest[..open]);
                let name = &rest[open + 1..open + close];
                if !push_placeholder(&mut out, name, rec, config, amount) {
                    out.push_str(&rest[open..=open + close]);
                }
                rest = &rest[open + close + 1..];
            }
            out.push_str(rest);
            V::Str(out)
        }
        V::Arr(items) => V::Arr(
            items
                .iter()
                .map(|i| fill(i, rec, config, amount, None))
                .collect(),
        ),
        V::Obj(m) => V::Obj(
            m.iter()
                .map(|(k, x)| (k.clone(), fill(x, rec, config, amount, None)))
                .collect(),
        ),
        other => match kind {
            Some(k) => coerce(other, &k),
            None => other.clone(),
        },
    }
}

/// What a placeholder names, borrowed where it already exists.
enum Found<'a> {
    /// A value made for this placeholder (`{now}`).
    Made(V),
    /// A value of the record or the `amount` given.
    Value(&'a V),
    /// Text of the configuration (`{base_url}`, `{credential.key}`).
    Text(&'a str),
}

fn find<'a>(
    name: &str,
    rec: &'a V,
    config: &'a Config,
    amount: Option<&'a V>,
    kind: Option<Kind>,
) -> Option<Found<'a>> {
    Some(match name {
        "now" => Found::Made(now_value(&kind.unwrap_or(Kind::DateTime("rfc3339")))),
        "base_url" => Found::Text(&config.base_url),
        "amount" => Found::Value(amount.or_else(|| rec.get("amount"))?),
        _ => match name.strip_prefix("credential.") {
            Some(c) => Found::Text(config.credentials.get(c)?),
            None => Found::Value(rec.get(name)?),
        },
    })
}

pub(super) fn placeholder(
    name: &str,
    rec: &V,
    config: &Config,
    amount: Option<&V>,
    kind: Option<Kind>,
) -> Option<V> {
    Some(match find(name, rec, config, amount, kind)? {
        Found::Made(v) => v,
        Found::Value(v) => v.clone(),
        Found::Text(t) => V::Str(t.to_string()),
    })
}

/// Appends the text of a placeholder inside a longer text (what [`placeholder`] gives,
/// without copying it into a value first); `false` when it has none.
fn push_placeholder(
    out: &mut String,
    name: &str,
    rec: &V,
    config: &Config,
    amount: Option<&V>,
) -> bool {
    match find(name, rec, config, amount, None) {
        Some(Found::Made(v)) => out.push_str(&v.text_ref()),
        Some(Found::Value(v)) => out.push_str(&v.text_ref()),
        Some(Found::Text(t)) => out.push_str(t),
        None => return false,
    }
    true
}

pub(super) fn build(
    entries: &[(&'static str, &'static str)],
    rec: &V,
    config: &Config,
    amount: Option<&V>,
) -> V {
    V::Obj(
        entries
            .iter()
            .map(|(k, v)| ((*k).into(), fill(spec_value(v), rec, config, amount, None)))
            .collect(),
    )
}

/// [`build`] from values already parsed.
pub(super) fn build_parsed(entries: &[(&'static str, &'static V)], rec: &V, config: &Config) -> V {
    V::Obj(
        entries
            .iter()
            .map(|(k, v)| ((*k).into(), fill(v, rec, config, None, None)))
            .collect(),
    )
}

pub(super) fn set_path(target: &mut V, path: &str, value: V) {
    match path.split_once('.') {
        None => target.set(path.to_string(), value),
        Some((head, rest)) => {
            let mut inner = target.get(head).cloned().unwrap_or(V::Obj(Vec::new()));
            set_path(&mut inner, rest, value);
            target.set(head.to_string(), inner);
        }
    }
}

thread_local! {
    static FROZEN_NOW: std::cell::Cell<Option<time::OffsetDateTime>> = const { std::cell::Cell::new(None) };
}

/// One instant per request: every `{now}` of one request or event (a record's `created_at`
/// and `updated_at`, say) is the same time. The engine's handlers are synchronous, so the
/// instant lives in a thread-local for the guard's lifetime.
pub(super) struct Instant;

impl Instant {
    pub(super) fn freeze() -> Instant {
        FROZEN_NOW.with(|c| c.set(Some(time::OffsetDateTime::now_utc())));
        Instant
    }
}

impl Drop for Instant {
    fn drop(&mut self) {
        FROZEN_NOW.with(|c| c.set(None));
    }
}

thread_local! {
    /// The last `{now}` written in a format without parts below the second, with its second:
    /// every record created in that second shows the same text, formatted once.
    static LAST_NOW: std::cell::RefCell<Option<(&'static str, i64, String)>> =
        const { std::cell::RefCell::new(None) };
}

pub(super) fn now_value(kind: &Kind) -> V {
    let now = FROZEN_NOW
        .with(|c| c.get())
        .unwrap_or_else(time::OffsetDateTime::now_utc);
    let text = match kind {
        Kind::Date(f) | Kind::DateTime(f) if *f != "rfc3339" => {
            let second = now.unix_timestamp();
            let same =
                |(g, s, _): &(&'static str, i64, String)| std::ptr::eq(*g, *f) && *s == second;
            if let Some(text) = LAST_NOW
                .with_borrow(|last| last.as_ref().filter(|l| same(l)).map(|(_, _, t)| t.clone()))
            {
                return V::Str(text);
            }
            let text = crate::wire::format_items(f)
                .and_then(|items| now.format(&items).ok())
                .unwrap_or_default();
            // `[subsecond]`, or a Unix timestamp finer than seconds, changes within a second.
            if !f.contains("subsecond") && !f.contains("precision") {
                LAST_NOW.set(Some((f, second, text.clone())));
            }
            text
        }
        _ => now
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    };
    V::Str(text)
}

/// Converts a value to the wire form of `kind` (numbers as strings or numbers, etc.).
pub(super) fn coerce(v: &V, kind: &Kind) -> V {
    match (kind, v) {
        (Kind::Integer(w) | Kind::Decimal(w), V::Num(t) | V::Str(t)) => match w {
            // A decimal string never carries an exponent: `6.9e16` is written out in digits.
            Wire::String | Wire::StringOrNumber if t.contains(['e', 'E']) => {
                match crate::wire::parse_decimal(t) {
                    Ok(d) => V::Str(d.normalize().to_string()),
                    Err(_) => V::Str(t.clone()),
                }
            }
            Wire::String | Wire::StringOrNumber => V::Str(t.clone()),
            // Written as a JSON number: text that is not one (`000990`, `+5`, `.5`) is
            // written out from its value.
            Wire::Number | Wire::NumberOrString => match crate::wire::parse_decimal(t) {
                Ok(_) if crate::json::is_number(t) => V::Num(t.to_string()),
                Ok(d) => V::Num(d.to_string()),
                Err(_) => V::Str(t.clone()),
            },
        },
        (Kind::String | Kind::Date(_) | Kind::DateTime(_), V::Num(t)) => V::Str(t.clone()),
        (Kind::Bool, V::Str(t)) => V::Bool(t == "true" || t == "1"),
        (Kind::Named(_), V::Str(t)) if t.parse::<i64>().is_ok() => V::Num(t.clone()),
        _ => v.clone(),
    }
}

/// A decimal sum in the wire form of `kind`.
pub(super) fn number(d: Decimal, kind: Option<Kind>) -> V {
    let text = d.to_string();
    match kind {
        Some(Kind::Decimal(Wire::String | Wire::StringOrNumber))
        | Some(Kind::Integer(Wire::String | Wire::StringOrNumber)) => V::Str(text),
        _ => V::Num(text),
    }
}
