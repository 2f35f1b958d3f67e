//! The mock's persistent store (`--store sqlite:PATH`): records, nonces, the journal and
//! webhook deliveries written to a SQLite database, so a sandbox keeps its state across
//! restarts and crashes.
//!
//! Memory stays the working copy: the engine changes its state as without a store, and
//! under the same lock hands each change to a writer thread as an [`Op`]. The writer
//! applies what has queued up in one transaction (group commit) and reports how many
//! operations are written; the server answers a request only once every operation queued
//! before its answer is written. The database is in WAL mode with `synchronous=NORMAL`:
//! a committed answer survives the mock being killed (`kill -9`); a power cut may lose the
//! last transactions. On start the database is read back into memory, with the caps applied.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};

use super::engine::Entry;
use super::value::V;

/// Where the mock keeps its state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum StoreAt {
    /// In memory only: a restart starts afresh (the default).
    #[default]
    Memory,
    /// In a SQLite database at this path, created if missing.
    Sqlite(PathBuf),
}

impl StoreAt {
    /// Reads `memory` or `sqlite:PATH`.
    pub fn parse(text: &str) -> Result<StoreAt, String> {
        match text.split_once(':') {
            _ if text == "memory" => Ok(StoreAt::Memory),
            Some(("sqlite", path)) if !path.is_empty() => Ok(StoreAt::Sqlite(path.into())),
            _ => Err(format!(
                "--store takes `memory` or `sqlite:PATH`, not `{text}`"
            )),
        }
    }
}

impl std::fmt::Display for StoreAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreAt::Memory => f.write_str("memory"),
            StoreAt::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
        }
    }
}

/// The layout of the database; a database of another version is refused.
const SCHEMA: i64 = 1;
/// Nonce rows kept: enough for every merchant's window in memory (see `auth::Nonces`).
const NONCE_ROWS: i64 = 4 * 65_536;
/// Operations written in one transaction at most.
const BATCH: usize = 8_192;

/// A change to write.
pub(super) enum Op {
    /// A record stored or changed at a position of a resource.
    Put {
        resource: &'static str,
        pos: u64,
        record: V,
    },
    /// A record dropped from a resource.
    Drop { resource: &'static str, pos: u64 },
    /// A resource's next sequence id and records dropped so far.
    Counters {
        resource: &'static str,
        next: i64,
        dropped: u64,
    },
    /// The engine's id counter.
    Counter(u64),
    /// A merchant's nonce, accepted.
    Nonce { merchant: String, nonce: u64 },
    /// A journal line, and how many lines to keep.
    Journal { entry: Entry, keep: usize },
    /// The nonces forgotten.
    ForgetNonces,
    /// Everything forgotten.
    Reset,
}

/// What the writer has done: operations written, or why it stopped.
#[derive(Clone, Debug, Default)]
struct Written {
    ops: u64,
    failed: Option<String>,
}

/// The state read back from a database.
pub(super) struct Loaded {
    /// Per resource of the spec, in its order: next sequence id, records dropped, records
    /// oldest first; `None` for a resource the database has nothing of.
    pub(super) stores: Vec<Option<(i64, u64, Vec<V>)>>,
    /// The engine's id counter.
    pub(super) counter: u64,
    /// Nonces accepted, oldest first.
    pub(super) nonces: Vec<(String, u64)>,
    /// The journal, oldest first.
    pub(super) journal: VecDeque<Entry>,
}

/// The handle the engine writes through.
pub(super) struct Persist {
    path: PathBuf,
    tx: Option<mpsc::Sender<Op>>,
    sent: AtomicU64,
    written: tokio::sync::watch::Receiver<Written>,
    writer: Option<std::thread::JoinHandle<()>>,
}

fn fail(path: &Path, what: &str, e: impl std::fmt::Display) -> String {
    format!("store {}: {what}: {e}", path.display())
}

impl Persist {
    /// Opens (or creates) the database at `path` for `provider`'s mock and reads it back;
    /// `None` when it is new. Refuses a database of another provider or layout, and one
    /// another mock has open.
    pub(super) fn open(
        path: &Path,
        provider: &str,
        resources: &[&'static str],
        journal_keep: usize,
    ) -> Result<(Persist, Option<Loaded>), String> {
        let conn = Connection::open(path).map_err(|e| fail(path, "cannot open", e))?;
        setup(&conn).map_err(|e| fail(path, "cannot set up", e))?;
        let loaded = read_back(&conn, provider, resources, journal_keep)
            .map_err(|e| fail(path, "cannot read", e))?;
        let (tx, rx) = mpsc::channel();
        let (done, written) = tokio::sync::watch::channel(Written::default());
        let writer = std::thread::Builder::new()
            .name("mock-store".into())
            .spawn(move || write_loop(conn, rx, done))
            .map_err(|e| fail(path, "cannot start its writer", e))?;
        Ok((
            Persist {
                path: path.to_path_buf(),
                tx: Some(tx),
                sent: AtomicU64::new(0),
                written,
                writer: Some(writer),
            },
            loaded,
        ))
    }

    /// Queues a change. Called with the engine's state locked, so changes queue in the order
    /// they were made.
    pub(super) fn send(&self, op: Op) {
        self.sent.fetch_add(1, Ordering::AcqRel);
        if let Some(tx) = &self.tx {
            // A writer that stopped has said why in `written`; `settled` reports it.
            let _ = tx.send(op);
        }
    }

    /// Waits until every change queued before the call is written.
    pub(super) async fn settled(&self) -> Result<(), String> {
        let target = self.sent.load(Ordering::Acquire);
        let mut written = self.written.clone();
        let state = written
            .wait_for(|w| w.ops >= target || w.failed.is_some())
            .await
            .map_err(|_| fail(&self.path, "its writer stopped", "no reason given"))?;
        match &state.failed {
            Some(why) => Err(why.clone()),
            None => Ok(()),
        }
    }

    /// Why the writer stopped, if it did.
    pub(super) fn failure(&self) -> Option<String> {
        self.written.borrow().failed.clone()
    }

    /// The database's path.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Persist {
    /// Lets the writer finish what is queued, then waits for it.
    fn drop(&mut self) {
        self.tx = None;
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
    }
}

fn setup(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_millis(200))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // Held from the first write on: a second mock on the same file is refused at start.
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    conn.execute_batch(
        "BEGIN IMMEDIATE;
         CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS resources(
             name TEXT PRIMARY KEY, next INTEGER NOT NULL, dropped INTEGER NOT NULL);
         CREATE TABLE IF NOT EXISTS records(
             resource TEXT NOT NULL, pos INTEGER NOT NULL, body TEXT NOT NULL,
             PRIMARY KEY(resource, pos));
         CREATE TABLE IF NOT EXISTS nonces(
             seq INTEGER PRIMARY KEY, merchant TEXT NOT NULL, nonce INTEGER NOT NULL);
         CREATE TABLE IF NOT EXISTS journal(seq INTEGER PRIMARY KEY, entry TEXT NOT NULL);
         COMMIT;",
    )
}

fn meta(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

/// Reads a database back; `None` when it is new (and then marks it as `provider`'s).
fn read_back(
    conn: &Connection,
    provider: &str,
    resources: &[&'static str],
    journal_keep: usize,
) -> Result<Option<Loaded>, String> {
    let sql = |e: rusqlite::Error| e.to_string();
    match meta(conn, "provider").map_err(sql)? {
        None => {
            conn.execute_batch("BEGIN IMMEDIATE").map_err(sql)?;
            for (k, v) in [
                ("provider", provider.to_string()),
                ("schema", SCHEMA.to_string()),
            ] {
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES (?1, ?2)",
                    params![k, v],
                )
                .map_err(sql)?;
            }
            conn.execute_batch("COMMIT").map_err(sql)?;
            return Ok(None);
        }
        Some(p) if p != provider => {
            return Err(format!(
                "it holds the state of a {p} mock, not of {provider}; give another path"
            ));
        }
        Some(_) => {}
    }
    let schema = meta(conn, "schema").map_err(sql)?.unwrap_or_default();
    if schema != SCHEMA.to_string() {
        return Err(format!(
            "its layout is version {schema}, this mock reads version {SCHEMA}"
        ));
    }
    let counter = meta(conn, "counter")
        .map_err(sql)?
        .and_then(|c| c.parse::<u64>().ok())
        .unwrap_or(0);
    let mut stores = Vec::new();
    for name in resources {
        stores.push(read_resource(conn, name)?);
    }
    let mut stmt = conn
        .prepare("SELECT merchant, nonce FROM nonces ORDER BY seq")
        .map_err(sql)?;
    let nonces = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })
        .map_err(sql)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sql)?;
    let mut stmt = conn
        .prepare("SELECT entry FROM journal ORDER BY seq DESC LIMIT ?1")
        .map_err(sql)?;
    let mut journal: VecDeque<Entry> = stmt
        .query_map([journal_keep as i64], |r| r.get::<_, String>(0))
        .map_err(sql)?
        .filter_map(|t| t.ok().and_then(|t| entry_from(&t)))
        .collect();
    journal.make_contiguous().reverse();
    Ok(Some(Loaded {
        stores,
        counter,
        nonces,
        journal,
    }))
}

/// One resource's counters and records, oldest first. Positions that are not contiguous
/// (which only a damaged file has) are closed up, so position and order agree again.
fn read_resource(conn: &Connection, name: &str) -> Result<Option<(i64, u64, Vec<V>)>, String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let counters: Option<(i64, i64)> = conn
        .query_row(
            "SELECT next, dropped FROM resources WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(sql)?;
    let Some((next, dropped)) = counters else {
        return Ok(None);
    };
    let mut stmt = conn
        .prepare("SELECT pos, body FROM records WHERE resource = ?1 ORDER BY pos")
        .map_err(sql)?;
    let rows = stmt
        .query_map([name], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(sql)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sql)?;
    let first = rows.first().map_or(dropped, |(p, _)| *p).max(0);
    let mut records = Vec::with_capacity(rows.len());
    let mut moved = Vec::new();
    for (i, (pos, body)) in rows.into_iter().enumerate() {
        let record = V::parse(body.as_bytes())
            .ok_or_else(|| format!("the {name} record at position {pos} is not JSON"))?;
        let want = first + i as i64;
        if pos != want {
            moved.push((pos, want));
        }
        records.push(record);
    }
    if !moved.is_empty() {
        conn.execute_batch("BEGIN IMMEDIATE").map_err(sql)?;
        for (from, to) in moved {
            conn.execute(
                "UPDATE records SET pos = ?3 WHERE resource = ?1 AND pos = ?2",
                params![name, from, to],
            )
            .map_err(sql)?;
        }
        conn.execute_batch("COMMIT").map_err(sql)?;
    }
    Ok(Some((next, first as u64, records)))
}

fn write_loop(
    mut conn: Connection,
    rx: mpsc::Receiver<Op>,
    done: tokio::sync::watch::Sender<Written>,
) {
    let mut written = 0u64;
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        let n = batch.len() as u64;
        match write_batch(&mut conn, batch) {
            Ok(()) => {
                written += n;
                done.send_replace(Written {
                    ops: written,
                    failed: None,
                });
            }
            Err(e) => {
                // What is not written cannot be answered as done: every later request
                // waits on this and is refused, and health says why.
                done.send_replace(Written {
                    ops: written,
                    failed: Some(format!("cannot write the store: {e}")),
                });
                return;
            }
        }
    }
}

fn write_batch(conn: &mut Connection, batch: Vec<Op>) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut journal_keep = None;
    let mut nonces = false;
    for op in batch {
        match op {
            Op::Put {
                resource,
                pos,
                record,
            } => {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO records(resource, pos, body) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![resource, pos as i64, record.to_json()])?;
            }
            Op::Drop { resource, pos } => {
                tx.prepare_cached("DELETE FROM records WHERE resource = ?1 AND pos = ?2")?
                    .execute(params![resource, pos as i64])?;
            }
            Op::Counters {
                resource,
                next,
                dropped,
            } => {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO resources(name, next, dropped) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![resource, next, dropped as i64])?;
            }
            Op::Counter(c) => {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('counter', ?1)",
                )?
                .execute([c.to_string()])?;
            }
            Op::Nonce { merchant, nonce } => {
                tx.prepare_cached("INSERT INTO nonces(merchant, nonce) VALUES (?1, ?2)")?
                    .execute(params![merchant, nonce as i64])?;
                nonces = true;
            }
            Op::Journal { entry, keep } => {
                tx.prepare_cached("INSERT INTO journal(entry) VALUES (?1)")?
                    .execute([entry_to(&entry)])?;
                journal_keep = Some(keep);
            }
            Op::ForgetNonces => {
                tx.execute_batch("DELETE FROM nonces;")?;
            }
            Op::Reset => {
                tx.execute_batch(
                    "DELETE FROM records; DELETE FROM resources; DELETE FROM nonces;
                     DELETE FROM journal; DELETE FROM meta WHERE key = 'counter';",
                )?;
            }
        }
    }
    if let Some(keep) = journal_keep {
        tx.prepare_cached("DELETE FROM journal WHERE seq <= (SELECT max(seq) FROM journal) - ?1")?
            .execute([keep as i64])?;
    }
    if nonces {
        tx.prepare_cached("DELETE FROM nonces WHERE seq <= (SELECT max(seq) FROM nonces) - ?1")?
            .execute([NONCE_ROWS])?;
    }
    tx.commit()
}

/// Microseconds since the Unix epoch (0 before it).
fn micros(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// A journal line as the JSON text kept in the database.
fn entry_to(e: &Entry) -> String {
    V::Obj(vec![
        ("kind".into(), V::Str(e.kind.into())),
        ("name".into(), V::Str(e.name.clone())),
        ("target".into(), V::Str(e.target.clone())),
        ("status".into(), V::Num(e.status.to_string())),
        ("body".into(), V::Str(e.body.clone())),
        ("attempts".into(), V::Num(e.attempts.to_string())),
        ("at_us".into(), V::Num(micros(e.at).to_string())),
        (
            "latency_us".into(),
            V::Num(e.latency.as_micros().to_string()),
        ),
        ("response".into(), V::Str(e.response.clone())),
        (
            "statuses".into(),
            V::Arr(e.statuses.iter().map(|s| V::Num(s.to_string())).collect()),
        ),
    ])
    .to_json()
}

/// A journal line read back; `None` for text this version did not write.
fn entry_from(text: &str) -> Option<Entry> {
    let v = V::parse(text.as_bytes())?;
    let s = |k: &str| match v.get(k) {
        Some(V::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let n = |k: &str| v.get(k).and_then(|x| x.text().parse::<u64>().ok());
    Some(Entry {
        kind: if s("kind")? == "webhook" {
            "webhook"
        } else {
            "request"
        },
        name: s("name")?,
        target: s("target")?,
        status: u16::try_from(n("status")?).ok()?,
        body: s("body")?,
        attempts: u32::try_from(n("attempts")?).ok()?,
        at: UNIX_EPOCH + Duration::from_micros(n("at_us")?),
        latency: Duration::from_micros(n("latency_us")?),
        response: s("response")?,
        statuses: match v.get("statuses") {
            Some(V::Arr(items)) => items
                .iter()
                .map(|x| x.text().parse::<u16>().ok())
                .collect::<Option<Vec<_>>>()?,
            _ => return None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database path in a fresh folder, removed when dropped.
    struct Db(PathBuf);

    impl Db {
        fn new(name: &str) -> Db {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let dir = std::env::temp_dir().join(format!(
                "payspec-persist-{name}-{}-{nanos}",
                std::process::id()
            ));
            std::fs::create_dir_all(&dir).expect("temp dir");
            Db(dir.join("state.db"))
        }
    }

    impl Drop for Db {
        fn drop(&mut self) {
            if let Some(dir) = self.0.parent() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }

    fn put(p: &Persist, pos: u64, id: u64) {
        p.send(Op::Put {
            resource: "order",
            pos,
            record: V::parse(format!(r#"{{"id":{id},"amount":"1.10"}}"#).as_bytes()).expect("JSON"),
        });
    }

    fn settle(p: &Persist) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        rt.block_on(p.settled()).expect("written");
    }

    #[test]
    fn what_is_written_is_read_back_in_order_with_numbers_as_written() {
        let db = Db::new("roundtrip");
        let (p, loaded) = Persist::open(&db.0, "Shop", &["order", "refund"], 10).expect("open");
        assert!(loaded.is_none(), "a new database");
        for pos in 0..5 {
            put(&p, pos, 100 + pos);
        }
        p.send(Op::Drop {
            resource: "order",
            pos: 0,
        });
        p.send(Op::Counters {
            resource: "order",
            next: 105,
            dropped: 1,
        });
        p.send(Op::Counter(7));
        p.send(Op::Nonce {
            merchant: "m".into(),
            nonce: u64::MAX - 1,
        });
        settle(&p);
        drop(p);
        let (_, loaded) = Persist::open(&db.0, "Shop", &["order", "refund"], 10).expect("reopen");
        let loaded = loaded.expect("read back");
        let (next, dropped, records) = loaded.stores[0].clone().expect("orders");
        assert_eq!((next, dropped, records.len()), (105, 1, 4));
        assert_eq!(records[0].to_json(), r#"{"id":101,"amount":"1.10"}"#);
        assert!(loaded.stores[1].is_none(), "nothing of refunds");
        assert_eq!(loaded.counter, 7);
        assert_eq!(loaded.nonces, vec![("m".to_string(), u64::MAX - 1)]);
    }

    #[test]
    fn journal_lines_round_trip_and_only_the_newest_are_kept() {
        let db = Db::new("journal");
        let (p, _) = Persist::open(&db.0, "Shop", &["order"], 3).expect("open");
        let entry = |i: u16| Entry {
            kind: if i.is_multiple_of(2) {
                "request"
            } else {
                "webhook"
            },
            name: format!("e{i}"),
            target: "POST /x".into(),
            status: 200 + i,
            body: "{\"a\":\"ü\"}".into(),
            attempts: u32::from(i),
            at: UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456 + u64::from(i)),
            latency: Duration::from_micros(250),
            response: "OK".into(),
            statuses: vec![500, 200 + i],
        };
        for i in 0..6 {
            p.send(Op::Journal {
                entry: entry(i),
                keep: 3,
            });
        }
        settle(&p);
        drop(p);
        let (_, loaded) = Persist::open(&db.0, "Shop", &["order"], 3).expect("reopen");
        let journal = loaded.expect("read back").journal;
        let got: Vec<String> = journal.iter().map(|e| format!("{e:?}")).collect();
        let want: Vec<String> = (3..6).map(|i| format!("{:?}", entry(i))).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_gap_in_positions_is_closed_up_and_a_damaged_record_named() {
        let db = Db::new("damaged");
        let (p, _) = Persist::open(&db.0, "Shop", &["order"], 10).expect("open");
        for pos in 0..3 {
            put(&p, pos, pos);
        }
        p.send(Op::Counters {
            resource: "order",
            next: 3,
            dropped: 0,
        });
        settle(&p);
        drop(p);
        let conn = Connection::open(&db.0).expect("sqlite");
        conn.execute("UPDATE records SET pos = 9 WHERE pos = 1", [])
            .expect("a gap");
        drop(conn);
        let (p, loaded) = Persist::open(&db.0, "Shop", &["order"], 10).expect("reopen");
        let (_, dropped, records) = loaded.expect("read").stores[0].clone().expect("orders");
        assert_eq!(dropped, 0);
        let ids: Vec<String> = records
            .iter()
            .map(|r| r.get("id").map(V::text).unwrap_or_default())
            .collect();
        assert_eq!(ids, ["0", "2", "1"], "in position order");
        drop(p);
        let conn = Connection::open(&db.0).expect("sqlite");
        let pos: Vec<i64> = conn
            .prepare("SELECT pos FROM records ORDER BY pos")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("positions");
        assert_eq!(pos, [0, 1, 2], "closed up on disk");
        conn.execute("UPDATE records SET body = '{\"id\":' WHERE pos = 2", [])
            .expect("damage");
        drop(conn);
        let err = Persist::open(&db.0, "Shop", &["order"], 10)
            .err()
            .expect("refused");
        assert!(
            err.contains("the order record at position 2 is not JSON"),
            "{err}"
        );
    }

    #[test]
    fn another_providers_or_another_layouts_database_is_refused() {
        let db = Db::new("owner");
        drop(Persist::open(&db.0, "Shop", &["order"], 10).expect("open"));
        let err = Persist::open(&db.0, "Other", &["order"], 10)
            .err()
            .expect("refused");
        assert!(
            err.contains("holds the state of a Shop mock, not of Other"),
            "{err}"
        );
        let conn = Connection::open(&db.0).expect("sqlite");
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema'", [])
            .expect("layout");
        drop(conn);
        let err = Persist::open(&db.0, "Shop", &["order"], 10)
            .err()
            .expect("refused");
        assert!(err.contains("layout is version 99"), "{err}");
        assert_eq!(StoreAt::parse("memory"), Ok(StoreAt::Memory));
        assert_eq!(
            StoreAt::parse("sqlite:a:b.db").map(|s| s.to_string()),
            Ok("sqlite:a:b.db".to_string())
        );
    }
}
