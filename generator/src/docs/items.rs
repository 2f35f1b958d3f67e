//! The spec items that cite the docs, in file order: endpoints, their responses, fields and
//! examples; webhooks; types and their fields; the error model and its cases; auth schemes
//! and credentials. Which of them must cite is decided here too.

use crate::spec::model::{Example, Field, Spec};
use crate::spec::sources::Sources;
use crate::spec::{Loc, Sp};

/// One item that may carry `source:`.
#[derive(Debug)]
pub struct Item<'s> {
    /// Dotted name in the spec, e.g. `endpoints.create_order.examples[1]`.
    pub name: String,
    /// Where the item is.
    pub loc: Loc,
    pub source: Option<&'s Sp<Sources>>,
    /// The item has a `note:` (needed with `source: none`).
    pub has_note: bool,
    /// Must cite when the spec has docs: endpoints, webhooks, types, error cases, examples.
    /// The others (fields, responses, …) go by their parent's citation when they have none.
    pub required: bool,
}

fn fields<'s>(
    out: &mut Vec<Item<'s>>,
    prefix: &str,
    fields: impl Iterator<Item = (&'s String, &'s Sp<Field>)>,
) {
    for (name, f) in fields {
        out.push(Item {
            name: format!("{prefix}.fields.{name}"),
            loc: f.loc,
            source: f.source.as_ref(),
            has_note: f.note.is_some(),
            required: false,
        });
    }
}

fn item<'s>(
    name: String,
    loc: Loc,
    source: Option<&'s Sp<Sources>>,
    has_note: bool,
    required: bool,
) -> Item<'s> {
    Item {
        name,
        loc,
        source,
        has_note,
        required,
    }
}

/// The examples of `prefix`, each of which must cite.
fn examples<'s>(out: &mut Vec<Item<'s>>, prefix: &str, examples: &'s [Sp<Example>]) {
    for (i, x) in examples.iter().enumerate() {
        out.push(item(
            format!("{prefix}.examples[{i}]"),
            x.loc,
            x.source.as_ref(),
            x.note.is_some(),
            true,
        ));
    }
}

/// Every item of `spec` that can cite the docs.
pub fn items(spec: &Spec) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    for (name, c) in &spec.credentials {
        out.push(item(
            format!("credentials.{name}"),
            c.loc,
            c.source.as_ref(),
            c.note.is_some(),
            false,
        ));
    }
    for (name, a) in &spec.auth {
        out.push(item(
            format!("auth.{name}"),
            a.loc,
            a.source.as_ref(),
            a.note.is_some(),
            false,
        ));
    }
    let e = &spec.errors;
    out.push(item(
        "errors".into(),
        e.loc,
        e.source.as_ref(),
        e.note.is_some(),
        false,
    ));
    for (case, reply) in &e.cases {
        let case = heck::ToSnakeCase::to_snake_case(format!("{case:?}").as_str());
        out.push(item(
            format!("errors.cases.{case}"),
            reply.loc,
            reply.source.as_ref(),
            reply.note.is_some(),
            true,
        ));
    }
    for (name, t) in &spec.types {
        out.push(item(
            format!("types.{name}"),
            t.loc,
            t.source.as_ref(),
            t.note.is_some(),
            true,
        ));
        if let Some(fs) = &t.fields {
            fields(&mut out, &format!("types.{name}"), fs.iter());
        }
    }
    for (name, ep) in &spec.endpoints {
        let prefix = format!("endpoints.{name}");
        out.push(item(
            prefix.clone(),
            ep.loc,
            ep.source.as_ref(),
            ep.note.is_some(),
            true,
        ));
        if let Some(r) = &ep.request {
            fields(&mut out, &format!("{prefix}.request"), r.fields.iter());
        }
        let r = &ep.response;
        out.push(item(
            format!("{prefix}.response"),
            r.loc,
            r.source.as_ref(),
            r.note.is_some(),
            false,
        ));
        examples(&mut out, &prefix, &ep.examples);
    }
    for (name, w) in &spec.webhooks {
        let prefix = format!("webhooks.{name}");
        out.push(item(
            prefix.clone(),
            w.loc,
            w.source.as_ref(),
            w.note.is_some(),
            true,
        ));
        if let Some(d) = &w.discriminator {
            out.push(item(
                format!("{prefix}.discriminator"),
                d.loc,
                d.source.as_ref(),
                d.note.is_some(),
                false,
            ));
        }
        if let Some(r) = &w.reply {
            out.push(item(
                format!("{prefix}.reply"),
                r.loc,
                r.source.as_ref(),
                r.note.is_some(),
                false,
            ));
        }
        fields(&mut out, &prefix, w.fields.iter());
        examples(&mut out, &prefix, &w.examples);
    }
    out
}
