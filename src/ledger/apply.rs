//! Journal entry → projection rows. The only code that writes projections.
//!
//! [`apply`] is called by the live append (inside its transaction) and by
//! replay (for `verify`, `diff --from`): both paths run the same statements,
//! so a projection can always be rebuilt from the journal alone.

use crate::error::{Error, Result};
use crate::journal::{Entry, Op};
use crate::model::{
    self, ActorBody, ClaimBody, DecisionBody, EventBody, InitBody, ReportBody, RetractBody, SourceBody,
};
use rusqlite::{Connection, params};
use serde::de::DeserializeOwned;

/// Applies one entry to the projections of `conn`.
pub fn apply(conn: &Connection, entry: &Entry) -> Result<()> {
    let fail = |what: String| Error::Integrity(format!("entry {} ({} {}): {what}", entry.seq, entry.op, entry.entity));
    let op = Op::parse(&entry.op).ok_or_else(|| fail("unknown op".into()))?;
    let changed = match op {
        Op::LedgerInit => init(conn, entry, body(entry)?)?,
        Op::SourceAdd | Op::SourceAmend => source(conn, entry, op == Op::SourceAdd, body(entry)?)?,
        Op::ActorAdd | Op::ActorAmend => actor(conn, entry, op == Op::ActorAdd, body(entry)?)?,
        Op::EventAdd | Op::EventAmend => event(conn, entry, op == Op::EventAdd, body(entry)?)?,
        Op::ReportAdd | Op::ReportAmend => report(conn, entry, op == Op::ReportAdd, body(entry)?)?,
        Op::ClaimAdd | Op::ClaimAmend => claim(conn, entry, op == Op::ClaimAdd, body(entry)?)?,
        Op::ClaimRetract => retract(conn, entry, body(entry)?)?,
        Op::DecisionAdd => decision(conn, entry, body(entry)?)?,
    };
    if changed != 1 {
        return Err(fail("it refers to something that does not exist".into()));
    }
    Ok(())
}

fn body<T: DeserializeOwned>(entry: &Entry) -> Result<T> {
    serde_json::from_value(entry.body.clone()).map_err(|e| {
        Error::Integrity(format!(
            "entry {} ({} {}): body does not fit the op: {e}",
            entry.seq, entry.op, entry.entity
        ))
    })
}

/// The number in an id such as `r12` or `c3`.
fn num(entry: &Entry, prefix: char) -> Result<i64> {
    entry
        .entity
        .strip_prefix(prefix)
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            Error::Integrity(format!(
                "entry {}: '{}' is not a valid id for {}",
                entry.seq, entry.entity, entry.op
            ))
        })
}

fn sql_err(entry: &Entry) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            Error::Integrity(format!(
                "entry {} ({} {}): it adds something that already exists",
                entry.seq, entry.op, entry.entity
            ))
        }
        e => Error::Sqlite(e),
    }
}

fn init(conn: &Connection, entry: &Entry, b: InitBody) -> Result<usize> {
    if entry.seq != 1 {
        return Err(Error::Integrity(format!(
            "entry {}: ledger.init may only be the first entry",
            entry.seq
        )));
    }
    conn.prepare_cached("INSERT INTO ledger (id, version, demo, created) VALUES (?, ?, ?, ?)")?
        .execute(params![b.ledger_id, b.version, b.demo, entry.at])
        .map_err(sql_err(entry))
}

fn source(conn: &Connection, entry: &Entry, add: bool, b: SourceBody) -> Result<usize> {
    let sql = if add {
        "INSERT INTO sources (slug, name, kind, grade, url, note, revision, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)"
    } else {
        "UPDATE sources SET name = ?2, kind = ?3, grade = ?4, url = ?5, note = ?6, revision = revision + 1, seq = ?7 WHERE slug = ?1"
    };
    conn.prepare_cached(sql)?
        .execute(params![
            entry.entity,
            b.name,
            b.kind.as_str(),
            b.grade.as_str(),
            b.url,
            b.note,
            entry.seq
        ])
        .map_err(sql_err(entry))
}

fn actor(conn: &Connection, entry: &Entry, add: bool, b: ActorBody) -> Result<usize> {
    let sql = if add {
        "INSERT INTO actors (slug, name, note, revision, seq) VALUES (?1, ?2, ?3, 1, ?4)"
    } else {
        "UPDATE actors SET name = ?2, note = ?3, revision = revision + 1, seq = ?4 WHERE slug = ?1"
    };
    let n = conn
        .prepare_cached(sql)?
        .execute(params![entry.entity, b.name, b.note, entry.seq])
        .map_err(sql_err(entry))?;
    conn.prepare_cached("DELETE FROM actor_aliases WHERE actor = ?")?
        .execute([&entry.entity])?;
    let mut insert = conn.prepare_cached("INSERT INTO actor_aliases (key, actor, alias, given) VALUES (?, ?, ?, ?)")?;
    // The given aliases, then the slug and the name, which answer lookups
    // too; each spelling once.
    let names = b
        .aliases
        .iter()
        .map(|a| (a, true))
        .chain([(&entry.entity, false), (&b.name, false)]);
    let mut seen = std::collections::HashSet::new();
    for (alias, given) in names {
        let key = model::fold(alias);
        if seen.insert(key.clone()) {
            insert
                .execute(params![key, entry.entity, alias, given])
                .map_err(sql_err(entry))?;
        }
    }
    Ok(n)
}

fn event(conn: &Connection, entry: &Entry, add: bool, b: EventBody) -> Result<usize> {
    let (start, end, precision) =
        model::event_date("date", &b.date).map_err(|e| Error::Integrity(format!("entry {}: {e}", entry.seq)))?;
    let sql = if add {
        "INSERT INTO events (slug, title, date_start, date_end, precision, place, region, country, lat, lon, type, revision, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12)"
    } else {
        "UPDATE events SET title = ?2, date_start = ?3, date_end = ?4, precision = ?5, place = ?6, region = ?7,
         country = ?8, lat = ?9, lon = ?10, type = ?11, revision = revision + 1, seq = ?12 WHERE slug = ?1"
    };
    conn.prepare_cached(sql)?
        .execute(params![
            entry.entity,
            b.title,
            start.to_string(),
            end.to_string(),
            precision,
            b.place,
            b.region,
            b.country,
            b.lat,
            b.lon,
            b.event_type,
            entry.seq
        ])
        .map_err(sql_err(entry))
}

fn report(conn: &Connection, entry: &Entry, add: bool, b: ReportBody) -> Result<usize> {
    let n = num(entry, 'r')?;
    let (sha, name, size) = match &b.capture {
        Some(c) => (Some(&c.sha256), Some(&c.name), Some(c.size)),
        None => (None, None, None),
    };
    let sql = if add {
        "INSERT INTO reports (id, num, source, title, url, published, retrieved, language, text,
                              capture_sha256, capture_name, capture_size, revision, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1, ?13)"
    } else {
        "UPDATE reports SET title = ?4, url = ?5, published = ?6, retrieved = ?7, language = ?8, text = ?9,
             capture_sha256 = ?10, capture_name = ?11, capture_size = ?12, revision = revision + 1, seq = ?13
         WHERE id = ?1 AND num = ?2 AND source = ?3"
    };
    conn.prepare_cached(sql)?
        .execute(params![
            entry.entity,
            n,
            b.source,
            b.title,
            b.url,
            b.published,
            b.retrieved,
            b.language,
            b.text,
            sha,
            name,
            size,
            entry.seq
        ])
        .map_err(sql_err(entry))
}

fn claim(conn: &Connection, entry: &Entry, add: bool, b: ClaimBody) -> Result<usize> {
    let n = num(entry, 'c')?;
    let sql = if add {
        "INSERT INTO claims (id, num, event, report, kind, subject, subject_key, phrase, low, high, point, actor,
                             actor_desc, stance, origin, origin_key, hedge, quote, note, revision, retracted, reason,
                             added_seq, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, 1, 0, ?20, ?21, ?21)"
    } else {
        "UPDATE claims SET event = ?3, kind = ?5, subject = ?6, subject_key = ?7, phrase = ?8, low = ?9, high = ?10,
             point = ?11, actor = ?12, actor_desc = ?13, stance = ?14, origin = ?15, origin_key = ?16, hedge = ?17,
             quote = ?18, note = ?19, revision = revision + 1, reason = ?20, seq = ?21
         WHERE id = ?1 AND num = ?2 AND report = ?4 AND retracted = 0"
    };
    conn.prepare_cached(sql)?
        .execute(params![
            entry.entity,
            n,
            b.event,
            b.report,
            b.kind.as_str(),
            b.subject,
            model::fold(&b.subject),
            b.phrase,
            b.low,
            b.high,
            b.point,
            b.actor,
            b.actor_desc,
            b.stance.map(|s| s.as_str()),
            b.origin,
            model::fold(&b.origin),
            b.hedge.as_str(),
            b.quote,
            b.note,
            b.reason,
            entry.seq
        ])
        .map_err(sql_err(entry))
}

fn retract(conn: &Connection, entry: &Entry, b: RetractBody) -> Result<usize> {
    conn.prepare_cached(
        "UPDATE claims SET retracted = 1, revision = revision + 1, reason = ?2, seq = ?3 WHERE id = ?1 AND retracted = 0",
    )?
    .execute(params![entry.entity, b.reason, entry.seq])
    .map_err(sql_err(entry))
}

fn decision(conn: &Connection, entry: &Entry, b: DecisionBody) -> Result<usize> {
    let n = num(entry, 'd')?;
    conn.prepare_cached(
        "INSERT INTO decisions (id, num, event, kind, subject, subject_key, value, reason, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![entry.entity, n, b.event, b.kind.as_str(), b.subject, model::fold(&b.subject), b.value, b.reason, entry.seq])
    .map_err(sql_err(entry))
}
