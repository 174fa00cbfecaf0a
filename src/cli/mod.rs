//! The command line: the clap tree, and the one dispatch match.
//!
//! Each command lives in its own file and follows one shape: turn flags
//! into an input, call `actions` or a query inside the ledger, hand a
//! `Serialize` value to [`Ctx::emit`] with a human rendering beside it.

mod actor;
mod audit;
mod author;
mod check;
mod checkpoint;
mod claim;
mod completions;
mod cosign;
mod decide;
mod demo;
mod diff;
mod event;
mod export;
mod import;
mod ingest;
mod init;
mod key;
mod log;
mod migrate;
mod prove;
mod reconcile;
mod report;
mod source;
mod verify;

use clap::{Parser, Subcommand};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use tally::error::{Error, Result};
use tally::journal::Entry;
use tally::ledger::{Ledger, Stamp, Tx};
use tally::model::Vocabulary;

/// A tamper-evident ledger of conflict-reporting claims
///
/// Log reports and the casualty counts and responsibility claims they carry,
/// each tied to its source; reconcile conflicting reports into explainable
/// estimates; diff and audit every number; verify that nothing was changed.
#[derive(Debug, Parser)]
#[command(name = "tally", version, max_term_width = 100)]
pub struct Cli {
    /// The ledger file [default: ./tally.db]
    #[arg(long, global = true, env = "TALLY_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// Who records the change [default: $TALLY_AUTHOR, else the login name];
    /// with `log`, whose entries to show
    #[arg(long, global = true, value_name = "NAME")]
    author: Option<String>,
    /// Print machine-readable JSON
    #[arg(long, global = true)]
    json: bool,
    /// A private key file (from `tally key generate`): signs the entries
    /// this command writes as their author, a checkpoint, or a cosignature
    #[arg(long, global = true, env = "TALLY_SIGNING_KEY", value_name = "FILE")]
    signing_key: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(init::Args),
    Demo(demo::Args),
    #[command(subcommand)]
    Source(source::Command),
    #[command(subcommand)]
    Actor(actor::Command),
    #[command(subcommand)]
    Event(event::Command),
    #[command(subcommand)]
    Report(report::Command),
    #[command(subcommand)]
    Claim(claim::Command),
    Decide(decide::Args),
    Reconcile(reconcile::Args),
    Log(log::Args),
    Diff(diff::Args),
    Audit(audit::Args),
    Verify(verify::Args),
    Migrate(migrate::Args),
    Completions(completions::Args),
    Man(completions::ManArgs),
    Checkpoint(checkpoint::Args),
    Prove(prove::Args),
    Check(check::Args),
    Cosign(cosign::Args),
    #[command(subcommand)]
    Author(author::Command),
    #[command(subcommand)]
    Policy(author::PolicyCommand),
    #[command(subcommand)]
    Key(key::Command),
    Import(import::Args),
    Export(export::Args),
    Ingest(ingest::Args),
}

/// What every command gets: where the ledger is, who is writing, how to print.
pub struct Ctx {
    pub db: PathBuf,
    pub db_given: bool,
    pub author: Option<String>,
    pub json: bool,
    pub signing_key: Option<PathBuf>,
}

/// An open ledger that, when the command is done with it, says on stderr
/// what its writes left to say (a closing checkpoint that failed).
pub struct Open(pub Ledger);

impl std::ops::Deref for Open {
    type Target = Ledger;
    fn deref(&self) -> &Ledger {
        &self.0
    }
}

impl std::ops::DerefMut for Open {
    fn deref_mut(&mut self) -> &mut Ledger {
        &mut self.0
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        if let Some(w) = self.0.take_warning() {
            let _ = writeln!(std::io::stderr(), "tally: warning: {w}");
        }
    }
}

impl Ctx {
    pub fn open(&self) -> Result<Open> {
        Ledger::open(&self.db).map(Open)
    }

    /// The author and time for entries written now.
    pub fn stamp(&self) -> Result<Stamp> {
        // --author or TALLY_AUTHOR, else the login name: from the
        // environment where the shell set it, else from the system's
        // account database; "unknown" only where neither says.
        let author = match self.author.clone().or_else(|| std::env::var("TALLY_AUTHOR").ok()) {
            Some(a) => a,
            None => std::env::var("USER")
                .or_else(|_| std::env::var("LOGNAME"))
                .ok()
                .filter(|u| !u.trim().is_empty())
                .or_else(|| whoami::username().ok())
                .unwrap_or_else(|| "unknown".into()),
        };
        let author = tally::model::name("--author", &author)?;
        let mut stamp = Stamp::now(author)?;
        stamp.signer = self.signer()?.map(std::sync::Arc::new);
        Ok(stamp)
    }

    /// The signer in the --signing-key file, if one was given.
    pub fn signer(&self) -> Result<Option<signed_note::StandardSigner>> {
        self.signing_key
            .as_deref()
            .map(|path| tally::keys::read_signer("--signing-key", path))
            .transpose()
    }

    /// Appends one entry with `write` in one transaction, and prints it:
    /// "recorded source ap (seq 4)", or the entry as JSON.
    pub fn record(&self, ledger: &mut Ledger, done: &str, write: impl FnOnce(&mut Tx) -> Result<Entry>) -> Result<()> {
        let entry = ledger.write(&self.stamp()?, write)?;
        let noun = entry.op.noun();
        self.emit(&entry, |out| {
            writeln!(out, "{done} {noun} {} (seq {})", entry.entity, entry.seq)
        })
    }

    /// Prints `value` as JSON with `--json`, otherwise through `human`.
    pub fn emit<T: Serialize + ?Sized>(
        &self,
        value: &T,
        human: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        if self.json {
            serde_json::to_writer_pretty(&mut out, value).map_err(|e| Error::Io(e.into()))?;
            writeln!(out)?;
        } else {
            let mut styled = anstream::AutoStream::auto(&mut out);
            human(&mut styled)?;
        }
        out.flush()?;
        Ok(())
    }
}

/// Parses the command line and runs it.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx {
        db_given: cli.db.is_some(),
        db: cli.db.unwrap_or_else(|| PathBuf::from("tally.db")),
        author: cli.author,
        json: cli.json,
        signing_key: cli.signing_key,
    };
    match cli.command {
        Command::Init(a) => init::run(&ctx, a),
        Command::Demo(a) => demo::run(&ctx, a),
        Command::Source(c) => source::run(&ctx, c),
        Command::Actor(c) => actor::run(&ctx, c),
        Command::Event(c) => event::run(&ctx, c),
        Command::Report(c) => report::run(&ctx, c),
        Command::Claim(c) => claim::run(&ctx, c),
        Command::Decide(a) => decide::run(&ctx, a),
        Command::Reconcile(a) => reconcile::run(&ctx, a),
        Command::Log(a) => log::run(&ctx, a),
        Command::Diff(a) => diff::run(&ctx, a),
        Command::Audit(a) => audit::run(&ctx, a),
        Command::Verify(a) => verify::run(&ctx, a),
        Command::Migrate(a) => migrate::run(&ctx, a),
        Command::Completions(a) => completions::run(&ctx, a),
        Command::Man(a) => completions::man(&ctx, a),
        Command::Checkpoint(a) => checkpoint::run(&ctx, a),
        Command::Prove(a) => prove::run(&ctx, a),
        Command::Check(a) => check::run(&ctx, a),
        Command::Cosign(a) => cosign::run(&ctx, a),
        Command::Author(c) => author::run(&ctx, c),
        Command::Policy(c) => author::policy(&ctx, c),
        Command::Key(c) => key::run(&ctx, c),
        Command::Import(a) => import::run(&ctx, a),
        Command::Export(a) => export::run(&ctx, a),
        Command::Ingest(a) => ingest::run(&ctx, a),
    }
}

/// Styles for human output; `anstream` drops them when NO_COLOR is set or
/// stdout is not a terminal.
pub mod style {
    use anstyle::{AnsiColor, Style};
    pub const BOLD: Style = Style::new().bold();
    pub const DIM: Style = Style::new().dimmed();
    pub const OK: Style = AnsiColor::Green.on_default();
    pub const WARN: Style = AnsiColor::Yellow.on_default();
    pub const BAD: Style = AnsiColor::Red.on_default().bold();
    pub const HIGHLIGHT: Style = AnsiColor::Cyan.on_default().bold();
}

/// A plain table with a header row, for listings.
pub fn table(header: &[&str], rows: Vec<Vec<String>>) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::NOTHING);
    t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    t.set_header(header.iter().map(|h| comfy_table::Cell::new(h.to_uppercase())));
    for r in rows {
        t.add_row(r);
    }
    t
}

/// `s` in at most `width` characters: cut at a word where one is near,
/// and marked with an ellipsis; never cut silently.
pub fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let head: String = s.chars().take(width.saturating_sub(1)).collect();
    let at_word = head
        .rfind(char::is_whitespace)
        .filter(|&i| head[..i].chars().count() >= width / 2)
        .map_or(head.as_str(), |i| head[..i].trim_end());
    format!("{at_word}…")
}

/// `None` as an empty cell.
pub fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map(T::to_string).unwrap_or_default()
}

/// An interval as text: `7`, `3–5`, `≥41`.
pub fn interval(low: Option<i64>, high: Option<i64>) -> String {
    match (low, high) {
        (Some(l), Some(h)) if l == h => l.to_string(),
        (Some(l), Some(h)) => format!("{l}–{h}"),
        (Some(l), None) => format!("≥{l}"),
        (None, _) => String::new(),
    }
}

/// Reads a text file the user named, within the text limit.
pub fn read_text_file(field: &str, path: &std::path::Path) -> Result<String> {
    tally::input::read_text(field, path, tally::input::TEXT_LIMIT)
}

/// An amendment's arguments: the entity's fields, and why it changes.
#[derive(Debug, clap::Args)]
pub struct Amendment<F: clap::Args> {
    #[command(flatten)]
    pub fields: F,
    /// Why it changes
    #[arg(long)]
    pub reason: Option<String>,
}

/// The clap parser of a closed vocabulary of the library: `--help` lists
/// its values, and clap refuses anything else in its own format. Matching
/// ignores case, as the library's own parsing does.
#[derive(Clone)]
pub struct Vocab<T>(std::marker::PhantomData<T>);

/// `value_parser = vocab::<Kind>()`.
pub fn vocab<T: Vocabulary>() -> Vocab<T> {
    Vocab(std::marker::PhantomData)
}

impl<T: Vocabulary> clap::builder::TypedValueParser for Vocab<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<T, clap::Error> {
        if let Some(found) = value.to_str().and_then(|v| {
            T::ALL
                .iter()
                .copied()
                .find(|x| x.as_str().eq_ignore_ascii_case(v.trim()))
        }) {
            return Ok(found);
        }
        // Not one of the values in any case: clap's own error lists them.
        let names = T::ALL.iter().map(|x| x.as_str());
        let refused = clap::builder::PossibleValuesParser::new(names).parse_ref(cmd, arg, value);
        Err(refused
            .err()
            .unwrap_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd)))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            T::ALL.iter().map(|x| clap::builder::PossibleValue::new(x.as_str())),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// clap's own consistency checks over the whole tree (unique names,
    /// groups, defaults that parse), which otherwise run only when a
    /// command is invoked.
    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }
}
