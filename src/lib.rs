//! tally: a tamper-evident ledger of the claims conflict reporting is made of.
//!
//! Where each concern lives:
//! - [`journal`]: entries, canonical JSON, the hash chain;
//! - [`ledger`]: the SQLite store, the one append path, replay, verify;
//! - [`model`]: vocabularies, validation, entry bodies;
//! - [`actions`]: the mutations, shared by the CLI, import and ingest;
//! - [`quantity`]: phrase → interval;
//! - [`cli`]: commands and printing.

pub mod actions;
pub mod audit;
pub mod bulk;
pub mod cli;
pub mod diff;
pub mod error;
pub mod ingest;
pub mod journal;
pub mod ledger;
pub mod model;
pub mod quantity;
pub mod reconcile;
