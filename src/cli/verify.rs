use super::{Ctx, style};
use tally::error::{Error, Result};
use tally::ledger::verify;

/// Prove the ledger was not edited behind tally's back
///
/// Recomputes every hash and link of the journal, replays it into fresh
/// projections and compares them with the stored tables, and checks every
/// captured file against its SHA-256. With --against, also checks that the
/// journal still holds the published checkpoint. Exits 3 on any problem.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A checkpoint published earlier: a file holding the C2SP checkpoint
    /// (or `-` for stdin), or revision 1's line tally:1:<seq>:<hash>
    #[arg(long, value_name = "CHECKPOINT")]
    against: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let ledger = ctx.open()?;
    let against = args
        .against
        .as_deref()
        .map(|c| super::checkpoint::resolve(&ledger, "--against", c))
        .transpose()?;
    let report = verify::ledger(&ledger, against.as_ref())?;
    ctx.emit(&report, |out| {
        writeln!(
            out,
            "checked {} journal entries: hashes, links, canonical bodies",
            report.entries
        )?;
        writeln!(out, "replayed them and compared tables: {}", report.tables.join(", "))?;
        writeln!(out, "checked {} captured files against their SHA-256", report.blobs)?;
        if report.signatures > 0 {
            writeln!(out, "checked {} authors' signatures", report.signatures)?;
        }
        if let Some(cp) = &report.checkpoint {
            writeln!(out, "checked against checkpoint {cp}")?;
        }
        writeln!(out, "head: seq {} {}", report.head_seq, report.head_hash)?;
        for p in &report.problems {
            let place = match (&p.seq, &p.table) {
                (Some(seq), _) => format!("seq {seq}"),
                (None, Some(t)) => format!("table {t}"),
                _ => String::new(),
            };
            writeln!(
                out,
                "{}PROBLEM{} {place}: {}",
                style::BAD.render(),
                style::BAD.render_reset(),
                p.what
            )?;
        }
        if report.ok {
            writeln!(
                out,
                "{}ok{}: nothing was changed outside tally",
                style::OK.render(),
                style::OK.render_reset()
            )?;
        }
        Ok(())
    })?;
    if report.ok {
        Ok(())
    } else {
        let first = &report.problems[0];
        let place = first
            .seq
            .map(|s| format!("seq {s}"))
            .or(first.table.as_ref().map(|t| format!("table {t}")))
            .unwrap_or_default();
        Err(Error::Integrity(format!(
            "verify failed: {} problem(s), the first at {place}: {}",
            report.problems.len(),
            first.what
        )))
    }
}
