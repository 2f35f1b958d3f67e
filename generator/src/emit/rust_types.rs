//! Rust types and serde attributes for IR types: which Rust type a field has, and which
//! codec keeps its wire form.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Api, DateKind, Field, NumWire, Ty};

/// Parses an identifier that may be raw (`r#type`).
pub fn ident(s: &str) -> syn::Ident {
    match s.strip_prefix("r#") {
        Some(raw) => format_ident!("r#{}", raw),
        None => format_ident!("{}", s),
    }
}

/// The Rust type of `ty` (without optionality).
pub fn rust_type(api: &Api, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::StringOrNumber => quote!(crate::wire::StringOrNumber),
        Ty::Integer(_) => quote!(i64),
        Ty::Bool => quote!(bool),
        Ty::Decimal(_) => quote!(rust_decimal::Decimal),
        Ty::Date(_) => quote!(time::Date),
        Ty::DateTime(i) => match api.date_format(*i).map(|d| d.kind) {
            Some(DateKind::Primitive) => quote!(time::PrimitiveDateTime),
            _ => quote!(time::OffsetDateTime),
        },
        Ty::Any => quote!(serde_json::Value),
        Ty::Named(n) => {
            let n = ident(n);
            quote!(crate::types::#n)
        }
        Ty::Array(i) => {
            let i = rust_type(api, i);
            quote!(Vec<#i>)
        }
        Ty::Map(i) => {
            let i = rust_type(api, i);
            quote!(std::collections::BTreeMap<String, #i>)
        }
    }
}

/// The Rust type of a field, with `Option` for optional or nullable ones.
pub fn field_type(api: &Api, f: &Field) -> TokenStream {
    let t = rust_type(api, &f.ty);
    match (f.optional, f.nullable) {
        (true, true) => quote!(Option<Option<#t>>),
        (false, false) => t,
        _ => quote!(Option<#t>),
    }
}

/// Codec path for a leaf type whose wire form serde would not keep by itself.
fn codec(api: &Api, ty: &Ty) -> Option<String> {
    Some(match ty {
        Ty::Decimal(w) => match w {
            NumWire::Number => "crate::wire::DecimalNumber".into(),
            NumWire::String => "crate::wire::DecimalString".into(),
            NumWire::NumberOrString => "crate::wire::DecimalNumberOrString".into(),
            NumWire::StringOrNumber => "crate::wire::DecimalStringOrNumber".into(),
        },
        Ty::Integer(w) => match w {
            NumWire::Number => return None,
            NumWire::String => "crate::wire::IntString".into(),
            NumWire::NumberOrString => "crate::wire::IntNumberOrString".into(),
            NumWire::StringOrNumber => "crate::wire::IntStringOrNumber".into(),
        },
        Ty::Date(i) | Ty::DateTime(i) => {
            format!("crate::dates::{}", api.date_format(*i)?.ident)
        }
        _ => return None,
    })
}

/// `#[serde(...)]` attributes of a field: wire name, absence, and the codec.
pub fn serde_attrs(api: &Api, f: &Field) -> TokenStream {
    let mut parts: Vec<TokenStream> = Vec::new();
    let bare = crate::ir::naming::bare(&f.ident);
    if f.wire != bare {
        let w = &f.wire;
        parts.push(quote!(rename = #w));
    }
    for a in &f.aliases {
        parts.push(quote!(alias = #a));
    }
    if f.optional {
        parts.push(quote!(default, skip_serializing_if = "Option::is_none"));
    }
    let (leaf, shape) = match &f.ty {
        Ty::Array(i) => (i.as_ref(), "vec"),
        Ty::Map(i) => (i.as_ref(), "map"),
        t => (t, "one"),
    };
    let codec = codec(api, leaf);
    let shape = match (f.optional, f.nullable, shape) {
        (true, true, "one") => "opt2",
        (false, false, s) => s,
        (_, _, "one") => "opt",
        (_, _, "vec") => "opt_vec",
        (_, _, _) => "opt_map",
    };
    match codec {
        Some(c) => {
            let ser = format!("crate::wire::ser_{shape}::<{c}, _>");
            let de = format!("crate::wire::de_{shape}::<{c}, _>");
            parts.push(quote!(serialize_with = #ser, deserialize_with = #de));
        }
        None if shape == "opt2" => {
            parts.push(quote!(deserialize_with = "crate::wire::de_double_option"));
        }
        None => {}
    }
    if parts.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#parts),*)])
    }
}

/// Doc attributes from text (one `#[doc]` per line so rustdoc keeps paragraphs).
pub fn docs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| format!(" {}", escape_doc(l)));
    quote!(#(#[doc = #lines])*)
}

/// Doc lines written by the generator itself, in markdown (intra-doc links work).
pub fn markdown_docs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| format!(" {l}"));
    quote!(#(#[doc = #lines])*)
}

/// Keeps rustdoc from reading spec text's `[x]` as a link or `<x>` as HTML. Code spans
/// (between backticks) are left as written: rustdoc shows them verbatim.
pub fn escape_doc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_code = false;
    for c in s.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '[' | ']' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// An expression turning `v` (a reference to a value of `ty`) into its wire text, for query
/// and form parameters and signature parts.
pub fn to_text(api: &Api, ty: &Ty, v: TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote!(#v.clone()),
        Ty::StringOrNumber => quote!(#v.as_str().to_string()),
        Ty::Integer(_) | Ty::Bool | Ty::Decimal(_) => quote!(#v.to_string()),
        Ty::Date(_) | Ty::DateTime(_) => {
            let c = codec(api, ty).unwrap_or_default();
            let c: syn::Path =
                syn::parse_str(&c).unwrap_or_else(|_| syn::parse_quote!(crate::wire::Unknown));
            quote!(#c::text(&#v))
        }
        Ty::Named(_) => quote!(#v.to_wire_text()),
        Ty::Any => quote!(#v.to_string()),
        Ty::Array(_) | Ty::Map(_) => quote!(serde_json::to_string(&#v).unwrap_or_default()),
    }
}

/// A statement pushing field `f` of `owner` (e.g. `request`) as `(wire name, text)` onto
/// `target` (e.g. `out.query`); absent optional values push nothing.
pub fn push_text(api: &Api, f: &Field, owner: TokenStream, target: TokenStream) -> TokenStream {
    let w = &f.wire;
    let id = ident(&f.ident);
    if f.optional || f.nullable {
        let pat = if f.optional && f.nullable {
            quote!(Some(Some(v)))
        } else {
            quote!(Some(v))
        };
        let text = to_text(api, &f.ty, quote!(v));
        quote!(if let #pat = &#owner.#id { #target.push((#w.to_string(), #text)); })
    } else {
        let text = to_text(api, &f.ty, quote!(#owner.#id));
        quote!(#target.push((#w.to_string(), #text));)
    }
}

#[cfg(test)]
mod tests {
    use super::escape_doc;

    #[test]
    fn spec_text_is_escaped_outside_code_spans_only() {
        assert_eq!(
            escape_doc("a [b] <c> `[d] <e>` [f]"),
            "a \\[b\\] &lt;c&gt; `[d] <e>` \\[f\\]"
        );
        assert_eq!(escape_doc("`x` and ``"), "`x` and ``");
    }
}
