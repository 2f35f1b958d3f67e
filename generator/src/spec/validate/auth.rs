//! Checks of auth schemes: credentials exist, each signature says what it signs, with what
//! key, and where it travels. Whether signed fields exist is checked where a scheme is used.

use super::Ctx;
use crate::spec::located::Sp;
use crate::spec::model::{Algorithm, AuthScheme, Injected, Message, Part};

pub(super) fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    for (name, scheme) in &spec.auth {
        cx.require_snake(scheme.loc, "auth scheme", name, super::SNAKE_HINT);
        check_scheme(cx, name, scheme);
    }
}

fn check_scheme(cx: &mut Ctx, name: &str, s: &Sp<AuthScheme>) {
    if s.inject.is_empty() && s.token.is_none() && s.basic.is_none() && s.signature.is_none() {
        cx.err(
            s.loc,
            format!("auth scheme `{name}` does nothing"),
            "give it `token:`, `basic:`, `signature:` or `inject:`",
        );
    }
    for inj in s.inject.values() {
        if let Injected::Credential(c) = &inj.value {
            credential(cx, c);
        }
    }
    if let Some(t) = &s.token {
        credential(cx, &t.credential);
        if t.query.is_some() == t.header.is_some() {
            cx.err(
                t.loc,
                "a token goes in exactly one place",
                "give either `query:` or `header:`",
            );
        }
    }
    if let Some(b) = &s.basic {
        credential(cx, &b.username);
        credential(cx, &b.password);
    }
    let Some(sig) = &s.signature else { return };
    let keyed = matches!(
        sig.algorithm.value,
        Algorithm::HmacSha256 | Algorithm::RsaSha256
    );
    match (&sig.key, keyed) {
        (Some(k), true) => credential(cx, k),
        (None, true) => cx.err(
            sig.algorithm.loc,
            format!("`{}` needs a `key:`", alg_name(sig.algorithm.value)),
            "name the credential used as the key, e.g. `key: api_key`",
        ),
        (Some(k), false) => cx.err(
            k.loc,
            format!(
                "`{}` is a plain digest and takes no `key:`",
                alg_name(sig.algorithm.value)
            ),
            "put the secret in the message instead, e.g. a part `- credential: secret_key`",
        ),
        (None, false) => {}
    }
    if sig.algorithm.value == Algorithm::RsaSha256 && !matches!(sig.message.value, Message::Body) {
        cx.err(
            sig.message.loc,
            "`rsa-sha256` signatures cover the body only",
            "write `message: body`",
        );
    }
    match (&sig.header, &sig.field) {
        (None, None) => cx.err(
            sig.loc,
            "the signature has no place to travel",
            "give `header:` or `field:`",
        ),
        (Some(_), Some(f)) => cx.err(
            f.loc,
            "the signature goes in a header or a field, not both",
            "remove one of `header:` and `field:`",
        ),
        _ => {}
    }
    if let Some(t) = &sig.template {
        if !t.value.contains("{signature}") {
            cx.err(
                t.loc,
                "the template does not contain `{signature}`",
                "write e.g. `Bearer {signature}`",
            );
        }
        if sig.header.is_none() {
            cx.err(
                t.loc,
                "`template:` applies to a header only",
                "add `header:` or remove `template:`",
            );
        }
    }
    match &sig.message.value {
        Message::Body => {}
        Message::Parts(parts) => {
            if parts.is_empty() {
                cx.err(
                    sig.message.loc,
                    "the signed message has no parts",
                    "list at least one part",
                );
            }
            for p in parts {
                part(cx, p);
            }
        }
        Message::SortedFields(sf) => {
            for p in &sf.append {
                part(cx, p);
                if p.field.is_some() {
                    cx.err(
                        p.loc,
                        "appended parts cannot be fields: every field is already in the message",
                        "append a `credential:` or `literal:`",
                    );
                }
            }
            if sig.field.is_none() {
                cx.err(
                    sig.message.loc,
                    "`sorted_fields` signs form fields, so the signature must travel in one",
                    "add `field: sign` (the field that carries it)",
                );
            }
        }
    }
}

fn part(cx: &mut Ctx, p: &Sp<Part>) {
    let n = [
        p.field.is_some(),
        p.credential.is_some(),
        p.literal.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if n != 1 {
        cx.err(
            p.loc,
            "a signed part needs exactly one of `field`, `credential`, `literal`",
            "split it into several parts",
        );
    }
    if let Some(c) = &p.credential {
        credential(cx, c);
    }
    if let Some(f) = &p.format
        && p.field.is_none()
    {
        cx.err(
            f.loc,
            "`format:` applies to field parts only",
            "remove `format:`",
        );
    }
}

fn credential(cx: &mut Ctx, c: &Sp<String>) {
    if !cx.spec.credentials.contains_key(&c.value) {
        cx.unknown(
            c,
            "credential",
            cx.spec.credentials.keys().map(String::as_str),
        );
    }
}

fn alg_name(a: Algorithm) -> &'static str {
    match a {
        Algorithm::HmacSha256 => "hmac-sha256",
        Algorithm::Sha256 => "sha256",
        Algorithm::Md5 => "md5",
        Algorithm::RsaSha256 => "rsa-sha256",
    }
}

/// Fields a scheme's signature reads, with their locations (for use-site checks).
pub(super) fn signed_fields(s: &AuthScheme) -> Vec<&Sp<String>> {
    match s.signature.as_ref().map(|sig| &sig.message.value) {
        Some(Message::Parts(parts)) => parts.iter().filter_map(|p| p.field.as_ref()).collect(),
        _ => Vec::new(),
    }
}
