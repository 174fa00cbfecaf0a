//! Read queries over the projections and the journal.
//!
//! Every function takes a plain `&Connection`, so it reads the live ledger
//! and a replayed past state (`replay::state_at`) alike.

use crate::error::{Error, Result};
use crate::journal::{Entry, Op};
use crate::model::{self, ActorKind, Grade, Hedge, IdKind, Kind, SourceKind, Stance, Vocabulary};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};
use serde::Serialize;
use std::collections::HashMap;

/// Closed vocabularies are stored as their one spelling and typed here, at
/// the store's edge: a stored value outside the vocabulary is an error of
/// the file, not a string that travels on.
macro_rules! stored_vocabulary {
    ($($t:ty),+) => {$(
        impl FromSql for $t {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                let s = v.as_str()?;
                <$t as Vocabulary>::ALL.iter().copied().find(|x| x.as_str() == s).ok_or_else(|| {
                    FromSqlError::Other(format!("'{s}' is not a {}", stringify!($t)).into())
                })
            }
        }
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(Vocabulary::as_str(*self)))
            }
        }
    )+};
}
stored_vocabulary!(SourceKind, ActorKind, Grade, Kind, Stance, Hedge, Op);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceView {
    pub slug: String,
    pub name: String,
    pub kind: SourceKind,
    pub grade: Grade,
    pub url: Option<String>,
    pub note: Option<String>,
    pub revision: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorView {
    pub slug: String,
    pub name: String,
    pub kind: ActorKind,
    pub aliases: Vec<String>,
    pub note: Option<String>,
    pub revision: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventView {
    pub slug: String,
    pub title: String,
    pub date_start: String,
    pub date_end: String,
    pub precision: String,
    pub place: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    pub revision: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportView {
    pub id: String,
    pub source: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub retrieved: String,
    pub language: Option<String>,
    pub text: Option<String>,
    pub capture_sha256: Option<String>,
    pub capture_name: Option<String>,
    pub capture_size: Option<i64>,
    pub revision: i64,
    pub retracted: bool,
}

/// A claim's current state with the provenance it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimView {
    pub id: String,
    pub event: String,
    pub report: String,
    pub source: String,
    pub grade: Grade,
    pub published: Option<String>,
    /// The report's URL.
    pub url: Option<String>,
    /// Whose word it is: the origin as written, resolved through the
    /// sources and actors as they stand when read.
    pub origin: String,
    /// The origin as written.
    pub origin_text: String,
    pub kind: Kind,
    pub subject: String,
    pub phrase: Option<String>,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub point: Option<i64>,
    pub actor: Option<String>,
    pub actor_desc: Option<String>,
    pub stance: Option<Stance>,
    pub hedge: Hedge,
    pub quote: Option<String>,
    pub note: Option<String>,
    pub revision: i64,
    /// The claim itself is retracted.
    pub retracted: bool,
    /// Its report is retracted (and so the claim does not count).
    pub report_retracted: bool,
    pub reason: Option<String>,
    /// Journal seq of the claim's first entry: the recording order.
    pub recorded_seq: i64,
    /// Journal seq of the latest revision.
    pub seq: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionView {
    pub id: String,
    pub event: String,
    pub kind: Kind,
    pub subject: String,
    pub value: i64,
    pub low: i64,
    /// `None`: the decided range is unbounded above.
    pub high: Option<i64>,
    pub reason: String,
    pub seq: i64,
}

fn source_row(r: &Row) -> rusqlite::Result<SourceView> {
    Ok(SourceView {
        slug: r.get("slug")?,
        name: r.get("name")?,
        kind: r.get("kind")?,
        grade: r.get("grade")?,
        url: r.get("url")?,
        note: r.get("note")?,
        revision: r.get("revision")?,
    })
}

pub fn source(conn: &Connection, slug: &str) -> Result<Option<SourceView>> {
    Ok(conn
        .prepare_cached("SELECT * FROM sources WHERE slug = ?")?
        .query_row([slug], source_row)
        .optional()?)
}

pub fn sources(conn: &Connection) -> Result<Vec<SourceView>> {
    let mut stmt = conn.prepare_cached("SELECT * FROM sources ORDER BY slug")?;
    let rows = stmt.query_map([], source_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The slug of the source whose slug or name (case- and space-insensitive) is `name`.
pub fn source_named(conn: &Connection, name: &str) -> Result<Option<String>> {
    let lower = name.to_ascii_lowercase();
    if let Some(slug) = conn
        .prepare_cached("SELECT slug FROM sources WHERE slug = ?")?
        .query_row([&lower], |r| r.get(0))
        .optional()?
    {
        return Ok(Some(slug));
    }
    // Names are stored with single spaces (model::name), so an index on
    // lower(name) finds them; fold() settles non-ASCII case.
    let folded = model::fold(name);
    let mut stmt = conn.prepare_cached("SELECT slug, name FROM sources WHERE lower(name) = lower(?1)")?;
    let rows = stmt.query_map([&folded], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (slug, n) = row?;
        if model::fold(&n) == folded {
            return Ok(Some(slug));
        }
    }
    Ok(None)
}

/// The source of report `id`, without reading its text.
pub fn report_source(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT source FROM reports WHERE id = ?")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// The source `slug`, or an input error naming `field`.
pub fn need_source(conn: &Connection, field: &str, slug: &str) -> Result<SourceView> {
    source(conn, slug)?.ok_or_else(|| {
        Error::unknown(
            &format!("source in {field}"),
            slug,
            "add it first with `tally source add`",
        )
    })
}

fn actor_row(conn: &Connection, r: &Row) -> Result<ActorView> {
    let slug: String = r.get("slug")?;
    // The aliases in the order they were given, from the actor's latest
    // entry: no read depends on the order of rows in a table.
    let aliases = match latest_entry(conn, &slug, &[Op::ActorAdd, Op::ActorAmend])? {
        Some(e) => {
            serde_json::from_value::<model::ActorBody>(e.body)
                .map_err(|err| Error::Integrity(format!("actor {slug}: entry {}: {err}", e.seq)))?
                .aliases
        }
        None => return Err(Error::Integrity(format!("actor {slug} has no journal entry"))),
    };
    Ok(ActorView {
        aliases,
        slug,
        name: r.get("name")?,
        kind: r.get("kind")?,
        note: r.get("note")?,
        revision: r.get("revision")?,
    })
}

pub fn actor(conn: &Connection, slug: &str) -> Result<Option<ActorView>> {
    let mut stmt = conn.prepare_cached("SELECT * FROM actors WHERE slug = ?")?;
    let mut rows = stmt.query([slug])?;
    match rows.next()? {
        Some(r) => Ok(Some(actor_row(conn, r)?)),
        None => Ok(None),
    }
}

pub fn actors(conn: &Connection) -> Result<Vec<ActorView>> {
    let mut stmt = conn.prepare_cached("SELECT * FROM actors ORDER BY slug")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(actor_row(conn, r)?);
    }
    Ok(out)
}

/// The actor whose slug, name or alias is `name`, compared case- and
/// space-insensitively.
pub fn resolve_actor(conn: &Connection, name: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT actor FROM actor_aliases WHERE key = ?")?
        .query_row([model::fold(name)], |r| r.get(0))
        .optional()?)
}

fn event_row(r: &Row) -> rusqlite::Result<EventView> {
    Ok(EventView {
        slug: r.get("slug")?,
        title: r.get("title")?,
        date_start: r.get("date_start")?,
        date_end: r.get("date_end")?,
        precision: r.get("precision")?,
        place: r.get("place")?,
        region: r.get("region")?,
        country: r.get("country")?,
        lat: r.get("lat")?,
        lon: r.get("lon")?,
        event_type: r.get("type")?,
        revision: r.get("revision")?,
    })
}

pub fn event(conn: &Connection, slug: &str) -> Result<Option<EventView>> {
    Ok(conn
        .prepare_cached("SELECT * FROM events WHERE slug = ?")?
        .query_row([slug], event_row)
        .optional()?)
}

pub fn events(conn: &Connection) -> Result<Vec<EventView>> {
    let mut stmt = conn.prepare_cached("SELECT * FROM events ORDER BY date_start, slug")?;
    let rows = stmt.query_map([], event_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Whether event `slug` exists, without reading its row.
pub fn event_exists(conn: &Connection, slug: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM events WHERE slug = ?")?
        .exists([slug])?)
}

pub fn need_event(conn: &Connection, field: &str, slug: &str) -> Result<EventView> {
    event(conn, slug)?.ok_or_else(|| {
        Error::unknown(
            &format!("event in {field}"),
            slug,
            "add it first with `tally event add`",
        )
    })
}

fn report_row(r: &Row) -> rusqlite::Result<ReportView> {
    Ok(ReportView {
        id: r.get("id")?,
        source: r.get("source")?,
        title: r.get("title")?,
        url: r.get("url")?,
        published: r.get("published")?,
        retrieved: r.get("retrieved")?,
        language: r.get("language")?,
        text: r.get("text")?,
        capture_sha256: r.get("capture_sha256")?,
        capture_name: r.get("capture_name")?,
        capture_size: r.get("capture_size")?,
        revision: r.get("revision")?,
        retracted: r.get("retracted")?,
    })
}

pub fn report(conn: &Connection, id: &str) -> Result<Option<ReportView>> {
    Ok(conn
        .prepare_cached("SELECT * FROM reports WHERE id = ?")?
        .query_row([id], report_row)
        .optional()?)
}

/// Reports, oldest first: all, one source's, or those carrying a claim
/// about one event.
pub fn reports(conn: &Connection, source: Option<&str>, event: Option<&str>) -> Result<Vec<ReportView>> {
    let rows: Vec<ReportView> = match event {
        Some(e) => conn
            .prepare_cached(
                "SELECT * FROM reports WHERE id IN (SELECT report FROM claims WHERE event = ?1) ORDER BY num",
            )?
            .query_map([e], report_row)?
            .collect::<rusqlite::Result<_>>()?,
        None => match source {
            Some(s) => conn
                .prepare_cached("SELECT * FROM reports WHERE source = ?1 ORDER BY num")?
                .query_map([s], report_row)?
                .collect::<rusqlite::Result<_>>()?,
            None => conn
                .prepare_cached("SELECT * FROM reports ORDER BY num")?
                .query_map([], report_row)?
                .collect::<rusqlite::Result<_>>()?,
        },
    };
    Ok(rows
        .into_iter()
        .filter(|r| source.is_none_or(|s| r.source == s))
        .collect())
}

pub fn need_report(conn: &Connection, field: &str, id: &str) -> Result<ReportView> {
    report(conn, id)?.ok_or_else(|| {
        Error::unknown(
            &format!("report in {field}"),
            id,
            "report ids look like r1, r2, …; see `tally report list`",
        )
    })
}

/// The next free number for ids of `kind`.
pub fn next_num(conn: &Connection, kind: IdKind) -> Result<i64> {
    let sql = match kind {
        IdKind::Report => "SELECT COALESCE(MAX(num), 0) + 1 FROM reports",
        IdKind::Claim => "SELECT COALESCE(MAX(num), 0) + 1 FROM claims",
        IdKind::Decision => "SELECT COALESCE(MAX(num), 0) + 1 FROM decisions",
    };
    Ok(conn.prepare_cached(sql)?.query_row([], |r| r.get(0))?)
}

const CLAIM_SELECT: &str = "SELECT c.*, r.source AS source, r.published AS published, r.url AS url, s.grade AS grade,
    r.retracted AS report_retracted
    FROM claims c JOIN reports r ON r.id = c.report JOIN sources s ON s.slug = r.source";

/// A name folded for matching speakers: case and spaces folded, and a
/// leading article dropped ("the state railway company" is "state railway
/// company", "le gouverneur" is "gouverneur").
fn speaker_key(s: &str) -> String {
    let key = model::fold(s);
    for article in ["the ", "le ", "la ", "les ", "l'", "l' "] {
        if let Some(rest) = key.strip_prefix(article) {
            return rest.trim_start().to_string();
        }
    }
    key
}

/// Resolves a claim's written origin when it is read: a source (by slug or
/// name), then an actor (by slug, name or alias), case- and
/// space-insensitively; else the text itself. So an alias added today
/// merges voices in every later read, with no claim rewritten.
pub struct Resolver {
    source_slugs: HashMap<String, String>,
    source_names: HashMap<String, String>,
    actors: HashMap<String, String>,
}

impl Resolver {
    /// The sources and actors of `conn` as they stand now.
    pub fn load(conn: &Connection) -> Result<Resolver> {
        let pairs = |sql: &str| -> Result<Vec<(String, String)>> {
            Ok(conn
                .prepare_cached(sql)?
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                .collect::<rusqlite::Result<_>>()?)
        };
        let folded = |v: Vec<(String, String)>| v.into_iter().map(|(k, s)| (speaker_key(&k), s)).collect();
        Ok(Resolver {
            source_slugs: folded(pairs("SELECT slug, slug FROM sources")?),
            source_names: folded(pairs("SELECT name, slug FROM sources")?),
            actors: folded(pairs("SELECT key, actor FROM actor_aliases")?),
        })
    }

    /// The source's or actor's slug that `text` names, or `text` itself.
    pub fn resolve(&self, text: &str) -> String {
        let key = speaker_key(text);
        self.source_slugs
            .get(&key)
            .or_else(|| self.source_names.get(&key))
            .or_else(|| self.actors.get(&key))
            .cloned()
            .unwrap_or_else(|| text.to_string())
    }
}

fn claim_row(r: &Row) -> rusqlite::Result<ClaimView> {
    Ok(ClaimView {
        id: r.get("id")?,
        event: r.get("event")?,
        report: r.get("report")?,
        source: r.get("source")?,
        grade: r.get("grade")?,
        published: r.get("published")?,
        url: r.get("url")?,
        origin: r.get("origin")?,
        origin_text: r.get("origin")?,
        kind: r.get("kind")?,
        subject: r.get("subject")?,
        phrase: r.get("phrase")?,
        low: r.get("low")?,
        high: r.get("high")?,
        point: r.get("point")?,
        actor: r.get("actor")?,
        actor_desc: r.get("actor_desc")?,
        stance: r.get("stance")?,
        hedge: r.get("hedge")?,
        quote: r.get("quote")?,
        note: r.get("note")?,
        revision: r.get("revision")?,
        retracted: r.get("retracted")?,
        report_retracted: r.get("report_retracted")?,
        reason: r.get("reason")?,
        recorded_seq: r.get("added_seq")?,
        seq: r.get("seq")?,
    })
}

pub fn claim(conn: &Connection, id: &str) -> Result<Option<ClaimView>> {
    let found = conn
        .prepare_cached(&format!("{CLAIM_SELECT} WHERE c.id = ?"))?
        .query_row([id], claim_row)
        .optional()?;
    let Some(mut c) = found else { return Ok(None) };
    c.origin = Resolver::load(conn)?.resolve(&c.origin_text);
    Ok(Some(c))
}

pub fn need_claim(conn: &Connection, field: &str, id: &str) -> Result<ClaimView> {
    claim(conn, id)?.ok_or_else(|| {
        Error::unknown(
            &format!("claim in {field}"),
            id,
            "claim ids look like c1, c2, …; see `tally claim list`",
        )
    })
}

/// What to list. `kind`, `origin` (resolved) and `actor` narrow the list;
/// retracted claims, and claims of retracted reports, are left out unless
/// `include_retracted`.
#[derive(Debug, Default, Clone)]
pub struct ClaimFilter<'a> {
    pub event: Option<&'a str>,
    pub report: Option<&'a str>,
    pub source: Option<&'a str>,
    pub kind: Option<Kind>,
    pub origin: Option<&'a str>,
    pub actor: Option<&'a str>,
    pub include_retracted: bool,
}

impl ClaimFilter<'_> {
    /// Every claim, retracted ones included.
    pub fn everything() -> Self {
        ClaimFilter {
            include_retracted: true,
            ..Default::default()
        }
    }
}

pub fn claims(conn: &Connection, f: &ClaimFilter) -> Result<Vec<ClaimView>> {
    claims_with(conn, f, &Resolver::load(conn)?)
}

/// [`claims`] with origins resolved by `resolver`, loaded once by a caller
/// that lists many groups.
pub fn claims_with(conn: &Connection, f: &ClaimFilter, resolver: &Resolver) -> Result<Vec<ClaimView>> {
    // One statement per access path, so that each uses its index.
    let (sql, key) = match (f.event, f.report, f.source) {
        (Some(e), _, _) => (format!("{CLAIM_SELECT} WHERE c.event = ?1"), Some(e)),
        (None, Some(r), _) => (format!("{CLAIM_SELECT} WHERE c.report = ?1"), Some(r)),
        (None, None, Some(s)) => (format!("{CLAIM_SELECT} WHERE r.source = ?1"), Some(s)),
        (None, None, None) => (format!("{CLAIM_SELECT} WHERE ?1 IS NULL"), None),
    };
    let mut stmt = conn.prepare_cached(&format!("{sql} ORDER BY c.num"))?;
    let rows = stmt.query_map([key], claim_row)?;
    let mut out = Vec::new();
    let origin = f.origin.map(|o| resolver.resolve(o));
    for row in rows {
        let mut c = row?;
        c.origin = resolver.resolve(&c.origin_text);
        let keep = (f.include_retracted || !(c.retracted || c.report_retracted))
            && f.report.is_none_or(|r| c.report == r)
            && f.source.is_none_or(|s| c.source == s)
            && f.kind.is_none_or(|k| c.kind == k)
            && origin.as_ref().is_none_or(|o| c.origin == *o)
            && f.actor.is_none_or(|a| c.actor.as_deref() == Some(a));
        if keep {
            out.push(c);
        }
    }
    Ok(out)
}

fn decision_row(r: &Row) -> rusqlite::Result<DecisionView> {
    Ok(DecisionView {
        id: r.get("id")?,
        event: r.get("event")?,
        kind: r.get("kind")?,
        subject: r.get("subject")?,
        value: r.get("value")?,
        low: r.get("low")?,
        high: r.get("high")?,
        reason: r.get("reason")?,
        seq: r.get("seq")?,
    })
}

const DECISIONS_OF_EVENT: &str = "SELECT * FROM decisions WHERE event = ?1 ORDER BY num";

/// Decisions, of one event or all, oldest first.
pub fn decisions(conn: &Connection, event: Option<&str>) -> Result<Vec<DecisionView>> {
    // One statement per access path, so that an event's decisions are an
    // index search ("?1 IS NULL OR event = ?1" scans the table).
    let rows = match event {
        Some(e) => conn
            .prepare_cached(DECISIONS_OF_EVENT)?
            .query_map([e], decision_row)?
            .collect::<rusqlite::Result<_>>()?,
        None => conn
            .prepare_cached("SELECT * FROM decisions ORDER BY num")?
            .query_map([], decision_row)?
            .collect::<rusqlite::Result<_>>()?,
    };
    Ok(rows)
}

fn entry_row(r: &Row) -> rusqlite::Result<Entry> {
    let body: String = r.get("body")?;
    Ok(Entry {
        seq: r.get("seq")?,
        prev: r.get("prev")?,
        at: r.get("at")?,
        author: r.get("author")?,
        op: r.get("op")?,
        entity: r.get("entity")?,
        body: serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body)),
        hash: r.get("hash")?,
    })
}

/// The op of the first entry about `entity`, if any: what kind of thing
/// the id names.
pub fn first_op(conn: &Connection, entity: &str) -> Result<Option<Op>> {
    Ok(conn
        .prepare_cached("SELECT op FROM journal WHERE entity = ? ORDER BY seq LIMIT 1")?
        .query_row([entity], |r| r.get(0))
        .optional()?)
}

/// The latest entry about `entity` whose op is one of `ops`.
pub fn latest_entry(conn: &Connection, entity: &str, ops: &[Op]) -> Result<Option<Entry>> {
    let mut stmt = conn.prepare_cached("SELECT * FROM journal WHERE entity = ? ORDER BY seq DESC")?;
    let mut rows = stmt.query([entity])?;
    while let Some(r) = rows.next()? {
        let e = entry_row(r)?;
        if ops.contains(&e.op) {
            return Ok(Some(e));
        }
    }
    Ok(None)
}

/// The entries about one entity of the kind `noun` (`claim`, `event`, …),
/// oldest first: an id is looked up by kind, so that another kind's
/// entries under the same id never stand in for it.
pub fn history(conn: &Connection, noun: &str, entity: &str) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached("SELECT * FROM journal WHERE entity = ? ORDER BY seq")?;
    let rows: Vec<Entry> = stmt.query_map([entity], entry_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows.into_iter().filter(|e| e.op.noun() == noun).collect())
}

/// One revision of a claim, as `claim history` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub revision: i64,
    pub seq: i64,
    pub hash: String,
    pub at: String,
    pub author: String,
    pub op: Op,
    pub retracted: bool,
    /// The claim's fields as of this revision (a retraction repeats the
    /// last ones, with its reason).
    #[serde(flatten)]
    pub claim: crate::model::ClaimBody,
}

/// A claim's revisions, oldest first, from its journal entries.
pub fn claim_revisions(conn: &Connection, id: &str) -> Result<Vec<Revision>> {
    let mut out: Vec<Revision> = Vec::new();
    for (n, e) in history(conn, "claim", id)?.into_iter().enumerate() {
        let (claim, retracted) = if matches!(e.op, Op::ClaimRetract | Op::ClaimRestore) {
            let mut last = out
                .last()
                .map(|r| r.claim.clone())
                .ok_or_else(|| Error::Integrity(format!("claim {id}: retraction before add")))?;
            last.reason = e.body.get("reason").and_then(|r| r.as_str()).map(str::to_string);
            (last, e.op == Op::ClaimRetract)
        } else {
            let body = serde_json::from_value(e.body.clone())
                .map_err(|err| Error::Integrity(format!("claim {id} seq {}: {err}", e.seq)))?;
            (body, false)
        };
        out.push(Revision {
            revision: n as i64 + 1,
            seq: e.seq,
            hash: e.hash,
            at: e.at,
            author: e.author,
            op: e.op,
            retracted,
            claim,
        });
    }
    Ok(out)
}

/// The journal newest first, from `since_seq` (inclusive) and `since_at`,
/// optionally about one entity.
pub fn log(conn: &Connection, since_seq: i64, since_at: Option<&str>, entity: Option<&str>) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM journal WHERE seq >= ?1 AND (?2 IS NULL OR at >= ?2) AND (?3 IS NULL OR entity = ?3) ORDER BY seq DESC",
    )?;
    let rows = stmt
        .query_map(params![since_seq, since_at, entity], entry_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The seq of the first entry about `entity` (0 if none).
pub fn first_seq(conn: &Connection, entity: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MIN(seq), 0) FROM journal WHERE entity = ?")?
        .query_row([entity], |r| r.get(0))?)
}

/// The entry at `seq`, if any.
pub fn entry(conn: &Connection, seq: i64) -> Result<Option<Entry>> {
    Ok(conn
        .prepare_cached("SELECT * FROM journal WHERE seq = ?")?
        .query_row([seq], entry_row)
        .optional()?)
}

/// The last seq recorded at or before `at`.
pub fn seq_at(conn: &Connection, at: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM journal WHERE at <= ?")?
        .query_row([at], |r| r.get(0))?)
}

/// A stored blob's bytes.
pub fn blob_exists(conn: &Connection, sha256: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM blobs WHERE sha256 = ?")?
        .exists([sha256])?)
}

/// The SHA-256 of the stored bytes of blob `sha256`, if there is one,
/// read in pieces so that memory stays flat however large it is.
pub fn blob_digest(conn: &Connection, sha256: &str) -> Result<Option<String>> {
    let rowid: Option<i64> = conn
        .prepare_cached("SELECT rowid FROM blobs WHERE sha256 = ?")?
        .query_row([sha256], |r| r.get(0))
        .optional()?;
    rowid.map(|id| blob_digest_at(conn, id)).transpose()
}

/// The SHA-256 of the bytes of the blob at `rowid`.
pub fn blob_digest_at(conn: &Connection, rowid: i64) -> Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut blob = conn.blob_open(rusqlite::MAIN_DB, "blobs", "bytes", rowid, true)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = blob.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn to_json<T: Serialize>(v: Option<T>) -> serde_json::Value {
    v.and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// The current view of the entity an op is about, as JSON (null if absent).
pub fn entity_json(conn: &Connection, op: Op, id: &str) -> Result<serde_json::Value> {
    Ok(match op.as_str().split('.').next().unwrap_or("") {
        "source" => to_json(source(conn, id)?),
        "actor" => to_json(actor(conn, id)?),
        "event" => to_json(event(conn, id)?),
        "report" => to_json(report(conn, id)?),
        "claim" => to_json(claim(conn, id)?),
        "decision" => to_json(decisions(conn, None)?.into_iter().find(|d| d.id == id)),
        _ => serde_json::Value::Null,
    })
}

/// Entries with `from < seq <= to`, oldest first.
pub fn entries_between(conn: &Connection, from: i64, to: i64) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached("SELECT * FROM journal WHERE seq > ?1 AND seq <= ?2 ORDER BY seq")?;
    let rows = stmt
        .query_map([from, to], entry_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The authors' signatures of entry `seq`: (verifier key, base64 of the
/// 64-byte signature), as `export --format journal` writes them.
pub fn signatures(conn: &Connection, seq: i64) -> Result<Vec<(String, String)>> {
    use base64::Engine;
    let mut stmt = conn.prepare_cached("SELECT key, sig FROM signatures WHERE seq = ? ORDER BY key")?;
    let rows = stmt.query_map([seq], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
    rows.map(|row| {
        let (key, sig) = row?;
        Ok((key, base64::engine::general_purpose::STANDARD.encode(sig)))
    })
    .collect()
}

/// Whether any entry is signed.
pub fn any_signatures(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM signatures)", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let n = stmt.parameter_count();
        let params: Vec<&dyn rusqlite::ToSql> = (0..n).map(|_| &"x" as &dyn rusqlite::ToSql).collect();
        stmt.query_map(params.as_slice(), |r| r.get::<_, String>(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Every read path that `reconcile EVENT`, `audit claim` and `claim show`
    /// take is an index search, so they cost the same at 1k and 1M claims.
    #[test]
    fn hot_queries_use_indexes() {
        let conn = super::super::replay::scratch(super::super::replay::Indexes::With).unwrap();
        let hot = [
            format!("{CLAIM_SELECT} WHERE c.id = ?"),
            format!("{CLAIM_SELECT} WHERE c.event = ?1 ORDER BY c.num"),
            format!("{CLAIM_SELECT} WHERE c.report = ?1 ORDER BY c.num"),
            "SELECT * FROM journal WHERE entity = ? ORDER BY seq".to_string(),
            DECISIONS_OF_EVENT.to_string(),
            "SELECT * FROM reports WHERE id = ?".to_string(),
            "SELECT actor FROM actor_aliases WHERE key = ?".to_string(),
            "SELECT seq, hash FROM journal WHERE seq = (SELECT MAX(seq) FROM journal)".to_string(),
            "SELECT COALESCE(MAX(num), 0) + 1 FROM claims".to_string(),
        ];
        for sql in &hot {
            let p = plan(&conn, sql);
            assert!(!p.is_empty(), "{sql}: no plan");
            // Every step searches; SCAN, even through an index, reads a
            // whole table (a temp B-tree for ORDER BY is not a scan).
            for step in p.split("; ") {
                assert!(!step.starts_with("SCAN"), "{sql}\n  → {p}");
            }
        }
    }
}
