//! SPEC §8: the Merkle tree, C2SP checkpoints, and proofs checked without
//! the ledger.

use crate::common::TestEnv;
use rusqlite::Connection;
use serde_json::Value;

const REVISION_1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/revision-1.db");

/// An edit an attacker makes to a bundle.
type Change = Box<dyn Fn(&mut Value)>;

/// A bundle for c3 of the scenario, against a checkpoint kept in a file.
fn bundle(env: &TestEnv) -> (String, Value) {
    let cp = env.ok(&["checkpoint"]);
    let cp_file = env.file("published.txt", cp.as_bytes());
    let text = env.ok(&["prove", "c3", "--checkpoint", &cp_file]);
    (cp, serde_json::from_str(&text).unwrap())
}

#[test]
fn a_checkpoint_is_the_c2sp_text_of_the_tree_and_verify_reads_it_back() {
    let env = TestEnv::scenario();
    let cp = env.ok(&["checkpoint"]);
    let lines: Vec<&str> = cp.lines().collect();
    assert_eq!(lines.len(), 3, "{cp}");
    assert!(lines[0].starts_with("tally/"), "{cp}");
    assert_eq!(lines[1], "12");
    assert_eq!(lines[2].len(), 44, "base64 of 32 bytes: {cp}");
    let v = env.json(&["checkpoint"]);
    assert_eq!(v["size"], 12);
    assert_eq!(v["line"], env.head());
    assert_eq!(v["root"], lines[2]);
    // A file, stdin and the old line all verify.
    let file = env.file("published.txt", cp.as_bytes());
    assert_eq!(env.json(&["verify", "--against", &file])["ok"], true);
    let out = env
        .cmd()
        .args(["verify", "--against", "-"])
        .write_stdin(cp.clone())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(env.json(&["verify", "--against", &env.head()])["ok"], true);
    // Later appends extend it; diff --from reads it too.
    env.ok(&["claim", "retract", "c3", "--reason", "duplicate of c2"]);
    assert_eq!(env.json(&["verify", "--against", &file])["ok"], true);
    let d = env.json(&["diff", "--from", &file]);
    assert_eq!(d["changes"][0]["entity"], "c3", "{d}");
}

#[test]
fn a_rewritten_or_truncated_history_no_longer_has_the_published_root() {
    // Two ledgers with the same id (tests pin it), so the same origin: the
    // publisher's, and another history written from scratch, whose every
    // hash, link and tree hash is consistent.
    let published = TestEnv::scenario();
    let file = published.file("published.txt", published.ok(&["checkpoint"]).as_bytes());
    let rebuilt = TestEnv::init();
    for n in 0..12 {
        let slug = format!("s{n}");
        rebuilt.ok(&[
            "source",
            "add",
            &slug,
            "--name",
            &slug,
            "--kind",
            "news-agency",
            "--grade",
            "B",
        ]);
    }
    rebuilt.ok(&["claim", "list"]);
    let err = rebuilt.fails(&["verify", "--against", &file], 3);
    assert!(err.contains("rewritten"), "{err}");
    let err = rebuilt.fails(&["diff", "--from", &file], 3);
    assert!(err.contains("rewritten"), "{err}");
    // The same size, different entries: refused by prove as well.
    let err = rebuilt.fails(&["prove", "3", "--checkpoint", &file], 3);
    assert!(err.contains("rewritten"), "{err}");

    // Truncation: the published size is past the head.
    let conn = Connection::open(&published.db).unwrap();
    conn.execute_batch("DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 12;")
        .unwrap();
    drop(conn);
    let err = published.fails(&["verify", "--against", &file], 3);
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn a_checkpoint_of_another_ledger_or_not_a_checkpoint_is_bad_input() {
    let env = TestEnv::scenario();
    let other = TestEnv::new();
    let out = other
        .cmd()
        .env("TALLY_LEDGER_ID", "0123456789abcdef0123456789abcdef")
        .arg("init")
        .output()
        .unwrap();
    assert!(out.status.success());
    let theirs = env.file("theirs.txt", other.ok(&["checkpoint"]).as_bytes());
    let head = env.head();
    let err = env.fails(&["verify", "--against", &theirs], 2);
    assert!(err.contains("origin"), "{err}");
    let junk = env.file("junk.txt", b"hello\nworld\n");
    let err = env.fails(&["verify", "--against", &junk], 2);
    assert!(err.contains("--against"), "{err}");
    assert_eq!(env.head(), head);
}

#[test]
fn a_bundle_checks_without_the_ledger_and_any_change_is_caught() {
    let env = TestEnv::scenario();
    let (cp, b) = bundle(&env);
    assert_eq!(b["target"], "c3");
    assert_eq!(b["checkpoint"], cp);
    let seqs: Vec<i64> = b["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entry"]["seq"].as_i64().unwrap())
        .collect();
    // c3's own entry, its report's, the report's source, the event.
    let c3 = env.json(&["log", "--entity", "c3"])[0]["seq"].as_i64().unwrap();
    assert!(seqs.contains(&c3), "{seqs:?}");
    assert!(seqs.len() >= 4, "{seqs:?}");
    for e in b["entries"].as_array().unwrap() {
        assert_eq!(e["tree_size"], 12);
        assert_eq!(
            e["leaf_index"].as_i64().unwrap(),
            e["entry"]["seq"].as_i64().unwrap() - 1
        );
    }
    // Checked somewhere with no ledger at all.
    let elsewhere = TestEnv::new();
    let path = elsewhere.file("c3.proof.json", b.to_string().as_bytes());
    let out = elsewhere.ok(&["check", &path]);
    assert!(out.contains("no signature was checked"), "{out}");
    assert!(!elsewhere.db.exists(), "check never makes a ledger");

    let changes: Vec<(&str, Change)> = vec![
        (
            "an entry",
            Box::new(|b| b["entries"][0]["entry"]["author"] = "mallory".into()),
        ),
        (
            "a body",
            Box::new(|b| b["entries"][0]["entry"]["body"]["name"] = "Forged".into()),
        ),
        (
            "a path hash",
            Box::new(|b| {
                let p = &mut b["entries"][1]["path"];
                p[0] = p[1].clone();
            }),
        ),
        ("the index", Box::new(|b| b["entries"][0]["leaf_index"] = 0.into())),
        ("the size", Box::new(|b| b["entries"][0]["tree_size"] = 13.into())),
        (
            "the checkpoint's size",
            Box::new(|b| {
                let cp = b["checkpoint"].as_str().unwrap().replace("\n12\n", "\n13\n");
                b["checkpoint"] = cp.into();
            }),
        ),
        (
            "the root",
            Box::new(|b| {
                let cp = b["checkpoint"].as_str().unwrap().to_string();
                let mut lines: Vec<String> = cp.lines().map(str::to_string).collect();
                let first = if lines[2].starts_with('A') { "B" } else { "A" };
                lines[2].replace_range(..1, first);
                b["checkpoint"] = format!("{}\n", lines.join("\n")).into();
            }),
        ),
    ];
    for (what, change) in changes {
        let mut forged = b.clone();
        change(&mut forged);
        assert_ne!(forged, b, "{what}");
        let path = elsewhere.file("forged.json", forged.to_string().as_bytes());
        let err = elsewhere.fails(&["check", &path], 3);
        assert!(err.contains("does not verify"), "{what}: {err}");
    }
    // Not a bundle at all: bad input.
    let path = elsewhere.file("junk.json", b"{\"target\": ");
    elsewhere.fails(&["check", &path], 2);
    let mut no_cp = b.clone();
    no_cp["checkpoint"] = "tally:1:12:00".into();
    let path = elsewhere.file("line.json", no_cp.to_string().as_bytes());
    let err = elsewhere.fails(&["check", &path], 2);
    assert!(err.contains("C2SP"), "{err}");
}

#[test]
fn prove_refuses_what_is_not_in_the_ledger() {
    let env = TestEnv::scenario();
    let head = env.head();
    env.fails(&["prove", "c99"], 2);
    env.fails(&["prove", "13"], 2);
    env.fails(&["prove", "ap"], 2);
    assert_eq!(env.head(), head);
    // A seq proves that entry alone.
    let b: Value = serde_json::from_str(&env.ok(&["prove", "5"])).unwrap();
    assert_eq!(b["entries"].as_array().unwrap().len(), 1);
    assert_eq!(b["entries"][0]["entry"]["seq"], 5);
}

#[test]
fn a_migrated_revision_1_ledger_has_its_tree_and_proves_claims() {
    let env = TestEnv::new();
    std::fs::copy(REVISION_1, &env.db).unwrap();
    env.ok(&["migrate"]);
    assert_eq!(env.json(&["verify"])["ok"], true);
    let b: Value = serde_json::from_str(&env.ok(&["prove", "c1"])).unwrap();
    assert_eq!(b["entries"][0]["tree_size"], 64);
    let path = env.file("c1.json", b.to_string().as_bytes());
    env.ok(&["check", &path]);
}

#[test]
fn readme_python_inclusion_verifier_agrees() {
    if std::process::Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 not installed: skipping the README's inclusion verifier");
        return;
    }
    let env = TestEnv::scenario();
    let (_, b) = bundle(&env);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let script = readme
        .split("```python\n")
        .skip(1)
        .find(|s| s.starts_with("\"\"\"Check a tally inclusion bundle"))
        .and_then(|s| s.split("```").next())
        .expect("README has the inclusion verifier");
    let run = |bundle: &Value| {
        let path = env.file("bundle.json", bundle.to_string().as_bytes());
        std::process::Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(&path)
            .output()
            .unwrap()
    };
    let out = run(&b);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: "));
    let mut forged = b.clone();
    forged["entries"][0]["entry"]["body"]["name"] = "Forged".into();
    assert!(!run(&forged).status.success());
    let mut forged = b.clone();
    let p = forged["entries"][1]["path"][1].clone();
    forged["entries"][1]["path"][0] = p;
    assert!(!run(&forged).status.success());
}
