//! The walk over two specs: provider, credentials, auth, envelope, errors, types, endpoints,
//! webhooks, mock and changelog, in that order. Field lists are compared in [`super::fields`].

use std::fmt::Debug;

use super::fields::{self, Role};
use super::{Change, Level, Side};
use crate::spec::model::{Endpoint, Map, Spec, TypeDef, Webhook};
use crate::spec::validate::{auth_of, encoding_of, method_of};
use crate::spec::{Loc, Sp};

#[derive(Default)]
pub struct Cx {
    pub changes: Vec<Change>,
}

/// A value's `Debug` text without locations: equal texts mean equal values.
pub fn canon<T: Debug>(v: &T) -> String {
    const LOC: &str = "loc: Loc {";
    let text = format!("{v:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(LOC) {
        out.push_str(&rest[..at]);
        // A `Loc` holds numbers only, so its `}` is the first one after it.
        let after = &rest[at + LOC.len()..];
        rest = after.find('}').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// The text of an optional spec string.
fn text(v: &Option<Sp<String>>) -> Option<&str> {
    v.as_ref().map(|s| s.value.as_str())
}

impl Cx {
    pub fn push(
        &mut self,
        level: Level,
        item: impl Into<String>,
        what: impl Into<String>,
        side: Side,
        loc: Loc,
    ) {
        self.changes.push(Change {
            level,
            item: item.into(),
            what: what.into(),
            side,
            loc,
        });
    }

    /// Reports `what` as a change of `level` when the two texts differ.
    fn differs<T: Debug>(
        &mut self,
        level: Level,
        item: &str,
        what: &str,
        old: &T,
        new: &T,
        loc: Loc,
    ) {
        if canon(old) != canon(new) {
            self.push(level, item, what, Side::New, loc);
        }
    }

    /// Docs of an item: description, summary, note, citations.
    fn docs(&mut self, item: &str, pairs: &[(&str, String, String)], loc: Loc) {
        for (what, old, new) in pairs {
            if old != new {
                self.push(
                    Level::NoApiChange,
                    item,
                    format!("{what} changed"),
                    Side::New,
                    loc,
                );
            }
        }
    }

    /// Reports the members of `old` that `new` lacks and those only `new` has; returns the
    /// members in both, as (name, old, new).
    fn members<'m, T>(
        &mut self,
        prefix: &str,
        old: &'m Map<T>,
        new: &'m Map<T>,
        removed: (Level, &str),
        added: (Level, &str),
    ) -> Vec<(&'m String, &'m Sp<T>, &'m Sp<T>)> {
        for (name, o) in old {
            if !new.contains_key(name) {
                self.push(
                    removed.0,
                    format!("{prefix}.{name}"),
                    removed.1,
                    Side::Old,
                    o.loc,
                );
            }
        }
        let mut both = Vec::new();
        for (name, n) in new {
            match old.get(name) {
                Some(o) => both.push((name, o, n)),
                None => self.push(
                    added.0,
                    format!("{prefix}.{name}"),
                    added.1,
                    Side::New,
                    n.loc,
                ),
            }
        }
        both
    }

    /// Reports removed and added members under `prefix` (`what` they are, and what a rename
    /// also renames); a removed member whose key one added member shares is reported once,
    /// as renamed (breaking).
    fn renamed_or_gone<T, K: PartialEq>(
        &mut self,
        (prefix, what, renamed_too): (&str, &str, &str),
        old: &Map<T>,
        new: &Map<T>,
        old_key: impl Fn(&T) -> K,
        new_key: impl Fn(&T) -> K,
    ) {
        let added: Vec<(&String, &Sp<T>)> =
            new.iter().filter(|(k, _)| !old.contains_key(*k)).collect();
        let mut renamed: Vec<&str> = Vec::new();
        for (name, o) in old.iter().filter(|(k, _)| !new.contains_key(*k)) {
            let same: Vec<&(&String, &Sp<T>)> = added
                .iter()
                .filter(|(_, n)| new_key(n) == old_key(o))
                .collect();
            if let [(to, n)] = same.as_slice() {
                self.push(
                    Level::Breaking,
                    format!("{prefix}.{to}"),
                    format!("{what} renamed from `{name}`{renamed_too}"),
                    Side::New,
                    n.loc,
                );
                renamed.push(to.as_str());
            } else {
                self.push(
                    Level::Breaking,
                    format!("{prefix}.{name}"),
                    format!("{what} removed"),
                    Side::Old,
                    o.loc,
                );
            }
        }
        for (name, n) in added {
            if !renamed.contains(&name.as_str()) {
                self.push(
                    Level::Additive,
                    format!("{prefix}.{name}"),
                    format!("{what} added"),
                    Side::New,
                    n.loc,
                );
            }
        }
    }

    pub fn all(&mut self, old: &Spec, new: &Spec) {
        self.provider(old, new);
        self.credentials(old, new);
        self.auth(old, new);
        self.envelope(old, new);
        self.errors(old, new);
        self.types(old, new);
        self.endpoints(old, new);
        self.webhooks(old, new);
        self.differs(
            Level::NoApiChange,
            "mock",
            "mock behaviour changed",
            &old.mock,
            &new.mock,
            new.mock.as_ref().map_or(Loc::default(), |m| m.loc),
        );
        self.differs(
            Level::NoApiChange,
            "changelog",
            "changelog changed",
            &old.changelog,
            &new.changelog,
            new.changelog.first().map_or(Loc::default(), |r| r.loc),
        );
    }

    fn provider(&mut self, old: &Spec, new: &Spec) {
        let (o, n) = (&old.provider, &new.provider);
        let loc = n.loc;
        self.differs(
            Level::Breaking,
            "provider.crate",
            "crate renamed",
            &o.crate_name,
            &n.crate_name,
            n.crate_name.loc,
        );
        self.differs(
            Level::Breaking,
            "provider.base_url",
            "production URL changed",
            &o.base_url,
            &n.base_url,
            n.base_url.loc,
        );
        match (&o.sandbox_url, &n.sandbox_url) {
            (None, Some(s)) => self.push(
                Level::Additive,
                "provider.sandbox_url",
                "sandbox URL added",
                Side::New,
                s.loc,
            ),
            (Some(s), None) => self.push(
                Level::Breaking,
                "provider.sandbox_url",
                "sandbox URL removed",
                Side::Old,
                s.loc,
            ),
            (Some(a), Some(b)) if a.value != b.value => self.push(
                Level::Breaking,
                "provider.sandbox_url",
                "sandbox URL changed",
                Side::New,
                b.loc,
            ),
            _ => {}
        }
        self.differs(
            Level::NoApiChange,
            "provider.payment_page",
            "how the customer pays changed",
            &o.payment_page,
            &n.payment_page,
            loc,
        );
        self.differs(
            Level::NoApiChange,
            "provider.version",
            "version changed",
            &o.version,
            &n.version,
            loc,
        );
        self.docs(
            "provider",
            &[
                ("name", o.name.value.clone(), n.name.value.clone()),
                ("description", canon(&o.description), canon(&n.description)),
                ("docs", canon(&o.docs), canon(&n.docs)),
                ("note", canon(&o.note), canon(&n.note)),
            ],
            loc,
        );
    }

    fn credentials(&mut self, old: &Spec, new: &Spec) {
        let both = self.members(
            "credentials",
            &old.credentials,
            &new.credentials,
            (Level::Breaking, "credential removed"),
            (
                Level::Breaking,
                "credential added (`Credentials::new` takes it)",
            ),
        );
        for (name, o, c) in both {
            let item = format!("credentials.{name}");
            if o.secret != c.secret {
                self.push(
                    Level::Breaking,
                    &item,
                    "secret flag changed (its Rust type changes)",
                    Side::New,
                    c.loc,
                );
            }
            self.docs(
                &item,
                &[
                    (
                        "description",
                        o.description.value.clone(),
                        c.description.value.clone(),
                    ),
                    ("example", canon(&o.example), canon(&c.example)),
                    ("aliases", canon(&o.aliases), canon(&c.aliases)),
                    ("note", canon(&o.note), canon(&c.note)),
                    ("source", canon(&o.source), canon(&c.source)),
                ],
                c.loc,
            );
        }
    }

    fn auth(&mut self, old: &Spec, new: &Spec) {
        let both = self.members(
            "auth",
            &old.auth,
            &new.auth,
            (
                Level::NoApiChange,
                "scheme removed (no endpoint uses it any more)",
            ),
            (Level::NoApiChange, "scheme added"),
        );
        for (name, o, a) in both {
            let item = format!("auth.{name}");
            let recipe = |s: &crate::spec::model::AuthScheme| {
                canon(&(&s.inject, &s.token, &s.basic, &s.signature))
            };
            if recipe(o) != recipe(a) {
                self.push(
                    Level::Breaking,
                    &item,
                    "signing recipe changed",
                    Side::New,
                    a.loc,
                );
            }
            self.docs(
                &item,
                &[
                    ("description", canon(&o.description), canon(&a.description)),
                    ("note", canon(&o.note), canon(&a.note)),
                    ("source", canon(&o.source), canon(&a.source)),
                ],
                a.loc,
            );
        }
    }

    fn envelope(&mut self, old: &Spec, new: &Spec) {
        let shape = |e: &crate::spec::model::Envelope| {
            canon(&(
                &e.status_field,
                &e.success,
                &e.error,
                &e.message_field,
                &e.data_field,
            ))
        };
        match (&old.envelope, &new.envelope) {
            (None, Some(e)) => self.push(
                Level::Breaking,
                "envelope",
                "envelope added: answers are unwrapped",
                Side::New,
                e.loc,
            ),
            (Some(e), None) => self.push(
                Level::Breaking,
                "envelope",
                "envelope removed",
                Side::Old,
                e.loc,
            ),
            (Some(a), Some(b)) => {
                if shape(a) != shape(b) {
                    self.push(
                        Level::Breaking,
                        "envelope",
                        "envelope fields changed",
                        Side::New,
                        b.loc,
                    );
                }
                self.docs(
                    "envelope",
                    &[("description", canon(&a.description), canon(&b.description))],
                    b.loc,
                );
            }
            (None, None) => {}
        }
    }

    fn errors(&mut self, old: &Spec, new: &Spec) {
        let (o, n) = (&old.errors, &new.errors);
        let loc = n.loc;
        let paths = |e: &crate::spec::model::ErrorModel| {
            canon(&(
                e.in_envelope,
                &e.ty,
                &e.code,
                &e.message,
                &e.validation_path,
                &e.validation_message,
                &e.field_errors,
                // A 3xx read as an error instead of followed.
                e.redirect_is_error.as_ref().map(|v| v.value),
            ))
        };
        if paths(o) != paths(n) {
            self.push(
                Level::Breaking,
                "errors",
                "where errors are read changed (type, paths or envelope)",
                Side::New,
                loc,
            );
        }
        let retry = |e: &crate::spec::model::ErrorModel| {
            let mut v: Vec<u16> = e
                .statuses
                .iter()
                .filter(|(_, s)| s.retryable)
                .map(|(k, _)| *k)
                .collect();
            v.sort_unstable();
            v
        };
        if retry(o) != retry(n) {
            self.push(
                Level::Additive,
                "errors.statuses",
                "retryable statuses changed (`Error::is_retryable`)",
                Side::New,
                loc,
            );
        }
        let statuses = |e: &crate::spec::model::ErrorModel| {
            canon(
                &e.statuses
                    .iter()
                    .map(|(k, s)| (k, &s.description, &s.codes))
                    .collect::<Vec<_>>(),
            )
        };
        self.docs(
            "errors",
            &[
                ("documented statuses", statuses(o), statuses(n)),
                ("description", canon(&o.description), canon(&n.description)),
                ("note", canon(&o.note), canon(&n.note)),
                ("source", canon(&o.source), canon(&n.source)),
            ],
            loc,
        );
        if canon(&o.cases) != canon(&n.cases) {
            self.push(
                Level::NoApiChange,
                "errors.cases",
                "the mock's error answers changed",
                Side::New,
                loc,
            );
        }
    }

    fn types(&mut self, old: &Spec, new: &Spec) {
        let request_types = fields::request_types(new);
        let shape = |t: &TypeDef| {
            canon(&(
                &t.fields.as_ref().map(|f| {
                    f.iter()
                        .map(|(k, v)| (k, fields::signature(v), v.optional))
                        .collect::<Vec<_>>()
                }),
                &t.enum_repr,
                t.values
                    .iter()
                    .map(|v| (&v.value, &v.name))
                    .collect::<Vec<_>>(),
            ))
        };
        self.renamed_or_gone(("types", "type", ""), &old.types, &new.types, shape, shape);
        for (name, t) in &new.types {
            let Some(o) = old.types.get(name) else {
                continue;
            };
            let item = format!("types.{name}");
            self.docs(
                &item,
                &[
                    ("description", canon(&o.description), canon(&t.description)),
                    ("note", canon(&o.note), canon(&t.note)),
                    ("source", canon(&o.source), canon(&t.source)),
                ],
                t.loc,
            );
            if canon(&o.enum_repr) != canon(&t.enum_repr)
                || o.fields.is_some() != t.fields.is_some()
            {
                self.push(
                    Level::Breaking,
                    &item,
                    "kind changed (object, string enum, integer enum)",
                    Side::New,
                    t.loc,
                );
                continue;
            }
            self.enum_values(&item, o, t);
            if let (Some(of), Some(nf)) = (&o.fields, &t.fields) {
                let role = if request_types.contains(name.as_str()) {
                    Role::Request
                } else {
                    Role::Response
                };
                fields::compare(self, &item, role, of, nf);
            }
        }
    }

    fn enum_values(&mut self, item: &str, o: &TypeDef, t: &TypeDef) {
        for v in &o.values {
            if !t.values.iter().any(|n| n.value.value == v.value.value) {
                self.push(
                    Level::Breaking,
                    item,
                    format!(
                        "value `{}` removed (its variant is gone)",
                        v.value.value.value
                    ),
                    Side::Old,
                    v.loc,
                );
            }
        }
        for v in &t.values {
            match o.values.iter().find(|n| n.value.value == v.value.value) {
                None => self.push(
                    Level::Additive,
                    item,
                    format!("value `{}` added", v.value.value.value),
                    Side::New,
                    v.loc,
                ),
                Some(ov) if text(&ov.name) != text(&v.name) => self.push(
                    Level::Breaking,
                    item,
                    format!("variant of `{}` renamed", v.value.value.value),
                    Side::New,
                    v.loc,
                ),
                Some(ov) if canon(&ov.description) != canon(&v.description) => self.push(
                    Level::NoApiChange,
                    item,
                    format!("description of `{}` changed", v.value.value.value),
                    Side::New,
                    v.loc,
                ),
                Some(_) => {}
            }
        }
    }

    fn endpoints(&mut self, old: &Spec, new: &Spec) {
        // An endpoint is the same call when method and path are.
        self.renamed_or_gone(
            ("endpoints", "endpoint", " (its method is renamed)"),
            &old.endpoints,
            &new.endpoints,
            |e| (method_of(old, e), e.path.value.clone()),
            |e| (method_of(new, e), e.path.value.clone()),
        );
        for (name, e) in &new.endpoints {
            if let Some(o) = old.endpoints.get(name) {
                self.endpoint(old, new, name, o, e);
            }
        }
    }

    fn endpoint(&mut self, old: &Spec, new: &Spec, name: &str, o: &Sp<Endpoint>, e: &Sp<Endpoint>) {
        let item = format!("endpoints.{name}");
        if method_of(old, o) != method_of(new, e) {
            self.push(
                Level::Breaking,
                &item,
                format!("method {:?} → {:?}", method_of(old, o), method_of(new, e)),
                Side::New,
                e.loc,
            );
        }
        if o.path.value != e.path.value {
            self.push(
                Level::Breaking,
                &item,
                format!("path `{}` → `{}`", o.path.value, e.path.value),
                Side::New,
                e.path.loc,
            );
        }
        if encoding_of(old, o) != encoding_of(new, e) {
            self.push(
                Level::Breaking,
                &item,
                format!(
                    "encoding {:?} → {:?}",
                    encoding_of(old, o),
                    encoding_of(new, e)
                ),
                Side::New,
                e.loc,
            );
        }
        let scheme = |s: &Spec, x: &Endpoint| auth_of(s, x).map(|a| a.value.clone());
        if scheme(old, o) != scheme(new, e) {
            self.push(
                Level::Breaking,
                &item,
                format!("auth scheme {:?} → {:?}", scheme(old, o), scheme(new, e)),
                Side::New,
                e.loc,
            );
        }
        self.docs(
            &item,
            &[
                ("summary", o.summary.value.clone(), e.summary.value.clone()),
                ("description", canon(&o.description), canon(&e.description)),
                ("note", canon(&o.note), canon(&e.note)),
                ("source", canon(&o.source), canon(&e.source)),
            ],
            e.loc,
        );
        let empty = Default::default();
        let of = o.request.as_ref().map_or(&empty, |r| &r.fields);
        let nf = e.request.as_ref().map_or(&empty, |r| &r.fields);
        let req_item = format!("{item}.request");
        fields::compare(self, &req_item, Role::Request, of, nf);
        fields::locations(self, old, new, o, e, &req_item);
        let one_of = |x: &Endpoint| {
            let mut v: Vec<String> = x
                .request
                .as_ref()
                .map(|r| r.one_of_required.iter().map(|s| s.value.clone()).collect())
                .unwrap_or_default();
            v.sort();
            v
        };
        let (oo, no) = (one_of(o), one_of(e));
        if oo != no {
            let level = if no.is_empty()
                || (!oo.is_empty() && no.iter().all(|f| oo.contains(f)) && no.len() >= oo.len())
            {
                Level::Additive
            } else {
                Level::Breaking
            };
            self.push(
                level,
                &req_item,
                format!("one_of_required {oo:?} → {no:?}"),
                Side::New,
                e.loc,
            );
        }
        self.response(&item, o, e);
        if canon(&o.examples) != canon(&e.examples) {
            self.push(
                Level::NoApiChange,
                format!("{item}.examples"),
                "examples changed",
                Side::New,
                e.loc,
            );
        }
    }

    fn response(&mut self, item: &str, o: &Endpoint, e: &Endpoint) {
        let (or, nr) = (&o.response, &e.response);
        let item = format!("{item}.response");
        let body = |r: &crate::spec::model::Response| {
            canon(&(&r.body, &r.ty, &r.items, &r.values, &r.envelope))
        };
        if body(or) != body(nr) {
            self.push(
                Level::Breaking,
                &item,
                "response type changed",
                Side::New,
                nr.loc,
            );
        }
        let status = |r: &crate::spec::model::Response| r.status.as_ref().map_or(200, |s| s.value);
        if status(or) != status(nr) {
            self.push(
                Level::NoApiChange,
                &item,
                format!(
                    "success status {} → {} (any 2xx is accepted)",
                    status(or),
                    status(nr)
                ),
                Side::New,
                nr.loc,
            );
        }
        self.docs(
            &item,
            &[
                (
                    "content types",
                    canon(&(&or.content_types, &or.content_type_from)),
                    canon(&(&nr.content_types, &nr.content_type_from)),
                ),
                ("note", canon(&or.note), canon(&nr.note)),
                ("source", canon(&or.source), canon(&nr.source)),
            ],
            nr.loc,
        );
    }

    fn webhooks(&mut self, old: &Spec, new: &Spec) {
        let both = self.members(
            "webhooks",
            &old.webhooks,
            &new.webhooks,
            (Level::Breaking, "webhook removed"),
            (Level::Additive, "webhook added"),
        );
        for (name, o, w) in both {
            self.webhook(&format!("webhooks.{name}"), o, w);
        }
    }

    fn webhook(&mut self, item: &str, o: &Webhook, w: &Sp<Webhook>) {
        if o.encoding.value != w.encoding.value {
            self.push(
                Level::Breaking,
                item,
                "encoding changed",
                Side::New,
                w.encoding.loc,
            );
        }
        if o.auth.value != w.auth.value {
            self.push(
                Level::Breaking,
                item,
                "auth scheme changed",
                Side::New,
                w.auth.loc,
            );
        }
        let method = |x: &Webhook| {
            x.method
                .as_ref()
                .map_or(crate::spec::model::Method::POST, |m| m.value)
        };
        if method(o) != method(w) {
            let at = w.method.as_ref().map_or(w.loc, |m| m.loc);
            self.push(Level::Breaking, item, "method changed", Side::New, at);
        }
        // Which bodies route to the webhook; its notes and citations are documentation.
        let route = |x: &Webhook| {
            x.discriminator
                .as_ref()
                .map(|d| (canon(&d.field), canon(&d.values), canon(&d.present)))
        };
        if route(o) != route(w) {
            let at = w.discriminator.as_ref().map_or(w.loc, |d| d.loc);
            self.push(
                Level::Breaking,
                item,
                "discriminator changed",
                Side::New,
                at,
            );
        }
        let reply = |x: &Webhook| {
            let r = x.reply.as_ref();
            (
                r.and_then(|r| r.status.as_ref()).map_or(200, |s| s.value),
                r.and_then(|r| r.content_type.as_ref())
                    .map(|c| c.value.clone()),
                r.and_then(|r| r.body.as_ref())
                    .map(|b| b.value.clone())
                    .unwrap_or_default(),
            )
        };
        if reply(o) != reply(w) {
            let at = w.reply.as_ref().map_or(w.loc, |r| r.loc);
            self.push(Level::Additive, item, "reply changed", Side::New, at);
        }
        self.docs(
            item,
            &[
                ("summary", o.summary.value.clone(), w.summary.value.clone()),
                ("description", canon(&o.description), canon(&w.description)),
                ("note", canon(&o.note), canon(&w.note)),
                ("source", canon(&o.source), canon(&w.source)),
            ],
            w.loc,
        );
        fields::compare(self, item, Role::Response, &o.fields, &w.fields);
        if canon(&o.examples) != canon(&w.examples) {
            self.push(
                Level::NoApiChange,
                format!("{item}.examples"),
                "examples changed",
                Side::New,
                w.loc,
            );
        }
    }
}
