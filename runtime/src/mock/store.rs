//! Stored records per resource: seeds, lookups by id and by request fields, generated ids.

use std::collections::{HashMap, HashSet, VecDeque};

use super::engine::{Failure, GROW_AT, fail};
use super::tables::*;
use super::value::V;

/// The hasher of the indexes: fast, seeded per process.
type Hasher = foldhash::fast::RandomState;

/// The records of one resource.
#[derive(Default)]
pub(super) struct Store {
    /// Records, oldest first.
    pub(super) items: VecDeque<V>,
    /// Each record's estimated size in bytes, in the same order.
    weights: VecDeque<usize>,
    /// The sum of `weights`.
    pub(super) bytes: usize,
    /// Id text → position counted from the first record ever stored.
    pub(super) by_id: HashMap<String, u64, Hasher>,
    /// Number of records dropped from the front.
    pub(super) dropped: u64,
    /// (field, value) pairs taken by unique fields.
    pub(super) unique: HashSet<(String, String), Hasher>,
    /// The next sequence id.
    pub(super) next: i64,
    /// Whether changes are noted for a persistent store.
    pub(super) track: bool,
    /// Changes not yet handed to the persistent store, in order (only when `track`).
    pub(super) changes: Vec<Change>,
}

/// A change to a store, by record position (counted from the first record ever stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Change {
    /// The record at this position was stored or changed.
    Put(u64),
    /// The record at this position was dropped.
    Drop(u64),
}

/// The most room reserved at once when a store reaches `GROW_AT` records.
const ROOM: usize = 20_001 - GROW_AT;

/// A record's estimated size: the value, plus its id and unique values in the indexes.
fn weight(res: &Resource, rec: &V) -> usize {
    let indexed = rec
        .get(res.id_field)
        .map_or(0, |v| 2 * v.text_ref().len() + 48)
        + res
            .unique
            .iter()
            .filter_map(|u| rec.get(u))
            .map(|v| v.text_ref().len() + 64)
            .sum::<usize>();
    rec.weight() + indexed
}

impl Store {
    /// Stores a record under `id`, taking its unique values; beyond `max_records` the oldest
    /// record is dropped and its id and unique values freed.
    pub(super) fn insert(&mut self, res: &Resource, id: String, rec: V, max_records: usize) {
        for u in res.unique {
            if let Some(v) = rec.get(u) {
                self.unique.insert((u.to_string(), v.text()));
            }
        }
        let pos = self.dropped + self.items.len() as u64;
        if self.items.len() == GROW_AT {
            // One early allocation instead of rehashing ever larger tables under load.
            let room = ROOM.min(max_records.saturating_sub(GROW_AT) + 1);
            self.items.reserve(room);
            self.weights.reserve(room);
            self.by_id.reserve(room);
            self.unique.reserve(room.saturating_mul(res.unique.len()));
        }
        let w = weight(res, &rec);
        self.by_id.insert(id, pos);
        self.note(Change::Put(pos));
        self.items.push_back(rec);
        self.weights.push_back(w);
        self.bytes += w;
        while self.items.len() > max_records && self.drop_oldest(res) {}
    }

    /// Drops the oldest record, freeing its id and unique values; `false` when empty.
    pub(super) fn drop_oldest(&mut self, res: &Resource) -> bool {
        let Some(old) = self.items.pop_front() else {
            return false;
        };
        self.bytes -= self.weights.pop_front().unwrap_or(0);
        self.note(Change::Drop(self.dropped));
        self.dropped += 1;
        if let Some(i) = old.get(res.id_field) {
            self.by_id.remove(i.text_ref().as_ref());
        }
        for u in res.unique {
            if let Some(v) = old.get(u) {
                self.unique.remove(&(u.to_string(), v.text()));
            }
        }
        true
    }

    /// Measures record `idx` again after it changed.
    pub(super) fn reweigh(&mut self, res: &Resource, idx: usize) {
        if let (Some(rec), Some(w)) = (self.items.get(idx), self.weights.get_mut(idx)) {
            let now = weight(res, rec);
            self.bytes = self.bytes - *w + now;
            *w = now;
            self.note(Change::Put(self.dropped + idx as u64));
        }
    }

    fn note(&mut self, change: Change) {
        if self.track {
            self.changes.push(change);
        }
    }

    /// The record at `pos` (counted from the first record ever stored), if still kept.
    pub(super) fn at(&self, pos: u64) -> Option<&V> {
        self.items
            .get(usize::try_from(pos.checked_sub(self.dropped)?).ok()?)
    }

    /// Starts noting changes, the records kept now included, for a persistent store.
    pub(super) fn track_all(&mut self) {
        self.track = true;
        self.changes = (0..self.items.len() as u64)
            .map(|i| Change::Put(self.dropped + i))
            .collect();
    }

    /// A store of records read back from a persistent store: `records` oldest first, the
    /// first at position `dropped`.
    pub(super) fn restored(res: &Resource, next: i64, dropped: u64, records: Vec<V>) -> Store {
        let mut store = Store {
            next,
            dropped,
            track: true,
            ..Store::default()
        };
        for rec in records {
            let id = rec.get(res.id_field).map(V::text).unwrap_or_default();
            for u in res.unique {
                if let Some(v) = rec.get(u) {
                    store.unique.insert((u.to_string(), v.text()));
                }
            }
            store.by_id.insert(id, dropped + store.items.len() as u64);
            let w = weight(res, &rec);
            store.weights.push_back(w);
            store.bytes += w;
            store.items.push_back(rec);
        }
        store
    }
}

/// A store holding a resource's seed records.
pub(super) fn seeded(r: &Resource) -> Store {
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
        let w = weight(r, &rec);
        store.weights.push_back(w);
        store.bytes += w;
        store.items.push_back(rec);
    }
    store
}

pub(super) fn field_value<'m>(e: &Endpoint, msg: &'m V, name: &str) -> Option<&'m V> {
    let f = e.fields.iter().find(|f| f.name == name)?;
    msg.get(f.wire).filter(|v| **v != V::Null)
}

/// Fields of a resource's records: its type's and the extra ones.
pub(super) fn record_fields(spec: &'static Spec, r: ResourceId) -> Vec<&'static Field> {
    let mut v: Vec<&'static Field> = Vec::with_capacity(32);
    if let Some(res) = spec.resource(r) {
        if let Some(t) = spec.type_def(res.type_id) {
            v.extend(t.fields.iter());
        }
        v.extend(res.extra.iter());
    }
    v
}

pub(super) fn find_by_id<'s>(store: &'s Store, id: &str) -> Option<&'s V> {
    store.at(*store.by_id.get(id)?)
}

pub(super) fn lookup_pos(store: &Store, e: &Endpoint, msg: &V) -> Result<usize, Failure> {
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

pub(super) fn lookup<'s>(store: &'s Store, e: &Endpoint, msg: &V) -> Result<&'s V, Failure> {
    let pos = lookup_pos(store, e, msg)?;
    store
        .items
        .get(pos)
        .ok_or_else(|| fail(Case::NotFound, "", "no such record"))
}

pub(super) fn hex_id(counter: u64, digits: u32) -> String {
    // splitmix64 of the counter: unique per counter, looks random.
    let mut z = counter.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let s = format!("{z:016x}{:016x}", counter);
    s.chars().take(digits.clamp(1, 32) as usize).collect()
}
