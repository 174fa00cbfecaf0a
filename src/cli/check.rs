use super::{Ctx, style};
use tally::error::Result;
use tally::proof;

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
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let text = super::checkpoint::read("BUNDLE", &args.bundle)?;
    let checked = proof::check(&proof::parse_bundle(&text)?)?;
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
        writeln!(
            out,
            "no signature was checked: the checkpoint is as trustworthy as where you got it"
        )?;
        writeln!(
            out,
            "{}ok{}: every entry is in the tree the checkpoint commits to",
            style::OK.render(),
            style::OK.render_reset()
        )
    })
}
