//! JSON values for the mock server that keep numbers exactly as written, with a reader
//! (`read`: one pass over the bytes, never through floats) that stops at the member and
//! depth limits, and a writer.

mod read;

/// An object key: field names from the spec tables are borrowed, parsed ones owned.
pub type Key = std::borrow::Cow<'static, str>;

/// A JSON value; numbers keep their text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum V {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written.
    Num(String),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<V>),
    /// An object, members in order.
    Obj(Vec<(Key, V)>),
}

impl V {
    /// Reads JSON text in one pass, numbers kept as written; `None` if it is not JSON (or
    /// nests deeper than 128 levels).
    pub fn parse(text: &[u8]) -> Option<V> {
        V::read(text, usize::MAX, 128).ok()
    }

    /// Reads a request body: like [`V::parse`], but an object of more than `members`
    /// members or nesting deeper than `depth` is refused as soon as it is seen, so a hostile
    /// body costs no more than its first `members` members. (The member or item of the
    /// outermost container it is in is still checked to be JSON, without being read: if it
    /// is not, the answer is [`JsonError::Syntax`].)
    pub fn read(text: &[u8], members: usize, depth: u32) -> Result<V, JsonError> {
        V::read_known(text, members, depth, &|_| None)
    }

    /// [`V::read`], with the member names `known` recognises kept as that static text
    /// instead of a copy (a request's field names, say).
    pub fn read_known(
        text: &[u8],
        members: usize,
        depth: u32,
        known: &dyn Fn(&str) -> Option<&'static str>,
    ) -> Result<V, JsonError> {
        read::read(text, members, depth, known)
    }

    /// An estimate of the bytes this value takes in memory: its nodes, strings and keys.
    pub fn weight(&self) -> usize {
        let node = std::mem::size_of::<V>();
        node + match self {
            V::Null | V::Bool(_) => 0,
            V::Num(s) | V::Str(s) => s.capacity(),
            V::Arr(items) => items.iter().map(V::weight).sum(),
            V::Obj(m) => m
                .iter()
                .map(|(k, v)| std::mem::size_of::<Key>() + k.len() + v.weight())
                .sum(),
        }
    }

    /// Reads a JSON value written in a spec (`initial`, `respond`, ...).
    pub fn from_spec(text: &str) -> V {
        V::parse(text.as_bytes()).unwrap_or(V::Null)
    }

    /// Text of a scalar as a signature or a comparison reads it: strings unquoted.
    pub fn text(&self) -> String {
        match self {
            V::Null => String::new(),
            V::Bool(b) => b.to_string(),
            V::Num(n) | V::Str(n) => n.clone(),
            other => other.to_json(),
        }
    }

    /// [`V::text`] without a copy where the value holds its text (strings and numbers).
    pub fn text_ref(&self) -> std::borrow::Cow<'_, str> {
        match self {
            V::Num(n) | V::Str(n) => std::borrow::Cow::Borrowed(n),
            other => std::borrow::Cow::Owned(other.text()),
        }
    }

    /// A member of an object.
    pub fn get(&self, key: &str) -> Option<&V> {
        match self {
            V::Obj(m) => m.iter().find(|(k, _)| same_key(k, key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a dotted path through objects.
    pub fn path(&self, path: &str) -> Option<&V> {
        if !path.as_bytes().contains(&b'.') {
            return self.get(path);
        }
        path.split('.').try_fold(self, |cur, seg| cur.get(seg))
    }

    /// Sets a member of an object (appends when absent).
    pub fn set(&mut self, key: impl Into<Key>, value: V) {
        if let V::Obj(m) = self {
            let key = key.into();
            match m.iter_mut().find(|(k, _)| same_key(k, &key)) {
                Some((_, v)) => *v = value,
                None => m.push((key, value)),
            }
        }
    }

    /// JSON text.
    pub fn to_json(&self) -> String {
        // Room for a typical answer, so it is written without growing.
        let mut s = String::with_capacity(256);
        self.write(&mut s);
        s
    }

    fn write(&self, out: &mut String) {
        match self {
            V::Null => out.push_str("null"),
            V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            V::Num(n) => out.push_str(n),
            V::Str(s) => write_str(out, s),
            V::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            V::Obj(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Whether two member names are equal, the first bytes compared before the rest: the
/// names an object is searched with mostly differ in length or first letter, and then no
/// call to `memcmp` is made (a few hundred per request in the mock).
#[inline]
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// The bytes a JSON string literal escapes: control characters, `"` and `\\`.
const ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Writes a JSON string literal: the runs between characters to escape are copied whole
/// (every escaped character is ASCII, so no run ends inside a character).
fn write_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    // Most strings have nothing to escape: they are copied whole.
    let plain = !s.bytes().any(|b| ESCAPED[usize::from(b)]);
    if plain {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// Why a body is not read as JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonError {
    /// It is not JSON text.
    Syntax,
    /// An object has more members than the limit.
    TooManyMembers(usize),
    /// Objects and arrays nest deeper than the limit.
    TooDeep(u32),
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonError::Syntax => f.write_str("the body is not JSON"),
            JsonError::TooManyMembers(n) => write!(f, "an object has more than {n} members"),
            JsonError::TooDeep(n) => write!(f, "the body nests deeper than {n} levels"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::V;

    #[test]
    fn strings_are_written_with_json_escapes() {
        let text = "a\"b\\c\nd\re\tf\u{1}g\u{1f}h\u{7f}é😀";
        let json = V::Str(text.into()).to_json();
        assert_eq!(json, "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh\u{7f}é😀\"");
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), text);
        assert_eq!(V::Str(String::new()).to_json(), "\"\"");
    }

    #[test]
    fn numbers_and_order_survive_a_round_trip() {
        let text = r#"{"b":1.10,"a":[null,true,"x\"y\u00e9"],"c":{"d":-2e3}}"#;
        let v = V::parse(text.as_bytes()).unwrap();
        assert_eq!(
            v.to_json(),
            r#"{"b":1.10,"a":[null,true,"x\"yé"],"c":{"d":-2e3}}"#
        );
        assert!(V::parse(b"{\"a\":}").is_none());
        assert!(V::parse("[".repeat(200).as_bytes()).is_none());
    }

    #[test]
    fn member_and_depth_limits_stop_the_read_early() {
        use super::JsonError;
        let obj = |n: usize| {
            let m: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
            format!("{{{}}}", m.join(","))
        };
        assert!(V::read(obj(10).as_bytes(), 10, 8).is_ok());
        assert_eq!(
            V::read(obj(11).as_bytes(), 10, 8),
            Err(JsonError::TooManyMembers(10))
        );
        // Nested objects count their own members.
        let nested = format!("{{\"a\":{},\"b\":1}}", obj(10));
        assert!(V::read(nested.as_bytes(), 10, 8).is_ok());
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(V::read(deep(8).as_bytes(), 10, 8).is_ok());
        assert_eq!(
            V::read(deep(9).as_bytes(), 10, 8),
            Err(JsonError::TooDeep(8))
        );
        assert_eq!(V::read(b"{\"a\":}", 10, 8), Err(JsonError::Syntax));
        assert_eq!(V::read(b"[1] x", 10, 8), Err(JsonError::Syntax));
        // A limit crossed wins over text that would be malformed later.
        let over_then_bad = format!("{}garbage", &obj(11)[..obj(11).len() - 1]);
        assert_eq!(
            V::read(over_then_bad.as_bytes(), 10, 8),
            Err(JsonError::TooManyMembers(10))
        );
    }

    #[test]
    fn weight_counts_nodes_strings_and_keys() {
        let small = V::parse(br#"{"a":"x"}"#).unwrap();
        let big = V::parse(format!(r#"{{"a":"{}"}}"#, "x".repeat(10_000)).as_bytes()).unwrap();
        assert!(small.weight() < 200, "{}", small.weight());
        // Capacity, not length: a string grown while read may hold up to twice its text.
        assert!(
            big.weight() >= 10_000 && big.weight() < 20_600,
            "{}",
            big.weight()
        );
        let arr = V::Arr(vec![V::Null; 100]);
        assert_eq!(arr.weight(), 101 * std::mem::size_of::<V>());
    }

    #[test]
    fn whitespace_between_tokens_is_skipped() {
        let v = V::parse(b" \t\r\n{ \"a\" :\n[ 1 ,\t2 ] ,\r\n\"b\" : \"x\" } \n").unwrap();
        assert_eq!(v.to_json(), r#"{"a":[1,2],"b":"x"}"#);
        assert!(V::parse(b"{\"a\":1} x").is_none(), "text after the value");
    }

    #[test]
    fn control_characters_are_escaped_like_json() {
        let v = V::Str("a\u{0}\u{1f} \n\r\t\"\\".into());
        // json.dumps("a\x00\x1f \n\r\t\"\\") == "\"a\\u0000\\u001f \\n\\r\\t\\\"\\\\\""
        assert_eq!(v.to_json(), r#""a\u0000\u001f \n\r\t\"\\""#);
        assert_eq!(V::parse(v.to_json().as_bytes()), Some(v));
    }

    #[test]
    fn paths_and_members() {
        let mut v = V::parse(br#"{"a":{"b":{"c":7}},"x":1}"#).unwrap();
        assert_eq!(v.path("a.b.c"), Some(&V::Num("7".into())));
        assert_eq!(v.path("a.b"), V::parse(br#"{"c":7}"#).as_ref());
        assert_eq!(v.path("a.z"), None);
        assert_eq!(v.path("x.y"), None);
        v.set("x", V::Bool(true));
        v.set("y", V::Null);
        assert_eq!(v.to_json(), r#"{"a":{"b":{"c":7}},"x":true,"y":null}"#);
        let mut not_an_object = V::Num("1".into());
        not_an_object.set("x", V::Null);
        assert_eq!(not_an_object, V::Num("1".into()));
    }

    #[test]
    fn literals_and_nesting_up_to_128_levels() {
        assert_eq!(V::parse(b"false"), Some(V::Bool(false)));
        assert_eq!(
            V::parse(b"[true,false,null]")
                .map(|v| v.to_json())
                .as_deref(),
            Some("[true,false,null]")
        );
        assert!(V::parse(b"fals").is_none());
        let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(V::parse(nest(128).as_bytes()).is_some(), "128 levels");
        assert!(V::parse(nest(129).as_bytes()).is_none(), "129 levels");
        // Depth is per level, not per container seen: many siblings are fine.
        let siblings = format!("[{}]", vec!["[[]]"; 300].join(","));
        assert!(V::parse(siblings.as_bytes()).is_some());
    }

    #[test]
    fn numbers_with_signed_exponents_and_malformed_ones() {
        for t in [
            "1e+5", "1E-5", "-0.5e+10", "0", "-0", "0.05", "-7", "12.50", "10",
        ] {
            assert_eq!(V::parse(t.as_bytes()), Some(V::Num(t.into())), "{t}");
        }
        for t in [
            "1.", "-", "1e", "1e+", "-a", ".5", "+1", "00", "007", "-01", "01.5",
        ] {
            assert_eq!(V::parse(t.as_bytes()), None, "{t}");
        }
    }

    #[test]
    fn string_escapes_as_json_defines_them() {
        let text = br#""q\" b\\ s\/ n\n t\t r\r b\b f\f u\u00e9\u20ac""#;
        assert_eq!(
            V::parse(text),
            Some(V::Str(
                "q\" b\\ s/ n\n t\t r\r b\u{8} f\u{c} u\u{e9}\u{20ac}".into()
            ))
        );
        for bad in [
            &b"\"a\x01b\""[..],
            b"\"a\x1fb\"",
            b"\"\\x\"",
            b"\"\\u12\"",
            b"\"\\u12zz\"",
            b"\"\\u+123\"",
            b"\"\\ud83d\"",
            b"\"\\ud83dx\"",
            b"\"\\ud83d\\u0041\"",
            b"\"\\ude00\"",
            b"\"open",
        ] {
            assert_eq!(V::parse(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        assert_eq!(
            V::parse(b"\"a b\""),
            Some(V::Str("a b".into())),
            "space is the first allowed"
        );
        // A surrogate pair, as Python's json.dumps writes an emoji, is one character.
        assert_eq!(
            V::parse(br#""\ud83d\ude00 \uD83D\uDE01""#),
            Some(V::Str("\u{1f600} \u{1f601}".into()))
        );
    }
}
