//! Audit: what each number rests on, and what in the ledger needs an
//! analyst's attention. [`problems`] and [`corroboration`] are pure; the
//! use cases below them read the ledger.
//!
//! Problem codes, most severe first:
//!
//! | code | when |
//! |---|---|
//! | `CAPTURE_MISMATCH` | a report's captured file is missing or no longer matches its SHA-256 |
//! | `STALE_DECISION` | a later claim's interval does not contain a decided value |
//! | `CONFLICT_UNDECIDED` | a group is in conflict and no decision was recorded |
//! | `SELF_CLAIM_ONLY` | an actor's responsibility rests only on its own claims |
//! | `ALLEGED_ONLY` | every counted claim of a group is alleged |
//! | `SINGLE_SOURCE` | an estimate rests on one origin |
//! | `UNGRADED_SOURCE` | a source is graded F (cannot be judged) |
//! | `NO_URL` | a report has neither URL nor captured copy |

use crate::error::{Error, Result};
use crate::ledger::Db;
use crate::ledger::query::{self, ClaimFilter, ClaimView, ReportView, SourceView};
use crate::model::{self, Grade, Hedge, Kind, Stance};
use crate::reconcile::EventEstimates;
use crate::reconcile::{self, Options, Status};
use serde::Serialize;

crate::string_enum!(
    /// What an audit found, most severe first (the order of the table above).
    Code {
        CaptureMismatch = "CAPTURE_MISMATCH",
        StaleDecision = "STALE_DECISION",
        ConflictUndecided = "CONFLICT_UNDECIDED",
        SelfClaimOnly = "SELF_CLAIM_ONLY",
        AllegedOnly = "ALLEGED_ONLY",
        SingleSource = "SINGLE_SOURCE",
        UngradedSource = "UNGRADED_SOURCE",
        NoUrl = "NO_URL",
    }
);

impl Code {
    /// 1 (most severe) to 8: the code's place in the table.
    pub fn severity(self) -> u8 {
        self as u8 + 1
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    pub severity: u8,
    pub code: Code,
    pub entity: String,
    pub message: String,
}

fn problem(code: Code, entity: impl Into<String>, message: String) -> Problem {
    Problem {
        severity: code.severity(),
        code,
        entity: entity.into(),
        message,
    }
}

/// Whether a report's capture is intact: `None` without capture.
pub type CaptureCheck = Option<bool>;

/// Every problem of the ledger, most severe first.
pub fn problems(
    sources: &[SourceView],
    reports: &[(ReportView, CaptureCheck)],
    estimates: &[EventEstimates],
) -> Vec<Problem> {
    let mut out = Vec::new();
    for (r, capture) in reports {
        if *capture == Some(false) {
            out.push(problem(
                Code::CaptureMismatch,
                &r.id,
                format!(
                    "report {}'s captured file {} is missing or altered",
                    r.id,
                    r.capture_sha256.clone().unwrap_or_default()
                ),
            ));
        }
        if r.url.is_none() && r.capture_sha256.is_none() {
            out.push(problem(
                Code::NoUrl,
                &r.id,
                format!("report {} by {} has no URL and no captured copy", r.id, r.source),
            ));
        }
    }
    for s in sources.iter().filter(|s| s.grade == Grade::F) {
        out.push(problem(
            Code::UngradedSource,
            &s.slug,
            format!("source {} is graded F: its reliability cannot be judged", s.slug),
        ));
    }
    for ev in estimates {
        for e in &ev.estimates {
            let group = format!("{}/{}/{}", ev.event, e.kind, e.subject);
            if let Some(d) = &e.decision
                && d.stale
            {
                out.push(problem(
                    Code::StaleDecision,
                    &d.id,
                    format!(
                        "decision {} on {group} ({}) is contradicted by a later claim",
                        d.id, d.value
                    ),
                ));
            }
            if e.status == Status::Conflict {
                out.push(problem(
                    Code::ConflictUndecided,
                    &group,
                    format!(
                        "{group}: origins disagree ({} outside the majority) and no decision is recorded",
                        e.outliers.join(", ")
                    ),
                ));
            }
            let counted: Vec<_> = e.claims.iter().filter(|c| c.counted).collect();
            if !counted.is_empty() && counted.iter().all(|c| c.hedge == Hedge::Alleged) {
                out.push(problem(
                    Code::AllegedOnly,
                    &group,
                    format!("{group} rests only on alleged claims"),
                ));
            }
            if e.status == Status::SingleSource {
                out.push(problem(
                    Code::SingleSource,
                    &group,
                    format!(
                        "{group} rests on one origin: {}",
                        counted.first().map(|c| c.origin.as_str()).unwrap_or("")
                    ),
                ));
            }
        }
        for r in &ev.responsibility {
            if r.actor != "unknown"
                && !r.claimed_by.is_empty()
                && r.attributed_by.is_empty()
                && r.claimed_by.iter().all(|o| model::fold(o) == model::fold(&r.actor))
            {
                out.push(problem(
                    Code::SelfClaimOnly,
                    format!("{}/{}", ev.event, r.actor),
                    format!(
                        "{}'s responsibility for {} rests only on its own claim",
                        r.actor, ev.event
                    ),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Does `other` agree with `claim`? Counts agree when their intervals
/// overlap; responsibility claims when they name the same actor with the
/// same sense (claimed or attributed vs denied).
pub fn agrees(claim: &ClaimView, other: &ClaimView) -> bool {
    if claim.kind == Kind::Responsibility {
        let denies = |c: &ClaimView| c.stance == Some(Stance::Denied);
        return claim.actor == other.actor && denies(claim) == denies(other);
    }
    let (a_lo, a_hi) = (claim.low.unwrap_or(0), claim.high.unwrap_or(i64::MAX));
    let (b_lo, b_hi) = (other.low.unwrap_or(0), other.high.unwrap_or(i64::MAX));
    a_lo <= b_hi && b_lo <= a_hi
}

/// Claims of other origins about the same thing, split into those that
/// corroborate `claim` and those that contradict it. Each other origin
/// speaks through its current word only: its latest claim (as
/// reconciliation counts it), not the ones that superseded.
pub fn corroboration<'a>(claim: &ClaimView, others: &'a [ClaimView]) -> (Vec<&'a str>, Vec<&'a str>) {
    let same_thing = |o: &&ClaimView| {
        o.id != claim.id
            && !o.retracted
            && !o.report_retracted
            && o.event == claim.event
            && o.kind == claim.kind
            && model::fold(&o.origin) != model::fold(&claim.origin)
            && (claim.kind == Kind::Responsibility
                || model::subject_key(&o.subject) == model::subject_key(&claim.subject))
    };
    // The latest claim of each origin (per actor, for responsibility).
    let mut latest: std::collections::BTreeMap<(String, Option<&str>), &ClaimView> = Default::default();
    for o in others.iter().filter(same_thing) {
        let key = (model::fold(&o.origin), o.actor.as_deref());
        match latest.get(&key) {
            Some(k) if reconcile::recency(k) >= reconcile::recency(o) => {}
            _ => {
                latest.insert(key, o);
            }
        }
    }
    let mut current: Vec<&ClaimView> = latest.into_values().collect();
    current.sort_by_key(|c| c.recorded_seq);
    let (mut yes, mut no) = (Vec::new(), Vec::new());
    for o in current {
        if agrees(claim, o) {
            yes.push(o.id.as_str());
        } else if claim.kind != Kind::Responsibility || claim.actor == o.actor || o.stance != Some(Stance::Denied) {
            no.push(o.id.as_str());
        }
    }
    (yes, no)
}
// ----- use cases over the ledger ---------------------------------------------

/// Whether a report's captured bytes are present and match their hash.
fn capture_ok(conn: &Db, sha: Option<&str>) -> Result<Option<bool>> {
    match sha {
        None => Ok(None),
        Some(sha) => Ok(Some(query::blob_digest(conn, sha)?.is_some_and(|d| d == sha))),
    }
}

/// The whole ledger's problems.
pub fn ledger(conn: &Db, opts: &Options) -> Result<Vec<Problem>> {
    let estimates: Vec<_> = crate::reconcile::all(conn, None, opts)?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let mut reports = Vec::new();
    for r in query::reports(conn, None, None)? {
        let ok = capture_ok(conn, r.capture_sha256.as_deref())?;
        reports.push((r, ok));
    }
    Ok(problems(&query::sources(conn)?, &reports, &estimates))
}

#[derive(Debug, Serialize)]
pub struct RevisionRef {
    pub revision: i64,
    pub seq: i64,
    pub hash: String,
    pub at: String,
    pub author: String,
    pub op: crate::journal::Op,
}

#[derive(Debug, Serialize)]
pub struct ReportRef {
    pub id: String,
    pub source: String,
    pub source_name: String,
    pub grade: Grade,
    pub published: Option<String>,
    pub url: Option<String>,
    pub capture_sha256: Option<String>,
    pub capture_ok: Option<bool>,
}

#[derive(Debug, Serialize)]
pub struct ClaimAudit {
    pub claim: ClaimView,
    pub revisions: Vec<RevisionRef>,
    pub report: ReportRef,
    pub origin: String,
    pub independent_of_source: bool,
    pub corroborated_by: Vec<String>,
    pub contradicted_by: Vec<String>,
}

/// Where claim `id` came from: its revisions, report, source and capture,
/// and the claims of other origins that agree or disagree with it.
pub fn claim(conn: &Db, id: &str) -> Result<ClaimAudit> {
    let claim = query::need_claim(conn, "audit claim", id)?;
    let report = query::need_report(conn, "audit claim", &claim.report)?;
    let source = query::need_source(conn, "audit claim", &report.source)?;
    let revisions = query::claim_revisions(conn, id)?
        .into_iter()
        .map(|r| RevisionRef {
            revision: r.revision,
            seq: r.seq,
            hash: r.hash,
            at: r.at,
            author: r.author,
            op: r.op,
        })
        .collect();
    let others = query::claims(
        conn,
        &ClaimFilter {
            event: Some(&claim.event),
            ..Default::default()
        },
    )?;
    let (yes, no) = corroboration(&claim, &others);
    let a = ClaimAudit {
        revisions,
        report: ReportRef {
            capture_ok: capture_ok(conn, report.capture_sha256.as_deref())?,
            id: report.id,
            source: source.slug,
            source_name: source.name,
            grade: source.grade,
            published: report.published,
            url: report.url,
            capture_sha256: report.capture_sha256,
        },
        origin: claim.origin.clone(),
        independent_of_source: claim.origin != claim.source,
        corroborated_by: yes.into_iter().map(str::to_string).collect(),
        contradicted_by: no.into_iter().map(str::to_string).collect(),
        claim,
    };
    Ok(a)
}

#[derive(Debug, Serialize)]
pub struct Voice {
    pub origin: String,
    pub counted: Option<String>,
    pub claims: Vec<String>,
    pub sources: Vec<String>,
    pub in_majority: bool,
}

#[derive(Debug, Serialize)]
pub struct EstimateAudit {
    pub kind: Kind,
    pub subject: String,
    pub status: Status,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub best: Option<i64>,
    pub origins: usize,
    pub voices: Vec<Voice>,
}

#[derive(Debug, Serialize)]
pub struct EventAudit {
    pub event: String,
    pub estimates: Vec<EstimateAudit>,
    pub responsibility: Vec<reconcile::Responsibility>,
    pub problems: Vec<Problem>,
}

/// Every estimate of event `slug` with the voices it rests on, and the
/// event's problems.
pub fn event(conn: &Db, slug: &str, opts: &Options) -> Result<EventAudit> {
    let all = crate::reconcile::all(conn, Some(slug), opts)?;
    let (_, est) = all
        .into_iter()
        .next()
        .ok_or_else(|| Error::unknown("event", slug, ""))?;
    let estimates = est
        .estimates
        .iter()
        .map(|e| {
            // One voice per origin, with every outlet that relayed it.
            let mut voices: Vec<Voice> = Vec::new();
            for c in &e.claims {
                let v = match voices
                    .iter_mut()
                    .position(|v| crate::model::fold(&v.origin) == crate::model::fold(&c.origin))
                {
                    Some(i) => &mut voices[i],
                    None => {
                        voices.push(Voice {
                            origin: c.origin.clone(),
                            counted: None,
                            claims: Vec::new(),
                            sources: Vec::new(),
                            in_majority: false,
                        });
                        voices.last_mut().expect("just pushed")
                    }
                };
                v.claims.push(c.id.clone());
                if !v.sources.contains(&c.source) {
                    v.sources.push(c.source.clone());
                }
                if c.counted {
                    v.counted = Some(c.id.clone());
                    v.in_majority = c.in_majority;
                }
            }
            EstimateAudit {
                kind: e.kind,
                subject: e.subject.clone(),
                status: e.status,
                low: e.low,
                high: e.high,
                best: e.best,
                origins: e.origins,
                voices,
            }
        })
        .collect();
    let a = EventAudit {
        event: slug.to_string(),
        estimates,
        responsibility: est.responsibility.clone(),
        problems: problems(&[], &[], std::slice::from_ref(&est)),
    };
    Ok(a)
}

#[derive(Debug, Serialize)]
pub struct Dependence {
    pub event: String,
    pub kind: Kind,
    pub subject: String,
    pub best_with: Option<i64>,
    pub best_without: Option<i64>,
    pub status_with: Status,
    pub status_without: Status,
}

#[derive(Debug, Serialize)]
pub struct SourceAudit {
    pub source: String,
    pub name: String,
    pub grade: Grade,
    pub claims: Vec<String>,
    pub estimates: Vec<Dependence>,
}

/// Every estimate that source `slug` touches, with and without it.
pub fn source(conn: &Db, slug: &str, opts: &Options) -> Result<SourceAudit> {
    let source = query::need_source(conn, "audit source", slug)?;
    let own = query::claims(
        conn,
        &ClaimFilter {
            source: Some(slug),
            ..Default::default()
        },
    )?;
    let mut events: Vec<&str> = own.iter().map(|c| c.event.as_str()).collect();
    events.sort();
    events.dedup();
    let mut estimates = Vec::new();
    for ev in events {
        let claims = query::claims(
            conn,
            &ClaimFilter {
                event: Some(ev),
                ..Default::default()
            },
        )?;
        let decisions = query::decisions(conn, Some(ev))?;
        let without: Vec<ClaimView> = claims.iter().filter(|c| c.source != slug).cloned().collect();
        let with_est = reconcile::reconcile_event(ev, &claims, &decisions, opts);
        let without_est = reconcile::reconcile_event(ev, &without, &decisions, opts);
        for e in &with_est.estimates {
            if !e.claims.iter().any(|c| c.source == slug) {
                continue;
            }
            let other = without_est.estimates.iter().find(|o| {
                o.kind == e.kind && crate::model::subject_key(&o.subject) == crate::model::subject_key(&e.subject)
            });
            estimates.push(Dependence {
                event: ev.to_string(),
                kind: e.kind,
                subject: e.subject.clone(),
                best_with: e.best,
                best_without: other.and_then(|o| o.best),
                status_with: e.status,
                status_without: other.map_or(Status::NoData, |o| o.status),
            });
        }
    }
    let a = SourceAudit {
        source: source.slug,
        name: source.name,
        grade: source.grade,
        claims: own.iter().map(|c| c.id.clone()).collect(),
        estimates,
    };
    Ok(a)
}
