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
    self, ActorBody, Body, ClaimBody, DecisionBody, EntityId, EventBody, IdKind, InitBody, ReportBody, RetractBody,
    SourceBody,
};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, params};

/// One projection row: each column's named parameter (`:name`) and value,
/// in schema order, borrowing from the entry.
pub type Row<'a> = Vec<(&'static str, ToSqlOutput<'a>)>;

/// Applies one entry to the projections of `conn`.
pub fn apply(conn: &Connection, h: &Header, body: &Body) -> Result<()> {
    body.validate(h.entity)
        .map_err(|why| Error::Integrity(format!("{h}: {why}")))?;
    let changed = match (h.op, body) {
        (Op::LedgerInit, Body::Init(b)) => init(conn, h, b)?,
        (Op::SourceAdd | Op::SourceAmend, Body::Source(b)) => source(conn, h, b)?,
        (Op::ActorAdd | Op::ActorAmend, Body::Actor(b)) => actor(conn, h, b)?,
        (Op::EventAdd | Op::EventAmend, Body::Event(b)) => event(conn, h, b)?,
        (Op::ReportAdd, Body::Report(b)) => execute(conn, h, INSERT_REPORT, &report_row(h, b)?)?,
        (Op::ReportAmend, Body::Report(b)) => amend_report(conn, h, b)?,
        (Op::ClaimAdd, Body::Claim(b)) => execute(conn, h, INSERT_CLAIM, &claim_row(h, b)?)?,
        (Op::ClaimAmend, Body::Claim(b)) => amend_claim(conn, h, b)?,
        (Op::ClaimRetract | Op::ClaimRestore | Op::ReportRetract | Op::ReportRestore, Body::Retract(b)) => {
            retraction(conn, h, b)?
        }
        (Op::DecisionAdd, Body::Decision(b)) => decision(conn, h, b)?,
        (Op::AuthorAdd, Body::Author(b)) => conn
            .prepare_cached("INSERT OR REPLACE INTO authors (name, key, seq) VALUES (?, ?, ?)")?
            .execute(rusqlite::params![h.entity, b.key, h.seq])?,
        (Op::PolicySet, Body::Policy(b)) => conn
            .prepare_cached("INSERT INTO policies (name, reason, seq) VALUES (?, ?, ?)")?
            .execute(rusqlite::params![h.entity, b.reason, h.seq])?,
        _ => return Err(Error::Integrity(format!("{h}: body does not fit the op"))),
    };
    if changed != 1 {
        return Err(Error::Integrity(format!(
            "{h}: it refers to something that does not exist"
        )));
    }
    Ok(())
}

/// The number in an id of `kind`, such as `r12` or `c3`.
fn num(h: &Header, kind: IdKind) -> Result<i64> {
    EntityId::parse(h.entity)
        .filter(|id| id.kind == kind)
        .map(|id| id.num)
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

/// Runs `sql` with the values of `row` whose names it uses: an UPDATE
/// sets some columns of the row an INSERT adds whole.
fn execute(conn: &Connection, h: &Header, sql: &str, row: &Row) -> Result<usize> {
    let mut stmt = conn.prepare_cached(sql)?;
    for (name, value) in row {
        if let Some(i) = stmt.parameter_index(name)? {
            stmt.raw_bind_parameter(i, value)?;
        }
    }
    stmt.raw_execute().map_err(sql_err(h))
}

const INSERT_REPORT: &str = "INSERT INTO reports (id, num, source, title, url, published, retrieved, language, text,
        capture_sha256, capture_name, capture_size, revision, seq, retracted)
    VALUES (:id, :num, :source, :title, :url, :published, :retrieved, :language, :text,
        :capture_sha256, :capture_name, :capture_size, :revision, :seq, :retracted)";

const INSERT_CLAIM: &str = "INSERT INTO claims (id, num, event, report, kind, subject, subject_key, phrase, low, high,
        point, actor, actor_desc, stance, origin, origin_key, hedge, quote, note, revision, retracted, reason,
        added_seq, seq)
    VALUES (:id, :num, :event, :report, :kind, :subject, :subject_key, :phrase, :low, :high,
        :point, :actor, :actor_desc, :stance, :origin, :origin_key, :hedge, :quote, :note, :revision, :retracted, :reason,
        :added_seq, :seq)";

/// The `reports` row that `report.add` creates. `verify` sums this row
/// for reports never amended, so it must hold every column of the table
/// (a test checks it against the schema).
pub fn report_row<'a>(h: &Header<'a>, b: &'a ReportBody) -> Result<Row<'a>> {
    let capture = b.capture.as_ref();
    Ok(vec![
        (":id", text(h.entity)),
        (":num", int(num(h, IdKind::Report)?)),
        (":source", text(&b.source)),
        (":title", opt_text(b.title.as_deref())),
        (":url", opt_text(b.url.as_deref())),
        (":published", opt_text(b.published.as_deref())),
        (":retrieved", text(&b.retrieved)),
        (":language", opt_text(b.language.as_deref())),
        (":text", opt_text(b.text.as_deref())),
        (":capture_sha256", opt_text(capture.map(|c| c.sha256.as_str()))),
        (":capture_name", opt_text(capture.map(|c| c.name.as_str()))),
        (":capture_size", opt_int(capture.map(|c| c.size))),
        (":revision", int(1)),
        (":seq", int(h.seq)),
        (":retracted", int(0)),
    ])
}

/// The `claims` row that `claim.add` creates; like [`report_row`], every
/// column of the table.
pub fn claim_row<'a>(h: &Header<'a>, b: &'a ClaimBody) -> Result<Row<'a>> {
    Ok(vec![
        (":id", text(h.entity)),
        (":num", int(num(h, IdKind::Claim)?)),
        (":event", text(&b.event)),
        (":report", text(&b.report)),
        (":kind", text(b.kind.as_str())),
        (":subject", text(&b.subject)),
        (":subject_key", owned(model::fold(&b.subject))),
        (":phrase", opt_text(b.phrase.as_deref())),
        (":low", opt_int(b.low)),
        (":high", opt_int(b.high)),
        (":point", opt_int(b.point)),
        (":actor", opt_text(b.actor.as_deref())),
        (":actor_desc", opt_text(b.actor_desc.as_deref())),
        (":stance", opt_text(b.stance.map(|s| s.as_str()))),
        (":origin", text(&b.origin)),
        (":origin_key", owned(model::fold(&b.origin))),
        (":hedge", text(b.hedge.as_str())),
        (":quote", opt_text(b.quote.as_deref())),
        (":note", opt_text(b.note.as_deref())),
        (":revision", int(1)),
        (":retracted", int(0)),
        (":reason", opt_text(b.reason.as_deref())),
        (":added_seq", int(h.seq)),
        (":seq", int(h.seq)),
    ])
}

fn init(conn: &Connection, h: &Header, b: &InitBody) -> Result<usize> {
    if h.seq != 1 {
        return Err(Error::Integrity(format!(
            "entry {}: ledger.init may only be the first entry",
            h.seq
        )));
    }
    conn.prepare_cached("INSERT INTO ledger (id, version, demo, created, origin) VALUES (?, ?, ?, ?, ?)")?
        .execute(params![b.ledger_id, b.version, b.demo, h.at, b.origin])
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
        "INSERT INTO actors (slug, name, note, revision, seq, kind) VALUES (?1, ?2, ?3, 1, ?4, ?5)"
    } else {
        "UPDATE actors SET name = ?2, note = ?3, revision = revision + 1, seq = ?4, kind = ?5 WHERE slug = ?1"
    };
    let n = conn
        .prepare_cached(sql)?
        .execute(params![h.entity, b.name, b.note, h.seq, b.kind.as_str()])
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
    execute(
        conn,
        h,
        "UPDATE reports SET title = :title, url = :url, published = :published, retrieved = :retrieved,
             language = :language, text = :text, capture_sha256 = :capture_sha256, capture_name = :capture_name,
             capture_size = :capture_size, revision = revision + 1, seq = :seq
         WHERE id = :id AND num = :num AND source = :source",
        &report_row(h, b)?,
    )
}

fn amend_claim(conn: &Connection, h: &Header, b: &ClaimBody) -> Result<usize> {
    execute(
        conn,
        h,
        "UPDATE claims SET event = :event, kind = :kind, subject = :subject, subject_key = :subject_key,
             phrase = :phrase, low = :low, high = :high, point = :point, actor = :actor, actor_desc = :actor_desc,
             stance = :stance, origin = :origin, origin_key = :origin_key, hedge = :hedge, quote = :quote,
             note = :note, revision = revision + 1, reason = :reason, seq = :seq
         WHERE id = :id AND num = :num AND report = :report AND retracted = 0",
        &claim_row(h, b)?,
    )
}

/// A retraction or its undoing: each applies only to what is in the
/// other state (a retraction of something retracted changes no row).
fn retraction(conn: &Connection, h: &Header, b: &RetractBody) -> Result<usize> {
    let sql = match h.op {
        Op::ClaimRetract => {
            "UPDATE claims SET retracted = 1, revision = revision + 1, reason = ?2, seq = ?3 WHERE id = ?1 AND retracted = 0"
        }
        Op::ClaimRestore => {
            "UPDATE claims SET retracted = 0, revision = revision + 1, reason = ?2, seq = ?3 WHERE id = ?1 AND retracted = 1"
        }
        Op::ReportRetract => {
            "UPDATE reports SET retracted = 1, revision = revision + 1, seq = ?3 WHERE id = ?1 AND retracted = 0 AND ?2 IS NOT NULL"
        }
        _ => {
            "UPDATE reports SET retracted = 0, revision = revision + 1, seq = ?3 WHERE id = ?1 AND retracted = 1 AND ?2 IS NOT NULL"
        }
    };
    conn.prepare_cached(sql)?
        .execute(params![h.entity, b.reason, h.seq])
        .map_err(sql_err(h))
}

fn decision(conn: &Connection, h: &Header, b: &DecisionBody) -> Result<usize> {
    let n = num(h, IdKind::Decision)?;
    let (low, high) = b.range();
    conn.prepare_cached(
        "INSERT INTO decisions (id, num, event, kind, subject, subject_key, value, reason, seq, low, high)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        h.entity,
        n,
        b.event,
        b.kind.as_str(),
        b.subject,
        model::fold(&b.subject),
        b.value,
        b.reason,
        h.seq,
        low,
        high
    ])
    .map_err(sql_err(h))
}
