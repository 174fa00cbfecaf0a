//! Mutations: validate an input against the ledger, then append its entry.
//!
//! Each function runs inside a caller's [`Tx`], so a command that records
//! several things (a report with its claims, a whole import) lands all of
//! them or none. Inputs are plain structs that the CLI fills from flags and
//! `import` deserialises from NDJSON, so both accept exactly the same data.

use crate::error::{Error, Result};
use crate::journal::{Entry, Op, sha256_hex};
use crate::ledger::{Tx, query};
use crate::model::{
    self, ActorBody, Capture, ClaimBody, DecisionBody, EventBody, Grade, Hedge, Kind, ReportBody, RetractBody,
    SourceBody, SourceKind, Stance,
};
use crate::quantity;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    pub slug: String,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub grade: Option<String>,
    pub url: Option<String>,
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorInput {
    pub slug: String,
    pub name: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub slug: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    /// `--type`; named `event_type` in NDJSON, where `type` is the record's.
    pub event_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A captured file, read by the caller.
#[derive(Debug, Clone)]
pub struct CaptureFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    pub source: Option<String>,
    pub published: Option<String>,
    pub retrieved: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<ClaimInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip)]
    pub capture: Option<CaptureFile>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimInput {
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    pub kind: Option<String>,
    pub subject: Option<String>,
    pub count: Option<String>,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub actor: Option<String>,
    pub actor_desc: Option<String>,
    pub stance: Option<String>,
    pub origin: Option<String>,
    pub hedge: Option<String>,
    pub quote: Option<String>,
    pub note: Option<String>,
    /// Import only: the claim was retracted, for this reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retracted: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub event: String,
    pub kind: String,
    pub subject: Option<String>,
    pub value: i64,
    pub reason: String,
}

fn need<'a>(field: &str, v: &'a Option<String>) -> Result<&'a str> {
    v.as_deref()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| Error::Invalid(format!("{field} is required")))
}

fn reason(field: &str, v: Option<&str>) -> Result<Option<String>> {
    model::opt_note(field, v)
}

// ----- sources -----------------------------------------------------------

pub fn add_source(tx: &mut Tx, i: &SourceInput) -> Result<Entry> {
    let slug = model::slug("source slug", &i.slug)?;
    if query::source(tx.conn(), &slug)?.is_some() {
        return Err(Error::Invalid(format!(
            "source '{slug}' already exists; use `tally source amend` to change it"
        )));
    }
    let body = SourceBody {
        name: model::name("--name", need("--name", &i.name)?)?,
        kind: match &i.kind {
            Some(k) => SourceKind::parse("--kind", k)?,
            None => SourceKind::Other,
        },
        grade: match &i.grade {
            Some(g) => Grade::parse("--grade", g)?,
            None => Grade::F,
        },
        url: model::url("--url", i.url.as_deref())?,
        note: model::opt_note("--note", i.note.as_deref())?,
        reason: None,
    };
    tx.append(Op::SourceAdd, &slug, body)
}

pub fn amend_source(tx: &mut Tx, i: &SourceInput) -> Result<Entry> {
    let old = query::need_source(tx.conn(), "source slug", &i.slug)?;
    let body = SourceBody {
        name: match &i.name {
            Some(n) => model::name("--name", n)?,
            None => old.name.clone(),
        },
        kind: i
            .kind
            .as_deref()
            .map(|k| SourceKind::parse("--kind", k))
            .transpose()?
            .unwrap_or(old.kind),
        grade: i
            .grade
            .as_deref()
            .map(|g| Grade::parse("--grade", g))
            .transpose()?
            .unwrap_or(old.grade),
        url: if i.url.is_some() {
            model::url("--url", i.url.as_deref())?
        } else {
            old.url.clone()
        },
        note: if i.note.is_some() {
            model::opt_note("--note", i.note.as_deref())?
        } else {
            old.note.clone()
        },
        reason: reason("--reason", i.reason.as_deref())?,
    };
    let unchanged = body.name == old.name
        && body.kind == old.kind
        && body.grade == old.grade
        && body.url == old.url
        && body.note == old.note;
    if unchanged {
        return Err(Error::Invalid(format!(
            "nothing to amend: give at least one changed field for source '{}'",
            old.slug
        )));
    }
    tx.append(Op::SourceAmend, &old.slug, body)
}

// ----- actors ------------------------------------------------------------

fn check_aliases(tx: &Tx, slug: &str, names: &[&str]) -> Result<()> {
    for n in names {
        if let Some(owner) = query::resolve_actor(tx.conn(), n)?
            && owner != slug
        {
            return Err(Error::Invalid(format!(
                "--alias '{n}' already names actor '{owner}'; an alias must name one actor"
            )));
        }
    }
    Ok(())
}

fn aliases(list: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for a in list {
        let a = model::name("--alias", a)?;
        if !out.iter().any(|x| model::fold(x) == model::fold(&a)) {
            out.push(a);
        }
    }
    Ok(out)
}

pub fn add_actor(tx: &mut Tx, i: &ActorInput) -> Result<Entry> {
    let slug = model::slug("actor slug", &i.slug)?;
    if query::actor(tx.conn(), &slug)?.is_some() {
        return Err(Error::Invalid(format!(
            "actor '{slug}' already exists; use `tally actor amend` to change it"
        )));
    }
    if model::fold(&slug) == "unknown" {
        return Err(Error::Invalid(
            "actor slug 'unknown' is reserved for unattributed acts".into(),
        ));
    }
    let name = model::name("--name", need("--name", &i.name)?)?;
    let aliases = aliases(&i.aliases)?;
    let mut all: Vec<&str> = vec![&slug, &name];
    all.extend(aliases.iter().map(String::as_str));
    check_aliases(tx, &slug, &all)?;
    let body = ActorBody {
        name,
        aliases,
        note: model::opt_note("--note", i.note.as_deref())?,
        reason: None,
    };
    tx.append(Op::ActorAdd, &slug, body)
}

/// Amends an actor; `aliases` are added to the existing ones.
pub fn amend_actor(tx: &mut Tx, i: &ActorInput, remove: &[String]) -> Result<Entry> {
    let old =
        query::actor(tx.conn(), &i.slug)?.ok_or_else(|| Error::unknown("actor", &i.slug, "see `tally actor list`"))?;
    let name = match &i.name {
        Some(n) => model::name("--name", n)?,
        None => old.name.clone(),
    };
    let mut list = old.aliases.clone();
    for r in remove {
        let before = list.len();
        list.retain(|a| model::fold(a) != model::fold(r));
        if list.len() == before {
            return Err(Error::Invalid(format!(
                "--remove-alias '{r}' is not an alias of actor '{}'",
                old.slug
            )));
        }
    }
    list.extend(i.aliases.iter().cloned());
    let aliases = aliases(&list)?;
    let mut all: Vec<&str> = vec![&old.slug, &name];
    all.extend(aliases.iter().map(String::as_str));
    check_aliases(tx, &old.slug, &all)?;
    let note = if i.note.is_some() {
        model::opt_note("--note", i.note.as_deref())?
    } else {
        old.note.clone()
    };
    if name == old.name && aliases == old.aliases && note == old.note {
        return Err(Error::Invalid(format!(
            "nothing to amend: give at least one changed field for actor '{}'",
            old.slug
        )));
    }
    let body = ActorBody {
        name,
        aliases,
        note,
        reason: reason("--reason", i.reason.as_deref())?,
    };
    tx.append(Op::ActorAmend, &old.slug, body)
}

/// Resolves an actor named by slug, name or alias.
pub fn resolve_actor(tx: &Tx, field: &str, name: &str) -> Result<String> {
    query::resolve_actor(tx.conn(), name)?.ok_or_else(|| {
        Error::Invalid(format!(
            "unknown actor in {field} '{}': give an actor's slug or alias (see `tally actor list`), or 'unknown'",
            model::shorten(name)
        ))
    })
}

// ----- events ------------------------------------------------------------

fn event_body(i: &EventInput, base: Option<&EventBody>) -> Result<EventBody> {
    let pick = |new: &Option<String>, old: Option<&Option<String>>| -> Option<String> {
        match new {
            Some(v) => Some(v.clone()),
            None => old.cloned().flatten(),
        }
    };
    let title = match (&i.title, base) {
        (Some(t), _) => model::name("--title", t)?,
        (None, Some(b)) => b.title.clone(),
        (None, None) => return Err(Error::Invalid("--title is required".into())),
    };
    let date = match (&i.date, base) {
        (Some(d), _) => d.trim().to_string(),
        (None, Some(b)) => b.date.clone(),
        (None, None) => {
            return Err(Error::Invalid(
                "--date is required (YYYY-MM-DD, or a range A..B)".into(),
            ));
        }
    };
    model::event_date("--date", &date)?;
    let coord = |field: &str, v: Option<String>, limit: f64| -> Result<Option<String>> {
        v.filter(|s| !s.trim().is_empty())
            .map(|s| model::coordinate(field, &s, limit))
            .transpose()
    };
    let lat = coord("--lat", pick(&i.lat, base.map(|b| &b.lat)), 90.0)?;
    let lon = coord("--lon", pick(&i.lon, base.map(|b| &b.lon)), 180.0)?;
    if lat.is_some() != lon.is_some() {
        return Err(Error::Invalid(
            "--lat and --lon go together: give both or neither".into(),
        ));
    }
    Ok(EventBody {
        title,
        date,
        place: model::opt_name("--place", pick(&i.place, base.map(|b| &b.place)).as_deref())?,
        region: model::opt_name("--region", pick(&i.region, base.map(|b| &b.region)).as_deref())?,
        country: model::opt_name("--country", pick(&i.country, base.map(|b| &b.country)).as_deref())?,
        lat,
        lon,
        event_type: model::opt_name("--type", pick(&i.event_type, base.map(|b| &b.event_type)).as_deref())?,
        reason: None,
    })
}

pub fn add_event(tx: &mut Tx, i: &EventInput) -> Result<Entry> {
    let slug = model::slug("event slug", &i.slug)?;
    if query::event(tx.conn(), &slug)?.is_some() {
        return Err(Error::Invalid(format!(
            "event '{slug}' already exists; use `tally event amend` to change it"
        )));
    }
    let body = event_body(i, None)?;
    tx.append(Op::EventAdd, &slug, body)
}

pub fn amend_event(tx: &mut Tx, i: &EventInput) -> Result<Entry> {
    let old = query::need_event(tx.conn(), "event slug", &i.slug)?;
    let latest = query::history(tx.conn(), &old.slug)?
        .pop()
        .ok_or_else(|| Error::Integrity(format!("event {} has no journal entry", old.slug)))?;
    let base: EventBody = serde_json::from_value(latest.body).map_err(|e| Error::Integrity(e.to_string()))?;
    let mut body = event_body(i, Some(&base))?;
    if body
        == (EventBody {
            reason: None,
            ..base.clone()
        })
    {
        return Err(Error::Invalid(format!(
            "nothing to amend: give at least one changed field for event '{}'",
            old.slug
        )));
    }
    body.reason = reason("--reason", i.reason.as_deref())?;
    tx.append(Op::EventAmend, &old.slug, body)
}

// ----- reports -----------------------------------------------------------

fn capture(tx: &mut Tx, file: &CaptureFile) -> Result<Capture> {
    let sha256 = sha256_hex(&file.bytes);
    tx.put_blob(&sha256, &file.bytes)?;
    Ok(Capture {
        sha256,
        name: model::name("--capture", &file.name)?,
        size: file.bytes.len() as i64,
    })
}

/// What `report add` recorded.
#[derive(Debug, Clone, Serialize)]
pub struct ReportAdded {
    pub report: Entry,
    pub claims: Vec<Entry>,
}

/// Adds a report and the claims it carries. `event` is the default event
/// for claims that do not name one.
pub fn add_report(tx: &mut Tx, i: &ReportInput, event: Option<&str>, at: &str) -> Result<ReportAdded> {
    let source = query::need_source(tx.conn(), "--source", need("--source", &i.source)?)?;
    let body = ReportBody {
        source: source.slug,
        title: model::opt_name("--title", i.title.as_deref())?,
        url: model::url("--url", i.url.as_deref())?,
        published: i
            .published
            .as_deref()
            .map(|p| model::timestamp("--published", p))
            .transpose()?,
        retrieved: match &i.retrieved {
            Some(r) => model::timestamp("--retrieved", r)?,
            None => at.to_string(),
        },
        language: model::opt_name("--language", i.language.as_deref())?,
        text: i.text.as_deref().map(|t| model::text("--text", t)).transpose()?,
        capture: match &i.capture {
            Some(f) => Some(capture(tx, f)?),
            None => None,
        },
        reason: None,
    };
    let id = format!("r{}", tx.next_num("reports")?);
    let report = tx.append(Op::ReportAdd, &id, body)?;
    let mut claims = Vec::with_capacity(i.claims.len());
    for (n, c) in i.claims.iter().enumerate() {
        let mut c = c.clone();
        c.report = Some(id.clone());
        if c.event.is_none() {
            c.event = event.map(str::to_string);
        }
        let entries = add_claim_record(tx, &c).map_err(|e| match e {
            Error::Invalid(m) if i.claims.len() > 1 => Error::Invalid(format!("claim {}: {m}", n + 1)),
            e => e,
        })?;
        claims.extend(entries);
    }
    Ok(ReportAdded { report, claims })
}

pub fn amend_report(tx: &mut Tx, id: &str, i: &ReportInput) -> Result<Entry> {
    let old = query::need_report(tx.conn(), "report id", id)?;
    if let Some(s) = &i.source
        && *s != old.source
    {
        return Err(Error::Invalid(
            "--source cannot be amended: a report is one publication by one source; add a new report instead".into(),
        ));
    }
    let keep = |new: &Option<String>, old: &Option<String>| if new.is_some() { new.clone() } else { old.clone() };
    let body = ReportBody {
        source: old.source.clone(),
        title: model::opt_name("--title", keep(&i.title, &old.title).as_deref())?,
        url: model::url("--url", keep(&i.url, &old.url).as_deref())?,
        published: keep(&i.published, &old.published)
            .map(|p| model::timestamp("--published", &p))
            .transpose()?,
        retrieved: match &i.retrieved {
            Some(r) => model::timestamp("--retrieved", r)?,
            None => old.retrieved.clone(),
        },
        language: model::opt_name("--language", keep(&i.language, &old.language).as_deref())?,
        text: keep(&i.text, &old.text)
            .map(|t| model::text("--text", &t))
            .transpose()?,
        capture: match &i.capture {
            Some(f) => Some(capture(tx, f)?),
            None => match (&old.capture_sha256, &old.capture_name, old.capture_size) {
                (Some(s), Some(n), Some(z)) => Some(Capture {
                    sha256: s.clone(),
                    name: n.clone(),
                    size: z,
                }),
                _ => None,
            },
        },
        reason: reason("--reason", i.reason.as_deref())?,
    };
    let unchanged = body.title == old.title
        && body.url == old.url
        && body.published == old.published
        && body.retrieved == old.retrieved
        && body.language == old.language
        && body.text == old.text
        && body.capture.as_ref().map(|c| &c.sha256) == old.capture_sha256.as_ref();
    if unchanged {
        return Err(Error::Invalid(format!(
            "nothing to amend: give at least one changed field for report '{id}'"
        )));
    }
    tx.append(Op::ReportAmend, id, body)
}

// ----- claims ------------------------------------------------------------

/// The origin as stored: a source's or actor's slug when the text names
/// one, otherwise the text as given.
fn resolve_origin(tx: &mut Tx, origin: &str) -> Result<String> {
    tx.origin(origin, |conn, origin| {
        let origin = model::name("--origin", origin)?;
        if let Some(slug) = query::source_named(conn, &origin)? {
            return Ok(slug);
        }
        if let Some(a) = query::resolve_actor(conn, &origin)? {
            return Ok(a);
        }
        Ok(origin)
    })
}

/// Builds a claim body from an input, on top of `base` for amendments.
fn claim_body(tx: &mut Tx, i: &ClaimInput, base: Option<&ClaimBody>) -> Result<ClaimBody> {
    let event = match (&i.event, base) {
        (Some(e), _) if tx.event_exists(e)? => e.clone(),
        (Some(e), _) => {
            return Err(Error::unknown(
                "event in --event",
                e,
                "add it first with `tally event add`",
            ));
        }
        (None, Some(b)) => b.event.clone(),
        (None, None) => {
            return Err(Error::Invalid(
                "--event is required: the event the claim is about".into(),
            ));
        }
    };
    let report = match (&i.report, base) {
        (Some(r), None) => r.as_str(),
        (Some(r), Some(b)) if *r != b.report => {
            return Err(Error::Invalid(
                "--report cannot be amended: a claim's provenance is fixed; add a new claim".into(),
            ));
        }
        (_, Some(b)) => b.report.as_str(),
        (None, None) => {
            return Err(Error::Invalid(
                "--report is required: no claim without provenance".into(),
            ));
        }
    };
    let report_source = tx.report_source(report)?.ok_or_else(|| {
        Error::unknown(
            "report in --report",
            report,
            "report ids look like r1, r2, …; see `tally report list`",
        )
    })?;
    let kind = match (&i.kind, base) {
        (Some(k), _) => Kind::parse("--kind", k)?,
        (None, Some(b)) => b.kind,
        (None, None) => {
            return Err(Error::Invalid(format!(
                "--kind is required: one of {}",
                Kind::accepted()
            )));
        }
    };
    let subject = match (&i.subject, base) {
        (Some(s), _) => model::name("--subject", s)?,
        (None, Some(b)) => b.subject.clone(),
        (None, None) => "total".to_string(),
    };
    let origin = match (&i.origin, base) {
        (Some(o), _) => resolve_origin(tx, o)?,
        (None, Some(b)) => b.origin.clone(),
        (None, None) => report_source.clone(),
    };
    let hedge = match (&i.hedge, base) {
        (Some(h), _) => Hedge::parse("--hedge", h)?,
        (None, Some(b)) => b.hedge,
        // Another origin's word, relayed: "reported" unless said otherwise.
        (None, None) if origin != report_source => Hedge::Reported,
        (None, None) => Hedge::Asserted,
    };
    let keep = |new: &Option<String>, old: Option<&Option<String>>| match new {
        Some(v) => Some(v.clone()),
        None => old.cloned().flatten(),
    };
    let quote = model::opt_note("--quote", keep(&i.quote, base.map(|b| &b.quote)).as_deref())?;
    let note = model::opt_note("--note", keep(&i.note, base.map(|b| &b.note)).as_deref())?;

    let mut body = ClaimBody {
        event,
        report: report.to_string(),
        kind,
        subject,
        phrase: None,
        low: None,
        high: None,
        point: None,
        actor: None,
        actor_desc: None,
        stance: None,
        origin,
        hedge,
        quote,
        note,
        reason: None,
    };
    if kind == Kind::Responsibility {
        if i.count.is_some() || i.low.is_some() || i.high.is_some() {
            return Err(Error::Invalid(
                "--count/--low/--high do not apply to a responsibility claim; give --actor and --stance".into(),
            ));
        }
        let actor = match (&i.actor, base.and_then(|b| b.actor.as_ref())) {
            (Some(a), _) if model::fold(a) == "unknown" => "unknown".to_string(),
            (Some(a), _) => resolve_actor(tx, "--actor", a)?,
            (None, Some(a)) => a.clone(),
            (None, None) => {
                return Err(Error::Invalid(
                    "--actor is required for a responsibility claim: an actor's slug or alias, or 'unknown'".into(),
                ));
            }
        };
        body.actor_desc = model::opt_name(
            "--actor-desc",
            keep(&i.actor_desc, base.map(|b| &b.actor_desc)).as_deref(),
        )?;
        body.stance = Some(match (&i.stance, base.and_then(|b| b.stance)) {
            (Some(s), _) => Stance::parse("--stance", s)?,
            (None, Some(s)) => s,
            // The actor's own word is a claim; anyone else's an attribution.
            (None, None) if body.origin == actor => Stance::Claimed,
            (None, None) => Stance::Attributed,
        });
        body.actor = Some(actor);
    } else {
        if i.actor.is_some() || i.stance.is_some() {
            return Err(Error::Invalid(format!(
                "--actor/--stance apply only to --kind responsibility, not to {kind}"
            )));
        }
        // A new phrase is read afresh; new bounds alone adjust the old phrase.
        let (phrase, low, high) = match base {
            Some(b) if i.count.is_none() => (b.phrase.as_deref(), i.low.or(b.low), i.high.or(b.high)),
            _ => (i.count.as_deref(), i.low, i.high),
        };
        let q = quantity::with_overrides(phrase, low, high).map_err(|(_, msg)| Error::Invalid(msg))?;
        body.phrase = Some(q.phrase);
        body.low = Some(q.low);
        body.high = q.high;
        body.point = Some(q.point);
    }
    Ok(body)
}

pub fn add_claim(tx: &mut Tx, i: &ClaimInput) -> Result<Entry> {
    let body = claim_body(tx, i, None)?;
    let id = format!("c{}", tx.next_num("claims")?);
    tx.append(Op::ClaimAdd, &id, body)
}

/// Adds a claim and, when the input says it was retracted (import),
/// retracts it straight after. Returns the entries written.
pub fn add_claim_record(tx: &mut Tx, i: &ClaimInput) -> Result<Vec<Entry>> {
    let added = add_claim(tx, i)?;
    match &i.retracted {
        Some(why) => {
            let retracted = retract_claim(tx, &added.entity, why)?;
            Ok(vec![added, retracted])
        }
        None => Ok(vec![added]),
    }
}

/// The body of a claim's latest add or amend entry.
pub fn current_claim_body(tx: &Tx, id: &str) -> Result<ClaimBody> {
    let view = query::need_claim(tx.conn(), "claim id", id)?;
    if view.retracted {
        return Err(Error::Invalid(format!(
            "claim '{id}' is retracted; add a new claim instead"
        )));
    }
    let latest = query::claim_revisions(tx.conn(), id)?
        .pop()
        .ok_or_else(|| Error::Integrity(format!("claim {id} has no journal entry")))?;
    Ok(latest.claim)
}

pub fn amend_claim(tx: &mut Tx, id: &str, i: &ClaimInput, why: &str) -> Result<Entry> {
    let why = model::opt_note("--reason", Some(why))?
        .ok_or_else(|| Error::Invalid("--reason is required: say why the claim changes".into()))?;
    let mut base = current_claim_body(tx, id)?;
    base.reason = None;
    let mut body = claim_body(tx, i, Some(&base))?;
    if body == base {
        return Err(Error::Invalid(format!(
            "nothing to amend: give at least one changed field for claim '{id}'"
        )));
    }
    body.reason = Some(why);
    tx.append(Op::ClaimAmend, id, body)
}

pub fn retract_claim(tx: &mut Tx, id: &str, why: &str) -> Result<Entry> {
    let why = model::opt_note("--reason", Some(why))?
        .ok_or_else(|| Error::Invalid("--reason is required: say why the claim is retracted".into()))?;
    current_claim_body(tx, id)?;
    tx.append(Op::ClaimRetract, id, RetractBody { reason: why })
}

// ----- decisions ---------------------------------------------------------

pub fn add_decision(tx: &mut Tx, i: &DecisionInput) -> Result<Entry> {
    let event = query::need_event(tx.conn(), "--event", &i.event)?.slug;
    let kind = Kind::parse("--kind", &i.kind)?;
    if kind == Kind::Responsibility {
        return Err(Error::Invalid(
            "--kind responsibility cannot be decided by value; choose a count kind".into(),
        ));
    }
    let subject = model::name("--subject", i.subject.as_deref().unwrap_or("total"))?;
    if !(0..=quantity::MAX_NUMBER).contains(&i.value) {
        return Err(Error::invalid(
            "--value",
            i.value,
            format!("expected a whole number from 0 to {}", quantity::MAX_NUMBER),
        ));
    }
    let has_claims = query::claims(
        tx.conn(),
        &query::ClaimFilter {
            event: Some(&event),
            ..Default::default()
        },
    )?
    .iter()
    .any(|c| c.kind == kind && model::fold(&c.subject) == model::fold(&subject));
    if !has_claims {
        return Err(Error::Invalid(format!(
            "event '{event}' has no current {kind} claims about '{subject}': --kind and --subject must name a reconciled group"
        )));
    }
    let reason =
        model::opt_note("--reason", Some(&i.reason))?.ok_or_else(|| Error::Invalid("--reason is required".into()))?;
    let body = DecisionBody {
        event,
        kind,
        subject,
        value: i.value,
        reason,
    };
    let id = format!("d{}", tx.next_num("decisions")?);
    tx.append(Op::DecisionAdd, &id, body)
}

/// Parses the compact claim form `KIND[:SUBJECT]=VALUE[;key=value…]`.
///
/// For counts VALUE is the quantity phrase; for `responsibility` it is the
/// actor. Keys: `origin`, `hedge`, `quote`, `note`, `stance`, `low`,
/// `high`, `event`, `subject`, `desc`.
pub fn parse_compact(field: &str, s: &str) -> Result<ClaimInput> {
    let bad = |why: &str| Error::Invalid(format!("invalid {field} '{}': {why}", model::shorten(s)));
    let mut parts = s.split(';');
    let head = parts.next().unwrap_or_default();
    let (lhs, value) = head.split_once('=').ok_or_else(|| {
        bad("expected KIND[:SUBJECT]=VALUE[;key=value…], such as killed:civilians=at least 7;origin=army")
    })?;
    let (kind, subject) = match lhs.split_once(':') {
        Some((k, s)) => (k.trim(), Some(s.trim().to_string())),
        None => (lhs.trim(), None),
    };
    let kind = Kind::parse(field, kind)?;
    let mut c = ClaimInput {
        kind: Some(kind.as_str().to_string()),
        subject,
        ..Default::default()
    };
    let value = value.trim();
    if kind == Kind::Responsibility {
        c.actor = Some(value.to_string());
    } else if !value.is_empty() {
        c.count = Some(value.to_string());
    }
    for part in parts.filter(|p| !p.trim().is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| bad(&format!("'{}' is not key=value", part.trim())))?;
        let v = v.trim().to_string();
        let int = |v: &str| {
            v.parse::<i64>()
                .map_err(|_| bad(&format!("{} must be a whole number", k.trim())))
        };
        match k.trim() {
            "origin" => c.origin = Some(v),
            "hedge" => c.hedge = Some(v),
            "quote" => c.quote = Some(v),
            "note" => c.note = Some(v),
            "stance" => c.stance = Some(v),
            "event" => c.event = Some(v),
            "subject" => c.subject = Some(v),
            "desc" => c.actor_desc = Some(v),
            "low" => c.low = Some(int(&v)?),
            "high" => c.high = Some(int(&v)?),
            other => {
                return Err(bad(&format!(
                    "unknown key '{other}'; accepted keys are origin, hedge, quote, note, stance, event, subject, desc, low, high"
                )));
            }
        }
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_claims() {
        let c = parse_compact(
            "--claim",
            "killed:Malian soldiers=seven;origin=Malian army;hedge=reported",
        )
        .unwrap();
        assert_eq!(c.kind.as_deref(), Some("killed"));
        assert_eq!(c.subject.as_deref(), Some("Malian soldiers"));
        assert_eq!(c.count.as_deref(), Some("seven"));
        assert_eq!(c.origin.as_deref(), Some("Malian army"));
        assert_eq!(c.hedge.as_deref(), Some("reported"));
        let c = parse_compact("--claim", "responsibility=jnim;stance=claimed").unwrap();
        assert_eq!(
            (c.actor.as_deref(), c.stance.as_deref()),
            (Some("jnim"), Some("claimed"))
        );
        let c = parse_compact("--claim", "count:vehicles captured=at least three").unwrap();
        assert_eq!(c.count.as_deref(), Some("at least three"));
        let c = parse_compact("--claim", "killed=;low=3;high=5").unwrap();
        assert_eq!((c.count, c.low, c.high), (None, Some(3), Some(5)));
        assert!(parse_compact("--claim", "killed seven").is_err());
        assert!(
            parse_compact("--claim", "slain=7")
                .unwrap_err()
                .to_string()
                .contains("killed")
        );
        assert!(parse_compact("--claim", "killed=7;colour=red").is_err());
        assert!(parse_compact("--claim", "killed=7;low=x").is_err());
    }
}
