//! Diff, audit and checkpoints: the analyst's scenario from issue 4.

use crate::common::TestEnv;
use serde_json::Value;

/// The scenario ledger, a checkpoint, then an amended claim, a revised
/// report text and a contradicting report.
fn after_checkpoint() -> (TestEnv, String) {
    let env = TestEnv::scenario();
    let cp = env.head();
    env.ok(&[
        "claim",
        "amend",
        "c3",
        "--count",
        "eight",
        "--reason",
        "army revised the toll",
    ]);
    env.ok(&[
        "report",
        "amend",
        "r1",
        "--text",
        "Eight soldiers died, the group said.",
        "--reason",
        "the outlet corrected its story",
    ]);
    env.ok(&[
        "report",
        "add",
        "--source",
        "ap",
        "--published",
        "2017-05-10",
        "--url",
        "https://apnews.com/x",
        "--event",
        "almoustarat",
        "--claim",
        "killed:Malian soldiers=twelve",
    ]);
    (env, cp)
}

#[test]
fn diff_from_a_checkpoint_shows_phrases_text_and_moved_estimates() {
    let (env, cp) = after_checkpoint();
    let d = env.json(&["diff", "--from", &cp]);
    assert_eq!((d["from"].as_str(), d["to"].as_str()), (Some("seq 12"), Some("seq 16")));
    let changes = d["changes"].as_array().unwrap();
    let phrase = changes
        .iter()
        .find(|c| c["entity"] == "c3" && c["field"] == "phrase")
        .expect("phrase change");
    assert_eq!(
        (phrase["before"].as_str(), phrase["after"].as_str()),
        (Some("at least five"), Some("eight"))
    );
    assert_eq!(phrase["op"], "claim.amend");
    let text = changes
        .iter()
        .find(|c| c["entity"] == "r1" && c["field"] == "text")
        .expect("text change");
    assert_eq!(text["after"], "Eight soldiers died, the group said.");
    assert!(
        changes
            .iter()
            .any(|c| c["entity"] == "c4" && c["op"] == "claim.add" && c["field"] == "phrase" && c["before"].is_null())
    );
    let est = d["estimates"].as_array().unwrap();
    assert_eq!(est.len(), 1, "{est:?}");
    assert_eq!(est[0]["subject"], "Malian soldiers");
    assert_eq!(est[0]["before"]["status"], "agreed");
    assert_eq!(est[0]["before"]["best"], 7);
    assert_eq!(est[0]["after"]["status"], "conflict");
    // The same by seq and by --to.
    let by_seq = env.json(&["diff", "--from", "12", "--to", "13"]);
    let changes = by_seq["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    assert!(changes.iter().all(|c| c["entity"] == "c3"));
    let text = env.ok(&["diff", "--from", &cp]);
    assert!(
        text.contains("-Seven soldiers died") && text.contains("+Eight soldiers died"),
        "{text}"
    );
}

#[test]
fn diff_of_claim_revisions_and_report_versions() {
    let (env, _) = after_checkpoint();
    env.ok(&["claim", "amend", "c3", "--hedge", "asserted", "--reason", "confirmed"]);
    let d = env.json(&["diff", "c3"]);
    let fields: Vec<&str> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"phrase") && fields.contains(&"hedge"), "{fields:?}");
    let d = env.json(&["diff", "c3@1", "c3@3"]);
    let hedge = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "hedge")
        .unwrap();
    assert_eq!(
        (hedge["before"].as_str(), hedge["after"].as_str()),
        (Some("reported"), Some("asserted"))
    );
    assert!(env.fails(&["diff", "c3@1", "c3@9"], 2).contains("no revision 9"));
    let r = env.json(&["diff", "r1"]);
    assert_eq!(r["report"], "r1");
    assert_eq!(r["versions"].as_array().unwrap().len(), 2);
    let t = r["text_diff"].as_str().unwrap();
    assert!(
        t.contains("-Seven soldiers died") && t.contains("+Eight soldiers died"),
        "{t}"
    );
}

#[test]
fn diff_refuses_a_checkpoint_of_another_history() {
    let (env, cp) = after_checkpoint();
    let other = TestEnv::init();
    let err = other.fails(&["diff", "--from", &cp], 3);
    assert!(err.contains("truncated"), "{err}");
    let forged = format!("{}{}", &cp[..cp.len() - 1], if cp.ends_with('0') { '1' } else { '0' });
    assert!(env.fails(&["diff", "--from", &forged], 3).contains("rewritten"));
    assert!(env.fails(&["diff", "--from", "999"], 2).contains("past the head"));
}

#[test]
fn audit_claim_shows_provenance_with_hashes() {
    let (env, _) = after_checkpoint();
    let page = env.file("page.html", b"<p>captured</p>");
    env.ok(&["report", "amend", "r2", "--capture", &page, "--reason", "archived"]);
    let a = env.json(&["audit", "claim", "c3"]);
    assert_eq!(a["claim"]["id"], "c3");
    let revs = a["revisions"].as_array().unwrap();
    assert_eq!(revs.len(), 2);
    let log = env.json(&["log", "--entity", "c3"]);
    assert_eq!(revs[1]["hash"], log[0]["hash"], "the revision hash is the journal's");
    assert_eq!(a["report"]["source"], "jdm");
    assert_eq!(a["report"]["grade"], "C");
    assert_eq!(a["report"]["capture_ok"], true);
    assert_eq!(a["report"]["capture_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(a["origin"], "fama");
    assert_eq!(a["contradicted_by"], serde_json::json!(["c1", "c4"]));
    let a = env.json(&["audit", "claim", "c1"]);
    assert_eq!(a["corroborated_by"], serde_json::json!([]));
    // Corroboration: an overlapping claim of another origin.
    env.ok(&[
        "report",
        "add",
        "--source",
        "ap",
        "--published",
        "2017-05-11",
        "--event",
        "almoustarat",
        "--claim",
        "killed:Malian soldiers=at least six;origin=hospital",
    ]);
    let a = env.json(&["audit", "claim", "c1"]);
    assert_eq!(a["corroborated_by"], serde_json::json!(["c5"]));
}

#[test]
fn audit_source_shows_what_depends_on_it() {
    let (env, _) = after_checkpoint();
    let a = env.json(&["audit", "source", "ap"]);
    assert_eq!(a["claims"], serde_json::json!(["c4"]));
    let e = &a["estimates"][0];
    assert_eq!(
        (e["status_with"].as_str(), e["status_without"].as_str()),
        (Some("conflict"), Some("conflict"))
    );
    let a = env.json(&["audit", "source", "lwj"]);
    let e = a["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "killed")
        .unwrap();
    assert_eq!(
        (e["best_with"].as_i64(), e["best_without"].as_i64()),
        (Some(12), Some(12))
    );
    assert_eq!(e["status_without"], "conflict");
}

#[test]
fn audit_lists_problems_by_severity_and_strict_exits_3() {
    let (env, _) = after_checkpoint();
    env.ok(&["source", "add", "anon", "--name", "Anonymous channel"]);
    let v = env.json(&["audit"]);
    let problems = v["problems"].as_array().unwrap();
    let codes: Vec<&str> = problems.iter().map(|p| p["code"].as_str().unwrap()).collect();
    for code in ["CONFLICT_UNDECIDED", "SELF_CLAIM_ONLY", "UNGRADED_SOURCE", "NO_URL"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let severities: Vec<i64> = problems.iter().map(|p| p["severity"].as_i64().unwrap()).collect();
    assert!(severities.windows(2).all(|w| w[0] <= w[1]), "{severities:?}");
    for p in problems {
        assert!(p["entity"].is_string() && p["message"].is_string());
    }
    env.fails(&["audit", "--strict"], 3);

    // A decision clears the conflict; a later disagreeing claim makes it stale.
    env.decide_soldiers(8, "army");
    let codes = |env: &TestEnv| -> Vec<String> {
        env.json(&["audit"])["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!codes(&env).contains(&"CONFLICT_UNDECIDED".to_string()));
    env.ok(&[
        "report",
        "add",
        "--source",
        "lwj",
        "--published",
        "2017-05-12",
        "--event",
        "almoustarat",
        "--claim",
        "killed:Malian soldiers=11",
    ]);
    assert_eq!(codes(&env)[0], "STALE_DECISION");
}

#[test]
fn audit_catches_an_altered_capture() {
    let env = TestEnv::scenario();
    let page = env.file("page.html", b"<p>original</p>");
    env.ok(&["report", "add", "--source", "ap", "--capture", &page]);
    rusqlite::Connection::open(&env.db)
        .unwrap()
        .execute("UPDATE blobs SET bytes = X'00'", [])
        .unwrap();
    let v = env.json(&["audit"]);
    assert_eq!(v["problems"][0]["code"], "CAPTURE_MISMATCH");
    assert_eq!(v["problems"][0]["entity"], "r3");
    let a = env.json(&["audit", "claim", "c1"]);
    assert_eq!(a["report"]["capture_ok"], Value::Null, "r1 has no capture");
}

#[test]
fn alleged_only_groups_are_flagged() {
    let env = TestEnv::scenario();
    env.ok(&["event", "add", "other", "--title", "t", "--date", "2017-05-01"]);
    env.ok(&[
        "report",
        "add",
        "--source",
        "ap",
        "--url",
        "https://apnews.com/y",
        "--event",
        "other",
        "--claim",
        "abducted=several;hedge=alleged",
    ]);
    let codes: Vec<String> = env.json(&["audit", "event", "other"])["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, vec!["ALLEGED_ONLY", "SINGLE_SOURCE"]);
    let e = env.json(&["audit", "event", "other"]);
    assert_eq!(e["estimates"][0]["voices"][0]["sources"], serde_json::json!(["ap"]));
}
