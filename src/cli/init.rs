use super::Ctx;
use tally::error::Result;
use tally::ledger::Ledger;

/// Create a new, empty ledger
///
/// Writes the schema and the genesis entry (a random ledger id and the tool
/// version) to the file named by --db (default ./tally.db).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The origin its checkpoints name, such as example.org/conflict-monitor
    /// (printable ASCII, no spaces, no '+') [default: tally/<ledger id>]
    #[arg(long, value_name = "NAME")]
    origin: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let (ledger, entry) = Ledger::create(&ctx.db, &ctx.stamp()?, false, args.origin.as_deref())?;
    let _ledger = super::Open(ledger);
    ctx.emit(&entry, |out| {
        writeln!(out, "initialised {} (seq 1, {})", ctx.db.display(), entry.hash)
    })
}
