//! JSON values for the mock server that keep numbers exactly as written, with a reader
//! (through `RawValue`, never through floats) and a writer.

use serde_json::value::RawValue;

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
    Obj(Vec<(String, V)>),
}

impl V {
    /// Reads JSON text; `None` if it is not JSON.
    pub fn parse(text: &[u8]) -> Option<V> {
        let raw: &RawValue = serde_json::from_slice(text).ok()?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: &RawValue) -> Option<V> {
        let t = raw.get().trim();
        Some(match t.as_bytes().first()? {
            b'{' => {
                let members = ordered_members(t)?;
                V::Obj(members.into_iter().map(|(k, v)| Some((k, Self::from_raw(v)?))).collect::<Option<_>>()?)
            }
            b'[' => {
                let items: Vec<&RawValue> = serde_json::from_str(t).ok()?;
                V::Arr(items.into_iter().map(Self::from_raw).collect::<Option<_>>()?)
            }
            b'"' => V::Str(serde_json::from_str(t).ok()?),
            b't' => V::Bool(true),
            b'f' => V::Bool(false),
            b'n' => V::Null,
            _ => V::Num(t.to_string()),
        })
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

    /// A member of an object.
    pub fn get(&self, key: &str) -> Option<&V> {
        match self {
            V::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a dotted path through objects.
    pub fn path(&self, path: &str) -> Option<&V> {
        path.split('.').try_fold(self, |cur, seg| cur.get(seg))
    }

    /// Sets a member of an object (appends when absent).
    pub fn set(&mut self, key: &str, value: V) {
        if let V::Obj(m) = self {
            match m.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => *v = value,
                None => m.push((key.to_string(), value)),
            }
        }
    }

    /// JSON text.
    pub fn to_json(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }

    fn write(&self, out: &mut String) {
        match self {
            V::Null => out.push_str("null"),
            V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            V::Num(n) => out.push_str(n),
            V::Str(s) => out.push_str(&serde_json::Value::String(s.clone()).to_string()),
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
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Object members in document order (serde_json maps would sort them).
fn ordered_members(text: &str) -> Option<Vec<(String, &RawValue)>> {
    struct Ordered<'a>(Vec<(String, &'a RawValue)>);
    impl<'de> serde::Deserialize<'de> for Ordered<'de> {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Ordered<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    let mut v = Vec::new();
                    while let Some((k, raw)) = map.next_entry::<String, &'de RawValue>()? {
                        v.push((k, raw));
                    }
                    Ok(Ordered(v))
                }
            }
            d.deserialize_map(Visit)
        }
    }
    serde_json::from_str::<Ordered<'_>>(text).ok().map(|o| o.0)
}
