//! Integration tests: the real `tally` binary on real SQLite files in temp dirs.

mod common;
mod test_attacks;
mod test_bad_input;
mod test_bulletins;
mod test_core;
mod test_diff_audit;
mod test_files;
mod test_incidents;
mod test_ingest_export;
mod test_proofs;
mod test_readme;
mod test_reconcile;
mod test_reliability;
mod test_revision2;
mod test_snapshots;
mod test_tamper;
