//! Ingest measured on bulletins written from real incidents (English and
//! French; tests/fixtures/bulletins/, facts and figures from the reporting
//! linked in each .expect.json, the sentences our own), each with the
//! claims an analyst would log. Bulletins 01–15 were written alongside the
//! extractor; 16–89 were written apart from it, in eleven rounds, measured
//! unseen, and only then used to improve it (the README gives each
//! round's unseen figures). Recall is the share of expected count claims
//! proposed with the right kind, subject and interval; precision is
//! counted as wrong count proposals per ten, each claim once however many
//! outlets carry its item.

use crate::common::TestEnv;
use serde_json::Value;

/// Subjects match when they fold to the same words, or one is the other
/// with words added ("soldiers" and "Malian soldiers", "soldats" and
/// "soldats maliens").
fn same_subject(a: &str, b: &str) -> bool {
    let fold = |s: &str| -> Vec<String> {
        let s = tally::model::subject_key(s);
        s.split(' ').map(str::to_string).collect()
    };
    let (a, b) = (fold(a), fold(b));
    // English puts the head noun last, French first.
    a == b
        || (!a.is_empty()
            && !b.is_empty()
            && (a.ends_with(&b) || b.ends_with(&a) || a.starts_with(&b) || b.starts_with(&a)))
}

fn matches(want: &Value, got: &Value) -> bool {
    want["kind"] == got["kind"]
        && want["low"] == got["low"]
        && want["high"] == got["high"]
        && same_subject(
            want["subject"].as_str().unwrap_or(""),
            got["subject"].as_str().unwrap_or(""),
        )
}

/// (expected counts, found, proposed counts, wrong, report lines)
pub fn measure() -> (usize, usize, usize, usize, Vec<String>) {
    // TALLY_BULLETINS measures another folder of the same layout (a
    // held-out set, say) with `--nocapture`.
    let dir = std::env::var_os("TALLY_BULLETINS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bulletins"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let env = TestEnv::init();
    let (mut expected, mut found, mut proposed, mut wrong) = (0, 0, 0, 0);
    let mut lines = Vec::new();
    for file in &files {
        let expect: Value =
            serde_json::from_str(&std::fs::read_to_string(file.with_extension("expect.json")).unwrap()).unwrap();
        let out = env.run(&["ingest", file.to_str().unwrap(), "--dry-run", "--json"]);
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let got: Value = match serde_json::from_str(&out.stdout) {
            Ok(v) => v,
            Err(_) => {
                lines.push(format!("{name}: ingest failed: {}", out.stderr.trim()));
                Value::Null
            }
        };
        for (n, item) in expect["items"].as_array().unwrap().iter().enumerate() {
            let want: Vec<&Value> = item["claims"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["kind"] != "responsibility")
                .collect();
            let items = got["items"].as_array().cloned().unwrap_or_default();
            let title = item["title"].as_str().unwrap_or("");
            let have: Vec<Value> = items
                .iter()
                .find(|i| i["title"].as_str() == Some(title))
                .or_else(|| items.get(n))
                .and_then(|i| i["claims"].as_array().cloned())
                .unwrap_or_default()
                .into_iter()
                .filter(|c| c["kind"] != "responsibility")
                .collect();
            expected += want.len();
            proposed += have.len();
            for w in &want {
                if have.iter().any(|h| matches(w, h)) {
                    found += 1;
                } else {
                    lines.push(format!(
                        "{name} #{}: missed {} {} [{}, {}] {:?}",
                        n + 1,
                        w["kind"],
                        w["subject"],
                        w["low"],
                        w["high"],
                        w["phrase"]
                    ));
                }
            }
            for h in &have {
                if !want.iter().any(|w| matches(w, h)) {
                    wrong += 1;
                    lines.push(format!(
                        "{name} #{}: wrong {} {} [{}, {}] {:?}",
                        n + 1,
                        h["kind"],
                        h["subject"],
                        h["low"],
                        h["high"],
                        h["phrase"]
                    ));
                }
            }
        }
    }
    (expected, found, proposed, wrong, lines)
}

#[test]
fn ingest_finds_what_an_analyst_would_log() {
    let (expected, found, proposed, wrong, lines) = measure();
    eprintln!(
        "recall {found}/{expected} = {:.0} %; {wrong} wrong of {proposed} proposed = {:.1} per ten",
        100.0 * found as f64 / expected as f64,
        10.0 * wrong as f64 / proposed.max(1) as f64
    );
    for l in &lines {
        eprintln!("  {l}");
    }
    assert!(expected >= 100, "{expected} expected counts");
    // The target of revision 2: at least 90 % recall, at most one wrong
    // proposal in ten (measured today: see the README).
    assert!(
        found * 100 >= expected * RECALL_FLOOR,
        "recall fell below {RECALL_FLOOR} %"
    );
    assert!(
        wrong * 100 <= proposed * WRONG_CEILING,
        "more than {WRONG_CEILING} % wrong"
    );
}

const RECALL_FLOOR: usize = 90;
const WRONG_CEILING: usize = 10;
