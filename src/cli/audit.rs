use super::{Ctx, style};
use crate::audit::{self, Problem};
use crate::error::{Error, Result};
use crate::journal::sha256_hex;
use crate::ledger::query::{self, ClaimFilter, ClaimView};
use crate::reconcile::{self, Options};
use rusqlite::Connection;
use serde::Serialize;

/// Provenance: what every number rests on, and what needs attention
///
///   tally audit                    the whole ledger's problems, most severe first
///   tally audit claim c3           revisions with hashes, report, source, corroboration
///   tally audit event SLUG         every estimate with the origins it rests on
///   tally audit source SLUG        every estimate the source touches, with and without it
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// claim CID, event SLUG or source SLUG; nothing for the whole ledger
    #[arg(num_args = 0..=2, value_name = "WHAT ID")]
    target: Vec<String>,
    /// Exit 3 when any problem is found
    #[arg(long)]
    strict: bool,
}

#[derive(Serialize)]
struct Problems {
    problems: Vec<Problem>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let ledger = ctx.open()?;
    let conn = ledger.conn();
    let problems = match args.target.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => {
            let problems = ledger_problems(conn)?;
            let shown = Problems { problems };
            ctx.emit(&shown, |out| {
                for p in &shown.problems {
                    writeln!(
                        out,
                        "{}{:<18}{} {:<40} {}",
                        severity(p.severity).render(),
                        p.code,
                        severity(p.severity).render_reset(),
                        p.entity,
                        p.message
                    )?;
                }
                writeln!(out, "{} problem(s)", shown.problems.len())
            })?;
            shown.problems.len()
        }
        ["claim", id] => {
            audit_claim(ctx, conn, id)?;
            0
        }
        ["event", slug] => audit_event(ctx, conn, slug)?,
        ["source", slug] => {
            audit_source(ctx, conn, slug)?;
            0
        }
        _ => {
            return Err(Error::Invalid(
                "audit takes nothing, `claim CID`, `event SLUG` or `source SLUG`".into(),
            ));
        }
    };
    if args.strict && problems > 0 {
        return Err(Error::Integrity(format!("audit --strict: {problems} problem(s) found")));
    }
    Ok(())
}

fn severity(s: u8) -> anstyle::Style {
    match s {
        1..=3 => style::BAD,
        4..=6 => style::WARN,
        _ => style::DIM,
    }
}

/// Whether a report's captured bytes are present and match their hash.
fn capture_ok(conn: &Connection, sha: Option<&str>) -> Result<Option<bool>> {
    match sha {
        None => Ok(None),
        Some(sha) => Ok(Some(query::blob(conn, sha)?.is_some_and(|b| sha256_hex(&b) == sha))),
    }
}

/// The whole ledger's problems.
fn ledger_problems(conn: &Connection) -> Result<Vec<Problem>> {
    let estimates: Vec<_> = super::reconcile::reconcile_all(conn, None, &Options::default())?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let mut reports = Vec::new();
    for r in query::reports(conn, None)? {
        let ok = capture_ok(conn, r.capture_sha256.as_deref())?;
        reports.push((r, ok));
    }
    Ok(audit::problems(&query::sources(conn)?, &reports, &estimates))
}

#[derive(Serialize)]
struct RevisionRef {
    revision: i64,
    seq: i64,
    hash: String,
    at: String,
    author: String,
    op: String,
}

#[derive(Serialize)]
struct ReportRef {
    id: String,
    source: String,
    source_name: String,
    grade: String,
    published: Option<String>,
    url: Option<String>,
    capture_sha256: Option<String>,
    capture_ok: Option<bool>,
}

#[derive(Serialize)]
struct ClaimAudit {
    claim: ClaimView,
    revisions: Vec<RevisionRef>,
    report: ReportRef,
    origin: String,
    independent_of_source: bool,
    corroborated_by: Vec<String>,
    contradicted_by: Vec<String>,
}

fn audit_claim(ctx: &Ctx, conn: &Connection, id: &str) -> Result<()> {
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
    let (yes, no) = audit::corroboration(&claim, &others);
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
    ctx.emit(&a, |out| {
        let c = &a.claim;
        let value = c.phrase.clone().or(c.actor.clone()).unwrap_or_default();
        writeln!(
            out,
            "{}: {value}{}",
            super::claim::headline(c),
            if c.retracted { " (retracted)" } else { "" }
        )?;
        for r in &a.revisions {
            writeln!(
                out,
                "  rev {} seq {} {} {} {} {}",
                r.revision, r.seq, r.at, r.author, r.op, r.hash
            )?;
        }
        let r = &a.report;
        writeln!(
            out,
            "  report {} by {} ({}), grade {}, published {}",
            r.id,
            r.source,
            r.source_name,
            r.grade,
            r.published.clone().unwrap_or_default()
        )?;
        writeln!(out, "  url {}", r.url.clone().unwrap_or_else(|| "(none)".into()))?;
        if let Some(sha) = &r.capture_sha256 {
            let state = if r.capture_ok == Some(true) {
                "stored bytes match"
            } else {
                "MISSING OR ALTERED"
            };
            writeln!(out, "  capture sha256 {sha}: {state}")?;
        }
        writeln!(
            out,
            "  origin {}{}",
            a.origin,
            if a.independent_of_source {
                " (relayed by the source)"
            } else {
                " (the source's own word)"
            }
        )?;
        writeln!(
            out,
            "  corroborated by: {}",
            if a.corroborated_by.is_empty() {
                "none".into()
            } else {
                a.corroborated_by.join(", ")
            }
        )?;
        writeln!(
            out,
            "  contradicted by: {}",
            if a.contradicted_by.is_empty() {
                "none".into()
            } else {
                a.contradicted_by.join(", ")
            }
        )
    })
}

#[derive(Serialize)]
struct Voice {
    origin: String,
    counted: Option<String>,
    claims: Vec<String>,
    sources: Vec<String>,
    in_majority: bool,
}

#[derive(Serialize)]
struct EstimateAudit {
    kind: String,
    subject: String,
    status: String,
    low: Option<i64>,
    high: Option<i64>,
    best: Option<i64>,
    origins: usize,
    voices: Vec<Voice>,
}

#[derive(Serialize)]
struct EventAudit {
    event: String,
    estimates: Vec<EstimateAudit>,
    responsibility: Vec<reconcile::Responsibility>,
    problems: Vec<Problem>,
}

fn audit_event(ctx: &Ctx, conn: &Connection, slug: &str) -> Result<usize> {
    let all = super::reconcile::reconcile_all(conn, Some(slug), &Options::default())?;
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
                kind: e.kind.clone(),
                subject: e.subject.clone(),
                status: e.status.clone(),
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
        problems: audit::problems(&[], &[], std::slice::from_ref(&est)),
    };
    ctx.emit(&a, |out| {
        writeln!(out, "{}{}{}", style::BOLD.render(), a.event, style::BOLD.render_reset())?;
        for e in &a.estimates {
            writeln!(
                out,
                "  {} · {}: {} best {} — {} independent origin(s)",
                e.kind,
                e.subject,
                e.status,
                e.best.map(|b| b.to_string()).unwrap_or("-".into()),
                e.origins
            )?;
            for v in &e.voices {
                let role = match (&v.counted, v.in_majority) {
                    (None, _) => "not counted",
                    (Some(_), true) => "in the majority",
                    (Some(_), false) => "outlier",
                };
                writeln!(
                    out,
                    "    {:<20} {:<16} claims {} via {}",
                    v.origin,
                    role,
                    v.claims.join(", "),
                    v.sources.join(", ")
                )?;
            }
        }
        for r in &a.responsibility {
            writeln!(
                out,
                "  responsibility {}: {} (claimed via {}; attributed by {})",
                r.actor,
                r.status,
                r.claimed_by.join(", "),
                r.attributed_by.join(", ")
            )?;
        }
        for p in &a.problems {
            writeln!(
                out,
                "  {}{}{} {}",
                severity(p.severity).render(),
                p.code,
                severity(p.severity).render_reset(),
                p.message
            )?;
        }
        Ok(())
    })?;
    Ok(a.problems.len())
}

#[derive(Serialize)]
struct Dependence {
    event: String,
    kind: String,
    subject: String,
    best_with: Option<i64>,
    best_without: Option<i64>,
    status_with: String,
    status_without: String,
}

#[derive(Serialize)]
struct SourceAudit {
    source: String,
    name: String,
    grade: String,
    claims: Vec<String>,
    estimates: Vec<Dependence>,
}

fn audit_source(ctx: &Ctx, conn: &Connection, slug: &str) -> Result<()> {
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
    let opts = Options::default();
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
        let with_est = reconcile::reconcile_event(ev, &claims, &decisions, &opts);
        let without_est = reconcile::reconcile_event(ev, &without, &decisions, &opts);
        for e in &with_est.estimates {
            if !e.claims.iter().any(|c| c.source == slug) {
                continue;
            }
            let other = without_est
                .estimates
                .iter()
                .find(|o| o.kind == e.kind && crate::model::fold(&o.subject) == crate::model::fold(&e.subject));
            estimates.push(Dependence {
                event: ev.to_string(),
                kind: e.kind.clone(),
                subject: e.subject.clone(),
                best_with: e.best,
                best_without: other.and_then(|o| o.best),
                status_with: e.status.clone(),
                status_without: other.map(|o| o.status.clone()).unwrap_or_else(|| "no-data".into()),
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
    ctx.emit(&a, |out| {
        writeln!(
            out,
            "{}{}{} — {} (grade {}): {} claim(s): {}",
            style::BOLD.render(),
            a.source,
            style::BOLD.render_reset(),
            a.name,
            a.grade,
            a.claims.len(),
            a.claims.join(", ")
        )?;
        for d in &a.estimates {
            let show = |b: Option<i64>| b.map(|x| x.to_string()).unwrap_or_else(|| "-".into());
            let moved = if d.best_with != d.best_without || d.status_with != d.status_without {
                "  ← depends on this source"
            } else {
                ""
            };
            writeln!(
                out,
                "  {} {} · {}: with {} {}, without {} {}{moved}",
                d.event,
                d.kind,
                d.subject,
                d.status_with,
                show(d.best_with),
                d.status_without,
                show(d.best_without)
            )?;
        }
        Ok(())
    })
}
