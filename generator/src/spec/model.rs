//! The spec file format, as serde types. Every struct rejects unknown keys, and every value a
//! diagnostic may point at is wrapped in [`Sp`] to keep its location. The doc comments here
//! become the descriptions of `specs/payspec.schema.json`.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use super::located::Sp;
use super::sources::Sources;

/// Named things in declaration order.
pub type Map<T> = IndexMap<String, Sp<T>>;

/// One provider's API: everything payspec generates comes from this file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Version of the spec format. Only `1` exists.
    pub payspec: Sp<u32>,
    pub provider: Sp<Provider>,
    /// Secrets and identifiers the merchant holds, by name. Auth schemes refer to them.
    #[serde(default)]
    pub credentials: Map<Credential>,
    /// Named authentication and signing schemes.
    #[serde(default)]
    pub auth: Map<AuthScheme>,
    /// Values every endpoint takes unless it says otherwise.
    #[serde(default)]
    pub defaults: Sp<Defaults>,
    /// The wrapper around every response body, when the provider has one.
    #[serde(default)]
    pub envelope: Option<Sp<Envelope>>,
    /// How the provider reports errors.
    pub errors: Sp<ErrorModel>,
    /// Named types: objects and enums.
    #[serde(default)]
    pub types: Map<TypeDef>,
    /// Calls the merchant makes to the provider, by operation name (snake_case).
    pub endpoints: Map<Endpoint>,
    /// Calls the provider makes to the merchant, by name (snake_case).
    #[serde(default)]
    pub webhooks: Map<Webhook>,
    /// How the generated mock server behaves.
    #[serde(default)]
    pub mock: Option<Sp<Mock>>,
    /// Released versions of the generated crate, newest first; `payspec bump` adds one from
    /// `payspec diff`, and the crate's CHANGELOG.md is written from them.
    #[serde(default)]
    pub changelog: Vec<Sp<Release>>,
}

/// One released version of the generated crate.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Release {
    pub version: Sp<String>,
    /// What changed for code using the crate, one line each.
    #[serde(default)]
    pub changes: Vec<Sp<String>>,
}

/// Who the provider is and where its API lives.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Display name, e.g. `Tegro.money`.
    pub name: Sp<String>,
    /// Name of the generated crate (kebab-case), also its folder under `generated/`.
    #[serde(rename = "crate")]
    pub crate_name: Sp<String>,
    /// Version of the generated crate (semver, default `0.1.0`). `payspec check` fails when the
    /// spec changed in a breaking way and this was not bumped; `payspec bump` bumps it.
    #[serde(default)]
    pub version: Option<Sp<String>>,
    /// One paragraph about the provider, used in generated docs.
    #[serde(default)]
    pub description: Option<Sp<String>>,
    /// Production base URL; endpoint paths are appended to it.
    pub base_url: Sp<String>,
    /// Sandbox base URL, when the provider has one.
    #[serde(default)]
    pub sandbox_url: Option<Sp<String>>,
    /// The documents this spec was written from.
    #[serde(default)]
    pub docs: Vec<Sp<DocRef>>,
    /// Decisions taken where the docs are unclear about the provider as a whole.
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// How the customer reaches the page where they pay.
    #[serde(default)]
    pub payment_page: Option<Sp<PaymentPage>>,
}

/// How the customer pays: a link the API returns, and whether a signed payment form (built
/// by the merchant) is documented.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentPage {
    /// The endpoint and response field that give the customer's payment link, as
    /// `endpoint.field` (`create_order.url`).
    #[serde(default)]
    pub link: Option<Sp<String>>,
    /// A payment form the merchant builds and signs itself: `none` where no document
    /// describes one (say why in `note`).
    pub signed_form: Sp<SignedForm>,
    #[serde(default)]
    pub note: Option<Sp<String>>,
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
}

/// Whether a signed payment form is documented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignedForm {
    /// No document describes one: the customer pays through the API's link.
    None,
}

/// A document the spec was written from.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocRef {
    /// Short name that citations use: `source: <id>#Heading`.
    pub id: Sp<String>,
    pub title: Sp<String>,
    /// The copy kept with the project, relative to the spec file (e.g.
    /// `../docs/providers/x.md`). Markdown files are split at their `#` headings; other files
    /// need `headings`.
    #[serde(default)]
    pub file: Option<Sp<String>>,
    /// For plain-text docs: a regular expression per heading level (the first is level 1).
    /// A line matching one of them starts a part of the doc.
    #[serde(default)]
    pub headings: Vec<Sp<String>>,
    /// Public address, when known.
    #[serde(default)]
    pub url: Option<Sp<String>>,
}

/// A value the merchant gets from the provider's back office.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    pub description: Sp<String>,
    /// Secret values are redacted in `Debug` and never logged.
    #[serde(default)]
    pub secret: bool,
    /// The sample value printed in the provider's docs; the mock's default test merchant uses it.
    #[serde(default)]
    pub example: Option<Sp<String>>,
    /// Other sample values the docs print for the same credential; the mock accepts them too.
    #[serde(default)]
    pub aliases: Vec<Sp<String>>,
    /// A decision taken where the docs are unclear.
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// Where in the docs this was written from.
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
}

/// How a request (or a webhook) proves who sent it. Any combination of the parts may be used;
/// at least one must be present.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthScheme {
    #[serde(default)]
    pub description: Option<Sp<String>>,
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// Where in the docs this was written from.
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
    /// Fields added to every body before it is signed, by wire name.
    #[serde(default)]
    pub inject: Map<Injected>,
    /// A credential sent as it is, in a query parameter or a header.
    #[serde(default)]
    pub token: Option<Sp<TokenAuth>>,
    /// HTTP Basic authentication.
    #[serde(default)]
    pub basic: Option<Sp<BasicAuth>>,
    /// A signature computed over the message.
    #[serde(default)]
    pub signature: Option<Sp<Signature>>,
}

/// Where an injected field's value comes from.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Injected {
    /// The value of a credential.
    Credential(Sp<String>),
    /// A number that strictly increases with every request of one client.
    Nonce(Sp<NonceStyle>),
}

/// How nonces are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NonceStyle {
    /// Milliseconds since the Unix epoch, bumped by one when the clock has not moved on.
    UnixMillis,
    /// Seconds since the Unix epoch, bumped by one when the clock has not moved on.
    UnixSeconds,
}

/// A credential sent verbatim.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenAuth {
    pub credential: Sp<String>,
    /// Query parameter name.
    #[serde(default)]
    pub query: Option<Sp<String>>,
    /// Header name.
    #[serde(default)]
    pub header: Option<Sp<String>>,
}

/// HTTP Basic: user name and password are credentials.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasicAuth {
    pub username: Sp<String>,
    pub password: Sp<String>,
}

/// A digest or signature of the message and where it travels.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub algorithm: Sp<Algorithm>,
    /// Credential used as the key: the HMAC key, or the PEM public key for `rsa-sha256`.
    #[serde(default)]
    pub key: Option<Sp<String>>,
    /// What is signed.
    pub message: Sp<Message>,
    /// How the digest is written out.
    #[serde(default)]
    pub encoding: Sp<DigestEncoding>,
    /// The header that carries it.
    #[serde(default)]
    pub header: Option<Sp<String>>,
    /// The header value, with `{signature}` where the digest goes. Default: `{signature}`.
    #[serde(default)]
    pub template: Option<Sp<String>>,
    /// The body field that carries it (form-encoded messages).
    #[serde(default)]
    pub field: Option<Sp<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Algorithm {
    HmacSha256,
    Sha256,
    Md5,
    RsaSha256,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DigestEncoding {
    /// Lower-case hexadecimal.
    #[default]
    Hex,
    Base64,
}

/// What a signature covers.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Message {
    /// The exact body bytes sent.
    Body,
    /// The concatenation of these parts, in order, with nothing between them.
    Parts(Vec<Sp<Part>>),
    /// Every field except the signature field, sorted by name and encoded, then `append`.
    SortedFields(Sp<SortedFields>),
}

/// One piece of a signed string: exactly one of `field`, `credential`, `literal`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// A field of the message, by wire name.
    #[serde(default)]
    pub field: Option<Sp<String>>,
    /// A credential.
    #[serde(default)]
    pub credential: Option<Sp<String>>,
    /// Fixed text.
    #[serde(default)]
    pub literal: Option<Sp<String>>,
    /// How the value is written. Default: as it is on the wire.
    #[serde(default)]
    pub format: Option<Sp<PartFormat>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartFormat {
    /// As Python's `str(float(x))` writes it: `500` → `500.0`, `12.50` → `12.5`.
    PythonFloat,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SortedFields {
    /// How the sorted fields are joined.
    pub encoding: Sp<FieldsEncoding>,
    /// Parts appended after the encoded fields (typically a secret).
    #[serde(default)]
    pub append: Vec<Sp<Part>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldsEncoding {
    /// `k=v&k=v`, urlencoded the way PHP's `http_build_query` does (spaces as `+`).
    PhpQuery,
}

/// Provider-wide defaults.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Auth scheme of every endpoint.
    #[serde(default)]
    pub auth: Option<Sp<String>>,
    /// HTTP method of every endpoint.
    #[serde(default)]
    pub method: Option<Sp<Method>>,
    /// Where request fields travel.
    #[serde(default)]
    pub encoding: Option<Sp<Encoding>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Method {
    GET,
    POST,
    PUT,
    PATCH,
    DELETE,
}

/// Where request fields travel when they are not path parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// A JSON object body.
    Json,
    /// URL query parameters.
    Query,
    /// An `application/x-www-form-urlencoded` body.
    Form,
}

/// A wrapper object that says whether the call succeeded and carries the payload.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    #[serde(default)]
    pub description: Option<Sp<String>>,
    /// Field holding the outcome, e.g. `type`.
    pub status_field: Sp<String>,
    /// Outcome value on success, e.g. `success`.
    pub success: Sp<String>,
    /// Outcome value on failure, e.g. `error`.
    pub error: Sp<String>,
    /// Field holding the message, e.g. `desc`.
    pub message_field: Sp<String>,
    /// Field holding the payload, e.g. `data`.
    pub data_field: Sp<String>,
}

/// How errors look, and what the mock answers in each situation.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorModel {
    #[serde(default)]
    pub description: Option<Sp<String>>,
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// Where in the docs this was written from.
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
    /// Errors arrive inside the envelope (its error outcome) instead of as an HTTP status.
    #[serde(default)]
    pub in_envelope: bool,
    /// Named object type of an error body.
    #[serde(default, rename = "type")]
    pub ty: Option<Sp<String>>,
    /// Dotted path of the error code in the body.
    #[serde(default)]
    pub code: Option<Sp<String>>,
    /// Dotted path of the human-readable message in the body.
    #[serde(default)]
    pub message: Option<Sp<String>>,
    /// Dotted path of the invalid field's path, in validation errors.
    #[serde(default)]
    pub validation_path: Option<Sp<String>>,
    /// Dotted path of the validation message.
    #[serde(default)]
    pub validation_message: Option<Sp<String>>,
    /// Dotted path of a `field → [messages]` map.
    #[serde(default)]
    pub field_errors: Option<Sp<String>>,
    /// A redirect (3xx) is an error answer and its body is read as one (`true`), rather than
    /// followed (the default).
    #[serde(default)]
    pub redirect_is_error: Option<Sp<bool>>,
    /// Documented HTTP statuses, by code.
    #[serde(default)]
    pub statuses: IndexMap<u16, Sp<ErrorStatus>>,
    /// What the provider answers in each situation; the mock answers the same.
    #[serde(default)]
    pub cases: IndexMap<ErrorCase, Sp<ErrorReply>>,
}

/// A documented error status.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorStatus {
    pub description: Sp<String>,
    /// Error codes sent with this status.
    #[serde(default)]
    pub codes: Vec<Sp<String>>,
    /// Worth retrying: the request may succeed later unchanged.
    #[serde(default)]
    pub retryable: bool,
}

/// Situations every provider has an answer for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCase {
    /// Missing or wrong credentials or signature.
    Unauthorized,
    /// A nonce not greater than the last one.
    ReplayedNonce,
    /// A required field is absent.
    MissingField,
    /// A field has the wrong type or value.
    InvalidField,
    /// The body could not be parsed.
    Malformed,
    /// No such resource.
    NotFound,
    /// A unique key is already used.
    Duplicate,
    /// Not enough money for a withdrawal.
    InsufficientFunds,
    /// Something broke on the provider's side.
    Internal,
}

/// One error answer. `{field}` and `{detail}` in `message` are filled in by the mock.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorReply {
    /// HTTP status; default 200 when errors are in the envelope, 400 otherwise.
    #[serde(default)]
    pub status: Option<Sp<u16>>,
    #[serde(default)]
    pub code: Option<Sp<String>>,
    pub message: Sp<String>,
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// Where in the docs this was written from.
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
}

/// A named type: an object (`fields`) or an open enum (`enum` + `values`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    #[serde(default)]
    pub description: Option<Sp<String>>,
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// Where in the docs this was written from.
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
    /// Object fields by name (the wire name unless `wire_name` says otherwise).
    #[serde(default)]
    pub fields: Option<Map<Field>>,
    /// Enum representation; values outside the list are kept as `Unknown`.
    #[serde(default, rename = "enum")]
    pub enum_repr: Option<Sp<EnumRepr>>,
    #[serde(default)]
    pub values: Vec<Sp<EnumValue>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnumRepr {
    String,
    Integer,
}

/// One documented enum value.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The value on the wire (a string, or an integer for integer enums).
    pub value: Sp<String>,
    /// Variant name (snake_case); default: the value itself.
    #[serde(default)]
    pub name: Option<Sp<String>>,
    #[serde(default)]
    pub description: Option<Sp<String>>,
}

/// A field of an object, request or webhook.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// `string`, `integer`, `boolean`, `decimal`, `minor_units`, `date`, `datetime`, `any`,
    /// `array` (with `items`), `map` (with `values`), or a named type.
    #[serde(rename = "type")]
    pub ty: Sp<String>,
    /// Element type of an `array`.
    #[serde(default)]
    pub items: Option<Sp<String>>,
    /// Value type of a `map` (keys are strings).
    #[serde(default)]
    pub values: Option<Sp<String>>,
    #[serde(default)]
    pub description: Option<Sp<String>>,
    /// A decision taken where the docs are unclear.
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// Where in the docs this was written from; default: its endpoint's, webhook's or type's.
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
    /// May be absent.
    #[serde(default)]
    pub optional: bool,
    /// May be `null`.
    #[serde(default)]
    pub nullable: bool,
    /// Name on the wire when it differs from the field name.
    #[serde(default)]
    pub wire_name: Option<Sp<String>>,
    /// Where the field travels (requests only). Default: the endpoint's encoding.
    #[serde(default, rename = "in")]
    pub location: Option<Sp<ParamIn>>,
    /// How a number is written on the wire.
    #[serde(default)]
    pub wire: Option<Sp<Wire>>,
    /// Date format, in the `time` crate's format description language
    /// (`[year]-[month]-[day] [hour]:[minute]:[second]`), or `rfc3339`.
    #[serde(default)]
    pub format: Option<Sp<String>>,
    #[serde(default)]
    pub min_length: Option<Sp<u32>>,
    #[serde(default)]
    pub max_length: Option<Sp<u32>>,
    /// Regular expression the whole value must match.
    #[serde(default)]
    pub pattern: Option<Sp<String>>,
    #[serde(default)]
    pub minimum: Option<Sp<i64>>,
    #[serde(default)]
    pub maximum: Option<Sp<i64>>,
    /// The value must be greater than this (e.g. `0` for an amount).
    #[serde(default)]
    pub exclusive_minimum: Option<Sp<i64>>,
    /// The value must be less than this.
    #[serde(default)]
    pub exclusive_maximum: Option<Sp<i64>>,
    /// The values this field takes, where its enum type has more (`[accept, cancel]`).
    #[serde(default)]
    pub allowed: Vec<Sp<String>>,
    /// The one value the field always has; the client fills it in (`const: pending`).
    #[serde(default, rename = "const")]
    pub constant: Option<Sp<String>>,
    /// Other wire names accepted on input (a provider's misspelling and its correction).
    #[serde(default)]
    pub aliases: Vec<Sp<String>>,
    /// Required when another field of the same request or object has one of some values.
    #[serde(default)]
    pub required_if: Option<Sp<Condition>>,
    /// Must be absent when another field of the same request or object has one of some
    /// values.
    #[serde(default)]
    pub forbidden_if: Option<Sp<Condition>>,
}

/// A condition on another field: `{ field: type, in: [invoice-qw] }` holds when `type` is
/// one of the values, `{ field: type, not_in: [wallet] }` when it is none of them (or absent).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The other field, by its name in the spec.
    pub field: Sp<String>,
    /// The condition holds when the field has one of these values.
    #[serde(default, rename = "in")]
    pub is_in: Vec<Sp<String>>,
    /// The condition holds when the field has none of these values.
    #[serde(default)]
    pub not_in: Vec<Sp<String>>,
}

/// A request field whose value picks a binary answer's content type.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentTypeFrom {
    /// The request field, by its spec name.
    pub field: Sp<String>,
    /// The field's value → the content type of the answer.
    pub types: IndexMap<String, Sp<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamIn {
    Body,
    Query,
    Path,
    Header,
}

/// Wire form of a number (or of a string that may arrive as a number).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Wire {
    /// A JSON number (default).
    Number,
    /// A JSON string holding the number.
    String,
    /// Either on input; written as a number.
    NumberOrString,
    /// Either on input; written as a string. Also allowed on `string` fields.
    StringOrNumber,
}

/// A call to the provider.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// One line: what the call does.
    pub summary: Sp<String>,
    #[serde(default)]
    pub description: Option<Sp<String>>,
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// Where in the docs this was written from.
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
    /// Default: `defaults.method`.
    #[serde(default)]
    pub method: Option<Sp<Method>>,
    /// Path after the base URL; `{name}` marks a path parameter.
    pub path: Sp<String>,
    /// Auth scheme name, or `none`. Default: `defaults.auth`.
    #[serde(default)]
    pub auth: Option<Sp<String>>,
    #[serde(default)]
    pub request: Option<Sp<Request>>,
    pub response: Sp<Response>,
    #[serde(default)]
    pub examples: Vec<Sp<Example>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Default: `defaults.encoding`, else `query` for GET and `json` otherwise.
    #[serde(default)]
    pub encoding: Option<Sp<Encoding>>,
    #[serde(default)]
    pub fields: Map<Field>,
    /// At least one of these optional fields must be given.
    #[serde(default)]
    pub one_of_required: Vec<Sp<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// Success status. Default 200.
    #[serde(default)]
    pub status: Option<Sp<u16>>,
    /// `json` (default), `empty` or `binary`.
    #[serde(default)]
    pub body: Option<Sp<BodyKind>>,
    /// Type of a JSON body (inside the envelope, if any).
    #[serde(default, rename = "type")]
    pub ty: Option<Sp<String>>,
    /// Element type when `type: array`.
    #[serde(default)]
    pub items: Option<Sp<String>>,
    /// Value type when `type: map`.
    #[serde(default)]
    pub values: Option<Sp<String>>,
    /// Content types of a binary body; the client sends them as `Accept` and refuses an
    /// answer of another type.
    #[serde(default)]
    pub content_types: Vec<Sp<String>>,
    /// Where a request field picks the content type: `{ field: format, types: { pdf:
    /// application/pdf, jpeg: image/jpeg } }`. The client asks for that type only and refuses
    /// another; the mock answers it.
    #[serde(default)]
    pub content_type_from: Option<Sp<ContentTypeFrom>>,
    /// Set to false when this response is not wrapped in the provider's envelope.
    #[serde(default)]
    pub envelope: Option<Sp<bool>>,
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// Where in the docs this was written from.
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    Json,
    Empty,
    Binary,
}

/// An example taken from the provider's docs.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// Where in the docs it comes from.
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
    /// What was changed to make it valid JSON, if anything.
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// The request fields as JSON, exactly as the docs send them.
    #[serde(default)]
    pub request: Option<Sp<String>>,
    /// HTTP status of the response. Default: the endpoint's success status.
    #[serde(default)]
    pub status: Option<Sp<u16>>,
    /// The response body as JSON, exactly as the docs print it.
    #[serde(default)]
    pub response: Option<Sp<String>>,
}

/// A call the provider makes to the merchant.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub summary: Sp<String>,
    #[serde(default)]
    pub description: Option<Sp<String>>,
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// Where in the docs this was written from.
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
    /// HTTP method the provider sends it with. Default `POST`.
    #[serde(default)]
    pub method: Option<Sp<Method>>,
    /// Body encoding: `json` or `form`.
    pub encoding: Sp<Encoding>,
    /// Auth scheme that signs it.
    pub auth: Sp<String>,
    /// How it is told apart from the other webhooks arriving at the same URL.
    #[serde(default)]
    pub discriminator: Option<Sp<Discriminator>>,
    /// What the provider expects back. Default: `200` with an empty body.
    #[serde(default)]
    pub reply: Option<Sp<Reply>>,
    pub fields: Map<Field>,
    /// Examples; `request` is the body the provider sends.
    #[serde(default)]
    pub examples: Vec<Sp<Example>>,
}

/// A webhook's field and the value(s) it has for this webhook (`values`), or only that the
/// field is there (`present: true`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Discriminator {
    /// A field of the webhook, by its name in `fields`.
    pub field: Sp<String>,
    /// Values of the field (as on the wire) that make a body this webhook.
    #[serde(default)]
    pub values: Vec<Sp<String>>,
    /// `true`: a body with this field (not null) is this webhook, whatever its value.
    #[serde(default)]
    pub present: Option<Sp<bool>>,
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// Where in the docs this was written from.
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
}

/// The answer the provider expects from the merchant for a webhook.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// HTTP status (2xx). Default 200.
    #[serde(default)]
    pub status: Option<Sp<u16>>,
    /// Content type of `body`, e.g. `text/plain`. Required with a non-empty body.
    #[serde(default)]
    pub content_type: Option<Sp<String>>,
    /// The exact body, e.g. `OK`. Default: empty.
    #[serde(default)]
    pub body: Option<Sp<String>>,
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// Where in the docs this was written from.
    #[serde(default)]
    pub source: Option<Sp<Sources>>,
}

/// Behaviour of the generated mock server.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mock {
    /// A PKCS#8 PEM private key, for test use only, that the mock signs RSA webhooks with;
    /// its public half is the sample value of the verifying credential.
    #[serde(default)]
    pub private_key: Option<Sp<String>>,
    /// Stored resources, by name.
    #[serde(default)]
    pub resources: Map<Resource>,
    /// What each endpoint does, by endpoint name.
    #[serde(default)]
    pub operations: Map<Operation>,
}

/// A kind of object the mock stores.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// Named object type of a stored record.
    #[serde(rename = "type")]
    pub ty: Sp<String>,
    /// How ids are made.
    pub id: Sp<IdRule>,
    /// Fields the mock keeps that the record type does not show (e.g. a currency code).
    #[serde(default)]
    pub extra: Map<Field>,
    /// Record fields whose values must be unique (the `duplicate` error otherwise).
    #[serde(default)]
    pub unique: Vec<Sp<String>>,
    /// Values of fields on creation. `{now}` is the current time, `{id}` the new id,
    /// `{credential.NAME}` a credential, `{base_url}` the mock's base URL.
    #[serde(default)]
    pub initial: IndexMap<String, Sp<serde_json::Value>>,
    /// The record's life cycle.
    #[serde(default)]
    pub states: Option<Sp<StateMachine>>,
    /// Records present when the mock starts (and after a reset), e.g. the objects the docs'
    /// examples refer to, by record field.
    #[serde(default)]
    pub seed: Vec<Sp<IndexMap<String, Sp<serde_json::Value>>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdRule {
    /// Record field holding the id.
    pub field: Sp<String>,
    pub style: Sp<IdStyle>,
    /// First id of `sequence`.
    #[serde(default)]
    pub start: Option<Sp<i64>>,
    /// Prefix of `hex` ids.
    #[serde(default)]
    pub prefix: Option<Sp<String>>,
    /// Number of hex digits.
    #[serde(default)]
    pub digits: Option<Sp<u32>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdStyle {
    /// Integers counting up from `start`.
    Sequence,
    /// `prefix` + random hex digits.
    Hex,
    /// The merchant's own id, taken from the request by `store`.
    Given,
}

/// States of a record and the events that move it; the control API fires events.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StateMachine {
    /// Record field holding the state.
    pub field: Sp<String>,
    pub initial: Sp<serde_json::Value>,
    pub events: Map<Event>,
}

/// A state change, fired by the control API (`paid`, `cancelled`, ...) or an operation.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(default)]
    pub description: Option<Sp<String>>,
    /// States the event may fire from. Default: any.
    #[serde(default)]
    pub from: Vec<Sp<serde_json::Value>>,
    pub to: Sp<serde_json::Value>,
    /// Other record fields set by the event (same placeholders as `initial`, plus `{amount}`,
    /// the sum the control API says was paid).
    #[serde(default)]
    pub set: IndexMap<String, Sp<serde_json::Value>>,
    /// Webhook sent to the merchant after the change.
    #[serde(default)]
    pub webhook: Option<Sp<WebhookSend>>,
}

/// Which webhook an event sends, and where.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookSend {
    pub name: Sp<String>,
    /// Record field holding the merchant's URL; default: the URL configured in the mock.
    #[serde(default)]
    pub url_field: Option<Sp<String>>,
    /// Webhook fields, by wire name: record fields as `{field}`, or fixed values.
    pub payload: IndexMap<String, Sp<serde_json::Value>>,
}

/// What the mock does for one endpoint.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    pub action: Sp<Action>,
    /// Resource acted on (not for `totals`).
    #[serde(default)]
    pub resource: Option<Sp<String>>,
    /// `create`/`update`: record field ← request field.
    #[serde(default)]
    pub store: IndexMap<String, Sp<String>>,
    /// `read`/`update`/`fire`: request field → record field it must equal.
    #[serde(default)]
    pub lookup: IndexMap<String, Sp<String>>,
    /// `list`: request field with the 1-based page number.
    #[serde(default)]
    pub page: Option<Sp<String>>,
    /// `list`: records per page.
    #[serde(default)]
    pub page_size: Option<Sp<u32>>,
    /// `fire`: the event, or the request field naming it (`{field}`).
    #[serde(default)]
    pub event: Option<Sp<String>>,
    /// Response fields built from the record (`{field}`, `{base_url}`, `{credential.NAME}`)
    /// when the response type is not the record type.
    #[serde(default)]
    pub respond: IndexMap<String, Sp<serde_json::Value>>,
    /// `totals`: response field → how it is summed.
    #[serde(default)]
    pub totals: Map<Total>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Read,
    List,
    Update,
    /// Fire a state event on the record found by `lookup`.
    Fire,
    /// Sums over stored records (balances).
    Totals,
    /// Always the same answer: `respond`.
    Fixed,
}

/// A sum over records: `add` minus `subtract`, optionally per value of `group_by`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Total {
    #[serde(default)]
    pub add: Vec<Sp<Sum>>,
    #[serde(default)]
    pub subtract: Vec<Sp<Sum>>,
    /// Record field to group by; the response field is then a map.
    #[serde(default)]
    pub group_by: Option<Sp<String>>,
    /// Starting value (or value per group), e.g. an opening balance.
    #[serde(default)]
    pub opening: IndexMap<String, Sp<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sum {
    pub resource: Sp<String>,
    pub field: Sp<String>,
    /// Only records whose fields have these values.
    #[serde(default, rename = "where")]
    pub filter: IndexMap<String, Sp<serde_json::Value>>,
}
