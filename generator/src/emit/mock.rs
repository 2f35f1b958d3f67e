//! The mock server of a generated crate (feature `mock`): `src/mock/spec.rs`, the provider's
//! behaviour as a constant table read from the same IR as the client, `src/mock/mod.rs`, and
//! the `<crate>-mock` binary. The engine itself is `payspec_runtime::mock`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::auth::recipe_ident;
use crate::ir::{Api, DateKind, Field, InjectSource, NumWire, ResponseBody, Ty, TypeKind};
use crate::spec::model::{Encoding, IdStyle, ParamIn};

/// `(path under src/, tokens)` of the generated mock files.
pub fn mock_files(api: &Api) -> Vec<(String, TokenStream)> {
    vec![
        ("mock/mod.rs".into(), mod_rs(api)),
        ("mock/spec.rs".into(), spec_rs(api)),
        (format!("bin/{}-mock.rs", api.crate_name), bin_rs(api)),
    ]
}

fn mod_rs(api: &Api) -> TokenStream {
    let doc = format!(
        " A stateful mock of the {} API for tests: real signature checks, request validation,\n stored records, and signed webhooks. See the crate README for the control API.",
        api.name
    );
    quote! {
        #![doc = #doc]
        pub mod spec;

        pub use payspec_runtime::mock::{engine, server, tables, value, Config, Delivery, Entry, Fault};

        /// A running mock server of this provider; `MockServer::start()` starts one with the
        /// docs' sample merchant.
        pub type MockServer = payspec_runtime::mock::MockServer<spec::Provider>;
    }
}

fn s(v: &str) -> TokenStream {
    quote!(#v)
}

fn opt_str(v: &Option<String>) -> TokenStream {
    match v {
        Some(x) => quote!(Some(#x)),
        None => quote!(None),
    }
}

fn json_text(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn pairs(p: &[(String, serde_json::Value)]) -> TokenStream {
    let items = p.iter().map(|(k, v)| {
        let t = json_text(v);
        quote!((#k, #t))
    });
    quote!(&[#(#items),*])
}

fn wire(w: NumWire) -> TokenStream {
    match w {
        NumWire::Number => quote!(Number),
        NumWire::String => quote!(String),
        NumWire::NumberOrString => quote!(NumberOrString),
        NumWire::StringOrNumber => quote!(StringOrNumber),
    }
}

fn kind(api: &Api, ty: &Ty) -> TokenStream {
    let date = |i: &usize| api.date_formats.get(*i).map(|d| (d.format.clone(), d.kind));
    match ty {
        Ty::String => quote!(Kind::String),
        Ty::StringOrNumber => quote!(Kind::StringOrNumber),
        Ty::Integer(w) => {
            let w = wire(*w);
            quote!(Kind::Integer(Wire::#w))
        }
        Ty::Decimal(w) => {
            let w = wire(*w);
            quote!(Kind::Decimal(Wire::#w))
        }
        Ty::Bool => quote!(Kind::Bool),
        Ty::Date(i) | Ty::DateTime(i) => {
            let (f, k) = date(i).unwrap_or(("rfc3339".into(), DateKind::Offset));
            if k == DateKind::Date {
                quote!(Kind::Date(#f))
            } else {
                quote!(Kind::DateTime(#f))
            }
        }
        Ty::Any => quote!(Kind::Any),
        Ty::Named(n) => {
            let i = api.types.iter().position(|t| t.name == *n).unwrap_or(0);
            quote!(Kind::Named(#i))
        }
        Ty::Array(inner) => {
            let k = kind(api, inner);
            quote!(Kind::Array(&#k))
        }
        Ty::Map(inner) => {
            let k = kind(api, inner);
            quote!(Kind::Map(&#k))
        }
    }
}

fn field(api: &Api, f: &Field) -> TokenStream {
    let (name, wire_name) = (&f.name, &f.wire);
    let k = kind(api, &f.ty);
    let (optional, nullable) = (f.optional, f.nullable);
    let loc = match f.location {
        ParamIn::Body => quote!(Loc::Body),
        ParamIn::Query => quote!(Loc::Query),
        ParamIn::Path => quote!(Loc::Path),
        ParamIn::Header => quote!(Loc::Header),
    };
    let o32 = |v: Option<u32>| match v {
        Some(x) => quote!(Some(#x)),
        None => quote!(None),
    };
    let o64 = |v: Option<i64>| match v {
        Some(x) => quote!(Some(#x)),
        None => quote!(None),
    };
    let (minl, maxl) = (o32(f.limits.min_length), o32(f.limits.max_length));
    let pattern = opt_str(&f.limits.pattern);
    let (min, max) = (o64(f.limits.minimum), o64(f.limits.maximum));
    quote! {
        Field { name: #name, wire: #wire_name, kind: #k, optional: #optional, nullable: #nullable, loc: #loc,
                min_length: #minl, max_length: #maxl, pattern: #pattern, minimum: #min, maximum: #max }
    }
}

fn fields(api: &Api, fs: &[Field]) -> TokenStream {
    let items = fs.iter().map(|f| field(api, f));
    quote!(&[#(#items),*])
}

fn encoding(e: Encoding) -> TokenStream {
    match e {
        Encoding::Json => quote!(Encoding::Json),
        Encoding::Query => quote!(Encoding::Query),
        Encoding::Form => quote!(Encoding::Form),
    }
}

fn spec_rs(api: &Api) -> TokenStream {
    let provider = &api.name;
    let creds = api.credentials.iter().map(|c| {
        let (name, default, secret) = (&c.name, c.example.clone().unwrap_or_else(|| format!("test-{}", c.name.replace('_', "-"))), c.secret);
        let aliases = c.aliases.iter().map(|a| s(a));
        quote!(Credential { name: #name, default: #default, aliases: &[#(#aliases),*], secret: #secret })
    });
    let schemes = api.schemes.iter().map(|sc| {
        let name = &sc.name;
        let inject = sc.inject.iter().map(|i| {
            let w = &i.wire;
            match &i.source {
                InjectSource::Credential(c) => quote!((#w, Inject::Credential(#c))),
                InjectSource::Nonce(_) => quote!((#w, Inject::Nonce)),
            }
        });
        let token = match &sc.token {
            Some(t) => {
                let (c, q, h) = (&t.credential, opt_str(&t.query), opt_str(&t.header));
                quote!(Some(Token { credential: #c, query: #q, header: #h }))
            }
            None => quote!(None),
        };
        let basic = match &sc.basic {
            Some(b) => {
                let (u, p) = (&b.username, &b.password);
                quote!(Some((#u, #p)))
            }
            None => quote!(None),
        };
        let recipe = match &sc.signature {
            Some(_) => {
                let r = recipe_ident(&sc.name);
                quote!(Some(&crate::auth::#r))
            }
            None => quote!(None),
        };
        quote!(Scheme { name: #name, inject: &[#(#inject),*], token: #token, basic: #basic, recipe: #recipe })
    });
    let types = api.types.iter().map(|t| {
        let name = &t.name;
        match &t.kind {
            TypeKind::Object(fs) => {
                let f = fields(api, fs);
                quote!(TypeDef { name: #name, fields: #f, values: &[], integer: false })
            }
            TypeKind::Enum { integer, variants } => {
                let vals = variants.iter().map(|v| s(&v.wire));
                quote!(TypeDef { name: #name, fields: &[], values: &[#(#vals),*], integer: #integer })
            }
        }
    });
    let mock = api.mock.as_ref();
    let endpoints = api.endpoints.iter().enumerate().map(|(i, e)| {
        let (name, method, path, status) = (&e.name, &e.method_name, &e.path, e.response.status);
        let enc = encoding(e.request.encoding);
        let scheme = match e.scheme {
            Some(s) => quote!(Some(#s)),
            None => quote!(None),
        };
        let f = fields(api, &e.request.fields);
        let one_of = e.request.one_of_required.iter().map(|n| s(n));
        let body = match &e.response.body {
            ResponseBody::Json(t) => {
                let k = kind(api, t);
                quote!(Body::Json(#k))
            }
            ResponseBody::Empty => quote!(Body::Empty),
            ResponseBody::Binary(cts) => {
                let c = cts.iter().map(|x| s(x));
                quote!(Body::Binary(&[#(#c),*]))
            }
        };
        let enveloped = e.response.enveloped;
        let op = mock.and_then(|m| m.operations.iter().find(|o| o.endpoint == i));
        let op = match op {
            Some(o) => {
                let action = &o.action;
                let resource = match o.resource {
                    Some(r) => quote!(Some(#r)),
                    None => quote!(None),
                };
                let store = o.store.iter().map(|(a, b)| quote!((#a, #b)));
                let lookup = o.lookup.iter().map(|(a, b)| quote!((#a, #b)));
                let page = opt_str(&o.page);
                let page_size = o.page_size as usize;
                let event = opt_str(&o.event);
                let respond = pairs(&o.respond);
                let totals = o.totals.iter().map(|t| {
                    let field = &t.field;
                    let sum = |v: &[crate::ir::Sum]| {
                        let items = v.iter().map(|x| {
                            let (r, f, filt) = (x.resource, &x.field, pairs(&x.filter));
                            quote!(Sum { resource: #r, field: #f, filter: #filt })
                        });
                        quote!(&[#(#items),*])
                    };
                    let (add, sub) = (sum(&t.add), sum(&t.subtract));
                    let group = opt_str(&t.group_by);
                    let opening = t.opening.iter().map(|(g, v)| quote!((#g, #v)));
                    quote!(Total { field: #field, add: #add, subtract: #sub, group_by: #group, opening: &[#(#opening),*] })
                });
                quote!(Op { action: #action, resource: #resource, store: &[#(#store),*], lookup: &[#(#lookup),*], page: #page, page_size: #page_size, event: #event, respond: #respond, totals: &[#(#totals),*] })
            }
            None => quote!(Op { action: "none", resource: None, store: &[], lookup: &[], page: None, page_size: 50, event: None, respond: &[], totals: &[] }),
        };
        quote! {
            Endpoint { name: #name, method: #method, path: #path, encoding: #enc, scheme: #scheme, fields: #f,
                       one_of_required: &[#(#one_of),*], status: #status, body: #body, enveloped: #enveloped, op: #op }
        }
    });
    let resources = mock.map(|m| &m.resources).into_iter().flatten().map(|r| {
        let name = &r.name;
        let type_index = api.types.iter().position(|t| t.name == r.type_name).unwrap_or(0);
        let own = match api.types.get(type_index).map(|t| &t.kind) {
            Some(TypeKind::Object(fs)) => fs.len(),
            _ => 0,
        };
        let extra = fields(api, r.fields.get(own..).unwrap_or(&[]));
        let id_field = &r.id_field;
        let id_start = match r.id_style {
            IdStyle::Sequence => {
                let s = r.id_start;
                quote!(Some(#s))
            }
            IdStyle::Hex | IdStyle::Given => quote!(None),
        };
        let id_given = r.id_style == IdStyle::Given;
        let (prefix, digits) = (&r.id_prefix, r.id_digits);
        let unique = r.unique.iter().map(|u| s(u));
        let initial = pairs(&r.initial);
        let states = match &r.states {
            Some(st) => {
                let field = &st.field;
                let init = json_text(&st.initial);
                let events = st.events.iter().map(|ev| {
                    let name = &ev.name;
                    let from = ev.from.iter().map(json_text);
                    let to = json_text(&ev.to);
                    let set = pairs(&ev.set);
                    let webhook = match &ev.webhook {
                        Some(w) => {
                            let (hook, url, payload) = (w.webhook, opt_str(&w.url_field), pairs(&w.payload));
                            quote!(Some(WebhookSend { webhook: #hook, url_field: #url, payload: #payload }))
                        }
                        None => quote!(None),
                    };
                    quote!(Event { name: #name, from: &[#(#from),*], to: #to, set: #set, webhook: #webhook })
                });
                quote!(Some(States { field: #field, initial: #init, events: &[#(#events),*] }))
            }
            None => quote!(None),
        };
        let seed = r.seed.iter().map(json_text);
        quote! {
            Resource { name: #name, type_index: #type_index, extra: #extra, id_field: #id_field, id_start: #id_start,
                       id_prefix: #prefix, id_digits: #digits, unique: &[#(#unique),*], initial: #initial, states: #states,
                       seed: &[#(#seed),*], id_given: #id_given }
        }
    });
    let webhooks = api.webhooks.iter().map(|w| {
        let (name, scheme) = (&w.name, w.scheme);
        let enc = encoding(w.encoding);
        let f = fields(api, &w.fields);
        quote!(Webhook { name: #name, encoding: #enc, scheme: #scheme, fields: #f })
    });
    let envelope = match &api.envelope {
        Some(e) => {
            let (a, b, c, d, f) = (
                &e.status_field,
                &e.success,
                &e.error,
                &e.message_field,
                &e.data_field,
            );
            quote!(Some(Envelope { status_field: #a, success: #b, error: #c, message_field: #d, data_field: #f }))
        }
        None => quote!(None),
    };
    let er = &api.errors;
    let path = |p: &Option<Vec<String>>| opt_str(&p.as_ref().map(|v| v.join(".")));
    let (code, message, vp, vm, fe) = (
        path(&er.code),
        path(&er.message),
        path(&er.validation_path),
        path(&er.validation_message),
        path(&er.field_errors),
    );
    let in_env = er.in_envelope;
    let cases = er.cases.iter().map(|c| {
        let case = snake(&c.case);
        let (status, code, msg) = (c.status, opt_str(&c.code), &c.message);
        quote!((#case, #status, #code, #msg))
    });
    let default_creds = api.credentials.iter().map(|c| {
        let (name, value) = (
            &c.name,
            c.example
                .clone()
                .unwrap_or_else(|| format!("test-{}", c.name.replace('_', "-"))),
        );
        quote!((#name.to_string(), #value.to_string()))
    });
    let rsa_key = match mock.and_then(|m| m.private_key.clone()) {
        Some(k) => quote!(Some(#k.to_string())),
        None => quote!(None),
    };
    quote! {
        //! The provider's behaviour as data, generated from the spec.
        use super::tables::*;

        /// What the mock knows about the provider.
        pub static SPEC: Spec = Spec {
            provider: #provider,
            credentials: &[#(#creds),*],
            schemes: &[#(#schemes),*],
            endpoints: &[#(#endpoints),*],
            types: &[#(#types),*],
            resources: &[#(#resources),*],
            webhooks: &[#(#webhooks),*],
            envelope: #envelope,
            errors: Errors { in_envelope: #in_env, code: #code, message: #message, validation_path: #vp,
                             validation_message: #vm, field_errors: #fe, cases: &[#(#cases),*] },
        };

        /// The default test merchant: the sample credentials of the provider's docs.
        pub fn default_config() -> super::engine::Config {
            super::engine::Config {
                credentials: [#(#default_creds),*].into_iter().collect(),
                webhook_url: None,
                rsa_private_key: #rsa_key,
                base_url: String::new(),
            }
        }

        /// This provider, for [`payspec_runtime::mock::MockServer`].
        pub struct Provider;

        impl payspec_runtime::mock::Provider for Provider {
            fn spec() -> &'static Spec {
                &SPEC
            }

            fn default_config() -> super::engine::Config {
                default_config()
            }
        }
    }
}

/// `NotFound` → `not_found`.
fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn bin_rs(api: &Api) -> TokenStream {
    let lib = format_ident!("{}", api.lib_name);
    let bin = format!("{}-mock", api.crate_name);
    let help = format!(
        "{bin}: a local {} mock server.\n\nOptions:\n  --listen ADDR            address to bind (default 127.0.0.1:8080)\n  --webhook-url URL        where webhooks go when a record names none\n  --credential NAME=VALUE  accept this credential instead of the docs' sample",
        api.name
    );

    quote! {
        //! Runs the mock server: `--listen ADDR`, `--webhook-url URL`, `--credential NAME=VALUE`.
        const BIN: &str = #bin;
        const HELP: &str = #help;
        fn main() -> std::process::ExitCode {
            // One core (e.g. pinned with taskset): a single-threaded runtime avoids cross-thread
            // wake-ups; otherwise one worker per core.
            let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
            let runtime = if cores == 1 {
                tokio::runtime::Builder::new_current_thread().enable_all().build()
            } else {
                tokio::runtime::Builder::new_multi_thread().enable_all().build()
            };
            match runtime {
                Ok(rt) => rt.block_on(run()),
                Err(e) => {
                    eprintln!("cannot start the runtime: {e}");
                    std::process::ExitCode::from(1)
                }
            }
        }

        async fn run() -> std::process::ExitCode {
            let mut config = #lib::mock::spec::default_config();
            let mut listen = String::from("127.0.0.1:8080");
            let mut args = std::env::args().skip(1);
            while let Some(a) = args.next() {
                match a.as_str() {
                    "--listen" => listen = args.next().unwrap_or(listen),
                    "--webhook-url" => config.webhook_url = args.next(),
                    "--credential" => {
                        let kv = args.next().unwrap_or_default();
                        match kv.split_once('=') {
                            Some((k, v)) if config.credentials.contains_key(k) => { config.credentials.insert(k.to_string(), v.to_string()); }
                            _ => {
                                eprintln!("--credential takes NAME=VALUE with NAME one of: {}", config.credentials.keys().cloned().collect::<Vec<_>>().join(", "));
                                return std::process::ExitCode::from(2);
                            }
                        }
                    }
                    "--help" | "-h" => {
                        println!("{HELP}");
                        return std::process::ExitCode::SUCCESS;
                    }
                    other => {
                        eprintln!("unknown argument `{other}`; see --help");
                        return std::process::ExitCode::from(2);
                    }
                }
            }
            let Ok(addr) = listen.parse::<std::net::SocketAddr>() else {
                eprintln!("--listen: `{listen}` is not an address like 127.0.0.1:8080");
                return std::process::ExitCode::from(2);
            };
            let server = match #lib::mock::MockServer::start_with(config.clone(), addr).await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("cannot listen on {addr}: {e}");
                    return std::process::ExitCode::from(1);
                }
            };
            println!("{BIN} listening on {}", server.base_url());
            println!("test credentials:");
            for (k, v) in &config.credentials {
                println!("  {k} = {v}");
            }
            println!("control API: {}/__mock/  (Ctrl-C to stop)", server.base_url());
            let _ = tokio::signal::ctrl_c().await;
            server.stop().await;
            println!("stopped");
            std::process::ExitCode::SUCCESS
        }
    }
}
