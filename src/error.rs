//! The crate's error type, and its mapping to exit codes: 0 done, 1 runtime
//! failure, 2 invalid input or usage (nothing written), 3 integrity failure.

use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input or usage: exit 2, nothing written.
    #[error("{0}")]
    Invalid(String),
    /// The ledger failed an integrity check: exit 3.
    #[error("{0}")]
    Integrity(String),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Any other runtime failure: exit 1.
    #[error("{0}")]
    Runtime(String),
}

/// SQLite's errors sorted by what they mean for the user: a file whose
/// structure or contents are not what tally wrote is an integrity failure
/// (exit 3), whatever SQLite calls it; a busy or unwritable file is a
/// runtime failure (exit 1).
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::Error as E;
        use rusqlite::ErrorCode as C;
        let altered = |what: String| Error::Integrity(format!("the ledger file was altered: {what}"));
        match &e {
            E::SqliteFailure(f, msg) => match f.code {
                C::DatabaseCorrupt | C::NotADatabase => altered(format!(
                    "SQLite reports it damaged ({})",
                    msg.as_deref().unwrap_or("malformed")
                )),
                C::Unknown if msg.as_deref().is_some_and(schema_changed) => altered(format!(
                    "its schema was changed ({})",
                    msg.as_deref().unwrap_or_default()
                )),
                _ => Error::Sqlite(e),
            },
            E::FromSqlConversionFailure(..)
            | E::InvalidColumnType(..)
            | E::IntegralValueOutOfRange(..)
            | E::Utf8Error(..) => altered(format!("it holds a value tally never writes ({e})")),
            E::InvalidColumnName(_) => altered(format!("its schema was changed ({e})")),
            _ => Error::Sqlite(e),
        }
    }
}

/// SQLite's messages for a statement that no longer fits the schema.
fn schema_changed(msg: &str) -> bool {
    [
        "no such table",
        "no such column",
        "has no column named",
        "do not have the same number of result columns",
    ]
    .iter()
    .any(|m| msg.contains(m))
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Error {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::Io(io),
            other => Error::Runtime(format!("cannot write CSV: {other:?}")),
        }
    }
}

impl Error {
    /// An invalid value for `field`: "invalid --grade 'Z': expected one of A–F".
    pub fn invalid(field: impl fmt::Display, value: impl fmt::Display, accepted: impl fmt::Display) -> Error {
        Error::Invalid(format!("invalid {field} '{value}': {accepted}"))
    }

    /// A reference to something that does not exist.
    pub fn unknown(what: &str, id: &str, hint: &str) -> Error {
        if hint.is_empty() {
            Error::Invalid(format!("unknown {what} '{id}'"))
        } else {
            Error::Invalid(format!("unknown {what} '{id}': {hint}"))
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) => 2,
            Error::Integrity(_) => 3,
            Error::Sqlite(_) | Error::Io(_) | Error::Runtime(_) => 1,
        }
    }

    /// True for a write to a closed pipe (`tally log | head`): not an error.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Shorthand for an invalid-input error built with `format!`.
#[macro_export]
macro_rules! invalid {
    ($($arg:tt)*) => { $crate::error::Error::Invalid(format!($($arg)*)) };
}
