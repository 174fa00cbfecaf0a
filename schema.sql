-- tally ledger schema, version 1 (PRAGMA user_version = 1).
--
-- `journal` is the truth: an append-only, hash-chained list of entries.
-- Every other table is a projection derived by replaying the journal
-- (src/ledger/apply.rs), written in the same transaction as the append that
-- causes it. `blobs` holds captured files by content address; the journal
-- names their hashes.

CREATE TABLE journal (
    seq    INTEGER PRIMARY KEY,          -- 1, 2, 3, … with no gaps
    prev   TEXT    NOT NULL,             -- hash of entry seq-1, 64 zeros for seq 1
    at     TEXT    NOT NULL,             -- RFC 3339 UTC, seconds
    author TEXT    NOT NULL,
    op     TEXT    NOT NULL,
    entity TEXT    NOT NULL,
    body   TEXT    NOT NULL,             -- canonical JSON (RFC 8785)
    hash   TEXT    NOT NULL              -- lowercase hex SHA-256 of the canonical entry
) STRICT;
CREATE INDEX journal_entity ON journal (entity, seq);

-- Triggers stop accidents; the hash chain detects everything else.
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only: UPDATE refused');
END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only: DELETE refused');
END;
CREATE TRIGGER journal_extends_head BEFORE INSERT ON journal
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM journal)
  OR NEW.prev IS NOT COALESCE((SELECT hash FROM journal ORDER BY seq DESC LIMIT 1),
                              '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'journal entry does not extend the head');
END;

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    bytes  BLOB NOT NULL
) STRICT, WITHOUT ROWID;

-- Projections ------------------------------------------------------------

CREATE TABLE ledger (
    id        TEXT PRIMARY KEY,          -- random ledger id from ledger.init
    version   TEXT NOT NULL,             -- tool version that created it
    demo      INTEGER NOT NULL,          -- 1 when built by `tally demo`
    created   TEXT NOT NULL
) STRICT;

CREATE TABLE sources (
    slug     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL,
    grade    TEXT NOT NULL,
    url      TEXT,
    note     TEXT,
    revision INTEGER NOT NULL,
    seq      INTEGER NOT NULL            -- journal seq of the latest revision
) STRICT;
CREATE INDEX sources_name ON sources (lower(name));

CREATE TABLE actors (
    slug     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    note     TEXT,
    revision INTEGER NOT NULL,
    seq      INTEGER NOT NULL
) STRICT;

CREATE TABLE actor_aliases (
    key   TEXT PRIMARY KEY,              -- lowercase, whitespace folded
    actor TEXT NOT NULL,
    alias TEXT NOT NULL,
    given INTEGER NOT NULL               -- 1 for an alias given by the user, 0 for the slug or name
) STRICT;
CREATE INDEX actor_aliases_actor ON actor_aliases (actor);

CREATE TABLE events (
    slug       TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end   TEXT NOT NULL,
    precision  TEXT NOT NULL,            -- day | month | year
    place      TEXT,
    region     TEXT,
    country    TEXT,
    lat        TEXT,
    lon        TEXT,
    type       TEXT,
    revision   INTEGER NOT NULL,
    seq        INTEGER NOT NULL
) STRICT;

CREATE TABLE reports (
    id             TEXT PRIMARY KEY,     -- r1, r2, …
    num            INTEGER NOT NULL UNIQUE,
    source         TEXT NOT NULL,
    title          TEXT,
    url            TEXT,
    published      TEXT,
    retrieved      TEXT NOT NULL,
    language       TEXT,
    text           TEXT,
    capture_sha256 TEXT,
    capture_name   TEXT,
    capture_size   INTEGER,
    revision       INTEGER NOT NULL,
    seq            INTEGER NOT NULL
) STRICT;
CREATE INDEX reports_source ON reports (source);

CREATE TABLE claims (
    id           TEXT PRIMARY KEY,       -- c1, c2, …
    num          INTEGER NOT NULL UNIQUE,
    event        TEXT NOT NULL,
    report       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    subject_key  TEXT NOT NULL,          -- lowercase, whitespace folded
    phrase       TEXT,
    low          INTEGER,
    high         INTEGER,                -- NULL = unbounded (counts)
    point        INTEGER,
    actor        TEXT,
    actor_desc   TEXT,
    stance       TEXT,
    origin       TEXT NOT NULL,
    origin_key   TEXT NOT NULL,
    hedge        TEXT NOT NULL,
    quote        TEXT,
    note         TEXT,
    revision     INTEGER NOT NULL,
    retracted    INTEGER NOT NULL,
    reason       TEXT,                   -- reason of the latest amend or retract
    added_seq    INTEGER NOT NULL,       -- journal seq of claim.add
    seq          INTEGER NOT NULL        -- journal seq of the latest revision
) STRICT;
CREATE INDEX claims_event ON claims (event, kind, subject_key);
CREATE INDEX claims_report ON claims (report);

CREATE TABLE decisions (
    id          TEXT PRIMARY KEY,        -- d1, d2, …
    num         INTEGER NOT NULL UNIQUE,
    event       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    value       INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    seq         INTEGER NOT NULL
) STRICT;
CREATE INDEX decisions_group ON decisions (event, kind, subject_key);

-- === migration 2: revision 2 ===
-- Each section below the first is one migration, applied in order inside
-- one exclusive transaction by the first command that writes (or by
-- `tally migrate`); fresh ledgers run them all. Never edit a released one.

-- A tally ledger says so in its header: application id "TALY".
PRAGMA application_id = 1413565529;

-- Captured files are streamed in and out in pieces, which SQLite's
-- incremental blob I/O does only for tables with a rowid.
CREATE TABLE blobs_v2 (
    sha256 TEXT PRIMARY KEY,
    bytes  BLOB NOT NULL
) STRICT;
INSERT INTO blobs_v2 (sha256, bytes) SELECT sha256, bytes FROM blobs;
DROP TABLE blobs;
ALTER TABLE blobs_v2 RENAME TO blobs;

-- Actors have a kind (official, state, armed-group, organisation, person,
-- other); those recorded before are 'other'.
ALTER TABLE actors ADD COLUMN kind TEXT NOT NULL DEFAULT 'other';

-- Reports can be retracted (and their claims with them) and restored.
ALTER TABLE reports ADD COLUMN retracted INTEGER NOT NULL DEFAULT 0;

-- A decision may be a range (high NULL = unbounded); earlier decisions are
-- the range of their single value.
ALTER TABLE decisions ADD COLUMN low INTEGER;
ALTER TABLE decisions ADD COLUMN high INTEGER;
UPDATE decisions SET low = value, high = value;

-- === migration 3: the Merkle tree ===
-- The journal is also the leaf sequence of an RFC 9162 Merkle tree
-- (src/ledger/tree.rs): its stored hashes, in the layout of Go's sumdb
-- `tlog`, indexed by stored-hash index. Written in the append's
-- transaction; an existing journal's tree is built when this migration runs.
CREATE TABLE tree (
    idx  INTEGER PRIMARY KEY,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE TRIGGER tree_no_update BEFORE UPDATE ON tree
BEGIN
    SELECT RAISE(ABORT, 'the Merkle tree is append-only: UPDATE refused');
END;
CREATE TRIGGER tree_no_delete BEFORE DELETE ON tree
BEGIN
    SELECT RAISE(ABORT, 'the Merkle tree is append-only: DELETE refused');
END;

-- === migration 4: authors, policies, signatures, origins ===
-- The checkpoint origin chosen at `init --origin` (NULL: tally/<id>).
ALTER TABLE ledger ADD COLUMN origin TEXT;
-- Which verifier key speaks for an author (from `author.add` entries).
CREATE TABLE authors (
    name TEXT PRIMARY KEY,
    key  TEXT NOT NULL,
    seq  INTEGER NOT NULL
) STRICT;
-- Ledger policies (from `policy.set` entries); none can be undone.
CREATE TABLE policies (
    name   TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    seq    INTEGER NOT NULL
) STRICT;
-- Signatures live beside the journal, outside the hashed bytes: an
-- author's Ed25519 signature over the 32 bytes of the entry's hash.
CREATE TABLE signatures (
    seq INTEGER NOT NULL,
    key TEXT NOT NULL,
    sig BLOB NOT NULL CHECK (length(sig) = 64),
    PRIMARY KEY (seq, key)
) STRICT;
