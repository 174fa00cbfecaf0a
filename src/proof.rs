//! Proofs a reader checks without the ledger (SPEC §8): C2SP checkpoints
//! of the journal's Merkle tree, and inclusion bundles that carry a claim's
//! entries with their RFC 9162 inclusion proofs.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
pub use tlog_tiles::Checkpoint;
use tlog_tiles::Hash;

use crate::error::{Error, Result};
use crate::journal;
use crate::ledger::tree;
use crate::model::{EntityId, IdKind};

/// A ledger's checkpoint origin: the one chosen at `init --origin`, else
/// `tally/<ledger id>`.
pub fn origin(conn: &Connection) -> Result<String> {
    let row: Option<(String, Option<String>)> = conn
        .query_row("SELECT id, origin FROM ledger", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (id, origin) = row.ok_or_else(|| Error::Invalid("the ledger has no entries to checkpoint".into()))?;
    Ok(origin.unwrap_or_else(|| format!("tally/{id}")))
}

/// The C2SP checkpoint of the first `size` entries.
pub fn checkpoint(conn: &Connection, size: u64) -> Result<Checkpoint> {
    let root = tree::root(conn, size)?;
    Checkpoint::new(&origin(conn)?, size, root, "")
        .map_err(|_| Error::Runtime("the ledger's origin cannot be written in a checkpoint".into()))
}

/// The text of a checkpoint, its three lines.
pub fn text(cp: &Checkpoint) -> String {
    String::from_utf8_lossy(&cp.to_bytes()).into_owned()
}

/// Reads a checkpoint text, or the text of a signed note (the lines before
/// its blank line): `None` if it is not one.
pub fn parse_checkpoint(s: &str) -> Option<Checkpoint> {
    let text = match s.split_once("\n\n") {
        Some((text, _signatures)) => format!("{text}\n"),
        None if s.ends_with('\n') => s.to_string(),
        None => format!("{s}\n"),
    };
    Checkpoint::from_bytes(text.as_bytes()).ok()
}

/// One entry of a bundle with its inclusion proof.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Included {
    pub entry: BundleEntry,
    pub leaf_index: u64,
    pub tree_size: u64,
    pub path: Vec<String>,
}

/// An entry exactly as `export --format journal` writes it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleEntry {
    pub seq: i64,
    pub prev: String,
    pub at: String,
    pub author: String,
    pub op: String,
    pub entity: String,
    pub body: Value,
    pub hash: String,
}

/// An inclusion bundle: `tally prove`'s output, `tally check`'s input.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub target: String,
    pub checkpoint: String,
    pub entries: Vec<Included>,
}

/// The journal entities a target rests on: a claim, its report, the
/// report's source, the claim's event, actor and origin (where the origin
/// names a source or an actor); a report and its source and events.
fn entities(conn: &Connection, target: &str) -> Result<Vec<String>> {
    let not_found = || Error::invalid("target", target, "expected a claim id (c12), a report id (r3) or a seq");
    let mut out = vec![target.to_string()];
    match EntityId::parse(target).map(|id| id.kind) {
        Some(IdKind::Claim) => {
            let row: Option<(String, String, Option<String>, String)> = conn
                .query_row(
                    "SELECT report, event, actor, origin_key FROM claims WHERE id = ?",
                    [target],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let (report, event, actor, origin) = row.ok_or_else(not_found)?;
            out.extend(entities(conn, &report)?);
            out.push(event);
            out.extend(actor);
            let named: Option<String> = conn
                .query_row(
                    "SELECT slug FROM sources WHERE slug = ?1 UNION SELECT slug FROM actors WHERE slug = ?1",
                    [&origin],
                    |r| r.get(0),
                )
                .optional()?;
            out.extend(named);
        }
        Some(IdKind::Report) => {
            let source: Option<String> = conn
                .query_row("SELECT source FROM reports WHERE id = ?", [target], |r| r.get(0))
                .optional()?;
            out.push(source.ok_or_else(not_found)?);
        }
        _ => return Err(not_found()),
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The inclusion bundle for `target` (a claim id, a report id or a seq)
/// against the checkpoint of the first `size` entries.
pub fn prove(conn: &Connection, target: &str, cp: &Checkpoint, note: &str) -> Result<Bundle> {
    let size = cp.size();
    let seqs: Vec<i64> = match target.parse::<i64>() {
        Ok(seq) if seq >= 1 && seq as u64 <= size => vec![seq],
        Ok(_) => {
            return Err(Error::invalid(
                "target",
                target,
                format!("expected a seq from 1 to the checkpoint's size, {size}"),
            ));
        }
        Err(_) => {
            let mut seqs = Vec::new();
            let mut stmt = conn.prepare("SELECT seq FROM journal WHERE entity = ? AND seq <= ? ORDER BY seq")?;
            for entity in entities(conn, target)? {
                for seq in stmt.query_map(rusqlite::params![entity, size as i64], |r| r.get(0))? {
                    seqs.push(seq?);
                }
            }
            seqs.sort_unstable();
            seqs
        }
    };
    if seqs.is_empty() {
        return Err(Error::invalid(
            "target",
            target,
            "an id recorded at or before the checkpoint's size",
        ));
    }
    let mut entries = Vec::with_capacity(seqs.len());
    let mut stmt = conn.prepare("SELECT seq, prev, at, author, op, entity, body, hash FROM journal WHERE seq = ?")?;
    for seq in seqs {
        let entry = stmt.query_row([seq], |r| {
            Ok(BundleEntry {
                seq: r.get(0)?,
                prev: r.get(1)?,
                at: r.get(2)?,
                author: r.get(3)?,
                op: r.get(4)?,
                entity: r.get(5)?,
                body: Value::Null,
                hash: r.get(7)?,
            }
            .with_body(r.get::<_, String>(6)?))
        })??;
        let index = (seq - 1) as u64;
        let path = tree::inclusion(conn, index, size)?;
        entries.push(Included {
            entry,
            leaf_index: index,
            tree_size: size,
            path: path.iter().map(Hash::to_string).collect(),
        });
    }
    Ok(Bundle {
        target: target.to_string(),
        checkpoint: note.to_string(),
        entries,
    })
}

impl BundleEntry {
    fn with_body(mut self, body: String) -> Result<BundleEntry> {
        self.body = serde_json::from_str(&body)
            .map_err(|e| Error::Integrity(format!("entry {}: body is not valid JSON: {e}", self.seq)))?;
        Ok(self)
    }
}

/// What `check` found in a bundle that verifies.
#[derive(Debug, Serialize)]
pub struct Checked {
    pub target: String,
    pub origin: String,
    pub size: u64,
    pub root: String,
    pub entries: Vec<i64>,
    pub signatures_checked: usize,
}

/// Checks an inclusion bundle with no ledger: each entry's hash from its
/// fields, its leaf index and tree size against the checkpoint, and its
/// path to the checkpoint's root. A failure is an integrity error naming
/// what failed.
pub fn check(bundle: &Bundle) -> Result<Checked> {
    let cp = parse_checkpoint(&bundle.checkpoint)
        .ok_or_else(|| Error::Invalid("BUNDLE: its checkpoint is not a C2SP checkpoint (origin, size, root)".into()))?;
    let fail = |what: String| Error::Integrity(format!("the bundle does not verify: {what}"));
    if bundle.entries.is_empty() {
        return Err(fail("it holds no entries".into()));
    }
    let mut seqs = Vec::new();
    for inc in &bundle.entries {
        let e = &inc.entry;
        let body = journal::canonical(&e.body).map_err(|why| fail(format!("entry {}: {why}", e.seq)))?;
        let hash = journal::entry_hash(e.seq, &e.prev, &e.at, &e.author, &e.op, &e.entity, &body);
        if hash != e.hash {
            return Err(fail(format!("entry {}: its hash does not match its content", e.seq)));
        }
        if inc.tree_size != cp.size() {
            return Err(fail(format!(
                "entry {}: tree_size {} is not the checkpoint's size {}",
                e.seq,
                inc.tree_size,
                cp.size()
            )));
        }
        if e.seq < 1 || inc.leaf_index != (e.seq - 1) as u64 {
            return Err(fail(format!(
                "entry {}: leaf_index {} is not seq − 1",
                e.seq, inc.leaf_index
            )));
        }
        let path = inc
            .path
            .iter()
            .map(|h| Hash::parse_hash(h))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|_| fail(format!("entry {}: a path hash is not base64 of 32 bytes", e.seq)))?;
        let leaf = tree::leaf(&e.hash).map_err(|_| fail(format!("entry {}: its hash is not 64 hex digits", e.seq)))?;
        tlog_tiles::check_record(&path, cp.size(), *cp.hash(), inc.leaf_index, leaf).map_err(|_| {
            fail(format!(
                "entry {}: its inclusion path does not lead to the checkpoint's root",
                e.seq
            ))
        })?;
        seqs.push(e.seq);
    }
    Ok(Checked {
        target: bundle.target.clone(),
        origin: cp.origin().to_string(),
        size: cp.size(),
        root: cp.hash().to_string(),
        entries: seqs,
        signatures_checked: 0,
    })
}

/// The revision-1 checkpoint line that a C2SP checkpoint of this ledger
/// stands for: the same size, once its root is the ledger's. A checkpoint
/// of another origin is bad input; a root the ledger no longer has, or a
/// size past its head, is an integrity failure.
pub fn resolve(conn: &Connection, field: &str, cp: &Checkpoint) -> Result<crate::ledger::verify::Checkpoint> {
    let ours = origin(conn)?;
    if cp.origin() != ours {
        return Err(Error::Invalid(format!(
            "{field}: the checkpoint is for origin {}, this ledger's origin is {ours}",
            cp.origin()
        )));
    }
    let head = crate::ledger::head_of(conn)?;
    if cp.size() == 0 || cp.size() > head.seq as u64 {
        return Err(Error::Integrity(format!(
            "checkpoint of size {} is past the head (seq {}): the journal was truncated",
            cp.size(),
            head.seq
        )));
    }
    let root = tree::root(conn, cp.size())?;
    if root != *cp.hash() {
        return Err(Error::Integrity(format!(
            "checkpoint of size {} has root {} but this ledger's first {} entries have root {root}: history was rewritten",
            cp.size(),
            cp.hash(),
            cp.size()
        )));
    }
    let hash: String = conn.query_row("SELECT hash FROM journal WHERE seq = ?", [cp.size() as i64], |r| {
        r.get(0)
    })?;
    Ok(crate::ledger::verify::Checkpoint {
        seq: cp.size() as i64,
        hash,
    })
}

/// A consistency bundle: the ledger at `new` extends the one at `old`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consistency {
    pub old: String,
    pub new: String,
    pub path: Vec<String>,
}

/// The consistency bundle between two checkpoints of this ledger (both
/// already resolved against it), in the order of RFC 9162 §2.1.4.
pub fn prove_consistency(conn: &Connection, old: (&Checkpoint, &str), new: (&Checkpoint, &str)) -> Result<Consistency> {
    if old.0.size() > new.0.size() {
        return Err(Error::Invalid(format!(
            "--consistency: the old checkpoint (size {}) is larger than the new one (size {})",
            old.0.size(),
            new.0.size()
        )));
    }
    let path = tree::consistency(conn, old.0.size(), new.0.size())?;
    Ok(Consistency {
        old: old.1.to_string(),
        new: new.1.to_string(),
        path: path.iter().map(Hash::to_string).collect(),
    })
}

/// What `check` found in a consistency bundle that verifies.
#[derive(Debug, Serialize)]
pub struct Extends {
    pub origin: String,
    pub old_size: u64,
    pub new_size: u64,
    pub old_root: String,
    pub new_root: String,
    pub signatures_checked: usize,
}

/// Checks a consistency bundle with no ledger.
pub fn check_consistency(bundle: &Consistency) -> Result<Extends> {
    let read = |which: &str, text: &str| {
        parse_checkpoint(text).ok_or_else(|| {
            Error::Invalid(format!(
                "BUNDLE: its {which} checkpoint is not a C2SP checkpoint (origin, size, root)"
            ))
        })
    };
    let (old, new) = (read("old", &bundle.old)?, read("new", &bundle.new)?);
    let fail = |what: String| Error::Integrity(format!("the bundle does not verify: {what}"));
    if old.origin() != new.origin() {
        return Err(fail(format!(
            "the checkpoints are of two logs, {} and {}",
            old.origin(),
            new.origin()
        )));
    }
    let path = bundle
        .path
        .iter()
        .map(|h| Hash::parse_hash(h))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| fail("a path hash is not base64 of 32 bytes".into()))?;
    let consistent = if old.size() == new.size() {
        path.is_empty() && old.hash() == new.hash()
    } else {
        old.size() >= 1
            && old.size() < new.size()
            && tlog_tiles::check_tree(&path, new.size(), *new.hash(), old.size(), *old.hash()).is_ok()
    };
    if !consistent {
        return Err(fail(format!(
            "the tree of size {} (root {}) does not extend the tree of size {} (root {}) by this path",
            new.size(),
            new.hash(),
            old.size(),
            old.hash()
        )));
    }
    Ok(Extends {
        origin: new.origin().to_string(),
        old_size: old.size(),
        new_size: new.size(),
        old_root: old.hash().to_string(),
        new_root: new.hash().to_string(),
        signatures_checked: 0,
    })
}

/// A bundle of either kind, told apart by its keys.
pub enum AnyBundle {
    Inclusion(Bundle),
    Consistency(Consistency),
}

impl AnyBundle {
    /// Parses either kind: exit 2 for anything that is neither.
    pub fn parse(text: &str) -> Result<AnyBundle> {
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Invalid(format!("BUNDLE: not JSON: {e}")))?;
        if value.get("old").is_some() {
            serde_json::from_value(value).map(AnyBundle::Consistency).map_err(|e| {
                Error::Invalid(format!(
                    "BUNDLE: not a consistency bundle (JSON with old, new, path): {e}"
                ))
            })
        } else {
            serde_json::from_value(value).map(AnyBundle::Inclusion).map_err(|e| {
                Error::Invalid(format!(
                    "BUNDLE: not an inclusion bundle (JSON with target, checkpoint, entries): {e}"
                ))
            })
        }
    }

    /// The checkpoint whose signatures `check --key` checks: the one the
    /// bundle proves against.
    pub fn checkpoint(&self) -> &str {
        match self {
            AnyBundle::Inclusion(b) => &b.checkpoint,
            AnyBundle::Consistency(c) => &c.new,
        }
    }
}
