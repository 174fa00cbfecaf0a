use super::{Ctx, style};
use tally::error::Result;
use tally::keys;
use tally::proof::{self, AnyBundle};

/// Check a proof bundle made by `tally prove`, with no ledger
///
/// An inclusion bundle: recomputes each entry's hash from its fields, and
/// its inclusion path to the checkpoint's root. A consistency bundle:
/// checks that the new checkpoint's tree extends the old one's. Exits 3, saying what failed, if anything in
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
    let bundle = AnyBundle::parse(&text)?;
    let signed = |out: &mut dyn std::io::Write| {
        if keys.is_empty() {
            writeln!(
                out,
                "no signature was checked: the checkpoint is as trustworthy as where you got it"
            )
        } else {
            let names: Vec<&str> = keys.iter().map(|(name, _)| name.as_str()).collect();
            writeln!(out, "the checkpoint is signed by {}", names.join(", "))
        }
    };
    match &bundle {
        AnyBundle::Inclusion(b) => {
            let mut checked = proof::check(b)?;
            keys::verify(bundle.checkpoint(), &keys)?;
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
                signed(out)?;
                ok(out, "every entry is in the tree the checkpoint commits to")
            })
        }
        AnyBundle::Consistency(c) => {
            let mut extends = proof::check_consistency(c)?;
            keys::verify(bundle.checkpoint(), &keys)?;
            extends.signatures_checked = keys.len();
            ctx.emit(&extends, |out| {
                writeln!(
                    out,
                    "checked that {} at size {} (root {}) extends size {} (root {})",
                    extends.origin, extends.new_size, extends.new_root, extends.old_size, extends.old_root
                )?;
                signed(out)?;
                ok(out, "nothing before the old checkpoint was rewritten or removed")
            })
        }
    }
}

fn ok(out: &mut dyn std::io::Write, what: &str) -> std::io::Result<()> {
    writeln!(out, "{}ok{}: {what}", style::OK.render(), style::OK.render_reset())
}
