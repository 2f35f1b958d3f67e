//! `src/client.rs` of a generated crate: credentials, the async client, the signing of each
//! request, and one method per endpoint.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::auth::recipe_ident;
use super::rust_types::{docs, ident, markdown_docs, push_text, rust_type};
use crate::ir::{Api, Endpoint, InjectSource, ResponseBody, Scheme};
use crate::ir::{Encoding, Method, NonceStyle, ParamIn, SchemeId};

pub fn client_rs(api: &Api) -> TokenStream {
    let creds = credentials(api);
    let client = client(api);
    // A spec with webhooks only still has `Credentials`, and nothing that sends.
    let uses = (!api.endpoints.is_empty()).then(|| {
        quote! {
            use crate::error::Error;
            use crate::http::Outgoing;
        }
    });
    quote! {
        //! The API client: credentials, signing, and one async method per endpoint.
        #uses
        #creds
        #client
    }
}

fn credentials(api: &Api) -> TokenStream {
    // Every credential the merchant holds: the client's and those that verify webhooks.
    let cs: Vec<_> = api.credentials.iter().collect();
    let fields = cs.iter().map(|c| {
        let id = ident(&c.ident);
        let d = docs(&c.doc);
        let ty = if c.secret {
            quote!(crate::wire::Secret)
        } else {
            quote!(String)
        };
        quote!(#d pub #id: #ty,)
    });
    let params = cs.iter().map(|c| {
        let id = ident(&c.ident);
        if c.secret {
            quote!(#id: impl Into<crate::wire::Secret>)
        } else {
            quote!(#id: impl Into<String>)
        }
    });
    let inits = cs.iter().map(|c| {
        let id = ident(&c.ident);
        quote!(#id: #id.into())
    });
    let lookups = cs.iter().map(|c| {
        let name = &c.name;
        let id = ident(&c.ident);
        let v = if c.secret {
            quote!(self.#id.expose().to_string())
        } else {
            quote!(self.#id.clone())
        };
        quote!(#name => Some(#v),)
    });
    let sample_args = cs.iter().map(|c| {
        let v = c.example.clone().unwrap_or_default();
        quote!(#v)
    });
    let has_samples = cs.iter().all(|c| c.example.is_some());
    let sample = if has_samples {
        quote! {
            /// The sample credentials printed in the provider's docs (the mock's default merchant).
            pub fn sample() -> Self { Self::new(#(#sample_args),*) }
        }
    } else {
        quote!()
    };
    // Signature recipes name the credentials they read: a lookup by spec name.
    let signs = api
        .endpoints
        .iter()
        .filter_map(|e| e.scheme)
        .filter_map(|i| api.scheme(i))
        .any(|s| s.signature.is_some());
    let get = signs.then(|| {
        quote! {
            /// A credential by its spec name, for signature recipes.
            pub(crate) fn get(&self, name: &str) -> Option<String> {
                match name { #(#lookups)* _ => None }
            }
        }
    });
    let allow = if cs.len() > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    // An API without credentials has nothing to give: `Credentials::default()` is the same.
    let derives = if cs.is_empty() {
        quote!(#[derive(Clone, Debug, Default)])
    } else {
        quote!(#[derive(Clone, Debug)])
    };
    quote! {
        /// What the merchant holds to call the API. Secrets are redacted in `Debug`.
        #derives
        pub struct Credentials { #(#fields)* }
        impl Credentials {
            /// Credentials from their values.
            #allow
            pub fn new(#(#params),*) -> Self { Self { #(#inits),* } }
            #sample
            #get
        }
    }
}

/// The value of credential `name` in the client's credentials, as a `String`.
fn credential_value(api: &Api, name: &str) -> TokenStream {
    let s = credential_str(api, name);
    quote!(#s.to_string())
}

/// The value of credential `name` in the client's credentials, as a `&str`.
fn credential_str(api: &Api, name: &str) -> TokenStream {
    match api.credentials.iter().find(|c| c.name == name) {
        Some(c) => {
            let id = ident(&c.ident);
            if c.secret {
                quote!(self.inner.credentials.#id.expose())
            } else {
                quote!(self.inner.credentials.#id.as_str())
            }
        }
        None => {
            let msg = format!("payspec: unknown credential `{name}`");
            quote!(compile_error!(#msg))
        }
    }
}

fn client(api: &Api) -> TokenStream {
    let prod = &api.base_url;
    let sandbox = api.sandbox_url.as_ref().map(|s| {
        quote! {
            /// The sandbox base URL.
            pub const SANDBOX_URL: &'static str = #s;
            /// A client for the sandbox.
            pub fn sandbox(credentials: Credentials) -> Self { Self::new(credentials).with_base_url(Self::SANDBOX_URL) }
        }
    });
    let nonce_style = api
        .schemes
        .iter()
        .flat_map(|s| &s.inject)
        .find_map(|i| match i.source {
            InjectSource::Nonce(n) => Some(n),
            _ => None,
        })
        .unwrap_or(NonceStyle::UnixMillis);
    let nonce_style = match nonce_style {
        NonceStyle::UnixMillis => quote!(crate::wire::NonceStyle::UnixMillis),
        NonceStyle::UnixSeconds => quote!(crate::wire::NonceStyle::UnixSeconds),
    };
    let used: Vec<SchemeId> = {
        let mut v: Vec<SchemeId> = api.endpoints.iter().filter_map(|e| e.scheme).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let authorizers = used
        .iter()
        .filter_map(|i| api.scheme(*i))
        .map(|s| authorizer(api, s));
    let (nonce_field, nonce_init) = if api.needs.nonce {
        (
            quote!(nonce: std::sync::Arc<crate::wire::Nonce>,),
            quote!(nonce: std::sync::Arc::new(crate::wire::Nonce::new(#nonce_style)),),
        )
    } else {
        (quote!(), quote!())
    };
    let methods = api.endpoints.iter().map(|e| endpoint_method(api, e));
    quote! {
        /// The async client. Cheap to clone; clones share the connection pool and the nonce
        /// counter, so nonces stay strictly increasing across tasks.
        #[derive(Clone, Debug)]
        pub struct Client { inner: std::sync::Arc<Inner> }

        #[derive(Clone, Debug)]
        struct Inner {
            transport: crate::transport::Transport,
            credentials: Credentials,
            /// Whether requests are checked against the spec before they are signed.
            checks: bool,
            #nonce_field
        }

        impl Client {
            /// The production base URL.
            pub const PRODUCTION_URL: &'static str = #prod;
            #sandbox

            /// A client for the production API.
            pub fn new(credentials: Credentials) -> Self {
                Client { inner: std::sync::Arc::new(Inner {
                    transport: crate::transport::Transport::new(Self::PRODUCTION_URL, &crate::error::MODEL),
                    credentials,
                    checks: true,
                    #nonce_init
                }) }
            }

            /// Whether each request is checked against the spec before it is signed (the
            /// default; a request that breaks a rule is [`crate::error::Error::InvalidRequest`] and is never
            /// sent). Turn it off only to let the provider judge a request the spec refuses.
            pub fn with_request_checks(mut self, on: bool) -> Self {
                std::sync::Arc::make_mut(&mut self.inner).checks = on;
                self
            }

            /// Sends requests to another base URL (a mock server, a proxy).
            pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
                std::sync::Arc::make_mut(&mut self.inner).transport.set_base_url(&base_url.into());
                self
            }

            /// Uses a configured `reqwest::Client` (proxies, TLS settings, middleware).
            pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
                std::sync::Arc::make_mut(&mut self.inner).transport.set_http_client(http);
                self
            }

            /// Sets the timeout of each whole request (default 30 s).
            pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
                std::sync::Arc::make_mut(&mut self.inner).transport.set_timeout(timeout);
                self
            }

            /// Bounds the size of a response body (default 16 MiB); a larger answer is
            /// [`crate::error::Error::TooLarge`].
            pub fn with_max_response(mut self, bytes: usize) -> Self {
                std::sync::Arc::make_mut(&mut self.inner).transport.set_max_response(bytes);
                self
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str { self.inner.transport.base_url() }

            /// The credentials in use.
            pub fn credentials(&self) -> &Credentials { &self.inner.credentials }

            #(#authorizers)*
            #(#methods)*
        }
    }
}

/// `fn authorize_<scheme>(&self, out: &mut Outgoing)`: inject, token, basic, signature.
fn authorizer(api: &Api, s: &Scheme) -> TokenStream {
    let name = format_ident!("authorize_{}", s.name);
    let doc = docs(&format!("Applies the `{}` auth scheme.", s.name));
    let inject = if s.inject.is_empty() {
        quote!()
    } else {
        let members = s.inject.iter().map(|i| {
            let w = &i.wire;
            match &i.source {
                InjectSource::Credential(c) => {
                    let v = credential_value(api, c);
                    quote!((#w.to_string(), serde_json::Value::String(#v)))
                }
                InjectSource::Nonce(_) => {
                    quote!((#w.to_string(), serde_json::Value::from(self.inner.nonce.next())))
                }
            }
        });
        quote!(out.inject(vec![#(#members),*]);)
    };
    let token = s.token.as_ref().map(|t| {
        let value = credential_value(api, &t.credential);
        match (&t.query, &t.header) {
            (Some(q), _) => quote!(out.query.insert(0, (#q.to_string(), #value));),
            (None, Some(h)) => quote!(out.headers.push((#h.to_string(), #value));),
            _ => quote!(),
        }
    });
    let basic = s.basic.as_ref().map(|b| {
        let (u, p) = (
            credential_str(api, &b.username),
            credential_str(api, &b.password),
        );
        quote! {
            out.headers.push(("Authorization".to_string(), crate::signing::basic_auth(#u, #p)));
        }
    });
    let signature = s.signature.as_ref().map(|sig| {
        let recipe = recipe_ident(&s.name);
        let place = match (&sig.header, &sig.field) {
            (Some(h), _) => quote!(out.headers.push((#h.to_string(), crate::signing::header_value(&crate::auth::#recipe, &signature)));),
            (None, Some(f)) => quote!(out.inject(vec![(#f.to_string(), serde_json::Value::String(signature))]);),
            _ => quote!(),
        };
        quote! {
            let signature = {
                let body = out.body_bytes();
                let fields = |w: &str| out.field_text(w);
                let creds = |c: &str| self.inner.credentials.get(c);
                let src = crate::signing::Source { body: &body, fields: &fields, form: out.form() };
                crate::signing::compute(&crate::auth::#recipe, &creds, &src).map_err(|e| Error::Prepare(e.to_string()))?
            };
            #place
        }
    });
    quote! {
        #doc
        fn #name(&self, out: &mut Outgoing) -> Result<(), Error> {
            #inject
            #token
            #basic
            #signature
            Ok(())
        }
    }
}

fn endpoint_method(api: &Api, e: &Endpoint) -> TokenStream {
    let name = ident(&e.fn_ident);
    let doc = docs(&format!("{}\n\n`{} {}`", e.doc, e.method_name, e.path));
    let req_ty = ident(&e.request.name);
    let has_request = !e.request.fields.is_empty();
    let param = if has_request {
        quote!(, request: &crate::requests::#req_ty)
    } else {
        quote!()
    };
    let endpoint_const = super::mock_table::endpoint_ident(&e.name);
    let check = if has_request {
        quote! {
            if self.inner.checks {
                out.check(&crate::rules::SPEC, &crate::rules::#endpoint_const).map_err(Error::InvalidRequest)?;
            }
        }
    } else {
        quote!()
    };
    let method = match e.method {
        Method::Get => quote!(reqwest::Method::GET),
        Method::Post => quote!(reqwest::Method::POST),
        Method::Put => quote!(reqwest::Method::PUT),
        Method::Patch => quote!(reqwest::Method::PATCH),
        Method::Delete => quote!(reqwest::Method::DELETE),
    };
    let (bind_path, path) = path_expr(api, e);
    let located = |at: ParamIn, target: TokenStream| {
        let stmts: Vec<TokenStream> = e
            .request
            .fields
            .iter()
            .filter(|f| f.location == at)
            .map(|f| push_text(api, f, quote!(request), target.clone()))
            .collect();
        stmts
    };
    let query = located(ParamIn::Query, quote!(out.query));
    let headers = located(ParamIn::Header, quote!(out.headers));
    let has_body_fields = e.request.fields.iter().any(|f| f.location == ParamIn::Body);
    let body = match e.request.encoding {
        Encoding::Json if has_request && has_body_fields => {
            quote!(out.body = crate::http::Body::Json(serde_json::to_string(request).map_err(|e| Error::Prepare(e.to_string()))?);)
        }
        Encoding::Json if !matches!(e.method, Method::Get | Method::Delete) => {
            quote!(out.body = crate::http::Body::Json("{}".to_string());)
        }
        Encoding::Form => {
            let pairs = located(ParamIn::Body, quote!(pairs));
            quote! { let mut pairs: Vec<(String, String)> = Vec::new(); #(#pairs)* out.body = crate::http::Body::Form(pairs); }
        }
        _ => quote!(),
    };
    let authorize = e.scheme.and_then(|i| api.scheme(i)).map(|s| {
        let a = format_ident!("authorize_{}", s.name);
        quote!(self.#a(&mut out)?;)
    });
    let (ret, decode) = match &e.response.body {
        ResponseBody::Json(ty) => {
            let t = rust_type(api, ty);
            let decode = if e.response.enveloped {
                quote!(|r| crate::error::MODEL.unwrap_envelope(&r.body))
            } else {
                quote!(|r| crate::error::decode(&r.body))
            };
            (t, decode)
        }
        ResponseBody::Empty => (quote!(()), quote!(|_| Ok(()))),
        ResponseBody::Binary(_) => (
            quote!(crate::http::Binary),
            quote!(move |r| crate::error::MODEL.file(r, accept.as_deref())),
        ),
    };
    let binary = matches!(e.response.body, ResponseBody::Binary(_));
    let set_accept = binary.then(|| quote!(out.set_accept(&crate::rules::#endpoint_const);));
    let keep_accept = binary.then(|| quote!(let accept = out.accept.clone();));
    let builds = !query.is_empty() || !headers.is_empty() || !body.is_empty() || binary;
    let mutable = builds.then(|| quote!(mut));
    let signs_mut = authorize.is_some().then(|| quote!(mut));
    let bare = crate::ir::naming::bare(&e.fn_ident);
    let prepare = format_ident!("prepare_{}", bare);
    let signed = e
        .scheme
        .and_then(|i| api.scheme(i))
        .is_some_and(|s| s.signature.is_some());
    let what = if signed { "signed request" } else { "request" };
    let checked = if has_request {
        " (checked against the spec)"
    } else {
        ""
    };
    let prepare_doc = markdown_docs(&format!(
        "The {what} [`Client::{bare}`] sends{checked}, without sending it: to log it, or to\nsend it with another HTTP client."
    ));
    let arg = has_request.then(|| quote!(request));
    let build = format_ident!("build_{}", bare);
    let build_param = has_request.then(|| quote!(request: &crate::requests::#req_ty));
    let check_fn = format_ident!("check_{}", bare);
    let build_doc = markdown_docs(&format!(
        "The request [`Client::{bare}`] sends, unchecked and unsigned: the parameters in place."
    ));
    let check_fn = has_request.then(|| {
        let check_doc = markdown_docs(&format!(
            "Checks a request of [`Client::{bare}`] against the spec, without sending it: every\nconstraint the mock checks, with the same checker. Also [`{req}::check`](crate::requests::{req}::check).",
            req = e.request.name
        ));
        quote! {
            #check_doc
            pub fn #check_fn(request: &crate::requests::#req_ty) -> Result<(), payspec_runtime::check::InvalidRequest> {
                match Self::#build(request) {
                    Ok(out) => out.check(&crate::rules::SPEC, &crate::rules::#endpoint_const),
                    // A request that cannot even be written is reported when it is prepared.
                    Err(_) => Ok(()),
                }
            }
        }
    });
    quote! {
        #build_doc
        fn #build(#build_param) -> Result<Outgoing, Error> {
            #bind_path
            let #mutable out = Outgoing::new(#method, #path);
            #(#query)*
            #(#headers)*
            #body
            #set_accept
            Ok(out)
        }

        #check_fn

        #prepare_doc
        pub fn #prepare(&self #param) -> Result<Outgoing, Error> {
            let #signs_mut out = Self::#build(#arg)?;
            #check
            #authorize
            Ok(out)
        }

        #doc
        pub async fn #name(&self #param) -> Result<#ret, Error> {
            let out = self.#prepare(#arg)?;
            #keep_accept
            self.inner.transport.send(out, #decode).await
        }
    }
}

/// The path with `{param}`s filled from the request, percent-encoded: statements binding each
/// parameter to a name, and one `format!` with the names inline.
fn path_expr(api: &Api, e: &Endpoint) -> (TokenStream, TokenStream) {
    let mut fmt = String::new();
    let mut names = Vec::new();
    let mut values = Vec::new();
    let mut rest = e.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        fmt.push_str(&rest[..open].replace('{', "{{").replace('}', "}}"));
        let wire = &rest[open + 1..open + close];
        if let Some(f) = e.request.fields.iter().find(|f| f.wire == wire) {
            let id = ident(&f.ident);
            // A keyword field (`r#type`) cannot be named inside a format string, and `request`
            // and `out` are the method's own names.
            let plain = f.ident.trim_start_matches("r#");
            let name = match syn::parse_str::<syn::Ident>(&f.ident) {
                Ok(id) if !matches!(plain, "request" | "out") => id,
                _ => format_ident!("{plain}_"),
            };
            fmt.push_str(&format!("{{{name}}}"));
            names.push(name);
            let borrow = (!api.is_copy(&f.ty)).then(|| quote!(&));
            values.push(quote!(crate::http::path_segment(#borrow request.#id)));
        }
        rest = &rest[open + close + 1..];
    }
    fmt.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    match names.len() {
        0 => (quote!(), quote!(#fmt.to_string())),
        1 => (quote!(let #(#names)* = #(#values)*;), quote!(format!(#fmt))),
        _ => (
            quote!(let (#(#names),*) = (#(#values),*);),
            quote!(format!(#fmt)),
        ),
    }
}
