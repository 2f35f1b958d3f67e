//! `src/rules.rs`: the provider's behaviour as named constants, which the client's request
//! checks and the runtime's mock engine interpret (and `src/mock/spec.rs`: the mock's
//! default merchant). Ids of types, schemes, resources and webhooks are named constants in small
//! modules (`types::ORDER`); each endpoint is a constant; every struct names only what
//! differs from its `DEFAULT`.

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::auth::recipe_ident;
use crate::ir::{
    Action, Api, Case, DateKind, Encoding, Endpoint, Errors, Field, IdStyle, InjectSource, NumWire,
    Operation, ParamIn, Resource, ResponseBody, Scheme, Ty, TypeDecl, TypeKind, Webhook,
};

/// The whole `rules.rs`: the spec as tables, for the client's checks and the mock.
pub fn rules_rs(api: &Api) -> TokenStream {
    let provider = &api.name;
    let base_path = base_path(&api.base_url);
    let ids = id_modules(api);
    let endpoint_consts = api.endpoints.iter().enumerate().map(|(i, e)| {
        let op = api
            .mock
            .as_ref()
            .and_then(|m| m.operations.iter().find(|o| o.endpoint.0 == i));
        endpoint_const(api, e, op)
    });
    let endpoint_names = api.endpoints.iter().map(|e| endpoint_ident(&e.name));
    let credentials = api.credentials.iter().map(|c| {
        let (name, secret) = (&c.name, c.secret);
        let default = sample_value(&c.name, c.example.as_deref());
        let aliases = c.aliases.iter();
        quote!(Credential { name: #name, default: #default, aliases: &[#(#aliases),*], secret: #secret })
    });
    let schemes = api.schemes.iter().map(scheme);
    let types = api.types.iter().map(|t| type_def(api, t));
    let resources = api
        .mock
        .iter()
        .flat_map(|m| &m.resources)
        .map(|r| resource(api, r));
    let webhooks = api.webhooks.iter().map(|w| webhook(api, w));
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
    let errors = errors(&api.errors);
    quote! {
        //! The spec's rules as data: each endpoint's fields with their types and constraints
        //! (the client checks every request against them before signing it, with the checker
        //! the mock uses), and for the mock the provider's schemes, resources, states and
        //! error shapes.

        use payspec_runtime::tables::*;

        #ids

        #(#endpoint_consts)*

        /// The whole spec as the client's checks and the mock read it.
        pub static SPEC: Spec = Spec {
            provider: #provider,
            base_path: #base_path,
            credentials: &[#(#credentials),*],
            schemes: &[#(#schemes),*],
            endpoints: &[#(#endpoint_names),*],
            types: &[#(#types),*],
            resources: &[#(#resources),*],
            webhooks: &[#(#webhooks),*],
            envelope: #envelope,
            errors: #errors,
        };
    }
}

/// The whole `mock/spec.rs`: the default test merchant and the `Provider` the server takes.
pub fn spec_rs(api: &Api) -> TokenStream {
    let default_creds = api.credentials.iter().map(|c| {
        let (name, value) = (&c.name, sample_value(&c.name, c.example.as_deref()));
        quote!((#name.to_string(), #value.to_string()))
    });
    let rsa_key = match api.mock.as_ref().and_then(|m| m.private_key.clone()) {
        Some(k) => quote!(Some(#k.to_string())),
        None => quote!(None),
    };
    quote! {
        //! The mock's default merchant, and this provider for the mock server; the rules it
        //! interprets are [`crate::rules`].

        pub use crate::rules::*;
        use payspec_runtime::tables::Spec;

        /// The default test merchant: the sample credentials of the provider's docs.
        pub fn default_config() -> super::engine::Config {
            super::engine::Config {
                credentials: [#(#default_creds),*].into_iter().collect(),
                webhook_url: None,
                rsa_private_key: #rsa_key,
                ..Default::default()
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

/// The path of a base URL: `https://tegro.money/api` → `/api`, none → ``.
fn base_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map(|i| after_scheme[i..].trim_end_matches('/').to_string())
        .unwrap_or_default()
}

/// A credential's sample: the docs' example, else `test-<name>`.
fn sample_value(name: &str, example: Option<&str>) -> String {
    example
        .map(str::to_string)
        .unwrap_or_else(|| format!("test-{}", name.replace('_', "-")))
}

/// `shop_id` → `SHOP_ID`, `OrderStatus` → `ORDER_STATUS`.
fn const_ident(name: &str) -> syn::Ident {
    format_ident!("{}", name.to_shouty_snake_case())
}

/// An endpoint's constant (never `SPEC`, the table itself).
pub(super) fn endpoint_ident(name: &str) -> syn::Ident {
    let shouty = name.to_shouty_snake_case();
    if shouty == "SPEC" {
        format_ident!("SPEC_ENDPOINT")
    } else {
        format_ident!("{shouty}")
    }
}

/// `pub mod types { pub const ORDER: TypeId = TypeId(0); ... }` and the same for schemes,
/// resources and webhooks (modules with no entries are left out).
fn id_modules(api: &Api) -> TokenStream {
    let module = |name: &str, doc: &str, id: &str, names: Vec<&str>| {
        if names.is_empty() {
            return quote!();
        }
        let (module, id) = (format_ident!("{name}"), format_ident!("{id}"));
        let consts = names.iter().enumerate().map(|(i, n)| {
            let c = const_ident(n);
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            let d = format!(" `{n}`");
            quote!(#[doc = #d] pub const #c: #id = #id(#i);)
        });
        quote! {
            #[doc = #doc]
            pub mod #module {
                use super::#id;
                #(#consts)*
            }
        }
    };
    let types = module(
        "types",
        " Named types, by position in `SPEC.types`.",
        "TypeId",
        api.types.iter().map(|t| t.name.as_str()).collect(),
    );
    let schemes = module(
        "schemes",
        " Auth schemes, by position in `SPEC.schemes`.",
        "SchemeId",
        api.schemes.iter().map(|s| s.name.as_str()).collect(),
    );
    let resources = module(
        "resources",
        " Stored resources, by position in `SPEC.resources`.",
        "ResourceId",
        api.mock
            .iter()
            .flat_map(|m| &m.resources)
            .map(|r| r.name.as_str())
            .collect(),
    );
    let webhooks = module(
        "webhooks",
        " Webhooks, by position in `SPEC.webhooks`.",
        "WebhookId",
        api.webhooks.iter().map(|w| w.name.as_str()).collect(),
    );
    quote!(#types #schemes #resources #webhooks)
}

/// `<module>::<NAME>`, the id constant of a named item, or a compile error naming what is
/// missing (the IR guarantees it is not).
fn id_ref(module: &str, name: Option<&str>, what: &str) -> TokenStream {
    match name {
        Some(n) => {
            let (m, c) = (format_ident!("{module}"), const_ident(n));
            quote!(#m::#c)
        }
        None => {
            let msg = format!("payspec: unknown {what}");
            quote!(compile_error!(#msg))
        }
    }
}

fn type_ref(api: &Api, name: &str) -> TokenStream {
    let found = api.types.iter().find(|t| t.name == name);
    id_ref(
        "types",
        found.map(|t| t.name.as_str()),
        &format!("type `{name}`"),
    )
}

fn scheme_ref(api: &Api, id: crate::ir::SchemeId) -> TokenStream {
    id_ref(
        "schemes",
        api.scheme(id).map(|s| s.name.as_str()),
        "auth scheme",
    )
}

fn resource_ref(api: &Api, id: crate::ir::ResourceId) -> TokenStream {
    let found = api.mock.as_ref().and_then(|m| m.resources.get(id.0));
    id_ref("resources", found.map(|r| r.name.as_str()), "mock resource")
}

fn webhook_ref(api: &Api, id: crate::ir::WebhookId) -> TokenStream {
    id_ref(
        "webhooks",
        api.webhook(id).map(|w| w.name.as_str()),
        "webhook",
    )
}

fn wire(w: NumWire) -> TokenStream {
    match w {
        NumWire::Number => quote!(Wire::Number),
        NumWire::String => quote!(Wire::String),
        NumWire::NumberOrString => quote!(Wire::NumberOrString),
        NumWire::StringOrNumber => quote!(Wire::StringOrNumber),
    }
}

fn kind(api: &Api, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(Kind::String),
        Ty::StringOrNumber => quote!(Kind::StringOrNumber),
        Ty::Integer(w) => {
            let w = wire(*w);
            quote!(Kind::Integer(#w))
        }
        Ty::Decimal(w) => {
            let w = wire(*w);
            quote!(Kind::Decimal(#w))
        }
        Ty::Bool => quote!(Kind::Bool),
        Ty::Date(i) | Ty::DateTime(i) => {
            let (f, k) = api
                .date_format(*i)
                .map(|d| (d.format.clone(), d.kind))
                .unwrap_or(("rfc3339".into(), DateKind::Offset));
            if k == DateKind::Date {
                quote!(Kind::Date(#f))
            } else {
                quote!(Kind::DateTime(#f))
            }
        }
        Ty::Any => quote!(Kind::Any),
        Ty::Named(n) => {
            let t = type_ref(api, n);
            quote!(Kind::Named(#t))
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

fn opt_str(v: Option<&str>) -> TokenStream {
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

fn str_pairs(p: &[(String, String)]) -> TokenStream {
    let items = p.iter().map(|(a, b)| quote!((#a, #b)));
    quote!(&[#(#items),*])
}

/// `Field { name, wire, <what differs>, ..Field::DEFAULT }`.
fn field(api: &Api, f: &Field) -> TokenStream {
    let (name, wire_name) = (&f.name, &f.wire);
    let mut set = Vec::new();
    if f.ty != Ty::String {
        let k = kind(api, &f.ty);
        set.push(quote!(kind: #k,));
    }
    if f.optional {
        set.push(quote!(optional: true,));
    }
    if f.nullable {
        set.push(quote!(nullable: true,));
    }
    match f.location {
        ParamIn::Body => {}
        ParamIn::Query => set.push(quote!(loc: Loc::Query,)),
        ParamIn::Path => set.push(quote!(loc: Loc::Path,)),
        ParamIn::Header => set.push(quote!(loc: Loc::Header,)),
    }
    let l = &f.limits;
    if let Some(v) = l.min_length {
        set.push(quote!(min_length: Some(#v),));
    }
    if let Some(v) = l.max_length {
        set.push(quote!(max_length: Some(#v),));
    }
    if let Some(v) = &l.pattern {
        set.push(quote!(pattern: Some(#v),));
    }
    if let Some(v) = l.minimum {
        set.push(quote!(minimum: Some(#v),));
    }
    if let Some(v) = l.maximum {
        set.push(quote!(maximum: Some(#v),));
    }
    if let Some(v) = l.exclusive_minimum {
        set.push(quote!(exclusive_minimum: Some(#v),));
    }
    if let Some(v) = l.exclusive_maximum {
        set.push(quote!(exclusive_maximum: Some(#v),));
    }
    if !l.allowed.is_empty() {
        let vs = &l.allowed;
        set.push(quote!(allowed: &[#(#vs),*],));
    }
    if let Some(c) = &l.constant {
        set.push(quote!(constant: Some(#c),));
    }
    if !f.aliases.is_empty() {
        let vs = &f.aliases;
        set.push(quote!(aliases: &[#(#vs),*],));
    }
    let cond = |c: &crate::ir::Condition| {
        let (field, values, negate) = (&c.field, &c.values, c.negate);
        quote!(Some(Condition { field: #field, values: &[#(#values),*], negate: #negate }))
    };
    if let Some(c) = &l.required_if {
        let c = cond(c);
        set.push(quote!(required_if: #c,));
    }
    if let Some(c) = &l.forbidden_if {
        let c = cond(c);
        set.push(quote!(forbidden_if: #c,));
    }
    quote!(Field { name: #name, wire: #wire_name, #(#set)* ..Field::DEFAULT })
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

/// `/// METHOD path` + `const NAME: Endpoint = Endpoint { ..Endpoint::DEFAULT };`
fn endpoint_const(api: &Api, e: &Endpoint, op: Option<&Operation>) -> TokenStream {
    let ident = endpoint_ident(&e.name);
    let (name, path) = (&e.name, &e.path);
    let doc = format!(" `{} {}`: {}", e.method.as_str(), e.path, e.summary);
    let mut set = Vec::new();
    if e.method != crate::ir::Method::Post {
        let m = format_ident!("{}", format!("{:?}", e.method));
        set.push(quote!(method: Method::#m,));
    }
    if e.request.encoding != Encoding::Json {
        let enc = encoding(e.request.encoding);
        set.push(quote!(encoding: #enc,));
    }
    if let Some(s) = e.scheme {
        let s = scheme_ref(api, s);
        set.push(quote!(scheme: Some(#s),));
    }
    if !e.request.fields.is_empty() {
        let f = fields(api, &e.request.fields);
        set.push(quote!(fields: #f,));
    }
    if !e.request.one_of_required.is_empty() {
        let one_of = e.request.one_of_required.iter();
        set.push(quote!(one_of_required: &[#(#one_of),*],));
    }
    if e.response.status != 200 {
        let status = e.response.status;
        set.push(quote!(status: #status,));
    }
    match &e.response.body {
        ResponseBody::Json(t) => {
            let k = kind(api, t);
            set.push(quote!(body: Body::Json(#k),));
        }
        ResponseBody::Empty => {}
        ResponseBody::Binary(cts) => {
            let c = cts.iter();
            set.push(quote!(body: Body::Binary(&[#(#c),*]),));
        }
    }
    if e.response.enveloped {
        set.push(quote!(enveloped: true,));
    }
    if let Some((field, types)) = &e.response.content_type_from {
        let pairs = types.iter().map(|(v, t)| quote!((#v, #t)));
        set.push(quote!(content_type_from: Some(ContentTypeFrom { field: #field, types: &[#(#pairs),*] }),));
    }
    if let Some(o) = op {
        let op = operation(api, o);
        set.push(quote!(op: #op,));
    }
    quote! {
        #[doc = #doc]
        pub const #ident: Endpoint = Endpoint { name: #name, path: #path, #(#set)* ..Endpoint::DEFAULT };
    }
}

/// `Op { action, <what differs>, ..Op::DEFAULT }`.
fn operation(api: &Api, o: &Operation) -> TokenStream {
    let (variant, resource) = match o.action {
        Action::Create(r) => ("Create", Some(r)),
        Action::Read(r) => ("Read", Some(r)),
        Action::List(r) => ("List", Some(r)),
        Action::Update(r) => ("Update", Some(r)),
        Action::Fire(r) => ("Fire", Some(r)),
        Action::Totals => ("Totals", None),
        Action::Fixed => ("Fixed", None),
    };
    let variant = format_ident!("{variant}");
    let action = match resource {
        Some(r) => {
            let r = resource_ref(api, r);
            quote!(Action::#variant(#r))
        }
        None => quote!(Action::#variant),
    };
    let mut set = Vec::new();
    if !o.store.is_empty() {
        let p = str_pairs(&o.store);
        set.push(quote!(store: #p,));
    }
    if !o.lookup.is_empty() {
        let p = str_pairs(&o.lookup);
        set.push(quote!(lookup: #p,));
    }
    if let Some(p) = &o.page {
        set.push(quote!(page: Some(#p),));
    }
    if o.page_size != 50 {
        let n = proc_macro2::Literal::usize_unsuffixed(o.page_size as usize);
        set.push(quote!(page_size: #n,));
    }
    if let Some(e) = &o.event {
        set.push(quote!(event: Some(#e),));
    }
    if !o.respond.is_empty() {
        let p = pairs(&o.respond);
        set.push(quote!(respond: #p,));
    }
    if !o.totals.is_empty() {
        let totals = o.totals.iter().map(|t| {
            let field = &t.field;
            let sums = |v: &[crate::ir::Sum]| {
                let items = v.iter().map(|x| {
                    let (r, f, filt) = (resource_ref(api, x.resource), &x.field, pairs(&x.filter));
                    quote!(Sum { resource: #r, field: #f, filter: #filt })
                });
                quote!(&[#(#items),*])
            };
            let (add, sub) = (sums(&t.add), sums(&t.subtract));
            let group = opt_str(t.group_by.as_deref());
            let opening = str_pairs(&t.opening);
            quote!(Total { field: #field, add: #add, subtract: #sub, group_by: #group, opening: #opening })
        });
        set.push(quote!(totals: &[#(#totals),*],));
    }
    quote!(Op { action: #action, #(#set)* ..Op::DEFAULT })
}

fn scheme(sc: &Scheme) -> TokenStream {
    let name = &sc.name;
    let mut set = Vec::new();
    if !sc.inject.is_empty() {
        let inject = sc.inject.iter().map(|i| {
            let w = &i.wire;
            match &i.source {
                InjectSource::Credential(c) => quote!((#w, Inject::Credential(#c))),
                InjectSource::Nonce(_) => quote!((#w, Inject::Nonce)),
            }
        });
        set.push(quote!(inject: &[#(#inject),*],));
    }
    if let Some(t) = &sc.token {
        let (c, q, h) = (
            &t.credential,
            opt_str(t.query.as_deref()),
            opt_str(t.header.as_deref()),
        );
        set.push(quote!(token: Some(Token { credential: #c, query: #q, header: #h }),));
    }
    if let Some(b) = &sc.basic {
        let (u, p) = (&b.username, &b.password);
        set.push(quote!(basic: Some((#u, #p)),));
    }
    if sc.signature.is_some() {
        let r = recipe_ident(&sc.name);
        set.push(quote!(recipe: Some(&crate::auth::#r),));
    }
    quote!(Scheme { name: #name, #(#set)* ..Scheme::DEFAULT })
}

fn type_def(api: &Api, t: &TypeDecl) -> TokenStream {
    let name = &t.name;
    match &t.kind {
        TypeKind::Object(fs) if fs.is_empty() => {
            quote!(TypeDef { name: #name, ..TypeDef::DEFAULT })
        }
        TypeKind::Object(fs) => {
            let f = fields(api, fs);
            quote!(TypeDef { name: #name, fields: #f, ..TypeDef::DEFAULT })
        }
        TypeKind::Enum { integer, variants } => {
            let vals = variants.iter().map(|v| &v.wire);
            let integer = integer.then(|| quote!(integer: true,));
            quote!(TypeDef { name: #name, values: &[#(#vals),*], #integer ..TypeDef::DEFAULT })
        }
    }
}

fn resource(api: &Api, r: &Resource) -> TokenStream {
    let name = &r.name;
    let type_id = type_ref(api, &r.type_name);
    let own = match api
        .types
        .iter()
        .find(|t| t.name == r.type_name)
        .map(|t| &t.kind)
    {
        Some(TypeKind::Object(fs)) => fs.len(),
        _ => 0,
    };
    let mut set = Vec::new();
    let extra = r.fields.get(own..).unwrap_or(&[]);
    if !extra.is_empty() {
        let f = fields(api, extra);
        set.push(quote!(extra: #f,));
    }
    if r.id_field != "id" {
        let f = &r.id_field;
        set.push(quote!(id_field: #f,));
    }
    match r.id_style {
        IdStyle::Sequence if r.id_start == 1 => {}
        IdStyle::Sequence => {
            let s = r.id_start;
            set.push(quote!(id_start: Some(#s),));
        }
        IdStyle::Hex | IdStyle::Given => set.push(quote!(id_start: None,)),
    }
    if r.id_style == IdStyle::Given {
        set.push(quote!(id_given: true,));
    }
    if !r.id_prefix.is_empty() {
        let p = &r.id_prefix;
        set.push(quote!(id_prefix: #p,));
    }
    if r.id_style == IdStyle::Hex {
        let d = r.id_digits;
        set.push(quote!(id_digits: #d,));
    }
    if !r.unique.is_empty() {
        let u = r.unique.iter();
        set.push(quote!(unique: &[#(#u),*],));
    }
    if !r.initial.is_empty() {
        let p = pairs(&r.initial);
        set.push(quote!(initial: #p,));
    }
    if let Some(st) = &r.states {
        let field = &st.field;
        let init = json_text(&st.initial);
        let events = st.events.iter().map(|ev| {
            let name = &ev.name;
            let from = ev.from.iter().map(json_text);
            let to = json_text(&ev.to);
            let set = pairs(&ev.set);
            let webhook = match &ev.webhook {
                Some(w) => {
                    let (hook, url, payload) = (
                        webhook_ref(api, w.webhook),
                        opt_str(w.url_field.as_deref()),
                        pairs(&w.payload),
                    );
                    quote!(Some(WebhookSend { webhook: #hook, url_field: #url, payload: #payload }))
                }
                None => quote!(None),
            };
            quote!(Event { name: #name, from: &[#(#from),*], to: #to, set: #set, webhook: #webhook })
        });
        set.push(quote!(states: Some(States { field: #field, initial: #init, events: &[#(#events),*] }),));
    }
    if !r.seed.is_empty() {
        let seed = r.seed.iter().map(json_text);
        set.push(quote!(seed: &[#(#seed),*],));
    }
    quote!(Resource { name: #name, type_id: #type_id, #(#set)* ..Resource::DEFAULT })
}

fn webhook(api: &Api, w: &Webhook) -> TokenStream {
    let (name, scheme) = (&w.name, scheme_ref(api, w.scheme));
    let enc = encoding(w.encoding);
    let f = fields(api, &w.fields);
    // `..Webhook::DEFAULT` gives `POST`.
    let method = if w.method == crate::ir::Method::Post {
        quote!(..Webhook::DEFAULT)
    } else {
        let m = format_ident!("{}", format!("{:?}", w.method));
        quote!(method: Method::#m)
    };
    quote!(Webhook { name: #name, encoding: #enc, scheme: #scheme, fields: #f, #method })
}

fn errors(er: &Errors) -> TokenStream {
    let path = |p: &Option<Vec<String>>| p.as_ref().map(|v| v.join("."));
    let mut set = Vec::new();
    if er.in_envelope {
        set.push(quote!(in_envelope: true,));
    }
    for (key, value) in [
        ("code", path(&er.code)),
        ("message", path(&er.message)),
        ("validation_path", path(&er.validation_path)),
        ("validation_message", path(&er.validation_message)),
        ("field_errors", path(&er.field_errors)),
    ] {
        if let Some(v) = value {
            let k = format_ident!("{key}");
            set.push(quote!(#k: Some(#v),));
        }
    }
    if !er.cases.is_empty() {
        let cases = er.cases.iter().map(|c| {
            let case = case_variant(c.case);
            let (status, code, msg) = (c.status, opt_str(c.code.as_deref()), &c.message);
            quote!(ErrorCase { case: Case::#case, status: #status, code: #code, message: #msg })
        });
        set.push(quote!(cases: &[#(#cases),*],));
    }
    quote!(Errors { #(#set)* ..Errors::DEFAULT })
}

fn case_variant(c: Case) -> syn::Ident {
    format_ident!("{}", format!("{c:?}"))
}
