//! The rules a field adds to its type: a subset of its enum's values (`allowed`), one fixed
//! value (`const`), other wire names accepted on input (`aliases`), and conditions on a
//! sibling field (`required_if`, `forbidden_if`). Each is checked against the field's type
//! and its siblings, located at the value at fault.

use std::collections::HashSet;

use super::Ctx;
use crate::spec::located::Sp;
use crate::spec::model::{Condition, Field, Map};
use crate::spec::types::{self, Scalar, TypeExpr};

/// Checks the rules of every field in `fields` (a request's, an object type's or a
/// webhook's), each against its own type and its siblings.
pub(super) fn check(cx: &mut Ctx, fields: &Map<Field>) {
    let mut wires: HashSet<String> = fields
        .iter()
        .map(|(n, f)| super::wire_name(n, f).to_string())
        .collect();
    for (name, f) in fields {
        for v in &f.allowed {
            value_fits(cx, f, v, "allowed");
        }
        if !f.allowed.is_empty() && enum_values(cx, f).is_none() {
            cx.err(
                f.allowed[0].loc,
                "`allowed:` applies to fields whose type is an enum",
                "declare the values as an enum type, or use `pattern:` on a string",
            );
        }
        if let Some(c) = &f.constant {
            value_fits(cx, f, c, "const");
            if !f.allowed.is_empty() {
                cx.err(
                    c.loc,
                    "a field with `const:` takes no `allowed:`",
                    "keep `const:`: it is the one value allowed",
                );
            }
        }
        for a in &f.aliases {
            if !wires.insert(a.value.clone()) {
                cx.err(
                    a.loc,
                    format!(
                        "alias `{}` is already a wire name or an alias here",
                        a.value
                    ),
                    "each name on the wire must lead to one field",
                );
            }
        }
        for (c, key) in [
            (&f.required_if, "required_if"),
            (&f.forbidden_if, "forbidden_if"),
        ] {
            if let Some(c) = c {
                condition(cx, fields, name, c, key);
            }
        }
        if let Some(c) = &f.required_if
            && !f.optional
        {
            cx.err(
                c.loc,
                "`required_if` on a field that is always required",
                "add `optional: true`: the condition says when it is required",
            );
        }
    }
}

/// A condition names a sibling, and gives values of that sibling's type in exactly one of
/// `in` and `not_in`.
fn condition(cx: &mut Ctx, fields: &Map<Field>, owner: &str, c: &Sp<Condition>, key: &str) {
    let Some(other) = fields.get(&c.field.value) else {
        let known: Vec<&str> = fields
            .keys()
            .map(String::as_str)
            .filter(|k| *k != owner)
            .collect();
        cx.err(
            c.field.loc,
            format!(
                "`{key}` names `{}`, which is not a field here",
                c.field.value
            ),
            match crate::diagnostics::did_you_mean(&c.field.value, known.iter().copied()) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("name one of: {}", known.join(", ")),
            },
        );
        return;
    };
    if c.field.value == owner {
        cx.err(
            c.field.loc,
            format!("`{key}` of `{owner}` depends on `{owner}` itself"),
            "name another field of the same request or object",
        );
        return;
    }
    let values = match (c.value.is_in.is_empty(), c.value.not_in.is_empty()) {
        (false, true) => &c.value.is_in,
        (true, false) => &c.value.not_in,
        _ => {
            cx.err(
                c.loc,
                format!("`{key}` needs exactly one of `in:` and `not_in:`"),
                "e.g. `{ field: type, in: [invoice-qw] }`",
            );
            return;
        }
    };
    for v in values {
        value_fits(cx, other, v, key);
    }
}

/// The values of a field's enum type, if its type is an enum.
fn enum_values<'s>(cx: &Ctx<'s>, f: &Field) -> Option<Vec<&'s str>> {
    let TypeExpr::Named(n) = types::of_field(cx.spec, f).ok()? else {
        return None;
    };
    let def = cx.spec.types.get(&n)?;
    def.enum_repr.as_ref()?;
    Some(
        def.values
            .iter()
            .map(|v| v.value.value.value.as_str())
            .collect(),
    )
}

/// A value written in a rule fits the field it is about: one of its enum's values, a
/// boolean, an integer, a decimal, or any text for a string.
fn value_fits(cx: &mut Ctx, f: &Field, v: &Sp<String>, key: &str) {
    if let Some(values) = enum_values(cx, f) {
        if !values.contains(&v.value.as_str()) {
            cx.err(
                v.loc,
                format!("`{key}`: `{}` is not a value of the field's enum", v.value),
                format!("its values are: {}", values.join(", ")),
            );
        }
        return;
    }
    let ok = match types::of_field(cx.spec, f) {
        Ok(TypeExpr::Scalar(Scalar::Boolean)) => matches!(v.value.as_str(), "true" | "false"),
        Ok(TypeExpr::Scalar(Scalar::Integer | Scalar::MinorUnits)) => {
            payspec_runtime::wire::parse_integer(&v.value).is_some()
        }
        Ok(TypeExpr::Scalar(Scalar::Decimal)) => {
            payspec_runtime::wire::parse_decimal(&v.value).is_ok()
        }
        Ok(TypeExpr::Scalar(Scalar::String)) => true,
        _ => {
            cx.err(
                v.loc,
                format!("`{key}` applies to string, number, boolean and enum fields"),
                "compare a field of one of these types",
            );
            return;
        }
    };
    if !ok {
        cx.err(
            v.loc,
            format!("`{key}`: `{}` does not fit the field's type", v.value),
            "write a value of the field's type (`true`, `5`, `1.50`, text)",
        );
    }
}
