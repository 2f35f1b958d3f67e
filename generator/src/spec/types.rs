//! Type expressions of fields and responses: `type`, `items` and `values` read together.

use super::located::Sp;
use super::model::{Field, Spec, TypeDef};

/// Built-in scalar types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scalar {
    String,
    Integer,
    Boolean,
    Decimal,
    MinorUnits,
    Date,
    DateTime,
    Any,
}

impl Scalar {
    pub const NAMES: [&'static str; 8] = [
        "string",
        "integer",
        "boolean",
        "decimal",
        "minor_units",
        "date",
        "datetime",
        "any",
    ];

    pub fn from_name(n: &str) -> Option<Scalar> {
        Some(match n {
            "string" => Scalar::String,
            "integer" => Scalar::Integer,
            "boolean" => Scalar::Boolean,
            "decimal" => Scalar::Decimal,
            "minor_units" => Scalar::MinorUnits,
            "date" => Scalar::Date,
            "datetime" => Scalar::DateTime,
            "any" => Scalar::Any,
            _ => return None,
        })
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Scalar::Integer | Scalar::Decimal | Scalar::MinorUnits)
    }

    pub fn is_integral(self) -> bool {
        matches!(self, Scalar::Integer | Scalar::MinorUnits)
    }
}

/// A resolved type expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    Scalar(Scalar),
    Named(String),
    Array(Box<TypeExpr>),
    Map(Box<TypeExpr>),
}

/// Why a type expression could not be resolved, and where.
#[derive(Debug)]
pub struct TypeError<'a> {
    pub at: &'a Sp<String>,
    pub message: String,
    pub hint: String,
}

/// Resolves `type` (+ `items` / `values`) against the spec's named types.
pub fn resolve<'a>(
    spec: &Spec,
    ty: &'a Sp<String>,
    items: Option<&'a Sp<String>>,
    values: Option<&'a Sp<String>>,
) -> Result<TypeExpr, TypeError<'a>> {
    let inner = |name: &str, of: Option<&'a Sp<String>>| -> Result<TypeExpr, TypeError<'a>> {
        match of {
            Some(t) if t.value == "array" || t.value == "map" => Err(TypeError {
                at: t,
                message: format!("`{}` cannot be the element type of `{name}` here", t.value),
                hint: "one level of nesting is written `type: map, values: array, items: T` or `type: array, items: map, values: T`; deeper, define a named object type".into(),
            }),
            Some(t) => named_or_scalar(spec, t),
            None => Err(TypeError {
                at: ty,
                message: format!(
                    "`type: {name}` needs `{}:` to say the type of its elements",
                    if name == "array" { "items" } else { "values" }
                ),
                hint: format!(
                    "add e.g. `{}: string`",
                    if name == "array" { "items" } else { "values" }
                ),
            }),
        }
    };
    let stray = |key: &str, v: Option<&'a Sp<String>>| -> Result<(), TypeError<'a>> {
        match v {
            Some(v) => Err(TypeError {
                at: v,
                message: format!(
                    "`{key}:` only applies to `type: {}`",
                    if key == "items" { "array" } else { "map" }
                ),
                hint: format!("remove `{key}:` or change the type"),
            }),
            None => Ok(()),
        }
    };
    let is = |v: Option<&Sp<String>>, name: &str| v.is_some_and(|v| v.value == name);
    match ty.value.as_str() {
        // One level of nesting: a map whose values are arrays (`values: array` + `items`), or
        // an array of maps (`items: map` + `values`).
        "map" if is(values, "array") => Ok(TypeExpr::Map(Box::new(TypeExpr::Array(Box::new(
            inner("array", items)?,
        ))))),
        "array" if is(items, "map") => Ok(TypeExpr::Array(Box::new(TypeExpr::Map(Box::new(
            inner("map", values)?,
        ))))),
        "array" => {
            stray("values", values)?;
            Ok(TypeExpr::Array(Box::new(inner("array", items)?)))
        }
        "map" => {
            stray("items", items)?;
            Ok(TypeExpr::Map(Box::new(inner("map", values)?)))
        }
        _ => {
            stray("items", items)?;
            stray("values", values)?;
            named_or_scalar(spec, ty)
        }
    }
}

/// Resolves a field's type.
pub fn of_field<'a>(spec: &Spec, f: &'a Field) -> Result<TypeExpr, TypeError<'a>> {
    resolve(spec, &f.ty, f.items.as_ref(), f.values.as_ref())
}

fn named_or_scalar<'a>(spec: &Spec, t: &'a Sp<String>) -> Result<TypeExpr, TypeError<'a>> {
    if let Some(s) = Scalar::from_name(&t.value) {
        return Ok(TypeExpr::Scalar(s));
    }
    if spec.types.contains_key(&t.value) {
        return Ok(TypeExpr::Named(t.value.clone()));
    }
    let known = Scalar::NAMES
        .iter()
        .copied()
        .chain(["array", "map"])
        .chain(spec.types.keys().map(String::as_str));
    let hint = match crate::diagnostics::did_you_mean(&t.value, known) {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!(
            "use a built-in type ({}, array, map) or define `{}` under `types:`",
            Scalar::NAMES.join(", "),
            t.value
        ),
    };
    Err(TypeError {
        at: t,
        message: format!("type `{}` is not defined", t.value),
        hint,
    })
}

/// The named type definition, if `expr` is one.
pub fn named<'s>(spec: &'s Spec, expr: &TypeExpr) -> Option<&'s TypeDef> {
    match expr {
        TypeExpr::Named(n) => spec.types.get(n).map(|t| &t.value),
        _ => None,
    }
}
