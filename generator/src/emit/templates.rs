//! Non-Rust files of a generated crate (Cargo.toml, README.md, CHANGELOG.md), rendered by tera from
//! values computed here; the templates hold no logic beyond loops.

use serde::Serialize;

use super::{EmitError, header, readme};
use crate::ir::Api;

const CARGO_TOML: &str = include_str!("../../../templates/Cargo.toml.tera");
const README_MD: &str = include_str!("../../../templates/README.md.tera");
const CHANGELOG_MD: &str = include_str!("../../../templates/CHANGELOG.md.tera");

#[derive(Serialize)]
struct Dep {
    name: &'static str,
    spec: String,
}

#[derive(Serialize)]
struct Feature {
    name: &'static str,
    deps: Vec<String>,
}

#[derive(Serialize)]
struct Bin {
    name: String,
    path: String,
    feature: &'static str,
}

#[derive(Serialize)]
struct Ctx<'a> {
    header: String,
    name: String,
    crate_name: String,
    lib_name: String,
    description: String,
    spec_file: String,
    base_url: String,
    sandbox_url: Option<String>,
    version: String,
    releases: Vec<&'a crate::ir::Release>,
    signing: String,
    example: String,
    webhook_example: String,
    dependencies: Vec<Dep>,
    features: Vec<Feature>,
    bins: Vec<Bin>,
    credentials: Vec<readme::CredRow>,
    endpoints: Vec<readme::Row>,
    webhooks: Vec<readme::HookRow>,
    has_mock: bool,
    mock_credentials: Vec<MockCred>,
    mock_resources: Vec<MockResource>,
    mock_limits: Vec<MockLimit>,
    /// Where the customer's payment link comes from, in words.
    payment_link: Option<String>,
    /// What the spec says of a signed payment form.
    payment_note: Option<String>,
}

/// One of the mock's limits, from the runtime's own table: flag, what it bounds, default.
#[derive(Serialize)]
struct MockLimit {
    flag: &'static str,
    default: u64,
    help: &'static str,
}

#[derive(Serialize)]
struct MockCred {
    name: String,
    value: String,
}

#[derive(Serialize)]
struct MockResource {
    name: String,
    events: String,
}

fn dep(name: &'static str, spec: &str) -> Dep {
    Dep {
        name,
        spec: spec.to_string(),
    }
}

/// The crate's dependencies: the payspec runtime (by path and version, so a git dependency on
/// this repository and a registry release both work) and the registry crates the generated
/// code itself names.
fn dependencies(api: &Api) -> Vec<Dep> {
    let runtime = if api.needs.rsa {
        "{ version = \"0.1\", path = \"../../runtime\", features = [\"client\", \"rsa\"] }"
    } else {
        "{ version = \"0.1\", path = \"../../runtime\", features = [\"client\"] }"
    };
    let mut d = vec![
        dep("payspec-runtime", runtime),
        dep(
            "reqwest",
            "{ version = \"0.13\", default-features = false, features = [\"rustls\", \"http2\", \"query\", \"form\"] }",
        ),
        dep(
            "rust_decimal",
            "{ version = \"1.43\", default-features = false, features = [\"std\"] }",
        ),
        dep("serde", "{ version = \"1\", features = [\"derive\"] }"),
        dep(
            "serde_json",
            "{ version = \"1\", features = [\"raw_value\"] }",
        ),
        dep(
            "time",
            "{ version = \"0.3\", features = [\"parsing\", \"formatting\", \"macros\"] }",
        ),
    ];
    d.sort_by(|a, b| a.name.cmp(b.name));
    d
}

/// `axum` (the merchant's webhook handler) when the provider sends webhooks; `mock` when the
/// spec has a mock.
fn features(api: &Api) -> Vec<Feature> {
    let mut f = Vec::new();
    if !api.webhooks.is_empty() {
        f.push(Feature {
            name: "axum",
            deps: vec!["payspec-runtime/axum".into()],
        });
    }
    if api.mock.is_some() {
        f.push(Feature {
            name: "mock",
            deps: vec!["payspec-runtime/mock".into()],
        });
    }
    f
}

pub fn render(api: &Api) -> Result<Vec<(&'static str, String)>, EmitError> {
    let ctx = Ctx {
        header: String::new(),
        name: api.name.clone(),
        crate_name: api.crate_name.clone(),
        lib_name: api.lib_name.clone(),
        description: api.description.replace('"', "'"),
        spec_file: api.spec_file.clone(),
        base_url: api.base_url.clone(),
        sandbox_url: api.sandbox_url.clone(),
        version: api.version.clone(),
        releases: api.changelog.iter().collect(),
        signing: readme::signing(api),
        example: readme::example(api),
        webhook_example: readme::webhook_example(api),
        dependencies: dependencies(api),
        features: features(api),
        bins: if api.mock.is_some() {
            vec![Bin {
                name: format!("{}-mock", api.crate_name),
                path: format!("src/bin/{}-mock.rs", api.crate_name),
                feature: "mock",
            }]
        } else {
            Vec::new()
        },
        credentials: readme::credentials(api),
        endpoints: readme::endpoints(api),
        webhooks: readme::webhooks(api),
        has_mock: api.mock.is_some(),
        payment_link: api
            .payment_page
            .as_ref()
            .and_then(|p| p.link.as_ref())
            .map(|(e, f)| {
                let method =
                    crate::ir::naming::bare(&crate::ir::naming::field_ident(e)).to_string();
                format!("that [`Client::{method}`](crate::Client::{method}) returns in `{f}`")
            }),
        payment_note: api
            .payment_page
            .as_ref()
            .map(|p| format!("No signed payment form is generated. {}", p.note.trim())),
        mock_limits: payspec_runtime::limits::FLAGS
            .iter()
            .map(|f| MockLimit {
                flag: f.flag,
                default: f.value(&payspec_runtime::limits::Limits::DEFAULT),
                help: f.help,
            })
            .collect(),
        mock_credentials: api
            .credentials
            .iter()
            .map(|c| MockCred {
                name: c.name.clone(),
                value: c
                    .example
                    .clone()
                    .unwrap_or_else(|| format!("test-{}", c.name.replace('_', "-")))
                    .replace('\n', " "),
            })
            .filter(|c| c.value.len() < 80)
            .collect(),
        mock_resources: api
            .mock
            .iter()
            .flat_map(|m| &m.resources)
            .map(|r| MockResource {
                name: r.name.clone(),
                events: r
                    .states
                    .as_ref()
                    .map(|s| {
                        s.events
                            .iter()
                            .map(|e| format!("`{}`", e.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_else(|| "none".into()),
            })
            .collect(),
    };
    let mut out = Vec::new();
    for (name, template, comment) in [
        ("Cargo.toml", CARGO_TOML, "#"),
        ("README.md", README_MD, ""),
        ("CHANGELOG.md", CHANGELOG_MD, ""),
    ] {
        let mut tera = tera::Tera::new();
        let fail = |e: tera::Error| EmitError {
            file: format!("{}/{name}", api.crate_name),
            message: format!("template error: {e}"),
        };
        tera.add_raw_template(name, template).map_err(fail)?;
        let mut c = tera::Context::from_serialize(&ctx).map_err(fail)?;
        let h = if comment.is_empty() {
            header("", &api.spec_file).trim().to_string()
        } else {
            header(comment, &api.spec_file)
        };
        c.insert("header", &h);
        let text = tera.render(name, &c).map_err(fail)?;
        out.push((name, text));
    }
    Ok(out)
}
