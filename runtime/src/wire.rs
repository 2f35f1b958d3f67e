//! Wire-format support shared by the generated code: serde codecs that read and write
//! decimals, integers and dates exactly in the form a provider uses, ids that arrive as
//! strings or numbers, credentials that never print, constant-time comparison, nonces, and
//! the text helpers and digests that request signing uses.
//!
//! Everything here handles untrusted data: nothing goes through floating point and nothing
//! panics. The number codecs read JSON numbers through [`serde_json::value::RawValue`], so
//! they work when deserializing with `serde_json::from_str` / `from_slice` (which is how the
//! generated clients read bodies), not from an already parsed `serde_json::Value`.

use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use rust_decimal::Decimal;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{self, Serialize, Serializer};
use serde_json::value::RawValue;
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

// ---------------------------------------------------------------------------------------------
// Codecs and shape helpers

/// How one value type is written on the wire. Used through the shape helpers, e.g.
/// `#[serde(serialize_with = "crate::wire::ser_opt::<crate::wire::DecimalString, _>")]`.
pub trait Codec {
    /// The Rust type the codec reads and writes.
    type Value;
    /// Writes one value.
    fn serialize<S: Serializer>(v: &Self::Value, s: S) -> Result<S::Ok, S::Error>;
    /// Reads one value.
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Self::Value, D::Error>;
}

struct SerWith<'a, C: Codec>(&'a C::Value, PhantomData<fn() -> C>);

impl<C: Codec> Serialize for SerWith<'_, C> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        C::serialize(self.0, s)
    }
}

fn with<C: Codec>(v: &C::Value) -> SerWith<'_, C> {
    SerWith(v, PhantomData)
}

struct SeqWith<'a, C: Codec>(&'a [C::Value], PhantomData<fn() -> C>);

impl<C: Codec> Serialize for SeqWith<'_, C> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(with::<C>))
    }
}

struct MapWith<'a, C: Codec>(&'a BTreeMap<String, C::Value>, PhantomData<fn() -> C>);

impl<C: Codec> Serialize for MapWith<'_, C> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, with::<C>(v))))
    }
}

struct DeWith<C: Codec>(C::Value, PhantomData<fn() -> C>);

impl<'de, C: Codec> Deserialize<'de> for DeWith<C> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        C::deserialize(d).map(|v| DeWith(v, PhantomData))
    }
}

/// Writes a `T` with codec `C`.
pub fn ser_one<C: Codec, S: Serializer>(v: &C::Value, s: S) -> Result<S::Ok, S::Error> {
    C::serialize(v, s)
}

/// Reads a `T` with codec `C`.
pub fn de_one<'de, C: Codec, D: Deserializer<'de>>(d: D) -> Result<C::Value, D::Error> {
    C::deserialize(d)
}

/// Writes an `Option<T>` with codec `C`: `None` as `null`.
pub fn ser_opt<C: Codec, S: Serializer>(v: &Option<C::Value>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => s.serialize_some(&with::<C>(x)),
        None => s.serialize_none(),
    }
}

/// Reads an `Option<T>` with codec `C`: `null` as `None`.
pub fn de_opt<'de, C: Codec, D: Deserializer<'de>>(d: D) -> Result<Option<C::Value>, D::Error> {
    Ok(Option::<DeWith<C>>::deserialize(d)?.map(|w| w.0))
}

/// Writes an `Option<Option<T>>` with codec `C`: `Some(None)` as `null`. The outer `None`
/// (field absent) is meant to be skipped with `skip_serializing_if = "Option::is_none"`; if it
/// is not skipped it is written as `null` too.
pub fn ser_opt2<C: Codec, S: Serializer>(
    v: &Option<Option<C::Value>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(Some(x)) => s.serialize_some(&with::<C>(x)),
        _ => s.serialize_none(),
    }
}

/// Reads an `Option<Option<T>>` with codec `C` for a field that is present: `null` as
/// `Some(None)`. Use with `#[serde(default)]` so an absent field is `None`.
pub fn de_opt2<'de, C: Codec, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<C::Value>>, D::Error> {
    de_opt::<C, D>(d).map(Some)
}

/// Writes a `Vec<T>` with codec `C` for each element.
pub fn ser_vec<C: Codec, S: Serializer>(v: &[C::Value], s: S) -> Result<S::Ok, S::Error> {
    SeqWith::<C>(v, PhantomData).serialize(s)
}

/// Reads a `Vec<T>` with codec `C` for each element.
pub fn de_vec<'de, C: Codec, D: Deserializer<'de>>(d: D) -> Result<Vec<C::Value>, D::Error> {
    Ok(Vec::<DeWith<C>>::deserialize(d)?
        .into_iter()
        .map(|w| w.0)
        .collect())
}

/// Writes a `BTreeMap<String, T>` with codec `C` for each value.
pub fn ser_map<C: Codec, S: Serializer>(
    v: &BTreeMap<String, C::Value>,
    s: S,
) -> Result<S::Ok, S::Error> {
    MapWith::<C>(v, PhantomData).serialize(s)
}

/// Reads a `BTreeMap<String, T>` with codec `C` for each value.
pub fn de_map<'de, C: Codec, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, C::Value>, D::Error> {
    Ok(BTreeMap::<String, DeWith<C>>::deserialize(d)?
        .into_iter()
        .map(|(k, w)| (k, w.0))
        .collect())
}

/// Writes an `Option<Vec<T>>` with codec `C` for each element: `None` as `null`.
pub fn ser_opt_vec<C: Codec, S: Serializer>(
    v: &Option<Vec<C::Value>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => s.serialize_some(&SeqWith::<C>(x, PhantomData)),
        None => s.serialize_none(),
    }
}

/// Reads an `Option<Vec<T>>` with codec `C` for each element: `null` as `None`.
pub fn de_opt_vec<'de, C: Codec, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<C::Value>>, D::Error> {
    Ok(Option::<Vec<DeWith<C>>>::deserialize(d)?.map(|v| v.into_iter().map(|w| w.0).collect()))
}

/// Writes an `Option<BTreeMap<String, T>>` with codec `C` for each value: `None` as `null`.
pub fn ser_opt_map<C: Codec, S: Serializer>(
    v: &Option<BTreeMap<String, C::Value>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => s.serialize_some(&MapWith::<C>(x, PhantomData)),
        None => s.serialize_none(),
    }
}

/// Reads an `Option<BTreeMap<String, T>>` with codec `C` for each value: `null` as `None`.
pub fn de_opt_map<'de, C: Codec, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, C::Value>>, D::Error> {
    Ok(Option::<BTreeMap<String, DeWith<C>>>::deserialize(d)?
        .map(|m| m.into_iter().map(|(k, w)| (k, w.0)).collect()))
}

// ---------------------------------------------------------------------------------------------
// Shared reading helpers

/// Untrusted text shortened for an error message.
fn shown(t: &str) -> String {
    const MAX: usize = 64;
    match t.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", t.get(..i).unwrap_or_default()),
        None => t.to_owned(),
    }
}

/// Reads a JSON string, saying `expecting` when something else arrives.
struct TextVisitor<'a>(&'a str);

impl Visitor<'_> for TextVisitor<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
}

fn de_text<'de, D: Deserializer<'de>>(d: D, expecting: &str) -> Result<String, D::Error> {
    d.deserialize_str(TextVisitor(expecting))
}

/// What a raw JSON value turned out to be.
enum RawText {
    /// A JSON string, unescaped.
    Str(String),
    /// Anything else, as written (a number, or `true`, `null`, an object...).
    Other(String),
}

fn de_raw<'de, D: Deserializer<'de>>(d: D) -> Result<RawText, D::Error> {
    let raw = Box::<RawValue>::deserialize(d)?;
    let t = raw.get();
    if t.starts_with('"') {
        serde_json::from_str::<String>(t)
            .map(RawText::Str)
            .map_err(de::Error::custom)
    } else {
        Ok(RawText::Other(t.to_owned()))
    }
}

fn is_json_number(t: &str) -> bool {
    t.starts_with(|c: char| c == '-' || c.is_ascii_digit())
}

fn raw_number(text: String) -> Result<Box<RawValue>, serde_json::Error> {
    RawValue::from_string(text)
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the client, the mock and the generator's validator

/// Parses an integer as sent on the wire (digits with an optional sign, no spaces).
pub fn parse_integer(text: &str) -> Option<i64> {
    text.parse().ok()
}

type FormatItems = Option<std::sync::Arc<time::format_description::OwnedFormatItem>>;

/// A parsed `time` format description, cached per format string (`None` if it is invalid).
pub fn format_items(format: &str) -> FormatItems {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, FormatItems>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(items) = map.get(format) {
        return items.clone();
    }
    let items = time::format_description::parse_owned::<2>(format)
        .ok()
        .map(std::sync::Arc::new);
    map.insert(format.to_string(), items.clone());
    items
}

/// Whether `text` is a date (`date_only`) or date-time in `format`: a `time` format
/// description, or `rfc3339` (RFC 3339 date-times; `[year]-[month]-[day]` dates). A format
/// without an offset accepts a date-time without one. An invalid description accepts
/// anything (the generator's validator reports it).
pub fn date_matches(date_only: bool, format: &str, text: &str) -> bool {
    use time::format_description::well_known::Rfc3339;
    if format == "rfc3339" {
        return if date_only {
            time::Date::parse(
                text,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .is_ok()
        } else {
            time::OffsetDateTime::parse(text, &Rfc3339).is_ok()
        };
    }
    let Some(items) = format_items(format) else {
        return true;
    };
    if date_only {
        time::Date::parse(text, &items).is_ok()
    } else {
        time::PrimitiveDateTime::parse(text, &items).is_ok()
            || time::OffsetDateTime::parse(text, &items).is_ok()
    }
}

// ---------------------------------------------------------------------------------------------
// Decimals

/// The parts of a number written as `[+-]digits[.digits][(e|E)[+-]digits]`.
struct NumberParts<'a> {
    negative: bool,
    int: &'a str,
    frac: &'a str,
    exp: i64,
}

/// Splits decimal text into its parts. `loose` also allows `.5` and `5.` (as Python does).
fn number_parts(text: &str, loose: bool) -> Option<NumberParts<'_>> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (rest.get(..i)?, Some(rest.get(i + 1..)?)),
        None => (rest, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => {
            if !loose && (i.is_empty() || f.is_empty()) {
                return None;
            }
            (i, f)
        }
        None => (mantissa, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !digits(int) || !digits(frac) {
        return None;
    }
    let exp = match exp {
        None => 0,
        Some(e) => {
            let (neg, ds) = match e.as_bytes().first() {
                Some(b'-') => (true, e.get(1..)?),
                Some(b'+') => (false, e.get(1..)?),
                _ => (false, e),
            };
            if ds.is_empty() || !digits(ds) {
                return None;
            }
            let ds = ds.trim_start_matches('0');
            // Exponents this large are nonsense for money; keep the arithmetic bounded.
            if ds.len() > 9 {
                return None;
            }
            let v: i64 = if ds.is_empty() { 0 } else { ds.parse().ok()? };
            if neg { -v } else { v }
        }
    };
    Some(NumberParts {
        negative,
        int,
        frac,
        exp,
    })
}

/// Parses decimal text exactly (plain or exponent form); never rounds. The one definition
/// of a decimal on the wire: the client's codecs, the mock's request checks and the
/// generator's check of the docs' examples all use it.
pub fn parse_decimal(text: &str) -> Result<Decimal, &'static str> {
    let p = number_parts(text, false).ok_or("not a number")?;
    // The digits: the integer part without its leading zeros, then the fraction; read in
    // place (the first `len` of them, then `zeros` more zeros), never copied.
    let int = p.int.trim_start_matches('0');
    let digit = |i: usize| match i.checked_sub(int.len()) {
        None => int.as_bytes()[i],
        Some(j) => p.frac.as_bytes()[j],
    };
    let mut len = int.len() + p.frac.len();
    let frac_len = i64::try_from(p.frac.len()).map_err(|_| "too many digits")?;
    let mut scale = frac_len - p.exp;
    if (0..len).all(|i| digit(i) == b'0') {
        // Zero is zero whatever its exponent; keep the places it shows, up to the limit.
        len = 0;
        scale = scale.clamp(0, i64::from(Decimal::MAX_SCALE));
    }
    while scale > i64::from(Decimal::MAX_SCALE) && len > 0 && digit(len - 1) == b'0' {
        len -= 1;
        scale -= 1;
    }
    if scale > i64::from(Decimal::MAX_SCALE) {
        return Err("more decimal places than a decimal holds (28)");
    }
    if scale < -40 {
        return Err("too large for a decimal");
    }
    // A negative scale is written out as trailing zeros.
    let zeros = usize::try_from(-scale).unwrap_or(0);
    let scale = scale.max(0);
    let mut mantissa: i128 = 0;
    for b in (0..len).map(digit).chain(std::iter::repeat_n(b'0', zeros)) {
        mantissa = mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(i128::from(b.checked_sub(b'0')?)))
            .ok_or("too many digits for a decimal (at most 28 or 29)")?;
    }
    let scale = u32::try_from(scale).map_err(|_| "too many decimal places")?;
    let mut d = Decimal::try_from_i128_with_scale(mantissa, scale)
        .map_err(|_| "too many digits for a decimal (at most 28 or 29)")?;
    d.set_sign_negative(p.negative);
    Ok(d)
}

fn decimal_error<E: de::Error>(expected: &str, found: &str, why: &str) -> E {
    E::custom(format!(
        "expected {expected}, found `{}`: {why}",
        shown(found)
    ))
}

fn ser_decimal_number<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    raw_number(v.to_string())
        .map_err(ser::Error::custom)?
        .serialize(s)
}

fn de_decimal_raw<'de, D: Deserializer<'de>>(
    d: D,
    expected: &str,
    string: bool,
    number: bool,
) -> Result<Decimal, D::Error> {
    match de_raw(d)? {
        RawText::Str(t) if string => {
            parse_decimal(&t).map_err(|why| decimal_error(expected, &format!("\"{t}\""), why))
        }
        RawText::Other(t) if number && is_json_number(&t) => {
            parse_decimal(&t).map_err(|why| decimal_error(expected, &t, why))
        }
        RawText::Str(t) => Err(decimal_error(
            expected,
            &format!("\"{t}\""),
            "a string where a number belongs",
        )),
        RawText::Other(t) => Err(decimal_error(expected, &t, "wrong kind of value")),
    }
}

/// A decimal written as a JSON number (`64.18`), read and written exactly: the number's text
/// is parsed directly (exponent forms such as `1e3` too) and written back with its scale.
pub struct DecimalNumber;

impl Codec for DecimalNumber {
    type Value = Decimal;
    fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        ser_decimal_number(v, s)
    }
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        de_decimal_raw(d, "a decimal as a JSON number", false, true)
    }
}

/// A decimal written as a JSON string (`"64.18000000"`), read and written exactly.
pub struct DecimalString;

impl Codec for DecimalString {
    type Value = Decimal;
    fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        const EXPECTED: &str = "a decimal as a JSON string";
        let t = de_text(d, EXPECTED)?;
        parse_decimal(&t).map_err(|why| decimal_error(EXPECTED, &format!("\"{t}\""), why))
    }
}

/// A decimal read from a JSON number or string, written as a number.
pub struct DecimalNumberOrString;

impl Codec for DecimalNumberOrString {
    type Value = Decimal;
    fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        ser_decimal_number(v, s)
    }
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        de_decimal_raw(d, "a decimal (a JSON number or string)", true, true)
    }
}

/// A decimal read from a JSON string or number, written as a string.
pub struct DecimalStringOrNumber;

impl Codec for DecimalStringOrNumber {
    type Value = Decimal;
    fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        de_decimal_raw(d, "a decimal (a JSON string or number)", true, true)
    }
}

// ---------------------------------------------------------------------------------------------
// Integers

fn parse_int<E: de::Error>(t: &str, expected: &str) -> Result<i64, E> {
    t.parse::<i64>().map_err(|e| {
        E::custom(format!(
            "expected {expected}, found `\"{}\"`: {e}",
            shown(t)
        ))
    })
}

/// Reads an integer from a JSON number or a string holding one.
struct IntVisitor;

impl Visitor<'_> for IntVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer (a JSON number or a string holding one)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("integer {v} is out of range for i64")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        parse_int(v, "an integer")
    }
}

/// An integer written as a JSON string (`"42"`).
pub struct IntString;

impl Codec for IntString {
    type Value = i64;
    fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        const EXPECTED: &str = "an integer as a JSON string";
        let t = de_text(d, EXPECTED)?;
        parse_int(&t, EXPECTED)
    }
}

/// An integer read from a JSON number or string, written as a number.
pub struct IntNumberOrString;

impl Codec for IntNumberOrString {
    type Value = i64;
    fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(*v)
    }
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        d.deserialize_any(IntVisitor)
    }
}

/// An integer read from a JSON string or number, written as a string.
pub struct IntStringOrNumber;

impl Codec for IntStringOrNumber {
    type Value = i64;
    fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        d.deserialize_any(IntVisitor)
    }
}

// ---------------------------------------------------------------------------------------------
// Dates

/// Reads a string and parses it, saying what was expected (an example in the format) and what
/// arrived when it does not parse.
fn de_time<'de, D, T>(
    d: D,
    what: &str,
    example: Option<String>,
    parse: impl FnOnce(&str) -> Result<T, time::error::Parse>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let expected = match example {
        Some(e) => format!("{what} string like `{e}`"),
        None => format!("{what} string"),
    };
    let t = de_text(d, &expected)?;
    parse(&t).map_err(|e| {
        de::Error::custom(format!(
            "expected {expected}, found `\"{}\"`: {e}",
            shown(&t)
        ))
    })
}

const EXAMPLE_DATETIME: PrimitiveDateTime = time::macros::datetime!(2024-01-31 13:45:30.123);

/// Writes a date-time without offset in format `fmt`.
pub fn ser_datetime<S: Serializer>(
    v: &PrimitiveDateTime,
    fmt: &[BorrowedFormatItem<'_>],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.format(fmt).map_err(ser::Error::custom)?)
}

/// Reads a date-time without offset in format `fmt`.
pub fn de_datetime<'de, D: Deserializer<'de>>(
    fmt: &[BorrowedFormatItem<'_>],
    d: D,
) -> Result<PrimitiveDateTime, D::Error> {
    let example = EXAMPLE_DATETIME.format(fmt).ok();
    de_time(d, "a date-time", example, |t| {
        PrimitiveDateTime::parse(t, fmt)
    })
}

/// Writes a date-time with offset in format `fmt`.
pub fn ser_offset_datetime<S: Serializer>(
    v: &OffsetDateTime,
    fmt: &[BorrowedFormatItem<'_>],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.format(fmt).map_err(ser::Error::custom)?)
}

/// Reads a date-time with offset in format `fmt`.
pub fn de_offset_datetime<'de, D: Deserializer<'de>>(
    fmt: &[BorrowedFormatItem<'_>],
    d: D,
) -> Result<OffsetDateTime, D::Error> {
    let example = EXAMPLE_DATETIME.assume_utc().format(fmt).ok();
    de_time(d, "a date-time", example, |t| OffsetDateTime::parse(t, fmt))
}

/// Writes a date in format `fmt`.
pub fn ser_date<S: Serializer>(
    v: &Date,
    fmt: &[BorrowedFormatItem<'_>],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.format(fmt).map_err(ser::Error::custom)?)
}

/// Reads a date in format `fmt`.
pub fn de_date<'de, D: Deserializer<'de>>(
    fmt: &[BorrowedFormatItem<'_>],
    d: D,
) -> Result<Date, D::Error> {
    let example = EXAMPLE_DATETIME.date().format(fmt).ok();
    de_time(d, "a date", example, |t| Date::parse(t, fmt))
}

/// An RFC 3339 date-time (`2022-12-20T18:54:42.033Z`); UTC is written as `Z` and the
/// fraction of a second without trailing zeros.
pub struct Rfc3339;

impl Codec for Rfc3339 {
    type Value = OffsetDateTime;
    fn serialize<S: Serializer>(v: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.format(&well_known::Rfc3339).map_err(ser::Error::custom)?)
    }
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let example = EXAMPLE_DATETIME
            .assume_utc()
            .format(&well_known::Rfc3339)
            .ok();
        de_time(d, "an RFC 3339 date-time", example, |t| {
            OffsetDateTime::parse(t, &well_known::Rfc3339)
        })
    }
}

const ISO_DATE: &[BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// A calendar date as `YYYY-MM-DD`.
pub struct IsoDate;

impl Codec for IsoDate {
    type Value = Date;
    fn serialize<S: Serializer>(v: &Date, s: S) -> Result<S::Ok, S::Error> {
        ser_date(v, ISO_DATE, s)
    }
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        de_date(ISO_DATE, d)
    }
}

// ---------------------------------------------------------------------------------------------
// Ids that are strings or numbers

/// An id documented as a string that sometimes arrives as a JSON number. Keeps the text and
/// the form it arrived in, and writes it back in that form (a number verbatim). Two values are
/// equal when their text is, whatever the form.
#[derive(Clone, Debug, Default)]
pub struct StringOrNumber {
    text: String,
    number: bool,
}

impl StringOrNumber {
    /// The id's text (a number's digits as they were written).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the id arrived (and is written) as a JSON number.
    pub fn is_number(&self) -> bool {
        self.number
    }
}

impl From<&str> for StringOrNumber {
    fn from(s: &str) -> Self {
        StringOrNumber {
            text: s.to_owned(),
            number: false,
        }
    }
}

impl From<String> for StringOrNumber {
    fn from(text: String) -> Self {
        StringOrNumber {
            text,
            number: false,
        }
    }
}

impl From<i64> for StringOrNumber {
    fn from(n: i64) -> Self {
        StringOrNumber {
            text: n.to_string(),
            number: true,
        }
    }
}

impl fmt::Display for StringOrNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for StringOrNumber {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for StringOrNumber {}

impl PartialEq<str> for StringOrNumber {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for StringOrNumber {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl Hash for StringOrNumber {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl Serialize for StringOrNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.number {
            raw_number(self.text.clone())
                .map_err(ser::Error::custom)?
                .serialize(s)
        } else {
            s.serialize_str(&self.text)
        }
    }
}

impl<'de> Deserialize<'de> for StringOrNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match de_raw(d)? {
            RawText::Str(text) => Ok(StringOrNumber {
                text,
                number: false,
            }),
            RawText::Other(text) if is_json_number(&text) => {
                Ok(StringOrNumber { text, number: true })
            }
            RawText::Other(t) => Err(de::Error::custom(format!(
                "expected an id (a JSON string or number), found `{}`",
                shown(&t)
            ))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets and comparison

/// A credential. Never printed (`Debug` shows `Secret(***)`, there is no `Display`); compared
/// in constant time.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The credential's text, for signing and headers.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        ct_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl Eq for Secret {}

/// Compares two byte strings in constant time (for equal lengths); `false` when the lengths
/// differ.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

// ---------------------------------------------------------------------------------------------
// Nonces

/// The unit of a [`Nonce`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonceStyle {
    /// Milliseconds since the Unix epoch.
    UnixMillis,
    /// Seconds since the Unix epoch.
    UnixSeconds,
}

/// A strictly increasing counter based on the clock, safe to share between tasks and threads:
/// each call returns the current time in its unit, or one more than the previous value when
/// the clock has not moved on (or went back).
#[derive(Debug)]
pub struct Nonce {
    style: NonceStyle,
    last: AtomicU64,
}

impl Nonce {
    /// A counter in the given unit.
    pub const fn new(style: NonceStyle) -> Self {
        Nonce {
            style,
            last: AtomicU64::new(0),
        }
    }

    /// The next value: `max(now, previous + 1)`.
    pub fn next(&self) -> u64 {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let now = match self.style {
            NonceStyle::UnixMillis => u64::try_from(since.as_millis()).unwrap_or(u64::MAX),
            NonceStyle::UnixSeconds => since.as_secs(),
        };
        let step = |last: u64| now.max(last.saturating_add(1));
        match self
            .last
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| Some(step(last)))
        {
            Ok(prev) | Err(prev) => step(prev),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Text helpers for signing

pub use crate::pyfloat::python_float;

/// `Some(())` when `text` is a plain number as Python's `float()` reads one: sign, digits
/// with an optional point (`.5`, `5.`), an optional exponent.
pub(crate) fn is_plain_number(text: &str) -> Option<()> {
    number_parts(text, true).map(|_| ())
}

fn php_encode(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            for nibble in [b >> 4, b & 0x0f] {
                out.push(HEX.get(usize::from(nibble)).map_or('0', |&h| char::from(h)));
            }
        }
    }
}

/// `k=v&k=v` encoded as PHP's `http_build_query` does by default (`PHP_QUERY_RFC1738`):
/// `A-Za-z0-9-_.` kept, space as `+`, every other byte as upper-case `%XX`; keys likewise.
/// Pairs stay in the order given.
pub fn php_query(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        php_encode(&mut out, k);
        out.push('=');
        php_encode(&mut out, v);
    }
    out
}

/// Lower-case hex of a digest, two table look-ups a byte (`hex::encode` collects a char
/// iterator: some 2,000 instructions for a SHA-256 digest, on every signature checked).
fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = vec![0; bytes.len() * 2];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0xf)];
    }
    // Only ASCII digits were written.
    String::from_utf8(out).unwrap_or_default()
}

/// HMAC-SHA256 of `msg` keyed with `key`, lower-case hex.
pub fn hmac_sha256_hex(key: &[u8], msg: &[u8]) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    match Hmac::<sha2::Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(msg);
            lower_hex(&mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length: this arm is never reached. An empty digest never
        // matches a real one.
        Err(_) => String::new(),
    }
}

/// SHA-256 of `msg`, lower-case hex.
pub fn sha256_hex(msg: &[u8]) -> String {
    use sha2::Digest;
    lower_hex(&sha2::Sha256::digest(msg))
}

/// MD5 of `msg`, lower-case hex.
pub fn md5_hex(msg: &[u8]) -> String {
    use sha2::Digest;
    lower_hex(&md5::Md5::digest(msg))
}

/// Joins already serialized members (`"a":1,"b":"x"`, possibly empty) and a serialized JSON
/// object into one object with `first`'s members first. If `rest_json` is not an object it is
/// returned unchanged.
pub fn splice_object(first: &str, rest_json: &str) -> String {
    let first = first.trim();
    let Some(rest) = rest_json.trim_start().strip_prefix('{') else {
        return rest_json.to_owned();
    };
    if first.is_empty() {
        return rest_json.to_owned();
    }
    let sep = if rest.trim_start().starts_with('}') {
        ""
    } else {
        ","
    };
    format!("{{{first}{sep}{rest}")
}

// ---------------------------------------------------------------------------------------------

/// `Option<Option<T>>` for fields that may be absent (outer `None`, with `#[serde(default)]`)
/// or `null` (`Some(None)`), for types serde reads by itself.
pub fn de_double_option<'de, T: serde::Deserialize<'de>, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

/// Decodes `%XX` escapes (an invalid one stays as written); `+` is a space in forms and
/// queries (`plus_is_space`), a plus in paths.
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};
    use std::error::Error;

    type R = Result<(), Box<dyn Error>>;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Opt2 {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "ser_opt2::<DecimalString, _>",
            deserialize_with = "de_opt2::<DecimalString, _>"
        )]
        a: Option<Option<Decimal>>,
    }

    #[test]
    fn opt2_absent_null_value() -> R {
        for (json, want) in [
            ("{}", None),
            (r#"{"a":null}"#, Some(None)),
            (r#"{"a":"1.50"}"#, Some(Some(Decimal::new(150, 2)))),
        ] {
            let v: Opt2 = serde_json::from_str(json)?;
            assert_eq!(v.a, want);
            assert_eq!(serde_json::to_string(&v)?, json);
        }
        Ok(())
    }

    #[derive(Serialize, Deserialize)]
    struct Num {
        #[serde(with = "N")]
        n: Decimal,
    }
    struct N;
    impl N {
        fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
            ser_one::<DecimalNumber, S>(v, s)
        }
        fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
            de_one::<DecimalNumber, D>(d)
        }
    }

    #[test]
    fn decimal_number() -> R {
        for t in [
            "1.10",
            "12345678901234567890.123",
            "-0.5",
            "64.18000000",
            "0",
        ] {
            let json = format!(r#"{{"n":{t}}}"#);
            let v: Num = serde_json::from_str(&json)?;
            assert_eq!(serde_json::to_string(&v)?, json);
        }
        for (t, want) in [("1e3", "1000"), ("1.5E-2", "0.015"), ("2.50e+1", "25.0")] {
            let v: Num = serde_json::from_str(&format!(r#"{{"n":{t}}}"#))?;
            assert_eq!(v.n.to_string(), want);
        }
        let err = serde_json::from_str::<Num>(r#"{"n":"1.5"}"#)
            .err()
            .ok_or("accepted")?;
        assert!(
            err.to_string()
                .contains("expected a decimal as a JSON number")
        );
        assert!(serde_json::from_str::<Num>(r#"{"n":1e400}"#).is_err());
        Ok(())
    }

    #[derive(Serialize, Deserialize)]
    struct Mixed {
        #[serde(with = "S1")]
        s: Decimal,
        #[serde(
            serialize_with = "ser_vec::<DecimalNumberOrString, _>",
            deserialize_with = "de_vec::<DecimalNumberOrString, _>"
        )]
        v: Vec<Decimal>,
        #[serde(
            serialize_with = "ser_opt_map::<DecimalStringOrNumber, _>",
            deserialize_with = "de_opt_map::<DecimalStringOrNumber, _>"
        )]
        m: Option<BTreeMap<String, Decimal>>,
        #[serde(
            serialize_with = "ser_opt_vec::<IntStringOrNumber, _>",
            deserialize_with = "de_opt_vec::<IntStringOrNumber, _>"
        )]
        i: Option<Vec<i64>>,
        #[serde(
            serialize_with = "ser_map::<IntNumberOrString, _>",
            deserialize_with = "de_map::<IntNumberOrString, _>"
        )]
        j: BTreeMap<String, i64>,
        #[serde(
            serialize_with = "ser_opt::<IntString, _>",
            deserialize_with = "de_opt::<IntString, _>"
        )]
        k: Option<i64>,
    }
    struct S1;
    impl S1 {
        fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
            ser_one::<DecimalString, S>(v, s)
        }
        fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
            de_one::<DecimalString, D>(d)
        }
    }

    #[test]
    fn string_and_either_codecs() -> R {
        let json = r#"{"s":"64.18000000","v":[1.10,"2.00"],"m":{"x":"3.0","y":4.50},"i":["7",8],"j":{"a":"-9","b":10},"k":"11"}"#;
        let v: Mixed = serde_json::from_str(json)?;
        let out = r#"{"s":"64.18000000","v":[1.10,2.00],"m":{"x":"3.0","y":"4.50"},"i":["7","8"],"j":{"a":-9,"b":10},"k":"11"}"#;
        assert_eq!(serde_json::to_string(&v)?, out);
        let bad = json.replace(r#""s":"64.18000000""#, r#""s":64.18"#);
        let err = serde_json::from_str::<Mixed>(&bad)
            .err()
            .ok_or("accepted")?;
        assert!(err.to_string().contains("a decimal as a JSON string"));
        assert!(serde_json::from_str::<Mixed>(&json.replace("\"11\"", "\"1x\"")).is_err());
        Ok(())
    }

    #[derive(Serialize, Deserialize)]
    struct Dates {
        #[serde(with = "Rfc")]
        t: OffsetDateTime,
        #[serde(with = "Local")]
        l: PrimitiveDateTime,
        #[serde(
            serialize_with = "ser_one::<IsoDate, _>",
            deserialize_with = "de_one::<IsoDate, _>"
        )]
        d: Date,
    }
    struct Rfc;
    impl Rfc {
        fn serialize<S: Serializer>(v: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
            Rfc3339::serialize(v, s)
        }
        fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
            <Rfc3339 as Codec>::deserialize(d)
        }
    }
    const LOCAL: &[BorrowedFormatItem<'static>] =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    struct Local;
    impl Local {
        fn serialize<S: Serializer>(v: &PrimitiveDateTime, s: S) -> Result<S::Ok, S::Error> {
            ser_datetime(v, LOCAL, s)
        }
        fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PrimitiveDateTime, D::Error> {
            de_datetime(LOCAL, d)
        }
    }

    #[test]
    fn dates() -> R {
        let json = r#"{"t":"2022-12-20T18:54:42.033Z","l":"2022-12-20 18:54:42","d":"2022-12-20"}"#;
        let v: Dates = serde_json::from_str(json)?;
        assert_eq!(serde_json::to_string(&v)?, json);
        let bad = json.replace("2022-12-20 18:54:42", "20.12.2022");
        let err = serde_json::from_str::<Dates>(&bad)
            .err()
            .ok_or("accepted")?;
        let msg = err.to_string();
        assert!(
            msg.contains("like `2024-01-31 13:45:30`") && msg.contains("20.12.2022"),
            "{msg}"
        );
        let bad = json.replace("2022-12-20T18:54:42.033Z", "yesterday");
        let msg = serde_json::from_str::<Dates>(&bad)
            .err()
            .ok_or("accepted")?
            .to_string();
        assert!(
            msg.contains("RFC 3339") && msg.contains("yesterday"),
            "{msg}"
        );
        Ok(())
    }

    #[test]
    fn string_or_number() -> R {
        for json in [r#""abc""#, "12345678901234567890123", r#""42""#] {
            let v: StringOrNumber = serde_json::from_str(json)?;
            assert_eq!(serde_json::to_string(&v)?, json);
        }
        let n: StringOrNumber = serde_json::from_str("42")?;
        let s = StringOrNumber::from("42");
        assert!(n.is_number() && !s.is_number() && n == s && n == "42" && n == *"42");
        assert_eq!(StringOrNumber::from(7).to_string(), "7");
        assert_eq!(serde_json::to_string(&StringOrNumber::from(7))?, "7");
        assert!(serde_json::from_str::<StringOrNumber>("true").is_err());
        Ok(())
    }

    #[test]
    fn secret_and_ct_eq() {
        let s = Secret::from("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s, Secret::from(String::from("hunter2")));
        assert_ne!(s, Secret::from("hunter3"));
        assert_eq!(s.expose(), "hunter2");
        assert!(ct_eq(b"abc", b"abc") && !ct_eq(b"abc", b"abd") && !ct_eq(b"abc", b"ab"));
    }

    #[test]
    fn nonce_strictly_increasing() {
        let nonce = Nonce::new(NonceStyle::UnixMillis);
        let all: Vec<Vec<u64>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| (0..10_000).map(|_| nonce.next()).collect::<Vec<u64>>()))
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        assert_eq!(all.len(), 8);
        for seq in &all {
            assert!(seq.windows(2).all(|w| w.first() < w.get(1)));
        }
        let mut flat: Vec<u64> = all.concat();
        flat.sort_unstable();
        flat.dedup();
        assert_eq!(flat.len(), 80_000);
        let secs = Nonce::new(NonceStyle::UnixSeconds);
        assert!(secs.next() < secs.next());
    }

    #[test]
    fn python_float_cases() {
        for (x, want) in [
            ("500", "500.0"),
            ("12.50", "12.5"),
            ("0.10", "0.1"),
            ("-3", "-3.0"),
            ("1200.00", "1200.0"),
            ("0", "0.0"),
            ("-0.00", "-0.0"),
            ("1e3", "1000.0"),
            ("1e16", "1e+16"),
            ("150000000000000000", "1.5e+17"),
            ("9999999999999998", "9999999999999998.0"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("1.5e-5", "1.5e-05"),
            (" .5 ", "0.5"),
            ("5.", "5.0"),
            ("123456.789", "123456.789"),
        ] {
            assert_eq!(python_float(x).as_deref(), Some(want), "{x}");
        }
        for x in [
            "",
            "abc",
            "1.2.3",
            "e5",
            "1e",
            "-",
            ".",
            "inf",
            "nan",
            "1_0",
            "1e99999999999",
        ] {
            assert_eq!(python_float(x), None, "{x}");
        }
    }

    #[test]
    fn php_query_and_digests() {
        assert_eq!(
            php_query(&[("a b", "x y&z"), ("k", "~é/=-_.")]),
            "a+b=x+y%26z&k=%7E%C3%A9%2F%3D-_."
        );
        assert_eq!(php_query(&[]), "");
        assert_eq!(
            hmac_sha256_hex(b"key", b"The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn splice() {
        assert_eq!(splice_object(r#""a":1"#, r#"{"b":2}"#), r#"{"a":1,"b":2}"#);
        assert_eq!(splice_object(r#""a":1"#, "{}"), r#"{"a":1}"#);
        assert_eq!(splice_object("", r#"{"b":2}"#), r#"{"b":2}"#);
        assert_eq!(splice_object("", "{}"), "{}");
    }

    fn dec(t: &str) -> Result<String, &'static str> {
        parse_decimal(t).map(|d| d.to_string())
    }

    #[test]
    fn decimals_keep_their_scale_up_to_the_limit() {
        assert_eq!(dec("+1.50"), Ok("1.50".into()));
        assert_eq!(dec("-0.10"), Ok("-0.10".into()));
        assert_eq!(dec("5e-3"), Ok("0.005".into()));
        assert_eq!(dec("1.5E+2"), Ok("150".into()));
        assert_eq!(dec("007"), Ok("7".into()));
        // 28 places is what a decimal holds: kept as written.
        let p28 = format!("0.{}1", "0".repeat(27));
        assert_eq!(dec(&p28), Ok(p28.clone()));
        let z28 = format!("0.1{}", "0".repeat(27));
        assert_eq!(dec(&z28), Ok(z28.clone()));
        // Beyond it, trailing zeros go; anything else is refused.
        assert_eq!(dec(&format!("0.1{}", "0".repeat(29))), Ok(z28.clone()));
        assert_eq!(
            dec(&format!("0.{}1", "0".repeat(28))),
            Err("more decimal places than a decimal holds (28)")
        );
        assert_eq!(dec("1e27"), Ok(format!("1{}", "0".repeat(27))));
        assert_eq!(
            dec("1e40"),
            Err("too many digits for a decimal (at most 28 or 29)")
        );
        assert_eq!(dec("1e41"), Err("too large for a decimal"));
        assert_eq!(dec("."), Err("not a number"));
        assert_eq!(dec(""), Err("not a number"));
        assert_eq!(dec("1."), Err("not a number"));
        assert_eq!(dec(".5"), Err("not a number"));
        assert_eq!(dec("1e"), Err("not a number"));
        assert_eq!(dec("1e+"), Err("not a number"));
        assert_eq!(dec("1e1x"), Err("not a number"));
        assert_eq!(dec("0e123456789"), Ok("0".into()));
        assert_eq!(dec("0.00e-2"), Ok("0.0000".into()));
        assert_eq!(dec("0e-40"), Ok(format!("0.{}", "0".repeat(28))));
        assert_eq!(
            dec("0e1234567890"),
            Err("not a number"),
            "exponents are bounded"
        );
    }

    #[test]
    fn python_float_signs_and_bounded_exponents() {
        assert_eq!(python_float("+5").as_deref(), Some("5.0"));
        assert_eq!(python_float(".").as_deref(), None);
        assert_eq!(python_float("0e123456789").as_deref(), Some("0.0"));
        assert_eq!(python_float("1e-5").as_deref(), Some("1e-05"));
        assert_eq!(python_float("1.5e17").as_deref(), Some("1.5e+17"));
    }

    #[derive(Deserialize, Debug)]
    struct NumOnly {
        #[serde(deserialize_with = "de_one::<DecimalNumber, _>")]
        n: Decimal,
    }

    #[derive(Deserialize, Debug)]
    struct Either {
        #[serde(deserialize_with = "de_one::<DecimalNumberOrString, _>")]
        n: Decimal,
    }

    #[derive(Deserialize, Debug)]
    struct Int {
        #[serde(deserialize_with = "de_one::<IntNumberOrString, _>")]
        n: i64,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Double {
        #[serde(default, deserialize_with = "de_double_option")]
        n: Option<Option<u8>>,
    }

    fn err<T: for<'de> Deserialize<'de> + fmt::Debug>(json: &str) -> String {
        serde_json::from_str::<T>(json).unwrap_err().to_string()
    }

    #[test]
    fn codecs_name_the_wrong_kind_of_value() -> R {
        assert_eq!(
            serde_json::from_str::<NumOnly>(r#"{"n":12.50}"#)?
                .n
                .to_string(),
            "12.50"
        );
        assert!(
            err::<NumOnly>(r#"{"n":true}"#).contains("wrong kind of value"),
            "{}",
            err::<NumOnly>(r#"{"n":true}"#)
        );
        assert!(err::<NumOnly>(r#"{"n":"1"}"#).contains("a string where a number belongs"));
        assert!(err::<Either>(r#"{"n":null}"#).contains("wrong kind of value"));
        assert_eq!(
            serde_json::from_str::<Either>(r#"{"n":"7.0"}"#)?
                .n
                .to_string(),
            "7.0"
        );
        assert_eq!(serde_json::from_str::<Int>(r#"{"n":-5}"#)?.n, -5);
        assert_eq!(serde_json::from_str::<Int>(r#"{"n":5}"#)?.n, 5);
        assert_eq!(serde_json::from_str::<Int>(r#"{"n":"-6"}"#)?.n, -6);
        let e = err::<Int>(r#"{"n":true}"#);
        assert!(
            e.contains("expected an integer (a JSON number or a string holding one)"),
            "{e}"
        );
        Ok(())
    }

    #[test]
    fn double_options_tell_absent_from_null() -> R {
        assert_eq!(serde_json::from_str::<Double>("{}")?, Double { n: None });
        assert_eq!(
            serde_json::from_str::<Double>(r#"{"n":null}"#)?,
            Double { n: Some(None) }
        );
        assert_eq!(
            serde_json::from_str::<Double>(r#"{"n":3}"#)?,
            Double { n: Some(Some(3)) }
        );
        Ok(())
    }

    #[test]
    fn string_or_number_compares_and_hashes_by_text() {
        use std::collections::HashSet;
        let a = StringOrNumber::from(String::from("42"));
        let b = StringOrNumber::from(42i64);
        assert_eq!(a.as_str(), "42");
        assert!(!a.is_number() && b.is_number());
        assert_eq!(a, b);
        assert_ne!(a, StringOrNumber::from("43"));
        assert!(a == *"42" && a != *"4");
        assert!(a == "42" && a != "x");
        let hash = |v: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            v(&mut h);
            h.finish()
        };
        // Hashes follow the text, as equality does.
        assert_eq!(hash(&|h| a.hash(h)), hash(&|h| "42".hash(h)));
        assert_ne!(
            hash(&|h| a.hash(h)),
            hash(&|h| StringOrNumber::from("7").hash(h))
        );
        let set: HashSet<StringOrNumber> = [a.clone(), b, StringOrNumber::from("7")]
            .into_iter()
            .collect();
        assert_eq!(set.len(), 2);
        assert!(set.contains(&StringOrNumber::from("7")));
    }
}
