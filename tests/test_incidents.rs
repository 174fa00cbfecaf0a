//! Real incidents with conflicting tolls and contested responsibility,
//! logged from real reporting (tests/fixtures/incidents/: each NDJSON file
//! is one incident's sources, speakers and reports; its .expect.json holds
//! the links, what the revision-2 rules give, worked out by hand, and what
//! a careful analyst would publish). The rules' answers are asserted; where
//! the analyst would publish something else the fixture says why, and the
//! README lists those differences.

use crate::common::TestEnv;
use serde_json::Value;
use std::path::PathBuf;

fn incidents() -> Vec<PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/incidents");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ndjson"))
        .collect();
    files.sort();
    files
}

fn same_text(a: &Value, b: &str) -> bool {
    a.as_str().is_some_and(|a| a.eq_ignore_ascii_case(b))
}

fn sorted(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn real_incidents_reconcile_as_the_revised_rules_say() {
    let files = incidents();
    assert!(files.len() >= 5, "at least five real incidents");
    let mut wrong = Vec::new();
    let mut differences = 0;
    for file in &files {
        let expect: Value =
            serde_json::from_str(&std::fs::read_to_string(file.with_extension("expect.json")).unwrap()).unwrap();
        let event = expect["event"].as_str().unwrap();
        assert!(
            !expect["links"].as_array().unwrap().is_empty(),
            "{event}: the reporting it rests on"
        );
        let env = TestEnv::init();
        env.ok(&["import", file.to_str().unwrap()]);
        let got = env.json(&["reconcile", event]);
        let got = &got[0];
        let estimates = expect["estimates"].as_array().unwrap();
        assert!(!estimates.is_empty());
        for e in estimates {
            let (kind, subject) = (e["kind"].as_str().unwrap(), e["subject"].as_str().unwrap());
            let Some(g) = got["estimates"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["kind"] == kind && same_text(&g["subject"], subject))
            else {
                wrong.push(format!("{event} {kind}/{subject}: no estimate"));
                continue;
            };
            let rules = &e["rules"];
            for field in ["status", "low", "high", "best", "origins"] {
                if g[field] != rules[field] {
                    wrong.push(format!(
                        "{event} {kind}/{subject} {field}: got {} want {}",
                        g[field], rules[field]
                    ));
                }
            }
            if sorted(&g["outliers"]) != sorted(&rules["outliers"]) {
                wrong.push(format!(
                    "{event} {kind}/{subject} outliers: got {} want {}",
                    g["outliers"], rules["outliers"]
                ));
            }
            differences += e["differs"].as_str().is_some_and(|d| !d.is_empty()) as usize;
        }
        for r in expect["responsibility"].as_array().into_iter().flatten() {
            let actor = r["actor"].as_str().unwrap();
            let Some(g) = got["responsibility"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["actor"] == actor)
            else {
                wrong.push(format!("{event} responsibility {actor}: missing"));
                continue;
            };
            if g["status"] != r["status"] || (r.get("with").is_some() && sorted(&g["with"]) != sorted(&r["with"])) {
                wrong.push(format!(
                    "{event} responsibility {actor}: got {} with {} want {} with {}",
                    g["status"], g["with"], r["status"], r["with"]
                ));
            }
        }
        // Whatever the policy and filters, low ≤ best ≤ high.
        for args in [
            vec!["--policy", "majority"],
            vec!["--policy", "conservative"],
            vec!["--policy", "latest"],
            vec!["--policy", "graded"],
            vec!["--policy", "graded", "--min-grade", "B"],
            vec!["--policy", "latest", "--no-alleged"],
        ] {
            let mut all = vec!["reconcile", event];
            all.extend(&args);
            for g in env.json(&all)[0]["estimates"].as_array().unwrap() {
                if let (Some(low), Some(best)) = (g["low"].as_i64(), g["best"].as_i64()) {
                    let high = g["high"].as_i64().unwrap_or(i64::MAX);
                    assert!(low <= best && best <= high, "{event} {args:?}: {g}");
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} mismatches:\n{}", wrong.len(), wrong.join("\n"));
    assert!(
        differences > 0,
        "the fixtures record where an analyst would publish otherwise"
    );
}
