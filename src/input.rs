//! Reading the files users name, within limits.
//!
//! Every file argument (`--text-file`, `--capture`, `import FILE`, `ingest
//! FILE`) must be a regular file: FIFOs, sockets and devices are refused
//! before they are opened (a FIFO with no writer would block forever, and
//! `/dev/zero` never ends). Sizes are checked while reading, so memory stays
//! flat whatever the file: a report text or a bulletin at most
//! [`TEXT_LIMIT`], one NDJSON line at most [`LINE_LIMIT`], a captured file
//! at most [`CAPTURE_LIMIT`] (streamed, never held in memory whole).
//! Standard input (`-`) may be a pipe.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Read;
use std::path::Path;

pub const MIB: u64 = 1024 * 1024;
/// The largest report text or bulletin, in bytes.
pub const TEXT_LIMIT: u64 = 16 * MIB;
/// The longest NDJSON line, in bytes.
pub const LINE_LIMIT: u64 = 16 * MIB;
/// The largest captured file, in bytes.
pub const CAPTURE_LIMIT: u64 = 256 * MIB;

/// Opens a file the user named for `field`: a missing file, a directory or
/// anything but a regular file is bad input, not an I/O failure.
pub fn open(field: &str, path: &Path) -> Result<File> {
    let bad = |what: &str| Error::Invalid(format!("{field} '{}': {what}; give a readable file", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => bad("no such file"),
        std::io::ErrorKind::PermissionDenied => bad("permission denied"),
        _ => Error::Io(std::io::Error::new(
            e.kind(),
            format!("cannot read {field} '{}': {e}", path.display()),
        )),
    })?;
    if meta.is_dir() {
        return Err(bad("is a directory"));
    }
    if !meta.is_file() {
        return Err(bad("is not a regular file (FIFOs, sockets and devices are refused)"));
    }
    File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied => bad("permission denied"),
        _ => Error::Io(std::io::Error::new(
            e.kind(),
            format!("cannot read {field} '{}': {e}", path.display()),
        )),
    })
}

/// The error for a file over its limit.
pub fn too_large(field: &str, limit: u64) -> Error {
    Error::Invalid(format!("{field} is larger than the limit of {} MiB", limit / MIB))
}

/// Reads a UTF-8 text file of at most `limit` bytes.
pub fn read_text(field: &str, path: &Path, limit: u64) -> Result<String> {
    let mut bytes = Vec::new();
    open(field, path)?.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(field, limit));
    }
    String::from_utf8(bytes).map_err(|e| {
        Error::Invalid(format!(
            "{field} '{}' is not valid UTF-8 (first bad byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}
