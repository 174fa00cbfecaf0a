//! The store: one SQLite file holding the journal and its projections.
//!
//! Only this module speaks SQL. [`Tx::append`] is the only write path: it
//! runs inside a `BEGIN IMMEDIATE` transaction, reads the head, hashes the
//! entry, inserts it and applies it to the projections with the same
//! [`apply::apply`] that [`verify`] and [`replay`] use.

pub mod apply;
pub mod query;
pub mod replay;
pub mod tree;
pub mod verify;

use crate::error::{Error, Result};
use crate::input;
use crate::journal::{self, Entry, GENESIS_PREV, Header, Op};
use crate::model::{Body, EntityId, IdKind, InitBody};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A connection to a ledger or to a replayed state of one: what queries
/// take. Outside this module it is only passed along, never queried.
pub type Db = Connection;

/// The schema, embedded: its first section creates version 1, and each
/// section after a `-- === migration N` line brings version N−1 to N.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// The migrations of [`SCHEMA`], applied in order against `PRAGMA
/// user_version`; append only, never edit a released one. Fresh ledgers,
/// migrated ledgers and the scratch databases of replay and `verify` are
/// all built by this one list.
pub static MIGRATIONS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let mut sections = SCHEMA.split("\n-- === migration ");
    let first = sections.next().unwrap_or_default();
    // Each later section starts with the rest of its title line.
    std::iter::once(first)
        .chain(sections.map(|s| s.split_once('\n').map_or("", |(_, sql)| sql)))
        .collect()
});

/// The migration that creates the Merkle tree (`tree`).
const TREE_MIGRATION: i64 = 3;

/// `PRAGMA application_id` of a tally ledger: "TALY".
pub const APPLICATION_ID: i64 = 0x5441_4C59;

/// A connection is used by one thread at a time (rusqlite's `Connection`
/// is not `Sync`), so SQLite need not lock a mutex on every call.
const NO_MUTEX: OpenFlags = OpenFlags::SQLITE_OPEN_NO_MUTEX;

/// How long a writer waits for another writer before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Who records, and when.
#[derive(Clone)]
pub struct Stamp {
    pub author: String,
    pub at: String,
    /// The author's key, for an author the ledger has a key for.
    pub signer: Option<std::sync::Arc<signed_note::StandardSigner>>,
}

impl Stamp {
    /// The current time in RFC 3339 UTC with seconds; `TALLY_NOW` pins it
    /// (for tests and reproducible demos).
    pub fn now(author: String) -> Result<Stamp> {
        let at = match std::env::var("TALLY_NOW") {
            Ok(v) => crate::model::timestamp("TALLY_NOW", &v)?,
            Err(_) => chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        };
        if at.len() != 20 {
            return Err(Error::Invalid(
                "TALLY_NOW must be an RFC 3339 time such as 2017-05-09T14:03:00Z".into(),
            ));
        }
        Ok(Stamp {
            author,
            at,
            signer: None,
        })
    }
}

pub struct Ledger {
    conn: Connection,
    path: PathBuf,
    /// For a ledger of an older version, the migrated temporary copy that
    /// reads are served from (deleted when dropped).
    copy: Option<tempfile::TempPath>,
    /// Set when a write succeeded but something after it did not.
    warning: Option<String>,
}

/// The ledger at `path` opened read-only, even where no `-shm` file can
/// be made beside it (SQLite's `immutable` URI parameter).
fn read_only_connection(path: &Path) -> Result<Connection> {
    let abs = std::path::absolute(path)?;
    let mut uri = String::from("file:");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | NO_MUTEX,
    )
    .map_err(|e| Error::Runtime(format!("cannot open {}: {e}", path.display())))
}

/// The newest journal entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

impl Head {
    /// The head of an empty journal: what the first entry's `prev` names.
    pub fn genesis() -> Head {
        Head {
            seq: 0,
            hash: GENESIS_PREV.to_string(),
        }
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Without recursive triggers, INSERT OR REPLACE deletes without firing
    // the journal's DELETE trigger.
    conn.pragma_update(None, "recursive_triggers", "ON")?;
    // A command that said "recorded" has its entry on disk.
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

/// Brings a connection's schema up to date, inside one exclusive transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_with(conn, &MIGRATIONS)
}

/// [`migrate`] with the list given, so that a test can add a migration.
pub fn migrate_with(conn: &mut Connection, migrations: &[&str]) -> Result<()> {
    // Reading the version is enough when it is current: no write, no lock.
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current == migrations.len() as i64 {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let latest = migrations.len() as i64;
    if version > latest {
        return Err(Error::Invalid(format!(
            "this ledger has schema version {version}, newer than this tally understands ({latest}); upgrade tally"
        )));
    }
    if version < 0 {
        return Err(Error::Integrity(format!(
            "this ledger's schema version is {version}, which no tally ever wrote: the file was altered"
        )));
    }
    for (n, sql) in migrations.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        // The tree of the entries recorded before it existed.
        if n as i64 + 1 == TREE_MIGRATION {
            tree::backfill(&tx)?;
        }
    }
    tx.pragma_update(None, "user_version", latest)?;
    tx.commit()?;
    Ok(())
}

/// `path` as a file name SQLite cannot read as a URI: a relative name
/// starting with `file:` would otherwise open whatever the URI names.
fn literal(path: &Path) -> PathBuf {
    if path.is_relative() && path.to_string_lossy().starts_with("file:") {
        Path::new(".").join(path)
    } else {
        path.to_path_buf()
    }
}

/// What a file turned out to be.
enum Identity {
    /// A tally ledger at this schema version.
    Tally(i64),
    /// A ledger of revision 1, before ledgers carried an application id.
    Legacy,
}

/// Tells a tally ledger from any other file, reading only its header and
/// schema. Not SQLite, or another application's database: bad input
/// (exit 2). A tally ledger whose version no tally wrote: altered (exit 3).
fn identify(conn: &Connection, path: &Path) -> Result<Identity> {
    let not_ledger = || Error::Invalid(format!("{} is not a tally ledger", path.display()));
    let app: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|_| not_ledger())?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|_| not_ledger())?;
    if app == APPLICATION_ID {
        let latest = MIGRATIONS.len() as i64;
        return match version {
            v if v > latest => Err(Error::Invalid(format!(
                "{} has schema version {v}, newer than this tally understands ({latest}); upgrade tally",
                path.display()
            ))),
            v if v < 2 => Err(Error::Integrity(format!(
                "{} is a tally ledger whose schema version is {v}, which no tally wrote: the file was altered",
                path.display()
            ))),
            v => Ok(Identity::Tally(v)),
        };
    }
    // Revision 1 ledgers carry no application id: a journal table and
    // version 1 say what they are.
    let has_journal = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'",
            [],
            |_| Ok(()),
        )
        .optional()
        .map_err(|_| not_ledger())?
        .is_some();
    match (app, version, has_journal) {
        (0, 1, true) => Ok(Identity::Legacy),
        _ => Err(not_ledger()),
    }
}

/// Refuses what cannot be a ledger file before SQLite opens it (a FIFO
/// would block the open forever).
fn existing_file(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|_| {
        Error::Invalid(format!(
            "no ledger at {}: run `tally init` first, or give --db PATH",
            path.display()
        ))
    })?;
    if !meta.is_file() {
        return Err(Error::Invalid(format!(
            "{} is not a tally ledger: it is not a regular file",
            path.display()
        )));
    }
    Ok(())
}

impl Ledger {
    /// Creates a new ledger file with its genesis entry. The file is
    /// created exclusively, so of two `init`s at once one wins and the
    /// other is told the ledger exists.
    pub fn create(path: &Path, stamp: &Stamp, demo: bool, origin: Option<&str>) -> Result<(Ledger, Entry)> {
        let origin = origin.map(crate::model::checkpoint_origin).transpose()?;
        let path = &literal(path);
        let exists = || {
            Error::Invalid(format!(
                "{} already exists; tally init only creates a new ledger",
                path.display()
            ))
        };
        match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists()),
            Err(e) => return Err(Error::Runtime(format!("cannot create {}: {e}", path.display()))),
        }
        let created = (|| -> Result<(Ledger, Entry)> {
            let mut conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | NO_MUTEX)
                .map_err(|e| Error::Runtime(format!("cannot create {}: {e}", path.display())))?;
            configure(&conn)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            migrate(&mut conn)?;
            let mut ledger = Ledger {
                conn,
                path: path.to_path_buf(),
                copy: None,
                warning: None,
            };
            let body = InitBody {
                ledger_id: ledger_id()?,
                version: env!("CARGO_PKG_VERSION").to_string(),
                demo,
                origin,
            };
            let entry = ledger.write(stamp, |tx| tx.append(Op::LedgerInit, "ledger", body))?;
            Ok((ledger, entry))
        })();
        if created.is_err() {
            // Leave no half-made ledger behind.
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        created
    }

    /// Opens an existing ledger to read it. Reads never write: a ledger of
    /// an older schema version is read from a migrated temporary copy, and
    /// migrated in place by the first write (or `tally migrate`). A file
    /// the user may read but not write is opened read-only.
    pub fn open(path: &Path) -> Result<Ledger> {
        let path = literal(path);
        existing_file(&path)?;
        // A file the user may read but not write, or a WAL ledger in a
        // directory where no -shm file can be made, is read as it stands.
        let unwritable = |e: &rusqlite::Error| {
            matches!(
                e.sqlite_error_code(),
                Some(
                    rusqlite::ErrorCode::CannotOpen
                        | rusqlite::ErrorCode::ReadOnly
                        | rusqlite::ErrorCode::PermissionDenied
                )
            )
        };
        let conn = match Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | NO_MUTEX) {
            Ok(c) => c,
            Err(e) if unwritable(&e) => read_only_connection(&path)?,
            Err(e) => return Err(e.into()),
        };
        // A file that is not SQLite at all is bad input, not damage.
        let not_ledger = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => {
                Error::Invalid(format!("{} is not a tally ledger", path.display()))
            }
            _ => e.into(),
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(not_ledger)?;
        let conn = match conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())) {
            Ok(()) => conn,
            Err(e) if unwritable(&e) => read_only_connection(&path)?,
            Err(e) => return Err(not_ledger(e)),
        };
        configure(&conn)?;
        match identify(&conn, &path)? {
            Identity::Tally(v) if v == MIGRATIONS.len() as i64 => Ok(Ledger {
                conn,
                path,
                copy: None,
                warning: None,
            }),
            Identity::Tally(_) | Identity::Legacy => Ledger::migrated_copy(conn, path),
        }
    }

    /// A migrated copy of an older ledger in a temporary file, to read it
    /// as this version of tally does without writing it.
    fn migrated_copy(conn: Connection, path: PathBuf) -> Result<Ledger> {
        let copy = tempfile::Builder::new()
            .prefix("tally-migrated-")
            .suffix(".db")
            .tempfile()
            .map_err(|e| Error::Runtime(format!("cannot make a temporary copy of {}: {e}", path.display())))?
            .into_temp_path();
        std::fs::remove_file(&copy)?;
        conn.execute("VACUUM INTO ?1", [copy.to_string_lossy()])?;
        drop(conn);
        let mut temp = Connection::open_with_flags(&copy, OpenFlags::SQLITE_OPEN_READ_WRITE | NO_MUTEX)?;
        configure(&temp)?;
        migrate(&mut temp)?;
        Ok(Ledger {
            conn: temp,
            path,
            copy: Some(copy),
            warning: None,
        })
    }

    /// Migrates the ledger file itself to this version's schema. Returns
    /// the version it had.
    pub fn migrate_in_place(&mut self) -> Result<i64> {
        let mut conn = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_WRITE | NO_MUTEX)
            .map_err(|e| Error::Runtime(format!("cannot write {}: {e}", self.path.display())))?;
        configure(&conn)?;
        let before: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        migrate(&mut conn)?;
        self.conn = conn;
        self.copy = None;
        Ok(before)
    }

    /// Whether this ledger is read from a migrated copy (its file is of an
    /// older schema version).
    pub fn is_older_version(&self) -> bool {
        self.copy.is_some()
    }

    /// Whether `tally demo` built this ledger, so that it may replace it.
    pub fn is_demo(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT demo FROM ledger", [], |r| r.get::<_, bool>(0))
            .optional()?
            .unwrap_or(false))
    }

    /// The file reads are served from: the ledger, or its migrated copy.
    pub fn file(&self) -> &Path {
        self.copy.as_deref().unwrap_or(&self.path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The transaction of [`Ledger::write`], without what follows its commit.
    fn transact<T>(&mut self, stamp: &Stamp, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<T> {
        if self.copy.is_some() {
            self.migrate_in_place()?;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(busy)?;
        let head = head_of(&tx)?;
        let mut w = Tx {
            tx,
            head,
            edge: None,
            stamp: stamp.clone(),
            memo: Memo::default(),
        };
        let out = f(&mut w)?;
        // With synchronous=FULL the commit is durable: the entry is in the
        // WAL on disk. Copying it into the main file may still fail (a full
        // disk); then the -wal file holds it, and must travel with the file.
        w.tx.commit().map_err(busy)?;
        Ok(out)
    }

    /// Runs `f` in one immediate transaction: everything it appends lands
    /// together, or nothing does.
    pub fn write<T>(&mut self, stamp: &Stamp, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<T> {
        let out = self.transact(stamp, f)?;
        if let Err(e) = self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            self.warning = Some(format!(
                "the entry is recorded, but copying it from {0}-wal into {0} failed ({e}); \
                 keep {0}-wal beside the ledger until a later command completes the copy",
                self.path.display()
            ));
        }
        Ok(out)
    }

    /// A warning from the last write that the user must see, if any.
    pub fn take_warning(&mut self) -> Option<String> {
        self.warning.take()
    }

    pub fn head(&self) -> Result<Head> {
        head_of(&self.conn)
    }
}

fn busy(e: rusqlite::Error) -> Error {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
        Error::Runtime(format!(
            "the ledger is busy: another process held it for more than {}s",
            BUSY_TIMEOUT.as_secs()
        ))
    } else {
        Error::Sqlite(e)
    }
}

pub fn head_of(conn: &Connection) -> Result<Head> {
    let head = conn
        .query_row(
            "SELECT seq, hash FROM journal WHERE seq = (SELECT MAX(seq) FROM journal)",
            [],
            |r| {
                Ok(Head {
                    seq: r.get(0)?,
                    hash: r.get(1)?,
                })
            },
        )
        .optional()?;
    Ok(head.unwrap_or_else(Head::genesis))
}

/// A write transaction in progress.
pub struct Tx<'c> {
    tx: rusqlite::Transaction<'c>,
    head: Head,
    /// The Merkle tree's right edge, read at the first append.
    edge: Option<tree::Edge>,
    stamp: Stamp,
    memo: Memo,
}

/// Answers to lookups that one transaction repeats (an import resolves the
/// same event, report and origin for many claims). Only answers that the
/// transaction's own appends cannot change are kept, and [`Memo::appended`]
/// drops or updates the rest as entries land. Each lookup map is
/// [`Capped`], so memory stays flat however long the import.
#[derive(Default)]
struct Memo {
    /// Events known to exist; events are never removed.
    events: Capped<()>,
    /// A report's source, which no amendment changes.
    report_sources: Capped<String>,
    /// Origin text → the origin as stored; a new source or actor name may
    /// change it.
    origins: Capped<String>,
    /// The next free number of reports, claims and decisions.
    next: HashMap<IdKind, i64>,
    /// The writer's key, if the writer is a registered author, and whether
    /// the ledger requires signatures: read once, until an author or a
    /// policy is recorded.
    signing: Option<(Option<String>, bool)>,
}

impl Memo {
    fn appended(&mut self, op: Op, entity: &str) {
        match op {
            Op::SourceAdd | Op::SourceAmend | Op::ActorAdd | Op::ActorAmend => self.origins.0.clear(),
            Op::AuthorAdd | Op::PolicySet => self.signing = None,
            Op::ReportAdd | Op::ClaimAdd | Op::DecisionAdd => match EntityId::parse(entity) {
                Some(id) => {
                    self.next.insert(id.kind, id.num + 1);
                }
                None => self.next.clear(),
            },
            _ => {}
        }
    }
}

/// A map that empties itself when full, so a memo stays small however
/// long the transaction: forgetting only costs a query.
struct Capped<V>(HashMap<String, V>);

impl<V> Default for Capped<V> {
    fn default() -> Self {
        Capped(HashMap::new())
    }
}

impl<V> Capped<V> {
    const MAX: usize = 4096;

    fn get(&self, key: &str) -> Option<&V> {
        self.0.get(key)
    }

    fn insert(&mut self, key: &str, value: V) {
        if self.0.len() >= Self::MAX {
            self.0.clear();
        }
        self.0.insert(key.to_string(), value);
    }
}

impl Tx<'_> {
    /// The connection, for validation queries inside the transaction.
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Who the entries of this transaction are written as.
    pub fn author(&self) -> &str {
        &self.stamp.author
    }

    /// Appends one entry and applies it to the projections.
    pub fn append(&mut self, op: Op, entity: &str, body: impl Into<Body>) -> Result<Entry> {
        let body = body.into();
        let value =
            serde_json::to_value(&body).map_err(|e| Error::Runtime(format!("cannot encode entry body: {e}")))?;
        let text = journal::canonical(&value).map_err(|e| Error::Invalid(e.to_string()))?;
        let seq = self.head.seq + 1;
        let (at, author) = (self.stamp.at.clone(), self.stamp.author.clone());
        let hash = journal::entry_hash(seq, &self.head.hash, &at, &author, op.as_str(), entity, &text);
        self.tx
            .prepare_cached(
                "INSERT INTO journal (seq, prev, at, author, op, entity, body, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![
                seq,
                self.head.hash,
                at,
                author,
                op.as_str(),
                entity,
                text,
                hash
            ])?;
        apply::apply(
            &self.tx,
            &Header {
                seq,
                at: &at,
                op,
                entity,
            },
            &body,
        )?;
        let edge = match &mut self.edge {
            Some(edge) => edge,
            None => self.edge.insert(tree::Edge::at(&self.tx, self.head.seq as u64)?),
        };
        tree::store(&self.tx, &edge.push(&hash)?)?;
        // An author.add applies before it signs: a key registered by this
        // very entry signs it.
        self.memo.appended(op, entity);
        self.sign(seq, &hash)?;
        let prev = std::mem::replace(
            &mut self.head,
            Head {
                seq,
                hash: hash.clone(),
            },
        );
        Ok(Entry {
            seq,
            prev: prev.hash,
            at,
            author,
            op,
            entity: entity.to_string(),
            body: value,
            hash,
        })
    }

    /// Signs entry `seq` as its author, if the author has a key: with the
    /// signer given, which must be that key. Without a key, an entry is
    /// refused once the ledger requires signatures.
    fn sign(&mut self, seq: i64, hash: &str) -> Result<()> {
        use signed_note::{Signer, Verifier};
        let (key, required) = match &self.memo.signing {
            Some(rule) => rule.clone(),
            None => {
                let key: Option<String> = self
                    .tx
                    .prepare_cached("SELECT key FROM authors WHERE name = ?")?
                    .query_row([&self.stamp.author], |r| r.get(0))
                    .optional()?;
                let required: bool = self
                    .tx
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM policies WHERE name = ?)")?
                    .query_row([crate::model::REQUIRE_SIGNATURES], |r| r.get(0))?;
                self.memo.signing.insert((key, required)).clone()
            }
        };
        let author = &self.stamp.author;
        let Some(key) = key else {
            if required {
                return Err(Error::Invalid(format!(
                    "this ledger requires signed entries and author '{author}' has no key: run `tally author add {author} --key VKEY` (as a registered author) first"
                )));
            }
            if self.stamp.signer.is_some() {
                return Err(Error::Invalid(format!(
                    "--signing-key: author '{author}' has no key in this ledger; register it with `tally author add {author} --key VKEY`"
                )));
            }
            return Ok(());
        };
        let verifier = signed_note::StandardVerifier::new(&key)
            .map_err(|_| Error::Integrity(format!("author '{author}' has a key that is not a verifier key")))?;
        let Some(signer) = &self.stamp.signer else {
            return Err(Error::Invalid(format!(
                "author '{author}' signs with key {}: give --signing-key FILE (or TALLY_SIGNING_KEY)",
                verifier.name()
            )));
        };
        if signer.name() != verifier.name() || signer.key_id() != verifier.key_id() {
            return Err(Error::Invalid(format!(
                "--signing-key: the key {} is not the key {} of author '{author}'",
                signer.name(),
                verifier.name()
            )));
        }
        let digest = tree::hash_bytes(hash)?;
        let sig = signer
            .sign(&digest)
            .map_err(|e| Error::Runtime(format!("cannot sign entry {seq}: {e}")))?;
        self.tx
            .prepare_cached("INSERT INTO signatures (seq, key, sig) VALUES (?, ?, ?)")?
            .execute(params![seq, key, sig])?;
        Ok(())
    }

    /// Whether event `slug` exists.
    pub fn event_exists(&mut self, slug: &str) -> Result<bool> {
        if self.memo.events.get(slug).is_some() {
            return Ok(true);
        }
        let found = query::event_exists(&self.tx, slug)?;
        if found {
            self.memo.events.insert(slug, ());
        }
        Ok(found)
    }

    /// The source of report `id`, if there is such a report.
    pub fn report_source(&mut self, id: &str) -> Result<Option<String>> {
        if let Some(s) = self.memo.report_sources.get(id) {
            return Ok(Some(s.clone()));
        }
        let found = query::report_source(&self.tx, id)?;
        if let Some(s) = &found {
            self.memo.report_sources.insert(id, s.clone());
        }
        Ok(found)
    }

    /// The next free number for ids of `kind`.
    pub fn next_num(&mut self, kind: IdKind) -> Result<i64> {
        if let Some(n) = self.memo.next.get(&kind) {
            return Ok(*n);
        }
        let n = query::next_num(&self.tx, kind)?;
        self.memo.next.insert(kind, n);
        Ok(n)
    }

    /// `resolve(conn, text)`, asked once per origin text until a source or
    /// actor is recorded.
    pub fn origin(&mut self, text: &str, resolve: impl FnOnce(&Connection, &str) -> Result<String>) -> Result<String> {
        if let Some(o) = self.memo.origins.get(text) {
            return Ok(o.clone());
        }
        let o = resolve(&self.tx, text)?;
        self.memo.origins.insert(text, o.clone());
        Ok(o)
    }

    /// Stores a captured file by its SHA-256 (content-addressed, idempotent).
    /// Stores the file at `path` as a blob, streamed through SQLite's
    /// incremental blob I/O so that memory stays flat however large it is
    /// (up to [`input::CAPTURE_LIMIT`]). Returns its SHA-256 and size.
    pub fn put_blob_file(&mut self, field: &str, path: &Path) -> Result<(String, i64)> {
        use sha2::{Digest, Sha256};
        use std::io::Read;
        const CHUNK: usize = 1 << 16;
        // First pass: the hash, which names the blob.
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut file = input::open(field, path)?;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            size += n as u64;
            if size > input::CAPTURE_LIMIT {
                return Err(input::too_large(field, input::CAPTURE_LIMIT));
            }
            hasher.update(&buf[..n]);
        }
        let sha256: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        if query::blob_exists(&self.tx, &sha256)? {
            return Ok((sha256, size as i64));
        }
        // Second pass: the bytes, into a blob of that size, hashed again so
        // that a file changed in between is refused.
        self.tx
            .prepare_cached("INSERT INTO blobs (sha256, bytes) VALUES (?1, zeroblob(?2))")?
            .execute(params![sha256, size as i64])?;
        let rowid = self.tx.last_insert_rowid();
        let mut blob = self.tx.blob_open(rusqlite::MAIN_DB, "blobs", "bytes", rowid, false)?;
        let mut again = Sha256::new();
        let mut file = input::open(field, path)?.take(size);
        let mut written = 0u64;
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            std::io::Write::write_all(&mut blob, &buf[..n])?;
            again.update(&buf[..n]);
            written += n as u64;
        }
        let second: String = again.finalize().iter().map(|b| format!("{b:02x}")).collect();
        if written != size || second != sha256 {
            return Err(Error::Invalid(format!(
                "{field} '{}' changed while it was being read; try again",
                path.display()
            )));
        }
        Ok((sha256, size as i64))
    }
}

/// A new ledger's id: 128 random bits as hex, or `TALLY_LEDGER_ID`, which
/// tests set (as they set `TALLY_NOW`) so that hashes and snapshots are
/// stable.
fn ledger_id() -> Result<String> {
    match std::env::var("TALLY_LEDGER_ID") {
        Ok(id) if id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) => Ok(id),
        Ok(_) => Err(Error::Invalid("TALLY_LEDGER_ID must be 32 lowercase hex digits".into())),
        Err(_) => random_id(),
    }
}

/// 128 random bits as hex, from the operating system's generator.
pub(crate) fn random_id() -> Result<String> {
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).map_err(|e| Error::Runtime(format!("no randomness from the OS: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_of(conn: &Connection) -> Vec<(String, Option<String>)> {
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_master ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let once = schema_of(&conn);
        migrate(&mut conn).unwrap();
        assert_eq!(schema_of(&conn), once);
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        let app: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).unwrap();
        assert_eq!(app, APPLICATION_ID);
    }

    #[test]
    fn a_capped_map_forgets_everything_when_full() {
        let mut m = Capped::default();
        for i in 0..Capped::<i64>::MAX {
            m.insert(&i.to_string(), i as i64);
        }
        assert_eq!(m.get("0"), Some(&0));
        m.insert("new", -1);
        assert_eq!((m.get("0"), m.get("new"), m.0.len()), (None, Some(&-1), 1));
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        let err = migrate(&mut conn).unwrap_err().to_string();
        assert!(err.contains("newer"), "{err}");
    }

    /// The model is cargo's `migrate_twice`: a second migration that adds
    /// a column, applied to a ledger that already holds entries, leaves a
    /// ledger that appends and verifies, because verify's scratch database
    /// is built by the same list of migrations.
    #[test]
    fn a_ledger_migrated_by_a_column_adding_migration_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let stamp = Stamp {
            author: "t".into(),
            at: "2017-05-09T14:03:00Z".into(),
            signer: None,
        };
        let event = || crate::model::EventBody {
            title: "T".into(),
            date: "2017-05-07".into(),
            place: None,
            region: None,
            country: None,
            lat: None,
            lon: None,
            event_type: None,
            reason: None,
        };
        let (mut ledger, _) = Ledger::create(&path, &stamp, false, None).unwrap();
        ledger
            .write(&stamp, |tx| tx.append(Op::EventAdd, "e1", event()))
            .unwrap();
        let two: Vec<&str> = MIGRATIONS
            .iter()
            .copied()
            .chain(["ALTER TABLE events ADD COLUMN x TEXT;"])
            .collect();
        let two = two.as_slice();
        migrate_with(&mut ledger.conn, two).unwrap();
        migrate_with(&mut ledger.conn, two).unwrap();
        let version: i64 = ledger
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64 + 1);
        ledger
            .write(&stamp, |tx| tx.append(Op::EventAdd, "e2", event()))
            .unwrap();
        let report = verify::verify_with(&ledger.conn, &path, None, two).unwrap();
        assert!(report.ok, "{:?}", report.problems);
        assert_eq!(report.entries, 3);
        // Checked against the one-migration schema, the new column is a change.
        let report = verify::verify(&ledger.conn, &path, None).unwrap();
        assert!(!report.ok);
    }

    /// `verify` sums the rows that `report.add` and `claim.add` build
    /// without replaying them, so those rows must name every column of
    /// their tables, in order: a migration that adds a column to either
    /// must extend them.
    #[test]
    fn add_rows_name_every_column_of_their_tables() {
        let conn = replay::scratch(replay::Indexes::Without).unwrap();
        let columns = |table: &str| -> Vec<String> {
            conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
                .unwrap()
                .query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .map(|c| format!(":{}", c.unwrap()))
                .collect()
        };
        let h = Header {
            seq: 5,
            at: "2017-05-09T14:03:00Z",
            op: Op::ClaimAdd,
            entity: "c1",
        };
        let claim: crate::model::ClaimBody = serde_json::from_str(
            r#"{"event":"e","report":"r1","kind":"killed","subject":"total","phrase":"7","low":7,"high":7,
                "point":7,"actor":null,"actor_desc":null,"stance":null,"origin":"ap","hedge":"asserted",
                "quote":null,"note":null}"#,
        )
        .unwrap();
        let names: Vec<&str> = apply::claim_row(&h, &claim).unwrap().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, columns("claims"));
        let report: crate::model::ReportBody = serde_json::from_str(
            r#"{"source":"ap","title":null,"url":null,"published":null,"retrieved":"2017-05-09T14:03:00Z",
                "language":null,"text":null,"capture":null}"#,
        )
        .unwrap();
        let h = Header {
            entity: "r1",
            op: Op::ReportAdd,
            ..h
        };
        let names: Vec<&str> = apply::report_row(&h, &report)
            .unwrap()
            .iter()
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(names, columns("reports"));
    }
}
