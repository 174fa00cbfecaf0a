use super::Ctx;
use tally::error::{Error, Result};
use tally::ledger::verify::Checkpoint;

/// Print a digest of the journal to publish with a dataset
///
/// The line tally:1:<seq>:<hash> names the head entry. Anyone holding it can
/// later run `tally verify --against` to prove that history up to that
/// point was neither rewritten nor truncated.
#[derive(Debug, clap::Args)]
pub struct Args {}

#[derive(serde::Serialize)]
struct Shown {
    checkpoint: String,
    seq: i64,
    hash: String,
    at: String,
}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let ledger = ctx.open()?;
    let head = ledger.head()?;
    if head.seq == 0 {
        return Err(Error::Invalid("the ledger has no entries to checkpoint".into()));
    }
    let cp = Checkpoint {
        seq: head.seq,
        hash: head.hash.clone(),
    };
    let shown = Shown {
        checkpoint: cp.to_string(),
        seq: head.seq,
        hash: head.hash,
        at: ctx.stamp()?.at,
    };
    ctx.emit(&shown, |out| writeln!(out, "{cp}"))
}
