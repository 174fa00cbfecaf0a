//! Direct edits of the SQLite file, as someone with the sqlite3 shell would
//! make them, must each make `verify` exit 3 and name the place.

use crate::common::TestEnv;
use rusqlite::Connection;
use serde_json::Value;

/// Runs `sql` on a copy of the scenario ledger with the journal triggers
/// dropped for the edit and put back after it (so only the edit differs).
fn tampered(sql: &str) -> (TestEnv, Value) {
    let env = TestEnv::scenario();
    let page = env.file("page.html", b"<html>captured</html>");
    env.ok(&["report", "add", "--source", "ap", "--capture", &page]);
    env.decide_soldiers(7, "army");
    {
        let conn = Connection::open(&env.db).unwrap();
        let triggers: Vec<(String, String)> = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (name, _) in &triggers {
            conn.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
        }
        conn.execute_batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        for (_, def) in &triggers {
            conn.execute_batch(def).unwrap();
        }
    }
    let out = env.run(&["verify", "--json"]);
    assert_eq!(out.code, 3, "verify should fail after: {sql}\n{}", out.stdout);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    (env, v)
}

fn first_seq(v: &Value) -> Option<i64> {
    v["problems"].as_array().unwrap().iter().find_map(|p| p["seq"].as_i64())
}

fn tables(v: &Value) -> Vec<String> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["table"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn journal_edits_name_the_first_bad_seq() {
    let cases = [
        (
            "UPDATE journal SET body = replace(body, 'seven', 'eight') WHERE seq = 9",
            9,
        ),
        (
            "UPDATE journal SET body = replace(body, '\"B\"', '\"A\"') WHERE seq = 2",
            2,
        ),
        (
            "UPDATE journal SET hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE seq = 6",
            6,
        ),
        ("UPDATE journal SET at = '2017-05-10T00:00:00Z' WHERE seq = 4", 4),
        ("UPDATE journal SET author = 'mallory' WHERE seq = 7", 7),
        ("UPDATE journal SET entity = 'c99' WHERE seq = 12", 12),
        ("UPDATE journal SET prev = hash WHERE seq = 3", 3),
        ("DELETE FROM journal WHERE seq = 5", 6),
        // Reorder: swap the contents of two entries.
        (
            "UPDATE journal SET seq = -1 WHERE seq = 2; UPDATE journal SET seq = 2 WHERE seq = 3; UPDATE journal SET seq = 3 WHERE seq = -1",
            2,
        ),
        // Forge an entry in the middle by rewriting one and keeping its hash.
        ("UPDATE journal SET body = '{}' WHERE seq = 10", 10),
    ];
    for (sql, seq) in cases {
        let (_, v) = tampered(sql);
        assert_eq!(first_seq(&v), Some(seq), "{sql}: {v}");
    }
}

#[test]
fn a_forged_entry_at_the_end_is_caught() {
    // With a wrong hash …
    let (_, v) = tampered(
        "INSERT INTO journal SELECT seq + 1, hash, at, author, 'source.add', 'forged', '{\"grade\":\"A\",\"kind\":\"other\",\"name\":\"F\",\"note\":null,\"url\":null}', 'abc' FROM journal ORDER BY seq DESC LIMIT 1",
    );
    assert_eq!(first_seq(&v), Some(15));
}

#[test]
fn a_correctly_hashed_forgery_without_its_projection_is_caught() {
    let env = TestEnv::scenario();
    env.append_forged_source();
    let out = env.run(&["verify", "--json"]);
    assert_eq!(out.code, 3);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    // The forger wrote no projection row and no Merkle tree hash.
    assert_eq!(tables(&v), vec!["sources", "tree"], "{v}");
    assert!(v["problems"][0]["what"].as_str().unwrap().contains("forged"));
}

/// Every column of every projection table, edited in turn.
#[test]
fn every_projection_column_edit_is_caught() {
    let env = TestEnv::scenario();
    let page = env.file("page.html", b"x");
    env.ok(&[
        "report",
        "add",
        "--source",
        "ap",
        "--capture",
        &page,
        "--language",
        "en",
    ]);
    env.ok(&["claim", "amend", "c1", "--note", "n", "--quote", "q", "--reason", "r"]);
    env.decide_soldiers(7, "army");
    env.ok(&[
        "event",
        "amend",
        "almoustarat",
        "--lat",
        "16.1",
        "--lon",
        "-0.5",
        "--region",
        "Gao",
        "--type",
        "raid",
    ]);
    env.ok(&["source", "amend", "ap", "--note", "wire"]);
    env.ok(&["actor", "amend", "fama", "--note", "army"]);
    // A registered author and the signature policy, for their tables.
    let vkey = env.json(&["key", "generate", "tester"])["verifier_key"]
        .as_str()
        .unwrap()
        .to_string();
    env.ok(&["--signing-key", "tester.key", "author", "add", "tester", "--key", &vkey]);
    env.ok(&[
        "--signing-key",
        "tester.key",
        "policy",
        "require-signatures",
        "--reason",
        "signed from now on",
    ]);
    let conn = Connection::open(&env.db).unwrap();
    let mut checked = 0;
    for (table, key) in tally::ledger::verify::PROJECTIONS {
        let cols: Vec<(String, String)> = conn
            .prepare(&format!("SELECT name, type FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        // The first row was amended (replayed by verify), the last one
        // only added (hashed straight from its entry): both are checked.
        for (col, ty) in &cols {
            for end in ["MIN", "MAX"] {
                let copy = env.dir.path().join(format!("{table}-{col}-{end}.db"));
                conn.execute("VACUUM INTO ?", [copy.to_str().unwrap()]).unwrap();
                let c2 = Connection::open(&copy).unwrap();
                let new = match ty.as_str() {
                    "INTEGER" => format!("COALESCE({col}, 0) + 1000"),
                    "BLOB" => "randomblob(32)".to_string(),
                    _ => format!("COALESCE({col}, '') || 'x'"),
                };
                // The tree's triggers refuse edits: the attacker drops
                // them and puts them back as they were.
                let triggers: Vec<(String, String)> = c2
                    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?")
                    .unwrap()
                    .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                for (name, _) in &triggers {
                    c2.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
                }
                let n = c2
                    .execute(
                        &format!("UPDATE {table} SET {col} = {new} WHERE rowid = (SELECT {end}(rowid) FROM {table})"),
                        [],
                    )
                    .unwrap();
                for (_, sql) in &triggers {
                    c2.execute_batch(sql).unwrap();
                }
                assert_eq!(n, 1, "{table}.{col}");
                drop(c2);
                let out = env.run(&["--db", copy.to_str().unwrap(), "verify", "--json"]);
                assert_eq!(out.code, 3, "edit of {table}.{col} ({end} rowid) went unnoticed");
                let v: Value = serde_json::from_str(&out.stdout).unwrap();
                assert!(tables(&v).contains(&table.to_string()), "{table}.{col} ({key}): {v}");
                // The row is named, not only the table.
                let what = v["problems"][0]["what"].as_str().unwrap();
                assert!(what.starts_with("row "), "{table}.{col}: {v}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 160, "only {checked} columns checked");
}

#[test]
fn blob_and_schema_edits_are_caught() {
    let (_, v) = tampered("UPDATE blobs SET bytes = X'00'");
    assert!(tables(&v).contains(&"blobs".to_string()), "{v}");
    let (_, v) = tampered("DELETE FROM blobs");
    assert!(v["problems"][0]["what"].as_str().unwrap().contains("missing"), "{v}");
    let (_, v) = tampered("DELETE FROM claims WHERE id = 'c2'");
    assert_eq!(tables(&v), vec!["claims"]);
    let (_, v) = tampered("INSERT INTO sources VALUES ('ghost', 'Ghost', 'other', 'A', NULL, NULL, 1, 1)");
    assert_eq!(tables(&v), vec!["sources"]);

    // A dropped trigger is reported by name.
    let env = TestEnv::scenario();
    Connection::open(&env.db)
        .unwrap()
        .execute_batch("DROP TRIGGER journal_no_update")
        .unwrap();
    let out = env.run(&["verify", "--json"]);
    assert_eq!(out.code, 3);
    assert!(out.stdout.contains("journal_no_update"), "{}", out.stdout);
}

#[test]
fn triggers_refuse_edits_of_the_journal() {
    let env = TestEnv::scenario();
    let conn = Connection::open(&env.db).unwrap();
    assert!(
        conn.execute("UPDATE journal SET author = 'x' WHERE seq = 2", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM journal WHERE seq = 12", []).is_err());
    assert!(
        conn.execute(
            "INSERT INTO journal VALUES (99, 'x', 'x', 'x', 'x', 'x', '{}', 'x')",
            []
        )
        .is_err()
    );
    conn.pragma_update(None, "recursive_triggers", "ON").unwrap();
    assert!(
        conn.execute("INSERT OR REPLACE INTO journal SELECT * FROM journal WHERE seq = 3", [])
            .is_err()
    );
    drop(conn);
    assert_eq!(env.json(&["verify"])["ok"], true);
}

#[test]
fn verify_against_a_checkpoint() {
    let env = TestEnv::scenario();
    let cp = env.head();
    env.ok(&["source", "add", "bbc", "--name", "BBC"]);
    assert_eq!(env.json(&["verify", "--against", &cp])["ok"], true);

    // A self-consistent rewrite: same length, different history.
    let other = TestEnv::init();
    for (slug, name) in [
        ("ap", "AP"),
        ("lwj", "LWJ"),
        ("jdm", "JdM"),
        ("a", "A"),
        ("b", "B"),
        ("c", "C"),
        ("d", "D"),
        ("e", "E"),
        ("f", "F"),
        ("g", "G"),
        ("h", "H"),
        ("i", "I"),
    ] {
        other.ok(&["source", "add", slug, "--name", name]);
    }
    assert_eq!(other.json(&["verify"])["ok"], true, "the rewrite is self-consistent");
    let err = other.fails(&["verify", "--against", &cp], 3);
    assert!(err.contains("rewritten"), "{err}");

    // Truncated before the checkpoint.
    let short = TestEnv::init();
    let err = short.fails(&["verify", "--against", &cp], 3);
    assert!(err.contains("truncated"), "{err}");
}

/// Replaces the last entry's body with `rewrite(body)` and re-hashes it, as
/// a forger who knows the rule would; returns verify's JSON and the seq.
fn rehash_last_body(rewrite: impl Fn(&str) -> String) -> (Value, i64) {
    let env = TestEnv::scenario();
    let conn = Connection::open(&env.db).unwrap();
    let (seq, prev, at, author, op, entity, body): (i64, String, String, String, String, String, String) = conn
        .query_row(
            "SELECT seq, prev, at, author, op, entity, body FROM journal ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .unwrap();
    let forged = rewrite(&body);
    let hash = tally::journal::entry_hash(seq, &prev, &at, &author, &op, &entity, &forged);
    conn.execute_batch("DROP TRIGGER journal_no_update").unwrap();
    conn.execute(
        "UPDATE journal SET body = ?, hash = ? WHERE seq = ?",
        rusqlite::params![forged, hash, seq],
    )
    .unwrap();
    let def = tally::ledger::SCHEMA
        .split("CREATE TRIGGER journal_no_update")
        .nth(1)
        .unwrap()
        .split("END;")
        .next()
        .unwrap();
    conn.execute_batch(&format!("CREATE TRIGGER journal_no_update{def}END;"))
        .unwrap();
    drop(conn);
    let out = env.run(&["verify", "--json"]);
    assert_eq!(out.code, 3);
    (serde_json::from_str(&out.stdout).unwrap(), seq)
}

#[test]
fn a_rehashed_but_non_canonical_body_is_reported() {
    // Same content, with a space: the chain still links, the form is wrong.
    let (v, seq) = rehash_last_body(|body| body.replacen(':', ": ", 1));
    assert_eq!(v["problems"][0]["seq"], seq);
    assert!(v["problems"][0]["what"].as_str().unwrap().contains("canonical"), "{v}");
    // The new hash is not the leaf the Merkle tree stored: the rest of the
    // problems are the tree's, and nothing else.
    let others = &v["problems"].as_array().unwrap()[1..];
    assert!(!others.is_empty(), "{v}");
    assert!(others.iter().all(|p| p["table"] == "tree"), "{v}");
}

#[test]
fn a_rehashed_body_that_is_not_json_is_reported() {
    let (v, seq) = rehash_last_body(|body| body[..body.len() - 1].to_string());
    assert_eq!(v["problems"][0]["seq"], seq, "{v}");
    assert!(
        v["problems"][0]["what"].as_str().unwrap().contains("not valid JSON"),
        "{v}"
    );
}
