//! The mock's behaviour: authenticate like the provider, validate requests from the spec,
//! keep state, answer in the provider's shapes, fire state events and build signed
//! webhooks. Transport-free: the server feeds it requests and sends what it returns.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::str::FromStr;
use std::sync::Mutex;

use rust_decimal::Decimal;

pub use super::auth::NONCE_WINDOW;
use super::auth::{Nonces, Request, authenticate};
use super::tables::*;
use super::value::V;
use crate::signing::{self, Source};

/// Records kept per resource; the oldest are dropped beyond this, so memory stays bounded.
pub const MAX_RECORDS: usize = 20_000;
/// Store size at which the full capacity is reserved.
pub(super) const GROW_AT: usize = 1_024;
/// Journal entries kept.
pub const MAX_JOURNAL: usize = 1_000;
/// What the mock accepts and where it sends webhooks.
#[derive(Clone, Debug)]
pub struct Config {
    /// Credential name → value of the test merchant.
    pub credentials: BTreeMap<String, String>,
    /// Where webhooks go when a record names no URL.
    pub webhook_url: Option<String>,
    /// PKCS#8 PEM key signing RSA webhooks.
    pub rsa_private_key: Option<String>,
    /// The mock's own base URL (for links in responses).
    pub base_url: String,
}

/// An HTTP answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Content type.
    pub content_type: String,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Delay to apply before answering (fault injection), in milliseconds.
    pub delay_ms: u64,
}

impl Reply {
    fn json(status: u16, body: String) -> Reply {
        Reply {
            status,
            content_type: "application/json".into(),
            body: body.into_bytes(),
            delay_ms: 0,
        }
    }
}

/// A webhook ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Webhook name.
    pub webhook: String,
    /// Target URL.
    pub url: String,
    /// Headers, signature included.
    pub headers: Vec<(String, String)>,
    /// Exact body bytes.
    pub body: Vec<u8>,
}

/// A journal line: a request received or a webhook sent.
#[derive(Clone, Debug)]
pub struct Entry {
    /// `request` or `webhook`.
    pub kind: &'static str,
    /// Endpoint or webhook name.
    pub name: String,
    /// Method and path, or target URL.
    pub target: String,
    /// Answer status, or delivery status (0 = not delivered).
    pub status: u16,
    /// Body text (truncated to 4 KiB).
    pub body: String,
    /// Delivery attempts (webhooks).
    pub attempts: u32,
}

/// A fault to inject on the next calls of an endpoint.
#[derive(Clone, Debug, Default)]
pub struct Fault {
    /// Endpoint name; empty = every endpoint.
    pub endpoint: String,
    /// Calls left.
    pub times: u32,
    /// Added latency.
    pub latency_ms: u64,
    /// Answer with this error case.
    pub case: Option<Case>,
    /// Or with this bare status.
    pub status: Option<u16>,
}

#[derive(Default)]
struct Store {
    items: VecDeque<V>,
    /// Id text → position counted from the first record ever stored.
    by_id: HashMap<String, u64>,
    /// Number of records dropped from the front.
    dropped: u64,
    unique: HashSet<(String, String)>,
    next: i64,
}

struct State {
    stores: Vec<Store>,
    nonces: HashMap<String, Nonces>,
    journal: VecDeque<Entry>,
    faults: Vec<Fault>,
    counter: u64,
    webhook_url: Option<String>,
}

/// The mock's state and behaviour for one provider.
pub struct Engine {
    spec: &'static Spec,
    config: Mutex<std::sync::Arc<Config>>,
    state: Mutex<State>,
}

/// Why a request is refused: error case, field, detail.
pub(super) type Failure = (Case, String, String);

pub(super) fn fail(case: Case, field: impl Into<String>, detail: impl Into<String>) -> Failure {
    (case, field.into(), detail.into())
}

impl Engine {
    /// A fresh engine.
    pub fn new(spec: &'static Spec, config: Config) -> Engine {
        let webhook_url = config.webhook_url.clone();
        Engine {
            spec,
            config: Mutex::new(std::sync::Arc::new(config)),
            state: Mutex::new(Self::fresh(spec, webhook_url)),
        }
    }

    /// The provider's tables.
    pub fn spec(&self) -> &'static Spec {
        self.spec
    }

    fn fresh(spec: &'static Spec, webhook_url: Option<String>) -> State {
        State {
            stores: spec.resources.iter().map(seeded).collect(),
            nonces: HashMap::new(),
            journal: VecDeque::new(),
            faults: Vec::new(),
            counter: 0,
            webhook_url,
        }
    }

    /// Forgets the nonces seen, keeping records (to replay examples that share a nonce).
    pub fn forget_nonces(&self) {
        self.lock().nonces.clear();
    }

    /// Forgets every record, nonce, fault and journal entry.
    pub fn reset(&self) {
        let url = self.config().webhook_url.clone();
        *self.lock() = Self::fresh(self.spec, url);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current configuration (shared, cheap to take on every request).
    pub fn config(&self) -> std::sync::Arc<Config> {
        self.config
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn update_config(&self, f: impl FnOnce(&mut Config)) {
        let mut guard = self.config.lock().unwrap_or_else(|p| p.into_inner());
        let mut next = Config::clone(&guard);
        f(&mut next);
        *guard = std::sync::Arc::new(next);
    }

    /// Sets the mock's own base URL.
    pub fn set_base_url(&self, url: String) {
        self.update_config(|c| c.base_url = url);
    }

    /// Sets where webhooks go by default.
    pub fn set_webhook_url(&self, url: Option<String>) {
        let u = url.clone();
        self.update_config(|c| c.webhook_url = u);
        self.lock().webhook_url = url;
    }

    /// Adds a fault.
    pub fn add_fault(&self, f: Fault) {
        self.lock().faults.push(f);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// The journal, oldest first.
    pub fn journal(&self) -> Vec<Entry> {
        self.lock().journal.iter().cloned().collect()
    }

    /// Records a finished webhook delivery.
    pub fn journal_delivery(&self, d: &Delivery, status: u16, attempts: u32) {
        let mut st = self.lock();
        push_journal(
            &mut st,
            Entry {
                kind: "webhook",
                name: d.webhook.clone(),
                target: d.url.clone(),
                status,
                body: truncate(&d.body),
                attempts,
            },
        );
    }

    /// Per resource: (name, records kept, records created since start).
    pub fn stats(&self) -> Vec<(&'static str, usize, u64)> {
        let st = self.lock();
        self.spec
            .resources
            .iter()
            .zip(&st.stores)
            .map(|(r, s)| (r.name, s.items.len(), s.dropped + s.items.len() as u64))
            .collect()
    }

    /// A stored record as JSON, by resource name and id.
    pub fn record(&self, resource: &str, id: &str) -> Option<String> {
        let r = self
            .spec
            .resources
            .iter()
            .position(|x| x.name == resource)?;
        let st = self.lock();
        find_by_id(&st.stores[r], id).map(V::to_json)
    }

    /// Handles one API request.
    pub fn handle(
        &self,
        method: &str,
        path: &str,
        query: &str,
        headers: &dyn Fn(&str) -> Option<String>,
        body: &[u8],
    ) -> (Reply, Vec<Delivery>) {
        let _now = Instant::freeze();
        let found = self.spec.endpoints.iter().enumerate().find_map(|(i, e)| {
            if !e.method.as_str().eq_ignore_ascii_case(method) {
                return None;
            }
            match_path(e.path, path).map(|params| (i, params))
        });
        let Some((ei, params)) = found else {
            let reply = self.error(&fail(
                Case::NotFound,
                "",
                format!("no endpoint {method} {path}"),
            ));
            self.journal_request("-", method, path, reply.status, body);
            return (reply, Vec::new());
        };
        let e = &self.spec.endpoints[ei];
        let (reply, deliveries) = match self.take_fault(e.name) {
            Some(f) if f.case.is_some() || f.status.is_some() => {
                let mut r = match (&f.case, f.status) {
                    (Some(c), _) => self.error(&fail(*c, "", "injected fault")),
                    (None, Some(s)) => Reply::json(s, "{}".into()),
                    _ => Reply::json(500, "{}".into()),
                };
                r.delay_ms = f.latency_ms;
                (r, Vec::new())
            }
            fault => {
                let (mut r, d) = match self.serve(e, &params, query, headers, body) {
                    Ok(ok) => ok,
                    Err(f) => (self.error(&f), Vec::new()),
                };
                r.delay_ms = fault.map(|f| f.latency_ms).unwrap_or(0);
                (r, d)
            }
        };
        self.journal_request(e.name, method, path, reply.status, body);
        (reply, deliveries)
    }

    fn journal_request(&self, name: &str, method: &str, path: &str, status: u16, body: &[u8]) {
        let mut st = self.lock();
        push_journal(
            &mut st,
            Entry {
                kind: "request",
                name: name.into(),
                target: format!("{method} {path}"),
                status,
                body: truncate(body),
                attempts: 0,
            },
        );
    }

    fn take_fault(&self, endpoint: &str) -> Option<Fault> {
        let mut st = self.lock();
        let i = st
            .faults
            .iter()
            .position(|f| (f.endpoint.is_empty() || f.endpoint == endpoint) && f.times > 0)?;
        let f = st.faults[i].clone();
        st.faults[i].times -= 1;
        if st.faults[i].times == 0 {
            st.faults.remove(i);
        }
        Some(f)
    }

    fn serve(
        &self,
        e: &'static Endpoint,
        params: &[(String, String)],
        query: &str,
        headers: &dyn Fn(&str) -> Option<String>,
        body: &[u8],
    ) -> Result<(Reply, Vec<Delivery>), Failure> {
        let config = self.config();
        let query_pairs = crate::http::form_decode(query);
        let mut form: Vec<(String, String)> = Vec::new();
        let mut msg = V::Obj(Vec::new());
        for (k, v) in params.iter().chain(&query_pairs) {
            msg.set(k.clone(), V::Str(v.clone()));
        }
        match e.encoding {
            Encoding::Json if !body.is_empty() => match V::parse(body) {
                Some(V::Obj(members)) => {
                    for (k, v) in members {
                        msg.set(k, v);
                    }
                }
                _ => return Err(fail(Case::Malformed, "", "the body is not a JSON object")),
            },
            Encoding::Form => {
                form = crate::http::form_decode(&String::from_utf8_lossy(body));
                for (k, v) in &form {
                    msg.set(k.clone(), V::Str(v.clone()));
                }
            }
            _ => {}
        }
        for f in e.fields.iter().filter(|f| f.loc == Loc::Header) {
            if let Some(h) = headers(f.wire) {
                msg.set(f.wire, V::Str(h));
            }
        }
        if let Some(id) = e.scheme {
            let scheme = self
                .spec
                .scheme(id)
                .ok_or_else(|| fail(Case::Internal, "", "no such auth scheme"))?;
            let request = Request {
                msg: &msg,
                headers,
                body,
                form: &form,
            };
            authenticate(
                self.spec.credentials,
                scheme,
                &config,
                &request,
                &mut |key, n| {
                    self.lock()
                        .nonces
                        .entry(key.to_string())
                        .or_default()
                        .accept(n)
                },
            )?;
        }
        for f in e.fields {
            check_field(self.spec, f, msg.get(f.wire), f.wire)?;
        }
        if !e.one_of_required.is_empty()
            && !e
                .one_of_required
                .iter()
                .any(|n| field_value(e, &msg, n).is_some())
        {
            return Err(fail(
                Case::MissingField,
                e.one_of_required.join(" or "),
                "give at least one",
            ));
        }
        self.execute(e, &msg, &config)
    }

    fn execute(
        &self,
        e: &'static Endpoint,
        msg: &V,
        config: &Config,
    ) -> Result<(Reply, Vec<Delivery>), Failure> {
        let op = &e.op;
        let mut deliveries = Vec::new();
        let payload: Option<V> = match op.action {
            Action::Create(r) => {
                let rec = self.create(r, e, msg, config)?;
                Some(self.respond_or_render(e, &rec, config))
            }
            Action::Read(r) => {
                let st = self.lock();
                let rec = lookup(&st.stores[r.0], e, msg)?.clone();
                drop(st);
                if let Body::Binary(types) = e.body {
                    return Ok((binary(types, msg, &rec), deliveries));
                }
                Some(self.respond_or_render(e, &rec, config))
            }
            Action::List(r) => {
                let page = op
                    .page
                    .and_then(|p| msg.get(p))
                    .map(V::text)
                    .and_then(|t| t.parse::<usize>().ok())
                    .unwrap_or(1)
                    .max(1);
                let size = op.page_size.max(1);
                let st = self.lock();
                let items: Vec<V> = st.stores[r.0]
                    .items
                    .iter()
                    .rev()
                    .skip((page - 1) * size)
                    .take(size)
                    .cloned()
                    .collect();
                drop(st);
                let kind = match e.body {
                    Body::Json(Kind::Array(k)) => Some(*k),
                    _ => None,
                };
                Some(V::Arr(
                    items
                        .iter()
                        .map(|rec| match kind {
                            Some(k) => render(self.spec, rec, &k),
                            None => rec.clone(),
                        })
                        .collect(),
                ))
            }
            Action::Update(r) => {
                let rec = {
                    let mut st = self.lock();
                    let pos = lookup_pos(&st.stores[r.0], e, msg)?;
                    let fields = record_fields(self.spec, r);
                    let store = &mut st.stores[r.0];
                    let rec = &mut store.items[pos];
                    for (rf, req) in op.store {
                        if let (Some(v), Some(f)) =
                            (msg.path(req), fields.iter().find(|f| f.name == *rf))
                        {
                            rec.set(*rf, coerce(v, &f.kind));
                        }
                    }
                    if let Some(f) = fields.iter().find(|f| f.name == "updated_at") {
                        rec.set("updated_at", now_value(&f.kind));
                    }
                    rec.clone()
                };
                Some(self.respond_or_render(e, &rec, config))
            }
            Action::Fire(r) => {
                let event = op.event.unwrap_or("");
                let event = match event.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
                    Some(field) => msg.get(field).map(V::text).unwrap_or_default(),
                    None => event.to_string(),
                };
                let id = {
                    let st = self.lock();
                    let rec = lookup(&st.stores[r.0], e, msg)?;
                    let id_field = self.spec.resource(r).map_or("", |x| x.id_field);
                    rec.get(id_field).map(V::text).unwrap_or_default()
                };
                let (rec, d) = self
                    .fire(r, &id, &event, None)
                    .map_err(|m| fail(Case::InvalidField, "status", m))?;
                deliveries.extend(d);
                Some(self.respond_or_render(e, &rec, config))
            }
            Action::Totals => Some(self.totals(e, config)),
            Action::Fixed => Some(build(op.respond, &V::Obj(Vec::new()), config, None)),
            Action::None => None,
        };
        let reply = match (e.body, payload) {
            (Body::Empty, _) => Reply {
                status: e.status,
                content_type: "application/json".into(),
                body: Vec::new(),
                delay_ms: 0,
            },
            (_, Some(p)) => Reply::json(e.status, self.wrap(e, p).to_json()),
            (_, None) => Reply::json(e.status, self.wrap(e, V::Obj(Vec::new())).to_json()),
        };
        Ok((reply, deliveries))
    }

    fn wrap(&self, e: &Endpoint, payload: V) -> V {
        match (&self.spec.envelope, e.enveloped) {
            (Some(env), true) => V::Obj(vec![
                (env.status_field.into(), V::Str(env.success.into())),
                (env.message_field.into(), V::Str(String::new())),
                (env.data_field.into(), payload),
            ]),
            _ => payload,
        }
    }

    fn respond_or_render(&self, e: &Endpoint, rec: &V, config: &Config) -> V {
        if !e.op.respond.is_empty() {
            return build(e.op.respond, rec, config, None);
        }
        match e.body {
            Body::Json(k) => render(self.spec, rec, &k),
            _ => rec.clone(),
        }
    }

    fn create(&self, r: ResourceId, e: &Endpoint, msg: &V, config: &Config) -> Result<V, Failure> {
        let res = self
            .spec
            .resource(r)
            .ok_or_else(|| fail(Case::Internal, "", "no such resource"))?;
        let fields = record_fields(self.spec, r);
        let mut st = self.lock();
        st.counter += 1;
        let counter = st.counter;
        let store = &mut st.stores[r.0];
        let id = match res.id_start {
            Some(_) => {
                let n = store.next;
                store.next += 1;
                V::Num(n.to_string())
            }
            None => V::Str(format!(
                "{}{}",
                res.id_prefix,
                hex_id(counter, res.id_digits)
            )),
        };
        let mut rec = V::Obj(Vec::new());
        rec.set(res.id_field, id.clone());
        let kind_of = |name: &str| fields.iter().find(|f| f.name == name).map(|f| f.kind);
        if let Some(states) = &res.states {
            rec.set(states.field, spec_value(states.initial));
        }
        for (f, v) in res.initial {
            let value = fill(&spec_value(v), &rec, config, None, kind_of(f));
            rec.set(*f, value);
        }
        for (rf, req) in e.op.store {
            if let Some(v) = msg.path(req) {
                let v = match kind_of(rf) {
                    Some(k) => coerce(v, &k),
                    None => v.clone(),
                };
                rec.set(*rf, v);
            }
        }
        let id = if res.id_given {
            rec.get(res.id_field).cloned().unwrap_or(id)
        } else {
            id
        };
        for u in res.unique {
            if let Some(v) = rec.get(u)
                && store.unique.contains(&(u.to_string(), v.text()))
            {
                let field =
                    e.op.store
                        .iter()
                        .find(|(rf, _)| rf == u)
                        .map(|(_, q)| *q)
                        .unwrap_or(u);
                return Err(fail(
                    Case::Duplicate,
                    field,
                    format!("{} is already used", v.text()),
                ));
            }
        }
        for u in res.unique {
            if let Some(v) = rec.get(u) {
                store.unique.insert((u.to_string(), v.text()));
            }
        }
        let pos = store.dropped + store.items.len() as u64;
        if store.items.len() == GROW_AT {
            // One early allocation instead of rehashing ever larger tables under load.
            store.items.reserve(MAX_RECORDS + 1 - GROW_AT);
            store.by_id.reserve(MAX_RECORDS + 1 - GROW_AT);
            store
                .unique
                .reserve((MAX_RECORDS + 1 - GROW_AT) * res.unique.len());
        }
        store.by_id.insert(id.text(), pos);
        store.items.push_back(rec.clone());
        if store.items.len() > MAX_RECORDS
            && let Some(old) = store.items.pop_front()
        {
            store.dropped += 1;
            if let Some(i) = old.get(res.id_field) {
                store.by_id.remove(&i.text());
            }
            for u in res.unique {
                if let Some(v) = old.get(u) {
                    store.unique.remove(&(u.to_string(), v.text()));
                }
            }
        }
        Ok(rec)
    }

    /// Applies a state event to a record and builds its webhook. `amount` overrides the
    /// `{amount}` placeholder (a customer paying a different sum).
    pub fn fire(
        &self,
        r: ResourceId,
        id: &str,
        event: &str,
        amount: Option<String>,
    ) -> Result<(V, Vec<Delivery>), String> {
        let _now = Instant::freeze();
        let res = self.spec.resource(r).ok_or("no such resource")?;
        let states = res.states.as_ref().ok_or("this resource has no states")?;
        let ev = states
            .events
            .iter()
            .find(|x| x.name == event)
            .ok_or_else(|| {
                let names: Vec<&str> = states.events.iter().map(|x| x.name).collect();
                format!("unknown event `{event}`; known: {}", names.join(", "))
            })?;
        let config = self.config();
        let fields = record_fields(self.spec, r);
        let mut st = self.lock();
        let default_url = st.webhook_url.clone();
        let store = &mut st.stores[r.0];
        let pos = store
            .by_id
            .get(id)
            .copied()
            .ok_or_else(|| format!("no {} with id {id}", res.name))?;
        let idx = usize::try_from(pos - store.dropped).map_err(|_| "record dropped")?;
        let rec = store.items.get_mut(idx).ok_or("record dropped")?;
        let current = rec.get(states.field).cloned().unwrap_or(V::Null);
        if !ev.from.is_empty()
            && !ev
                .from
                .iter()
                .any(|f| V::from_spec(f).text() == current.text())
        {
            return Err(format!(
                "event `{event}` cannot fire from state {}",
                current.to_json()
            ));
        }
        let amount = amount.map(V::Str);
        rec.set(states.field, V::from_spec(ev.to));
        for (f, v) in ev.set {
            let kind = fields.iter().find(|x| x.name == *f).map(|x| x.kind);
            let value = fill(&spec_value(v), rec, &config, amount.as_ref(), kind);
            rec.set(*f, value);
        }
        let rec = rec.clone();
        drop(st);
        let mut deliveries = Vec::new();
        if let Some(w) = &ev.webhook {
            let url = w
                .url_field
                .and_then(|f| rec.get(f))
                .map(V::text)
                .filter(|u| !u.is_empty())
                .or(default_url);
            if let Some(url) = url {
                deliveries.push(
                    self.webhook(w, &rec, &config, amount.as_ref(), url)
                        .map_err(|e| e.to_string())?,
                );
            }
        }
        Ok((rec, deliveries))
    }

    fn webhook(
        &self,
        w: &WebhookSend,
        rec: &V,
        config: &Config,
        amount: Option<&V>,
        url: String,
    ) -> Result<Delivery, signing::SignError> {
        let hook = self
            .spec
            .webhook(w.webhook)
            .ok_or(signing::SignError::MissingCredential("webhook"))?;
        let payload = build(w.payload, rec, config, amount);
        let scheme = self
            .spec
            .scheme(hook.scheme)
            .ok_or(signing::SignError::MissingCredential("webhook auth scheme"))?;
        let cred = |c: &str| config.credentials.get(c).cloned();
        let mut headers = Vec::new();
        let mut pairs: Vec<(String, String)> = match &payload {
            V::Obj(m) => m
                .iter()
                .filter(|(_, v)| *v != V::Null)
                .map(|(k, v)| (k.to_string(), v.text()))
                .collect(),
            _ => Vec::new(),
        };
        let json = payload.to_json();
        let form = hook.encoding == Encoding::Form;
        let body_of = |pairs: &[(String, String)]| {
            if form {
                crate::http::form_encode(pairs).into_bytes()
            } else {
                json.clone().into_bytes()
            }
        };
        headers.push((
            "Content-Type".to_string(),
            if form {
                "application/x-www-form-urlencoded"
            } else {
                "application/json"
            }
            .to_string(),
        ));
        if let Some(recipe) = scheme.recipe {
            let body = body_of(&pairs);
            let fields = |k: &str| payload.get(k).map(V::text);
            let src = Source {
                body: &body,
                fields: &fields,
                form: &pairs,
            };
            let sig = if recipe.algorithm == signing::Algorithm::RsaSha256 {
                let pem = config
                    .rsa_private_key
                    .clone()
                    .ok_or(signing::SignError::MissingCredential("rsa private key"))?;
                signing::rsa_sign(&pem, &body)?
            } else {
                signing::compute(recipe, &cred, &src)?
            };
            match (recipe.header, recipe.field) {
                (Some(h), _) => headers.push((h.to_string(), signing::header_value(recipe, &sig))),
                (None, Some(f)) => pairs.push((f.to_string(), sig)),
                _ => {}
            }
        }
        if let Some((u, p)) = scheme.basic {
            headers.push((
                "Authorization".into(),
                signing::basic_auth(&cred(u).unwrap_or_default(), &cred(p).unwrap_or_default()),
            ));
        }
        Ok(Delivery {
            webhook: hook.name.into(),
            url,
            headers,
            body: body_of(&pairs),
        })
    }

    fn totals(&self, e: &Endpoint, config: &Config) -> V {
        let mut out = build(e.op.respond, &V::Obj(Vec::new()), config, None);
        let st = self.lock();
        for t in e.op.totals {
            let mut groups: BTreeMap<String, Decimal> = BTreeMap::new();
            let mut order: Vec<String> = Vec::new();
            for (g, v) in t.opening {
                groups.insert(g.to_string(), Decimal::from_str(v).unwrap_or_default());
                order.push(g.to_string());
            }
            for (sums, subtract) in [(t.add, false), (t.subtract, true)] {
                for s in sums {
                    let filters: Vec<(&str, String)> = s
                        .filter
                        .iter()
                        .map(|(k, v)| (*k, V::from_spec(v).text()))
                        .collect();
                    for rec in st
                        .stores
                        .get(s.resource.0)
                        .map(|x| &x.items)
                        .into_iter()
                        .flatten()
                    {
                        if !filters
                            .iter()
                            .all(|(k, v)| rec.get(k).map(V::text).as_deref() == Some(v.as_str()))
                        {
                            continue;
                        }
                        let amount = rec
                            .get(s.field)
                            .map(V::text)
                            .and_then(|x| Decimal::from_str(x.trim()).ok())
                            .unwrap_or_default();
                        let g = t
                            .group_by
                            .and_then(|g| rec.get(g))
                            .map(V::text)
                            .unwrap_or_default();
                        if !groups.contains_key(&g) {
                            order.push(g.clone());
                        }
                        let slot = groups.entry(g).or_default();
                        if subtract {
                            *slot -= amount;
                        } else {
                            *slot += amount;
                        }
                    }
                }
            }
            let kind = response_field_kind(self.spec, e, t.field);
            let value = if t.group_by.is_some() {
                let inner = match kind {
                    Some(Kind::Map(k)) => Some(*k),
                    _ => None,
                };
                V::Obj(
                    order
                        .iter()
                        .map(|g| {
                            (
                                g.clone().into(),
                                number(groups.get(g).copied().unwrap_or_default(), inner),
                            )
                        })
                        .collect(),
                )
            } else {
                number(groups.values().copied().sum(), kind)
            };
            out.set(t.field, value);
        }
        out
    }

    fn error(&self, f: &Failure) -> Reply {
        let (case, field, detail) = f;
        let errors = &self.spec.errors;
        let (status, code, message) = errors
            .cases
            .iter()
            .find(|c| c.case == *case)
            .map(|c| (c.status, c.code.map(str::to_string), c.message.to_string()))
            .unwrap_or_else(|| default_case(*case));
        let message = message
            .replace("{field}", field)
            .replace("{detail}", detail);
        if errors.in_envelope
            && let Some(env) = &self.spec.envelope
        {
            let body = V::Obj(vec![
                (env.status_field.into(), V::Str(env.error.into())),
                (env.message_field.into(), V::Str(message)),
            ]);
            return Reply::json(status, body.to_json());
        }
        let mut body = V::Obj(Vec::new());
        if let Some(p) = errors.code {
            set_path(
                &mut body,
                p,
                V::Str(code.unwrap_or_else(|| case.name().to_string())),
            );
        }
        if let Some(p) = errors.message {
            set_path(&mut body, p, V::Str(message.clone()));
        }
        let is_field_error = matches!(
            case,
            Case::MissingField | Case::InvalidField | Case::Duplicate
        ) && !field.is_empty();
        if is_field_error {
            if let (Some(pp), Some(mp)) = (errors.validation_path, errors.validation_message) {
                set_path(&mut body, pp, V::Str(field.clone()));
                set_path(
                    &mut body,
                    mp,
                    V::Str(if detail.is_empty() {
                        message.clone()
                    } else {
                        detail.clone()
                    }),
                );
            }
            if let Some(p) = errors.field_errors {
                let msg = if detail.is_empty() {
                    message.clone()
                } else {
                    detail.clone()
                };
                set_path(
                    &mut body,
                    p,
                    V::Obj(vec![(field.clone().into(), V::Arr(vec![V::Str(msg)]))]),
                );
            }
        }
        if errors.code.is_none() && errors.message.is_none() {
            body.set("error", V::Str(message));
        }
        Reply::json(status, body.to_json())
    }
}

/// A store holding a resource's seed records.
fn seeded(r: &Resource) -> Store {
    let mut store = Store {
        next: r.id_start.unwrap_or(1),
        ..Store::default()
    };
    for text in r.seed {
        let rec = V::from_spec(text);
        let id = rec.get(r.id_field).map(V::text).unwrap_or_default();
        if let Ok(n) = id.parse::<i64>() {
            store.next = store.next.max(n + 1);
        }
        for u in r.unique {
            if let Some(v) = rec.get(u) {
                store.unique.insert((u.to_string(), v.text()));
            }
        }
        store.by_id.insert(id, store.items.len() as u64);
        store.items.push_back(rec);
    }
    store
}

/// The engine's own answer where the spec declares none.
fn default_case(case: Case) -> (u16, Option<String>, String) {
    let (status, msg) = match case {
        Case::Unauthorized => (401, "unauthorized"),
        Case::NotFound => (404, "not found"),
        Case::Internal => (500, "internal error"),
        Case::MissingField => (400, "{field} is required"),
        Case::InvalidField => (400, "{field} is invalid: {detail}"),
        Case::Duplicate => (400, "{field} is already used"),
        Case::ReplayedNonce | Case::Malformed | Case::InsufficientFunds => {
            (400, "bad request: {detail}")
        }
    };
    (status, None, msg.to_string())
}

fn push_journal(st: &mut State, e: Entry) {
    st.journal.push_back(e);
    while st.journal.len() > MAX_JOURNAL {
        st.journal.pop_front();
    }
}

fn truncate(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    s.into_owned()
}

/// `/products/{id}` against `/products/prd_1` → `[("id", "prd_1")]`.
pub fn match_path(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    if !template.contains('{') {
        return (template.trim_end_matches('/') == path.trim_end_matches('/')).then(Vec::new);
    }
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut params = Vec::new();
    for (a, b) in t.iter().zip(&p) {
        match a.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
            Some(name) => params.push((
                name.to_string(),
                crate::http::form_decode(&format!("x={b}"))
                    .pop()
                    .map(|(_, v)| v)
                    .unwrap_or_default(),
            )),
            None if a == b => {}
            None => return None,
        }
    }
    Some(params)
}

fn field_value<'m>(e: &Endpoint, msg: &'m V, name: &str) -> Option<&'m V> {
    let f = e.fields.iter().find(|f| f.name == name)?;
    msg.get(f.wire).filter(|v| **v != V::Null)
}

/// Fields of a resource's records: its type's and the extra ones.
fn record_fields(spec: &'static Spec, r: ResourceId) -> Vec<&'static Field> {
    let mut v: Vec<&'static Field> = Vec::new();
    if let Some(res) = spec.resource(r) {
        if let Some(t) = spec.type_def(res.type_id) {
            v.extend(t.fields.iter());
        }
        v.extend(res.extra.iter());
    }
    v
}

fn find_by_id<'s>(store: &'s Store, id: &str) -> Option<&'s V> {
    let pos = store.by_id.get(id)?;
    store.items.get(usize::try_from(pos - store.dropped).ok()?)
}

fn lookup_pos(store: &Store, e: &Endpoint, msg: &V) -> Result<usize, Failure> {
    let wanted: Vec<(&str, String)> =
        e.op.lookup
            .iter()
            .filter_map(|(req, rec)| field_value(e, msg, req).map(|v| (*rec, v.text())))
            .collect();
    if wanted.is_empty() {
        let names: Vec<&str> = e.op.lookup.iter().map(|(q, _)| *q).collect();
        return Err(fail(Case::MissingField, names.join(" or "), "give the id"));
    }
    // Any of the given keys identifies the record ("order_id or payment_id").
    store
        .items
        .iter()
        .rposition(|r| {
            wanted
                .iter()
                .any(|(f, v)| r.get(f).map(V::text).as_deref() == Some(v.as_str()))
        })
        .ok_or_else(|| {
            fail(
                Case::NotFound,
                wanted.first().map(|w| w.0).unwrap_or(""),
                "no such record",
            )
        })
}

fn lookup<'s>(store: &'s Store, e: &Endpoint, msg: &V) -> Result<&'s V, Failure> {
    let pos = lookup_pos(store, e, msg)?;
    store
        .items
        .get(pos)
        .ok_or_else(|| fail(Case::NotFound, "", "no such record"))
}

/// A JSON value written in the spec tables, parsed once.
fn spec_value(text: &'static str) -> V {
    static CACHE: std::sync::OnceLock<Mutex<HashMap<&'static str, V>>> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    map.entry(text)
        .or_insert_with(|| V::from_spec(text))
        .clone()
}

/// Resolves placeholders in a spec value against a record.
fn fill(v: &V, rec: &V, config: &Config, amount: Option<&V>, kind: Option<Kind>) -> V {
    match v {
        V::Str(s) => {
            let whole = s
                .strip_prefix('{')
                .and_then(|x| x.strip_suffix('}'))
                .filter(|x| !x.contains('{'));
            if let Some(name) = whole
                && let Some(val) = placeholder(name, rec, config, amount, kind)
            {
                return match kind {
                    Some(k) => coerce(&val, &k),
                    None => val,
                };
            }
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}') else {
                    break;
                };
                out.push_str(&rest[..open]);
                let name = &rest[open + 1..open + close];
                match placeholder(name, rec, config, amount, None) {
                    Some(val) => out.push_str(&val.text()),
                    None => out.push_str(&rest[open..=open + close]),
                }
                rest = &rest[open + close + 1..];
            }
            out.push_str(rest);
            V::Str(out)
        }
        V::Arr(items) => V::Arr(
            items
                .iter()
                .map(|i| fill(i, rec, config, amount, None))
                .collect(),
        ),
        V::Obj(m) => V::Obj(
            m.iter()
                .map(|(k, x)| (k.clone(), fill(x, rec, config, amount, None)))
                .collect(),
        ),
        other => match kind {
            Some(k) => coerce(other, &k),
            None => other.clone(),
        },
    }
}

fn placeholder(
    name: &str,
    rec: &V,
    config: &Config,
    amount: Option<&V>,
    kind: Option<Kind>,
) -> Option<V> {
    Some(match name {
        "now" => now_value(&kind.unwrap_or(Kind::DateTime("rfc3339"))),
        "base_url" => V::Str(config.base_url.clone()),
        "amount" => amount.cloned().or_else(|| rec.get("amount").cloned())?,
        _ => match name.strip_prefix("credential.") {
            Some(c) => V::Str(config.credentials.get(c)?.clone()),
            None => rec.get(name)?.clone(),
        },
    })
}

fn build(
    entries: &[(&'static str, &'static str)],
    rec: &V,
    config: &Config,
    amount: Option<&V>,
) -> V {
    V::Obj(
        entries
            .iter()
            .map(|(k, v)| ((*k).into(), fill(&spec_value(v), rec, config, amount, None)))
            .collect(),
    )
}

fn set_path(target: &mut V, path: &str, value: V) {
    match path.split_once('.') {
        None => target.set(path.to_string(), value),
        Some((head, rest)) => {
            let mut inner = target.get(head).cloned().unwrap_or(V::Obj(Vec::new()));
            set_path(&mut inner, rest, value);
            target.set(head.to_string(), inner);
        }
    }
}

thread_local! {
    static FROZEN_NOW: std::cell::Cell<Option<time::OffsetDateTime>> = const { std::cell::Cell::new(None) };
}

/// One instant per request: every `{now}` of one request or event (a record's `created_at`
/// and `updated_at`, say) is the same time. The engine's handlers are synchronous, so the
/// instant lives in a thread-local for the guard's lifetime.
struct Instant;

impl Instant {
    fn freeze() -> Instant {
        FROZEN_NOW.with(|c| c.set(Some(time::OffsetDateTime::now_utc())));
        Instant
    }
}

impl Drop for Instant {
    fn drop(&mut self) {
        FROZEN_NOW.with(|c| c.set(None));
    }
}

fn now_value(kind: &Kind) -> V {
    let now = FROZEN_NOW
        .with(|c| c.get())
        .unwrap_or_else(time::OffsetDateTime::now_utc);
    let text = match kind {
        Kind::Date(f) | Kind::DateTime(f) if *f != "rfc3339" => format_items(f)
            .and_then(|items| now.format(&items).ok())
            .unwrap_or_default(),
        _ => now
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    };
    V::Str(text)
}

/// Converts a value to the wire form of `kind` (numbers as strings or numbers, etc.).
fn coerce(v: &V, kind: &Kind) -> V {
    match (kind, v) {
        (Kind::Integer(w) | Kind::Decimal(w), V::Num(t) | V::Str(t)) => match w {
            Wire::String | Wire::StringOrNumber => V::Str(t.clone()),
            Wire::Number | Wire::NumberOrString => {
                if Decimal::from_str(t.trim()).is_ok() || Decimal::from_scientific(t.trim()).is_ok()
                {
                    V::Num(t.trim().to_string())
                } else {
                    V::Str(t.clone())
                }
            }
        },
        (Kind::String | Kind::Date(_) | Kind::DateTime(_), V::Num(t)) => V::Str(t.clone()),
        (Kind::Bool, V::Str(t)) => V::Bool(t == "true" || t == "1"),
        (Kind::Named(_), V::Str(t)) if t.parse::<i64>().is_ok() => V::Num(t.clone()),
        _ => v.clone(),
    }
}

/// A decimal sum in the wire form of `kind`.
fn number(d: Decimal, kind: Option<Kind>) -> V {
    let text = d.to_string();
    match kind {
        Some(Kind::Decimal(Wire::String | Wire::StringOrNumber))
        | Some(Kind::Integer(Wire::String | Wire::StringOrNumber)) => V::Str(text),
        _ => V::Num(text),
    }
}

fn response_field_kind(spec: &Spec, e: &Endpoint, field: &str) -> Option<Kind> {
    let Body::Json(Kind::Named(t)) = e.body else {
        return None;
    };
    spec.type_def(t)?
        .fields
        .iter()
        .find(|f| f.name == field)
        .map(|f| f.kind)
}

/// Renders a record as a response type: wire names, wire forms, documented fields only.
pub fn render(spec: &Spec, rec: &V, kind: &Kind) -> V {
    match kind {
        Kind::Named(t) => {
            let Some(def) = spec.type_def(*t) else {
                return rec.clone();
            };
            if def.fields.is_empty() {
                return rec.clone();
            }
            V::Obj(
                def.fields
                    .iter()
                    .filter_map(|f| {
                        let v = rec.get(f.name).or_else(|| rec.get(f.wire));
                        match v {
                            Some(v) => {
                                Some((f.wire.into(), render(spec, &coerce(v, &f.kind), &f.kind)))
                            }
                            None if f.optional => None,
                            None if f.nullable => Some((f.wire.into(), V::Null)),
                            None => Some((f.wire.into(), zero(spec, &f.kind))),
                        }
                    })
                    .collect(),
            )
        }
        Kind::Array(k) => match rec {
            V::Arr(items) => V::Arr(items.iter().map(|i| render(spec, i, k)).collect()),
            other => other.clone(),
        },
        _ => rec.clone(),
    }
}

fn zero(spec: &Spec, kind: &Kind) -> V {
    match kind {
        Kind::Integer(Wire::String | Wire::StringOrNumber)
        | Kind::Decimal(Wire::String | Wire::StringOrNumber) => V::Str("0".into()),
        Kind::Integer(_) | Kind::Decimal(_) => V::Num("0".into()),
        Kind::Bool => V::Bool(false),
        Kind::Array(_) => V::Arr(Vec::new()),
        Kind::Map(_) | Kind::Any => V::Obj(Vec::new()),
        Kind::Named(t) => match spec.type_def(*t) {
            Some(d) if d.integer => V::Num(d.values.first().copied().unwrap_or("0").into()),
            Some(d) if !d.values.is_empty() => V::Str(d.values[0].into()),
            _ => V::Obj(Vec::new()),
        },
        Kind::Date(_) | Kind::DateTime(_) => now_value(kind),
        Kind::String | Kind::StringOrNumber => V::Str(String::new()),
    }
}

fn binary(types: &[&str], msg: &V, rec: &V) -> Reply {
    let want = msg.get("format").map(V::text).unwrap_or_default();
    let ct = types
        .iter()
        .find(|t| !want.is_empty() && t.ends_with(want.as_str()))
        .or(types.first())
        .copied()
        .unwrap_or("application/octet-stream");
    let id = rec.text();
    let body = if ct.contains("jpeg") {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
        b.extend_from_slice(format!("mock receipt {id}").as_bytes());
        b.extend_from_slice(&[0xFF, 0xD9]);
        b
    } else {
        format!("%PDF-1.4\n% mock receipt\n{id}\n%%EOF\n").into_bytes()
    };
    Reply {
        status: 200,
        content_type: ct.to_string(),
        body,
        delay_ms: 0,
    }
}

fn hex_id(counter: u64, digits: u32) -> String {
    // splitmix64 of the counter: unique per counter, looks random.
    let mut z = counter.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let s = format!("{z:016x}{:016x}", counter);
    s.chars().take(digits.clamp(1, 32) as usize).collect()
}

/// Checks one request field: presence, type, enum, limits.
fn check_field(spec: &Spec, f: &Field, v: Option<&V>, path: &str) -> Result<(), Failure> {
    let v = match v {
        None if f.optional => return Ok(()),
        None => return Err(fail(Case::MissingField, path, "required")),
        Some(V::Null) if f.nullable || f.optional => return Ok(()),
        Some(V::Null) => return Err(fail(Case::InvalidField, path, "must not be null")),
        Some(v) => v,
    };
    check_kind(spec, &f.kind, v, path)?;
    if let V::Str(s) = v {
        let len = s.chars().count() as u32;
        if f.min_length.is_some_and(|m| len < m) || f.max_length.is_some_and(|m| len > m) {
            return Err(fail(
                Case::InvalidField,
                path,
                format!(
                    "length must be between {} and {}",
                    f.min_length.unwrap_or(0),
                    f.max_length
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| "any".into())
                ),
            ));
        }
        if let Some(p) = f.pattern
            && !super::pattern::full_match(p, s)
        {
            return Err(fail(Case::InvalidField, path, format!("must match {p}")));
        }
    }
    if (f.minimum.is_some() || f.maximum.is_some())
        && let Ok(n) = v.text().trim().parse::<i64>()
        && (f.minimum.is_some_and(|m| n < m) || f.maximum.is_some_and(|m| n > m))
    {
        return Err(fail(Case::InvalidField, path, "out of range"));
    }
    Ok(())
}

fn check_kind(spec: &Spec, kind: &Kind, v: &V, path: &str) -> Result<(), Failure> {
    let bad = |what: &str| Err(fail(Case::InvalidField, path, format!("must be {what}")));
    match (kind, v) {
        (Kind::Any, _) => Ok(()),
        (Kind::String, V::Str(_)) | (Kind::StringOrNumber, V::Str(_) | V::Num(_)) => Ok(()),
        (Kind::String, _) => bad("a string"),
        (Kind::Bool, V::Bool(_)) => Ok(()),
        (Kind::Bool, V::Str(s)) if matches!(s.as_str(), "true" | "false" | "1" | "0") => Ok(()),
        (Kind::Integer(_), V::Num(t) | V::Str(t)) if t.trim().parse::<i64>().is_ok() => Ok(()),
        (Kind::Integer(_), _) => bad("a whole number"),
        (Kind::Decimal(_), V::Num(t) | V::Str(t))
            if Decimal::from_str(t.trim()).is_ok()
                || Decimal::from_scientific(t.trim()).is_ok() =>
        {
            Ok(())
        }
        (Kind::Decimal(_), _) => bad("a decimal number"),
        (Kind::Date(f) | Kind::DateTime(f), V::Str(s)) => {
            if date_ok(matches!(kind, Kind::Date(_)), f, s) {
                Ok(())
            } else {
                bad(&format!("a date in the format {f}"))
            }
        }
        (Kind::Array(k), V::Arr(items)) => {
            for (i, it) in items.iter().enumerate() {
                check_kind(spec, k, it, &format!("{path}.{i}"))?;
            }
            Ok(())
        }
        (Kind::Map(k), V::Obj(m)) => {
            for (key, it) in m {
                check_kind(spec, k, it, &format!("{path}.{key}"))?;
            }
            Ok(())
        }
        (Kind::Named(t), v) => {
            let Some(def) = spec.type_def(*t) else {
                return Ok(());
            };
            if !def.values.is_empty() {
                let text = v.text();
                return if def.values.contains(&text.as_str()) {
                    Ok(())
                } else {
                    bad(&format!("one of {}", def.values.join(", ")))
                };
            }
            let V::Obj(_) = v else {
                return bad("an object");
            };
            for f in def.fields {
                check_field(spec, f, v.get(f.wire), &format!("{path}.{}", f.wire))?;
            }
            Ok(())
        }
        _ => bad("of another type"),
    }
}

type Items = Option<std::sync::Arc<time::format_description::OwnedFormatItem>>;

/// A parsed `time` format description, cached per format string.
fn format_items(fmt: &'static str) -> Items {
    static CACHE: std::sync::OnceLock<Mutex<HashMap<&'static str, Items>>> =
        std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    map.entry(fmt)
        .or_insert_with(|| {
            time::format_description::parse_owned::<2>(fmt)
                .ok()
                .map(std::sync::Arc::new)
        })
        .clone()
}

fn date_ok(date_only: bool, fmt: &'static str, s: &str) -> bool {
    use time::format_description::well_known::Rfc3339;
    if fmt == "rfc3339" {
        return if date_only {
            time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).is_ok()
        } else {
            time::OffsetDateTime::parse(s, &Rfc3339).is_ok()
        };
    }
    let Some(items) = format_items(fmt) else {
        return true;
    };
    if date_only {
        time::Date::parse(s, &items).is_ok()
    } else {
        time::PrimitiveDateTime::parse(s, &items).is_ok()
            || time::OffsetDateTime::parse(s, &items).is_ok()
    }
}
