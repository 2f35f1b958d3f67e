//! `src/auth.rs` of a generated crate: each auth scheme's signature recipe as a constant.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust_types::docs;
use crate::ir::{Algorithm, DigestEncoding, PartFormat};
use crate::ir::{Api, Part, Scheme, SignedMessage};

/// `TEGRO_API`-style constant name of a scheme's recipe.
pub fn recipe_ident(scheme: &str) -> syn::Ident {
    format_ident!("{}", scheme.to_uppercase())
}

pub fn auth_rs(api: &Api) -> TokenStream {
    let recipes = api.schemes.iter().filter_map(recipe);
    quote! {
        //! Signature recipes of the provider's auth schemes, as data (see `crate::signing`).
        #(#recipes)*
    }
}

fn recipe(s: &Scheme) -> Option<TokenStream> {
    let sig = s.signature.as_ref()?;
    let name = recipe_ident(&s.name);
    let doc = docs(&format!("Signature recipe of the `{}` scheme.", s.name));
    let algorithm = match sig.algorithm {
        Algorithm::HmacSha256 => quote!(HmacSha256),
        Algorithm::Sha256 => quote!(Sha256),
        Algorithm::Md5 => quote!(Md5),
        Algorithm::RsaSha256 => quote!(RsaSha256),
    };
    let opt = |v: &Option<String>| match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    };
    let key = opt(&sig.key);
    let header = opt(&sig.header);
    let field = opt(&sig.field);
    let template = &sig.template;
    let encoding = match sig.encoding {
        DigestEncoding::Hex => quote!(Hex),
        DigestEncoding::Base64 => quote!(Base64),
    };
    let parts = |ps: &[Part]| {
        let items = ps.iter().map(|p| match p {
            Part::Field { wire, format } => {
                let f = match format {
                    Some(PartFormat::PythonFloat) => quote!(PythonFloat),
                    None => quote!(Raw),
                };
                quote!(crate::signing::Part::Field(#wire, crate::signing::Format::#f))
            }
            Part::Credential(c) => quote!(crate::signing::Part::Credential(#c)),
            Part::Literal(l) => quote!(crate::signing::Part::Literal(#l)),
        });
        quote!(&[#(#items),*])
    };
    let message = match &sig.message {
        SignedMessage::Body => quote!(crate::signing::Message::Body),
        SignedMessage::Parts(ps) => {
            let p = parts(ps);
            quote!(crate::signing::Message::Parts(#p))
        }
        SignedMessage::SortedFields { append } => {
            let p = parts(append);
            quote!(crate::signing::Message::SortedFields(#p))
        }
    };
    Some(quote! {
        #doc
        pub const #name: crate::signing::Recipe = crate::signing::Recipe {
            algorithm: crate::signing::Algorithm::#algorithm,
            key: #key,
            message: #message,
            encoding: crate::signing::Encoding::#encoding,
            header: #header,
            template: #template,
            field: #field,
        };
    })
}
