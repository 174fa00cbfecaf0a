use super::Ctx;
use tally::error::Result;

/// Bring a ledger of an older tally up to this version's schema
///
/// Reads never write: an older ledger is read from a migrated temporary
/// copy until the first command that writes, or this one, migrates the file
/// itself, in one transaction. The journal is not touched.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let mut ledger = ctx.open()?;
    let latest = tally::ledger::MIGRATIONS.len();
    if !ledger.is_older_version() {
        return ctx.emit(&serde_json::json!({"from": latest, "to": latest}), |out| {
            writeln!(
                out,
                "{} is at schema version {latest}: nothing to do",
                ledger.path().display()
            )
        });
    }
    let from = ledger.migrate_in_place()?;
    ctx.emit(&serde_json::json!({"from": from, "to": latest}), |out| {
        writeln!(
            out,
            "migrated {} from schema version {from} to {latest}",
            ledger.path().display()
        )
    })
}
