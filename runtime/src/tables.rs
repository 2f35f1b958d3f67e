//! The provider's behaviour as data: the generator writes one [`Spec`] constant per crate
//! (in `rules.rs`) from the same IR as the client. The client checks requests against its
//! endpoints' fields before it signs them ([`crate::check`]); the mock engine interprets the
//! whole of it.
//!
//! Tables refer to each other by typed ids ([`TypeId`], [`ResourceId`], [`SchemeId`],
//! [`WebhookId`]: positions in the lists of [`Spec`]), and every struct has a `DEFAULT` to
//! start from, so a table names only what differs.

/// A named type: its position in [`Spec::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TypeId(pub usize);

/// A stored resource: its position in [`Spec::resources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResourceId(pub usize);

/// An auth scheme: its position in [`Spec::schemes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SchemeId(pub usize);

/// A webhook: its position in [`Spec::webhooks`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WebhookId(pub usize);

/// Everything the mock knows about the provider.
pub struct Spec {
    /// Provider name, for messages.
    pub provider: &'static str,
    /// The path of the provider's base URL (`/api` of `https://tegro.money/api`; empty for
    /// none): the mock serves the API under it, so swapping scheme and host is the only
    /// change a client makes.
    pub base_path: &'static str,
    /// Credentials of the default test merchant.
    pub credentials: &'static [Credential],
    /// Auth schemes.
    pub schemes: &'static [Scheme],
    /// Endpoints with what the mock does for each.
    pub endpoints: &'static [Endpoint],
    /// Named types, for validating nested objects and enums and for rendering records.
    pub types: &'static [TypeDef],
    /// Stored resources.
    pub resources: &'static [Resource],
    /// Webhooks the mock sends.
    pub webhooks: &'static [Webhook],
    /// The response envelope, if any.
    pub envelope: Option<Envelope>,
    /// How errors are answered.
    pub errors: Errors,
}

impl Spec {
    /// A request path relative to the base path: `/api/createOrder/` → `/createOrder/`;
    /// `None` for a path outside it.
    pub fn relative<'p>(&self, path: &'p str) -> Option<&'p str> {
        let base = self.base_path.trim_end_matches('/');
        if base.is_empty() {
            return Some(path);
        }
        match path.strip_prefix(base) {
            Some("") => Some("/"),
            Some(rest) if rest.starts_with('/') => Some(rest),
            _ => None,
        }
    }

    /// A named type.
    pub fn type_def(&self, id: TypeId) -> Option<&TypeDef> {
        self.types.get(id.0)
    }

    /// A stored resource.
    pub fn resource(&self, id: ResourceId) -> Option<&Resource> {
        self.resources.get(id.0)
    }

    /// An auth scheme.
    pub fn scheme(&self, id: SchemeId) -> Option<&Scheme> {
        self.schemes.get(id.0)
    }

    /// A webhook.
    pub fn webhook(&self, id: WebhookId) -> Option<&Webhook> {
        self.webhooks.get(id.0)
    }

    /// A resource's id by name.
    pub fn resource_id(&self, name: &str) -> Option<ResourceId> {
        self.resources
            .iter()
            .position(|r| r.name == name)
            .map(ResourceId)
    }
}

/// A credential and its sample value.
pub struct Credential {
    /// Spec name.
    pub name: &'static str,
    /// The value the mock accepts by default.
    pub default: &'static str,
    /// Other values accepted for it.
    pub aliases: &'static [&'static str],
    /// Redacted when printed.
    pub secret: bool,
}

/// How a request proves who sent it.
pub struct Scheme {
    /// Spec name.
    pub name: &'static str,
    /// Fields the client injects: (wire name, source).
    pub inject: &'static [(&'static str, Inject)],
    /// A credential sent verbatim.
    pub token: Option<Token>,
    /// HTTP Basic (username credential, password credential).
    pub basic: Option<(&'static str, &'static str)>,
    /// The signature recipe.
    pub recipe: Option<&'static crate::signing::Recipe>,
}

/// Where an injected field comes from.
#[derive(Clone, Copy)]
pub enum Inject {
    /// Must equal the credential (or an alias).
    Credential(&'static str),
    /// Must be greater than the last one seen.
    Nonce,
}

/// A token credential and where it travels.
pub struct Token {
    /// Credential name.
    pub credential: &'static str,
    /// Query parameter.
    pub query: Option<&'static str>,
    /// Header.
    pub header: Option<&'static str>,
}

/// Wire form of a number.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// JSON number.
    Number,
    /// JSON string.
    String,
    /// Either in, number out.
    NumberOrString,
    /// Either in, string out.
    StringOrNumber,
}

/// Type of a field.
#[derive(Clone, Copy)]
pub enum Kind {
    /// Text.
    String,
    /// Text that may arrive as a number.
    StringOrNumber,
    /// Whole number.
    Integer(Wire),
    /// Decimal number.
    Decimal(Wire),
    /// Boolean.
    Bool,
    /// Date with a `time` format description (or `rfc3339`).
    Date(&'static str),
    /// Date-time with a `time` format description (or `rfc3339`).
    DateTime(&'static str),
    /// Any JSON.
    Any,
    /// A named type.
    Named(TypeId),
    /// Array of.
    Array(&'static Kind),
    /// Map (string keys) of.
    Map(&'static Kind),
}

/// Where a request field travels.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Loc {
    /// In the body.
    Body,
    /// Query parameter.
    Query,
    /// Path parameter.
    Path,
    /// Header.
    Header,
}

/// A field.
pub struct Field {
    /// Spec name.
    pub name: &'static str,
    /// Wire name.
    pub wire: &'static str,
    /// Type.
    pub kind: Kind,
    /// May be absent.
    pub optional: bool,
    /// May be null.
    pub nullable: bool,
    /// Where it travels (requests).
    pub loc: Loc,
    /// Shortest length.
    pub min_length: Option<u32>,
    /// Longest length.
    pub max_length: Option<u32>,
    /// Pattern the whole value matches.
    pub pattern: Option<&'static str>,
    /// Smallest value.
    pub minimum: Option<i64>,
    /// Largest value.
    pub maximum: Option<i64>,
    /// The value must be greater than this (an amount above zero).
    pub exclusive_minimum: Option<i64>,
    /// The value must be less than this.
    pub exclusive_maximum: Option<i64>,
    /// The values this field allows, where its enum type has more (empty: all of them).
    pub allowed: &'static [&'static str],
    /// The one value the field takes (the client fills it in).
    pub constant: Option<&'static str>,
    /// Other wire names accepted on input (a provider's misspelling, or its correction).
    pub aliases: &'static [&'static str],
    /// Required when this condition holds (even if `optional`).
    pub required_if: Option<Condition>,
    /// Must be absent when this condition holds.
    pub forbidden_if: Option<Condition>,
}

/// A condition on another field of the same request: its value is (or, with `negate`, is
/// not) one of `values`. An absent field has no value: `in` is false, `not in` true.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Condition {
    /// Wire name of the field looked at.
    pub field: &'static str,
    /// The values, as text (`true`, `invoice-qw`, `5`).
    pub values: &'static [&'static str],
    /// True: the condition holds when the value is none of `values`.
    pub negate: bool,
}

impl Condition {
    /// Whether the condition holds for a request's members.
    pub fn holds(&self, msg: &crate::value::V) -> bool {
        let value = msg
            .get(self.field)
            .filter(|v| **v != crate::value::V::Null)
            .map(crate::value::V::text);
        let is_in = value.is_some_and(|v| self.values.contains(&v.as_str()));
        is_in != self.negate
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let op = if self.negate { "is not" } else { "is" };
        write!(f, "{} {op} {}", self.field, self.values.join(" or "))
    }
}

/// A named type: object fields, or enum values.
pub struct TypeDef {
    /// Type name.
    pub name: &'static str,
    /// Fields of an object (empty for enums).
    pub fields: &'static [Field],
    /// Values of an enum (empty for objects).
    pub values: &'static [&'static str],
    /// An integer enum.
    pub integer: bool,
}

/// Body encoding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// JSON object.
    Json,
    /// Query string.
    Query,
    /// Form.
    Form,
}

/// What a successful response carries.
#[derive(Clone, Copy)]
pub enum Body {
    /// JSON of this type.
    Json(Kind),
    /// Nothing.
    Empty,
    /// A file; content types.
    Binary(&'static [&'static str]),
}

/// An endpoint.
pub struct Endpoint {
    /// Operation name.
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template with `{param}`s.
    pub path: &'static str,
    /// Where non-path fields travel.
    pub encoding: Encoding,
    /// Auth scheme.
    pub scheme: Option<SchemeId>,
    /// Request fields.
    pub fields: &'static [Field],
    /// At least one of these.
    pub one_of_required: &'static [&'static str],
    /// Success status.
    pub status: u16,
    /// Success body.
    pub body: Body,
    /// Wrapped in the envelope.
    pub enveloped: bool,
    /// For a binary answer: the request field whose value picks its content type.
    pub content_type_from: Option<ContentTypeFrom>,
    /// What the mock does.
    pub op: Op,
}

/// A request field (wire name) whose value picks a binary answer's content type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContentTypeFrom {
    /// The field's wire name.
    pub field: &'static str,
    /// Each value and the content type it asks for.
    pub types: &'static [(&'static str, &'static str)],
}

impl Endpoint {
    /// The content types a request of this endpoint accepts in its answer, given its members:
    /// the one its field picks, else every binary type; `None` for a JSON answer.
    pub fn accepted_types(&self, msg: &crate::value::V) -> Option<Vec<&'static str>> {
        let Body::Binary(all) = self.body else {
            return None;
        };
        let picked = self.content_type_from.and_then(|from| {
            let value = msg.get(from.field).map(crate::value::V::text)?;
            from.types
                .iter()
                .find(|(v, _)| *v == value)
                .map(|(_, t)| vec![*t])
        });
        Some(picked.unwrap_or_else(|| all.to_vec()))
    }
}

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

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

/// What the mock does with a request that passed authentication and validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing: the success body, empty.
    None,
    /// Stores a new record.
    Create(ResourceId),
    /// Answers a record found by the lookup fields (or its file, for binary bodies).
    Read(ResourceId),
    /// Answers a page of records, newest first.
    List(ResourceId),
    /// Changes fields of a record found by the lookup fields.
    Update(ResourceId),
    /// Fires a state event on a record found by the lookup fields.
    Fire(ResourceId),
    /// Answers sums over records.
    Totals,
    /// Answers the `respond` fields.
    Fixed,
}

/// A situation the mock answers with the provider's error shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// Missing or wrong credentials or signature.
    Unauthorized,
    /// A nonce seen before.
    ReplayedNonce,
    /// A required field is absent.
    MissingField,
    /// A field has the wrong type, value or length.
    InvalidField,
    /// The body cannot be read.
    Malformed,
    /// No such record (or route).
    NotFound,
    /// A unique value used again.
    Duplicate,
    /// Not enough money.
    InsufficientFunds,
    /// The provider failed.
    Internal,
}

impl Case {
    /// Every case.
    pub const ALL: [Case; 9] = [
        Case::Unauthorized,
        Case::ReplayedNonce,
        Case::MissingField,
        Case::InvalidField,
        Case::Malformed,
        Case::NotFound,
        Case::Duplicate,
        Case::InsufficientFunds,
        Case::Internal,
    ];

    /// The spec's name of the case (`not_found`).
    pub fn name(self) -> &'static str {
        match self {
            Case::Unauthorized => "unauthorized",
            Case::ReplayedNonce => "replayed_nonce",
            Case::MissingField => "missing_field",
            Case::InvalidField => "invalid_field",
            Case::Malformed => "malformed",
            Case::NotFound => "not_found",
            Case::Duplicate => "duplicate",
            Case::InsufficientFunds => "insufficient_funds",
            Case::Internal => "internal",
        }
    }

    /// The case of a spec name.
    pub fn from_name(name: &str) -> Option<Case> {
        Case::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// What the mock does for an endpoint.
pub struct Op {
    /// The action, with its resource.
    pub action: Action,
    /// Record field ← request field path.
    pub store: &'static [(&'static str, &'static str)],
    /// Request field → record field.
    pub lookup: &'static [(&'static str, &'static str)],
    /// Request field with the page number.
    pub page: Option<&'static str>,
    /// Records per page.
    pub page_size: usize,
    /// Event to fire (or `{field}`).
    pub event: Option<&'static str>,
    /// Response fields (JSON text with placeholders).
    pub respond: &'static [(&'static str, &'static str)],
    /// Sums for `totals`.
    pub totals: &'static [Total],
}

/// A sum over records.
pub struct Total {
    /// Response field.
    pub field: &'static str,
    /// Added sums.
    pub add: &'static [Sum],
    /// Subtracted sums.
    pub subtract: &'static [Sum],
    /// Group by this record field (the response field is a map).
    pub group_by: Option<&'static str>,
    /// Opening values: (group or "", decimal text).
    pub opening: &'static [(&'static str, &'static str)],
}

/// One summed field.
pub struct Sum {
    /// Resource summed.
    pub resource: ResourceId,
    /// Record field.
    pub field: &'static str,
    /// Only records with these values (JSON text).
    pub filter: &'static [(&'static str, &'static str)],
}

/// A stored resource.
pub struct Resource {
    /// Name.
    pub name: &'static str,
    /// Record type.
    pub type_id: TypeId,
    /// Record fields the type does not show.
    pub extra: &'static [Field],
    /// Field holding the id.
    pub id_field: &'static str,
    /// Sequence start, or `None` for hex ids.
    pub id_start: Option<i64>,
    /// Hex id prefix.
    pub id_prefix: &'static str,
    /// Hex digits.
    pub id_digits: u32,
    /// Fields whose values must be unique.
    pub unique: &'static [&'static str],
    /// Values on creation (JSON text with placeholders).
    pub initial: &'static [(&'static str, &'static str)],
    /// State machine.
    pub states: Option<States>,
    /// Records present at start (JSON objects).
    pub seed: &'static [&'static str],
    /// Ids come from the request (`store`), not from the mock.
    pub id_given: bool,
}

/// States of a record.
pub struct States {
    /// Field holding the state.
    pub field: &'static str,
    /// Initial state (JSON text).
    pub initial: &'static str,
    /// Events.
    pub events: &'static [Event],
}

/// A state change.
pub struct Event {
    /// Name (`paid`, `cancelled`, ...).
    pub name: &'static str,
    /// Allowed source states (JSON text); empty = any.
    pub from: &'static [&'static str],
    /// Target state (JSON text).
    pub to: &'static str,
    /// Other fields set (JSON text with placeholders).
    pub set: &'static [(&'static str, &'static str)],
    /// Webhook to send.
    pub webhook: Option<WebhookSend>,
}

/// A webhook sent by an event.
pub struct WebhookSend {
    /// The webhook.
    pub webhook: WebhookId,
    /// Record field with the URL.
    pub url_field: Option<&'static str>,
    /// Payload fields (JSON text with placeholders).
    pub payload: &'static [(&'static str, &'static str)],
}

/// A webhook the provider sends.
pub struct Webhook {
    /// Name.
    pub name: &'static str,
    /// HTTP method it is sent with.
    pub method: Method,
    /// Body encoding.
    pub encoding: Encoding,
    /// Auth scheme.
    pub scheme: SchemeId,
    /// Fields.
    pub fields: &'static [Field],
}

/// The envelope a provider wraps every answer in: an outcome member that says success or
/// error, a message, and the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// Member holding the outcome, e.g. `type`.
    pub status_field: &'static str,
    /// Outcome of a success, e.g. `success`.
    pub success: &'static str,
    /// Outcome of an error, e.g. `error`.
    pub error: &'static str,
    /// Member holding the error's description.
    pub message_field: &'static str,
    /// Member holding the payload.
    pub data_field: &'static str,
}

/// How errors are written.
pub struct Errors {
    /// In the envelope.
    pub in_envelope: bool,
    /// Dotted paths in the error body.
    pub code: Option<&'static str>,
    /// Message path.
    pub message: Option<&'static str>,
    /// Validation path path.
    pub validation_path: Option<&'static str>,
    /// Validation message path.
    pub validation_message: Option<&'static str>,
    /// Field → messages map path.
    pub field_errors: Option<&'static str>,
    /// The provider's answer per situation; the engine's own for the others.
    pub cases: &'static [ErrorCase],
}

/// The provider's answer in one situation.
pub struct ErrorCase {
    /// The situation.
    pub case: Case,
    /// HTTP status.
    pub status: u16,
    /// Error code, if the provider sends one (else the case's name).
    pub code: Option<&'static str>,
    /// Message, with `{field}` and `{detail}` placeholders.
    pub message: &'static str,
}

impl Field {
    /// A required string in the body with no limits; generated tables and tests start from it.
    pub const DEFAULT: Field = Field {
        name: "",
        wire: "",
        kind: Kind::String,
        optional: false,
        nullable: false,
        loc: Loc::Body,
        min_length: None,
        max_length: None,
        pattern: None,
        minimum: None,
        maximum: None,
        exclusive_minimum: None,
        exclusive_maximum: None,
        allowed: &[],
        constant: None,
        aliases: &[],
        required_if: None,
        forbidden_if: None,
    };
}

impl Op {
    /// Does nothing: answers the endpoint's success body empty.
    pub const DEFAULT: Op = Op {
        action: Action::None,
        store: &[],
        lookup: &[],
        page: None,
        page_size: 50,
        event: None,
        respond: &[],
        totals: &[],
    };
}

impl Endpoint {
    /// `POST /`, JSON, unauthenticated, no fields, `200` with no body, no action.
    pub const DEFAULT: Endpoint = Endpoint {
        name: "",
        method: Method::Post,
        path: "/",
        encoding: Encoding::Json,
        scheme: None,
        fields: &[],
        one_of_required: &[],
        status: 200,
        body: Body::Empty,
        enveloped: false,
        content_type_from: None,
        op: Op::DEFAULT,
    };
}

impl Scheme {
    /// No token, no Basic, nothing injected, no signature.
    pub const DEFAULT: Scheme = Scheme {
        name: "",
        inject: &[],
        token: None,
        basic: None,
        recipe: None,
    };
}

impl TypeDef {
    /// An object type with no fields.
    pub const DEFAULT: TypeDef = TypeDef {
        name: "",
        fields: &[],
        values: &[],
        integer: false,
    };
}

impl Resource {
    /// Records of the first type with sequential ids from 1 in field `id`, no states, no
    /// seed.
    pub const DEFAULT: Resource = Resource {
        name: "",
        type_id: TypeId(0),
        extra: &[],
        id_field: "id",
        id_start: Some(1),
        id_prefix: "",
        id_digits: 0,
        unique: &[],
        initial: &[],
        states: None,
        seed: &[],
        id_given: false,
    };
}

impl Webhook {
    /// A JSON `POST` signed by the first scheme, with no fields.
    pub const DEFAULT: Webhook = Webhook {
        name: "",
        method: Method::Post,
        encoding: Encoding::Json,
        scheme: SchemeId(0),
        fields: &[],
    };
}

impl Errors {
    /// Errors as `{"error": message}` with the engine's default answers.
    pub const DEFAULT: Errors = Errors {
        in_envelope: false,
        code: None,
        message: None,
        validation_path: None,
        validation_message: None,
        field_errors: None,
        cases: &[],
    };
}
