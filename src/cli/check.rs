use super::{Ctx, style};
use tally::error::Result;
use tally::{keys, proof};

/// Check a proof bundle made by `tally prove`, with no ledger
///
/// Recomputes each entry's hash from its fields, and its inclusion path
/// to the checkpoint's root. Exits 3, saying what failed, if anything in
/// the bundle was changed; 2 if it is not a bundle.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle: a file, or `-` for stdin
    #[arg(value_name = "BUNDLE")]
    bundle: String,
    /// A verifier key whose signature the checkpoint must carry
    /// (NAME+<hash>+<base64>, or @FILE); repeat for several
    #[arg(long = "key", value_name = "VKEY")]
    keys: Vec<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let keys = args
        .keys
        .iter()
        .map(|k| keys::read_verifier("--key", k))
        .collect::<Result<Vec<_>>>()?;
    let text = super::checkpoint::read("BUNDLE", &args.bundle)?;
    let bundle = proof::parse_bundle(&text)?;
    let mut checked = proof::check(&bundle)?;
    keys::verify(&bundle.checkpoint, &keys)?;
    checked.signatures_checked = keys.len();
    ctx.emit(&checked, |out| {
        writeln!(
            out,
            "checked {} entries of {} against {} at size {} (root {})",
            checked.entries.len(),
            checked.target,
            checked.origin,
            checked.size,
            checked.root
        )?;
        if keys.is_empty() {
            writeln!(
                out,
                "no signature was checked: the checkpoint is as trustworthy as where you got it"
            )?;
        } else {
            let names: Vec<&str> = keys.iter().map(|(name, _)| name.as_str()).collect();
            writeln!(out, "the checkpoint is signed by {}", names.join(", "))?;
        }
        writeln!(
            out,
            "{}ok{}: every entry is in the tree the checkpoint commits to",
            style::OK.render(),
            style::OK.render_reset()
        )
    })
}
