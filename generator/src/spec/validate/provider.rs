//! Checks of the provider block, credentials, defaults, envelope and error model.

use super::Ctx;
use crate::spec::model::{ErrorModel, Field, Map};
use crate::spec::types::{self, TypeExpr};

pub(super) fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    if spec.payspec.value != 1 {
        cx.err(
            spec.payspec.loc,
            format!(
                "spec format version {} is not supported",
                spec.payspec.value
            ),
            "write `payspec: 1`",
        );
    }
    let p = &spec.provider;
    let c = &p.crate_name;
    let kebab = c.value.starts_with(|ch: char| ch.is_ascii_lowercase())
        && c.value
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
        && !c.value.ends_with('-');
    if !kebab {
        cx.err(
            c.loc,
            format!("crate name `{}` is not kebab-case", c.value),
            "use lower-case letters, digits and `-`, e.g. `tegro-money`",
        );
    }
    for url in std::iter::once(&p.base_url).chain(p.sandbox_url.as_ref()) {
        if !(url.value.starts_with("https://") || url.value.starts_with("http://")) {
            cx.err(
                url.loc,
                format!("`{}` is not an http(s) URL", url.value),
                "write the full URL, e.g. `https://api.example.com/v1`",
            );
        } else if url.value.ends_with('/') {
            cx.err(
                url.loc,
                "base URL ends with `/`",
                "remove the trailing `/`; endpoint paths start with `/`",
            );
        }
    }
    check_versions(cx);
    if let Some(page) = &p.payment_page {
        check_payment_page(cx, page);
    }
    for (name, cred) in &spec.credentials {
        cx.require_snake(cred.loc, "credential", name, super::SNAKE_HINT);
    }
    if let Some(a) = &spec.defaults.auth
        && a.value != "none"
        && !spec.auth.contains_key(&a.value)
    {
        cx.unknown(a, "auth scheme", spec.auth.keys().map(String::as_str));
    }
    check_errors(cx, &spec.errors);
}

/// `provider.version` and the changelog's versions are semver, newest first, and the newest
/// release is the current version.
fn check_versions(cx: &mut Ctx) {
    let spec = cx.spec;
    const HINT: &str = "write `major.minor.patch`, e.g. `0.2.0`";
    let version = spec.provider.version.as_ref();
    if let Some(v) = version
        && crate::diff::semver::parse(&v.value).is_none()
    {
        cx.err(
            v.loc,
            format!("version `{}` is not `major.minor.patch`", v.value),
            HINT,
        );
    }
    let mut previous: Option<crate::diff::semver::Version> = None;
    for r in &spec.changelog {
        let Some(v) = crate::diff::semver::parse(&r.version.value) else {
            cx.err(
                r.version.loc,
                format!("version `{}` is not `major.minor.patch`", r.version.value),
                HINT,
            );
            continue;
        };
        if previous.is_some_and(|p| v >= p) {
            cx.err(
                r.version.loc,
                format!("release {v} is listed below a release it does not precede"),
                "list releases newest first",
            );
        }
        previous = Some(v);
    }
    if let Some(newest) = spec.changelog.first() {
        let current = version.map_or(crate::ir::DEFAULT_VERSION, |v| v.value.as_str());
        if newest.version.value != current {
            cx.err(
                newest.version.loc,
                format!(
                    "the newest release is {}, but the crate's version is {current}",
                    newest.version.value
                ),
                "run `payspec bump` to record the release, or make them agree",
            );
        }
    }
}

fn check_errors(cx: &mut Ctx, errors: &ErrorModel) {
    let spec = cx.spec;
    if errors.in_envelope && spec.envelope.is_none() {
        cx.err(
            spec.errors.loc,
            "`in_envelope: true` but the spec has no `envelope:`",
            "declare the envelope, or remove `in_envelope`",
        );
    }
    let mut fields: Option<&Map<Field>> = None;
    if let Some(t) = &errors.ty {
        match spec.types.get(&t.value) {
            None => cx.unknown(t, "type", spec.types.keys().map(String::as_str)),
            Some(def) => match &def.fields {
                Some(f) => fields = Some(f),
                None => cx.err(
                    t.loc,
                    format!("error type `{}` is not an object", t.value),
                    "give it `fields:`",
                ),
            },
        }
    }
    let paths = [
        &errors.code,
        &errors.message,
        &errors.validation_path,
        &errors.validation_message,
        &errors.field_errors,
    ];
    for p in paths.into_iter().flatten() {
        match fields {
            Some(f) => {
                if let Err(bad) = resolve_path(cx, f, &p.value) {
                    cx.err(
                        p.loc,
                        format!(
                            "`{}` is not a field path of the error type: `{bad}` is not defined",
                            p.value
                        ),
                        "use dotted field names of the error type, e.g. `validation_error.path`",
                    );
                }
            }
            None if !errors.in_envelope => cx.err(
                p.loc,
                format!(
                    "field path `{}` given but the error model has no `type:`",
                    p.value
                ),
                "declare the error body type with `type:`",
            ),
            None => {}
        }
    }
    let redirects = errors.redirect_is_error.as_ref().is_some_and(|v| v.value);
    for (status, s) in &errors.statuses {
        let redirect = (300..=399).contains(status);
        if redirect && !redirects {
            cx.err(
                s.loc,
                format!("error status {status} is a redirect, which the client follows"),
                "add `redirect_is_error: true` if the provider answers errors with it",
            );
        } else if !redirect && !(400..=599).contains(status) {
            cx.err(
                s.loc,
                format!("error status {status} is not a 3xx, 4xx or 5xx status"),
                "list only error statuses here",
            );
        }
    }
    for (case, reply) in &errors.cases {
        if let Some(st) = &reply.status {
            let ok = if errors.in_envelope {
                st.value == 200 || st.value >= 400
            } else {
                st.value >= 400
            };
            if !ok || st.value > 599 {
                cx.err(
                    st.loc,
                    format!("status {} is not an error status", st.value),
                    "use a 4xx or 5xx status",
                );
            }
        }
        if reply.code.is_some() && errors.code.is_none() {
            cx.err(
                reply.loc,
                format!(
                    "case `{case:?}` has a `code` but the error model declares no `code:` path"
                ),
                "add `code:` naming the field that carries the error code",
            );
        }
    }
}

/// Follows a dotted path through object types; returns the first segment that does not exist.
pub(super) fn resolve_path<'p>(
    cx: &Ctx,
    fields: &Map<Field>,
    path: &'p str,
) -> Result<(), &'p str> {
    let mut cur = Some(fields);
    for seg in path.split('.') {
        let f = cur.and_then(|m| m.get(seg)).ok_or(seg)?;
        cur = match types::of_field(cx.spec, f) {
            Ok(t @ TypeExpr::Named(_)) => types::named(cx.spec, &t).and_then(|d| d.fields.as_ref()),
            _ => None,
        };
    }
    Ok(())
}

/// `payment_page.link` names an endpoint and a field of its JSON response.
fn check_payment_page(cx: &mut Ctx, page: &crate::spec::Sp<crate::spec::model::PaymentPage>) {
    let Some(link) = &page.value.link else {
        if page.value.note.is_none() {
            cx.err(
                page.loc,
                "`payment_page` gives neither a `link` nor a `note`",
                "say where the customer pays: `link: endpoint.field`, or a `note`",
            );
        }
        return;
    };
    let Some((endpoint, field)) = link.value.split_once('.') else {
        cx.err(
            link.loc,
            format!("`{}` is not `endpoint.field`", link.value),
            "e.g. `link: create_order.url`",
        );
        return;
    };
    let Some(e) = cx.spec.endpoints.get(endpoint) else {
        let known: Vec<&str> = cx.spec.endpoints.keys().map(String::as_str).collect();
        cx.err(
            link.loc,
            format!("`payment_page.link` names no endpoint `{endpoint}`"),
            format!("endpoints: {}", known.join(", ")),
        );
        return;
    };
    let fields = e
        .response
        .ty
        .as_ref()
        .and_then(|t| cx.spec.types.get(&t.value))
        .and_then(|d| d.fields.as_ref());
    if !fields.is_some_and(|f| f.contains_key(field)) {
        cx.err(
            link.loc,
            format!("the response of `{endpoint}` has no field `{field}`"),
            "name a field of the endpoint's response type",
        );
    }
}
