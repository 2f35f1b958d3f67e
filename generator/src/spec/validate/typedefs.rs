//! Checks of named types and of every field's attributes (shared by objects, requests and
//! webhooks).

use std::collections::HashSet;

use super::{Ctx, is_pascal, is_snake};
use crate::spec::located::Sp;
use crate::spec::model::{EnumRepr, Field, Map, TypeDef, Wire};
use crate::spec::types::{self, Scalar, TypeExpr};

pub(super) fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    for (name, def) in &spec.types {
        if !is_pascal(name) {
            cx.err(
                def.loc,
                format!("type name `{name}` is not PascalCase"),
                "start with a capital letter, letters and digits only, e.g. `OrderStatus`",
            );
        }
        check_def(cx, name, def);
    }
    check_cycles(cx);
}

fn check_def(cx: &mut Ctx, name: &str, def: &Sp<TypeDef>) {
    match (&def.fields, &def.enum_repr) {
        (Some(_), Some(e)) => cx.err(
            e.loc,
            format!("type `{name}` has both `fields` and `enum`"),
            "a type is either an object or an enum: split it",
        ),
        (None, None) => cx.err(
            def.loc,
            format!("type `{name}` has neither `fields` nor `enum`"),
            "add `fields:` for an object or `enum:` + `values:` for an enum",
        ),
        _ => {}
    }
    if let Some(fields) = &def.fields {
        check_fields(cx, fields);
        if !def.values.is_empty() {
            cx.err(
                def.values[0].loc,
                format!("object type `{name}` has `values`"),
                "`values:` belongs to enums",
            );
        }
    }
    if let Some(repr) = &def.enum_repr {
        if def.values.is_empty() {
            cx.err(
                repr.loc,
                format!("enum `{name}` has no values"),
                "list the documented values under `values:`",
            );
        }
        let mut seen_values = HashSet::new();
        let mut seen_names = HashSet::new();
        for v in &def.values {
            let ev = &v.value;
            if repr.value == EnumRepr::Integer && ev.value.value.parse::<i64>().is_err() {
                cx.err(
                    ev.value.loc,
                    format!(
                        "`{}` is not an integer, but `{name}` is an integer enum",
                        ev.value.value
                    ),
                    "write the integer, e.g. `value: \"1\"`",
                );
            }
            if !seen_values.insert(ev.value.value.clone()) {
                cx.err(
                    ev.value.loc,
                    format!("value `{}` is listed twice in `{name}`", ev.value.value),
                    "remove the repeated value",
                );
                continue;
            }
            let vname = v
                .name
                .as_ref()
                .map(|n| n.value.clone())
                .unwrap_or_else(|| ev.value.value.to_lowercase());
            let at = v.name.as_ref().map(|n| n.loc).unwrap_or(ev.value.loc);
            if !is_snake(&vname) || vname == "unknown" {
                cx.err(at, format!("`{vname}` cannot name an enum variant"), "give `name:` in snake_case (not `unknown`, which is reserved for undocumented values)");
            } else if !seen_names.insert(vname.clone()) {
                cx.err(
                    at,
                    format!("variant name `{vname}` is used twice in `{name}`"),
                    "give one of them another `name:`",
                );
            }
        }
    }
}

/// Checks a set of fields: names, wire names, types and attributes.
pub(super) fn check_fields(cx: &mut Ctx, fields: &Map<Field>) {
    let mut wires = HashSet::new();
    for (name, f) in fields {
        cx.require_snake(
            f.loc,
            "field",
            name,
            "use snake_case and put the provider's spelling in `wire_name:`",
        );
        let wire = super::wire_name(name, f);
        if !wires.insert(wire.to_string()) {
            let at = f.wire_name.as_ref().map(|w| w.loc).unwrap_or(f.loc);
            cx.err(
                at,
                format!("wire name `{wire}` is used by two fields"),
                "each field needs its own wire name",
            );
        }
        check_field(cx, f);
    }
    super::field_rules::check(cx, fields);
}

fn check_field(cx: &mut Ctx, f: &Field) {
    let ty = match types::of_field(cx.spec, f) {
        Ok(t) => t,
        Err(e) => {
            cx.err(e.at.loc, e.message, e.hint);
            return;
        }
    };
    let leaf = leaf_scalar(&ty);
    let nested = matches!(&ty, TypeExpr::Array(i) | TypeExpr::Map(i)
        if matches!(**i, TypeExpr::Array(_) | TypeExpr::Map(_)));
    if nested
        && (f.wire.is_some()
            || f.format.is_some()
            || matches!(
                leaf,
                Some(Scalar::Decimal | Scalar::Date | Scalar::DateTime)
            ))
    {
        cx.err(
            f.ty.loc,
            "a map of arrays (or array of maps) holds strings, integers, booleans, `any` or named types",
            "put decimals and dates in a named object type, and use it as `items:` or `values:`",
        );
    }
    if let Some(w) = &f.wire {
        let ok = match leaf {
            Some(s) if s.is_numeric() => true,
            Some(Scalar::String) => w.value == Wire::StringOrNumber,
            _ => false,
        };
        if !ok {
            cx.err(w.loc, "`wire:` does not apply to this type", "use `wire:` on `integer`, `decimal` and `minor_units` (or `string_or_number` on `string`)");
        }
    }
    if let Some(fmt) = &f.format {
        if matches!(leaf, Some(Scalar::Date | Scalar::DateTime)) {
            check_date_format(cx, fmt);
        } else {
            cx.err(
                fmt.loc,
                "`format:` applies to `date` and `datetime` only",
                "remove `format:`",
            );
        }
    }
    for (v, key) in [(&f.min_length, "min_length"), (&f.max_length, "max_length")] {
        if let Some(v) = v
            && leaf != Some(Scalar::String)
        {
            cx.err(
                v.loc,
                format!("`{key}` applies to strings only"),
                format!("remove `{key}`"),
            );
        }
    }
    if let (Some(lo), Some(hi)) = (&f.min_length, &f.max_length)
        && lo.value > hi.value
    {
        cx.err(
            lo.loc,
            "`min_length` is greater than `max_length`",
            "swap them",
        );
    }
    if let Some(p) = &f.pattern {
        if leaf != Some(Scalar::String) {
            cx.err(
                p.loc,
                "`pattern` applies to strings only",
                "remove `pattern`",
            );
        } else if let Err(e) = regex_lite::Regex::new(&p.value) {
            cx.err(
                p.loc,
                format!(
                    "`pattern` is not a valid regular expression: {}",
                    first_line(&e.to_string())
                ),
                "fix the expression; it must match the whole value",
            );
        }
    }
    let bounds = [
        (&f.minimum, "minimum"),
        (&f.maximum, "maximum"),
        (&f.exclusive_minimum, "exclusive_minimum"),
        (&f.exclusive_maximum, "exclusive_maximum"),
    ];
    for (v, key) in bounds {
        if let Some(v) = v
            && !leaf.is_some_and(Scalar::is_numeric)
        {
            cx.err(
                v.loc,
                format!("`{key}` applies to numbers only"),
                format!("remove `{key}`"),
            );
        }
    }
    for (a, b) in [
        (&f.minimum, &f.exclusive_minimum),
        (&f.maximum, &f.exclusive_maximum),
    ] {
        if let (Some(_), Some(ex)) = (a, b) {
            cx.err(
                ex.loc,
                "a field takes an inclusive or an exclusive bound on one side, not both",
                "keep the one the provider's docs state",
            );
        }
    }
    // The lowest and highest value allowed, as (bound, exclusive).
    let low = f
        .minimum
        .as_ref()
        .map(|v| (v, false))
        .or(f.exclusive_minimum.as_ref().map(|v| (v, true)));
    let high = f
        .maximum
        .as_ref()
        .map(|v| (v, false))
        .or(f.exclusive_maximum.as_ref().map(|v| (v, true)));
    if let (Some((lo, lo_ex)), Some((hi, hi_ex))) = (low, high) {
        let empty = if lo_ex || hi_ex {
            lo.value >= hi.value
        } else {
            lo.value > hi.value
        };
        if empty {
            cx.err(
                lo.loc,
                format!(
                    "no value lies between the bounds {} and {}",
                    lo.value, hi.value
                ),
                "swap them, or make the lower bound smaller",
            );
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The scalar at the bottom of arrays and maps, if any.
pub(super) fn leaf_scalar(t: &TypeExpr) -> Option<Scalar> {
    match t {
        TypeExpr::Scalar(s) => Some(*s),
        TypeExpr::Array(i) | TypeExpr::Map(i) => leaf_scalar(i),
        TypeExpr::Named(_) => None,
    }
}

fn check_date_format(cx: &mut Ctx, fmt: &Sp<String>) {
    if fmt.value == "rfc3339" {
        return;
    }
    if let Err(e) = time::format_description::parse_borrowed::<2>(&fmt.value) {
        cx.err(
            fmt.loc,
            format!("`{}` is not a valid date format: {e}", fmt.value),
            "use `rfc3339` or the `time` crate's format description, e.g. `[year]-[month]-[day] [hour]:[minute]:[second]`",
        );
    }
}

/// An object that contains itself without an array or map in between has no finite size.
fn check_cycles(cx: &mut Ctx) {
    let spec = cx.spec;
    for (name, def) in &spec.types {
        let mut stack = vec![name.as_str()];
        let mut seen = HashSet::new();
        while let Some(cur) = stack.pop() {
            let Some(fields) = spec.types.get(cur).and_then(|d| d.fields.as_ref()) else {
                continue;
            };
            for f in fields.values() {
                if let Ok(TypeExpr::Named(n)) = types::of_field(spec, f) {
                    if n == *name {
                        cx.err(
                            def.loc,
                            format!("type `{name}` contains itself"),
                            "hold the inner value in an `array` (or make the chain end)",
                        );
                        return;
                    }
                    if seen.insert(n.clone())
                        && let Some((k, _)) = spec.types.get_key_value(&n)
                    {
                        stack.push(k.as_str());
                    }
                }
            }
        }
    }
}
