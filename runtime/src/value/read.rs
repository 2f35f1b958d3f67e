//! The reader behind [`V::read`]: one pass over the bytes that checks the text against
//! RFC 8259 while it builds the value, with numbers kept as written and member names
//! borrowed where possible. Open containers wait on a stack of their own instead of the
//! call stack, so no nesting, however deep, can overflow it.

use super::{JsonError, Key, V};
use std::borrow::Cow;

/// Reads one JSON document; see [`V::read_known`].
pub(super) fn read(
    text: &[u8],
    members: usize,
    depth: u32,
    known: &dyn Fn(&str) -> Option<&'static str>,
) -> Result<V, JsonError> {
    // Checked whole once, the text is sliced into strings without checking each. Its
    // first byte that is not UTF-8 can only end the read with a syntax error (no JSON
    // outside a string holds one; none inside one may), so reading stops there as at an
    // end the document is never complete at.
    let s = match std::str::from_utf8(text) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&text[..e.valid_up_to()]).unwrap_or_default(),
    };
    let mut reader = Reader {
        text,
        s,
        pos: 0,
        members,
        depth,
        known,
        over: None,
    };
    if let Some(v) = reader.document() {
        return Ok(v);
    }
    Err(match reader.over {
        None => JsonError::Syntax,
        Some((limit, None)) => limit,
        Some((limit, Some(item))) => within(limit, text.get(item..).unwrap_or_default()),
    })
}

/// A limit crossed inside one member or item of the outermost container: a syntax error
/// if the text of that member or item is not JSON. The reader built on serde_json checked
/// each member or item whole before reading into it, and this keeps its answers; it is
/// asked only once a limit is crossed, so serde_json is good enough for the question.
fn within(limit: JsonError, item: &[u8]) -> JsonError {
    let mut de = serde_json::Deserializer::from_slice(item);
    match <&serde_json::value::RawValue as serde::Deserialize>::deserialize(&mut de) {
        Ok(_) => limit,
        Err(_) => JsonError::Syntax,
    }
}

/// A container being read: its members or items so far.
enum Open {
    Arr(Vec<V>),
    /// The members so far, and the name of the one being read.
    Obj(Vec<(Key, V)>, Key),
}

/// The open containers: the innermost, and those around it.
#[derive(Default)]
struct Stack {
    cur: Option<Open>,
    outer: Vec<Open>,
}

impl Drop for Stack {
    /// Left unfinished by text that is not JSON, the containers may hold values nested as
    /// deep as the depth limit allows; they are taken apart without recursing.
    fn drop(&mut self) {
        for open in self.outer.drain(..).chain(self.cur.take()) {
            match open {
                Open::Arr(items) => items.into_iter().for_each(take_apart),
                Open::Obj(members, _) => members.into_iter().for_each(|(_, v)| take_apart(v)),
            }
        }
    }
}

/// Drops a value level by level: its own drop recurses as deep as it nests.
fn take_apart(v: V) {
    let mut values = match v {
        V::Arr(items) => items,
        V::Obj(members) => members.into_iter().map(|(_, v)| v).collect(),
        _ => return,
    };
    while let Some(v) = values.pop() {
        match v {
            V::Arr(items) => values.extend(items),
            V::Obj(members) => values.extend(members.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// The reader's steps answer `None` when the text is not JSON or a limit is crossed.
struct Reader<'t, 'k> {
    /// The whole text.
    text: &'t [u8],
    /// The text up to its first byte that is not UTF-8.
    s: &'t str,
    pos: usize,
    members: usize,
    depth: u32,
    known: &'k dyn Fn(&str) -> Option<&'static str>,
    /// The limit crossed, if one was, and where the member or item of the outermost
    /// container it was crossed in starts (`None` if in that container itself).
    over: Option<(JsonError, Option<usize>)>,
}

impl<'t> Reader<'t, '_> {
    fn document(&mut self) -> Option<V> {
        let mut stack = Stack::default();
        let Stack { cur, outer } = &mut stack;
        // Where the outermost container's current member or item starts.
        let mut item = 0;
        loop {
            // A value: a scalar or an empty container, or else a container opened (with
            // its first member's name read) whose first member or item comes next.
            self.space();
            let open = outer.len() + usize::from(cur.is_some());
            if open == 1 {
                item = self.pos;
            }
            let mut v = match self.peek() {
                Some(b'[') => {
                    self.enter(open, item)?;
                    if self.eat(b']') {
                        V::Arr(Vec::new())
                    } else {
                        outer.extend(cur.replace(Open::Arr(Vec::new())));
                        continue;
                    }
                }
                Some(b'{') => {
                    self.enter(open, item)?;
                    if self.eat(b'}') {
                        V::Obj(Vec::new())
                    } else {
                        let name = self.name(0, open > 0, item)?;
                        // Room for a typical request's members: read without growing.
                        let obj = Open::Obj(Vec::with_capacity(8), name);
                        outer.extend(cur.replace(obj));
                        continue;
                    }
                }
                _ => self.scalar()?,
            };
            // Close the containers the value completes, up to one with more to come.
            loop {
                let Some(top) = cur else {
                    // Nothing but space after the value.
                    self.space();
                    if self.pos != self.text.len() {
                        take_apart(v);
                        return None;
                    }
                    return Some(v);
                };
                self.space();
                let next = self.next();
                v = match top {
                    Open::Arr(items) => {
                        items.push(v);
                        match next {
                            Some(b',') => break,
                            Some(b']') => V::Arr(std::mem::take(items)),
                            _ => return None,
                        }
                    }
                    Open::Obj(members, name) => {
                        members.push((std::mem::take(name), v));
                        match next {
                            Some(b',') => {
                                self.space();
                                *name = self.name(members.len(), !outer.is_empty(), item)?;
                                break;
                            }
                            Some(b'}') => V::Obj(std::mem::take(members)),
                            _ => return None,
                        }
                    }
                };
                *cur = outer.pop();
            }
        }
    }

    /// Steps into a container inside `outer` open ones.
    fn enter(&mut self, outer: usize, item: usize) -> Option<()> {
        if u32::try_from(outer).unwrap_or(u32::MAX) >= self.depth {
            return self.cross(JsonError::TooDeep(self.depth), outer > 0, item);
        }
        self.pos += 1;
        self.space();
        Some(())
    }

    /// A member's name and the colon after it, in an object with `had` members before it
    /// (`nested` in another container): the static text `known` has for the name, or a copy.
    /// (Inlined, as `string` is, into both callers: measured, 4% fewer instructions a body.)
    #[inline(always)]
    fn name(&mut self, had: usize, nested: bool, item: usize) -> Option<Key> {
        if !self.eat(b'"') {
            return None;
        }
        let name = match self.string()? {
            Cow::Borrowed(name) => {
                (self.known)(name).map_or_else(|| name.to_owned().into(), Key::from)
            }
            Cow::Owned(name) => (self.known)(&name).map_or(Key::Owned(name), Key::from),
        };
        if had == self.members {
            return self.cross(JsonError::TooManyMembers(self.members), nested, item);
        }
        self.space();
        self.eat(b':').then_some(name)
    }

    /// Stops at a limit, crossed inside a container `nested` in the outermost one, in its
    /// member or item at `item`.
    fn cross<T>(&mut self, limit: JsonError, nested: bool, item: usize) -> Option<T> {
        self.over = Some((limit, nested.then_some(item)));
        None
    }

    fn scalar(&mut self) -> Option<V> {
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                Some(V::Str(self.string()?.into_owned()))
            }
            Some(b't') => self.literal("true", V::Bool(true)),
            Some(b'f') => self.literal("false", V::Bool(false)),
            Some(b'n') => self.literal("null", V::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &str, v: V) -> Option<V> {
        self.rest().starts_with(word.as_bytes()).then(|| {
            self.pos += word.len();
            v
        })
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    fn number(&mut self) -> Option<V> {
        let b = self.rest();
        let mut end = usize::from(b.first() == Some(&b'-'));
        end += match b.get(end)? {
            b'0' => 1,
            b'1'..=b'9' => 1 + digits(b, end + 1),
            _ => return None,
        };
        if b.get(end) == Some(&b'.') {
            end += 1 + some(digits(b, end + 1))?;
        }
        if let Some(b'e' | b'E') = b.get(end) {
            end += 1 + usize::from(matches!(b.get(end + 1), Some(b'+' | b'-')));
            end += some(digits(b, end))?;
        }
        let text = self.s.get(self.pos..self.pos + end)?;
        self.pos += end;
        Some(V::Num(text.to_owned()))
    }

    /// A string's text, from after its opening quote to after its closing one: borrowed
    /// when it has no escapes.
    #[inline(always)]
    fn string(&mut self) -> Option<Cow<'t, str>> {
        let start = self.pos;
        self.pos += plain(self.rest());
        match self.peek() {
            Some(b'"') => {
                let text = self.s.get(start..self.pos)?;
                self.pos += 1;
                Some(Cow::Borrowed(text))
            }
            Some(b'\\') => self.escaped(start).map(Cow::Owned),
            _ => None,
        }
    }

    /// The rest of a string from its first escape, its text from `start` decoded.
    #[cold]
    #[inline(never)]
    fn escaped(&mut self, start: usize) -> Option<String> {
        let mut out = String::new();
        let mut run = start;
        loop {
            let byte = self.peek();
            if let Some(b'"' | b'\\') = byte {
                out.push_str(self.s.get(run..self.pos)?);
                self.pos += 1;
            }
            match byte {
                // No spare capacity, as serde_json decoded it: `V::weight` counts it.
                Some(b'"') => return Some(out.into_boxed_str().into_string()),
                Some(b'\\') => {
                    out.push(self.escape()?);
                    run = self.pos;
                    self.pos += plain(self.rest());
                }
                _ => return None,
            }
        }
    }

    /// The character an escape stands for, from after its backslash. A `\u` escape of a
    /// surrogate must be the first of a pair: a lone one is refused, as serde_json refuses
    /// it in a string.
    fn escape(&mut self) -> Option<char> {
        Some(match self.next() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let mut code = self.hex()?;
                if (0xd800..0xdc00).contains(&code) {
                    // A high surrogate and the low one that must follow are one character.
                    if !(self.eat(b'\\') && self.eat(b'u')) {
                        return None;
                    }
                    let low = self.hex()?;
                    if !(0xdc00..0xe000).contains(&low) {
                        return None;
                    }
                    code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                }
                // A low surrogate alone is no character.
                char::from_u32(code)?
            }
            _ => return None,
        })
    }

    /// The four hex digits of a `\u` escape.
    fn hex(&mut self) -> Option<u32> {
        let mut unit = 0;
        for _ in 0..4 {
            let digit = self.next().and_then(|b| char::from(b).to_digit(16));
            unit = unit * 16 + digit?;
        }
        Some(unit)
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn rest(&self) -> &'t [u8] {
        self.s.as_bytes().get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek();
        self.pos += 1;
        b
    }

    /// Steps over `b` if it comes next.
    fn eat(&mut self, b: u8) -> bool {
        let next = self.peek() == Some(b);
        self.pos += usize::from(next);
        next
    }
}

/// The number of digits in `b` from `from` on.
fn digits(b: &[u8], from: usize) -> usize {
    let rest = b.get(from..).unwrap_or_default();
    rest.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// `n` if it is not 0: one digit or more.
fn some(n: usize) -> Option<usize> {
    (n > 0).then_some(n)
}

/// The length of the run of bytes at the start of `b` that a string holds as they are:
/// up to a quote, a backslash, a control character or the end. Strings are most of a
/// request's bytes, so they are looked at eight at a time (bytes that are not UTF-8 are
/// out of `b` already).
fn plain(b: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    let (words, _) = b.as_chunks::<8>();
    for (i, word) in words.iter().enumerate() {
        let w = u64::from_le_bytes(*word);
        // The high bit of a byte under 0x20 is set by the subtraction, as is that of a
        // quote or backslash (a zero after the xor); bytes whose own high bit is set are
        // masked off. A borrow can set high bits above a match too, never below one, so
        // the lowest bit set is the first stop.
        let under = w.wrapping_sub(ONES * 0x20);
        let quote = (w ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
        let backslash = (w ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
        let stops = (under | quote | backslash) & !w & HIGH;
        if stops != 0 {
            return i * 8 + (stops.trailing_zeros() / 8) as usize;
        }
    }
    let tail = words.len() * 8;
    tail + b[tail..]
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .unwrap_or(b.len() - tail)
}

#[cfg(test)]
mod tests {
    use super::super::{JsonError, Key, V};

    const SYNTAX: Result<V, JsonError> = Err(JsonError::Syntax);

    fn nest(levels: usize) -> String {
        format!("{}{}", "[".repeat(levels), "]".repeat(levels))
    }

    #[test]
    fn limits_are_refused_where_they_are_crossed() {
        use JsonError::{TooDeep, TooManyMembers};
        // Members are counted per object, and only in objects.
        let items = format!("[{}]", vec!["{\"a\":1}"; 100].join(","));
        assert!(V::read(items.as_bytes(), 1, 8).is_ok());
        assert_eq!(V::read(b"{}", 0, 8), Ok(V::Obj(Vec::new())));
        assert_eq!(V::read(br#"{"a":1}"#, 0, 8), Err(TooManyMembers(0)));
        // In the outermost object: at the name past the limit, whatever follows it.
        assert_eq!(V::read(br#"{"a":1,"b""#, 1, 8), Err(TooManyMembers(1)));
        assert_eq!(V::read(br#"{"a":1,"b":]]"#, 1, 8), Err(TooManyMembers(1)));
        assert_eq!(V::read(br#"{"a":1,"b"#, 1, 8), SYNTAX, "the name unread");
        // Inside a member: only if that member is JSON, as the reader before answered.
        let inner = br#"{"x":{"a":1,"b":2},"y":]"#;
        assert_eq!(V::read(inner, 1, 8), Err(TooManyMembers(1)));
        assert_eq!(V::read(br#"{"x":{"a":1,"b":2 ]"#, 1, 8), SYNTAX);
        assert_eq!(
            V::read(br#"[[{"a":1,"b":2}], ]"#, 1, 8),
            Err(TooManyMembers(1))
        );
        assert_eq!(V::read(br#"[[{"a":1,"b":2}"#, 1, 8), SYNTAX);
        // Depth: the outermost container is level 1; a scalar has none.
        assert_eq!(V::read(b"[", 8, 0), Err(TooDeep(0)));
        assert_eq!(V::read(b" 1 ", 8, 0), Ok(V::Num("1".into())));
        assert_eq!(V::read(b"[[", 8, 1), SYNTAX);
        assert_eq!(V::read(b"[[]", 8, 1), Err(TooDeep(1)));
        assert_eq!(V::read(b"[[], x", 8, 1), Err(TooDeep(1)));
        assert_eq!(V::read(b"[0,[[]]] x", 8, 2), Err(TooDeep(2)));
        assert_eq!(V::read(b"[0,[[]] x", 8, 2), Err(TooDeep(2)));
        assert_eq!(V::read(b"[0,[[] x", 8, 2), SYNTAX);
        // What comes first counts: a lone surrogate before a limit, or after it.
        assert_eq!(V::read(br#"{"a":"\ud800","b":1}"#, 1, 8), SYNTAX);
        assert_eq!(
            V::read(br#"{"a":1,"b":"\ud800"}"#, 1, 8),
            Err(TooManyMembers(1))
        );
        assert_eq!(
            V::read(br#"[{"a":1,"b":"\ud800"}]"#, 1, 8),
            Err(TooManyMembers(1))
        );
    }

    #[test]
    fn a_megabyte_of_nesting_takes_no_stack() {
        let open = "[".repeat(1 << 20);
        assert_eq!(V::parse(open.as_bytes()), None);
        assert_eq!(V::read(open.as_bytes(), usize::MAX, u32::MAX), SYNTAX);
        let objects = r#"{"a":"#.repeat(1 << 18);
        assert_eq!(V::read(objects.as_bytes(), usize::MAX, u32::MAX), SYNTAX);
        let deep = nest(1 << 19);
        assert_eq!(
            V::read(deep.as_bytes(), 9, 128),
            Err(JsonError::TooDeep(128))
        );
        assert_eq!(V::parse(deep.as_bytes()), None);
        // Values nested deeper than a recursive drop could take, left unfinished by the
        // text after them: dropped without recursing.
        let deep = nest(1 << 18);
        assert_eq!(V::read(format!("{deep}x").as_bytes(), 9, u32::MAX), SYNTAX);
        assert_eq!(V::read(format!("[{deep}").as_bytes(), 9, u32::MAX), SYNTAX);
        assert_eq!(
            V::read(format!("{{\"a\":{deep}").as_bytes(), 9, u32::MAX),
            SYNTAX
        );
        // And read whole, within the limit: taken apart here for the same reason.
        let mut v = V::read(deep.as_bytes(), 9, u32::MAX).expect("JSON");
        let mut levels = 0;
        while let V::Arr(mut items) = v {
            v = items.pop().unwrap_or(V::Null);
            levels += 1;
        }
        assert_eq!(levels, 1 << 18);
    }

    #[test]
    fn lone_surrogates_are_refused_and_pairs_joined() {
        for bad in [
            r#""\ud800""#,
            r#""\udbff""#,
            r#""\udc00""#,
            r#""\udfff x""#,
            r#""\ud800\ud800""#,
            r#""\ud800\u0041""#,
            r#""\ud800\n""#,
            r#""\ud800 \udc00""#,
            r#""\udc00\ud800""#,
            r#""\ud800\u""#,
            r#"{"\ud800":1}"#,
        ] {
            assert_eq!(V::parse(bad.as_bytes()), None, "{bad}");
            assert!(
                serde_json::from_str::<serde_json::Value>(bad).is_err(),
                "{bad}"
            );
        }
        let pairs = V::parse(br#"{"\uD834\uDD1E":"\ud800\udc00\udbff\udfff"}"#);
        let (k, v) = ("\u{1d11e}", "\u{10000}\u{10ffff}");
        assert_eq!(pairs, Some(V::Obj(vec![(k.into(), V::Str(v.into()))])));
        assert_eq!(
            V::parse(br#""\ud7ff\ue000""#),
            Some(V::Str("\u{d7ff}\u{e000}".into()))
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_anywhere() {
        for bad in [
            &b"\"\xff\""[..],
            b"\"a\x80\"",
            b"\"\xc3\"",
            b"\"\xc3(\"",
            b"\"\xed\xa0\x80\"",
            b"\"\xf4\x90\x80\x80\"",
            b"\"\xe2\x82\"",
            b"{\"\xff\":1}",
            b"[1,\xff]",
            b"1\xff",
            b"[1]\xff",
            b"\xef\xbb\xbf[1]",
        ] {
            assert_eq!(V::parse(bad), None, "{bad:?}");
            assert!(
                serde_json::from_slice::<serde_json::Value>(bad).is_err(),
                "{bad:?}"
            );
        }
        assert_eq!(
            V::parse("[\"é€😀\u{7f}\"]".as_bytes()),
            Some(V::Arr(vec![V::Str("é€😀\u{7f}".into())]))
        );
    }

    #[test]
    fn control_characters_are_refused_in_strings_unless_escaped() {
        for c in (0u8..0x20).map(char::from) {
            assert_eq!(V::parse(format!("\"a{c}\"").as_bytes()), None, "{c:?}");
            assert_eq!(V::parse(format!("{{\"{c}\":1}}").as_bytes()), None, "{c:?}");
            let escaped = format!("\"\\u{:04x}\"", u32::from(c));
            assert_eq!(V::parse(escaped.as_bytes()), Some(V::Str(c.into())));
        }
        // Space is the four JSON allows between tokens, no other.
        for space in ["\u{b}", "\u{c}", "\u{a0}", "\u{2028}", "\u{feff}"] {
            assert_eq!(V::parse(format!("{space}1").as_bytes()), None, "{space:?}");
        }
        assert_eq!(V::parse(b""), None);
        assert_eq!(V::parse(b" \t\r\n"), None);
    }

    #[test]
    fn numbers_keep_their_text_and_their_grammar() {
        for n in [
            "-0",
            "0",
            "-0.0",
            "1.5e+10",
            "1.5E-10",
            "1e5",
            "0e0",
            "10",
            "-12.50",
            "123456789012345678901234567890",
            "1e400",
            "0.000001",
            "1e007",
        ] {
            assert_eq!(V::parse(n.as_bytes()), Some(V::Num(n.into())), "{n}");
            let inside = format!("[{n},{{\"n\":{n}}}]");
            let read = V::parse(inside.as_bytes()).map(|v| v.to_json());
            assert_eq!(read, Some(inside.clone()), "{inside}");
        }
        for n in [
            "00",
            "01",
            "-01",
            "-00",
            "0123.5",
            "1.",
            ".5",
            "-",
            "--1",
            "+1",
            "1e",
            "1e+",
            "1E-",
            "1.e5",
            "0x10",
            "1_000",
            "Infinity",
            "-Infinity",
            "NaN",
            "1.5.5",
            "1ee5",
        ] {
            assert_eq!(V::parse(n.as_bytes()), None, "{n}");
            assert_eq!(V::parse(format!("[{n}]").as_bytes()), None, "[{n}]");
        }
    }

    #[test]
    fn known_names_are_their_static_text() {
        static AMOUNT: &str = "amount";
        let known = |name: &str| (name == AMOUNT).then_some(AMOUNT);
        let text = br#"{"amount":1,"other":2,"\u0061mount":3,"x":{"amount":4}}"#;
        let Ok(V::Obj(members)) = V::read_known(text, 9, 9, &known) else {
            panic!("not an object");
        };
        let static_text = |k: &Key| matches!(k, Key::Borrowed(s) if std::ptr::eq(*s, AMOUNT));
        let borrowed: Vec<bool> = members.iter().map(|(k, _)| static_text(k)).collect();
        assert_eq!(borrowed, [true, false, true, false]);
        assert_eq!(members[2].0, "amount", "decoded before it is looked up");
        let Some((_, V::Obj(inner))) = members.get(3) else {
            panic!("no inner object");
        };
        assert!(static_text(&inner[0].0));
        // Repeated names are all kept, in order.
        let twice = V::parse(br#"{"a":1,"a":2}"#).map(|v| v.to_json());
        assert_eq!(twice.as_deref(), Some(r#"{"a":1,"a":2}"#));
    }

    #[test]
    fn escaped_strings_hold_no_spare_capacity() {
        let v = V::parse(br#"["\u00e9\n\"\\ long enough to see a spare byte"]"#);
        let Some(V::Arr(items)) = v else {
            panic!("not an array");
        };
        let V::Str(s) = &items[0] else {
            panic!("not a string");
        };
        assert_eq!(s.capacity(), s.len());
    }
}
