//! The semantic pass over a parsed spec: every reference resolves, names are unique and
//! well-formed, examples match their types, mock rules name real things. All problems are
//! collected, each with its location and a hint.

mod auth;
mod endpoints;
mod examples;
mod field_rules;
mod mock;
mod provider;
mod typedefs;
mod values;
mod webhooks;

use super::located::{Loc, Sp};
use super::model::{Encoding, Endpoint, Method, ParamIn, Spec};
use crate::diagnostics::{Diagnostic, Sink, did_you_mean, one_of};

/// Validates a parsed spec. `file` names it in diagnostics; `text` is its source, used to
/// locate positions inside examples.
pub fn validate(file: &str, text: &str, spec: &Spec) -> Vec<Diagnostic> {
    let mut cx = Ctx {
        spec,
        text,
        sink: Sink::new(file),
    };
    provider::check(&mut cx);
    auth::check(&mut cx);
    typedefs::check(&mut cx);
    endpoints::check(&mut cx);
    examples::check(&mut cx);
    mock::check(&mut cx);
    cx.sink.finish()
}

pub(crate) struct Ctx<'a> {
    pub spec: &'a Spec,
    pub text: &'a str,
    pub sink: Sink,
}

impl Ctx<'_> {
    pub fn err(&mut self, loc: Loc, msg: impl Into<String>, hint: impl Into<String>) {
        self.sink.error_hint(loc, msg, hint);
    }

    /// Reports a `what` name that is not snake_case; `hint` says how to fix it.
    pub fn require_snake(&mut self, loc: Loc, what: &str, name: &str, hint: &str) {
        if !is_snake(name) {
            self.err(loc, format!("{what} name `{name}` is not snake_case"), hint);
        }
    }

    /// Reports `name` as unknown among `known`, suggesting the closest.
    pub fn unknown<'k>(
        &mut self,
        at: &Sp<String>,
        what: &str,
        known: impl IntoIterator<Item = &'k str> + Clone,
    ) {
        let hint = match did_you_mean(&at.value, known.clone()) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("known {what}s: {}", one_of(known)),
        };
        self.err(
            at.loc,
            format!("{what} `{}` is not defined", at.value),
            hint,
        );
    }
}

/// The usual hint for a name that is not snake_case.
pub(crate) const SNAKE_HINT: &str = "use lower-case letters, digits and `_`";

/// `snake_case` identifier.
pub(crate) fn is_snake(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some('a'..='z' | '_'))
        && c.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `PascalCase` identifier.
pub(crate) fn is_pascal(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some('A'..='Z')) && c.all(|c| c.is_ascii_alphanumeric())
}

/// The method an endpoint uses, after defaults.
pub fn method_of(spec: &Spec, e: &Endpoint) -> Method {
    e.method
        .as_ref()
        .or(spec.defaults.method.as_ref())
        .map(|m| m.value)
        .unwrap_or(Method::GET)
}

/// Where an endpoint's non-path fields travel, after defaults.
pub fn encoding_of(spec: &Spec, e: &Endpoint) -> Encoding {
    e.request
        .as_ref()
        .and_then(|r| r.encoding.as_ref())
        .or(spec.defaults.encoding.as_ref())
        .map(|x| x.value)
        .unwrap_or(match method_of(spec, e) {
            Method::GET | Method::DELETE => Encoding::Query,
            _ => Encoding::Json,
        })
}

/// Where one request field travels.
pub fn param_in(spec: &Spec, e: &Endpoint, f: &super::model::Field) -> ParamIn {
    f.location
        .as_ref()
        .map(|l| l.value)
        .unwrap_or(match encoding_of(spec, e) {
            Encoding::Query => ParamIn::Query,
            Encoding::Json | Encoding::Form => ParamIn::Body,
        })
}

/// The auth scheme an endpoint uses (`None` for `auth: none`).
pub fn auth_of<'s>(spec: &'s Spec, e: &'s Endpoint) -> Option<&'s Sp<String>> {
    e.auth
        .as_ref()
        .or(spec.defaults.auth.as_ref())
        .filter(|a| a.value != "none")
}

/// Wire name of a field: `wire_name`, else the field's own name.
pub fn wire_name<'f>(name: &'f str, f: &'f super::model::Field) -> &'f str {
    f.wire_name
        .as_ref()
        .map(|w| w.value.as_str())
        .unwrap_or(name)
}
