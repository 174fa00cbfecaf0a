use super::Ctx;
use std::io::{BufReader, IsTerminal, Seek, SeekFrom};
use std::path::PathBuf;
use tally::error::Result;
use tally::ndjson;

/// Record an NDJSON file: all lines or none
///
/// One JSON object per line with "type" source, actor, event, report, claim
/// or decision and the CLI's long options as snake_case fields; a report may
/// nest "claims". The whole file is one transaction: any bad line is named,
/// and nothing is written.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file to read, or - for standard input
    file: PathBuf,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    // Standard input is read whole, into a temporary file, before the
    // ledger is locked: a slow producer blocks no other writer.
    let spooled;
    let file = if args.file.as_os_str() == "-" {
        let mut tmp = tempfile::tempfile()?;
        std::io::copy(&mut std::io::stdin().lock(), &mut tmp)?;
        tmp.seek(SeekFrom::Start(0))?;
        spooled = tmp;
        spooled.try_clone()?
    } else {
        tally::input::open("import file", &args.file)?
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let reader = BufReader::with_capacity(1 << 16, file);
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp()?;
    let bar = if std::io::stderr().is_terminal() && size > 1 << 20 {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let result = ledger.write(&stamp, |tx| {
        ndjson::import(tx, reader, &stamp.at, |read| {
            if let Some(b) = &bar {
                b.set_position(read);
            }
        })
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let done = result?;
    ctx.emit(&done, |out| {
        writeln!(
            out,
            "imported {} lines as {} journal entries: {} sources, {} actors, {} events, {} reports, {} claims, {} decisions",
            done.lines, done.entries, done.sources, done.actors, done.events, done.reports, done.claims, done.decisions
        )
    })
}
