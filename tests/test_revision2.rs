//! Each defect a trial of revision 1 on real incidents found, as a test
//! that failed before its fix (reconciliation, speakers, undo, output).

use crate::common::TestEnv;
use serde_json::Value;

/// The demo ledger, built by `tally demo` in the test's directory.
fn demo() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["demo"]);
    env
}

fn estimate<'a>(rec: &'a Value, kind: &str, subject: &str) -> &'a Value {
    rec[0]["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == kind && e["subject"] == subject)
        .unwrap_or_else(|| panic!("no {kind}/{subject} in {rec}"))
}

#[test]
fn conservative_best_lies_in_the_range() {
    let env = demo();
    let rec = env.json(&["reconcile", "bamako-resort-2017-06-18", "--policy", "conservative"]);
    let e = estimate(&rec, "killed", "total");
    // Revision 1 said best 2, range 5–5.
    assert_eq!(
        (e["low"].as_i64(), e["best"].as_i64(), e["high"].as_i64()),
        (Some(5), Some(5), Some(5))
    );
}

#[test]
fn agreeing_voices_do_not_widen_a_conflict() {
    let env = TestEnv::init();
    for s in ["uz", "sbu", "mayor", "gov"] {
        env.ok(&["source", "add", s, "--name", s, "--grade", "B"]);
    }
    env.ok(&[
        "event",
        "add",
        "station",
        "--title",
        "Station strike",
        "--date",
        "2022-04-08",
    ]);
    for (source, date, count) in [
        ("uz", "2022-04-08", "more than 30"),
        ("sbu", "2022-04-08", "at least 39"),
        ("mayor", "2022-04-08", "50"),
        ("gov", "2022-04-10", "57"),
    ] {
        env.ok(&[
            "report",
            "add",
            "--source",
            source,
            "--published",
            date,
            "--event",
            "station",
            "--claim",
            &format!("killed={count}"),
        ]);
    }
    let rec = env.json(&["reconcile", "station"]);
    let e = estimate(&rec, "killed", "total");
    // Revision 1: range 31 to unbounded. The early lower bounds agree with
    // the majority (57) and do not drag the range down and open.
    assert_eq!(e["status"], "conflict");
    assert_eq!((e["low"].as_i64(), e["high"].as_i64()), (Some(50), Some(57)));
    assert_eq!(e["outliers"], serde_json::json!(["mayor"]));
}

#[test]
fn audit_event_names_every_part_of_responsibility() {
    let env = demo();
    let text = env.ok(&["audit", "event", "anderamboukane-2017-04-26"]);
    assert!(!text.contains("claimed via ;"), "{text}");
    assert!(text.contains("attributed by bbc"), "{text}");
    // Denials appear too.
    env.ok(&[
        "report",
        "add",
        "--source",
        "msa-media",
        "--published",
        "2017-05-01",
        "--event",
        "almoustarat-2017-05-07",
        "--claim",
        "responsibility=msa;stance=denied;origin=msa",
    ]);
    let text = env.ok(&["audit", "event", "almoustarat-2017-05-07"]);
    assert!(text.contains("denied via msa"), "{text}");
}

#[test]
fn audit_claim_counts_no_superseded_claim() {
    let env = demo();
    // c12 (the army's "at least five") is superseded by c21 (its "seven").
    let a = env.json(&["audit", "claim", "c13"]);
    let cited: Vec<&str> = ["corroborated_by", "contradicted_by"]
        .iter()
        .flat_map(|k| a[k].as_array().unwrap().iter().map(|v| v.as_str().unwrap()))
        .collect();
    assert!(!cited.is_empty(), "{a}");
    assert!(!cited.contains(&"c12"), "a superseded claim corroborates nothing: {a}");
    assert!(cited.contains(&"c21"), "{a}");
}

#[test]
fn estimates_export_takes_the_policy() {
    let env = demo();
    let csv = env.ok(&["export", "--format", "csv", "--what", "estimates", "--policy", "latest"]);
    assert!(csv.lines().count() > 5 && csv.contains(",latest"), "{csv}");
}

#[test]
fn the_author_is_the_login_name_without_user() {
    let env = TestEnv::init();
    let out = env
        .cmd()
        .env_remove("TALLY_AUTHOR")
        .env_remove("USER")
        .env_remove("LOGNAME")
        .args(["source", "add", "x", "--name", "X"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let log = env.json(&["log", "--entity", "x"]);
    let author = log[0]["author"].as_str().unwrap();
    assert!(!author.is_empty() && author != "unknown", "{author}");
}

#[test]
fn human_output_cuts_with_an_ellipsis() {
    let env = TestEnv::init();
    env.ok(&["source", "add", "s", "--name", "S"]);
    env.ok(&["event", "add", "e", "--title", "E", "--date", "2022-05-01"]);
    env.ok(&[
        "report",
        "add",
        "--source",
        "s",
        "--event",
        "e",
        "--claim",
        "killed=about twenty;origin=the regional military administration",
    ]);
    let text = env.ok(&["reconcile", "e"]);
    assert!(text.contains("the regional…"), "{text}");
    assert!(!text.contains("the regional mili "), "{text}");
}

#[test]
fn diff_lines_say_who_spoke_and_what_was_decided() {
    let env = demo();
    env.ok(&[
        "report",
        "add",
        "--source",
        "bbc",
        "--event",
        "almoustarat-2017-05-07",
        "--claim",
        "killed:Malian soldiers=nine;origin=Malian army",
    ]);
    env.ok(&[
        "decide",
        "--event",
        "almoustarat-2017-05-07",
        "--kind",
        "killed",
        "--subject",
        "Malian soldiers",
        "--low",
        "7",
        "--high",
        "9",
        "--value",
        "9",
        "--reason",
        "the army's own later figure",
    ]);
    let text = env.ok(&["diff", "--from", "62"]);
    assert!(text.contains("from \"fama\""), "the speaker, not the outlet: {text}");
    assert!(text.contains("value 9") && text.contains("range 7"), "{text}");
}

#[test]
fn an_alias_added_later_merges_voices() {
    let env = TestEnv::init();
    for s in ["ap", "afp"] {
        env.ok(&["source", "add", s, "--name", s]);
    }
    env.ok(&[
        "actor",
        "add",
        "uz",
        "--name",
        "Ukrainian Railways",
        "--kind",
        "organisation",
    ]);
    env.ok(&["event", "add", "e", "--title", "E", "--date", "2022-04-08"]);
    env.ok(&[
        "report",
        "add",
        "--source",
        "ap",
        "--published",
        "2022-04-08",
        "--event",
        "e",
        "--claim",
        "killed=30;origin=Ukrainian Railways",
    ]);
    env.ok(&[
        "report",
        "add",
        "--source",
        "afp",
        "--published",
        "2022-04-09",
        "--event",
        "e",
        "--claim",
        "killed=more than 30;origin=the state railway company",
    ]);
    let before = env.json(&["reconcile", "e"]);
    assert_eq!(estimate(&before, "killed", "total")["origins"], 2);
    env.ok(&["actor", "amend", "uz", "--alias", "the state railway company"]);
    let after = env.json(&["reconcile", "e"]);
    let e = estimate(&after, "killed", "total");
    assert_eq!(e["origins"], 1, "one speaker, one voice: {e}");
    assert_eq!(e["claims"][0]["superseded_by"], "c2");
    let claim = env.json(&["claim", "show", "c2"]);
    assert_eq!(
        (claim["origin"].as_str(), claim["origin_text"].as_str()),
        (Some("uz"), Some("the state railway company"))
    );
    assert_eq!(env.json(&["actor", "show", "uz"])["kind"], "organisation");
}

#[test]
fn reports_and_claims_can_be_retracted_and_restored() {
    let env = demo();
    // Which claims the estimate counts.
    let counted = |env: &TestEnv| -> Vec<String> {
        let rec = env.json(&["reconcile", "almoustarat-2017-05-07"]);
        estimate(&rec, "killed", "Malian soldiers")["claims"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["counted"] == true)
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    let before = counted(&env);
    assert!(before.contains(&"c21".to_string()));
    // r12 (Journal du Mali) carries c21, the army's "seven".
    env.ok(&["report", "retract", "r12", "--reason", "entered twice by mistake"]);
    let c = env.json(&["claim", "show", "c21"]);
    assert_eq!(
        (c["retracted"].as_bool(), c["report_retracted"].as_bool()),
        (Some(false), Some(true))
    );
    assert!(
        !env.json(&["claim", "list"])
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "c21")
    );
    // The army's earlier "at least five" (c12) is its word again.
    let during = counted(&env);
    assert!(
        !during.contains(&"c21".to_string()) && during.contains(&"c12".to_string()),
        "{during:?}"
    );
    env.ok(&["report", "restore", "r12", "--reason", "it was not a duplicate"]);
    assert_eq!(counted(&env), before);
    env.ok(&["claim", "retract", "c21", "--reason", "misread"]);
    env.ok(&["claim", "restore", "c21", "--reason", "read again: right"]);
    assert_eq!(counted(&env), before);
    let history = env.json(&["claim", "history", "c21"]);
    let ops: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["op"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["claim.add", "claim.retract", "claim.restore"]);
    let log = env.json(&["log", "--op", "report.retract"]);
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(env.json(&["verify"])["ok"], true);
    // Each undo applies only to what is in the other state.
    for (args, needle) in [
        (vec!["report", "restore", "r12", "--reason", "x"], "not retracted"),
        (vec!["claim", "restore", "c21", "--reason", "x"], "not retracted"),
        (vec!["report", "retract", "r12", "--reason", "x"], ""),
    ] {
        if needle.is_empty() {
            env.ok(&args);
            let err = env.fails(&args, 2);
            assert!(err.contains("already retracted"), "{err}");
        } else {
            let err = env.fails(&args, 2);
            assert!(err.contains(needle), "{err}");
        }
    }
}

#[test]
fn a_joint_operation_is_not_a_contest() {
    let env = TestEnv::init();
    for s in ["hrw", "un"] {
        env.ok(&["source", "add", s, "--name", s]);
    }
    env.ok(&[
        "actor",
        "add",
        "fama",
        "--name",
        "Malian Armed Forces",
        "--kind",
        "state",
        "--alias",
        "Malian army",
    ]);
    env.ok(&[
        "actor",
        "add",
        "wagner",
        "--name",
        "Wagner Group",
        "--kind",
        "armed-group",
    ]);
    env.ok(&["event", "add", "moura", "--title", "Moura", "--date", "2022-03-27"]);
    env.ok(&[
        "report",
        "add",
        "--source",
        "hrw",
        "--event",
        "moura",
        "--claim",
        "responsibility=fama;stance=attributed",
        "--claim",
        "responsibility=wagner;stance=attributed",
    ]);
    env.ok(&[
        "report",
        "add",
        "--source",
        "un",
        "--event",
        "moura",
        "--claim",
        "responsibility=fama;stance=claimed;origin=Malian army",
        "--claim",
        "responsibility=wagner;stance=attributed",
    ]);
    let rec = env.json(&["reconcile", "moura"]);
    let r = |actor: &str| {
        rec[0]["responsibility"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["actor"] == actor)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (r("fama")["status"].as_str(), r("fama")["with"].clone()),
        (Some("claimed"), serde_json::json!(["wagner"]))
    );
    assert_eq!(r("wagner")["status"], "attributed");
    // Two groups each claiming the same attack, nobody backing both: a contest.
    env.ok(&["actor", "add", "isgs", "--name", "ISGS"]);
    env.ok(&["actor", "add", "jnim", "--name", "JNIM"]);
    env.ok(&["event", "add", "raid", "--title", "Raid", "--date", "2022-04-01"]);
    env.ok(&[
        "report",
        "add",
        "--source",
        "un",
        "--event",
        "raid",
        "--claim",
        "responsibility=isgs;stance=claimed;origin=isgs",
        "--claim",
        "responsibility=jnim;stance=claimed;origin=jnim",
    ]);
    let rec = env.json(&["reconcile", "raid"]);
    for r in rec[0]["responsibility"].as_array().unwrap() {
        assert_eq!(r["status"], "contested", "{r}");
    }
}

#[test]
fn bad_undo_and_decisions_exit_2_and_write_nothing() {
    let env = demo();
    let head = env.head();
    for (args, needle) in [
        (
            vec![
                "decide",
                "--event",
                "almoustarat-2017-05-07",
                "--kind",
                "killed",
                "--subject",
                "Malian soldiers",
                "--low",
                "9",
                "--high",
                "7",
                "--reason",
                "x",
            ],
            "--low 9 is above --high 7",
        ),
        (vec!["report", "restore", "r3", "--reason", "x"], "not retracted"),
        (vec!["claim", "restore", "c3", "--reason", "x"], "not retracted"),
        (
            vec!["actor", "add", "x", "--name", "X", "--kind", "militia"],
            "invalid value 'militia'",
        ),
        (
            vec![
                "decide",
                "--event",
                "almoustarat-2017-05-07",
                "--kind",
                "killed",
                "--subject",
                "Malian soldiers",
                "--low",
                "5",
                "--value",
                "4",
                "--reason",
                "x",
            ],
            "outside the decided range",
        ),
    ] {
        let err = env.fails(&args, 2);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(env.head(), head, "{args:?}");
    }
    env.ok(&["claim", "retract", "c3", "--reason", "x"]);
    let err = env.fails(&["claim", "retract", "c3", "--reason", "x"], 2);
    assert!(err.contains("retracted"), "{err}");
}

#[test]
fn a_decided_range_goes_stale_when_a_later_claim_misses_it() {
    let env = demo();
    let decide = [
        "decide",
        "--event",
        "almoustarat-2017-05-07",
        "--kind",
        "killed",
        "--subject",
        "Malian soldiers",
        "--low",
        "7",
        "--high",
        "9",
        "--reason",
        "range",
    ];
    env.ok(&decide);
    let e = estimate(
        &env.json(&["reconcile", "almoustarat-2017-05-07"]),
        "killed",
        "Malian soldiers",
    )
    .clone();
    assert_eq!(
        (
            e["status"].as_str(),
            e["low"].as_i64(),
            e["high"].as_i64(),
            e["best"].as_i64()
        ),
        (Some("decided"), Some(7), Some(9), Some(7))
    );
    assert_eq!(e["decision"]["stale"], false);
    // A later claim within the range keeps it; one outside makes it stale.
    env.ok(&[
        "report",
        "add",
        "--source",
        "bbc",
        "--event",
        "almoustarat-2017-05-07",
        "--claim",
        "killed:Malian soldiers=eight",
    ]);
    let e = estimate(
        &env.json(&["reconcile", "almoustarat-2017-05-07"]),
        "killed",
        "Malian soldiers",
    )
    .clone();
    assert_eq!(e["decision"]["stale"], false);
    env.ok(&[
        "report",
        "add",
        "--source",
        "france24",
        "--event",
        "almoustarat-2017-05-07",
        "--claim",
        "killed:Malian soldiers=at least 12",
    ]);
    let e = estimate(
        &env.json(&["reconcile", "almoustarat-2017-05-07"]),
        "killed",
        "Malian soldiers",
    )
    .clone();
    assert_eq!(e["decision"]["stale"], true, "{e}");
}

#[test]
fn completions_and_a_man_page_come_from_the_command_tree() {
    let env = TestEnv::new();
    let bash = env.ok(&["completions", "bash"]);
    assert!(
        bash.contains("reconcile") && bash.contains("--min-grade"),
        "{}",
        &bash[..200.min(bash.len())]
    );
    let man = env.ok(&["man"]);
    assert!(man.contains(".TH tally") && man.contains("reconcile"));
}
