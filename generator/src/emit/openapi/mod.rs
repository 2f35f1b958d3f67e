//! `openapi.json` of a generated crate: the provider's API as OpenAPI 3.1, for tools outside
//! Rust (Swagger UI, Prism, schemathesis). Endpoints with their parameters, bodies, success
//! and error answers and the docs' examples; types as schemas; auth as security schemes
//! with the signing recipe as data; webhooks. Members keep a fixed order, so the file is
//! byte-stable.

mod operations;
mod schema;
mod security;

use serde_json::{Map, Value, json};

use super::header;
use crate::ir::Api;

/// The whole document, pretty-printed, with a trailing newline.
pub fn openapi_json(api: &Api) -> String {
    let mut servers = vec![json!({ "url": api.base_url, "description": "Production" })];
    if let Some(s) = &api.sandbox_url {
        servers.push(json!({ "url": s, "description": "Sandbox" }));
    }
    let mut doc = Map::new();
    doc.insert("openapi".into(), "3.1.0".into());
    doc.insert(
        "x-generated".into(),
        header("", &api.spec_file).trim().into(),
    );
    let description = if api.description.is_empty() {
        format!("Written by payspec from `{}`.", api.spec_file)
    } else {
        format!(
            "{}\n\nWritten by payspec from `{}`.",
            api.description, api.spec_file
        )
    };
    doc.insert(
        "info".into(),
        json!({ "title": api.name, "version": api.version, "description": description }),
    );
    doc.insert("servers".into(), Value::Array(servers));
    doc.insert("paths".into(), operations::paths(api));
    if !api.webhooks.is_empty() {
        doc.insert("webhooks".into(), operations::webhooks(api));
    }
    doc.insert(
        "components".into(),
        json!({ "schemas": schema::components(api), "securitySchemes": security::components(api) }),
    );
    let mut text = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default();
    text.push('\n');
    text
}
