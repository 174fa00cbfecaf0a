use super::{Ctx, style};
use serde::Serialize;
use tally::audit::{self, Problem};
use tally::error::{Error, Result};
use tally::ledger::Db;
use tally::reconcile::Options;

/// Provenance: what every number rests on, and what needs attention
///
///   tally audit                    the whole ledger's problems, most severe first
///   tally audit claim c3           revisions with hashes, report, source, corroboration
///   tally audit event SLUG         every estimate with the origins it rests on
///   tally audit source SLUG        every estimate the source touches, with and without it
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment, args_conflicts_with_subcommands = false)]
pub struct Args {
    #[command(subcommand)]
    target: Option<Target>,
    /// Exit 3 when any problem is found
    #[arg(long, global = true)]
    strict: bool,
    #[command(flatten)]
    estimates: super::reconcile::EstimateArgs,
}

/// What to audit; nothing for the whole ledger.
#[derive(Debug, clap::Subcommand)]
enum Target {
    /// A claim's revisions with hashes, its report, source and capture, and corroboration
    Claim {
        /// The claim, such as c3
        id: String,
    },
    /// Every estimate of an event with the origins it rests on
    Event {
        /// The event's slug
        slug: String,
    },
    /// Every estimate a source touches, with and without it
    Source {
        /// The source's slug
        slug: String,
    },
}

#[derive(Serialize)]
struct Problems {
    problems: Vec<Problem>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let ledger = ctx.open()?;
    let conn = ledger.conn();
    let opts = args.estimates.options();
    let problems = match &args.target {
        None => {
            let problems = audit::ledger(conn, &opts)?;
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
        Some(Target::Claim { id }) => {
            audit_claim(ctx, conn, id)?;
            0
        }
        Some(Target::Event { slug }) => audit_event(ctx, conn, slug, &opts)?,
        Some(Target::Source { slug }) => {
            audit_source(ctx, conn, slug, &opts)?;
            0
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

fn audit_claim(ctx: &Ctx, conn: &Db, id: &str) -> Result<()> {
    let a = audit::claim(conn, id)?;
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

fn audit_event(ctx: &Ctx, conn: &Db, slug: &str, opts: &Options) -> Result<usize> {
    let a = audit::event(conn, slug, opts)?;
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
            writeln!(out, "  {}", super::reconcile::responsibility_line(r))?;
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

fn audit_source(ctx: &Ctx, conn: &Db, slug: &str, opts: &Options) -> Result<()> {
    let a = audit::source(conn, slug, opts)?;
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
