use super::Ctx;
use std::io::Read;
use std::path::Path;
use tally::error::{Error, Result};
use tally::ledger::Ledger;
use tally::ledger::verify::Checkpoint;
use tally::proof;
use tally::{input, keys};

/// Print a checkpoint of the journal to publish with a dataset
///
/// By default the C2SP tlog-checkpoint of the journal's Merkle tree: the
/// ledger's origin, the tree size (the head's seq) and the root hash in
/// base64. Anyone holding it can later run `tally verify --against FILE`
/// to prove that history up to that point was neither rewritten nor
/// truncated, and check proofs made by `tally prove` against it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// text: the C2SP checkpoint; line: revision 1's tally:1:<seq>:<hash>
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, clap::ValueEnum)]
enum Format {
    Text,
    Line,
}

#[derive(serde::Serialize)]
struct Shown {
    origin: String,
    size: u64,
    root: String,
    seq: i64,
    hash: String,
    line: String,
    /// The signed note, with --signing-key; null otherwise.
    note: Option<String>,
    checkpoint: String,
    at: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let ledger = ctx.open()?;
    let head = ledger.head()?;
    if head.seq == 0 {
        return Err(Error::Invalid("the ledger has no entries to checkpoint".into()));
    }
    let line = Checkpoint {
        seq: head.seq,
        hash: head.hash.clone(),
    }
    .to_string();
    let cp = proof::checkpoint(ledger.conn(), head.seq as u64)?;
    let text = proof::text(&cp);
    // With --signing-key, the C2SP signed note.
    let note = match ctx.signer()? {
        Some(signer) => Some(keys::sign(&text, &signer)?),
        None => None,
    };
    let shown = Shown {
        origin: cp.origin().to_string(),
        size: cp.size(),
        root: cp.hash().to_string(),
        seq: head.seq,
        hash: head.hash,
        line: line.clone(),
        checkpoint: match (&note, args.format) {
            (Some(note), _) => note.clone(),
            (None, Format::Text) => text.clone(),
            (None, Format::Line) => line.clone(),
        },
        note,
        at: ctx.stamp()?.at,
    };
    ctx.emit(&shown, |out| match args.format {
        Format::Text => write!(out, "{}", shown.checkpoint),
        Format::Line => writeln!(out, "{line}"),
    })
}

/// A checkpoint argument: revision 1's line as it is, or a C2SP checkpoint
/// (text or signed note) given as the path of a file holding it, `-` for
/// stdin, or the text itself, checked against `ledger` and turned into the
/// line it stands for.
pub fn resolve(ledger: &Ledger, field: &str, arg: &str) -> Result<Checkpoint> {
    if arg.trim_start().starts_with("tally:") {
        return Checkpoint::parse(field, arg);
    }
    let text = read(field, arg)?;
    if text.trim_start().starts_with("tally:") {
        return Checkpoint::parse(field, text.trim());
    }
    let cp = c2sp(
        field,
        arg,
        &text,
        "expected tally:1:<seq>:<hash>, or a file holding a C2SP checkpoint or signed note",
    )?;
    proof::resolve(ledger.conn(), field, &cp)
}

/// The C2SP checkpoint in `text`, read from argument `arg`; else bad input
/// naming what is `accepted`.
pub fn c2sp(field: &str, arg: &str, text: &str, accepted: &str) -> Result<proof::Checkpoint> {
    proof::parse_checkpoint(text).ok_or_else(|| Error::invalid(field, arg, accepted))
}

/// The text of a checkpoint or bundle argument: a file's contents, stdin
/// for `-`, or the argument itself when it holds a newline.
pub fn read(field: &str, arg: &str) -> Result<String> {
    if arg.contains('\n') {
        return Ok(arg.to_string());
    }
    if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .take(input::TEXT_LIMIT + 1)
            .read_to_string(&mut text)
            .map_err(|e| Error::Invalid(format!("{field}: cannot read stdin as UTF-8 text: {e}")))?;
        if text.len() as u64 > input::TEXT_LIMIT {
            return Err(input::too_large(field, input::TEXT_LIMIT));
        }
        return Ok(text);
    }
    input::read_text(field, Path::new(arg), input::TEXT_LIMIT)
}
