//! Audit: what each number rests on, and what in the ledger needs an
//! analyst's attention. No I/O: the caller passes views and reconciliations.
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

use crate::ledger::query::{ClaimView, ReportView, SourceView};
use crate::model;
use crate::reconcile::EventEstimates;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    pub severity: u8,
    pub code: &'static str,
    pub entity: String,
    pub message: String,
}

fn problem(code: &'static str, entity: impl Into<String>, message: String) -> Problem {
    let severity = match code {
        "CAPTURE_MISMATCH" => 1,
        "STALE_DECISION" => 2,
        "CONFLICT_UNDECIDED" => 3,
        "SELF_CLAIM_ONLY" => 4,
        "ALLEGED_ONLY" => 5,
        "SINGLE_SOURCE" => 6,
        "UNGRADED_SOURCE" => 7,
        _ => 8,
    };
    Problem {
        severity,
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
                "CAPTURE_MISMATCH",
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
                "NO_URL",
                &r.id,
                format!("report {} by {} has no URL and no captured copy", r.id, r.source),
            ));
        }
    }
    for s in sources.iter().filter(|s| s.grade == "F") {
        out.push(problem(
            "UNGRADED_SOURCE",
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
                    "STALE_DECISION",
                    &d.id,
                    format!(
                        "decision {} on {group} ({}) is contradicted by a later claim",
                        d.id, d.value
                    ),
                ));
            }
            if e.status == "conflict" {
                out.push(problem(
                    "CONFLICT_UNDECIDED",
                    &group,
                    format!(
                        "{group}: origins disagree ({} outside the majority) and no decision is recorded",
                        e.outliers.join(", ")
                    ),
                ));
            }
            let counted: Vec<_> = e.claims.iter().filter(|c| c.counted).collect();
            if !counted.is_empty() && counted.iter().all(|c| c.hedge == "alleged") {
                out.push(problem(
                    "ALLEGED_ONLY",
                    &group,
                    format!("{group} rests only on alleged claims"),
                ));
            }
            if e.status == "single-source" {
                out.push(problem(
                    "SINGLE_SOURCE",
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
                    "SELF_CLAIM_ONLY",
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
    if claim.kind == "responsibility" {
        let denies = |c: &ClaimView| c.stance.as_deref() == Some("denied");
        return claim.actor == other.actor && denies(claim) == denies(other);
    }
    let (a_lo, a_hi) = (claim.low.unwrap_or(0), claim.high.unwrap_or(i64::MAX));
    let (b_lo, b_hi) = (other.low.unwrap_or(0), other.high.unwrap_or(i64::MAX));
    a_lo <= b_hi && b_lo <= a_hi
}

/// Claims of other origins about the same thing, split into those that
/// corroborate `claim` and those that contradict it.
pub fn corroboration<'a>(claim: &ClaimView, others: &'a [ClaimView]) -> (Vec<&'a str>, Vec<&'a str>) {
    let same_thing = |o: &&ClaimView| {
        o.id != claim.id
            && !o.retracted
            && o.event == claim.event
            && o.kind == claim.kind
            && model::fold(&o.origin) != model::fold(&claim.origin)
            && (claim.kind == "responsibility" || model::fold(&o.subject) == model::fold(&claim.subject))
    };
    let (mut yes, mut no) = (Vec::new(), Vec::new());
    for o in others.iter().filter(same_thing) {
        if agrees(claim, o) {
            yes.push(o.id.as_str());
        } else if claim.kind != "responsibility" || claim.actor == o.actor || o.stance.as_deref() != Some("denied") {
            no.push(o.id.as_str());
        }
    }
    (yes, no)
}
