use super::Ctx;
use tally::error::Result;
use tally::ledger::Ledger;

/// Create a new, empty ledger
///
/// Writes the schema and the genesis entry (a random ledger id and the tool
/// version) to the file named by --db (default ./tally.db).
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let (ledger, entry) = Ledger::create(&ctx.db, &ctx.stamp()?, false)?;
    let _ledger = super::Open(ledger);
    ctx.emit(&entry, |out| {
        writeln!(out, "initialised {} (seq 1, {})", ctx.db.display(), entry.hash)
    })
}
