//! The intermediate representation between a validated spec and the emitters: names, Rust
//! types, wire forms, signing recipes and defaults are all resolved here, once, so emitters
//! and templates only read precomputed values.

mod build;
mod kinds;
pub mod naming;

pub use build::{BuildError, build};
pub use kinds::{
    Action, Algorithm, Case, DateFormatId, DigestEncoding, Encoding, EndpointId, IdStyle, Method,
    NonceStyle, ParamIn, PartFormat, ResourceId, SchemeId, TypeId, WebhookId,
};

use serde::Serialize;

/// One provider's API, ready to emit.
#[derive(Debug, Serialize)]
pub struct Api {
    /// Path of the spec, relative to the repository root (`specs/tegro-money.yaml`).
    pub spec_file: String,
    pub name: String,
    pub crate_name: String,
    /// The crate name as a Rust path segment (`tegro_money`).
    pub lib_name: String,
    pub description: String,
    pub base_url: String,
    pub sandbox_url: Option<String>,
    /// How the customer pays: the endpoint and field of the payment link, and what the spec
    /// says of a signed form.
    pub payment_page: Option<PaymentPage>,
    /// The crate's version (`provider.version`).
    pub version: String,
    /// Released versions, newest first.
    pub changelog: Vec<Release>,
    pub docs: Vec<DocLink>,
    pub credentials: Vec<Credential>,
    pub schemes: Vec<Scheme>,
    pub types: Vec<TypeDecl>,
    pub endpoints: Vec<Endpoint>,
    pub webhooks: Vec<Webhook>,
    pub envelope: Option<Envelope>,
    pub errors: Errors,
    /// Date formats used anywhere, each emitted once as a codec.
    pub date_formats: Vec<DateFormat>,
    pub mock: Option<Mock>,
    /// What the crate needs beyond the common runtime (drives dependencies and fields).
    pub needs: Needs,
}

impl Api {
    /// An auth scheme by id.
    pub fn scheme(&self, id: SchemeId) -> Option<&Scheme> {
        self.schemes.get(id.0)
    }

    /// A date format by id.
    pub fn date_format(&self, id: DateFormatId) -> Option<&DateFormat> {
        self.date_formats.get(id.0)
    }

    /// A webhook by id.
    pub fn webhook(&self, id: WebhookId) -> Option<&Webhook> {
        self.webhooks.get(id.0)
    }

    /// A named type by id.
    pub fn type_id(&self, name: &str) -> Option<TypeId> {
        self.types.iter().position(|t| t.name == name).map(TypeId)
    }

    /// Whether the Rust type of `ty` is `Copy` (numbers, dates, integer enums): passed by
    /// value, not borrowed.
    pub fn is_copy(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Integer(_) | Ty::Bool | Ty::Decimal(_) | Ty::Date(_) | Ty::DateTime(_) => true,
            Ty::Named(n) => self
                .types
                .iter()
                .any(|t| t.name == *n && matches!(t.kind, TypeKind::Enum { integer: true, .. })),
            _ => false,
        }
    }
}

/// How the customer reaches the page where they pay.
#[derive(Debug, Clone, Serialize)]
pub struct PaymentPage {
    /// `(endpoint, field)` of the payment link.
    pub link: Option<(String, String)>,
    /// Why no signed form is generated.
    pub note: String,
}

/// The version a spec without `provider.version` gives its crate.
pub const DEFAULT_VERSION: &str = "0.1.0";

/// One released version of the crate and what changed in it.
#[derive(Debug, Serialize)]
pub struct Release {
    pub version: String,
    pub changes: Vec<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct Needs {
    /// An RSA signature scheme: the crate depends on `rsa` and `base64`.
    pub rsa: bool,
    /// An injected nonce: the client keeps a nonce counter.
    pub nonce: bool,
}

#[derive(Debug, Serialize)]
pub struct DocLink {
    pub title: String,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Credential {
    pub name: String,
    pub ident: String,
    pub doc: String,
    pub secret: bool,
    pub example: Option<String>,
    /// Other sample values the mock accepts.
    pub aliases: Vec<String>,
    /// Needed by the client's own calls (else only by webhook verification).
    pub for_client: bool,
}

/// A resolved auth scheme.
#[derive(Debug, Clone, Serialize)]
pub struct Scheme {
    pub name: String,
    pub inject: Vec<Injected>,
    pub token: Option<Token>,
    pub basic: Option<Basic>,
    pub signature: Option<Signature>,
    /// Credentials the scheme reads, in declaration order.
    pub credentials: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Injected {
    pub wire: String,
    pub source: InjectSource,
}

#[derive(Debug, Clone, Serialize)]
pub enum InjectSource {
    Credential(String),
    Nonce(#[serde(skip)] NonceStyle),
}

#[derive(Debug, Clone, Serialize)]
pub struct Token {
    pub credential: String,
    pub query: Option<String>,
    pub header: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Basic {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Signature {
    #[serde(skip)]
    pub algorithm: Algorithm,
    pub key: Option<String>,
    pub message: SignedMessage,
    #[serde(skip)]
    pub encoding: DigestEncoding,
    pub header: Option<String>,
    /// Header value with `{signature}`.
    pub template: String,
    pub field: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub enum SignedMessage {
    Body,
    Parts(Vec<Part>),
    SortedFields { append: Vec<Part> },
}

#[derive(Debug, Clone, Serialize)]
pub enum Part {
    Field {
        wire: String,
        #[serde(skip)]
        format: Option<PartFormat>,
    },
    Credential(String),
    Literal(String),
}

/// A named type: an object or an open enum.
#[derive(Debug, Serialize)]
pub struct TypeDecl {
    pub name: String,
    pub doc: String,
    pub kind: TypeKind,
}

#[derive(Debug, Serialize)]
pub enum TypeKind {
    Object(Vec<Field>),
    Enum {
        integer: bool,
        variants: Vec<Variant>,
    },
}

#[derive(Debug, Serialize)]
pub struct Variant {
    pub ident: String,
    pub wire: String,
    pub doc: String,
}

/// A field with everything an emitter needs.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    /// Rust identifier (`r#type` for keywords).
    pub ident: String,
    pub wire: String,
    pub doc: String,
    pub ty: Ty,
    pub optional: bool,
    pub nullable: bool,
    #[serde(skip)]
    pub location: ParamIn,
    pub limits: Limits,
    /// Other wire names accepted on input.
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Limits {
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub pattern: Option<String>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub exclusive_minimum: Option<i64>,
    pub exclusive_maximum: Option<i64>,
    /// The enum values allowed, where the type has more (empty: all).
    pub allowed: Vec<String>,
    /// The one value the field has; the client fills it in.
    pub constant: Option<String>,
    pub required_if: Option<Condition>,
    pub forbidden_if: Option<Condition>,
}

/// A condition on another field of the same request or object, by its wire name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub field: String,
    pub values: Vec<String>,
    /// True: holds when the value is none of `values`.
    pub negate: bool,
}

/// A resolved field type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Ty {
    String,
    /// Documented as a string, sometimes sent as a number: the form is kept.
    StringOrNumber,
    Integer(NumWire),
    Bool,
    Decimal(NumWire),
    Date(DateFormatId),
    DateTime(DateFormatId),
    Any,
    Named(String),
    Array(Box<Ty>),
    Map(Box<Ty>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NumWire {
    Number,
    String,
    NumberOrString,
    StringOrNumber,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateFormat {
    /// Codec type name, e.g. `DateTimeFormat1`.
    pub ident: String,
    /// `time` format description, or `rfc3339`.
    pub format: String,
    pub kind: DateKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DateKind {
    Date,
    /// No offset in the format.
    Primitive,
    Offset,
}

#[derive(Debug, Serialize)]
pub struct Endpoint {
    pub name: String,
    pub fn_ident: String,
    pub summary: String,
    pub doc: String,
    #[serde(skip)]
    pub method: Method,
    pub method_name: String,
    pub path: String,
    pub request: Request,
    pub response: Response,
    pub scheme: Option<SchemeId>,
    pub examples: Vec<Example>,
}

#[derive(Debug, Serialize)]
pub struct Request {
    /// Struct name, e.g. `CreateOrderRequest`.
    pub name: String,
    #[serde(skip)]
    pub encoding: Encoding,
    pub fields: Vec<Field>,
    pub one_of_required: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    pub status: u16,
    pub body: ResponseBody,
    pub enveloped: bool,
    /// The request field (wire name) whose value picks a binary answer's content type, and
    /// the type of each value.
    pub content_type_from: Option<(String, Vec<(String, String)>)>,
}

#[derive(Debug, Serialize)]
pub enum ResponseBody {
    Json(Ty),
    Empty,
    Binary(Vec<String>),
}

#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub source: String,
    pub request: Option<String>,
    pub status: Option<u16>,
    pub response: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Webhook {
    pub name: String,
    /// Struct name, e.g. `PaymentNotification`.
    pub type_name: String,
    pub summary: String,
    pub doc: String,
    #[serde(skip)]
    pub encoding: Encoding,
    /// HTTP method the provider sends it with.
    #[serde(skip)]
    pub method: Method,
    pub scheme: SchemeId,
    /// How a body is told apart from the other webhooks' (none: the only webhook).
    pub discriminator: Option<Discriminator>,
    /// What the provider expects back.
    pub reply: Reply,
    pub fields: Vec<Field>,
    pub examples: Vec<Example>,
}

/// A webhook's discriminator: the field's wire name and its values for the webhook (none:
/// the field is present).
#[derive(Debug, Clone, Serialize)]
pub struct Discriminator {
    pub wire: String,
    pub values: Vec<String>,
}

/// The answer a provider expects for a webhook.
#[derive(Debug, Clone, Serialize)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: String,
    /// The spec's note on it (what the docs say, or that they say nothing).
    pub doc: String,
}

#[derive(Debug, Serialize)]
pub struct Envelope {
    pub status_field: String,
    pub success: String,
    pub error: String,
    pub message_field: String,
    pub data_field: String,
}

#[derive(Debug, Serialize)]
pub struct Errors {
    pub doc: String,
    pub in_envelope: bool,
    /// A 3xx answer is an error (not followed); its body is kept.
    pub redirect_is_error: bool,
    pub code: Option<Vec<String>>,
    pub message: Option<Vec<String>>,
    pub validation_path: Option<Vec<String>>,
    pub validation_message: Option<Vec<String>>,
    pub field_errors: Option<Vec<String>>,
    pub retryable_statuses: Vec<u16>,
    /// The statuses the docs list, with what they mean.
    pub documented: Vec<DocumentedStatus>,
    /// Error body type, for the mock.
    pub type_name: Option<String>,
    pub cases: Vec<ErrorCase>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentedStatus {
    pub status: u16,
    pub description: String,
    pub codes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorCase {
    pub case: Case,
    pub status: u16,
    pub code: Option<String>,
    pub message: String,
}

/// The mock's behaviour, resolved.
#[derive(Debug, Serialize)]
pub struct Mock {
    pub private_key: Option<String>,
    pub resources: Vec<Resource>,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Serialize)]
pub struct Resource {
    pub name: String,
    pub type_name: String,
    /// Record fields: the type's and the extra ones.
    pub fields: Vec<Field>,
    pub id_field: String,
    #[serde(skip)]
    pub id_style: IdStyle,
    pub id_start: i64,
    pub id_prefix: String,
    pub id_digits: u32,
    pub unique: Vec<String>,
    pub initial: Vec<(String, serde_json::Value)>,
    pub states: Option<States>,
    /// Records present at start, as JSON objects.
    pub seed: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub struct States {
    pub field: String,
    pub initial: serde_json::Value,
    pub events: Vec<Event>,
}

#[derive(Debug, Serialize)]
pub struct Event {
    pub name: String,
    pub from: Vec<serde_json::Value>,
    pub to: serde_json::Value,
    pub set: Vec<(String, serde_json::Value)>,
    pub webhook: Option<WebhookSend>,
}

#[derive(Debug, Serialize)]
pub struct WebhookSend {
    pub webhook: WebhookId,
    pub url_field: Option<String>,
    pub payload: Vec<(String, serde_json::Value)>,
}

#[derive(Debug, Serialize)]
pub struct Operation {
    pub endpoint: EndpointId,
    pub action: Action,
    pub store: Vec<(String, String)>,
    pub lookup: Vec<(String, String)>,
    pub page: Option<String>,
    pub page_size: u32,
    pub event: Option<String>,
    pub respond: Vec<(String, serde_json::Value)>,
    pub totals: Vec<Total>,
}

#[derive(Debug, Serialize)]
pub struct Total {
    pub field: String,
    pub add: Vec<Sum>,
    pub subtract: Vec<Sum>,
    pub group_by: Option<String>,
    pub opening: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
pub struct Sum {
    pub resource: ResourceId,
    pub field: String,
    pub filter: Vec<(String, serde_json::Value)>,
}
