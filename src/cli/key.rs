use super::Ctx;
use std::path::PathBuf;
use tally::error::Result;
use tally::keys;

/// Ed25519 keys in the C2SP signed-note format
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Make a key pair: the private key goes to a new file readable only by
    /// you (never printed, never overwritten); the verifier key, to give to
    /// whoever checks your checkpoints, is printed
    ///
    ///   tally key generate acme-monitor
    ///   tally checkpoint --signing-key acme-monitor.key > published.txt
    Generate {
        /// The key's name, written into every signature it makes
        name: String,
        /// Where to write the private key [default: ./NAME.key]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Generate { name, out } => {
            let (skey, vkey) = keys::generate(&name)?;
            let path = out.unwrap_or_else(|| PathBuf::from(format!("{name}.key")));
            keys::write_private(&path, &skey)?;
            let shown = serde_json::json!({"name": name, "out": path, "verifier_key": vkey});
            ctx.emit(&shown, |out| {
                writeln!(out, "wrote the private key to {} (mode 0600)", path.display())?;
                writeln!(out, "verifier key: {vkey}")
            })
        }
    }
}
