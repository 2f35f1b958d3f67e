//! `src/types.rs` of a generated crate: objects and open enums; and `src/dates.rs`, one
//! codec per date format.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust_types::{docs, field_type, ident, serde_attrs};
use crate::ir::{Api, DateKind, Field, TypeDecl, TypeKind, Variant};

pub fn types_rs(api: &Api) -> TokenStream {
    let decls = api.types.iter().map(|t| type_decl(api, t));
    quote! {
        //! Data types of the API: objects and open enums, with their wire forms.
        #(#decls)*
    }
}

fn type_decl(api: &Api, t: &TypeDecl) -> TokenStream {
    match &t.kind {
        TypeKind::Object(fields) => object(api, &t.name, &t.doc, fields, true),
        TypeKind::Enum { integer, variants } => open_enum(&t.name, &t.doc, *integer, variants),
    }
}

/// A struct with pub fields, serde derives, a constructor taking the required fields and
/// `with_*` setters for the optional ones.
pub fn object(
    api: &Api,
    name: &str,
    doc: &str,
    fields: &[Field],
    deserialize: bool,
) -> TokenStream {
    let name_id = ident(name);
    let doc = docs(if doc.is_empty() { name } else { doc });
    let members = fields.iter().map(|f| {
        let id = ident(&f.ident);
        let ty = field_type(api, f);
        let attrs = serde_attrs(api, f);
        let fdoc = docs(&field_doc(f));
        quote! { #fdoc #attrs pub #id: #ty, }
    });
    let derive_de = if deserialize {
        quote!(serde::Deserialize,)
    } else {
        quote!()
    };
    let ctor = constructor(api, fields);
    let default = if fields.iter().all(|f| f.optional) {
        quote!(impl Default for #name_id { fn default() -> Self { Self::new() } })
    } else {
        quote!()
    };
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, serde::Serialize, #derive_de)]
        pub struct #name_id { #(#members)* }
        impl #name_id { #ctor }
        #default
    }
}

/// The field's doc, or a plain description of the wire name.
fn field_doc(f: &Field) -> String {
    let base = if f.doc.is_empty() {
        format!("`{}` on the wire.", f.wire)
    } else {
        f.doc.clone()
    };
    match (f.optional, f.nullable) {
        (true, true) => format!("{base}\n\n`None`: absent; `Some(None)`: `null`."),
        _ => base,
    }
}

/// `new(required…)` and `with_*(optional)` setters; `to_wire_text` for query use.
pub fn constructor(api: &Api, fields: &[Field]) -> TokenStream {
    let fixed = |f: &Field| f.limits.constant.is_some();
    let required: Vec<&Field> = fields.iter().filter(|f| !f.optional && !fixed(f)).collect();
    // Text fields take anything that becomes a `String`.
    let text = |f: &Field| f.ty == crate::ir::Ty::String && !f.nullable;
    let params = required.iter().map(|f| {
        let id = ident(&f.ident);
        if text(f) {
            quote!(#id: impl Into<String>)
        } else {
            let ty = field_type(api, f);
            quote!(#id: #ty)
        }
    });
    let inits = fields.iter().map(|f| {
        let id = ident(&f.ident);
        if let Some(c) = &f.limits.constant {
            let v = constant_value(api, f, c);
            if f.optional {
                quote!(#id: Some(#v))
            } else {
                quote!(#id: #v)
            }
        } else if f.optional {
            quote!(#id: None)
        } else if text(f) {
            quote!(#id: #id.into())
        } else {
            quote!(#id)
        }
    });
    let setters = fields.iter().filter(|f| f.optional && !fixed(f)).map(|f| {
        let id = ident(&f.ident);
        let setter = format_ident!("with_{}", crate::ir::naming::bare(&f.ident));
        let (inner, value) = if f.ty == crate::ir::Ty::String {
            (quote!(impl Into<String>), quote!(value.into()))
        } else {
            (super::rust_types::rust_type(api, &f.ty), quote!(value))
        };
        let doc = docs(&format!("Sets `{}`.", f.wire));
        let value = if f.nullable {
            quote!(Some(Some(#value)))
        } else {
            quote!(Some(#value))
        };
        quote! {
            #doc
            pub fn #setter(mut self, value: #inner) -> Self { self.#id = #value; self }
        }
    });
    let allow = if required.len() > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    quote! {
        /// Creates a value from its required fields; optional ones start empty.
        #allow
        pub fn new(#(#params),*) -> Self { Self { #(#inits),* } }
        #(#setters)*
        /// The value as JSON text (for query parameters that carry an object).
        pub fn to_wire_text(&self) -> String { serde_json::to_string(self).unwrap_or_default() }
    }
}

fn open_enum(name: &str, doc: &str, integer: bool, variants: &[Variant]) -> TokenStream {
    let name_id = ident(name);
    let doc = docs(&format!(
        "{}\n\nOpen enum: values the docs do not list arrive as `Unknown` and are sent back unchanged.",
        if doc.is_empty() { name } else { doc }
    ));
    let vdecl = variants.iter().map(|v| {
        let id = ident(&v.ident);
        let d = docs(&if v.doc.is_empty() {
            format!("`{}`", v.wire)
        } else {
            format!("`{}`: {}", v.wire, v.doc)
        });
        quote!(#d #id,)
    });
    if integer {
        let codes: Vec<i64> = variants
            .iter()
            .map(|v| v.wire.parse().unwrap_or_default())
            .collect();
        let ids: Vec<syn::Ident> = variants.iter().map(|v| ident(&v.ident)).collect();
        quote! {
            #doc
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            pub enum #name_id { #(#vdecl)* /// A value the docs do not list.
                Unknown(i64), }
            impl #name_id {
                /// The value on the wire.
                pub fn code(&self) -> i64 { match self { #(Self::#ids => #codes,)* Self::Unknown(c) => *c } }
                /// The variant for a wire value.
                pub fn from_code(code: i64) -> Self { match code { #(#codes => Self::#ids,)* other => Self::Unknown(other) } }
                /// The value as query text.
                pub fn to_wire_text(&self) -> String { self.code().to_string() }
            }
            impl std::fmt::Display for #name_id {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "{}", self.code()) }
            }
            impl serde::Serialize for #name_id {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_i64(self.code()) }
            }
            impl<'de> serde::Deserialize<'de> for #name_id {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    <i64 as serde::Deserialize>::deserialize(d).map(Self::from_code)
                }
            }
        }
    } else {
        let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
        let ids: Vec<syn::Ident> = variants.iter().map(|v| ident(&v.ident)).collect();
        quote! {
            #doc
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            pub enum #name_id { #(#vdecl)* /// A value the docs do not list.
                Unknown(String), }
            impl #name_id {
                /// The value on the wire.
                pub fn as_str(&self) -> &str { match self { #(Self::#ids => #wires,)* Self::Unknown(s) => s } }
                /// The value as query text.
                pub fn to_wire_text(&self) -> String { self.as_str().to_string() }
            }
            impl From<&str> for #name_id {
                fn from(s: &str) -> Self { match s { #(#wires => Self::#ids,)* other => Self::Unknown(other.to_string()) } }
            }
            impl std::fmt::Display for #name_id {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
            }
            impl serde::Serialize for #name_id {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
            }
            impl<'de> serde::Deserialize<'de> for #name_id {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d).map(|s| Self::from(s.as_ref()))
                }
            }
        }
    }
}

/// One codec per date format, with the exact format of the provider.
pub fn dates_rs(api: &Api) -> TokenStream {
    let codecs = api.date_formats.iter().map(|d| {
        let id = ident(&d.ident);
        let doc = docs(&format!("Dates written as `{}`.", d.format));
        let value = match d.kind {
            DateKind::Date => quote!(time::Date),
            DateKind::Primitive => quote!(time::PrimitiveDateTime),
            DateKind::Offset => quote!(time::OffsetDateTime),
        };
        if d.format == "rfc3339" {
            return quote! {
                #doc
                pub struct #id;
                impl #id {
                    /// The value as the provider writes it.
                    pub fn text(v: &#value) -> String { v.format(&time::format_description::well_known::Rfc3339).unwrap_or_default() }
                    /// Reads the provider's text.
                    pub fn parse(s: &str) -> Result<#value, time::error::Parse> { #value::parse(s, &time::format_description::well_known::Rfc3339) }
                }
                impl crate::wire::Codec for #id {
                    type Value = #value;
                    fn serialize<S: serde::Serializer>(v: &Self::Value, s: S) -> Result<S::Ok, S::Error> { <crate::wire::Rfc3339 as crate::wire::Codec>::serialize(v, s) }
                    fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self::Value, D::Error> { <crate::wire::Rfc3339 as crate::wire::Codec>::deserialize(d) }
                }
            };
        }
        let f = &d.format;
        let (ser, de) = match d.kind {
            DateKind::Date => (quote!(ser_date), quote!(de_date)),
            DateKind::Primitive => (quote!(ser_datetime), quote!(de_datetime)),
            DateKind::Offset => (quote!(ser_offset_datetime), quote!(de_offset_datetime)),
        };
        quote! {
            #doc
            pub struct #id;
            impl #id {
                const FORMAT: &'static [time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(#f);
                /// The value as the provider writes it.
                pub fn text(v: &#value) -> String { v.format(Self::FORMAT).unwrap_or_default() }
                /// Reads the provider's text.
                pub fn parse(s: &str) -> Result<#value, time::error::Parse> { #value::parse(s, Self::FORMAT) }
            }
            impl crate::wire::Codec for #id {
                type Value = #value;
                fn serialize<S: serde::Serializer>(v: &Self::Value, s: S) -> Result<S::Ok, S::Error> { crate::wire::#ser(v, Self::FORMAT, s) }
                fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self::Value, D::Error> { crate::wire::#de(Self::FORMAT, d) }
            }
        }
    });
    quote! {
        //! Date codecs, one per format the provider uses.
        #(#codecs)*
    }
}

/// The Rust expression of a field's fixed value (`const:` in the spec): text, a number, a
/// boolean or an enum variant. The validator admits no other type.
fn constant_value(api: &Api, f: &Field, c: &str) -> TokenStream {
    use crate::ir::Ty;
    match &f.ty {
        Ty::String => quote!(#c.to_string()),
        Ty::StringOrNumber => quote!(crate::wire::StringOrNumber::from(#c)),
        Ty::Integer(_) => match c.parse::<i64>() {
            Ok(n) => quote!(#n),
            Err(_) => quote!(compile_error!("payspec: a const that is not an integer")),
        },
        Ty::Bool => {
            let b = c == "true";
            quote!(#b)
        }
        Ty::Named(n) => {
            let variant = api
                .types
                .iter()
                .find(|t| t.name == *n)
                .and_then(|t| match &t.kind {
                    crate::ir::TypeKind::Enum { variants, .. } => {
                        variants.iter().find(|v| v.wire == c)
                    }
                    _ => None,
                });
            match variant {
                Some(v) => {
                    let (ty, var) = (ident(n), ident(&v.ident));
                    quote!(crate::types::#ty::#var)
                }
                None => quote!(compile_error!("payspec: a const outside its enum")),
            }
        }
        _ => quote!(compile_error!(
            "payspec: a const of a type without constants"
        )),
    }
}
