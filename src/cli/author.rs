use super::Ctx;
use tally::actions;
use tally::error::Result;

/// Authors' keys: which key speaks for an author
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Record the verifier key of an author (NAME is the journal's author
    /// string); from then on every entry written as NAME must be signed
    /// with that key (--signing-key)
    ///
    ///   tally author add amina --key 'amina+1a2b3c4d+AX…'
    Add {
        name: String,
        /// The verifier key printed by `tally key generate`, or @FILE
        #[arg(long, value_name = "VKEY")]
        key: String,
    },
}

/// Ledger policies, which cannot be undone
#[derive(Debug, clap::Subcommand)]
pub enum PolicyCommand {
    /// From now on, every entry must be signed by a registered author
    /// (set by a registered author, signing it)
    RequireSignatures {
        #[arg(long)]
        reason: String,
    },
}

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    let mut ledger = ctx.open()?;
    match command {
        Command::Add { name, key } => ctx.record(&mut ledger, "recorded", |tx| actions::add_author(tx, &name, &key)),
    }
}

pub fn policy(ctx: &Ctx, command: PolicyCommand) -> Result<()> {
    let mut ledger = ctx.open()?;
    match command {
        PolicyCommand::RequireSignatures { reason } => {
            ctx.record(&mut ledger, "recorded", |tx| actions::require_signatures(tx, &reason))
        }
    }
}
