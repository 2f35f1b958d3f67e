//! What the spec tables say about building records and answers, worked out once when the
//! engine starts: `initial` values parsed and, where they hold no placeholder, already in
//! their wire form; the kinds of the members a request stores; the answers' templates. A
//! request then spends no lookups, locks or conversions on them.

use super::super::tables::*;
use super::super::template::{fill, spec_value};
use super::super::value::V;
use super::Config;
use crate::mock::store::record_fields;

/// The prepared tables of a spec.
pub(in crate::mock) struct Prepared {
    /// Per resource, in the spec's order.
    resources: Vec<Creation>,
    /// Per endpoint, in the spec's order.
    endpoints: Vec<Answering>,
}

/// How a resource's record starts.
pub(super) struct Creation {
    /// The state a record starts in, as the spec writes it.
    pub(super) state: Option<V>,
    /// The `initial` members, in the spec's order.
    pub(super) initial: Vec<Initial>,
}

/// An `initial` member's value.
pub(super) enum Initial {
    /// The same for every record: already in its wire form.
    Fixed(V),
    /// Filled from the record per request (`{now}`, `{id}`, ...), then given this kind.
    Filled(&'static V, Option<Kind>),
}

/// What an endpoint stores and answers.
pub(super) struct Answering {
    /// The kind of each `op.store` member in the record, in order (`None`: not a field).
    pub(super) store_kinds: Vec<Option<Kind>>,
    /// `op.respond`, its values parsed.
    pub(super) respond: Vec<(&'static str, &'static V)>,
}

/// Whether a spec value has a placeholder anywhere in it.
fn has_placeholder(v: &V) -> bool {
    match v {
        V::Str(s) => s.contains('{'),
        V::Arr(items) => items.iter().any(has_placeholder),
        V::Obj(m) => m.iter().any(|(_, x)| has_placeholder(x)),
        _ => false,
    }
}

impl Prepared {
    pub(in crate::mock) fn new(spec: &'static Spec) -> Prepared {
        let resources = spec
            .resources
            .iter()
            .enumerate()
            .map(|(i, res)| {
                let fields = record_fields(spec, ResourceId(i));
                let kind_of = |name: &str| fields.clone().find(|f| f.name == name).map(|f| f.kind);
                let initial = res
                    .initial
                    .iter()
                    .map(|(f, text)| {
                        let v = spec_value(text);
                        let kind = kind_of(f);
                        if has_placeholder(v) {
                            Initial::Filled(v, kind)
                        } else {
                            // Without a placeholder, filling reads neither record nor config.
                            Initial::Fixed(fill(v, &V::Null, &Config::default(), None, kind))
                        }
                    })
                    .collect();
                Creation {
                    state: res.states.as_ref().map(|s| spec_value(s.initial).clone()),
                    initial,
                }
            })
            .collect();
        let endpoints = spec
            .endpoints
            .iter()
            .map(|e| {
                let store_kinds = match e.op.action {
                    Action::Create(r) | Action::Update(r) => {
                        let fields = record_fields(spec, r);
                        e.op.store
                            .iter()
                            .map(|(rf, _)| fields.clone().find(|f| f.name == *rf).map(|f| f.kind))
                            .collect()
                    }
                    _ => Vec::new(),
                };
                let respond =
                    e.op.respond
                        .iter()
                        .map(|(k, v)| (*k, spec_value(v)))
                        .collect();
                Answering {
                    store_kinds,
                    respond,
                }
            })
            .collect();
        Prepared {
            resources,
            endpoints,
        }
    }

    /// How records of resource `r` start.
    pub(super) fn creation(&self, r: ResourceId) -> Option<&Creation> {
        self.resources.get(r.0)
    }

    /// What endpoint `e` of `spec` stores and answers.
    pub(super) fn answering(&self, spec: &Spec, e: &Endpoint) -> Option<&Answering> {
        let i = spec.endpoints.iter().position(|x| std::ptr::eq(x, e))?;
        self.endpoints.get(i)
    }
}
