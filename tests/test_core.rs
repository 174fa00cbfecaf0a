use crate::common::TestEnv;
use serde_json::Value;
use sha2::{Digest, Sha256};

#[test]
fn init_creates_a_ledger_once() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    assert!(env.db.exists());
    let err = env.fails(&["init"], 2);
    assert!(err.contains("already exists"), "{err}");
    let v = env.json(&["verify"]);
    assert_eq!(v["ok"], true);
    assert_eq!(v["entries"], 1);
}

#[test]
fn commands_without_a_ledger_say_so_and_create_nothing() {
    let env = TestEnv::new();
    let err = env.fails(&["source", "list"], 2);
    assert!(err.contains("no ledger") && err.contains("tally init"), "{err}");
    assert!(!env.db.exists());
}

#[test]
fn demo_builds_verifies_and_reconciles_the_sample() {
    let env = TestEnv::new();
    let out = env.cmd().args(["demo"]).env_remove("TALLY_DB").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("almoustarat-2017-05-07"), "{text}");
    assert!(
        text.contains("CONFLICT") && text.contains("AGREED") && text.contains("superseded by"),
        "{text}"
    );
    let demo_db = env.dir.path().join("tally-demo.db");
    let v = env.json(&["--db", demo_db.to_str().unwrap(), "verify"]);
    assert_eq!(v["ok"], true);
    // Again: the old demo ledger is replaced, not appended to.
    let again = env
        .cmd()
        .args(["demo", "--json"])
        .env_remove("TALLY_DB")
        .output()
        .unwrap();
    assert!(again.status.success());
    let est: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(est.as_array().unwrap().len(), 5);
    // …but a real ledger is never overwritten.
    let env2 = TestEnv::init();
    let err = env2.fails(&["--db", env2.db.to_str().unwrap(), "demo"], 2);
    assert!(err.contains("not a demo ledger"), "{err}");
}

#[test]
fn scenario_claims_resolve_aliases_origins_and_hedges() {
    let env = TestEnv::scenario();
    let c = env.json(&["claim", "show", "c2"]);
    assert_eq!(c["kind"], "responsibility");
    assert_eq!(c["actor"], "jnim", "alias GSIM resolves to jnim");
    assert_eq!(c["stance"], "claimed");
    assert_eq!(c["origin"], "jnim");
    let c = env.json(&["claim", "show", "c3"]);
    assert_eq!(c["origin"], "fama", "'Malian army' is an alias of fama");
    assert_eq!(c["hedge"], "reported");
    assert_eq!((c["low"].as_i64(), c["high"].is_null()), (Some(5), true));
    assert_eq!(c["phrase"], "at least five");
    assert_eq!(c["source"], "jdm");
    assert_eq!(c["revision"], 1);
    assert_eq!(c["retracted"], false);
    for key in [
        "id",
        "event",
        "report",
        "source",
        "origin",
        "kind",
        "subject",
        "phrase",
        "low",
        "high",
        "actor",
        "stance",
        "hedge",
        "quote",
        "note",
        "revision",
        "retracted",
    ] {
        assert!(c.get(key).is_some(), "claim JSON lacks {key}");
    }
    let c1 = env.json(&["claim", "show", "c1"]);
    assert_eq!(
        (c1["origin"].as_str(), c1["hedge"].as_str()),
        (Some("lwj"), Some("asserted"))
    );
}

#[test]
fn amend_and_retract_keep_every_revision() {
    let env = TestEnv::scenario();
    env.ok(&[
        "claim",
        "amend",
        "c3",
        "--count",
        "seven",
        "--reason",
        "army updated the toll",
    ]);
    env.ok(&[
        "claim",
        "amend",
        "c3",
        "--quote",
        "seven soldiers",
        "--reason",
        "add quote",
    ]);
    env.ok(&["claim", "retract", "c3", "--reason", "duplicate of an army statement"]);
    let h = env.json(&["claim", "history", "c3"]);
    let revs = h.as_array().unwrap();
    assert_eq!(revs.len(), 4);
    assert_eq!(
        revs.iter().map(|r| r["revision"].as_i64().unwrap()).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    assert_eq!(
        revs.iter().map(|r| r["op"].as_str().unwrap()).collect::<Vec<_>>(),
        vec!["claim.add", "claim.amend", "claim.amend", "claim.retract"]
    );
    assert_eq!(
        (revs[0]["low"].as_i64(), revs[0]["phrase"].as_str()),
        (Some(5), Some("at least five"))
    );
    assert_eq!((revs[1]["low"].as_i64(), revs[1]["high"].as_i64()), (Some(7), Some(7)));
    assert_eq!(revs[2]["quote"], "seven soldiers");
    assert_eq!(revs[3]["retracted"], true);
    assert_eq!(revs[3]["reason"], "duplicate of an army statement");
    for r in revs {
        assert_eq!(r["hash"].as_str().unwrap().len(), 64);
        assert_eq!(r["author"], "tester");
    }
    let c = env.json(&["claim", "show", "c3"]);
    assert_eq!(
        (c["revision"].as_i64(), c["retracted"].as_bool()),
        (Some(4), Some(true))
    );
    // Retracted claims leave the default list but stay in --all.
    let list = env.json(&["claim", "list"]);
    let list = list.as_array().unwrap();
    assert!(!list.is_empty());
    assert!(list.iter().all(|c| c["id"] != "c3"));
    let all = env.json(&["claim", "list", "--all"]);
    assert!(all.as_array().unwrap().iter().any(|c| c["id"] == "c3"));
    // A retracted claim can be neither amended nor retracted again.
    assert!(
        env.fails(&["claim", "amend", "c3", "--count", "8", "--reason", "x"], 2)
            .contains("retracted")
    );
    assert_eq!(env.json(&["verify"])["ok"], true);
}

#[test]
fn amending_bounds_keeps_the_phrase() {
    let env = TestEnv::scenario();
    env.ok(&[
        "claim",
        "amend",
        "c3",
        "--high",
        "9",
        "--reason",
        "the army gave a ceiling",
    ]);
    let c = env.json(&["claim", "show", "c3"]);
    assert_eq!(
        (c["phrase"].as_str(), c["low"].as_i64(), c["high"].as_i64()),
        (Some("at least five"), Some(5), Some(9))
    );
    assert!(
        env.fails(&["claim", "amend", "c3", "--high", "9", "--reason", "same"], 2)
            .contains("nothing to amend")
    );
}

/// Recomputes every hash of `export --format journal` by the README's rule,
/// without tally's code: serde_json's sorted maps and sha2.
fn recompute(journal: &str) -> usize {
    let mut prev = "0".repeat(64);
    let mut n = 0;
    for (i, line) in journal.lines().enumerate() {
        let e: Value = serde_json::from_str(line).unwrap();
        let mut m = serde_json::Map::new();
        for k in ["seq", "prev", "at", "author", "op", "entity", "body"] {
            m.insert(k.to_string(), e[k].clone());
        }
        let canon = Value::Object(m).to_string();
        let hash: String = Sha256::digest(canon.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(e["seq"].as_i64(), Some(i as i64 + 1));
        assert_eq!(e["prev"].as_str(), Some(prev.as_str()), "entry {}", i + 1);
        assert_eq!(e["hash"].as_str(), Some(hash.as_str()), "entry {}", i + 1);
        prev = hash;
        n += 1;
    }
    n
}

#[test]
fn exported_journal_rehashes_independently() {
    let env = TestEnv::scenario();
    env.ok(&[
        "claim",
        "amend",
        "c1",
        "--note",
        "quote: \"seven\" \\ tab\there\nnew line é ü \u{2028}",
        "--reason",
        "escapes",
    ]);
    let journal = env.ok(&["export", "--format", "journal"]);
    assert_eq!(recompute(&journal), 13);
    let head = env.head();
    let last: Value = serde_json::from_str(journal.lines().last().unwrap()).unwrap();
    assert_eq!(head, format!("tally:1:13:{}", last["hash"].as_str().unwrap()));
}

#[test]
fn readme_python_verifier_agrees() {
    if std::process::Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 not installed: skipping the README's Python verifier");
        return;
    }
    let env = TestEnv::scenario();
    let journal = env.ok(&["export", "--format", "journal"]);
    let path = env.dir.path().join("journal.ndjson");
    std::fs::write(&path, &journal).unwrap();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let script = readme
        .split("```python\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("README has a python block");
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ok 12 "), "{text}");
    // …and it notices an edited line.
    std::fs::write(&path, journal.replacen("seven", "eight", 1)).unwrap();
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn log_is_newest_first_and_filters() {
    let env = TestEnv::scenario();
    let log = env.json(&["log"]);
    let seqs: Vec<i64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=12).rev().collect::<Vec<_>>());
    let only = env.json(&["log", "--entity", "c3"]);
    assert_eq!(only.as_array().unwrap().len(), 1);
    let since = env.json(&["log", "--since", "10"]);
    assert_eq!(since.as_array().unwrap().len(), 3);
    let text = env.ok(&["log"]);
    assert!(text.lines().next().unwrap().contains("claim.add"), "{text}");
}

#[test]
fn reports_capture_files_and_text_files() {
    let env = TestEnv::scenario();
    let page = env.file("page.html", b"<html>captured</html>");
    let text = env.dir.path().join("text.txt");
    std::fs::write(&text, "Line one.\nLine two.").unwrap();
    env.ok(&[
        "report",
        "add",
        "--source",
        "ap",
        "--published",
        "2017-05-10",
        "--capture",
        &page,
        "--text-file",
        text.to_str().unwrap(),
    ]);
    let r = env.json(&["report", "show", "r3"]);
    let sha: String = Sha256::digest(b"<html>captured</html>")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(r["capture_sha256"].as_str(), Some(sha.as_str()));
    assert_eq!(r["text"], "Line one.\nLine two.");
    let v = env.json(&["verify"]);
    assert_eq!(v["blobs"], 1);
    assert_eq!(v["ok"], true);
    env.ok(&[
        "report",
        "amend",
        "r3",
        "--text",
        "Line one, revised.",
        "--reason",
        "outlet corrected the story",
    ]);
    assert_eq!(env.json(&["report", "show", "r3"])["revision"], 2);
}

#[test]
fn every_listing_has_json() {
    let env = TestEnv::scenario();
    assert_eq!(env.json(&["source", "list"]).as_array().unwrap().len(), 3);
    assert_eq!(env.json(&["source", "show", "ap"])["grade"], "B");
    let a = env.json(&["actor", "show", "group for support of islam and muslims"]);
    assert_eq!(a["slug"], "jnim");
    assert_eq!(
        a["aliases"],
        serde_json::json!(["JNIM", "GSIM", "Group for Support of Islam and Muslims"])
    );
    assert_eq!(env.json(&["event", "show", "almoustarat"])["date_start"], "2017-05-07");
    assert_eq!(env.json(&["report", "list"]).as_array().unwrap().len(), 2);
    assert_eq!(
        env.json(&["claim", "list", "--report", "r1"]).as_array().unwrap().len(),
        2
    );
    let text = env.ok(&["claim", "list"]);
    assert!(text.contains("at least five [≥5]"), "{text}");
}

#[test]
fn ndjson_export_imports_into_an_equal_ledger() {
    let env = TestEnv::scenario();
    env.ok(&["claim", "amend", "c1", "--count", "eight", "--reason", "r"]);
    env.ok(&["claim", "retract", "c3", "--reason", "wrong event"]);
    env.decide_soldiers(8, "one voice");
    let ndjson = env.ok(&["export", "--format", "ndjson"]);
    let file = env.dir.path().join("export.ndjson");
    std::fs::write(&file, &ndjson).unwrap();
    let fresh = TestEnv::init();
    fresh.ok(&["import", file.to_str().unwrap()]);
    for args in [
        &["claim", "list", "--all"][..],
        &["reconcile"],
        &["source", "list"],
        &["actor", "list"],
        &["event", "list"],
    ] {
        let strip = |mut v: Value| {
            // Seq numbers and revision counts differ by design: the import is a new history.
            if let Some(items) = v.as_array_mut() {
                for item in items {
                    if let Some(o) = item.as_object_mut() {
                        for k in ["seq", "recorded_seq", "revision", "reason"] {
                            o.remove(k);
                        }
                    }
                }
            }
            v
        };
        assert_eq!(strip(env.json(args)), strip(fresh.json(args)), "{args:?}");
    }
    assert_eq!(
        fresh.json(&["claim", "show", "c3"])["reason"],
        "wrong event",
        "a retraction's reason travels"
    );
    assert_eq!(fresh.json(&["verify"])["ok"], true);
}

#[test]
fn actor_amend_adds_and_removes_aliases() {
    let env = TestEnv::scenario();
    env.ok(&[
        "actor",
        "amend",
        "jnim",
        "--alias",
        "Nusrat al-Islam",
        "--remove-alias",
        "gsim",
    ]);
    let a = env.json(&["actor", "show", "nusrat al-islam"]);
    assert_eq!(
        a["aliases"],
        serde_json::json!(["JNIM", "Group for Support of Islam and Muslims", "Nusrat al-Islam"])
    );
    assert_eq!(a["revision"], 2);
    assert!(env.fails(&["actor", "show", "GSIM"], 2).contains("unknown actor"));
    assert!(
        env.fails(&["actor", "amend", "jnim", "--remove-alias", "nothing"], 2)
            .contains("not an alias")
    );
    assert_eq!(env.json(&["verify"])["ok"], true);
}

#[test]
fn log_and_diff_take_dates() {
    let env = TestEnv::scenario();
    let later = |args: &[&str]| {
        let out = env
            .cmd()
            .env("TALLY_NOW", "2017-05-11T08:00:00Z")
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    later(&["source", "add", "bbc", "--name", "BBC News"]);
    let log = env.json(&["log", "--since", "2017-05-10"]);
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(log[0]["entity"], "bbc");
    let d = env.json(&["diff", "--from", "2017-05-09"]);
    assert_eq!(d["from"], "seq 12", "a date means the end of that day");
    let changes = d["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    assert!(changes.iter().all(|c| c["entity"] == "bbc"));
    let d = env.json(&["diff", "--from", "2017-05-09", "--to", "2017-05-10"]);
    assert_eq!(d["changes"], serde_json::json!([]));
}
