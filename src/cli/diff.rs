use super::{Ctx, style};
use serde_json::Value;
use tally::diff::{self, Change};
use tally::error::{Error, Result};
use tally::model::{EntityId, IdKind};

/// What changed: a claim's revisions, a report's text, or the whole ledger
///
///   tally diff c3              every revision of c3 against the one before
///   tally diff c3@1 c3@3       two revisions
///   tally diff r2              a report's versions, the text as a unified diff
///   tally diff --from 120      everything since seq 120 (or a date, or a checkpoint)
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// A claim (c3), two revisions (c3@1 c3@2), or a report (r2)
    #[arg(num_args = 0..=2)]
    targets: Vec<String>,
    /// The earlier state: a seq, a date (its end, UTC), an RFC 3339 time, or a checkpoint
    #[arg(long, value_name = "SEQ|DATE|CHECKPOINT", conflicts_with = "targets")]
    from: Option<String>,
    /// The later state [default: now]
    #[arg(long, value_name = "SEQ|DATE", requires = "from")]
    to: Option<String>,
    #[command(flatten)]
    estimates: super::reconcile::EstimateArgs,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let ledger = ctx.open()?;
    let conn = ledger.conn();
    if let Some(from) = &args.from {
        // A C2SP checkpoint (a file, or stdin) stands for its line.
        let from = if from == "-" || from.contains('\n') || std::path::Path::new(from).is_file() {
            super::checkpoint::resolve(&ledger, "--from", from)?.to_string()
        } else {
            from.clone()
        };
        let d = diff::ledger(conn, &from, args.to.as_deref(), &args.estimates.options())?;
        return ctx.emit(&d, |out| {
            writeln!(
                out,
                "{}changes from {} to {}{}",
                style::BOLD.render(),
                d.from,
                d.to,
                style::BOLD.render_reset()
            )?;
            print_changes(out, &d.changes)?;
            if !d.estimates.is_empty() {
                writeln!(
                    out,
                    "{}estimates that moved{}",
                    style::BOLD.render(),
                    style::BOLD.render_reset()
                )?;
            }
            for e in &d.estimates {
                let show = |f: &Option<diff::Figures>| match f {
                    Some(f) => format!(
                        "{} best {} range {}",
                        f.status,
                        f.best.map(|b| b.to_string()).unwrap_or("-".into()),
                        super::interval(f.low, f.high)
                    ),
                    None => "—".into(),
                };
                writeln!(
                    out,
                    "  {} {} · {}: {} → {}",
                    e.event,
                    e.kind,
                    e.subject,
                    show(&e.before),
                    show(&e.after)
                )?;
            }
            Ok(())
        });
    }
    let kind = |s: &str| EntityId::parse(s.split('@').next().unwrap_or(s)).map(|id| id.kind);
    match args.targets.as_slice() {
        [one] if kind(one) == Some(IdKind::Claim) && !one.contains('@') => {
            let d = diff::claim(conn, one)?;
            ctx.emit(&d, |out| print_changes(out, &d.changes))
        }
        [a, b] if kind(a) == Some(IdKind::Claim) && kind(b) == Some(IdKind::Claim) => {
            let d = diff::revisions(conn, a, b)?;
            ctx.emit(&d, |out| print_changes(out, &d.changes))
        }
        [one] if kind(one) == Some(IdKind::Report) => {
            let d = diff::report(conn, one)?;
            ctx.emit(&d, |out| {
                for v in &d.versions {
                    writeln!(
                        out,
                        "{}@{} seq {} {} {} {}{}",
                        d.report,
                        v.revision,
                        v.seq,
                        v.at,
                        v.author,
                        v.op,
                        v.reason.as_deref().map(|r| format!(" — {r}")).unwrap_or_default()
                    )?;
                }
                print_changes(out, &d.changes)?;
                write!(out, "{}", d.text_diff)
            })
        }
        [] => Err(Error::Invalid(
            "diff needs a claim (c3), two revisions (c3@1 c3@2), a report (r2), or --from".into(),
        )),
        other => Err(Error::Invalid(format!(
            "cannot diff {}: give a claim (c3), two revisions (c3@1 c3@2), a report (r2), or --from",
            other.join(" ")
        ))),
    }
}

fn print_changes(out: &mut dyn std::io::Write, changes: &[Change]) -> std::io::Result<()> {
    let show = |v: &Value| match v {
        Value::String(s) => format!("{:?}", super::cut(s, 60)),
        other => other.to_string(),
    };
    let mut i = 0;
    while i < changes.len() {
        let c = &changes[i];
        let run = changes[i..].iter().take_while(|x| x.entity == c.entity).count();
        let same = &changes[i..i + run];
        if same.iter().all(|x| x.before.is_null()) {
            // A new entity: one line with what identifies it, each field
            // with the word that says what it is.
            let pick = |k: &str| {
                same.iter()
                    .find(|x| x.field == k && !x.after.is_null())
                    .map(|x| show(&x.after))
            };
            let fields: &[(&str, &str)] = match c.op.noun() {
                "claim" => &[
                    ("kind", ""),
                    ("subject", ""),
                    ("phrase", ""),
                    ("actor", ""),
                    ("stance", ""),
                    ("origin", "from "),
                ],
                "decision" => &[
                    ("kind", ""),
                    ("subject", ""),
                    ("value", "value "),
                    ("low", "range "),
                    ("high", "to "),
                ],
                "report" => &[("source", "by "), ("title", "")],
                "event" => &[("title", ""), ("date_start", "on ")],
                _ => &[("name", "")],
            };
            let what = fields
                .iter()
                .filter_map(|(k, label)| pick(k).map(|v| format!("{label}{v}")))
                .collect::<Vec<_>>()
                .join(" ");
            writeln!(
                out,
                "  {} {}: {}added{} {what}",
                c.entity,
                c.op,
                style::OK.render(),
                style::OK.render_reset()
            )?;
        } else {
            for c in same {
                if let (Value::String(a), Value::String(b), "text") = (&c.before, &c.after, c.field.as_str()) {
                    writeln!(out, "  {} {} text:", c.entity, c.op)?;
                    for line in diff::text(a, b, "before", "after").lines() {
                        writeln!(out, "    {line}")?;
                    }
                    continue;
                }
                writeln!(
                    out,
                    "  {} {} {}: {}{}{} → {}{}{}",
                    c.entity,
                    c.op,
                    c.field,
                    style::BAD.render(),
                    show(&c.before),
                    style::BAD.render_reset(),
                    style::OK.render(),
                    show(&c.after),
                    style::OK.render_reset()
                )?;
            }
        }
        i += run;
    }
    if changes.is_empty() {
        writeln!(out, "  no field changed")?;
    }
    Ok(())
}
