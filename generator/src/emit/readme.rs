//! Precomputed values for the README template: the usage example, tables, signing summary.

use serde::Serialize;

use crate::ir::Algorithm;
use crate::ir::{Api, Endpoint, Field, Ty};

#[derive(Serialize)]
pub struct Row {
    pub fn_name: String,
    pub method: String,
    pub path: String,
    pub summary: String,
}

#[derive(Serialize)]
pub struct CredRow {
    pub name: String,
    pub secret: bool,
    pub description: String,
}

#[derive(Serialize)]
pub struct HookRow {
    pub type_name: String,
    pub method: String,
    pub discriminator: String,
    pub reply: String,
    pub verify: String,
    pub summary: String,
}

pub fn endpoints(api: &Api) -> Vec<Row> {
    api.endpoints
        .iter()
        .map(|e| Row {
            fn_name: crate::ir::naming::bare(&e.fn_ident).to_string(),
            method: e.method_name.clone(),
            path: e.path.clone(),
            summary: one_line(&e.summary),
        })
        .collect()
}

pub fn credentials(api: &Api) -> Vec<CredRow> {
    api.credentials
        .iter()
        .map(|c| CredRow {
            name: c.name.clone(),
            secret: c.secret,
            description: one_line(c.doc.lines().next().unwrap_or("")),
        })
        .collect()
}

pub fn webhooks(api: &Api) -> Vec<HookRow> {
    api.webhooks
        .iter()
        .map(|w| {
            let creds = api
                .scheme(w.scheme)
                .map(|s| s.credentials.join(", "))
                .unwrap_or_default();
            let discriminator = match &w.discriminator {
                None => "the only webhook".to_string(),
                Some(d) if d.values.is_empty() => format!("`{}` present", d.wire),
                Some(d) => format!("`{}` = `{}`", d.wire, d.values.join("` or `")),
            };
            let r = &w.reply;
            let reply = match &r.content_type {
                Some(c) if !r.body.is_empty() => format!("{} `{c}` `{}`", r.status, r.body),
                _ => format!("{}, empty", r.status),
            };
            HookRow {
                type_name: w.type_name.clone(),
                method: w.method.as_str().to_string(),
                discriminator: one_line(&discriminator),
                reply: one_line(&reply),
                verify: format!("{}::verify({creds}, &headers, &body)", w.type_name),
                summary: one_line(&w.summary),
            }
        })
        .collect()
}

/// The merchant's webhook handler with the `axum` feature: a short server.
pub fn webhook_example(api: &Api) -> String {
    let Some(first) = api.webhooks.first() else {
        return String::new();
    };
    let lib = &api.lib_name;
    let creds = if api.credentials.iter().all(|c| c.example.is_some()) {
        "Credentials::sample()".to_string()
    } else {
        let args: Vec<String> = api
            .credentials
            .iter()
            .map(|c| format!("{:?}", format!("your-{}", c.name.replace('_', "-"))))
            .collect();
        format!("Credentials::new({})", args.join(", "))
    };
    let other = if api.webhooks.len() > 1 {
        "\n            other => println!(\"{}: {other:?}\", other.name()),"
    } else {
        "\n            other => println!(\"{other:?}\"),"
    };
    format!(
        "use {lib}::webhooks::{{self, Event}};\nuse {lib}::Credentials;\n\n#[tokio::main]\nasync fn main() -> std::io::Result<()> {{\n    // Verifies each webhook, hands it over typed, answers what {name} expects.\n    let hooks = webhooks::axum::router({creds}, |event: Event| async move {{\n        match event {{\n            Event::{ty}(hook) => println!(\"{hook_name}: {{hook:?}}\"),{other}\n        }}\n    }});\n    let app = axum::Router::new().nest(\"/webhooks/{crate_name}\", hooks);\n    let listener = tokio::net::TcpListener::bind(\"127.0.0.1:3000\").await?;\n    axum::serve(listener, app).await\n}}",
        name = api.name,
        ty = first.type_name,
        hook_name = first.name,
        crate_name = api.crate_name,
    )
}

/// How requests are authenticated, in words.
pub fn signing(api: &Api) -> String {
    let mut parts = Vec::new();
    for s in api
        .endpoints
        .iter()
        .filter_map(|e| e.scheme)
        .filter_map(|i| api.scheme(i))
    {
        let mut d = Vec::new();
        if !s.inject.is_empty() {
            let names: Vec<&str> = s.inject.iter().map(|x| x.wire.as_str()).collect();
            d.push(format!("`{}` added to every body", names.join("`, `")));
        }
        if let Some(t) = &s.token {
            d.push(format!(
                "token `{}` sent as `{}`",
                t.credential,
                t.query
                    .as_ref()
                    .or(t.header.as_ref())
                    .cloned()
                    .unwrap_or_default()
            ));
        }
        if let Some(b) = &s.basic {
            d.push(format!("HTTP Basic `{}:{}`", b.username, b.password));
        }
        if let Some(sig) = &s.signature {
            let alg = match sig.algorithm {
                Algorithm::HmacSha256 => "HMAC-SHA256",
                Algorithm::Sha256 => "SHA-256",
                Algorithm::Md5 => "MD5",
                Algorithm::RsaSha256 => "RSA-SHA256",
            };
            let place = sig
                .header
                .as_ref()
                .map(|h| format!("header `{h}`"))
                .or(sig.field.as_ref().map(|f| format!("field `{f}`")))
                .unwrap_or_default();
            d.push(format!("{alg} signature in {place}"));
        }
        let line = format!("`{}`: {}", s.name, d.join(", "));
        if !parts.contains(&line) {
            parts.push(line);
        }
    }
    if parts.is_empty() {
        "none".into()
    } else {
        format!("applied automatically — {}", parts.join("; "))
    }
}

/// A compiling usage example: create a client, call the simplest endpoint.
pub fn example(api: &Api) -> String {
    let lib = &api.lib_name;
    let args: Vec<String> = api
        .credentials
        .iter()
        .map(|c| {
            format!(
                "{:?}",
                c.example
                    .clone()
                    .unwrap_or_else(|| format!("your-{}", c.name.replace('_', "-")))
            )
        })
        .collect();
    let call = api
        .endpoints
        .iter()
        .filter_map(|e| {
            call(lib, e).map(|c| (e.request.fields.iter().filter(|f| !f.optional).count(), c))
        })
        .min_by_key(|(n, _)| *n)
        .map(|(_, c)| c)
        .unwrap_or_else(|| "()".into());
    format!(
        "use {lib}::{{Client, Credentials}};\n\nasync fn example() -> Result<(), {lib}::Error> {{\n    let client = Client::new(Credentials::new({}));\n    let answer = client.{call}.await?;\n    println!(\"{{answer:?}}\");\n    Ok(())\n}}",
        args.join(", ")
    )
}

/// `method(&Request::new(...))` when every required field has a simple literal.
fn call(lib: &str, e: &Endpoint) -> Option<String> {
    let name = crate::ir::naming::bare(&e.fn_ident);
    if e.request.fields.is_empty() {
        return Some(format!("{name}()"));
    }
    let args: Option<Vec<String>> = e
        .request
        .fields
        .iter()
        .filter(|f| !f.optional)
        .map(literal)
        .collect();
    Some(format!(
        "{name}(&{lib}::requests::{}::new({}))",
        e.request.name,
        args?.join(", ")
    ))
}

fn literal(f: &Field) -> Option<String> {
    if f.nullable {
        return None;
    }
    Some(match &f.ty {
        Ty::String => format!("{:?}", format!("example-{}", f.wire.replace('_', "-"))),
        Ty::StringOrNumber => format!(
            "{:?}.into()",
            format!("example-{}", f.wire.replace('_', "-"))
        ),
        Ty::Integer(_) => "1".to_string(),
        Ty::Bool => "true".to_string(),
        _ => return None,
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}
