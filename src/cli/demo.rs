use super::Ctx;
use std::io::Write;
use std::path::PathBuf;
use tally::error::{Error, Result};
use tally::ledger::Ledger;
use tally::ndjson;

/// The bundled sample: reports on five 2017 incidents in Mali
pub const SAMPLE: &str = include_str!("../../examples/sample.ndjson");

/// Build a ledger from the bundled sample and print its reconciliation
///
/// Writes ./tally-demo.db (or --db PATH), replacing an earlier demo ledger
/// but never any other file.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let path = if ctx.db_given {
        ctx.db.clone()
    } else {
        PathBuf::from("tally-demo.db")
    };
    if path.exists() {
        let is_demo = Ledger::open(&path).and_then(|l| l.is_demo()).unwrap_or(false);
        if !is_demo {
            return Err(Error::Invalid(format!(
                "{} exists and is not a demo ledger; give --db with a new path",
                path.display()
            )));
        }
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            if p.exists() {
                std::fs::remove_file(&p)?;
            }
        }
    }
    let stamp = ctx.stamp()?;
    let mut ledger = super::Open(Ledger::create(&path, &stamp, true, None)?.0);
    let done = ledger.write(&stamp, |tx| ndjson::import(tx, SAMPLE.as_bytes(), &stamp.at, |_| {}))?;
    let head = ledger.head()?;
    if !ctx.json {
        writeln!(
            std::io::stdout(),
            "built {} from the bundled sample: {} sources, {} actors, {} events, {} reports, {} claims, {} decision; head seq {} {}\n",
            path.display(),
            done.sources,
            done.actors,
            done.events,
            done.reports,
            done.claims,
            done.decisions,
            head.seq,
            head.hash
        )?;
    }
    let all = tally::reconcile::all(ledger.conn(), None, &Default::default())?;
    let estimates: Vec<_> = all.iter().map(|(_, e)| e).collect();
    ctx.emit(&estimates, |out| super::reconcile::render(out, &all))
}
