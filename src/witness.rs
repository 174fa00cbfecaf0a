//! Witnesses (SPEC §8): a partner organisation countersigns a checkpoint
//! only after checking that it extends the last one it cosigned for that
//! origin, from the ledger itself or from a consistency proof. A publisher
//! who shows two histories is caught here, with both checkpoints as
//! evidence.
//!
//! The state file holds one line per origin: `<origin> <size> <base64
//! root>`, the last checkpoint cosigned for it. A witness that has never
//! cosigned for an origin trusts the first checkpoint it is shown.

use std::path::Path;

use signed_note::{Note, StandardSigner};

use crate::error::{Error, Result};
use crate::input;
use crate::proof::{self, Checkpoint, Consistency};

/// How the witness learns that the new checkpoint extends the old one.
pub enum Evidence<'a> {
    /// The ledger itself, read.
    Ledger(&'a rusqlite::Connection),
    /// A consistency bundle from the old checkpoint to the new one.
    Proof(&'a Consistency),
}

/// The last checkpoint cosigned for each origin.
pub struct State {
    lines: Vec<(String, u64, String)>,
}

impl State {
    /// Reads a state file; a missing file is an empty state.
    pub fn read(path: &Path) -> Result<State> {
        if !path.exists() {
            return Ok(State { lines: Vec::new() });
        }
        let text = input::read_text("--state", path, input::TEXT_LIMIT)?;
        let mut lines = Vec::new();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let bad = || {
                Error::Invalid(format!(
                    "--state: line {} of {} is not `<origin> <size> <base64 root>`",
                    n + 1,
                    path.display()
                ))
            };
            let mut parts = line.split(' ');
            let (Some(origin), Some(size), Some(root), None) = (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(bad());
            };
            let size: u64 = size.parse().map_err(|_| bad())?;
            tlog_tiles::Hash::parse_hash(root).map_err(|_| bad())?;
            lines.push((origin.to_string(), size, root.to_string()));
        }
        Ok(State { lines })
    }

    /// The last checkpoint cosigned for `origin`, as a checkpoint.
    pub fn last(&self, origin: &str) -> Option<Checkpoint> {
        let (o, size, root) = self.lines.iter().find(|(o, _, _)| o == origin)?;
        let text = format!("{o}\n{size}\n{root}\n");
        proof::parse_checkpoint(&text)
    }

    fn set(&mut self, cp: &Checkpoint) {
        let line = (cp.origin().to_string(), cp.size(), cp.hash().to_string());
        match self.lines.iter_mut().find(|(o, _, _)| o == cp.origin()) {
            Some(l) => *l = line,
            None => self.lines.push(line),
        }
    }

    /// Writes the state to a temporary file beside `path`, then renames
    /// it into place: a crash leaves the old state or the new one.
    fn write(&self, path: &Path) -> Result<()> {
        let text: String = self.lines.iter().map(|(o, s, r)| format!("{o} {s} {r}\n")).collect();
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes())?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| Error::Io(e.error))?;
        Ok(())
    }
}

/// Cosigns the checkpoint `note` (a text or a signed note) if it extends
/// the last one cosigned for its origin, updates the state file, and
/// returns the note with the witness's signature added. A checkpoint that
/// does not extend it is an integrity failure carrying both checkpoints.
pub fn cosign(note: &str, signer: &StandardSigner, state_path: &Path, evidence: Evidence) -> Result<String> {
    let new = proof::parse_checkpoint(note)
        .ok_or_else(|| Error::Invalid("CP: not a C2SP checkpoint (origin, size, root) or signed note".into()))?;
    let mut state = State::read(state_path)?;
    if let Some(old) = state.last(new.origin()) {
        if let Err(why) = extends(&old, &new, &evidence) {
            return Err(Error::Integrity(format!(
                "refusing to cosign: {why}; the publisher may be showing two histories. Last cosigned:\n{}New:\n{}",
                proof::text(&old),
                proof::text(&new)
            )));
        }
    } else if let Evidence::Ledger(conn) = evidence {
        // First sight of this origin: the checkpoint must at least be the
        // ledger's.
        proof::resolve(conn, "CP", &new)?;
    }
    let mut parsed = if note.contains("\n\n") {
        Note::from_bytes(note.as_bytes()).map_err(|e| Error::Invalid(format!("CP: not a signed note: {e}")))?
    } else {
        Note::new(proof::text(&new).as_bytes(), &[]).map_err(|e| Error::Invalid(format!("CP: {e}")))?
    };
    parsed
        .add_sigs(&[signer])
        .map_err(|e| Error::Runtime(format!("cannot sign the note: {e}")))?;
    state.set(&new);
    state.write(state_path)?;
    Ok(String::from_utf8_lossy(&parsed.to_bytes()).into_owned())
}

/// Whether `new` extends `old` by the evidence: Ok, or why not.
fn extends(old: &Checkpoint, new: &Checkpoint, evidence: &Evidence) -> std::result::Result<(), String> {
    if new.size() < old.size() {
        return Err(format!(
            "it has size {}, smaller than the last cosigned ({})",
            new.size(),
            old.size()
        ));
    }
    match evidence {
        Evidence::Ledger(conn) => {
            // resolve checks the origin, the size and the root.
            if proof::resolve(conn, "CP", new).is_err() {
                return Err("the ledger does not have this checkpoint".into());
            }
            if proof::resolve(conn, "CP", old).is_err() {
                return Err("the ledger no longer has the last cosigned checkpoint".into());
            }
            Ok(())
        }
        Evidence::Proof(bundle) => {
            let (Some(p_old), Some(p_new)) = (
                proof::parse_checkpoint(&bundle.old),
                proof::parse_checkpoint(&bundle.new),
            ) else {
                return Err("the proof's checkpoints are not C2SP checkpoints".into());
            };
            let same = |a: &Checkpoint, b: &Checkpoint| {
                a.origin() == b.origin() && a.size() == b.size() && a.hash() == b.hash()
            };
            if !same(&p_old, old) {
                return Err("the proof does not start at the last cosigned checkpoint".into());
            }
            if !same(&p_new, new) {
                return Err("the proof does not end at this checkpoint".into());
            }
            proof::check_consistency(bundle).map(|_| ()).map_err(|e| e.to_string())
        }
    }
}
