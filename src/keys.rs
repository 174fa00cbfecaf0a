//! Ed25519 keys and signed notes in the C2SP `signed-note` format (SPEC §8),
//! through Cloudflare's `signed_note`: a private key file holds
//! `PRIVATE+KEY+NAME+<hash>+<base64>`, a verifier key is
//! `NAME+<hash>+<base64>`, so keys work with other signed-note tools.

use std::io::Write;
use std::path::Path;

use signed_note::{Note, NoteError, StandardSigner, StandardVerifier, VerifierList};

use crate::error::{Error, Result};
use crate::input;

/// A new key pair named `name`: (the private key, the verifier key).
pub fn generate(name: &str) -> Result<(String, String)> {
    if !signed_note::is_key_name_valid(name) {
        return Err(Error::invalid(
            "NAME",
            name,
            "expected a key name with no spaces or '+'",
        ));
    }
    Ok(signed_note::generate_key(&mut rand_core::OsRng, name))
}

/// Writes a private key to a new file that only its owner can read; an
/// existing file is never overwritten.
pub fn write_private(path: &Path, skey: &str) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| {
        Error::Invalid(format!(
            "--out: cannot create {}: {e} (an existing key file is never overwritten)",
            path.display()
        ))
    })?;
    writeln!(file, "{skey}")?;
    file.sync_all()?;
    Ok(())
}

/// The signer in a private key file, refused if group or others may read
/// the file.
pub fn read_signer(field: &str, path: &Path) -> Result<StandardSigner> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| Error::Invalid(format!("{field}: cannot read {}: {e}", path.display())))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(Error::Invalid(format!(
                "{field}: {} can be read by others (mode {:o}); a private key file must be 0600 (chmod 600 it)",
                path.display(),
                mode & 0o777
            )));
        }
    }
    let text = input::read_text(field, path, 4096)?;
    StandardSigner::new(text.trim()).map_err(|_| {
        Error::Invalid(format!(
            "{field}: {} is not a signed-note private key (PRIVATE+KEY+NAME+<hash>+<base64>)",
            path.display()
        ))
    })
}

/// A verifier key given as `NAME+<hash>+<base64>`, or `@FILE` holding one:
/// (the key's text, its name, the verifier).
fn parse_verifier(field: &str, arg: &str) -> Result<(String, String, StandardVerifier)> {
    let vkey = match arg.strip_prefix('@') {
        Some(path) => input::read_text(field, Path::new(path), 4096)?.trim().to_string(),
        None => arg.trim().to_string(),
    };
    let verifier = StandardVerifier::new(&vkey)
        .map_err(|_| Error::invalid(field, arg, "expected a verifier key NAME+<hash>+<base64>, or @FILE"))?;
    let name = vkey.split('+').next().unwrap_or_default().to_string();
    Ok((vkey, name, verifier))
}

/// A verifier key argument, checked: the key's text.
pub fn verifier_key(field: &str, arg: &str) -> Result<String> {
    parse_verifier(field, arg).map(|(vkey, _, _)| vkey)
}

/// A verifier key argument, ready to verify: (the key's name, the verifier).
pub fn read_verifier(field: &str, arg: &str) -> Result<(String, StandardVerifier)> {
    parse_verifier(field, arg).map(|(_, name, verifier)| (name, verifier))
}

/// `text` signed by `signer`: the C2SP signed note.
pub fn sign(text: &str, signer: &StandardSigner) -> Result<String> {
    let mut note =
        Note::new(text.as_bytes(), &[]).map_err(|e| Error::Runtime(format!("cannot make a signed note: {e}")))?;
    note.add_sigs(&[signer])
        .map_err(|e| Error::Runtime(format!("cannot sign the note: {e}")))?;
    Ok(String::from_utf8_lossy(&note.to_bytes()).into_owned())
}

/// Checks that `note` carries a valid signature by each verifier key: an
/// integrity failure names the key whose signature is missing or wrong.
pub fn verify(note: &str, keys: &[(String, StandardVerifier)]) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    if !note.contains("\n\n") {
        return Err(Error::Integrity(
            "the checkpoint is not signed: no signature can be checked".into(),
        ));
    }
    let parsed = Note::from_bytes(note.as_bytes())
        .map_err(|e| Error::Invalid(format!("the checkpoint is not a signed note: {e}")))?;
    for (name, verifier) in keys {
        let list = VerifierList::new(vec![Box::new(verifier.clone())]);
        match parsed.verify(&list) {
            Ok(_) => {}
            Err(NoteError::UnverifiedNote) => {
                return Err(Error::Integrity(format!(
                    "the checkpoint carries no signature by key {name}"
                )));
            }
            Err(e) => {
                return Err(Error::Integrity(format!(
                    "the checkpoint's signature by key {name} does not verify: {e}"
                )));
            }
        }
    }
    Ok(())
}

/// The Ed25519 public key inside a verifier key, for checking many
/// signatures at once; `None` if the key is not a well-formed Ed25519
/// verifier key.
pub fn ed25519_key(vkey: &str) -> Option<ed25519_dalek::VerifyingKey> {
    use base64::Engine;
    StandardVerifier::new(vkey).ok()?;
    // NAME+HASH+BASE64: the name and hash hold no '+', the base64 may.
    let encoded = vkey.splitn(3, '+').nth(2)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).ok()?;
    // The first byte names the algorithm (1, Ed25519); the key follows.
    let key: [u8; 32] = bytes.get(1..)?.try_into().ok()?;
    ed25519_dalek::VerifyingKey::from_bytes(&key).ok()
}

/// Ed25519 signatures over 32-byte entry hashes, checked a batch at a
/// time with ed25519-dalek's `verify_batch`; a batch that fails is checked
/// again one signature at a time, to name the ones that do not verify.
/// Holds at most [`SignatureBatch::SIZE`] signatures.
struct SignatureBatch<T> {
    tags: Vec<T>,
    digests: Vec<[u8; 32]>,
    signatures: Vec<ed25519_dalek::Signature>,
    keys: Vec<ed25519_dalek::VerifyingKey>,
}

// Empty whatever the tags are (a derive would ask `T: Default`).
impl<T> Default for SignatureBatch<T> {
    fn default() -> Self {
        SignatureBatch {
            tags: Vec::new(),
            digests: Vec::new(),
            signatures: Vec::new(),
            keys: Vec::new(),
        }
    }
}

impl<T> SignatureBatch<T> {
    /// Signatures checked together: past about a hundred, a larger batch
    /// saves little.
    const SIZE: usize = 128;

    /// Adds a signature to check; a signature that is not 64 bytes is
    /// returned at once as failed.
    fn push(&mut self, tag: T, digest: [u8; 32], sig: &[u8], key: ed25519_dalek::VerifyingKey) -> Option<T> {
        let Ok(sig) = <[u8; 64]>::try_from(sig) else {
            return Some(tag);
        };
        self.tags.push(tag);
        self.digests.push(digest);
        self.signatures.push(ed25519_dalek::Signature::from_bytes(&sig));
        self.keys.push(key);
        None
    }

    fn is_full(&self) -> bool {
        self.tags.len() >= Self::SIZE
    }

    /// Checks the signatures held and empties the batch: the tags of
    /// those that do not verify.
    fn check(&mut self) -> Vec<T> {
        use ed25519_dalek::Verifier;
        let messages: Vec<&[u8]> = self.digests.iter().map(|d| d.as_slice()).collect();
        let all_good = ed25519_dalek::verify_batch(&messages, &self.signatures, &self.keys).is_ok();
        let mut failed = Vec::new();
        for (i, tag) in self.tags.drain(..).enumerate() {
            if !all_good && self.keys[i].verify(&self.digests[i], &self.signatures[i]).is_err() {
                failed.push(tag);
            }
        }
        self.digests.clear();
        self.signatures.clear();
        self.keys.clear();
        failed
    }
}

/// Where `check_in_batches` takes signatures: full batches go to the
/// checker threads in turn.
pub struct BatchFeed<T> {
    batch: SignatureBatch<T>,
    failed: Vec<T>,
    checkers: Vec<std::sync::mpsc::SyncSender<SignatureBatch<T>>>,
    sent: usize,
}

impl<T> BatchFeed<T> {
    /// Adds a signature of a 32-byte digest to check.
    pub fn push(&mut self, tag: T, digest: [u8; 32], sig: &[u8], key: ed25519_dalek::VerifyingKey) {
        self.failed.extend(self.batch.push(tag, digest, sig, key));
        if self.batch.is_full() {
            let full = std::mem::take(&mut self.batch);
            // A checker that is gone leaves its batch to be checked here.
            if let Err(std::sync::mpsc::SendError(mut full)) = self.checkers[self.sent % CHECKERS].send(full) {
                self.failed.extend(full.check());
            }
            self.sent += 1;
        }
    }
}

/// Threads that check signatures while the caller reads on: this
/// machine's two cores.
const CHECKERS: usize = 2;

/// Runs `feed`, which pushes signatures, while full batches are checked on
/// other threads: returns what `feed` returned and the tags of every
/// signature that does not verify, in no particular order.
pub fn check_in_batches<T: Send, R>(feed: impl FnOnce(&mut BatchFeed<T>) -> R) -> (R, Vec<T>) {
    std::thread::scope(|scope| {
        let (checkers, threads): (Vec<_>, Vec<_>) = (0..CHECKERS)
            .map(|_| {
                let (batches, incoming) = std::sync::mpsc::sync_channel::<SignatureBatch<T>>(2);
                let thread = scope.spawn(move || incoming.into_iter().flat_map(|mut b| b.check()).collect::<Vec<T>>());
                (batches, thread)
            })
            .unzip();
        let mut sink = BatchFeed {
            batch: SignatureBatch::default(),
            failed: Vec::new(),
            checkers,
            sent: 0,
        };
        let out = feed(&mut sink);
        let BatchFeed {
            mut batch,
            mut failed,
            checkers,
            ..
        } = sink;
        // Closing the channels ends the checker threads once they are done.
        drop(checkers);
        failed.extend(batch.check());
        for thread in threads {
            failed.extend(thread.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        (out, failed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use signed_note::Signer;

    /// 300 signatures over three batches, checked on the checker threads
    /// and here, two of them changed and one of the wrong length: exactly
    /// those three are named.
    #[test]
    fn a_batch_names_the_signatures_that_do_not_verify() {
        let (skey, vkey) = generate("batch").unwrap();
        let signer = StandardSigner::new(&skey).unwrap();
        let key = ed25519_key(&vkey).unwrap();
        let ((), mut failed) = check_in_batches(|feed| {
            for i in 0..300u32 {
                let mut digest = [0u8; 32];
                digest[..4].copy_from_slice(&i.to_le_bytes());
                let mut sig = signer.sign(&digest).unwrap();
                match i {
                    7 | 250 => sig[10] ^= 1,
                    100 => sig.pop().map(drop).unwrap(),
                    _ => {}
                }
                feed.push(i, digest, &sig, key);
            }
        });
        failed.sort();
        assert_eq!(failed, vec![7, 100, 250]);
        assert!(ed25519_key("batch+00000000+AQ==").is_none());
        // Half of all keys have a '+' in their base64: every one is read.
        let keys: Vec<String> = (0..64).map(|_| generate("k").unwrap().1).collect();
        assert!(keys.iter().any(|k| k.splitn(3, '+').nth(2).unwrap().contains('+')));
        assert!(keys.iter().all(|k| ed25519_key(k).is_some()));
    }
}
