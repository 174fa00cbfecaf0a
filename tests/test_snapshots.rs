//! The human output of the commands analysts read most, pinned by `insta`
//! snapshots (tests/snapshots/). The README's examples are checked against
//! the same binary by `test_readme`.

use crate::common::TestEnv;

/// The demo ledger, then the changes of the README's second walkthrough.
fn demo_with_changes() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["demo"]);
    env.ok(&[
        "claim",
        "amend",
        "c21",
        "--count",
        "eight",
        "--reason",
        "the army revised the toll",
    ]);
    env.ok(&[
        "report",
        "add",
        "--source",
        "bbc",
        "--published",
        "2017-05-10",
        "--event",
        "almoustarat-2017-05-07",
        "--claim",
        "killed:Malian soldiers=nine",
    ]);
    env
}

#[test]
fn reconcile_output() {
    let env = demo_with_changes();
    insta::assert_snapshot!("reconcile", env.ok(&["reconcile"]));
    insta::assert_snapshot!(
        "reconcile_conservative",
        env.ok(&["reconcile", "bamako-resort-2017-06-18", "--policy", "conservative"])
    );
}

#[test]
fn claim_history_output() {
    let env = demo_with_changes();
    insta::assert_snapshot!("claim_history", env.ok(&["claim", "history", "c21"]));
}

#[test]
fn diff_output() {
    let env = demo_with_changes();
    insta::assert_snapshot!("diff_from", env.ok(&["diff", "--from", "62"]));
    insta::assert_snapshot!("diff_claim", env.ok(&["diff", "c21"]));
}

#[test]
fn audit_output() {
    let env = demo_with_changes();
    insta::assert_snapshot!("audit", env.ok(&["audit"]));
    insta::assert_snapshot!("audit_claim", env.ok(&["audit", "claim", "c21"]));
    insta::assert_snapshot!("audit_event", env.ok(&["audit", "event", "anderamboukane-2017-04-26"]));
    insta::assert_snapshot!("audit_source", env.ok(&["audit", "source", "journal-du-mali"]));
}
