//! `source:` — where in the provider's vendored docs a spec item was written from. One
//! citation or a list; each is `doc#Heading`, `doc#Parent > Heading` when a heading repeats,
//! or `none` for an item the docs say nothing about (it then needs a `note:`).

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::located::{Loc, Sp};

/// The citations of one item, in the order written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sources(pub Vec<Sp<String>>);

/// What `none` means: the docs are silent, and the item's `note:` says what was assumed.
pub const NONE: &str = "none";

impl Sources {
    /// Each citation with its location; a lone string takes the location of the whole value.
    pub fn located(sp: &Sp<Sources>) -> impl Iterator<Item = (&str, Loc)> {
        sp.value.0.iter().map(move |c| {
            let loc = if c.loc.is_unknown() { sp.loc } else { c.loc };
            (c.value.as_str(), loc)
        })
    }

    /// True for `source: none`.
    pub fn is_none(&self) -> bool {
        self.0.len() == 1 && self.0[0].value == NONE
    }
}

impl<'de> Deserialize<'de> for Sources {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Sources;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a citation `doc#Heading`, a list of them, or `none`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Sources, E> {
                Ok(Sources(vec![Sp::new(v.to_string(), Loc::default())]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Sources, A::Error> {
                let mut out = Vec::new();
                while let Some(c) = seq.next_element::<Sp<String>>()? {
                    out.push(c);
                }
                Ok(Sources(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Sources {
    fn schema_name() -> Cow<'static, str> {
        "Sources".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Where in the vendored docs this was written from: `doc#Heading`, `doc#Parent > Heading`, a list of those, or `none` (then give a `note:`).",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" }, "minItems": 1 }
            ]
        })
    }
}
