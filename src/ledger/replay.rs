//! Reading the journal back: streaming its entries, and rebuilding
//! projections from them into a scratch database.

use super::{MIGRATIONS, apply, migrate_with};
use crate::error::{Error, Result};
use crate::journal::{Header, Op};
use crate::model::Body;
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use std::borrow::Cow;

/// A journal row exactly as stored, with its body text untouched, borrowed
/// from the row being read (text that is not UTF-8 is replaced lossily, so
/// that a forged row is reported, not a crash).
#[derive(Debug, Clone)]
pub struct StoredEntry<'a> {
    pub seq: i64,
    pub prev: Cow<'a, str>,
    pub at: Cow<'a, str>,
    pub author: Cow<'a, str>,
    pub op: Cow<'a, str>,
    pub entity: Cow<'a, str>,
    pub body: Cow<'a, str>,
    pub hash: Cow<'a, str>,
}

impl StoredEntry<'_> {
    /// The text columns in table order, after `seq`.
    pub fn texts(&self) -> [&str; 7] {
        [
            &self.prev,
            &self.at,
            &self.author,
            &self.op,
            &self.entity,
            &self.body,
            &self.hash,
        ]
    }

    /// The op and body, typed; an unknown op or a body that does not fit
    /// it is an integrity error.
    pub fn typed(&self) -> Result<(Header<'_>, Body)> {
        let op = Op::parse(&self.op)
            .ok_or_else(|| Error::Integrity(format!("entry {}: unknown op '{}'", self.seq, self.op)))?;
        let body = Body::parse(op, &self.body).map_err(|e| {
            Error::Integrity(format!(
                "entry {} ({} {}): body does not fit the op: {e}",
                self.seq, self.op, self.entity
            ))
        })?;
        let header = Header {
            seq: self.seq,
            at: &self.at,
            op,
            entity: &self.entity,
        };
        Ok((header, body))
    }
}

/// Calls `f` on every entry with `seq <= upto` (all if `None`), in seq
/// order, one row at a time.
pub fn each_entry(conn: &Connection, upto: Option<i64>, f: impl FnMut(StoredEntry) -> Result<()>) -> Result<()> {
    each_entry_in(conn, "main", upto, f)
}

/// [`each_entry`] over the journal of the attached database `schema`.
pub fn each_entry_in(
    conn: &Connection,
    schema: &str,
    upto: Option<i64>,
    mut f: impl FnMut(StoredEntry) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT seq, prev, at, author, op, entity, body, hash FROM {schema}.journal WHERE seq <= ?1 ORDER BY seq"
    ))?;
    let mut rows = stmt.query([upto.unwrap_or(i64::MAX)])?;
    while let Some(r) = rows.next()? {
        // Columns are read as text whatever was stored, so that a forged
        // row of the wrong type is reported, not a crash.
        let text = |i: usize| -> rusqlite::Result<Cow<'_, str>> {
            Ok(match r.get_ref(i)? {
                ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t),
                ValueRef::Integer(i) => Cow::Owned(i.to_string()),
                ValueRef::Real(x) => Cow::Owned(x.to_string()),
                ValueRef::Null => Cow::Borrowed(""),
            })
        };
        f(StoredEntry {
            seq: r.get(0)?,
            prev: text(1)?,
            at: text(2)?,
            author: text(3)?,
            op: text(4)?,
            entity: text(5)?,
            body: text(6)?,
            hash: text(7)?,
        })?;
    }
    Ok(())
}

/// Journal entries packed into one buffer, to hand many to another thread
/// with two allocations instead of eight per entry.
#[derive(Debug, Default)]
pub struct Batch {
    text: String,
    /// seq, and where the text columns start and end in `text`: column i
    /// is `bounds[i]..bounds[i + 1]`.
    entries: Vec<(i64, [usize; 8])>,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn push(&mut self, e: &StoredEntry) {
        let mut bounds = [self.text.len(); 8];
        for (i, t) in e.texts().into_iter().enumerate() {
            self.text.push_str(t);
            bounds[i + 1] = self.text.len();
        }
        self.entries.push((e.seq, bounds));
    }

    pub fn iter(&self) -> impl Iterator<Item = StoredEntry<'_>> {
        self.entries.iter().map(|(seq, b)| {
            let col = |i: usize| Cow::Borrowed(&self.text[b[i]..b[i + 1]]);
            StoredEntry {
                seq: *seq,
                prev: col(0),
                at: col(1),
                author: col(2),
                op: col(3),
                entity: col(4),
                body: col(5),
                hash: col(6),
            }
        })
    }
}

/// Whether a scratch database gets the schema's secondary indexes: queries
/// over a rebuilt state need them, a replay that is only compared does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexes {
    With,
    Without,
}

/// A scratch database with the ledger schema and no entries: a private
/// temporary file that SQLite deletes on close, so that rebuilding a large
/// ledger's past costs disk, not memory.
pub fn scratch(indexes: Indexes) -> Result<Connection> {
    scratch_with(indexes, &MIGRATIONS)
}

/// [`scratch`] built by the migrations given: the same list that built
/// the ledger it stands beside.
pub fn scratch_with(indexes: Indexes, migrations: &[&str]) -> Result<Connection> {
    let mut conn = Connection::open("")?;
    conn.pragma_update(None, "temp_store", "FILE")?;
    migrate_with(&mut conn, migrations)?;
    if indexes == Indexes::Without {
        let names: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for name in names {
            conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
        }
    }
    Ok(conn)
}

/// The projections as they stood after entry `upto`, rebuilt from the
/// journal of `conn` into a scratch database.
pub fn state_at(conn: &Connection, upto: Option<i64>) -> Result<Connection> {
    let mut target = scratch(Indexes::With)?;
    let tx = target.transaction()?;
    each_entry(conn, upto, |stored| {
        let (header, body) = stored.typed()?;
        apply::apply(&tx, &header, &body)
    })?;
    tx.commit()?;
    Ok(target)
}
