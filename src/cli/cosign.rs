use super::Ctx;
use std::path::PathBuf;
use tally::error::{Error, Result};
use tally::ledger::Ledger;
use tally::proof::AnyBundle;
use tally::witness;

/// Countersign a checkpoint as a witness, once it extends the last one
///
/// For a partner organisation: checks that the checkpoint extends the last
/// one this witness cosigned for its origin (read from --state), from the
/// ledger itself or from a consistency proof, then adds this witness's
/// signature, prints the note and records it in --state. A checkpoint that
/// does not extend it is refused with exit 3, both checkpoints printed.
///
///   tally cosign published.txt --signing-key partner.key --state witness.state --proof grew.json
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The checkpoint or signed note to cosign: a file, or `-` for stdin
    #[arg(value_name = "CP")]
    checkpoint: String,
    /// The witness's state file: `<origin> <size> <base64 root>` per line
    #[arg(long, value_name = "FILE")]
    state: PathBuf,
    /// The ledger the checkpoint comes from
    #[arg(long, value_name = "DB", required_unless_present = "proof", conflicts_with = "proof")]
    ledger: Option<PathBuf>,
    /// A consistency bundle (`tally prove --consistency`) from the last
    /// cosigned checkpoint to this one
    #[arg(long, value_name = "FILE")]
    proof: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let signer = ctx
        .signer()?
        .ok_or_else(|| Error::Invalid("cosign needs the witness's key: --signing-key FILE".into()))?;
    let note = super::checkpoint::read("CP", &args.checkpoint)?;
    let cosigned = match (&args.ledger, &args.proof) {
        (Some(path), _) => {
            let ledger = Ledger::open(path)?;
            witness::cosign(&note, &signer, &args.state, witness::Evidence::Ledger(ledger.conn()))?
        }
        (None, Some(file)) => {
            let text = super::checkpoint::read("--proof", file)?;
            let AnyBundle::Consistency(bundle) = AnyBundle::parse(&text)? else {
                return Err(Error::Invalid(
                    "--proof: expected a consistency bundle from `tally prove --consistency`".into(),
                ));
            };
            witness::cosign(&note, &signer, &args.state, witness::Evidence::Proof(&bundle))?
        }
        (None, None) => return Err(Error::Invalid("cosign needs --ledger DB or --proof FILE".into())),
    };
    ctx.emit(&serde_json::json!({ "note": cosigned }), |out| {
        write!(out, "{cosigned}")
    })
}
