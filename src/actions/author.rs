//! Authors' keys and the signature policy (SPEC §8).

use crate::error::{Error, Result};
use crate::journal::{Entry, Op};
use crate::keys;
use crate::ledger::Tx;
use crate::model::{self, AuthorBody, PolicyBody, REQUIRE_SIGNATURES};
use rusqlite::OptionalExtension;

/// Records which verifier key speaks for author `name` (the journal's
/// author string); a later entry replaces an earlier key.
pub fn add_author(tx: &mut Tx, name: &str, key: &str) -> Result<Entry> {
    let name = model::name("NAME", name)?;
    let key = keys::verifier_key("--key", key)?;
    tx.append(Op::AuthorAdd, &name, AuthorBody { key })
}

/// Makes every later entry need a registered author's signature. It
/// cannot be undone, and must itself be signed by a registered author.
pub fn require_signatures(tx: &mut Tx, reason: &str) -> Result<Entry> {
    if reason.trim().is_empty() {
        return Err(Error::Invalid("--reason must not be empty".into()));
    }
    let set: Option<i64> = tx
        .conn()
        .query_row("SELECT seq FROM policies WHERE name = ?", [REQUIRE_SIGNATURES], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(seq) = set {
        return Err(Error::Invalid(format!(
            "this ledger already requires signatures (seq {seq}); the policy cannot be undone"
        )));
    }
    let author = tx.author().to_string();
    let registered: bool =
        tx.conn()
            .query_row("SELECT EXISTS (SELECT 1 FROM authors WHERE name = ?)", [&author], |r| {
                r.get(0)
            })?;
    if !registered {
        return Err(Error::Invalid(format!(
            "the signature policy must be set by a registered author, and '{author}' has no key: `tally author add {author} --key VKEY` first"
        )));
    }
    tx.append(
        Op::PolicySet,
        REQUIRE_SIGNATURES,
        PolicyBody {
            reason: reason.trim().to_string(),
        },
    )
}
