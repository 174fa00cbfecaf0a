use super::{Cli, Ctx};
use clap::CommandFactory;
use tally::error::Result;

/// Print a shell completion script, from the same command tree as --help
///
///   tally completions bash > /etc/bash_completion.d/tally
///   tally completions zsh > "${fpath[1]}/_tally"
///   tally completions fish > ~/.config/fish/completions/tally.fish
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The shell
    shell: clap_complete::Shell,
}

pub fn run(_ctx: &Ctx, args: Args) -> Result<()> {
    let mut cmd = Cli::command();
    // Generated into memory first: clap_complete panics on a closed pipe.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "tally", &mut script);
    std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
    Ok(())
}

/// Print the manual page (roff), from the same command tree as --help
///
///   tally man > tally.1 && man ./tally.1
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ManArgs {}

pub fn man(_ctx: &Ctx, _args: ManArgs) -> Result<()> {
    let page = clap_mangen::Man::new(Cli::command());
    let mut out = std::io::stdout().lock();
    page.render(&mut out)?;
    Ok(())
}
