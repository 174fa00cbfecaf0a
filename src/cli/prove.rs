use super::Ctx;
use std::io::Write;
use std::path::PathBuf;
use tally::error::{Error, Result};
use tally::ledger::Ledger;
use tally::proof::{self, Checkpoint};

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
    #[arg(value_name = "CID|RID|SEQ", required_unless_present = "consistency")]
    target: Option<String>,
    /// Prove instead that the ledger at NEW (a checkpoint file; default: a
    /// new one at the head) extends the one at OLD
    #[arg(long, num_args = 1..=2, value_names = ["OLD", "NEW"], conflicts_with_all = ["target", "checkpoint"])]
    consistency: Vec<String>,
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
    let (json, entries) = if args.consistency.is_empty() {
        let (cp, note) = checkpoint(&ledger, "--checkpoint", args.checkpoint.as_deref())?;
        let target = args.target.as_deref().unwrap_or_default();
        let bundle = proof::prove(conn, target, &cp, &note)?;
        let entries = bundle.entries.len();
        (to_json(&bundle)?, Some(entries))
    } else {
        let old = checkpoint(&ledger, "--consistency", args.consistency.first().map(String::as_str))?;
        let new = checkpoint(&ledger, "--consistency", args.consistency.get(1).map(String::as_str))?;
        let bundle = proof::prove_consistency(conn, (&old.0, &old.1), (&new.0, &new.1))?;
        (to_json(&bundle)?, None)
    };
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
                &serde_json::json!({"out": path, "entries": entries}),
                |out| match entries {
                    Some(n) => writeln!(out, "wrote {} ({n} entries)", path.display()),
                    None => writeln!(out, "wrote {}", path.display()),
                },
            )
        }
        None => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{json}")?;
            Ok(())
        }
    }
}

fn to_json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(|e| Error::Runtime(e.to_string()))
}

/// A checkpoint argument checked against the ledger, with its text as
/// given (a signed note keeps its signatures); none means a new unsigned
/// one at the head.
fn checkpoint(ledger: &Ledger, field: &str, arg: Option<&str>) -> Result<(Checkpoint, String)> {
    let conn = ledger.conn();
    match arg {
        Some(arg) => {
            let text = super::checkpoint::read(field, arg)?;
            let cp = super::checkpoint::c2sp(
                field,
                arg,
                &text,
                "expected a file holding a C2SP checkpoint or signed note",
            )?;
            proof::resolve(conn, field, &cp)?;
            Ok((cp, text))
        }
        None => {
            let cp = proof::checkpoint(conn, ledger.head()?.seq.max(0) as u64)?;
            let text = proof::text(&cp);
            Ok((cp, text))
        }
    }
}
