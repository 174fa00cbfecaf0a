//! `verify`: prove the file holds what its journal says.
//!
//! 1. The schema objects (tables, indexes, triggers) are the ones tally
//!    creates: a dropped or rewritten trigger is reported.
//! 2. The journal, streamed in seq order: seq has no gaps, each `prev` is
//!    the previous hash, each body is in canonical form, each hash is the
//!    SHA-256 of its canonical entry.
//! 3. The projections are rebuilt from the journal: a claim or report that
//!    is only ever added straight from its entry (the row `apply` inserts),
//!    everything else by replaying it with the same `apply` as live appends
//!    into a scratch database. Each table is compared with the stored one
//!    by keyed sums of its rows; a table whose sums differ is replayed in
//!    full and compared row by row and column by column, to name the change.
//! 4. Every blob matches its SHA-256, and every captured file a report
//!    names is present.
//! 5. With a checkpoint, the entry at its seq still has its hash.

use super::replay::{self, Batch, Indexes, StoredEntry};
use super::{Head, apply, tree};
use crate::error::{Error, Result};
use crate::journal::Header;
use crate::journal::{self, Op};
use crate::model::Body;
use crate::model::{EntityId, IdKind};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// Projection tables and their keys, in the order they are compared.
pub const PROJECTIONS: &[(&str, &str)] = &[
    ("ledger", "id"),
    ("sources", "slug"),
    ("actors", "slug"),
    ("actor_aliases", "key"),
    ("events", "slug"),
    ("reports", "id"),
    ("claims", "id"),
    ("decisions", "id"),
    ("tree", "idx"),
    ("authors", "name"),
    ("policies", "name"),
];

/// Stop listing after this many problems; the first ones matter.
const MAX_PROBLEMS: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    pub what: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub entries: i64,
    pub head_seq: i64,
    pub head_hash: String,
    pub tables: Vec<String>,
    pub blobs: i64,
    /// Authors' signatures checked.
    pub signatures: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
    pub problems: Vec<Problem>,
}

/// A published digest of the journal at one seq: `tally:1:<seq>:<hash>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
}

impl Checkpoint {
    pub fn parse(field: &str, s: &str) -> Result<Checkpoint> {
        let bad = || Error::invalid(field, s, "expected a checkpoint tally:1:<seq>:<64 hex digits>");
        let rest = s.trim().strip_prefix("tally:1:").ok_or_else(bad)?;
        let (seq, hash) = rest.split_once(':').ok_or_else(bad)?;
        let seq: i64 = seq.parse().ok().filter(|n| *n >= 1).ok_or_else(bad)?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(bad());
        }
        Ok(Checkpoint {
            seq,
            hash: hash.to_string(),
        })
    }
}

impl std::fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "tally:1:{}:{}", self.seq, self.hash)
    }
}

struct Problems(Vec<Problem>);

impl Problems {
    fn at(&mut self, seq: i64, what: impl Into<String>) {
        if self.0.len() < MAX_PROBLEMS {
            self.0.push(Problem {
                seq: Some(seq),
                table: None,
                what: what.into(),
            });
        }
    }
    /// Adds `other`'s problems, in seq order with this list's, this list's
    /// first where both name the same seq.
    fn merge_by_seq(&mut self, other: Problems) {
        self.0.extend(other.0);
        self.0.sort_by_key(|p| p.seq);
        self.0.truncate(MAX_PROBLEMS);
    }

    /// Adds `other`'s problems after this list's, in seq order among
    /// themselves.
    fn extend_sorted(&mut self, mut other: Problems) {
        other.0.sort_by_key(|p| p.seq);
        self.0.extend(other.0);
        self.0.truncate(MAX_PROBLEMS);
    }

    fn table(&mut self, table: &str, what: impl Into<String>) {
        if self.0.len() < MAX_PROBLEMS {
            self.0.push(Problem {
                seq: None,
                table: Some(table.to_string()),
                what: what.into(),
            });
        }
    }
}

/// Checks a ledger. One of an older schema version is checked twice: its
/// file by SQLite's integrity check (a copy rebuilds its indexes, so a
/// lying index would not show in it), and its migrated copy fully.
pub fn ledger(ledger: &super::Ledger, against: Option<&Checkpoint>) -> Result<VerifyReport> {
    let mut report = verify(ledger.conn(), ledger.file(), against)?;
    if ledger.is_older_version() {
        for what in integrity_check(ledger.path())? {
            report.problems.push(Problem {
                seq: None,
                table: Some("file".into()),
                what,
            });
        }
        report.ok = report.problems.is_empty();
    }
    Ok(report)
}

/// Checks the ledger at `path` (opened as `conn`).
pub fn verify(conn: &Connection, path: &Path, against: Option<&Checkpoint>) -> Result<VerifyReport> {
    verify_with(conn, path, against, &super::MIGRATIONS)
}

/// [`verify`] against the schema that `migrations` build.
pub fn verify_with(
    conn: &Connection,
    path: &Path,
    against: Option<&Checkpoint>,
    migrations: &[&str],
) -> Result<VerifyReport> {
    let mut problems = Problems(Vec::new());
    // Every read below sees one snapshot, even while others append.
    let snapshot = conn.unchecked_transaction()?;
    // 1: the schema holds tally's objects and nothing else. With a table
    // dropped or changed, the rest cannot be read as tally's: report that.
    check_schema(conn, &replay::scratch_with(Indexes::With, migrations)?, &mut problems)?;
    if !problems.0.is_empty() {
        drop(snapshot);
        return Ok(VerifyReport {
            ok: false,
            entries: 0,
            head_seq: 0,
            head_hash: String::new(),
            tables: Vec::new(),
            blobs: 0,
            signatures: 0,
            checkpoint: against.map(|c| c.to_string()),
            problems: problems.0,
        });
    }

    // 2 + 3a: the chain on this thread, the replay on another, fed in
    // batches. A claim or report that is only ever added has the row
    // `apply` would insert, so that row goes straight into the expected
    // sum; everything else is replayed into a scratch database and summed
    // from there.
    let amended = amended_entities(conn)?;
    let key = Sums::new_key()?;
    let (mut next, mut head, mut entries) = (1i64, Head::genesis(), 0i64);
    let snapshot_head = super::head_of(conn)?;
    let (expected, replay_problems, stored) = std::thread::scope(|scope| -> Result<_> {
        let (send, receive) = std::sync::mpsc::sync_channel::<Batch>(16);
        let replayer = scope.spawn(|| replay_all(receive, &amended, key, migrations, path, snapshot_head.seq));
        // SQLite's own check of every page and index, beside the rest: an
        // index that lies makes reads lie while every table is intact.
        let sqlite = scope.spawn(|| integrity_check(path));
        // The stored tables are summed alongside, on a third thread.
        let summer = scope.spawn(|| stored_sums(path, &snapshot_head, key));
        let mut batch = Batch::default();
        let streamed = replay::each_entry(conn, None, |e| {
            entries += 1;
            check_link(&e, next, &head.hash, &mut problems);
            next = e.seq + 1;
            head = Head {
                seq: e.seq,
                hash: e.hash.to_string(),
            };
            batch.push(&e);
            if batch.len() == BATCH {
                // A closed channel means the replayer failed: it says why.
                let _ = send.send(std::mem::take(&mut batch));
            }
            Ok(())
        });
        let _ = send.send(batch);
        drop(send);
        let stored = match summer.join() {
            Ok(Ok(Some(sums))) => sums,
            // Another snapshot, or no connection: sum them here, in this one.
            _ => {
                let mut sums = Sums::with_key(key);
                for (table, _) in PROJECTIONS {
                    sums.add_table(conn, table)?;
                }
                sums
            }
        };
        let (expected, mut replay_problems) = replayer
            .join()
            .map_err(|_| Error::Runtime("the replay thread failed".into()))??;
        for what in sqlite
            .join()
            .map_err(|_| Error::Runtime("the integrity_check thread failed".into()))??
        {
            replay_problems.table("file", what);
        }
        streamed?;
        Ok((expected, replay_problems, stored))
    })?;
    problems.merge_by_seq(replay_problems);

    // 3b: stored projections against the replay, by their sums; a table
    // whose sums differ is compared row by row to name what changed.
    let differing: Vec<&str> = PROJECTIONS
        .iter()
        .map(|(t, _)| *t)
        .filter(|t| stored.of(t) != expected.of(t))
        .collect();
    if !differing.is_empty() {
        explain(path, &differing, migrations, &mut problems)?;
    }

    // 4: blobs, and authors' signatures.
    let blobs = check_blobs(conn, &mut problems)?;
    // Signatures are checked a batch at a time, so their problems are
    // found out of order.
    let mut by_signatures = Problems(Vec::new());
    let signatures = check_signatures(conn, &mut by_signatures)?;
    problems.extend_sorted(by_signatures);

    // 5: the checkpoint.
    if let Some(cp) = against {
        let stored: Option<String> = conn
            .query_row("SELECT hash FROM journal WHERE seq = ?", [cp.seq], |r| r.get(0))
            .optional()?;
        match stored {
            None => problems.at(
                cp.seq,
                format!(
                    "checkpoint {cp} names seq {} but the journal ends at seq {}: it was truncated",
                    cp.seq, head.seq
                ),
            ),
            Some(h) if h != cp.hash => problems.at(
                cp.seq,
                format!(
                    "checkpoint {cp} does not match: the entry at seq {} now has hash {h}: history was rewritten",
                    cp.seq
                ),
            ),
            Some(_) => {}
        }
    }
    drop(snapshot);

    let problems = problems.0;
    Ok(VerifyReport {
        ok: problems.is_empty(),
        entries,
        head_seq: head.seq,
        head_hash: head.hash,
        tables: PROJECTIONS.iter().map(|(t, _)| t.to_string()).collect(),
        blobs,
        signatures,
        checkpoint: against.map(|c| c.to_string()),
        problems,
    })
}

/// Every signature against its entry and its author's key at the time,
/// and every entry that needed one: written as an author with a key, or
/// after the signature policy. Returns the number of signatures checked.
fn check_signatures(conn: &Connection, problems: &mut Problems) -> Result<i64> {
    let any: bool = conn.query_row(
        // The projections, not a scan of the journal: they were compared
        // with the journal's replay above, so an emptied one is reported.
        "SELECT EXISTS (SELECT 1 FROM signatures) OR EXISTS (SELECT 1 FROM authors) OR EXISTS (SELECT 1 FROM policies)",
        [],
        |r| r.get(0),
    )?;
    if !any {
        return Ok(0);
    }
    let mut stmt = conn.prepare("SELECT seq FROM signatures WHERE seq NOT IN (SELECT seq FROM journal)")?;
    for seq in stmt.query_map([], |r| r.get::<_, i64>(0))? {
        problems.at(seq?, "a signature names an entry the journal does not have");
    }
    // Authors' keys (parsed once each) and the policy, in journal order;
    // each entry with its signatures, if any, through the (seq, key) index.
    // Signatures by the registered key are checked in batches on other
    // threads while this one reads on; each that fails is reported at the
    // end, naming its seq and author.
    let (checked, failed) = crate::keys::check_in_batches(|feed| -> Result<i64> {
        let mut keys: HashMap<String, (String, ed25519_dalek::VerifyingKey)> = HashMap::new();
        let mut required = false;
        let mut checked = 0;
        let mut stmt = conn.prepare(
            "SELECT j.seq, j.author, j.op, j.entity, j.body, j.hash, s.key, s.sig
         FROM journal j LEFT JOIN signatures s ON s.seq = j.seq ORDER BY j.seq, s.key",
        )?;
        let mut rows = stmt.query([])?;
        // The entry being read: seq, author, whether the policy bound it,
        // whether a signature by its author's key was found.
        let mut entry: Option<(i64, String, bool, bool)> = None;
        // Closes an entry: one that needed a signature and has none.
        let close = |entry: Option<(i64, String, bool, bool)>, problems: &mut Problems, keys: &HashMap<_, _>| {
            if let Some((seq, author, required, false)) = entry {
                if keys.contains_key(&author) {
                    problems.at(
                        seq,
                        format!("written as '{author}', who has a key, but carries no valid signature by it"),
                    );
                } else if required {
                    problems.at(seq, "an unsigned entry after the ledger required signatures");
                }
            }
        };
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            if entry.as_ref().is_none_or(|(at, ..)| *at != seq) {
                close(entry.take(), problems, &keys);
                let (author, op, entity): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
                // A key registered by this very entry signs it (Tx::append
                // applies, then signs); the policy binds the entries after it.
                entry = Some((seq, author, required, false));
                required |= op == Op::PolicySet.as_str() && entity == crate::model::REQUIRE_SIGNATURES;
                if op == Op::AuthorAdd.as_str()
                    && let Ok(b) = serde_json::from_str::<crate::model::AuthorBody>(&r.get::<_, String>(4)?)
                    && let Some(v) = crate::keys::ed25519_key(&b.key)
                {
                    keys.insert(entity, (b.key, v));
                }
            }
            let Some((key, sig)) = r.get::<_, Option<String>>(6)?.zip(r.get::<_, Option<Vec<u8>>>(7)?) else {
                continue;
            };
            checked += 1;
            let Some((_, author, _, signed)) = entry.as_mut() else {
                continue;
            };
            match keys.get(author.as_str()).filter(|(k, _)| *k == key) {
                None => problems.at(
                    seq,
                    format!("signed by a key that is not the registered key of author '{author}'"),
                ),
                Some((_, verifier)) => {
                    // Counted as signed now; a signature that fails is
                    // reported as not verifying.
                    *signed = true;
                    let digest = tree::hash_bytes(&r.get::<_, String>(5)?).unwrap_or_default();
                    feed.push((seq, author.clone()), digest, &sig, *verifier);
                }
            }
        }
        close(entry, problems, &keys);
        Ok(checked)
    });
    for (seq, author) in failed {
        problems.at(
            seq,
            format!("the signature of author '{author}' does not verify: the entry or the signature was changed"),
        );
    }
    checked
}

/// Entries handed to the replay thread at a time.
const BATCH: usize = 512;

/// Checks one entry's place in the chain: its seq, its link to the entry
/// before and its hash.
fn check_link(e: &StoredEntry, next: i64, prev: &str, problems: &mut Problems) {
    if e.seq != next {
        problems.at(
            e.seq,
            format!(
                "seq {} follows seq {}: entries are missing or out of order",
                e.seq,
                next - 1
            ),
        );
    }
    if e.prev != prev {
        problems.at(e.seq, "prev is not the hash of the entry before it");
    }
    let recomputed = journal::entry_hash(e.seq, &e.prev, &e.at, &e.author, &e.op, &e.entity, &e.body);
    if recomputed != e.hash {
        problems.at(e.seq, "hash does not match the entry's content: the entry was edited");
    }
}

/// The replay thread: checks each body's canonical form, and returns the
/// expected sums of every projection table and the entries that are not
/// canonical or could not be replayed.
fn replay_all(
    batches: std::sync::mpsc::Receiver<Batch>,
    amended: &Amended,
    key: [u8; 32],
    migrations: &[&str],
    path: &Path,
    head: i64,
) -> Result<(Sums, Problems)> {
    let scratch = replay::scratch_with(Indexes::Without, migrations)?;
    let stored = read_only(path)?;
    let mut defined = Defined::new(head);
    let mut expected = Sums::with_key(key);
    let mut problems = Problems(Vec::new());
    // The Merkle tree needs only its right edge: summed here, not stored.
    let mut edge = tree::Edge::default();
    scratch.execute_batch("BEGIN")?;
    for batch in batches {
        for e in batch.iter() {
            match edge.push(&e.hash) {
                Ok(rows) => {
                    for (index, hash) in rows {
                        expected.add_values(
                            "tree",
                            [ValueRef::Integer(index as i64), ValueRef::Blob(&hash.0)].into_iter(),
                        );
                    }
                }
                Err(err) => problems.at(e.seq, err.to_string()),
            }
            if !journal::is_canonical(&e.body) {
                match serde_json::from_str::<serde::de::IgnoredAny>(&e.body) {
                    Ok(_) => problems.at(e.seq, "body is not in canonical form"),
                    Err(err) => problems.at(e.seq, format!("entry {}: body is not valid JSON: {err}", e.seq)),
                }
            }
            let (h, body) = match e.typed() {
                Ok(typed) => typed,
                Err(err) => {
                    problems.at(e.seq, err.to_string());
                    continue;
                }
            };
            if let Err(why) = body.validate(h.entity) {
                problems.at(e.seq, format!("{h}: tally would never have written it: {why}"));
                continue;
            }
            if let Some(why) = defined.refer(&h, &body, &stored)? {
                problems.at(e.seq, format!("{h}: {why}"));
            }
            let replayed = match (&body, amended.contains(h.entity)) {
                (Body::Report(b), false) if h.op == Op::ReportAdd => {
                    apply::report_row(&h, b).map(|row| expected.add("reports", &row))
                }
                (Body::Claim(b), false) if h.op == Op::ClaimAdd => {
                    apply::claim_row(&h, b).map(|row| expected.add("claims", &row))
                }
                _ => apply::apply(&scratch, &h, &body),
            };
            if let Err(err) = replayed {
                problems.at(e.seq, format!("cannot be replayed: {err}"));
            }
        }
    }
    scratch.execute_batch("COMMIT")?;
    for (table, _) in PROJECTIONS {
        expected.add_table(&scratch, table)?;
    }
    Ok((expected, problems))
}

/// The sums of the stored tables, read through a connection of their own,
/// or `None` if its snapshot is not the one verify checks (an append landed
/// in between): a ledger whose journal ends at the same entry has the same
/// projections, since both are written in the same transaction.
fn stored_sums(path: &Path, head: &Head, key: [u8; 32]) -> Result<Option<Sums>> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let snapshot = conn.unchecked_transaction()?;
    if super::head_of(&conn)? != *head {
        return Ok(None);
    }
    let mut sums = Sums::with_key(key);
    for (table, _) in PROJECTIONS {
        sums.add_table(&conn, table)?;
    }
    drop(snapshot);
    Ok(Some(sums))
}

/// Entities with more than one journal entry: amended, retracted, or added
/// twice. Read from the `(entity, seq)` index; an index that lies makes the
/// sums disagree, which is reported.
fn amended_entities(conn: &Connection) -> Result<Amended> {
    let mut amended = Amended::new();
    let mut stmt = conn.prepare("SELECT entity FROM journal GROUP BY entity HAVING count(*) > 1")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let rusqlite::types::ValueRef::Text(t) = r.get_ref(0)? {
            amended.insert(t);
        }
    }
    Ok(amended)
}

/// A set of entities kept as a fixed bitmap of their hashes, so that its
/// memory does not grow with the ledger. A collision only makes an
/// add-only entity look amended, which sends it through the replay: slower
/// for that one entity, the same row in the end.
struct Amended {
    bits: Vec<u64>,
    hasher: std::collections::hash_map::RandomState,
}

impl Amended {
    /// 2^26 bits, 8 MiB of address space, touched only where bits are set.
    const WORDS: usize = 1 << 20;

    fn new() -> Amended {
        Amended {
            bits: vec![0; Self::WORDS],
            hasher: Default::default(),
        }
    }

    fn slot(&self, entity: &[u8]) -> (usize, u64) {
        let h = std::hash::BuildHasher::hash_one(&self.hasher, entity) as usize;
        ((h / 64) % Self::WORDS, 1 << (h % 64))
    }

    fn insert(&mut self, entity: &[u8]) {
        let (word, bit) = self.slot(entity);
        self.bits[word] |= bit;
    }

    fn contains(&self, entity: &str) -> bool {
        self.contains_bytes(entity.as_bytes())
    }

    fn contains_bytes(&self, key: &[u8]) -> bool {
        let (word, bit) = self.slot(key);
        self.bits[word] & bit != 0
    }
}

/// Replays the whole journal again, inside one snapshot of the file, and
/// names the rows of each `table` that differ from the replay.
fn explain(path: &Path, tables: &[&str], migrations: &[&str], problems: &mut Problems) -> Result<()> {
    let scratch = replay::scratch_with(Indexes::Without, migrations)?;
    scratch.execute("ATTACH DATABASE ?1 AS stored", [path.to_string_lossy()])?;
    scratch.execute_batch("BEGIN")?;
    let mut edge = tree::Edge::default();
    replay::each_entry_in(&scratch, "stored", None, |e| {
        // Entries that cannot be replayed were reported by the first pass.
        if let Ok((h, body)) = e.typed() {
            let _ = apply::apply(&scratch, &h, &body);
        }
        if let Ok(rows) = edge.push(&e.hash) {
            tree::store(&scratch, &rows)?;
        }
        Ok(())
    })?;
    for table in tables {
        let key = PROJECTIONS.iter().find(|(t, _)| t == table).map_or("rowid", |(_, k)| k);
        if !compare_table(&scratch, table, key, problems)? {
            problems.table(table, "its rows do not add up to what the journal says");
        }
    }
    scratch.execute_batch("COMMIT; DETACH DATABASE stored")?;
    Ok(())
}

/// Per table, the sum modulo 2^256 of each row's SHA-256 under a key drawn
/// afresh for every run: equal sums mean equal tables, whatever the row
/// order, and no one can prepare rows whose sums collide without the key.
struct Sums {
    key: [u8; 32],
    sums: HashMap<&'static str, [u64; 4]>,
}

impl Sums {
    fn new_key() -> Result<[u8; 32]> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| Error::Runtime(format!("no randomness from the OS: {e}")))?;
        Ok(key)
    }

    fn with_key(key: [u8; 32]) -> Sums {
        Sums {
            key,
            sums: HashMap::new(),
        }
    }

    fn of(&self, table: &str) -> [u64; 4] {
        self.sums.get(table).copied().unwrap_or_default()
    }

    fn add_values<'v>(&mut self, table: &'static str, values: impl Iterator<Item = ValueRef<'v>>) {
        let mut h = Sha256::new();
        h.update(self.key);
        for v in values {
            match v {
                ValueRef::Null => h.update([0]),
                ValueRef::Integer(i) => {
                    h.update([1]);
                    h.update(i.to_le_bytes());
                }
                ValueRef::Real(x) => {
                    h.update([2]);
                    h.update(x.to_le_bytes());
                }
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    h.update([if matches!(v, ValueRef::Text(_)) { 3 } else { 4 }]);
                    h.update((t.len() as u64).to_le_bytes());
                    h.update(t);
                }
            }
        }
        let d = h.finalize();
        let sum = self.sums.entry(table).or_default();
        for (lane, chunk) in sum.iter_mut().zip(d.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            *lane = lane.wrapping_add(u64::from_le_bytes(word));
        }
    }

    fn add(&mut self, table: &'static str, row: &apply::Row) {
        self.add_values(
            table,
            row.iter().map(|(_, v)| match v {
                ToSqlOutput::Borrowed(r) => *r,
                ToSqlOutput::Owned(o) => o.into(),
                _ => ValueRef::Null,
            }),
        );
    }

    /// Adds every row of `table` in `conn`.
    fn add_table(&mut self, conn: &Connection, table: &'static str) -> Result<()> {
        let mut stmt = conn.prepare(&format!("SELECT * FROM main.{table}"))?;
        let n = stmt.column_count();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            self.add_values(table, (0..n).map(|i| r.get_ref_unwrap(i)));
        }
        Ok(())
    }
}

/// A read-only connection of its own to the ledger file.
fn read_only(path: &Path) -> Result<Connection> {
    Ok(Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

/// SQLite's `PRAGMA integrity_check`: what it finds wrong, if anything.
fn integrity_check(path: &Path) -> Result<Vec<String>> {
    let conn = read_only(path)?;
    let mut stmt = conn.prepare("PRAGMA integrity_check(20)")?;
    let found: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(found
        .into_iter()
        .filter(|m| m != "ok")
        .map(|m| format!("SQLite's integrity check: {m}"))
        .collect())
}

/// What the journal has defined so far, read in seq order, so that each
/// entry may refer only to what existed when it was written. Slugs are kept
/// as a fixed bitmap of hashes and ids as bits by number, so memory stays
/// flat (a collision could only hide a dangling reference, by chance,
/// under a key drawn afresh each run).
struct Defined {
    slugs: Amended,
    ids: HashMap<IdKind, Vec<u64>>,
    /// Ids are numbered from 1 and never pass the number of entries.
    bound: i64,
}

impl Defined {
    fn new(head: i64) -> Defined {
        Defined {
            slugs: Amended::new(),
            ids: HashMap::new(),
            bound: head,
        }
    }

    fn slug_key(noun: &str, slug: &str) -> Vec<u8> {
        [noun.as_bytes(), b":", slug.as_bytes()].concat()
    }

    fn has_slug(&self, noun: &str, slug: &str) -> bool {
        self.slugs.contains_bytes(&Self::slug_key(noun, slug))
    }

    fn has_id(&self, id: EntityId) -> bool {
        let n = id.num as usize;
        self.ids
            .get(&id.kind)
            .is_some_and(|bits| bits.get(n / 64).is_some_and(|w| w & (1 << (n % 64)) != 0))
    }

    /// Records what entry `h` defines, and says what it refers to that
    /// did not exist when it was written.
    fn refer(&mut self, h: &Header, body: &Body, stored: &Connection) -> Result<Option<String>> {
        if matches!(h.op, Op::SourceAdd | Op::ActorAdd | Op::EventAdd) {
            self.slugs.insert(&Self::slug_key(h.op.noun(), h.entity));
        }
        if matches!(h.op, Op::ReportAdd | Op::ClaimAdd | Op::DecisionAdd)
            && let Some(id) = EntityId::parse(h.entity)
        {
            if id.num > self.bound {
                return Ok(Some(format!("id {} is past the number of entries", h.entity)));
            }
            let n = id.num as usize;
            let bits = self.ids.entry(id.kind).or_default();
            if bits.len() <= n / 64 {
                bits.resize(n / 64 + 1, 0);
            }
            bits[n / 64] |= 1 << (n % 64);
        }
        let missing = |what: &str, id: &str| Some(format!("it refers to {what} '{id}', which did not exist then"));
        Ok(match body {
            Body::Report(b) if !self.has_slug("source", &b.source) => missing("source", &b.source),
            Body::Report(b) => match &b.capture {
                Some(c) if !blob_exists(stored, &c.sha256)? => {
                    Some(format!("its captured file {} is missing from the blobs", c.sha256))
                }
                _ => None,
            },
            Body::Claim(b) if !EntityId::parse(&b.report).is_some_and(|id| self.has_id(id)) => {
                missing("report", &b.report)
            }
            Body::Claim(b) if !self.has_slug("event", &b.event) => missing("event", &b.event),
            Body::Claim(b) => match b.actor.as_deref() {
                Some(a) if a != "unknown" && !self.has_slug("actor", a) => missing("actor", a),
                _ => None,
            },
            Body::Decision(b) if !self.has_slug("event", &b.event) => missing("event", &b.event),
            _ => None,
        })
    }
}

use super::query::blob_exists;

/// A text column as a string, lossily where it is not UTF-8.
fn lossy_text(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(x) => x.to_string(),
        ValueRef::Null => String::new(),
    }
}

/// Whitespace folded, so that the same definition compares equal however
/// it was laid out.
fn folded_sql(sql: &Option<String>) -> Option<String> {
    sql.as_ref().map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The file holds exactly the tables, indexes and triggers that tally's
/// migrations create, each as they define it: nothing missing, nothing
/// altered, nothing added (statistics tables that `ANALYZE` writes aside).
fn check_schema(conn: &Connection, scratch: &Connection, problems: &mut Problems) -> Result<()> {
    type Object = (String, String, Option<String>);
    let objects = |c: &Connection| -> Result<Vec<Object>> {
        let mut stmt =
            c.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    };
    let stored = objects(conn)?;
    let expected = objects(scratch)?;
    for (kind, name, sql) in &expected {
        match stored.iter().find(|(_, n, _)| n == name) {
            None => problems.table(name, format!("{kind} {name} is missing from the file")),
            Some((k, _, s)) if k != kind || folded_sql(s) != folded_sql(sql) => {
                problems.table(name, format!("{kind} {name} was altered"))
            }
            Some(_) => {}
        }
    }
    for (kind, name, _) in &stored {
        if !expected.iter().any(|(_, n, _)| n == name) {
            problems.table(name, format!("{kind} {name} was added: tally never creates it"));
        }
    }
    Ok(())
}

/// Names the first rows of `table` where stored and replayed differ.
fn compare_table(scratch: &Connection, table: &str, key: &str, problems: &mut Problems) -> Result<bool> {
    // Rows can only be compared column by column when the columns agree;
    // a table whose columns were changed is reported as such.
    let columns = |schema: &str| -> Result<Vec<(String, String)>> {
        Ok(scratch
            .prepare("SELECT name, type FROM pragma_table_info(?1, ?2) ORDER BY cid")?
            .query_map([table, schema], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    };
    let (stored, expected) = (columns("stored")?, columns("main")?);
    if stored != expected {
        let names = |c: &[(String, String)]| c.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");
        problems.table(
            table,
            format!(
                "its columns are ({}) where tally's schema has ({})",
                names(&stored),
                names(&expected)
            ),
        );
        return Ok(true);
    }
    let sql = format!(
        "SELECT {key} FROM (SELECT * FROM stored.{table} EXCEPT SELECT * FROM main.{table})
         UNION SELECT {key} FROM (SELECT * FROM main.{table} EXCEPT SELECT * FROM stored.{table})
         ORDER BY 1 LIMIT 5"
    );
    let keys: Vec<Value> = scratch
        .prepare(&sql)?
        .query_map([], |r| r.get_ref(0).map(lossy))?
        .collect::<rusqlite::Result<_>>()?;
    let found = !keys.is_empty();
    for k in keys {
        let label = match &k {
            Value::Text(t) => t.clone(),
            Value::Integer(i) => i.to_string(),
            other => format!("{other:?}"),
        };
        let label = if table == "tree" {
            format!("{label} (the Merkle tree's stored hash {label})")
        } else {
            label
        };
        let row = |schema: &str| -> Result<Option<(Vec<String>, Vec<Value>)>> {
            let mut stmt = scratch.prepare(&format!("SELECT * FROM {schema}.{table} WHERE {key} = ?"))?;
            let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
            let n = names.len();
            let values = stmt
                .query_row([&k], |r| {
                    (0..n)
                        .map(|i| r.get_ref(i).map(lossy))
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .optional()?;
            Ok(values.map(|v| (names, v)))
        };
        let what = match (row("stored")?, row("main")?) {
            (Some(_), None) => format!("row {label} is not in the journal"),
            (None, Some(_)) => format!("row {label} is missing, but the journal records it"),
            (Some((names, stored)), Some((_, replayed))) => {
                let cols: Vec<String> = names
                    .iter()
                    .zip(stored.iter().zip(&replayed))
                    .filter(|(_, (a, b))| a != b)
                    .map(|(n, (a, b))| format!("{n} is {} but the journal says {}", show(a), show(b)))
                    .collect();
                format!("row {label}: {}", cols.join("; "))
            }
            (None, None) => format!("row {label} differs from the journal"),
        };
        problems.table(table, what);
    }
    Ok(found)
}

/// A stored value as it is, text that is not UTF-8 included (shown with
/// replacement characters), so that a forged value is reported, not a crash.
fn lossy(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(x) => Value::Real(x),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(x) => x.to_string(),
        Value::Text(t) => format!("{:?}", crate::model::shorten(t)),
        Value::Blob(b) => match <[u8; 32]>::try_from(b.as_slice()) {
            // A Merkle tree hash, in base64 as checkpoints print it.
            Ok(hash) => tlog_tiles::Hash(hash).to_string(),
            Err(_) => format!("<{} bytes>", b.len()),
        },
    }
}

fn check_blobs(conn: &Connection, problems: &mut Problems) -> Result<i64> {
    let mut count = 0;
    let mut stmt = conn.prepare("SELECT rowid, sha256 FROM blobs ORDER BY sha256")?;
    let rows: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get_ref(1).map(|v| lossy_text(v))?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (rowid, key) in rows {
        count += 1;
        // Read in pieces: a capture may be hundreds of MiB.
        match super::query::blob_digest_at(conn, rowid) {
            Ok(d) if d == key => {}
            _ => problems.table(
                "blobs",
                format!("blob {key} does not match its SHA-256: the captured file was altered"),
            ),
        }
    }
    let mut stmt = conn.prepare(
        "SELECT id, capture_sha256 FROM reports WHERE capture_sha256 IS NOT NULL
         AND capture_sha256 NOT IN (SELECT sha256 FROM blobs) ORDER BY num",
    )?;
    let missing: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, sha) in missing {
        problems.table(
            "blobs",
            format!("report {id} names captured file {sha}, which is missing"),
        );
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_parse_and_print() {
        let h = "a".repeat(64);
        let cp = Checkpoint::parse("--against", &format!("tally:1:12:{h}")).unwrap();
        assert_eq!(
            cp,
            Checkpoint {
                seq: 12,
                hash: h.clone()
            }
        );
        assert_eq!(cp.to_string(), format!("tally:1:12:{h}"));
        for bad in [
            "",
            "tally:1:0:aa",
            "tally:2:1:x",
            &format!("tally:1:-1:{h}"),
            &format!("tally:1:3:{}", "A".repeat(64)),
        ] {
            assert!(Checkpoint::parse("--against", bad).is_err(), "{bad}");
        }
    }
}
