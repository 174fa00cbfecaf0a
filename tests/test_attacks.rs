//! Attacks a careful adversary would try on a copy of a ledger, each of
//! which once passed `verify` or broke a command. Every one must now make
//! `verify` exit 3 and name what, and no read may panic on what the file
//! holds.

use crate::common::TestEnv;
use rusqlite::Connection;
use serde_json::Value;

/// `verify --json` on a ledger that must fail, with its problems' text.
#[track_caller]
fn fails_verify(env: &TestEnv) -> (Value, String) {
    let out = env.run(&["verify", "--json"]);
    assert_eq!(out.code, 3, "verify should exit 3: {}{}", out.stdout, out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    assert_eq!(v["ok"], false);
    let text = v["problems"].to_string();
    (v, text)
}

/// Appends an entry with a correct hash after the head, as someone who
/// knows the hashing rule would: only `verify`'s validation can refuse it.
fn forge(env: &TestEnv, op: &str, entity: &str, body: &str) -> i64 {
    let conn = Connection::open(&env.db).unwrap();
    let (seq, prev): (i64, String) = conn
        .query_row("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let at = "2017-05-09T14:03:00Z";
    let hash = tally::journal::entry_hash(seq + 1, &prev, at, "mallory", op, entity, body);
    conn.execute(
        "INSERT INTO journal VALUES (?, ?, ?, 'mallory', ?, ?, ?, ?)",
        rusqlite::params![seq + 1, prev, at, op, entity, body, hash],
    )
    .unwrap();
    seq + 1
}

#[test]
fn a_corrupted_index_is_caught() {
    let env = TestEnv::scenario();
    let before = env.ok(&["reconcile", "almoustarat"]);
    // Swap the index's definition for a partial one, rebuild it, and put
    // the original text back: the schema reads as tally's, the index lies.
    {
        let conn = Connection::open(&env.db).unwrap();
        let original: String = conn
            .query_row("SELECT sql FROM sqlite_master WHERE name = 'claims_event'", [], |r| {
                r.get(0)
            })
            .unwrap();
        conn.execute_batch("PRAGMA writable_schema = ON").unwrap();
        conn.execute(
            "UPDATE sqlite_master SET sql = ?1 || ' WHERE id NOT IN (''c1'')' WHERE name = 'claims_event'",
            [&original],
        )
        .unwrap();
        drop(conn);
        let conn = Connection::open(&env.db).unwrap();
        conn.execute_batch("REINDEX claims_event").unwrap();
        conn.execute_batch("PRAGMA writable_schema = ON").unwrap();
        conn.execute(
            "UPDATE sqlite_master SET sql = ?1 WHERE name = 'claims_event'",
            [&original],
        )
        .unwrap();
    }
    assert_ne!(
        env.ok(&["reconcile", "almoustarat"]),
        before,
        "the index now hides a claim"
    );
    let (_, text) = fails_verify(&env);
    assert!(text.contains("integrity check"), "{text}");
}

#[test]
fn extra_schema_objects_are_caught_but_statistics_are_not() {
    let env = TestEnv::scenario();
    {
        let conn = Connection::open(&env.db).unwrap();
        conn.execute_batch("ANALYZE").unwrap();
    }
    assert_eq!(
        env.json(&["verify"])["ok"],
        true,
        "ANALYZE's statistics are not tampering"
    );
    for (sql, name) in [
        (
            "CREATE TRIGGER block BEFORE INSERT ON claims WHEN NEW.origin = 'ap' BEGIN SELECT RAISE(ABORT, 'x'); END",
            "block",
        ),
        ("CREATE TABLE notes (x)", "notes"),
        ("CREATE VIEW v AS SELECT * FROM claims", "v"),
        ("CREATE INDEX claims_note ON claims (note)", "claims_note"),
    ] {
        let env = TestEnv::scenario();
        Connection::open(&env.db).unwrap().execute_batch(sql).unwrap();
        let (_, text) = fails_verify(&env);
        assert!(text.contains(&format!("{name} was added")), "{sql}: {text}");
    }
}

#[test]
fn a_deleted_blob_of_an_earlier_revision_is_caught() {
    let env = TestEnv::scenario();
    let first = env.file("first.html", b"<p>first</p>");
    let second = env.file("second.html", b"<p>second</p>");
    env.ok(&["report", "add", "--source", "ap", "--capture", &first]);
    env.ok(&["report", "amend", "r3", "--capture", &second, "--reason", "new copy"]);
    let sha = tally::journal::sha256_hex(b"<p>first</p>");
    Connection::open(&env.db)
        .unwrap()
        .execute("DELETE FROM blobs WHERE sha256 = ?", [&sha])
        .unwrap();
    let (_, text) = fails_verify(&env);
    assert!(text.contains(&sha) && text.contains("missing"), "{text}");
}

#[test]
fn entries_tally_would_never_write_are_caught_and_reads_do_not_panic() {
    let claim = |report: &str, low: i64, high: i64| {
        format!(
            r#"{{"actor":null,"actor_desc":null,"event":"almoustarat","high":{high},"hedge":"asserted","kind":"killed","low":{low},"note":null,"origin":"ap","phrase":"x","point":{low},"quote":null,"report":"{report}","stance":null,"subject":"Malian soldiers"}}"#
        )
    };
    // Bounds the wrong way round.
    let env = TestEnv::scenario();
    let seq = forge(&env, "claim.add", "c9", &claim("r1", 500, 5));
    let (v, text) = fails_verify(&env);
    assert!(
        v["problems"].as_array().unwrap().iter().any(|p| p["seq"] == seq),
        "{text}"
    );
    assert!(text.contains("above high"), "{text}");
    for read in [
        vec!["reconcile"],
        vec!["audit"],
        vec!["claim", "list"],
        vec!["claim", "show", "c1"],
        vec!["log"],
        vec!["export", "--format", "csv", "--what", "estimates"],
    ] {
        let out = env.run(&read);
        assert_ne!(out.code, 101, "{read:?} panicked: {}", out.stderr);
    }
    // A claim on a report that does not exist.
    let env = TestEnv::scenario();
    forge(&env, "claim.add", "c9", &claim("r7", 5, 5));
    let (_, text) = fails_verify(&env);
    assert!(text.contains("report 'r7', which did not exist"), "{text}");
}

#[test]
fn alias_rowids_do_not_order_reads() {
    let env = TestEnv::scenario();
    let shown = env.json(&["actor", "show", "jnim"]);
    {
        let conn = Connection::open(&env.db).unwrap();
        let rowid = |alias: &str| -> i64 {
            conn.query_row("SELECT rowid FROM actor_aliases WHERE alias = ?", [alias], |r| r.get(0))
                .unwrap()
        };
        let (a, b) = (rowid("JNIM"), rowid("GSIM"));
        conn.execute_batch(&format!(
            "UPDATE actor_aliases SET rowid = -1 WHERE rowid = {a};
             UPDATE actor_aliases SET rowid = {a} WHERE rowid = {b};
             UPDATE actor_aliases SET rowid = {b} WHERE rowid = -1;"
        ))
        .unwrap();
    }
    assert_eq!(
        env.json(&["actor", "show", "jnim"]),
        shown,
        "reads do not follow rowids"
    );
    assert_eq!(
        env.json(&["verify"])["ok"],
        true,
        "a swap that changes no read is not tampering"
    );
    env.ok(&["actor", "amend", "jnim", "--note", "x"]);
    assert_eq!(env.json(&["actor", "show", "jnim"])["aliases"], shown["aliases"]);
}

#[test]
fn tampering_is_exit_3_whatever_its_form() {
    for sql in [
        "DROP TABLE decisions",
        "DROP TABLE blobs",
        "DROP TABLE ledger",
        "ALTER TABLE claims ADD COLUMN x TEXT",
        "ALTER TABLE claims DROP COLUMN note",
        "UPDATE claims SET note = CAST(X'FF00FE' AS TEXT) WHERE id = 'c1'",
    ] {
        let env = TestEnv::scenario();
        Connection::open(&env.db).unwrap().execute_batch(sql).unwrap();
        let out = env.run(&["verify"]);
        assert_eq!(out.code, 3, "{sql}: {}{}", out.stdout, out.stderr);
        for read in [vec!["reconcile"], vec!["claim", "list"], vec!["audit"]] {
            let out = env.run(&read);
            assert!(
                out.code == 0 || out.code == 3,
                "{sql}, then {read:?}: exit {} {}",
                out.code,
                out.stderr
            );
        }
    }
}

/// Random single-bit flips of the file: each either makes `verify` exit 3
/// or changes nothing that any read shows (a bit in free space).
#[test]
fn single_bit_flips_are_caught_or_harmless() {
    let base = TestEnv::scenario();
    base.ok(&[
        "report",
        "add",
        "--source",
        "ap",
        "--capture",
        &base.file("p.html", b"<p>page</p>"),
    ]);
    // One file, no WAL beside it: the checkpoint on close folded it in.
    let bytes = std::fs::read(&base.db).unwrap();
    let reads: [&[&str]; 5] = [
        &["reconcile"],
        &["claim", "list", "--all"],
        &["actor", "list"],
        &["export", "--format", "journal"],
        &["report", "list"],
    ];
    let show = |env: &TestEnv| -> Vec<(i32, String)> {
        reads
            .iter()
            .map(|r| {
                let out = env.run(r);
                (out.code, out.stdout)
            })
            .collect()
    };
    let expected = show(&base);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut state = seed | 1;
    for _ in 0..30 {
        // xorshift: enough to spread flips over the file.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let bit = (state % (bytes.len() as u64 * 8)) as usize;
        let env = TestEnv::new();
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        std::fs::write(&env.db, &flipped).unwrap();
        let out = env.run(&["verify"]);
        assert_ne!(out.code, 101, "seed {seed}, bit {bit}: verify panicked: {}", out.stderr);
        if out.code == 0 {
            assert_eq!(
                show(&env),
                expected,
                "seed {seed}: bit {bit} passed verify but changed a read"
            );
        }
    }
}
