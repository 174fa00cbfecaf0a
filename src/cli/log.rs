use super::{Ctx, style};
use tally::error::{Error, Result};
use tally::ledger::query;
use tally::model;

/// The journal, newest first
///
/// With --author NAME, only that author's entries.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// From this seq, or from this date (YYYY-MM-DD or RFC 3339), inclusive
    #[arg(long, value_name = "SEQ|DATE")]
    since: Option<String>,
    /// Only entries about this id (a slug, r3, c12, …)
    #[arg(long, value_name = "ID")]
    entity: Option<String>,
    /// Only entries of this op, such as claim.amend
    #[arg(long, value_parser = super::vocab::<tally::journal::Op>())]
    op: Option<tally::journal::Op>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let ledger = ctx.open()?;
    let (since_seq, since_at) = match args.since.as_deref() {
        None => (1, None),
        Some(s) if s.bytes().all(|b| b.is_ascii_digit()) => (
            s.parse::<i64>()
                .map_err(|_| Error::invalid("--since", s, "expected a seq number or a date"))?,
            None,
        ),
        Some(s) => (1, Some(model::timestamp("--since", s)?)),
    };
    let entries: Vec<_> = query::log(ledger.conn(), since_seq, since_at.as_deref(), args.entity.as_deref())?
        .into_iter()
        .filter(|e| ctx.author.as_ref().is_none_or(|a| e.author == *a) && args.op.is_none_or(|op| e.op == op))
        .collect();
    ctx.emit(&entries, |out| {
        for e in &entries {
            let summary = summary(&e.body);
            writeln!(
                out,
                "{:>6} {} {}{}{} {:<14} {:<10} {}{}",
                e.seq,
                e.at,
                style::DIM.render(),
                e.hash.chars().take(12).collect::<String>(),
                style::DIM.render_reset(),
                e.op,
                e.entity,
                e.author,
                summary.map(|s| format!(" — {s}")).unwrap_or_default()
            )?;
        }
        Ok(())
    })
}

/// A few words about an entry's body for the one-line view.
fn summary(body: &serde_json::Value) -> Option<String> {
    let get = |k: &str| body.get(k).and_then(|v| v.as_str());
    if let Some(r) = get("reason") {
        return Some(model::shorten(r));
    }
    if let (Some(kind), Some(subject)) = (get("kind"), get("subject")) {
        let value = get("phrase").or(get("actor")).unwrap_or("");
        return Some(format!("{kind} {subject}: {}", model::shorten(value)));
    }
    get("name").or(get("title")).map(model::shorten)
}
