//! Conflicting reports → explainable estimates.
//!
//! Current claims are grouped by (event, kind, subject); responsibility
//! claims separately, per event. For each count group:
//!
//! 1. **Filters.** `--min-grade G` drops claims whose source is graded
//!    below G; `--no-alleged` drops alleged claims. Dropped claims are
//!    listed with the reason, never counted.
//! 2. **Supersession.** Among claims with the same origin, the one from the
//!    latest-published report wins (tolls rise as they are updated); on the
//!    same publication date, the one recorded later. A report without a
//!    date counts as the oldest. Superseded claims are listed, not counted.
//! 3. **Independence.** Each distinct origin (case- and space-insensitive)
//!    is one voice; `origins` is the number of voices.
//! 4. **Agreement.** A sweep over the voices' interval ends finds the
//!    ranges covered by the most voices. Ties between separate ranges go to
//!    the range whose best-graded voice has the better grade, then to the
//!    one with the most recent report, then to the lower range. If every
//!    voice covers the majority range the status is `agreed` (2+ voices)
//!    or `single-source`, and low/high are that range; otherwise it is
//!    `conflict`, the voices outside it are the outliers, low is the
//!    smallest low and high the largest high (unbounded if any voice is).
//! 5. **Best**, by policy: `majority` the low end of the majority range;
//!    `conservative` the lowest low of the voices; `latest` the point value
//!    of the most recently published voice; `graded` the point value of
//!    the best-graded voice, ties by recency.
//! 6. **Decisions.** The latest decision on a group sets status `decided`
//!    and `best`; it is `stale` when a claim of the group was recorded (or
//!    revised) after it with an interval that does not contain its value.
//!
//! Responsibility, per actor, first rule that applies: `unknown` for the
//! actor `unknown`; `contested` when two or more named actors are claimed
//! or blamed for the event; `denied` when the actor denies and does not
//! also claim; `claimed` when it claims; `attributed` otherwise. The same
//! filters apply.

use crate::error::{Error, Result};
use crate::ledger::Db;
use crate::ledger::query::{self, ClaimFilter, ClaimView, DecisionView, EventView};
use crate::model::{self, Grade, Hedge, Kind, Stance};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

crate::string_enum!(
    /// How `best` is chosen: `majority` the low end of the majority range,
    /// `conservative` the low end of the estimate's range, `latest` the
    /// point of the most recently published voice, `graded` the point of
    /// the best-graded voice (ties by recency).
    Policy { Majority = "majority", Conservative = "conservative", Latest = "latest", Graded = "graded" }
);

#[allow(clippy::derivable_impls)] // the enum is made by a macro
impl Default for Policy {
    fn default() -> Policy {
        Policy::Majority
    }
}

crate::string_enum!(
    /// An estimate's status: every voice covers the majority range
    /// (`agreed`, or `single-source` with one voice), some do not
    /// (`conflict`), an analyst decided it (`decided`), or no claim counts
    /// (`no-data`).
    Status {
        Agreed = "agreed",
        SingleSource = "single-source",
        Conflict = "conflict",
        Decided = "decided",
        NoData = "no-data",
    }
);

crate::string_enum!(
    /// Where an actor stands on an event's responsibility.
    Standing {
        Unknown = "unknown",
        Contested = "contested",
        Denied = "denied",
        Claimed = "claimed",
        Attributed = "attributed",
    }
);

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub policy: Policy,
    pub min_grade: Option<Grade>,
    pub no_alleged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventEstimates {
    pub event: String,
    pub estimates: Vec<Estimate>,
    pub responsibility: Vec<Responsibility>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub kind: Kind,
    pub subject: String,
    pub status: Status,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub best: Option<i64>,
    pub policy: Policy,
    /// The policy's point fell outside [low, high] and was moved to the
    /// nearest end: `low ≤ best ≤ high` holds under every policy.
    pub clamped: bool,
    pub origins: usize,
    pub majority: Option<Majority>,
    pub outliers: Vec<String>,
    pub claims: Vec<ClaimUse>,
    pub decision: Option<DecisionUse>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Majority {
    pub low: i64,
    pub high: Option<i64>,
    pub origins: Vec<String>,
}

/// How one claim entered an estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimUse {
    pub id: String,
    pub source: String,
    pub grade: Grade,
    pub published: Option<String>,
    /// Whose word it is, resolved; `origin_text` as the claim wrote it.
    pub origin: String,
    pub origin_text: String,
    pub hedge: Hedge,
    pub phrase: Option<String>,
    pub low: i64,
    pub high: Option<i64>,
    pub point: i64,
    pub counted: bool,
    pub superseded_by: Option<String>,
    /// Why a filter left it out, if one did.
    pub excluded: Option<String>,
    /// Whether it covers the majority range.
    pub in_majority: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionUse {
    pub id: String,
    pub low: i64,
    pub high: Option<i64>,
    pub value: i64,
    pub reason: String,
    pub stale: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Responsibility {
    pub actor: String,
    pub actor_desc: Option<String>,
    pub status: Standing,
    pub claimed_by: Vec<String>,
    pub attributed_by: Vec<String>,
    pub denied_by: Vec<String>,
    /// The other named actors that some origin backs together with this
    /// one (a joint operation); always present, possibly empty.
    pub with: Vec<String>,
    pub claims: Vec<String>,
}

impl Estimate {
    /// Sets `best` to `point`, moved to the nearest end of [low, high]
    /// when it lies outside, and says so in `clamped`.
    fn set_best(&mut self, point: i64) {
        let low = self.low.unwrap_or(point);
        let mut best = point.max(low);
        if let Some(h) = self.high {
            best = best.min(h.max(low));
        }
        self.clamped = best != point;
        self.best = Some(best);
    }
}

/// Publication order: date (a missing date is oldest), then recording order.
pub(crate) fn recency(c: &ClaimView) -> (String, i64) {
    let date = c
        .published
        .as_deref()
        .map(|p| p.chars().take(10).collect())
        .unwrap_or_default();
    (date, c.recorded_seq)
}

fn excluded(c: &ClaimView, opts: &Options) -> Option<String> {
    if let Some(min) = opts.min_grade
        && c.grade > min
    {
        return Some(format!("source graded {} is below --min-grade {}", c.grade, min));
    }
    if opts.no_alleged && c.hedge == Hedge::Alleged {
        return Some("alleged, dropped by --no-alleged".into());
    }
    None
}

/// Reconciles the current claims of one event.
pub fn reconcile_event(
    event: &str,
    claims: &[ClaimView],
    decisions: &[DecisionView],
    opts: &Options,
) -> EventEstimates {
    let current: Vec<&ClaimView> = claims
        .iter()
        .filter(|c| c.event == event && !c.retracted && !c.report_retracted)
        .collect();
    let mut groups: BTreeMap<(Kind, String), Vec<&ClaimView>> = BTreeMap::new();
    for c in current.iter().filter(|c| c.kind != Kind::Responsibility) {
        groups
            .entry((c.kind, model::subject_key(&c.subject)))
            .or_default()
            .push(c);
    }
    let estimates = groups
        .into_values()
        .map(|group| {
            let decision = decisions
                .iter()
                .filter(|d| {
                    d.event == event
                        && d.kind == group[0].kind
                        && model::subject_key(&d.subject) == model::subject_key(&group[0].subject)
                })
                .max_by_key(|d| d.seq);
            estimate(&group, decision, opts)
        })
        .collect();
    let responsibility = responsibility(&current, opts);
    EventEstimates {
        event: event.to_string(),
        estimates,
        responsibility,
    }
}

/// One count group's estimate. `group` holds the current claims of one
/// (event, kind, subject).
pub fn estimate(group: &[&ClaimView], decision: Option<&DecisionView>, opts: &Options) -> Estimate {
    let mut uses: Vec<ClaimUse> = group
        .iter()
        .map(|c| ClaimUse {
            id: c.id.clone(),
            source: c.source.clone(),
            grade: c.grade,
            published: c.published.clone(),
            origin: c.origin.clone(),
            origin_text: c.origin_text.clone(),
            hedge: c.hedge,
            phrase: c.phrase.clone(),
            low: c.low.unwrap_or(0),
            high: c.high,
            point: c.point.or(c.low).unwrap_or(0),
            counted: false,
            superseded_by: None,
            excluded: excluded(c, opts),
            in_majority: false,
        })
        .collect();

    // Supersession: the latest claim of each origin speaks for it.
    let mut by_origin: BTreeMap<String, usize> = BTreeMap::new();
    for (i, c) in group.iter().enumerate() {
        if uses[i].excluded.is_some() {
            continue;
        }
        let key = model::fold(&c.origin);
        match by_origin.get(&key) {
            Some(&j) if recency(group[j]) >= recency(c) => {}
            _ => {
                by_origin.insert(key, i);
            }
        }
    }
    let voices: Vec<usize> = {
        let mut v: Vec<usize> = by_origin.values().copied().collect();
        v.sort_unstable();
        v
    };
    for (i, c) in group.iter().enumerate() {
        if uses[i].excluded.is_some() {
            continue;
        }
        let winner = by_origin[&model::fold(&c.origin)];
        if winner == i {
            uses[i].counted = true;
        } else {
            uses[i].superseded_by = Some(group[winner].id.clone());
        }
    }

    let subject = group[0].subject.clone();
    let kind = group[0].kind;
    let mut est = Estimate {
        kind,
        subject,
        status: Status::NoData,
        low: None,
        high: None,
        best: None,
        policy: opts.policy,
        clamped: false,
        origins: voices.len(),
        majority: None,
        outliers: Vec::new(),
        claims: Vec::new(),
        decision: None,
    };

    if !voices.is_empty() {
        let intervals: Vec<(i64, Option<i64>)> = voices.iter().map(|&i| (uses[i].low, uses[i].high)).collect();
        let (m_low, m_high, covering) = majority_range(&intervals, |a, b| {
            // Tie-break between two candidate ranges, given the voices
            // (indices into `voices`) that cover each.
            let best_grade = |vs: &[usize]| vs.iter().map(|&v| group[voices[v]].grade).min();
            let newest = |vs: &[usize]| vs.iter().map(|&v| recency(group[voices[v]])).max().unwrap_or_default();
            best_grade(a)
                .cmp(&best_grade(b))
                .then_with(|| newest(b).cmp(&newest(a)))
        });
        for &v in &covering {
            uses[voices[v]].in_majority = true;
        }
        let origins_of =
            |vs: &mut dyn Iterator<Item = usize>| -> Vec<String> { vs.map(|i| uses[i].origin.clone()).collect() };
        est.majority = Some(Majority {
            low: m_low,
            high: m_high,
            origins: origins_of(&mut covering.iter().map(|&v| voices[v])),
        });
        if covering.len() == voices.len() {
            est.status = if voices.len() >= 2 {
                Status::Agreed
            } else {
                Status::SingleSource
            };
            est.low = Some(m_low);
            est.high = m_high;
        } else {
            est.status = Status::Conflict;
            let outliers: Vec<usize> = (0..voices.len())
                .filter(|v| !covering.contains(v))
                .map(|v| voices[v])
                .collect();
            est.outliers = origins_of(&mut outliers.iter().copied());
            // The smallest interval holding the majority range and every
            // outlier: voices that agree with the majority do not widen it.
            est.low = Some(outliers.iter().map(|&i| uses[i].low).fold(m_low, i64::min));
            est.high = outliers
                .iter()
                .map(|&i| uses[i].high)
                .fold(m_high, |acc, h| acc.zip(h).map(|(a, b)| a.max(b)));
        }
        let by_recency = |&a: &usize, &b: &usize| recency(group[a]).cmp(&recency(group[b]));
        let point = match opts.policy {
            Policy::Majority => m_low,
            Policy::Conservative => est.low.unwrap_or(m_low),
            Policy::Latest => voices
                .iter()
                .copied()
                .max_by(by_recency)
                .map(|i| uses[i].point)
                .unwrap_or(m_low),
            Policy::Graded => voices
                .iter()
                .copied()
                .max_by(|a, b| group[*b].grade.cmp(&group[*a].grade).then_with(|| by_recency(a, b)))
                .map(|i| uses[i].point)
                .unwrap_or(m_low),
        };
        est.set_best(point);
    }

    if let Some(d) = decision {
        // Stale: a counted claim recorded, revised or restored after the
        // decision whose interval does not meet the decided range.
        let meets =
            |low: i64, high: Option<i64>| low <= d.high.unwrap_or(i64::MAX) && d.low <= high.unwrap_or(i64::MAX);
        let stale = group
            .iter()
            .zip(&uses)
            .any(|(c, u)| u.counted && c.seq > d.seq && !meets(u.low, u.high));
        est.status = Status::Decided;
        est.low = Some(d.low);
        est.high = d.high;
        est.clamped = false;
        est.set_best(d.value);
        est.decision = Some(DecisionUse {
            id: d.id.clone(),
            low: d.low,
            high: d.high,
            value: d.value,
            reason: d.reason.clone(),
            stale,
        });
    }
    est.claims = uses;
    est
}

/// The range covered by the most intervals, by a sweep over their ends.
/// Returns (low, high, indices of the covering intervals). `prefer`
/// orders two tied candidates by their covering sets (Less = first wins);
/// a remaining tie goes to the lower range.
pub fn majority_range(
    intervals: &[(i64, Option<i64>)],
    prefer: impl Fn(&[usize], &[usize]) -> Ordering,
) -> (i64, Option<i64>, Vec<usize>) {
    // Ends are exclusive (high + 1); an unbounded end never closes.
    let mut ends: Vec<(i64, i32)> = Vec::with_capacity(intervals.len() * 2);
    for &(low, high) in intervals {
        ends.push((low, 1));
        if let Some(h) = high {
            ends.push((h.saturating_add(1), -1));
        }
    }
    ends.sort_unstable();
    // Segments between consecutive distinct end points, with their depth.
    let mut best_depth = 0;
    let mut candidates: Vec<(i64, Option<i64>)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < ends.len() {
        let at = ends[i].0;
        while i < ends.len() && ends[i].0 == at {
            depth += ends[i].1;
            i += 1;
        }
        let next = ends.get(i).map(|e| e.0 - 1);
        if depth > best_depth {
            best_depth = depth;
            candidates.clear();
        }
        if depth == best_depth && depth > 0 {
            candidates.push((at, next));
        }
    }
    let covering = |(lo, hi): (i64, Option<i64>)| -> Vec<usize> {
        intervals
            .iter()
            .enumerate()
            .filter(|(_, (l, h))| {
                *l <= lo
                    && match (h, hi) {
                        (None, _) => true,
                        (Some(h), Some(hi)) => *h >= hi,
                        (Some(_), None) => false,
                    }
            })
            .map(|(i, _)| i)
            .collect()
    };
    type Candidate = ((i64, Option<i64>), Vec<usize>);
    let mut best: Option<Candidate> = None;
    for cand in candidates {
        let cov = covering(cand);
        best = match best {
            None => Some((cand, cov)),
            // Candidates come in ascending order, so on a full tie the
            // earlier (lower) one stays.
            Some((b, bcov)) => match prefer(&cov, &bcov) {
                Ordering::Less => Some((cand, cov)),
                _ => Some((b, bcov)),
            },
        };
    }
    match best {
        Some(((lo, hi), cov)) => (lo, hi, cov),
        None => (0, Some(0), Vec::new()),
    }
}

fn responsibility(current: &[&ClaimView], opts: &Options) -> Vec<Responsibility> {
    let resp: Vec<&&ClaimView> = current
        .iter()
        .filter(|c| c.kind == Kind::Responsibility && excluded(c, opts).is_none())
        .collect();
    let mut actors: BTreeMap<String, Responsibility> = BTreeMap::new();
    for c in &resp {
        let actor = c.actor.clone().unwrap_or_else(|| "unknown".into());
        let r = actors.entry(actor.clone()).or_insert_with(|| Responsibility {
            actor,
            actor_desc: None,
            status: Standing::Unknown,
            claimed_by: Vec::new(),
            attributed_by: Vec::new(),
            denied_by: Vec::new(),
            with: Vec::new(),
            claims: Vec::new(),
        });
        if r.actor_desc.is_none() {
            r.actor_desc = c.actor_desc.clone();
        }
        let list = match c.stance {
            Some(Stance::Claimed) => &mut r.claimed_by,
            Some(Stance::Denied) => &mut r.denied_by,
            _ => &mut r.attributed_by,
        };
        if !list.iter().any(|o| model::fold(o) == model::fold(&c.origin)) {
            list.push(c.origin.clone());
        }
        r.claims.push(c.id.clone());
    }
    // Who backs whom: an origin backs an actor when it attributes the act
    // to it, or is that actor claiming it (a claim relayed by another
    // origin is still the actor's own).
    let mut backers: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for c in &resp {
        let Some(actor) = c.actor.as_deref().filter(|a| *a != "unknown") else {
            continue;
        };
        let backer = match c.stance {
            Some(Stance::Attributed) | None => model::fold(&c.origin),
            Some(Stance::Claimed) => model::fold(actor),
            Some(Stance::Denied) => continue,
        };
        backers.entry(actor).or_default().insert(backer);
    }
    let none = BTreeSet::new();
    let backed = |a: &str| backers.get(a).unwrap_or(&none);
    // Two actors are rivals when each has a backer the other lacks and no
    // origin backs both; backed together, they acted together.
    let rivals = |a: &str, b: &str| {
        let (x, y) = (backed(a), backed(b));
        x.difference(y).next().is_some() && y.difference(x).next().is_some() && x.is_disjoint(y)
    };
    let named: Vec<String> = actors.keys().filter(|a| *a != "unknown").cloned().collect();
    for r in actors.values_mut() {
        let others = named.iter().filter(|o| **o != r.actor);
        r.with = others
            .clone()
            .filter(|o| !backed(&r.actor).is_disjoint(backed(o)))
            .cloned()
            .collect();
        let contested = others.clone().any(|o| rivals(&r.actor, o));
        r.status = if r.actor == "unknown" {
            Standing::Unknown
        } else if contested {
            Standing::Contested
        } else if !r.denied_by.is_empty() && r.claimed_by.is_empty() {
            Standing::Denied
        } else if !r.claimed_by.is_empty() {
            Standing::Claimed
        } else {
            Standing::Attributed
        };
    }
    actors.into_values().collect()
}

// ----- over the ledger -------------------------------------------------------

/// Reconciles one event of the ledger, or all of them in date order: the
/// one read use case that reconcile, audit, diff, export and demo share.
pub fn all(conn: &Db, event: Option<&str>, opts: &Options) -> Result<Vec<(EventView, EventEstimates)>> {
    let events = match event {
        Some(slug) => {
            vec![query::event(conn, slug)?.ok_or_else(|| Error::unknown("event", slug, "see `tally event list`"))?]
        }
        None => query::events(conn)?,
    };
    // Origins resolve through the sources and actors as they stand now.
    let resolver = query::Resolver::load(conn)?;
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let claims = query::claims_with(
            conn,
            &ClaimFilter {
                event: Some(&e.slug),
                ..Default::default()
            },
            &resolver,
        )?;
        let decisions = query::decisions(conn, Some(&e.slug))?;
        let est = reconcile_event(&e.slug, &claims, &decisions, opts);
        out.push((e, est));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(id: &str, origin: &str, published: &str, seq: i64, low: i64, high: Option<i64>, grade: &str) -> ClaimView {
        ClaimView {
            id: id.into(),
            event: "e".into(),
            report: format!("r{seq}"),
            source: origin.into(),
            grade: Grade::parse("grade", grade).unwrap(),
            published: Some(published.into()),
            url: None,
            origin: origin.into(),
            origin_text: origin.into(),
            kind: Kind::Killed,
            subject: "total".into(),
            phrase: None,
            low: Some(low),
            high,
            point: Some(low),
            actor: None,
            actor_desc: None,
            stance: None,
            hedge: Hedge::Asserted,
            quote: None,
            note: None,
            revision: 1,
            retracted: false,
            report_retracted: false,
            reason: None,
            recorded_seq: seq,
            seq,
        }
    }

    fn run(claims: &[ClaimView]) -> Estimate {
        let r = reconcile_event("e", claims, &[], &Options::default());
        r.estimates.into_iter().next().unwrap()
    }

    #[test]
    fn sweep_finds_the_deepest_range() {
        let (lo, hi, cov) = majority_range(&[(7, Some(7)), (5, None), (12, None)], |_, _| Ordering::Equal);
        assert_eq!((lo, hi, cov), (7, Some(7), vec![0, 1]));
        let (lo, hi, cov) = majority_range(&[(41, None), (47, Some(47)), (27, Some(33))], |_, _| Ordering::Equal);
        assert_eq!((lo, hi, cov), (47, Some(47), vec![0, 1]));
        // Touching intervals do not overlap: [1,4] and [5,9].
        let (lo, hi, _) = majority_range(&[(1, Some(4)), (5, Some(9))], |_, _| Ordering::Equal);
        assert_eq!((lo, hi), (1, Some(4)), "full tie goes to the lower range");
        let (lo, hi, cov) = majority_range(&[(2, None), (5, None)], |_, _| Ordering::Equal);
        assert_eq!((lo, hi, cov), (5, None, vec![0, 1]));
    }

    #[test]
    fn supersession_within_an_origin() {
        let e = run(&[
            claim("c1", "army", "2017-05-07", 1, 5, None, "B"),
            claim("c2", "army", "2017-05-09", 2, 7, Some(7), "B"),
        ]);
        assert_eq!(e.status, Status::SingleSource);
        assert_eq!((e.low, e.high, e.best, e.origins), (Some(7), Some(7), Some(7), 1));
        assert_eq!(e.claims[0].superseded_by.as_deref(), Some("c2"));
        assert!(!e.claims[0].counted && e.claims[1].counted);
        // Same date: the later-recorded one wins, whatever the input order.
        let e = run(&[
            claim("c9", "army", "2017-05-09", 9, 9, Some(9), "B"),
            claim("c3", "army", "2017-05-09", 3, 3, Some(3), "B"),
        ]);
        assert_eq!(e.best, Some(9));
    }

    #[test]
    fn origins_compare_case_and_space_insensitively() {
        let e = run(&[
            claim("c1", "Local  Officials", "2017-04-28", 1, 41, None, "B"),
            claim("c2", "local officials", "2017-04-29", 2, 41, None, "B"),
        ]);
        assert_eq!(e.origins, 1);
    }

    #[test]
    fn agreement_and_conflict() {
        let e = run(&[
            claim("c1", "a", "2017-01-01", 1, 2, None, "B"),
            claim("c2", "b", "2017-01-02", 2, 5, Some(5), "B"),
        ]);
        assert_eq!(
            (e.status.as_str(), e.low, e.high, e.best),
            ("agreed", Some(5), Some(5), Some(5))
        );
        let e = run(&[
            claim("c1", "army", "2017-01-01", 1, 7, Some(7), "B"),
            claim("c2", "lwj", "2017-01-01", 2, 7, Some(7), "B"),
            claim("c3", "jnim", "2017-01-01", 3, 12, None, "E"),
        ]);
        assert_eq!(
            (e.status.as_str(), e.low, e.high, e.best),
            ("conflict", Some(7), None, Some(7))
        );
        assert_eq!(e.outliers, vec!["jnim"]);
        assert_eq!(e.majority.unwrap().origins, vec!["army", "lwj"]);
    }

    #[test]
    fn ties_go_to_grade_then_recency() {
        let e = run(&[
            claim("c1", "f24", "2017-04-15", 1, 15, Some(15), "B"),
            claim("c2", "staff", "2017-04-14", 2, 11, Some(13), "A"),
        ]);
        assert_eq!(e.majority.as_ref().unwrap().low, 11, "grade A beats B");
        assert_eq!(e.outliers, vec!["f24"]);
        let e = run(&[
            claim("c1", "x", "2017-04-15", 1, 15, Some(15), "B"),
            claim("c2", "y", "2017-04-14", 2, 11, Some(13), "B"),
        ]);
        assert_eq!(
            e.majority.as_ref().unwrap().low,
            15,
            "same grade: the more recent report"
        );
    }

    #[test]
    fn policies() {
        let claims = [
            claim("c1", "a", "2017-01-03", 1, 10, Some(10), "C"),
            claim("c2", "b", "2017-01-01", 2, 8, Some(12), "A"),
            claim("c3", "c", "2017-01-02", 3, 4, Some(20), "B"),
        ];
        let best = |policy| {
            let e = &reconcile_event(
                "e",
                &claims,
                &[],
                &Options {
                    policy,
                    ..Default::default()
                },
            )
            .estimates[0];
            (e.best, e.clamped)
        };
        // Every voice covers 10: agreed, range 10–10.
        assert_eq!(best(Policy::Majority), (Some(10), false));
        assert_eq!(
            best(Policy::Conservative),
            (Some(10), false),
            "the low end of the range"
        );
        assert_eq!(best(Policy::Latest), (Some(10), false));
        assert_eq!(best(Policy::Graded), (Some(10), true), "b's 8 is moved into the range");
        // In a conflict, conservative is the range's low end.
        let claims = [
            claim("c1", "a", "2017-01-03", 1, 10, Some(10), "C"),
            claim("c2", "b", "2017-01-01", 2, 10, Some(10), "A"),
            claim("c3", "c", "2017-01-02", 3, 4, Some(4), "B"),
        ];
        let e = &reconcile_event(
            "e",
            &claims,
            &[],
            &Options {
                policy: Policy::Conservative,
                ..Default::default()
            },
        )
        .estimates[0];
        assert_eq!(
            (e.status, e.low, e.high, e.best),
            (Status::Conflict, Some(4), Some(10), Some(4))
        );
    }

    #[test]
    fn filters_exclude_but_list() {
        let mut alleged = claim("c2", "b", "2017-01-01", 2, 50, Some(50), "B");
        alleged.hedge = Hedge::Alleged;
        let claims = [claim("c1", "a", "2017-01-01", 1, 10, Some(10), "E"), alleged];
        let e = &reconcile_event(
            "e",
            &claims,
            &[],
            &Options {
                min_grade: Some(Grade::B),
                ..Default::default()
            },
        )
        .estimates[0];
        assert_eq!((e.status.as_str(), e.best), ("single-source", Some(50)));
        assert!(e.claims[0].excluded.as_deref().unwrap().contains("below"));
        let e = &reconcile_event(
            "e",
            &claims,
            &[],
            &Options {
                no_alleged: true,
                ..Default::default()
            },
        )
        .estimates[0];
        assert_eq!(e.best, Some(10));
        let e = &reconcile_event(
            "e",
            &claims,
            &[],
            &Options {
                no_alleged: true,
                min_grade: Some(Grade::A),
                ..Default::default()
            },
        )
        .estimates[0];
        assert_eq!((e.status.as_str(), e.best, e.origins), ("no-data", None, 0));
    }

    #[test]
    fn decisions_and_staleness() {
        let d = DecisionView {
            id: "d1".into(),
            event: "e".into(),
            kind: Kind::Killed,
            subject: "Total".into(),
            value: 7,
            low: 7,
            high: Some(7),
            reason: "r".into(),
            seq: 5,
        };
        let claims = [claim("c1", "a", "2017-01-01", 1, 7, Some(7), "B")];
        let e = &reconcile_event("e", &claims, std::slice::from_ref(&d), &Options::default()).estimates[0];
        assert_eq!(
            (e.status.as_str(), e.best, e.decision.as_ref().unwrap().stale),
            ("decided", Some(7), false)
        );
        let claims = [
            claim("c1", "a", "2017-01-01", 1, 7, Some(7), "B"),
            claim("c2", "b", "2017-01-02", 6, 9, None, "B"),
        ];
        let e = &reconcile_event("e", &claims, &[d], &Options::default()).estimates[0];
        assert!(e.decision.as_ref().unwrap().stale);
    }

    fn resp(id: &str, actor: &str, stance: &str, origin: &str) -> ClaimView {
        ClaimView {
            kind: Kind::Responsibility,
            actor: Some(actor.into()),
            stance: Some(Stance::parse("stance", stance).unwrap()),
            low: None,
            high: None,
            ..claim(id, origin, "2017-01-01", 1, 0, None, "B")
        }
    }

    #[test]
    fn responsibility_statuses() {
        let status = |claims: &[ClaimView]| -> Vec<(String, String)> {
            reconcile_event("e", claims, &[], &Options::default())
                .responsibility
                .into_iter()
                .map(|r| (r.actor, r.status.to_string()))
                .collect()
        };
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            status(&[
                resp("c1", "jnim", "claimed", "jnim"),
                resp("c2", "jnim", "attributed", "lwj")
            ]),
            vec![s("jnim", "claimed")]
        );
        assert_eq!(
            status(&[resp("c1", "jnim", "attributed", "lwj")]),
            vec![s("jnim", "attributed")]
        );
        assert_eq!(
            status(&[resp("c1", "jnim", "denied", "jnim")]),
            vec![s("jnim", "denied")]
        );
        assert_eq!(
            status(&[resp("c1", "jnim", "denied", "jnim"), resp("c2", "jnim", "claimed", "x")]),
            vec![s("jnim", "claimed")]
        );
        assert_eq!(
            status(&[resp("c1", "unknown", "attributed", "ap")]),
            vec![s("unknown", "unknown")]
        );
        assert_eq!(
            status(&[
                resp("c1", "jnim", "claimed", "jnim"),
                resp("c2", "isgs", "attributed", "army"),
                resp("c3", "unknown", "attributed", "ap")
            ]),
            vec![s("isgs", "contested"), s("jnim", "contested"), s("unknown", "unknown")]
        );
    }

    use proptest::prelude::*;

    /// A random claim: origin, date, bounds, grade, hedge.
    fn arb_claim() -> impl Strategy<Value = (u8, u8, i64, Option<i64>, u8, bool)> {
        (
            0u8..5,
            1u8..28,
            0i64..200,
            prop::option::of(0i64..100),
            0u8..6,
            any::<bool>(),
        )
    }

    proptest! {
        /// Whatever the claims, the policy and the filters: low ≤ best ≤
        /// high, `clamped` exactly when the policy's point was moved, and
        /// every counted voice either in the majority or an outlier.
        #[test]
        fn best_lies_in_the_range_under_every_policy(
            raw in prop::collection::vec(arb_claim(), 1..9),
            policy in 0usize..4,
            min_grade in prop::option::of(0usize..6),
            no_alleged in any::<bool>(),
            decided in prop::option::of((0i64..150, prop::option::of(0i64..100), 0i64..100)),
        ) {
            let grades = ["A", "B", "C", "D", "E", "F"];
            let claims: Vec<ClaimView> = raw
                .iter()
                .enumerate()
                .map(|(i, &(origin, day, low, span, grade, alleged))| {
                    let mut c = claim(
                        &format!("c{}", i + 1),
                        &format!("o{origin}"),
                        &format!("2017-01-{day:02}"),
                        i as i64 + 1,
                        low,
                        span.map(|s| low + s),
                        grades[grade as usize],
                    );
                    c.point = Some(low);
                    if alleged {
                        c.hedge = Hedge::Alleged;
                    }
                    c
                })
                .collect();
            let decisions: Vec<DecisionView> = decided
                .map(|(low, span, pick)| {
                    let high = span.map(|s| low + s);
                    DecisionView {
                        id: "d1".into(),
                        event: "e".into(),
                        kind: Kind::Killed,
                        subject: "total".into(),
                        value: low + pick.min(span.unwrap_or(pick)),
                        low,
                        high,
                        reason: "r".into(),
                        seq: 4,
                    }
                })
                .into_iter()
                .collect();
            let opts = Options {
                policy: Policy::ALL[policy],
                min_grade: min_grade.map(|g| Grade::ALL[g]),
                no_alleged,
            };
            for e in reconcile_event("e", &claims, &decisions, &opts).estimates {
                if let (Some(low), Some(best)) = (e.low, e.best) {
                    prop_assert!(low <= best, "{e:?}");
                    prop_assert!(e.high.is_none_or(|h| best <= h), "{e:?}");
                } else {
                    prop_assert_eq!(e.status, Status::NoData);
                }
                let counted = e.claims.iter().filter(|c| c.counted).count();
                prop_assert_eq!(counted, e.origins);
                if e.status == Status::Conflict {
                    prop_assert!(!e.outliers.is_empty());
                    let m = e.majority.as_ref().unwrap();
                    // The range holds the majority range.
                    prop_assert!(e.low.unwrap() <= m.low);
                    let holds = match (e.high, m.high) {
                        (None, _) => true,
                        (Some(h), Some(mh)) => h >= mh,
                        (Some(_), None) => false,
                    };
                    prop_assert!(holds, "{:?}", e);
                }
            }
        }
    }
}
