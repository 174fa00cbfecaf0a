//! SPEC §4 rule by rule, through the real binary.

use crate::common::TestEnv;
use serde_json::Value;

fn env_with_sources() -> TestEnv {
    let env = TestEnv::init();
    for (slug, grade) in [("a", "A"), ("b", "B"), ("b2", "B"), ("c", "C"), ("e", "E")] {
        env.ok(&[
            "source",
            "add",
            slug,
            "--name",
            &format!("Source {slug}"),
            "--grade",
            grade,
        ]);
    }
    env.ok(&["actor", "add", "jnim", "--name", "JNIM", "--alias", "GSIM"]);
    env.ok(&[
        "actor",
        "add",
        "isgs",
        "--name",
        "Islamic State in the Greater Sahara",
        "--alias",
        "ISGS",
    ]);
    env.ok(&["event", "add", "ev", "--title", "Test event", "--date", "2017-05-07"]);
    env
}

fn report(env: &TestEnv, source: &str, published: &str, claims: &[&str]) {
    let mut args = vec![
        "report",
        "add",
        "--source",
        source,
        "--published",
        published,
        "--event",
        "ev",
    ];
    for c in claims {
        args.push("--claim");
        args.push(c);
    }
    env.ok(&args);
}

fn estimate(env: &TestEnv, extra: &[&str]) -> Value {
    let mut args = vec!["reconcile", "ev"];
    args.extend_from_slice(extra);
    let v = env.json(&args);
    v[0]["estimates"][0].clone()
}

#[test]
fn supersession_and_same_origin_collapse() {
    let env = env_with_sources();
    report(&env, "a", "2017-05-07", &["killed=at least five;origin=army"]);
    report(&env, "b", "2017-05-09", &["killed=seven;origin=Army"]);
    report(&env, "c", "2017-05-08", &["killed=six;origin=army"]);
    let e = estimate(&env, &[]);
    assert_eq!(e["origins"], 1);
    assert_eq!(e["status"], "single-source");
    assert_eq!(
        (e["low"].as_i64(), e["high"].as_i64(), e["best"].as_i64()),
        (Some(7), Some(7), Some(7))
    );
    let claims = e["claims"].as_array().unwrap();
    assert_eq!(claims[0]["superseded_by"], "c2");
    assert_eq!(claims[2]["superseded_by"], "c2");
    assert_eq!(claims[1]["counted"], true);
    for key in [
        "id",
        "source",
        "origin",
        "phrase",
        "low",
        "high",
        "counted",
        "superseded_by",
    ] {
        assert!(claims[0].get(key).is_some(), "{key}");
    }
}

#[test]
fn agreement_of_a_bound_and_an_exact_count() {
    let env = env_with_sources();
    report(&env, "a", "2017-05-07", &["killed=at least two"]);
    report(&env, "b", "2017-05-08", &["killed=five"]);
    let e = estimate(&env, &[]);
    assert_eq!(e["status"], "agreed");
    assert_eq!(
        (e["low"].as_i64(), e["high"].as_i64(), e["best"].as_i64()),
        (Some(5), Some(5), Some(5))
    );
    assert_eq!(e["majority"]["origins"], serde_json::json!(["a", "b"]));
    assert_eq!(e["outliers"], serde_json::json!([]));
}

#[test]
fn conflict_with_a_clear_majority_and_unbounded_voices() {
    let env = env_with_sources();
    report(&env, "a", "2017-05-08", &["killed:soldiers=seven"]);
    report(&env, "b", "2017-05-09", &["killed:Soldiers=7"]);
    report(&env, "e", "2017-05-08", &["killed:soldiers=dozens;origin=jnim"]);
    let e = estimate(&env, &[]);
    assert_eq!(e["status"], "conflict");
    assert_eq!(e["outliers"], serde_json::json!(["jnim"]));
    assert_eq!(
        (e["low"].as_i64(), e["high"].is_null(), e["best"].as_i64()),
        (Some(7), true, Some(7))
    );
    assert_eq!(e["majority"]["low"], 7);
    assert_eq!(e["origins"], 3);
    let e = estimate(&env, &["--policy", "conservative"]);
    assert_eq!(
        (e["best"].as_i64(), e["policy"].as_str()),
        (Some(7), Some("conservative"))
    );
}

#[test]
fn ties_are_broken_by_grade_then_recency_then_the_lower_range() {
    let env = env_with_sources();
    report(&env, "b", "2017-05-09", &["killed=15"]);
    report(&env, "a", "2017-05-08", &["killed=about a dozen"]);
    let e = estimate(&env, &[]);
    assert_eq!(
        (e["majority"]["low"].as_i64(), e["majority"]["high"].as_i64()),
        (Some(11), Some(13)),
        "grade A wins"
    );
    assert_eq!(e["outliers"], serde_json::json!(["b"]));

    let env = env_with_sources();
    report(&env, "b", "2017-05-08", &["killed=15"]);
    report(&env, "b2", "2017-05-09", &["killed=about a dozen"]);
    let e = estimate(&env, &[]);
    assert_eq!(e["majority"]["low"], 11, "same grade: the more recent report wins");

    let env = env_with_sources();
    report(&env, "b", "2017-05-08", &["killed=15"]);
    report(&env, "b2", "2017-05-08", &["killed=3"]);
    let e = estimate(&env, &[]);
    assert_eq!(e["majority"]["low"], 3, "same grade and date: the lower range wins");
}

#[test]
fn policies_and_filters() {
    let env = env_with_sources();
    report(&env, "c", "2017-05-10", &["killed=ten"]);
    report(&env, "a", "2017-05-08", &["killed=between 8 and 12"]);
    report(&env, "b", "2017-05-09", &["killed=between 4 and 20;hedge=alleged"]);
    // Every voice covers 10: agreed, range 10–10, and every policy's best
    // lies in it; graded's 8 (from the A source's 8–12) is moved to 10.
    let best = |args: &[&str]| {
        let e = estimate(&env, args);
        assert_eq!((e["low"].as_i64(), e["high"].as_i64()), (Some(10), Some(10)));
        (e["best"].as_i64(), e["clamped"].as_bool())
    };
    assert_eq!(best(&[]), (Some(10), Some(false)));
    assert_eq!(best(&["--policy", "conservative"]), (Some(10), Some(false)));
    assert_eq!(best(&["--policy", "latest"]), (Some(10), Some(false)));
    assert_eq!(best(&["--policy", "graded"]), (Some(10), Some(true)));
    let e = estimate(&env, &["--min-grade", "B"]);
    assert_eq!(e["origins"], 2);
    assert_eq!(e["claims"][0]["counted"], false);
    let e = estimate(&env, &["--no-alleged"]);
    assert_eq!(e["origins"], 2);
    assert_eq!(e["claims"][2]["counted"], false);
}

#[test]
fn decisions_and_stale_decisions() {
    let env = env_with_sources();
    report(&env, "a", "2017-05-08", &["killed=seven"]);
    report(&env, "e", "2017-05-08", &["killed=dozens;origin=jnim"]);
    env.ok(&[
        "decide",
        "--event",
        "ev",
        "--kind",
        "killed",
        "--value",
        "7",
        "--reason",
        "army count, confirmed by the hospital",
    ]);
    let e = estimate(&env, &[]);
    assert_eq!((e["status"].as_str(), e["best"].as_i64()), (Some("decided"), Some(7)));
    assert_eq!(e["decision"]["stale"], false);
    assert_eq!(e["decision"]["id"], "d1");
    report(&env, "b", "2017-05-10", &["killed=nine"]);
    let e = estimate(&env, &[]);
    assert_eq!(e["decision"]["stale"], true);
    let text = env.ok(&["reconcile"]);
    assert!(text.contains("STALE"), "{text}");
}

#[test]
fn responsibility_statuses() {
    let env = env_with_sources();
    report(
        &env,
        "a",
        "2017-05-08",
        &[
            "responsibility=GSIM;origin=jnim",
            "responsibility=jnim;stance=attributed",
        ],
    );
    let r = &env.json(&["reconcile", "ev"])[0]["responsibility"];
    assert_eq!(r[0]["actor"], "jnim");
    assert_eq!(r[0]["status"], "claimed");
    assert_eq!(r[0]["claimed_by"], serde_json::json!(["jnim"]));
    assert_eq!(r[0]["attributed_by"], serde_json::json!(["a"]));

    report(
        &env,
        "b",
        "2017-05-09",
        &["responsibility=isgs;stance=denied;origin=isgs"],
    );
    let r = &env.json(&["reconcile", "ev"])[0]["responsibility"];
    assert_eq!(
        (r[0]["actor"].as_str(), r[0]["status"].as_str()),
        (Some("isgs"), Some("denied"))
    );

    report(&env, "c", "2017-05-09", &["responsibility=isgs;stance=attributed"]);
    let r = &env.json(&["reconcile", "ev"])[0]["responsibility"];
    let statuses: Vec<&str> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["contested", "contested"]);

    report(
        &env,
        "c",
        "2017-05-10",
        &["responsibility=unknown;desc=unnamed faction"],
    );
    let r = &env.json(&["reconcile", "ev"])[0]["responsibility"];
    let unknown = r.as_array().unwrap().iter().find(|x| x["actor"] == "unknown").unwrap();
    assert_eq!(
        (unknown["status"].as_str(), unknown["actor_desc"].as_str()),
        (Some("unknown"), Some("unnamed faction"))
    );
}

#[test]
fn human_output_fits_80_columns_without_colour() {
    let env = TestEnv::new();
    let out = env.cmd().args(["demo"]).env_remove("TALLY_DB").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}'),
        "no escape codes when NO_COLOR is set or stdout is a pipe"
    );
    for line in text.lines().filter(|l| l.starts_with("    c")) {
        assert!(
            line.chars().count() <= 80
                || line.contains("superseded")
                || line.contains("alleged")
                || line.contains("excluded"),
            "{line}"
        );
    }
}

#[test]
fn filters_apply_to_responsibility_too() {
    let env = env_with_sources();
    report(&env, "e", "2017-05-08", &["responsibility=jnim;origin=jnim"]);
    report(
        &env,
        "b",
        "2017-05-09",
        &["responsibility=isgs;stance=attributed;hedge=alleged"],
    );
    let actors = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["reconcile", "ev"];
        args.extend_from_slice(extra);
        env.json(&args)[0]["responsibility"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["actor"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(actors(&[]), vec!["isgs", "jnim"]);
    assert_eq!(actors(&["--no-alleged"]), vec!["jnim"]);
    assert_eq!(actors(&["--min-grade", "B"]), vec!["isgs"]);
}

#[test]
fn an_undated_report_counts_as_the_oldest() {
    let env = env_with_sources();
    report(&env, "a", "2017-05-08", &["killed=seven;origin=army"]);
    env.ok(&[
        "report",
        "add",
        "--source",
        "b",
        "--event",
        "ev",
        "--claim",
        "killed=four;origin=army",
    ]);
    let e = estimate(&env, &[]);
    assert_eq!(
        e["best"], 7,
        "the dated report supersedes the undated one recorded later"
    );
    assert_eq!(e["claims"][1]["superseded_by"], "c1");
}
