//! The mock's behaviour: authenticate like the provider, validate requests from the spec,
//! keep state, answer in the provider's shapes, fire state events and build signed
//! webhooks. Transport-free: the server feeds it requests and sends what it returns.

mod actions;
mod prepared;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

pub use super::auth::NONCE_WINDOW;
use super::auth::{Nonces, Request, authenticate};
pub use super::limits::Limits;
pub use super::persist::StoreAt;
use super::persist::{Loaded, Op, Persist};
pub use super::render::render;
use super::store::{Change, Store, find_by_id, seeded};
use super::tables::*;
use super::template::{Instant, set_path};
use super::value::{JsonError, V};
use crate::check;

/// Records kept per resource by default; see [`Limits::records`].
pub const MAX_RECORDS: usize = Limits::DEFAULT.records;
/// Store size at which the full capacity is reserved.
pub(super) const GROW_AT: usize = 1_024;
/// Journal entries kept by default; see [`Limits::journal`].
pub const MAX_JOURNAL: usize = Limits::DEFAULT.journal;

/// What the mock accepts and where it sends webhooks. `Debug` shows credential names and
/// whether a signing key is set, never their values.
#[derive(Clone)]
pub struct Config {
    /// Credential name → value of the test merchant.
    pub credentials: BTreeMap<String, String>,
    /// Where webhooks go when a record names no URL.
    pub webhook_url: Option<String>,
    /// PKCS#8 PEM key signing RSA webhooks.
    pub rsa_private_key: Option<String>,
    /// The mock's own base URL (for links in responses).
    pub base_url: String,
    /// What the mock reads of a request, how long it waits, how much it keeps.
    pub limits: Limits,
    /// Where the state is kept: memory (the default) or a SQLite database, opened by
    /// [`Engine::open`].
    pub store: StoreAt,
}

impl Default for Config {
    /// No credentials, no webhook URL, no RSA key, the default limits.
    fn default() -> Self {
        Config {
            credentials: BTreeMap::new(),
            webhook_url: None,
            rsa_private_key: None,
            base_url: String::new(),
            limits: Limits::DEFAULT,
            store: StoreAt::Memory,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("credentials", &self.credentials.keys().collect::<Vec<_>>())
            .field("webhook_url", &self.webhook_url)
            .field(
                "rsa_private_key",
                &self.rsa_private_key.as_ref().map(|_| "(set)"),
            )
            .field("base_url", &self.base_url)
            .field("limits", &self.limits)
            .field("store", &self.store)
            .finish()
    }
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
    /// The `Allow` header of a 405: the methods the path takes.
    pub allow: Option<String>,
}

impl Reply {
    fn json(status: u16, body: String) -> Reply {
        Reply {
            status,
            content_type: "application/json".into(),
            body: body.into_bytes(),
            delay_ms: 0,
            allow: None,
        }
    }
}

/// A webhook ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Webhook name.
    pub webhook: String,
    /// HTTP method it is sent with.
    pub method: crate::tables::Method,
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
    /// When the request arrived, or the delivery began.
    pub at: std::time::SystemTime,
    /// How long the answer took: the mock's work and an injected delay (requests), or every
    /// attempt and pause of a delivery (webhooks).
    pub latency: Duration,
    /// The answer's body (truncated to 4 KiB): the mock's to a request, the merchant's to
    /// a webhook's last attempt (or why none came).
    pub response: String,
    /// Each delivery attempt's status, oldest first (0 = no answer); empty for requests.
    pub statuses: Vec<u16>,
}

/// What one resource's store holds, for `/__mock/health`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceStats {
    /// Resource name.
    pub name: &'static str,
    /// Records kept now.
    pub kept: usize,
    /// Records stored since the start (seeds included).
    pub created: u64,
    /// Records dropped because a limit (records or bytes kept) was reached.
    pub dropped: u64,
    /// Estimated bytes the kept records take.
    pub bytes: usize,
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

struct State {
    stores: Vec<Store>,
    nonces: HashMap<String, Nonces>,
    journal: VecDeque<Entry>,
    faults: Vec<Fault>,
    counter: u64,
    /// The counter as last handed to the persistent store.
    saved_counter: u64,
    webhook_url: Option<String>,
}

/// The mock's state and behaviour for one provider.
pub struct Engine {
    spec: &'static Spec,
    config: Mutex<std::sync::Arc<Config>>,
    state: Mutex<State>,
    /// The persistent store changes are written to, if one is open.
    persist: Option<Persist>,
    /// The spec's tables, worked out for requests.
    prepared: prepared::Prepared,
}

/// Why a request is refused: error case, field, detail.
pub(super) type Failure = (Case, String, String);

pub(super) fn fail(case: Case, field: impl Into<String>, detail: impl Into<String>) -> Failure {
    (case, field.into(), detail.into())
}

impl Engine {
    /// A fresh engine keeping its state in memory, whatever `config.store` says; see
    /// [`Engine::open`].
    pub fn new(spec: &'static Spec, config: Config) -> Engine {
        let webhook_url = config.webhook_url.clone();
        Engine {
            spec,
            config: Mutex::new(std::sync::Arc::new(config)),
            state: Mutex::new(Self::fresh(spec, webhook_url)),
            persist: None,
            prepared: prepared::Prepared::new(spec),
        }
    }

    /// An engine keeping its state where `config.store` says: in memory, or in a SQLite
    /// database, which is read back (with the limits applied) when it exists. `Err` says why
    /// the database cannot be used.
    pub fn open(spec: &'static Spec, config: Config) -> Result<Engine, String> {
        let StoreAt::Sqlite(path) = &config.store else {
            return Ok(Engine::new(spec, config));
        };
        let names: Vec<&'static str> = spec.resources.iter().map(|r| r.name).collect();
        let (persist, loaded) = Persist::open(path, spec.provider, &names, config.limits.journal)?;
        let limits = config.limits;
        let mut state = match loaded {
            Some(loaded) => Self::restored(spec, config.webhook_url.clone(), loaded),
            None => {
                let mut st = Self::fresh(spec, config.webhook_url.clone());
                st.stores.iter_mut().for_each(Store::track_all);
                st
            }
        };
        let engine = Engine {
            spec,
            config: Mutex::new(std::sync::Arc::new(config)),
            state: Mutex::new(State {
                stores: Vec::new(),
                nonces: HashMap::new(),
                journal: VecDeque::new(),
                faults: Vec::new(),
                counter: 0,
                saved_counter: 0,
                webhook_url: None,
            }),
            persist: Some(persist),
            prepared: prepared::Prepared::new(spec),
        };
        // Caps lowered since the database was written apply now, and are counted.
        for (res, store) in spec.resources.iter().zip(&mut state.stores) {
            while store.items.len() > limits.records && store.drop_oldest(res) {}
        }
        engine.keep_within_bytes(&mut state, ResourceId(usize::MAX), limits.record_bytes);
        engine.flush(&mut state);
        *engine.lock() = state;
        Ok(engine)
    }

    /// The state read back from a persistent store.
    fn restored(spec: &'static Spec, webhook_url: Option<String>, loaded: Loaded) -> State {
        let stores = spec
            .resources
            .iter()
            .zip(loaded.stores)
            .map(|(res, kept)| match kept {
                Some((next, dropped, records)) => Store::restored(res, next, dropped, records),
                None => {
                    let mut s = seeded(res);
                    s.track_all();
                    s
                }
            })
            .collect();
        let mut nonces: HashMap<String, Nonces> = HashMap::new();
        for (merchant, n) in loaded.nonces {
            // In the order they were accepted: the window comes out as it was.
            let _ = nonces.entry(merchant).or_default().accept(n);
        }
        State {
            stores,
            nonces,
            journal: loaded.journal,
            faults: Vec::new(),
            counter: loaded.counter,
            saved_counter: loaded.counter,
            webhook_url,
        }
    }

    /// Hands the changes noted in `st` to the persistent store, if one is open. Called with
    /// the state locked, after each change.
    fn flush(&self, st: &mut State) {
        let Some(p) = &self.persist else {
            return;
        };
        for (res, store) in self.spec.resources.iter().zip(&mut st.stores) {
            if store.changes.is_empty() {
                continue;
            }
            for change in std::mem::take(&mut store.changes) {
                match change {
                    Change::Put(pos) => {
                        if let Some(record) = store.at(pos) {
                            p.send(Op::Put {
                                resource: res.name,
                                pos,
                                record: record.clone(),
                            });
                        }
                    }
                    Change::Drop(pos) => p.send(Op::Drop {
                        resource: res.name,
                        pos,
                    }),
                }
            }
            p.send(Op::Counters {
                resource: res.name,
                next: store.next,
                dropped: store.dropped,
            });
        }
        if st.counter != st.saved_counter {
            p.send(Op::Counter(st.counter));
            st.saved_counter = st.counter;
        }
    }

    /// Waits until every change made so far is written to the persistent store (at once
    /// when there is none). `Err` says why the store cannot be written.
    pub async fn settled(&self) -> Result<(), String> {
        match &self.persist {
            Some(p) => p.settled().await,
            None => Ok(()),
        }
    }

    /// Where the state is kept, and why the persistent store stopped if it did.
    pub fn store_status(&self) -> (String, Option<String>) {
        match &self.persist {
            Some(p) => (
                StoreAt::Sqlite(p.path().to_path_buf()).to_string(),
                p.failure(),
            ),
            None => (StoreAt::Memory.to_string(), None),
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
            saved_counter: 0,
            webhook_url,
        }
    }

    /// Forgets the nonces seen, keeping records (to replay examples that share a nonce).
    pub fn forget_nonces(&self) {
        let mut st = self.lock();
        st.nonces.clear();
        if let Some(p) = &self.persist {
            p.send(Op::ForgetNonces);
        }
    }

    /// Forgets every record, nonce, fault and journal entry.
    pub fn reset(&self) {
        let url = self.config().webhook_url.clone();
        let mut st = self.lock();
        *st = Self::fresh(self.spec, url);
        if let Some(p) = &self.persist {
            p.send(Op::Reset);
            st.stores.iter_mut().for_each(Store::track_all);
            self.flush(&mut st);
        }
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

    /// The faults waiting for calls, in the order they are taken.
    pub fn faults(&self) -> Vec<Fault> {
        self.lock().faults.clone()
    }

    /// Removes the fault at `index` (of [`Engine::faults`]); `None` when there is none.
    pub fn remove_fault(&self, index: usize) -> Option<Fault> {
        let mut st = self.lock();
        (index < st.faults.len()).then(|| st.faults.remove(index))
    }

    /// The journal, oldest first.
    pub fn journal(&self) -> Vec<Entry> {
        self.lock().journal.iter().cloned().collect()
    }

    /// Records a finished webhook delivery whose attempts and answer were not kept.
    pub fn journal_delivery(&self, d: &Delivery, status: u16, attempts: u32) {
        let keep = self.config().limits.journal;
        let mut entry = self.delivery_entry(d, &[], b"", Duration::ZERO);
        (entry.status, entry.attempts) = (status, attempts);
        self.push_journal(&mut self.lock(), entry, keep);
    }

    /// Records a finished webhook delivery: each attempt's status (oldest first), the body of
    /// the last answer (or why none came), and the time all attempts took.
    pub fn journal_webhook(
        &self,
        d: &Delivery,
        statuses: &[u16],
        response: &[u8],
        latency: Duration,
    ) {
        let keep = self.config().limits.journal;
        let entry = self.delivery_entry(d, statuses, response, latency);
        self.push_journal(&mut self.lock(), entry, keep);
    }

    fn delivery_entry(
        &self,
        d: &Delivery,
        statuses: &[u16],
        response: &[u8],
        latency: Duration,
    ) -> Entry {
        Entry {
            kind: "webhook",
            name: d.webhook.clone(),
            target: d.url.clone(),
            status: statuses.last().copied().unwrap_or(0),
            body: truncate(&d.body).into_owned(),
            attempts: u32::try_from(statuses.len()).unwrap_or(u32::MAX),
            at: SystemTime::now()
                .checked_sub(latency)
                .unwrap_or(SystemTime::UNIX_EPOCH),
            latency,
            response: truncate(response).into_owned(),
            statuses: statuses.to_vec(),
        }
    }

    /// Per resource: (name, records kept, records created since start).
    pub fn stats(&self) -> Vec<(&'static str, usize, u64)> {
        self.resource_stats()
            .into_iter()
            .map(|s| (s.name, s.kept, s.created))
            .collect()
    }

    /// Per resource: records kept, created and dropped by a limit, and the bytes they take.
    pub fn resource_stats(&self) -> Vec<ResourceStats> {
        let st = self.lock();
        self.spec
            .resources
            .iter()
            .zip(&st.stores)
            .map(|(r, s)| ResourceStats {
                name: r.name,
                kept: s.items.len(),
                created: s.dropped + s.items.len() as u64,
                dropped: s.dropped,
                bytes: s.bytes,
            })
            .collect()
    }

    /// A resource's newest records (at most `limit`), newest first; `None` for an unknown
    /// resource.
    pub fn records(&self, resource: &str, limit: usize) -> Option<Vec<V>> {
        let r = self
            .spec
            .resources
            .iter()
            .position(|x| x.name == resource)?;
        let st = self.lock();
        Some(
            st.stores[r]
                .items
                .iter()
                .rev()
                .take(limit)
                .cloned()
                .collect(),
        )
    }

    /// A stored record as JSON, by resource name and id.
    pub fn record(&self, resource: &str, id: &str) -> Option<String> {
        let r = self
            .spec
            .resources
            .iter()
            .position(|x| x.name == resource)?;
        let res = self.spec.resources.get(r)?;
        let st = self.lock();
        find_by_id(&st.stores[r], res, id).map(V::to_json)
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
        let started = (SystemTime::now(), std::time::Instant::now());
        let relative = self.spec.relative(path);
        let found = relative.and_then(|rel| {
            self.spec.endpoints.iter().enumerate().find_map(|(i, e)| {
                if !e.method.as_str().eq_ignore_ascii_case(method) {
                    return None;
                }
                match_path(e.path, rel).map(|params| (i, params))
            })
        });
        let Some((ei, params)) = found else {
            let reply = self.route_error(method, path, relative);
            self.journal_request("-", (method, path), &reply, body, started);
            return (reply, Vec::new());
        };
        let e = &self.spec.endpoints[ei];
        if let Some(why) = refused_media_type(e.encoding, headers("content-type"), body) {
            let reply = self.refuse(415, why);
            self.journal_request(e.name, (method, path), &reply, body, started);
            return (reply, Vec::new());
        }
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
        self.journal_request(e.name, (method, path), &reply, body, started);
        (reply, deliveries)
    }

    /// Journals a request with its answer; `started` is when it arrived (wall clock, and
    /// monotonic for the latency, which counts the answer's injected delay).
    fn journal_request(
        &self,
        name: &str,
        (method, path): (&str, &str),
        reply: &Reply,
        body: &[u8],
        started: (SystemTime, std::time::Instant),
    ) {
        let keep = self.config().limits.journal;
        let mut st = self.lock();
        // A full journal hands its oldest entry's strings to the new one: no allocation.
        let oldest = if st.journal.len() >= keep.max(1) {
            st.journal.pop_front()
        } else {
            None
        };
        let mut e = oldest.unwrap_or_else(|| Entry {
            kind: "request",
            name: String::new(),
            target: String::new(),
            status: 0,
            body: String::new(),
            attempts: 0,
            at: started.0,
            latency: Duration::ZERO,
            response: String::new(),
            statuses: Vec::new(),
        });
        e.kind = "request";
        e.status = reply.status;
        e.attempts = 0;
        e.at = started.0;
        e.latency = started.1.elapsed() + Duration::from_millis(reply.delay_ms);
        e.statuses.clear();
        e.name.clear();
        e.name.push_str(name);
        e.target.clear();
        e.target.extend([method, " ", path]);
        e.body.clear();
        e.body.push_str(&truncate(body));
        e.response.clear();
        e.response.push_str(&truncate(&reply.body));
        self.push_journal(&mut st, e, keep);
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
        let mut msg = Message::default();
        for (k, v) in params {
            msg.put(k.clone().into(), V::Str(v.clone()));
        }
        // The query carries the request's fields only where the endpoint puts them there (and
        // a query token): for a body-encoded endpoint an undeclared query parameter is
        // ignored, so nothing outside the signed body can stand in for a field of it.
        let token_param = e
            .scheme
            .and_then(|id| self.spec.scheme(id))
            .and_then(|s| s.token.as_ref())
            .and_then(|t| t.query);
        for (k, v) in &query_pairs {
            let declared = e.encoding == Encoding::Query
                || token_param == Some(k.as_str())
                || e.fields.iter().any(|f| f.loc == Loc::Query && f.wire == k);
            if declared {
                msg.put(k.clone().into(), V::Str(v.clone()));
            }
        }
        let limits = config.limits;
        match e.encoding {
            Encoding::Json if !body.is_empty() => {
                let known = |name: &str| e.fields.iter().find(|f| f.wire == name).map(|f| f.wire);
                match V::read_known(body, limits.object_members, limits.depth, &known) {
                    Ok(V::Obj(members)) => {
                        for (k, v) in members {
                            msg.put(k, v);
                        }
                    }
                    Ok(_) | Err(JsonError::Syntax) => {
                        return Err(fail(Case::Malformed, "", "the body is not a JSON object"));
                    }
                    Err(limit) => return Err(fail(Case::Malformed, "", limit.to_string())),
                }
            }
            Encoding::Form => {
                form = crate::http::form_decode(&String::from_utf8_lossy(body));
                if form.len() > limits.object_members {
                    let n = limits.object_members;
                    return Err(fail(
                        Case::Malformed,
                        "",
                        format!("more than {n} form fields"),
                    ));
                }
                for (k, v) in &form {
                    msg.put(k.clone().into(), V::Str(v.clone()));
                }
            }
            _ => {}
        }
        for f in e.fields.iter().filter(|f| f.loc == Loc::Header) {
            if let Some(h) = headers(f.wire) {
                msg.put(f.wire.into(), V::Str(h));
            }
        }
        let mut msg = msg.into_value();
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
                    let mut st = self.lock();
                    let accepted = st.nonces.entry(key.to_string()).or_default().accept(n);
                    if let (Ok(()), Some(p)) = (&accepted, &self.persist) {
                        p.send(Op::Nonce {
                            merchant: key.to_string(),
                            nonce: n,
                        });
                    }
                    accepted
                },
            )?;
        }
        // The checker the client runs before it signs: the same field, the same reason.
        check::request(self.spec, e, &msg, limits.string_chars).map_err(|v| {
            let case = if v.reason.is_missing() {
                Case::MissingField
            } else {
                Case::InvalidField
            };
            fail(case, v.field, v.reason.to_string())
        })?;
        check::use_wire_names(e.fields, &mut msg);
        check::drop_null_optionals(self.spec, e.fields, &mut msg);
        self.execute(e, &msg, &config)
    }

    /// The answer to a body that could not be read (`status` 413: larger than `limit` bytes),
    /// in the provider's error shape.
    pub fn refuse_body(&self, status: u16, limit: usize) -> Reply {
        let detail = match status {
            413 => format!("the body is larger than {limit} bytes"),
            408 => "the body did not arrive in time".to_string(),
            _ => "the body could not be read".to_string(),
        };
        self.refuse(status, detail)
    }

    /// The answer to a request no endpoint takes: 405 (with the methods the path takes) when
    /// the path is an endpoint's, else 404; in the provider's error shape, never a 2xx.
    fn route_error(&self, method: &str, path: &str, relative: Option<&str>) -> Reply {
        let allowed: Vec<&str> = relative
            .map(|rel| {
                self.spec
                    .endpoints
                    .iter()
                    .filter(|e| match_path(e.path, rel).is_some())
                    .map(|e| e.method.as_str())
                    .collect()
            })
            .unwrap_or_default();
        let (status, message) = if allowed.is_empty() {
            (404, format!("no endpoint {method} {path}"))
        } else {
            (
                405,
                format!(
                    "{method} is not allowed on {path}; use {}",
                    allowed.join(", ")
                ),
            )
        };
        let mut reply = self.plain_error(status, &message);
        if status == 405 {
            reply.allow = Some(allowed.join(", "));
        }
        reply
    }

    /// An error in the provider's shape with this status and message: the envelope's error
    /// outcome, or the code and message at their paths, or `{"error": message}`.
    fn plain_error(&self, status: u16, message: &str) -> Reply {
        let code = if status == 405 {
            "method_not_allowed"
        } else {
            "not_found"
        };
        let body = match self.error_body(code, message) {
            Ok(body) => self.error_fallback(body, message),
            Err(enveloped) => enveloped,
        };
        Reply::json(status, body.to_json())
    }

    /// The start of an error body: `Err` with the whole body when errors come as the
    /// envelope's error outcome, else `Ok` with the code and message at their paths.
    fn error_body(&self, code: &str, message: &str) -> Result<V, V> {
        let errors = &self.spec.errors;
        if errors.in_envelope
            && let Some(env) = &self.spec.envelope
        {
            return Err(V::Obj(vec![
                (env.status_field.into(), V::Str(env.error.into())),
                (env.message_field.into(), V::Str(message.into())),
            ]));
        }
        let mut body = V::Obj(Vec::new());
        if let Some(p) = errors.code {
            set_path(&mut body, p, V::Str(code.into()));
        }
        if let Some(p) = errors.message {
            set_path(&mut body, p, V::Str(message.into()));
        }
        Ok(body)
    }

    /// The error body's last member where the spec places neither code nor message:
    /// `"error": message`.
    fn error_fallback(&self, mut body: V, message: &str) -> V {
        let errors = &self.spec.errors;
        if errors.code.is_none() && errors.message.is_none() {
            body.set("error", V::Str(message.into()));
        }
        body
    }

    /// A malformed-request answer in the provider's error shape, with its own status.
    fn refuse(&self, status: u16, detail: impl Into<String>) -> Reply {
        let mut reply = self.error(&fail(Case::Malformed, "", detail));
        reply.status = status;
        reply
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
        let code = code.unwrap_or_else(|| case.name().to_string());
        let mut body = match self.error_body(&code, &message) {
            Ok(body) => body,
            Err(enveloped) => return Reply::json(status, enveloped.to_json()),
        };
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
        Reply::json(status, self.error_fallback(body, &message).to_json())
    }
}

/// Why a body's declared media type does not fit the endpoint's encoding, if it does not:
/// a JSON endpoint reads `application/json` (or `…+json`), a form endpoint
/// `application/x-www-form-urlencoded`. A body without a Content-Type is read as the
/// endpoint's encoding, as the providers' own servers do.
fn refused_media_type(encoding: Encoding, declared: Option<String>, body: &[u8]) -> Option<String> {
    let declared = declared?;
    let essence = declared
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (fits, want) = match encoding {
        Encoding::Json => (
            essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json")),
            "application/json",
        ),
        Encoding::Form => (
            essence == "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded",
        ),
        // Query endpoints read no body: what it claims to be does not matter.
        _ => return None,
    };
    (!fits && !body.is_empty()).then(|| format!("the body must be {want}, not {declared}"))
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

impl Engine {
    fn push_journal(&self, st: &mut State, e: Entry, keep: usize) {
        if let Some(p) = &self.persist {
            p.send(Op::Journal {
                entry: e.clone(),
                keep,
            });
        }
        st.journal.push_back(e);
        while st.journal.len() > keep {
            st.journal.pop_front();
        }
    }
}

fn truncate(body: &[u8]) -> std::borrow::Cow<'_, str> {
    let head = &body[..body.len().min(4096)];
    // Valid UTF-8 (nearly every body) is taken as it is, without the lossy decoder's walk.
    match std::str::from_utf8(head) {
        Ok(s) => s.into(),
        Err(_) => String::from_utf8_lossy(head),
    }
}

/// `/products/{id}` against `/products/prd_1` → `[("id", "prd_1")]`.
pub fn match_path(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    crate::check::path_params(template, path)
}

/// A request's members as they are gathered (path, query, body, headers): a later source
/// replaces an earlier one's member. Small requests are searched in place; from
/// `INDEX_FROM` members on, an index keeps each put constant-time (a body of 100k distinct
/// keys stays linear).
#[derive(Default)]
struct Message {
    members: Vec<(super::value::Key, V)>,
    at: std::collections::HashMap<super::value::Key, usize>,
}

/// Members from which the index is used.
const INDEX_FROM: usize = 32;

impl Message {
    fn put(&mut self, key: super::value::Key, value: V) {
        if self.members.len() < INDEX_FROM {
            // Length and first byte first: most names differ there, without a memcmp call.
            let same = |k: &super::value::Key| {
                k.len() == key.len() && k.as_bytes().first() == key.as_bytes().first() && *k == key
            };
            match self.members.iter_mut().find(|(k, _)| same(k)) {
                Some((_, v)) => *v = value,
                None => self.members.push((key, value)),
            }
            return;
        }
        if self.at.is_empty() {
            // Later members win, so the index keeps the last position of each key.
            for (i, (k, _)) in self.members.iter().enumerate() {
                self.at.insert(k.clone(), i);
            }
        }
        match self.at.get(&key) {
            Some(&i) => self.members[i].1 = value,
            None => {
                self.at.insert(key.clone(), self.members.len());
                self.members.push((key, value));
            }
        }
    }

    fn into_value(self) -> V {
        V::Obj(self.members)
    }
}
