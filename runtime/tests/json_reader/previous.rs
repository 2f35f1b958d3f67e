//! The reader `V::read_known` had before its one-pass rewrite, kept word for word (but for
//! this header and `read` below, its old body) as the reference for its exact answers:
//! serde_json checks the text, each member and item of a container taken as a `&RawValue`
//! and read from its own text one level deeper.

use payspec_runtime::value::{JsonError, Key, V};

/// `V::read_known` as it was.
pub fn read(
    text: &[u8],
    members: usize,
    depth: u32,
    known: &dyn Fn(&str) -> Option<&'static str>,
) -> Result<V, JsonError> {
    let limits = Reader {
        members,
        depth,
        known,
        over: std::cell::Cell::new(None),
    };
    let read = limits.document(text);
    match (read, limits.over.get()) {
        (_, Some(e)) => Err(e),
        (Some(v), None) => Ok(v),
        (None, None) => Err(JsonError::Syntax),
    }
}

/// The reader: serde_json checks the text; every member and item is first taken as a
/// borrowed `&RawValue` (checked, not decoded) and sorted by its first byte: a number keeps
/// its text, a string is decoded, an object or array is read from its own text one level
/// deeper. The limits stop it early: at the first member past `members`, at the first level
/// past `depth`.
struct Reader<'k> {
    members: usize,
    depth: u32,
    /// Static text of the member names it knows.
    known: &'k dyn Fn(&str) -> Option<&'static str>,
    /// The limit crossed, if one was.
    over: std::cell::Cell<Option<JsonError>>,
}

impl Reader<'_> {
    fn document(&self, text: &[u8]) -> Option<V> {
        let start = text
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
        match text.get(start)? {
            // A container is read in place (no scan of the whole document first); `end`
            // refuses text after it.
            b'{' | b'[' => {
                let mut de = serde_json::Deserializer::from_slice(text);
                let v = self.nested(&mut de, 1);
                de.end().ok()?;
                v
            }
            _ => {
                let raw: &serde_json::value::RawValue = serde_json::from_slice(text).ok()?;
                scalar(raw.get())
            }
        }
    }

    /// An object or array at `depth` (the outermost is 1), from a deserializer placed on it.
    fn nested<'de, D: serde::Deserializer<'de>>(&self, de: D, depth: u32) -> Option<V> {
        if depth > self.depth {
            self.over.set(Some(JsonError::TooDeep(self.depth)));
            return None;
        }
        match de.deserialize_any(Nested {
            reader: self,
            depth,
        }) {
            Ok(v) => Some(v),
            Err(e) => {
                // serde_json's own bound on nesting (128) stops a deeper subtree while it is
                // being checked, before this reader reaches it.
                if self.over.get().is_none() && e.to_string().contains("recursion limit") {
                    self.over.set(Some(JsonError::TooDeep(self.depth)));
                }
                None
            }
        }
    }

    /// A member or item of a container at `depth`.
    fn value(&self, raw: &str, depth: u32) -> Option<V> {
        match raw.as_bytes().first()? {
            b'{' | b'[' => self.nested(&mut serde_json::Deserializer::from_str(raw), depth + 1),
            _ => scalar(raw),
        }
    }
}

/// A scalar whose text serde_json has already checked.
fn scalar(raw: &str) -> Option<V> {
    match raw.as_bytes().first()? {
        b'"' => {
            let inner = raw.get(1..raw.len() - 1)?;
            if inner.contains('\\') {
                // Escapes: serde_json decodes them (pairs joined, lone surrogates refused).
                serde_json::from_str(raw).ok().map(V::Str)
            } else {
                Some(V::Str(inner.to_owned()))
            }
        }
        b't' => Some(V::Bool(true)),
        b'f' => Some(V::Bool(false)),
        b'n' => Some(V::Null),
        _ => Some(V::Num(raw.to_owned())),
    }
}

/// The visitor of one object or array.
struct Nested<'r, 'k> {
    reader: &'r Reader<'k>,
    depth: u32,
}

/// A member name: the reader's static text when it knows the name, else a copy.
struct Name<'r, 'k>(&'r Reader<'k>);

impl<'de> serde::de::DeserializeSeed<'de> for Name<'_, '_> {
    type Value = Key;

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Key, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Name<'_, '_> {
    type Value = Key;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(match (self.0.known)(name) {
            Some(known) => Key::Borrowed(known),
            None => Key::Owned(name.to_owned()),
        })
    }

    fn visit_string<E: serde::de::Error>(self, name: String) -> Result<Key, E> {
        Ok(match (self.0.known)(&name) {
            Some(known) => Key::Borrowed(known),
            None => Key::Owned(name),
        })
    }
}

impl<'de> serde::de::Visitor<'de> for Nested<'_, '_> {
    type Value = V;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object or array")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<V, A::Error> {
        use serde::de::Error as _;
        // Room for a typical request's members: read without growing.
        let mut members: Vec<(Key, V)> = Vec::with_capacity(8);
        while let Some(key) = map.next_key_seed(Name(self.reader))? {
            if members.len() == self.reader.members {
                self.reader
                    .over
                    .set(Some(JsonError::TooManyMembers(self.reader.members)));
                return Err(A::Error::custom("too many members"));
            }
            let raw: &'de serde_json::value::RawValue = map.next_value()?;
            let v = self
                .reader
                .value(raw.get(), self.depth)
                .ok_or_else(|| A::Error::custom("refused"))?;
            members.push((key, v));
        }
        Ok(V::Obj(members))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<V, A::Error> {
        use serde::de::Error as _;
        let mut items = Vec::new();
        while let Some(raw) = seq.next_element::<&'de serde_json::value::RawValue>()? {
            let v = self
                .reader
                .value(raw.get(), self.depth)
                .ok_or_else(|| A::Error::custom("refused"))?;
            items.push(v);
        }
        Ok(V::Arr(items))
    }
}
