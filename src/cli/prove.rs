use super::Ctx;
use std::io::Write;
use std::path::PathBuf;
use tally::error::{Error, Result};
use tally::proof;

/// Write a proof that a claim, a report or an entry is in the ledger
///
/// One JSON bundle that a reader checks with `tally check`, or the
/// README's few lines of Python, with no ledger: the checkpoint, and every
/// journal entry the target rests on (each revision of a claim, its
/// report's, source's, event's, actor's and origin's entries) with its
/// RFC 9162 inclusion proof.
///
///   tally checkpoint > published.txt
///   tally prove c3 --checkpoint published.txt > c3.proof.json
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A claim (c3), a report (r2) or a journal seq
    #[arg(value_name = "CID|RID|SEQ")]
    target: String,
    /// The checkpoint to prove against: a file holding it, or `-` for
    /// stdin [default: a new one at the head]
    #[arg(long, value_name = "CP")]
    checkpoint: Option<String>,
    /// Write the bundle to this file instead of stdout
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let ledger = ctx.open()?;
    let conn = ledger.conn();
    let (cp, note) = match &args.checkpoint {
        Some(arg) => {
            let text = super::checkpoint::read("--checkpoint", arg)?;
            let cp = proof::parse_checkpoint(&text).ok_or_else(|| {
                Error::invalid(
                    "--checkpoint",
                    arg,
                    "expected a file holding a C2SP checkpoint or signed note",
                )
            })?;
            proof::resolve(conn, "--checkpoint", &cp)?;
            (cp, text)
        }
        None => {
            let head = ledger.head()?;
            let cp = proof::checkpoint(conn, head.seq.max(0) as u64)?;
            let text = proof::text(&cp);
            (cp, text)
        }
    };
    let bundle = proof::prove(conn, &args.target, &cp, &note)?;
    let json = serde_json::to_string_pretty(&bundle).map_err(|e| Error::Runtime(e.to_string()))?;
    match &args.out {
        Some(path) => {
            let mut file = std::fs::File::create_new(path).map_err(|e| {
                Error::Invalid(format!(
                    "--out: cannot create {}: {e} (an existing file is never overwritten)",
                    path.display()
                ))
            })?;
            writeln!(file, "{json}")?;
            file.sync_all()?;
            ctx.emit(
                &serde_json::json!({"out": path, "entries": bundle.entries.len()}),
                |out| writeln!(out, "wrote {} ({} entries)", path.display(), bundle.entries.len()),
            )
        }
        None => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{json}")?;
            Ok(())
        }
    }
}
