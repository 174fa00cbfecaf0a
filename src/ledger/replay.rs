//! Reading the journal back: streaming its entries, and rebuilding
//! projections from them into a scratch database.

use super::{SCHEMA, apply};
use crate::error::{Error, Result};
use crate::journal::{Entry, Header, Op};
use crate::model::Body;
use rusqlite::Connection;

/// A journal row exactly as stored, with its body text untouched.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub seq: i64,
    pub prev: String,
    pub at: String,
    pub author: String,
    pub op: String,
    pub entity: String,
    pub body: String,
    pub hash: String,
}

impl StoredEntry {
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

    /// The entry with its body parsed; a body that is not JSON is an integrity error.
    pub fn parse(&self) -> Result<Entry> {
        let body = serde_json::from_str(&self.body)
            .map_err(|e| Error::Integrity(format!("entry {}: body is not valid JSON: {e}", self.seq)))?;
        Ok(Entry {
            seq: self.seq,
            prev: self.prev.clone(),
            at: self.at.clone(),
            author: self.author.clone(),
            op: self.op.clone(),
            entity: self.entity.clone(),
            body,
            hash: self.hash.clone(),
        })
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
        let text = |i: usize| -> rusqlite::Result<String> {
            Ok(match r.get_ref(i)? {
                rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => match std::str::from_utf8(t)
                {
                    Ok(s) => s.to_owned(),
                    Err(_) => String::from_utf8_lossy(t).into_owned(),
                },
                rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                rusqlite::types::ValueRef::Real(x) => x.to_string(),
                rusqlite::types::ValueRef::Null => String::new(),
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

/// A scratch database with the ledger schema and no entries.
pub fn scratch() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// The projections as they stood after entry `upto`, rebuilt from the
/// journal of `conn` into a scratch database.
pub fn state_at(conn: &Connection, upto: Option<i64>) -> Result<Connection> {
    let mut target = scratch()?;
    let tx = target.transaction()?;
    each_entry(conn, upto, |stored| {
        let (header, body) = stored.typed()?;
        apply::apply(&tx, &header, &body)
    })?;
    tx.commit()?;
    Ok(target)
}
