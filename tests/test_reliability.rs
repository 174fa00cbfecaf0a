//! Concurrency, crashes, and the importer under arbitrary input.

use crate::common::TestEnv;
use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::Duration;

fn tally_bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("tally")
}

fn spawn(env: &TestEnv, args: &[&str]) -> std::process::Child {
    Command::new(tally_bin())
        .args(args)
        .env("TALLY_DB", &env.db)
        .env("TALLY_AUTHOR", "writer")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tally")
}

#[test]
fn concurrent_writers_never_fork_the_chain() {
    let env = TestEnv::scenario();
    let before = env.json(&["verify"])["head_seq"].as_i64().unwrap();
    let mut children = Vec::new();
    for w in 0..4 {
        for n in 0..6 {
            let slug = format!("w{w}-{n}");
            children.push(spawn(&env, &["source", "add", &slug, "--name", &slug]));
        }
        children.push(spawn(
            &env,
            &[
                "report",
                "add",
                "--source",
                "ap",
                "--event",
                "almoustarat",
                "--claim",
                "killed:Malian soldiers=seven",
                "--claim",
                "wounded=3",
            ],
        ));
    }
    // Verify, meanwhile, reads one snapshot: appends landing while it runs
    // are no reason to cry tampering.
    let mut verified = 0;
    while verified < 5 || children.iter_mut().any(|c| c.try_wait().unwrap().is_none()) {
        let v = env.json(&["verify"]);
        assert_eq!(v["ok"], true, "verify during appends: {v}");
        verified += 1;
    }
    let mut ok = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() || err.contains("busy"), "a writer failed: {err}");
        ok += out.status.success() as i64;
    }
    assert_eq!(ok, 28, "every writer got its turn within the busy timeout");
    let v = env.json(&["verify"]);
    assert_eq!(v["ok"], true, "{v}");
    // 24 sources, 4 reports with 2 claims each.
    assert_eq!(v["head_seq"].as_i64().unwrap(), before + 24 + 4 * 3);
    let log = env.json(&["log"]);
    let seqs: Vec<i64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=before + 36).rev().collect::<Vec<_>>(), "no gap");
}

fn big_import(env: &TestEnv, claims: usize) -> std::path::PathBuf {
    let mut s = String::new();
    s.push_str("{\"type\":\"source\",\"slug\":\"s\",\"name\":\"S\"}\n{\"type\":\"event\",\"slug\":\"e\",\"title\":\"E\",\"date\":\"2017-05-07\"}\n");
    for i in 0..claims / 5 {
        s.push_str(&format!(
            "{{\"type\":\"report\",\"source\":\"s\",\"event\":\"e\",\"published\":\"2017-05-08\",\"text\":\"report {i}\",\"claims\":[{{\"kind\":\"killed\",\"count\":\"{i}\"}},{{\"kind\":\"wounded\",\"count\":\"at least {i}\"}},{{\"kind\":\"abducted\",\"count\":\"about {i}\"}},{{\"kind\":\"missing\",\"count\":\"dozens\"}},{{\"kind\":\"count\",\"subject\":\"vehicles\",\"count\":\"more than {i}\"}}]}}\n"
        ));
    }
    let path = env.dir.path().join("big.ndjson");
    std::fs::write(&path, s).unwrap();
    path
}

/// Whether another process holds the ledger's write lock: a write
/// transaction cannot start at once.
fn write_locked(db: &std::path::Path) -> bool {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(Duration::ZERO).unwrap();
    match conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK") {
        Ok(()) => false,
        Err(e) => e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy),
    }
}

#[test]
fn an_import_killed_midway_is_all_or_nothing() {
    let env = TestEnv::init();
    let file = big_import(&env, 6000);
    let mut outcomes = Vec::new();
    let mut killed_inside = 0;
    for _ in 0..3 {
        let mut child = spawn(&env, &["import", file.to_str().unwrap()]);
        // Kill it while it holds its one write transaction.
        let start = std::time::Instant::now();
        let mut held = false;
        while !held && start.elapsed() < Duration::from_secs(30) && child.try_wait().unwrap().is_none() {
            held = write_locked(&env.db);
        }
        let _ = child.kill(); // SIGKILL on Unix
        let finished = child.wait().unwrap().success();
        let v = env.json(&["verify"]);
        assert_eq!(v["ok"], true, "after a kill: {v}");
        let claims = env.json(&["claim", "list"]).as_array().unwrap().len();
        outcomes.push((held, finished, claims));
        if finished {
            assert_eq!(claims, 6000, "an import that finished landed whole");
            break; // a later import would fail: its sources now exist
        }
        if held {
            assert_eq!(claims, 0, "a kill inside the transaction leaves nothing of it");
            killed_inside += 1;
        }
    }
    eprintln!("kill outcomes (lock held, finished, claims): {outcomes:?}");
    assert!(
        killed_inside > 0,
        "no kill landed inside the import's transaction: {outcomes:?}"
    );
    if !outcomes.iter().any(|o| o.1) {
        env.ok(&["import", file.to_str().unwrap()]);
    }
    assert_eq!(
        env.json(&["claim", "list"]).as_array().unwrap().len(),
        6000,
        "an import left alone lands whole"
    );
}

#[test]
fn single_appends_killed_at_random_points_leave_a_valid_ledger() {
    let env = TestEnv::scenario();
    for n in 0..12u64 {
        let slug = format!("k{n}");
        let mut child = spawn(&env, &["source", "add", &slug, "--name", "K"]);
        std::thread::sleep(Duration::from_micros(300 * n * n));
        let _ = child.kill();
        let _ = child.wait();
    }
    let v = env.json(&["verify"]);
    assert_eq!(v["ok"], true, "{v}");
    let sources = env.json(&["source", "list"]).as_array().unwrap().len() as i64;
    assert_eq!(
        v["head_seq"].as_i64().unwrap(),
        12 + sources - 3,
        "every source that landed has exactly its entry"
    );
}

#[test]
fn the_importer_never_panics_on_arbitrary_lines() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let env = TestEnv::scenario();
    let ledger = std::cell::RefCell::new(tally::ledger::Ledger::open(&env.db).unwrap());
    let stamp = tally::ledger::Stamp {
        author: "fuzz".into(),
        at: "2017-05-09T14:03:00Z".into(),
        signer: None,
    };
    let head = ledger.borrow().head().unwrap();
    let line = prop_oneof![
        "\\PC{0,80}",
        "\\{\"type\":\"(source|actor|event|report|claim|decision|x)\"(,\"[a-z_]{1,8}\":(\"[^\"]{0,12}\"|[0-9-]{1,22}|null|true|\\[\\]|\\{\\}))*\\}",
        "\\{\"type\":\"report\",\"source\":\"ap\",\"event\":\"almoustarat\",\"claims\":\\[\\{\"kind\":\"(killed|wounded|x)\",\"count\":\"[a-z0-9 -]{0,20}\"(,\"low\":-?[0-9]{1,20})?\\}\\]\\}",
    ];
    let written = std::cell::Cell::new(0i64);
    let mut runner = TestRunner::new(Config {
        cases: 300,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(line, 1..4), |lines| {
            let input = lines.join("\n");
            let result = ledger.borrow_mut().write(&stamp, |tx| {
                tally::ndjson::import(tx, input.as_bytes(), &stamp.at, |_| {})
            });
            match result {
                Ok(done) => written.set(written.get() + done.entries as i64),
                Err(tally::error::Error::Invalid(msg)) => prop_assert!(!msg.is_empty()),
                Err(other) => prop_assert!(false, "not an input error: {other}"),
            }
            Ok(())
        })
        .unwrap();
    drop(ledger);
    let v: Value = env.json(&["verify"]);
    assert_eq!(v["ok"], true);
    // All or nothing: the head moved by exactly what the accepted imports wrote.
    assert_eq!(v["head_seq"].as_i64().unwrap(), head.seq + written.get());
}
