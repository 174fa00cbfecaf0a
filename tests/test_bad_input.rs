//! Bad input exits 2 with one sentence naming the field, and writes nothing.

use crate::common::TestEnv;

#[test]
fn bad_inputs_exit_2_and_leave_the_head_unchanged() {
    let env = TestEnv::scenario();
    let bad_utf8 = env.dir.path().join("latin1.txt");
    std::fs::write(&bad_utf8, b"caf\xe9").unwrap();
    let bad_utf8 = bad_utf8.to_str().unwrap().to_string();
    let huge = "x".repeat(600);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["source", "add", "AP2", "--name", "x"], "slug"),
        (vec!["source", "add", "-x", "--name", "x"], "unexpected argument '-x'"),
        (vec!["source", "add", "ap", "--name", "again"], "already exists"),
        // One id names one thing: no slug of a generated id's shape, and
        // no slug that another kind of entity already has.
        (
            vec!["source", "add", "c1", "--name", "X"],
            "may not look like a report, claim or decision id",
        ),
        (vec!["actor", "add", "r2", "--name", "X"], "may not look like"),
        (
            vec!["event", "add", "d1", "--title", "t", "--date", "2017-05-07"],
            "may not look like",
        ),
        (
            vec!["actor", "add", "almoustarat", "--name", "X"],
            "already names an event",
        ),
        (vec!["source", "add", "jnim", "--name", "X"], "already names an actor"),
        (
            vec!["event", "add", "ap", "--title", "t", "--date", "2017-05-07"],
            "already names a source",
        ),
        (
            vec!["source", "add", "new", "--name", "x", "--reason", "why"],
            "unexpected argument '--reason'",
        ),
        (vec!["source", "add", "new", "--name", "x", "--grade", "Z"], "--grade"),
        (vec!["source", "add", "new", "--name", "x", "--kind", "blog"], "blog"),
        (vec!["source", "add", "new"], "--name"),
        (vec!["source", "add", "new", "--name", &huge], "--name"),
        (vec!["source", "add", "new", "--name", "x", "--url", "ftp://x"], "--url"),
        (vec!["source", "amend", "nobody", "--name", "x"], "unknown source"),
        (vec!["source", "amend", "ap"], "nothing to amend"),
        (
            vec!["actor", "add", "other", "--name", "Other", "--alias", "jnim"],
            "--alias",
        ),
        (vec!["actor", "add", "unknown", "--name", "Nobody"], "reserved"),
        (
            vec!["event", "add", "e2", "--title", "t", "--date", "2017-02-30"],
            "--date",
        ),
        (
            vec!["event", "add", "e2", "--title", "t", "--date", "2017-05-08..2017-05-01"],
            "--date",
        ),
        (
            vec![
                "event",
                "add",
                "e2",
                "--title",
                "t",
                "--date",
                "2017-05-08",
                "--lat",
                "91",
                "--lon",
                "0",
            ],
            "--lat",
        ),
        (
            vec![
                "event",
                "add",
                "e2",
                "--title",
                "t",
                "--date",
                "2017-05-08",
                "--lat",
                "12.5",
            ],
            "--lon",
        ),
        (vec!["event", "add", "e2", "--date", "2017-05-08"], "--title"),
        (vec!["report", "add", "--source", "nobody"], "unknown source"),
        (
            vec!["report", "add", "--source", "ap", "--published", "2017-13-01"],
            "--published",
        ),
        (
            vec!["report", "add", "--source", "ap", "--text-file", &bad_utf8],
            "UTF-8",
        ),
        (
            vec![
                "report",
                "add",
                "--source",
                "ap",
                "--text-file",
                "/nonexistent/file.txt",
            ],
            "no such file",
        ),
        (
            vec![
                "report",
                "add",
                "--source",
                "ap",
                "--event",
                "almoustarat",
                "--claim",
                "killed=lots",
            ],
            "--count",
        ),
        (
            vec![
                "report",
                "add",
                "--source",
                "ap",
                "--event",
                "almoustarat",
                "--claim",
                "killed=7",
                "--claim",
                "slain=7",
            ],
            "killed",
        ),
        (
            vec![
                "report", "add", "--source", "ap", "--event", "nowhere", "--claim", "killed=7",
            ],
            "unknown event",
        ),
        (
            vec![
                "report",
                "add",
                "--source",
                "ap",
                "--event",
                "almoustarat",
                "--claim",
                "responsibility=nobody",
            ],
            "unknown actor",
        ),
        (vec!["report", "amend", "r9", "--title", "x"], "unknown report"),
        (
            vec![
                "claim",
                "add",
                "--event",
                "almoustarat",
                "--report",
                "r1",
                "--kind",
                "killed",
                "--count",
                "lots",
            ],
            "expected a number",
        ),
        (
            vec![
                "claim",
                "add",
                "--event",
                "almoustarat",
                "--report",
                "r1",
                "--kind",
                "killed",
                "--low",
                "9",
                "--high",
                "3",
            ],
            "greater",
        ),
        (
            vec![
                "claim",
                "add",
                "--event",
                "almoustarat",
                "--report",
                "r1",
                "--kind",
                "killed",
                "--low",
                "-1",
            ],
            "--low",
        ),
        (
            vec![
                "claim",
                "add",
                "--event",
                "almoustarat",
                "--report",
                "r1",
                "--kind",
                "killed",
                "--count",
                "99999999999999999999",
            ],
            "--count",
        ),
        (
            vec![
                "claim",
                "add",
                "--event",
                "almoustarat",
                "--report",
                "r1",
                "--kind",
                "killed",
                "--count",
                "7",
                "--hedge",
                "maybe",
            ],
            "--hedge",
        ),
        (
            vec![
                "claim",
                "add",
                "--event",
                "almoustarat",
                "--report",
                "r1",
                "--kind",
                "responsibility",
                "--actor",
                "jnim",
                "--stance",
                "boasted",
            ],
            "--stance",
        ),
        (
            vec![
                "claim",
                "add",
                "--event",
                "almoustarat",
                "--report",
                "r1",
                "--kind",
                "responsibility",
                "--count",
                "7",
            ],
            "responsibility",
        ),
        (
            vec![
                "claim",
                "add",
                "--event",
                "almoustarat",
                "--report",
                "r1",
                "--kind",
                "killed",
                "--count",
                "7",
                "--actor",
                "jnim",
            ],
            "--actor",
        ),
        (
            vec![
                "claim",
                "add",
                "--event",
                "almoustarat",
                "--report",
                "r77",
                "--kind",
                "killed",
                "--count",
                "7",
            ],
            "unknown report",
        ),
        (
            vec![
                "claim",
                "add",
                "--event",
                "almoustarat",
                "--report",
                "r1",
                "--kind",
                "executed",
                "--count",
                "7",
            ],
            "--kind",
        ),
        (
            vec!["claim", "amend", "c1", "--reason", "no change"],
            "nothing to amend",
        ),
        (
            vec!["claim", "amend", "c404", "--count", "3", "--reason", "x"],
            "unknown claim",
        ),
        (vec!["claim", "retract", "c1", "--reason", " "], "--reason"),
        (vec!["claim", "show", "c404"], "unknown claim"),
        (
            vec![
                "claim",
                "add",
                "--event",
                "almoustarat",
                "--report",
                "r1",
                "--kind",
                "killed",
                "--count",
                "7",
                "--subject",
                "x'); DROP TABLE claims; --\u{7}",
            ],
            "--subject",
        ),
        (
            vec![
                "decide",
                "--event",
                "almoustarat",
                "--kind",
                "wounded",
                "--value",
                "3",
                "--reason",
                "x",
            ],
            "no current",
        ),
        (
            vec![
                "decide",
                "--event",
                "almoustarat",
                "--kind",
                "killed",
                "--subject",
                "Malian soldiers",
                "--value",
                "-3",
                "--reason",
                "x",
            ],
            "--value",
        ),
        (vec!["verify", "--against", "tally:1:x:y"], "--against"),
        (vec!["reconcile", "--min-grade", "Q"], "--min-grade"),
        (vec!["reconcile", "nowhere"], "unknown event"),
        (vec!["log", "--since", "last week"], "--since"),
        (vec!["frobnicate"], "unrecognized subcommand 'frobnicate'"),
    ];
    let head = env.head();
    for (args, needle) in &cases {
        let err = env.fails(args, 2);
        let err = err.trim();
        assert!(!err.is_empty(), "{args:?}: no message");
        assert!(
            !needle.is_empty(),
            "{args:?}: every case names what its message must say"
        );
        assert!(
            err.contains(needle),
            "{args:?}: message {err:?} should mention {needle:?}"
        );
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "{args:?}: {err}"
        );
        if err.starts_with("error: ") {
            // A usage error that clap found keeps clap's own format.
            assert!(err.contains("For more information, try '--help'"), "{args:?}: {err}");
        } else {
            assert_eq!(err.lines().count(), 1, "{args:?}: one sentence, got {err:?}");
        }
        assert_eq!(env.head(), head, "{args:?} changed the ledger");
    }
    assert_eq!(env.json(&["verify"])["ok"], true);
}

#[test]
fn a_report_with_one_bad_claim_writes_nothing() {
    let env = TestEnv::scenario();
    let head = env.head();
    let err = env.fails(
        &[
            "report",
            "add",
            "--source",
            "ap",
            "--event",
            "almoustarat",
            "--claim",
            "killed=7",
            "--claim",
            "wounded=many many",
        ],
        2,
    );
    assert!(err.contains("claim 2"), "{err}");
    assert_eq!(env.head(), head);
    assert_eq!(env.json(&["report", "list"]).as_array().unwrap().len(), 2);
}

#[test]
fn non_ledger_files_are_refused() {
    let env = TestEnv::new();
    std::fs::write(&env.db, b"this is not a database at all, just some text").unwrap();
    let err = env.fails(&["verify"], 2);
    assert!(err.contains("not a tally ledger"), "{err}");
    let other = env.dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    let err = env.fails(&["--db", other.to_str().unwrap(), "source", "list"], 2);
    assert!(err.contains("not a tally ledger"), "{err}");
}

#[test]
fn import_errors_name_the_line_and_write_nothing() {
    let env = TestEnv::scenario();
    let head = env.head();
    let cases: Vec<(&str, &str)> = vec![
        (
            "{\"type\":\"source\",\"slug\":\"x1\",\"name\":\"X\"}\n{\"type\":\"source\",\"slug\":\"x2\",\"name\":\"Y\",\"grade\":\"Q\"}\n",
            "line 2",
        ),
        (
            "{\"type\":\"source\",\"slug\":\"x1\",\"name\":\"X\"}\n{\"type\":\"source\",\"slug\":\"x2\"",
            "line 2",
        ),
        ("{\"type\":\"planet\",\"slug\":\"x\"}\n", "line 1"),
        (
            "{\"type\":\"source\",\"slug\":\"x\",\"name\":\"X\",\"colour\":\"red\"}\n",
            "colour",
        ),
        (
            "{\"type\":\"event\",\"slug\":\"e\",\"title\":\"t\",\"date\":\"2017-05-01\",\"lat\":16.2,\"lon\":1}\n",
            "line 1",
        ),
        (
            "{\"type\":\"report\",\"source\":\"ap\",\"event\":\"almoustarat\",\"claims\":[{\"kind\":\"killed\",\"count\":\"lots\"}]}\n",
            "line 1",
        ),
        ("", "no records"),
        ("\n\n", "no records"),
        ("[1,2,3]\n", "JSON object"),
        ("\u{feff}garbage\n", "line 1"),
        // Type errors name the field, nested ones by their path.
        (
            "{\"type\":\"decision\",\"event\":\"almoustarat\",\"kind\":\"killed\",\"value\":1e30,\"reason\":\"r\"}\n",
            "field \"value\"",
        ),
        (
            "{\"type\":\"report\",\"source\":\"ap\",\"claims\":[{\"kind\":\"killed\",\"count\":\"7\",\"low\":\"x\"}]}\n",
            "field \"claims[0].low\"",
        ),
        ("{\"type\":\"source\",\"slug\":7,\"name\":\"X\"}\n", "field \"slug\""),
    ];
    for (content, needle) in cases {
        let file = env.dir.path().join("bad.ndjson");
        std::fs::write(&file, content).unwrap();
        let err = env.fails(&["import", file.to_str().unwrap()], 2);
        assert!(err.contains(needle), "{content:?}: {err}");
        assert_eq!(env.head(), head, "{content:?}");
    }
    let err = env.fails(&["import", env.dir.path().to_str().unwrap()], 2);
    assert!(err.contains("is a directory"), "{err}");
    let file = env.dir.path().join("binary.ndjson");
    std::fs::write(&file, [0xff, 0xfe, 0x00, 0x01, b'\n']).unwrap();
    assert!(env.fails(&["import", file.to_str().unwrap()], 2).contains("UTF-8"));
    assert_eq!(env.head(), head);
}

/// The kept corpus of hostile import files (tests/fixtures/corpus/ndjson):
/// each lands whole and verifies, or is refused with exit 2 naming its line
/// and writes nothing.
#[test]
fn corpus_import_files_land_whole_or_not_at_all() {
    let env = TestEnv::scenario();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/ndjson");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|f| f.unwrap().path()).collect();
    files.sort();
    let (mut landed, mut refused) = (0, 0);
    for file in &files {
        let head = env.head();
        let out = env.run(&["import", file.to_str().unwrap()]);
        match out.code {
            0 => landed += 1,
            2 => {
                assert!(
                    out.stderr.contains("line ") || out.stderr.contains("no records"),
                    "{file:?}: {}",
                    out.stderr
                );
                assert_eq!(env.head(), head, "{file:?}");
                refused += 1;
            }
            code => panic!("{file:?}: exit {code}: {}", out.stderr),
        }
    }
    assert!(refused >= 20 && landed >= 1, "landed {landed}, refused {refused}");
    env.ok(&["verify"]);
}
