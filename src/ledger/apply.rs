//! Journal entry → projection rows. The only code that writes projections.
//!
//! [`apply`] is called by the live append (inside its transaction) and by
//! replay (for `verify`, `diff --from`): both paths run the same statements,
//! so a projection can always be rebuilt from the journal alone. The rows
//! that a report or claim adds are built by [`report_row`] and
//! [`claim_row`], which `verify` also hashes directly (see `verify.rs`).

use crate::error::{Error, Result};
use crate::journal::{Header, Op};
use crate::model::{
    self, ActorBody, Body, ClaimBody, DecisionBody, EventBody, InitBody, ReportBody, RetractBody, SourceBody,
};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, params, params_from_iter};

/// One projection row, columns in schema order, borrowing from the entry.
pub type Row<'a> = Vec<ToSqlOutput<'a>>;

/// Applies one entry to the projections of `conn`.
pub fn apply(conn: &Connection, h: &Header, body: &Body) -> Result<()> {
    let changed = match (h.op, body) {
        (Op::LedgerInit, Body::Init(b)) => init(conn, h, b)?,
        (Op::SourceAdd | Op::SourceAmend, Body::Source(b)) => source(conn, h, b)?,
        (Op::ActorAdd | Op::ActorAmend, Body::Actor(b)) => actor(conn, h, b)?,
        (Op::EventAdd | Op::EventAmend, Body::Event(b)) => event(conn, h, b)?,
        (Op::ReportAdd, Body::Report(b)) => insert(conn, h, INSERT_REPORT, &report_row(h, b)?)?,
        (Op::ReportAmend, Body::Report(b)) => amend_report(conn, h, b)?,
        (Op::ClaimAdd, Body::Claim(b)) => insert(conn, h, INSERT_CLAIM, &claim_row(h, b)?)?,
        (Op::ClaimAmend, Body::Claim(b)) => amend_claim(conn, h, b)?,
        (Op::ClaimRetract, Body::Retract(b)) => retract(conn, h, b)?,
        (Op::DecisionAdd, Body::Decision(b)) => decision(conn, h, b)?,
        _ => return Err(Error::Integrity(format!("{h}: body does not fit the op"))),
    };
    if changed != 1 {
        return Err(Error::Integrity(format!(
            "{h}: it refers to something that does not exist"
        )));
    }
    Ok(())
}

/// The number in an id such as `r12` or `c3`, which must be written
/// without leading zeros so that the id and the number name one row.
fn num(h: &Header, prefix: char) -> Result<i64> {
    h.entity
        .strip_prefix(prefix)
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n > 0 && h.entity[1..] == n.to_string())
        .ok_or_else(|| {
            Error::Integrity(format!(
                "entry {}: '{}' is not a valid id for {}",
                h.seq,
                h.entity,
                h.op.as_str()
            ))
        })
}

fn sql_err<'a>(h: &'a Header) -> impl Fn(rusqlite::Error) -> Error + 'a {
    move |e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            Error::Integrity(format!("{h}: it adds something that already exists"))
        }
        e => Error::Sqlite(e),
    }
}

fn text(s: &str) -> ToSqlOutput<'_> {
    ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
}

fn opt_text(s: Option<&str>) -> ToSqlOutput<'_> {
    s.map_or(ToSqlOutput::Borrowed(ValueRef::Null), text)
}

fn int(i: i64) -> ToSqlOutput<'static> {
    ToSqlOutput::Borrowed(ValueRef::Integer(i))
}

fn opt_int(i: Option<i64>) -> ToSqlOutput<'static> {
    i.map_or(ToSqlOutput::Borrowed(ValueRef::Null), int)
}

fn owned(s: String) -> ToSqlOutput<'static> {
    ToSqlOutput::Owned(Value::Text(s))
}

/// Inserts a whole row with `sql`, one of the statements below.
fn insert(conn: &Connection, h: &Header, sql: &str, row: &Row) -> Result<usize> {
    conn.prepare_cached(sql)?
        .execute(params_from_iter(row.iter()))
        .map_err(sql_err(h))
}

const INSERT_REPORT: &str = "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const INSERT_CLAIM: &str =
    "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// The `reports` row that `report.add` creates.
pub fn report_row<'a>(h: &Header<'a>, b: &'a ReportBody) -> Result<Row<'a>> {
    let capture = b.capture.as_ref();
    Ok(vec![
        text(h.entity),
        int(num(h, 'r')?),
        text(&b.source),
        opt_text(b.title.as_deref()),
        opt_text(b.url.as_deref()),
        opt_text(b.published.as_deref()),
        text(&b.retrieved),
        opt_text(b.language.as_deref()),
        opt_text(b.text.as_deref()),
        opt_text(capture.map(|c| c.sha256.as_str())),
        opt_text(capture.map(|c| c.name.as_str())),
        opt_int(capture.map(|c| c.size)),
        int(1),
        int(h.seq),
    ])
}

/// The `claims` row that `claim.add` creates.
pub fn claim_row<'a>(h: &Header<'a>, b: &'a ClaimBody) -> Result<Row<'a>> {
    Ok(vec![
        text(h.entity),
        int(num(h, 'c')?),
        text(&b.event),
        text(&b.report),
        text(b.kind.as_str()),
        text(&b.subject),
        owned(model::fold(&b.subject)),
        opt_text(b.phrase.as_deref()),
        opt_int(b.low),
        opt_int(b.high),
        opt_int(b.point),
        opt_text(b.actor.as_deref()),
        opt_text(b.actor_desc.as_deref()),
        opt_text(b.stance.map(|s| s.as_str())),
        text(&b.origin),
        owned(model::fold(&b.origin)),
        text(b.hedge.as_str()),
        opt_text(b.quote.as_deref()),
        opt_text(b.note.as_deref()),
        int(1),
        int(0),
        opt_text(b.reason.as_deref()),
        int(h.seq),
        int(h.seq),
    ])
}

fn init(conn: &Connection, h: &Header, b: &InitBody) -> Result<usize> {
    if h.seq != 1 {
        return Err(Error::Integrity(format!(
            "entry {}: ledger.init may only be the first entry",
            h.seq
        )));
    }
    conn.prepare_cached("INSERT INTO ledger (id, version, demo, created) VALUES (?, ?, ?, ?)")?
        .execute(params![b.ledger_id, b.version, b.demo, h.at])
        .map_err(sql_err(h))
}

fn source(conn: &Connection, h: &Header, b: &SourceBody) -> Result<usize> {
    let sql = if h.op == Op::SourceAdd {
        "INSERT INTO sources (slug, name, kind, grade, url, note, revision, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)"
    } else {
        "UPDATE sources SET name = ?2, kind = ?3, grade = ?4, url = ?5, note = ?6, revision = revision + 1, seq = ?7 WHERE slug = ?1"
    };
    conn.prepare_cached(sql)?
        .execute(params![
            h.entity,
            b.name,
            b.kind.as_str(),
            b.grade.as_str(),
            b.url,
            b.note,
            h.seq
        ])
        .map_err(sql_err(h))
}

fn actor(conn: &Connection, h: &Header, b: &ActorBody) -> Result<usize> {
    let sql = if h.op == Op::ActorAdd {
        "INSERT INTO actors (slug, name, note, revision, seq) VALUES (?1, ?2, ?3, 1, ?4)"
    } else {
        "UPDATE actors SET name = ?2, note = ?3, revision = revision + 1, seq = ?4 WHERE slug = ?1"
    };
    let n = conn
        .prepare_cached(sql)?
        .execute(params![h.entity, b.name, b.note, h.seq])
        .map_err(sql_err(h))?;
    conn.prepare_cached("DELETE FROM actor_aliases WHERE actor = ?")?
        .execute([h.entity])?;
    let mut insert = conn.prepare_cached("INSERT INTO actor_aliases (key, actor, alias, given) VALUES (?, ?, ?, ?)")?;
    // The given aliases, then the slug and the name, which answer lookups
    // too; each spelling once.
    let names = b
        .aliases
        .iter()
        .map(|a| (a.as_str(), true))
        .chain([(h.entity, false), (b.name.as_str(), false)]);
    let mut seen = std::collections::HashSet::new();
    for (alias, given) in names {
        let key = model::fold(alias);
        if seen.insert(key.clone()) {
            insert
                .execute(params![key, h.entity, alias, given])
                .map_err(sql_err(h))?;
        }
    }
    Ok(n)
}

fn event(conn: &Connection, h: &Header, b: &EventBody) -> Result<usize> {
    let (start, end, precision) =
        model::event_date("date", &b.date).map_err(|e| Error::Integrity(format!("entry {}: {e}", h.seq)))?;
    let sql = if h.op == Op::EventAdd {
        "INSERT INTO events (slug, title, date_start, date_end, precision, place, region, country, lat, lon, type, revision, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12)"
    } else {
        "UPDATE events SET title = ?2, date_start = ?3, date_end = ?4, precision = ?5, place = ?6, region = ?7,
         country = ?8, lat = ?9, lon = ?10, type = ?11, revision = revision + 1, seq = ?12 WHERE slug = ?1"
    };
    conn.prepare_cached(sql)?
        .execute(params![
            h.entity,
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
            h.seq
        ])
        .map_err(sql_err(h))
}

fn amend_report(conn: &Connection, h: &Header, b: &ReportBody) -> Result<usize> {
    // The add row's columns, matched on the ones an amendment keeps.
    let row = report_row(h, b)?;
    conn.prepare_cached(
        "UPDATE reports SET title = ?4, url = ?5, published = ?6, retrieved = ?7, language = ?8, text = ?9,
             capture_sha256 = ?10, capture_name = ?11, capture_size = ?12, revision = revision + 1, seq = ?14
         WHERE id = ?1 AND num = ?2 AND source = ?3",
    )?
    .execute(params_from_iter(row.iter()))
    .map_err(sql_err(h))
}

fn amend_claim(conn: &Connection, h: &Header, b: &ClaimBody) -> Result<usize> {
    let row = claim_row(h, b)?;
    conn.prepare_cached(
        "UPDATE claims SET event = ?3, kind = ?5, subject = ?6, subject_key = ?7, phrase = ?8, low = ?9, high = ?10,
             point = ?11, actor = ?12, actor_desc = ?13, stance = ?14, origin = ?15, origin_key = ?16, hedge = ?17,
             quote = ?18, note = ?19, revision = revision + 1, reason = ?22, seq = ?24
         WHERE id = ?1 AND num = ?2 AND report = ?4 AND retracted = 0",
    )?
    .execute(params_from_iter(row.iter()))
    .map_err(sql_err(h))
}

fn retract(conn: &Connection, h: &Header, b: &RetractBody) -> Result<usize> {
    conn.prepare_cached(
        "UPDATE claims SET retracted = 1, revision = revision + 1, reason = ?2, seq = ?3 WHERE id = ?1 AND retracted = 0",
    )?
    .execute(params![h.entity, b.reason, h.seq])
    .map_err(sql_err(h))
}

fn decision(conn: &Connection, h: &Header, b: &DecisionBody) -> Result<usize> {
    let n = num(h, 'd')?;
    conn.prepare_cached(
        "INSERT INTO decisions (id, num, event, kind, subject, subject_key, value, reason, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![h.entity, n, b.event, b.kind.as_str(), b.subject, model::fold(&b.subject), b.value, b.reason, h.seq])
    .map_err(sql_err(h))
}
