//! The IR's own vocabulary: typed ids for cross-references and the closed sets (methods,
//! encodings, locations, signature algorithms, mock actions, error cases) the emitters
//! match on. Converted once from the spec model, so emitters never read `spec::model`.

use crate::spec::model as m;

/// A position in one of the IR's lists, typed by what it points at.
macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        pub struct $name(pub usize);
    };
}

id!(
    /// A named type: its position in `Api::types`.
    TypeId
);
id!(
    /// An auth scheme: its position in `Api::schemes`.
    SchemeId
);
id!(
    /// An endpoint: its position in `Api::endpoints`.
    EndpointId
);
id!(
    /// A webhook: its position in `Api::webhooks`.
    WebhookId
);
id!(
    /// A mock resource: its position in `Mock::resources`.
    ResourceId
);
id!(
    /// A date format: its position in `Api::date_formats`.
    DateFormatId
);

/// An enum of the IR with the same variants as the spec model's, and the conversion.
macro_rules! mirror {
    ($(#[$doc:meta])* $name:ident { $($body:tt)* }) => {
        mirror!($(#[$doc])* $name from $name { $($body)* });
    };
    ($(#[$doc:meta])* $name:ident from $source:ident { $($(#[$vdoc:meta])* $variant:ident => $model:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
        pub enum $name {
            #[default]
            $($(#[$vdoc])* $variant),*
        }

        impl From<m::$source> for $name {
            fn from(x: m::$source) -> Self {
                match x {
                    $(m::$source::$model => $name::$variant),*
                }
            }
        }
    };
}

mirror!(
    /// An HTTP method.
    Method { Get => GET, Post => POST, Put => PUT, Patch => PATCH, Delete => DELETE }
);
mirror!(
    /// Where a request's non-path fields travel.
    Encoding { Json => Json, Query => Query, Form => Form }
);
mirror!(
    /// Where a request field travels.
    ParamIn { Body => Body, Query => Query, Path => Path, Header => Header }
);
mirror!(
    /// How an injected nonce counts.
    NonceStyle { UnixMillis => UnixMillis, UnixSeconds => UnixSeconds }
);
mirror!(
    /// A signature's digest algorithm.
    Algorithm { HmacSha256 => HmacSha256, Sha256 => Sha256, Md5 => Md5, RsaSha256 => RsaSha256 }
);
mirror!(
    /// How a digest is written.
    DigestEncoding { Hex => Hex, Base64 => Base64 }
);
mirror!(
    /// How a signed field is formatted.
    PartFormat { PythonFloat => PythonFloat }
);
mirror!(
    /// How the mock makes a resource's ids.
    IdStyle { Sequence => Sequence, Hex => Hex, Given => Given }
);

impl Method {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// What the mock does for an endpoint, with the resource it acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Action {
    Create(ResourceId),
    Read(ResourceId),
    List(ResourceId),
    Update(ResourceId),
    Fire(ResourceId),
    Totals,
    Fixed,
}

mirror!(
    /// A situation the mock answers with the provider's error shape.
    Case from ErrorCase {
        Unauthorized => Unauthorized,
        ReplayedNonce => ReplayedNonce,
        MissingField => MissingField,
        InvalidField => InvalidField,
        Malformed => Malformed,
        NotFound => NotFound,
        Duplicate => Duplicate,
        InsufficientFunds => InsufficientFunds,
        Internal => Internal,
    }
);
