//! Stored records per resource: seeds, lookups by id and by request fields, generated ids.

use std::collections::VecDeque;
use std::hash::BuildHasher;

use hashbrown::HashTable;

use super::engine::{Failure, GROW_AT, fail};
use super::tables::*;
use super::value::V;

/// The hasher of the indexes: fast, seeded per process.
type Hasher = foldhash::fast::RandomState;

/// An index of one field: (hash of the value's text, record position) pairs. The text stays
/// in the record, so storing or dropping a record allocates nothing here, and a lookup
/// compares the text of the one record the hash points to.
type Index = HashTable<(u64, u64)>;

/// The records of one resource.
#[derive(Default)]
pub(super) struct Store {
    /// Records, oldest first.
    pub(super) items: VecDeque<V>,
    /// Each record's estimated size in bytes, in the same order.
    weights: VecDeque<usize>,
    /// Each record's index hashes, in the same order: the id's, then one per unique field
    /// (`0`: the record has no such field).
    hashes: VecDeque<u64>,
    /// The sum of `weights`.
    pub(super) bytes: usize,
    /// Ids → positions.
    ids: Index,
    /// Per unique field of the resource, its values → positions.
    unique: Vec<Index>,
    hasher: Hasher,
    /// Number of records dropped from the front.
    pub(super) dropped: u64,
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
    let indexed = 1 + res.unique.len();
    rec.weight() + indexed * (std::mem::size_of::<(u64, u64)>() + 8)
}

/// The fields a resource's records are indexed by: the id, then the unique fields.
fn indexed(res: &Resource) -> impl Iterator<Item = &'static str> + '_ {
    std::iter::once(res.id_field).chain(res.unique.iter().copied())
}

impl Store {
    /// An empty store of `res`'s records.
    fn new(res: &Resource, next: i64, dropped: u64) -> Store {
        Store {
            next,
            dropped,
            unique: res.unique.iter().map(|_| Index::default()).collect(),
            ..Store::default()
        }
    }

    /// The hash a text is indexed under (never 0, which stands for "no value").
    fn hash(&self, text: &str) -> u64 {
        self.hasher.hash_one(text).max(1)
    }

    /// The index of field `k` (0: the id, then the unique fields in order).
    fn index_mut(&mut self, k: usize) -> Option<&mut Index> {
        match k {
            0 => Some(&mut self.ids),
            k => self.unique.get_mut(k - 1),
        }
    }

    /// Finds the kept record at whose `field` the text is `text`, in `index`.
    fn find(&self, index: &Index, field: &str, text: &str) -> Option<u64> {
        let h = self.hash(text);
        index
            .find(h, |&(eh, pos)| {
                eh == h
                    && self
                        .at(pos)
                        .and_then(|r| r.get(field))
                        .is_some_and(|v| v.text_ref() == text)
            })
            .map(|&(_, pos)| pos)
    }

    /// The position of the record whose id is `id`, if kept.
    pub(super) fn position(&self, res: &Resource, id: &str) -> Option<u64> {
        self.find(&self.ids, res.id_field, id)
    }

    /// Whether a kept record holds `text` in the resource's unique field number `u`.
    pub(super) fn taken(&self, res: &Resource, u: usize, text: &str) -> bool {
        match (self.unique.get(u), res.unique.get(u)) {
            (Some(index), Some(field)) => self.find(index, field, text).is_some(),
            _ => false,
        }
    }

    /// Points field `k`'s index at `pos` for `text` (hashed `h`): the record kept there
    /// before under the same text is no longer found by it.
    fn index(&mut self, k: usize, field: &str, h: u64, text: &str, pos: u64) {
        let (items, dropped) = (&self.items, self.dropped);
        let index = match k {
            0 => &mut self.ids,
            k => match self.unique.get_mut(k - 1) {
                Some(i) => i,
                None => return,
            },
        };
        let same = |&(eh, p): &(u64, u64)| {
            eh == h
                && p.checked_sub(dropped)
                    .and_then(|i| items.get(usize::try_from(i).ok()?))
                    .and_then(|r| r.get(field))
                    .is_some_and(|v| v.text_ref() == text)
        };
        match index.find_mut(h, same) {
            Some(entry) => entry.1 = pos,
            None => {
                index.insert_unique(h, (h, pos), |e| e.0);
            }
        }
    }

    /// Removes the entry of position `pos` (hashed `h`) from field `k`'s index.
    fn unindex(&mut self, k: usize, h: u64, pos: u64) {
        if h == 0 {
            return;
        }
        if let Some(index) = self.index_mut(k)
            && let Ok(entry) = index.find_entry(h, |e| e.1 == pos)
        {
            entry.remove();
        }
    }

    /// Appends a record, indexed by its id and unique values, without dropping any.
    fn push(&mut self, res: &Resource, rec: V) {
        let pos = self.dropped + self.items.len() as u64;
        for (k, field) in indexed(res).enumerate() {
            let h = match rec.get(field) {
                Some(v) => {
                    let text = v.text_ref();
                    let h = self.hash(&text);
                    self.index(k, field, h, &text, pos);
                    h
                }
                None => 0,
            };
            self.hashes.push_back(h);
        }
        let w = weight(res, &rec);
        self.weights.push_back(w);
        self.bytes += w;
        self.items.push_back(rec);
    }

    /// Stores a record, indexed by its id and unique values; beyond `max_records` the oldest
    /// record is dropped and its index entries removed.
    pub(super) fn insert(&mut self, res: &Resource, rec: V, max_records: usize) {
        let pos = self.dropped + self.items.len() as u64;
        if self.items.len() == GROW_AT {
            // One early allocation instead of rehashing ever larger tables under load.
            let room = ROOM.min(max_records.saturating_sub(GROW_AT) + 1);
            let stride = 1 + res.unique.len();
            self.items.reserve(room);
            self.weights.reserve(room);
            self.hashes.reserve(room.saturating_mul(stride));
            self.ids.reserve(room, |e| e.0);
            for index in &mut self.unique {
                index.reserve(room, |e| e.0);
            }
        }
        self.note(Change::Put(pos));
        self.push(res, rec);
        while self.items.len() > max_records && self.drop_oldest(res) {}
    }

    /// Drops the oldest record, removing its index entries; `false` when empty.
    pub(super) fn drop_oldest(&mut self, res: &Resource) -> bool {
        if self.items.pop_front().is_none() {
            return false;
        }
        let pos = self.dropped;
        for k in 0..1 + res.unique.len() {
            let h = self.hashes.pop_front().unwrap_or(0);
            self.unindex(k, h, pos);
        }
        self.bytes -= self.weights.pop_front().unwrap_or(0);
        self.note(Change::Drop(pos));
        self.dropped += 1;
        true
    }

    /// Measures and indexes record `idx` again after it changed.
    pub(super) fn reweigh(&mut self, res: &Resource, idx: usize) {
        let pos = self.dropped + idx as u64;
        let stride = 1 + res.unique.len();
        for (k, field) in indexed(res).enumerate() {
            let Some(text) = self
                .items
                .get(idx)
                .map(|r| r.get(field).map(|v| v.text_ref().into_owned()))
            else {
                return;
            };
            let h = text.as_deref().map_or(0, |t| self.hash(t));
            let old = self.hashes.get(idx * stride + k).copied().unwrap_or(0);
            if h != old {
                self.unindex(k, old, pos);
                if let Some(t) = &text {
                    self.index(k, field, h, t, pos);
                }
                if let Some(slot) = self.hashes.get_mut(idx * stride + k) {
                    *slot = h;
                }
            }
        }
        if let (Some(rec), Some(w)) = (self.items.get(idx), self.weights.get_mut(idx)) {
            let now = weight(res, rec);
            self.bytes = self.bytes - *w + now;
            *w = now;
            self.note(Change::Put(pos));
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
        let mut store = Store::new(res, next, dropped);
        store.track = true;
        for rec in records {
            store.push(res, rec);
        }
        store
    }
}

/// A store holding a resource's seed records.
pub(super) fn seeded(r: &Resource) -> Store {
    let mut store = Store::new(r, r.id_start.unwrap_or(1), 0);
    for text in r.seed {
        let rec = V::from_spec(text);
        if let Some(n) = rec
            .get(r.id_field)
            .and_then(|v| v.text_ref().parse::<i64>().ok())
        {
            store.next = store.next.max(n + 1);
        }
        store.push(r, rec);
    }
    store
}

pub(super) fn field_value<'m>(e: &Endpoint, msg: &'m V, name: &str) -> Option<&'m V> {
    let f = e.fields.iter().find(|f| f.name == name)?;
    msg.get(f.wire).filter(|v| **v != V::Null)
}

/// Fields of a resource's records: its type's and the extra ones.
pub(super) fn record_fields(
    spec: &'static Spec,
    r: ResourceId,
) -> impl Iterator<Item = &'static Field> + Clone {
    let res = spec.resource(r);
    let typed = res
        .and_then(|res| spec.type_def(res.type_id))
        .map_or(&[][..], |t| t.fields);
    let extra = res.map_or(&[][..], |res| res.extra);
    typed.iter().chain(extra)
}

pub(super) fn find_by_id<'s>(store: &'s Store, res: &Resource, id: &str) -> Option<&'s V> {
    store.at(store.position(res, id)?)
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

#[cfg(test)]
mod tests {
    use super::*;

    const ORDERS: Resource = Resource {
        id_field: "id",
        unique: &["ref"],
        ..Resource::DEFAULT
    };

    fn rec(id: i64, reference: &str) -> V {
        V::parse(format!(r#"{{"id":{id},"ref":"{reference}","state":"new"}}"#).as_bytes()).unwrap()
    }

    #[test]
    fn ids_and_unique_values_are_found_until_their_record_is_dropped() {
        let mut s = Store::new(&ORDERS, 1, 0);
        for i in 1..=5 {
            s.insert(&ORDERS, rec(i, &format!("r{i}")), 3);
        }
        assert_eq!(s.items.len(), 3);
        assert_eq!(s.dropped, 2);
        assert_eq!(s.position(&ORDERS, "1"), None, "dropped");
        assert_eq!(s.position(&ORDERS, "4"), Some(3));
        assert!(
            !s.taken(&ORDERS, 0, "r2"),
            "a dropped record frees its value"
        );
        assert!(s.taken(&ORDERS, 0, "r5"));
        assert!(!s.taken(&ORDERS, 0, "r9"));
        assert!(!s.taken(&ORDERS, 1, "r5"), "no second unique field");
        assert_eq!(s.ids.len(), 3, "no entry left behind");
        assert_eq!(s.unique[0].len(), 3);
    }

    #[test]
    fn the_newest_record_of_an_id_is_found_and_outlives_an_older_one() {
        let mut s = Store::new(&ORDERS, 1, 0);
        s.insert(&ORDERS, rec(7, "a"), 10);
        s.insert(&ORDERS, rec(7, "b"), 10);
        assert_eq!(s.position(&ORDERS, "7"), Some(1));
        assert!(s.drop_oldest(&ORDERS));
        assert_eq!(
            s.position(&ORDERS, "7"),
            Some(1),
            "the newer one stays found"
        );
        assert!(s.drop_oldest(&ORDERS));
        assert_eq!(s.position(&ORDERS, "7"), None);
        assert!(!s.drop_oldest(&ORDERS));
        assert_eq!(s.ids.len(), 0);
    }

    #[test]
    fn a_changed_record_is_indexed_by_its_new_values() {
        let mut s = Store::new(&ORDERS, 1, 0);
        s.insert(&ORDERS, rec(1, "old"), 10);
        s.items[0].set("ref", V::Str("new".into()));
        s.reweigh(&ORDERS, 0);
        assert!(!s.taken(&ORDERS, 0, "old"));
        assert!(s.taken(&ORDERS, 0, "new"));
        assert!(s.drop_oldest(&ORDERS));
        assert_eq!(s.unique[0].len(), 0, "dropped under its new value");
        assert_eq!(s.bytes, 0);
    }

    #[test]
    fn seeds_are_indexed_and_move_the_sequence() {
        const SEEDED: Resource = Resource {
            id_field: "id",
            seed: &[r#"{"id":41,"ref":"x"}"#, r#"{"id":"abc"}"#],
            unique: &["ref"],
            ..Resource::DEFAULT
        };
        let s = seeded(&SEEDED);
        assert_eq!(s.next, 42);
        assert_eq!(s.position(&SEEDED, "41"), Some(0));
        assert_eq!(s.position(&SEEDED, "abc"), Some(1));
        assert!(s.taken(&SEEDED, 0, "x"));
    }
}
