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
