//! What the engine does with an accepted request: create, read, list, update and fire
//! events on records, sum them, answer fixed bodies, and build signed webhooks.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::*;
use crate::mock::render::{binary, render, response_field_kind};
use crate::mock::store::{hex_id, lookup, lookup_pos, record_fields};
use crate::mock::template::{
    Instant, build, build_parsed, coerce, fill, now_value, number, spec_value,
};
use crate::signing::{self, Source};
use prepared::Initial;

impl Engine {
    pub(super) fn execute(
        &self,
        e: &'static Endpoint,
        msg: &V,
        config: &Config,
    ) -> Result<(Reply, Vec<Delivery>), Failure> {
        let op = &e.op;
        let mut deliveries = Vec::new();
        let payload: Option<V> = match op.action {
            Action::Create(r) => Some(self.create(r, e, msg, config)?),
            Action::Read(r) => {
                let st = self.lock();
                let rec = lookup(&st.stores[r.0], e, msg)?.clone();
                drop(st);
                if let Body::Binary(_) = e.body {
                    return Ok((binary(e, msg, &rec), deliveries));
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
                    let kinds = self
                        .prepared
                        .answering(self.spec, e)
                        .map_or(&[][..], |a| &a.store_kinds);
                    let store = &mut st.stores[r.0];
                    let rec = &mut store.items[pos];
                    // Only members that are fields of the record are stored.
                    for (i, (rf, req)) in op.store.iter().enumerate() {
                        if let (Some(v), Some(kind)) =
                            (msg.path(req), kinds.get(i).copied().flatten())
                        {
                            rec.set(*rf, coerce(v, &kind));
                        }
                    }
                    let mut fields = record_fields(self.spec, r);
                    if let Some(f) = fields.find(|f| f.name == "updated_at") {
                        rec.set("updated_at", now_value(&f.kind));
                    }
                    let rec = rec.clone();
                    if let Some(res) = self.spec.resource(r) {
                        store.reweigh(res, pos);
                        self.keep_within_bytes(&mut st, r, config.limits.record_bytes);
                    }
                    self.flush(&mut st);
                    rec
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
                allow: None,
            },
            (_, Some(p)) => Reply::json(e.status, self.wrap(e, p).to_json()),
            (_, None) => Reply::json(e.status, self.wrap(e, V::Obj(Vec::new())).to_json()),
        };
        Ok((reply, deliveries))
    }

    pub(super) fn wrap(&self, e: &Endpoint, payload: V) -> V {
        match (&self.spec.envelope, e.enveloped) {
            (Some(env), true) => V::Obj(vec![
                (env.status_field.into(), V::Str(env.success.into())),
                (env.message_field.into(), V::Str(String::new())),
                (env.data_field.into(), payload),
            ]),
            _ => payload,
        }
    }

    pub(super) fn respond_or_render(&self, e: &Endpoint, rec: &V, config: &Config) -> V {
        if !e.op.respond.is_empty() {
            return match self.prepared.answering(self.spec, e) {
                Some(a) => build_parsed(&a.respond, rec, config),
                None => build(e.op.respond, rec, config, None),
            };
        }
        match e.body {
            Body::Json(k) => render(self.spec, rec, &k),
            _ => rec.clone(),
        }
    }

    /// Creates a record and returns the answer's payload, rendered before the record is
    /// moved into the store (so it is not copied).
    pub(super) fn create(
        &self,
        r: ResourceId,
        e: &Endpoint,
        msg: &V,
        config: &Config,
    ) -> Result<V, Failure> {
        let res = self
            .spec
            .resource(r)
            .ok_or_else(|| fail(Case::Internal, "", "no such resource"))?;
        let mut st = self.lock();
        let created = self.create_locked(&mut st, res, r, e, msg, config);
        // The counter moved even when the record is refused: ids are never given twice.
        self.flush(&mut st);
        created
    }

    fn create_locked(
        &self,
        st: &mut State,
        res: &Resource,
        r: ResourceId,
        e: &Endpoint,
        msg: &V,
        config: &Config,
    ) -> Result<V, Failure> {
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
        let mut rec = V::Obj(Vec::with_capacity(16));
        rec.set(res.id_field, id);
        let creation = self
            .prepared
            .creation(r)
            .ok_or_else(|| fail(Case::Internal, "", "no such resource"))?;
        if let (Some(states), Some(state)) = (&res.states, &creation.state) {
            rec.set(states.field, state.clone());
        }
        for ((f, _), initial) in res.initial.iter().zip(&creation.initial) {
            let value = match initial {
                Initial::Fixed(v) => v.clone(),
                Initial::Filled(v, kind) => fill(v, &rec, config, None, *kind),
            };
            rec.set(*f, value);
        }
        let kinds = self
            .prepared
            .answering(self.spec, e)
            .map_or(&[][..], |a| &a.store_kinds);
        for (i, (rf, req)) in e.op.store.iter().enumerate() {
            if let Some(v) = msg.path(req) {
                let v = match kinds.get(i).copied().flatten() {
                    Some(k) => coerce(v, &k),
                    None => v.clone(),
                };
                rec.set(*rf, v);
            }
        }
        for (i, u) in res.unique.iter().enumerate() {
            if let Some(v) = rec.get(u)
                && store.taken(res, i, &v.text_ref())
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
        let answer = self.respond_or_render(e, &rec, config);
        store.insert(res, rec, config.limits.records);
        self.keep_within_bytes(st, r, config.limits.record_bytes);
        Ok(answer)
    }

    /// Drops the oldest records until all stores together take at most `limit` bytes: from
    /// the largest store first, never the newest record of `touched` (the one just written).
    pub(super) fn keep_within_bytes(&self, st: &mut State, touched: ResourceId, limit: usize) {
        while st.stores.iter().map(|s| s.bytes).sum::<usize>() > limit {
            let victim = st
                .stores
                .iter()
                .enumerate()
                .filter(|(i, s)| s.items.len() > usize::from(*i == touched.0))
                .max_by_key(|(_, s)| s.bytes)
                .map(|(i, _)| i);
            let dropped = victim.is_some_and(|i| {
                let res = self.spec.resources.get(i);
                res.is_some_and(|res| st.stores[i].drop_oldest(res))
            });
            if !dropped {
                return;
            }
        }
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
            .position(res, id)
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
            let kind = fields.clone().find(|x| x.name == *f).map(|x| x.kind);
            let value = fill(spec_value(v), rec, &config, amount.as_ref(), kind);
            rec.set(*f, value);
        }
        let rec = rec.clone();
        store.reweigh(res, idx);
        self.keep_within_bytes(&mut st, r, config.limits.record_bytes);
        self.flush(&mut st);
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

    pub(super) fn webhook(
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
            method: hook.method,
            url,
            headers,
            body: body_of(&pairs),
        })
    }

    pub(super) fn totals(&self, e: &Endpoint, config: &Config) -> V {
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
}
