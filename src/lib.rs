//! tally: a tamper-evident ledger of the claims conflict reporting is made of.
//!
//! Where each concern lives:
//! - [`journal`]: entries, canonical JSON, the hash chain;
//! - [`ledger`]: the SQLite store, the one append path, replay, verify;
//! - [`model`]: vocabularies, validation, entry bodies;
//! - [`actions`]: the mutations, shared by the CLI, import and ingest;
//! - [`quantity`]: phrase → interval;
//! - [`reconcile`]: claims → estimates;
//! - [`bulletin`]: bulletin text → proposed claims, and [`ingest`] records them;
//! - [`ndjson`]: import and export;
//! - [`audit`], [`diff`]: provenance and change reports.
//!
//! The command line (`src/cli/`) is the binary's, not part of this library:
//! it parses flags, calls these modules and renders what they return.

pub mod actions;
pub mod audit;
pub mod bulletin;
pub mod diff;
pub mod error;
pub mod ingest;
pub mod input;
pub mod journal;
pub mod keys;
pub mod ledger;
pub mod model;
pub mod ndjson;
pub mod proof;
pub mod quantity;
pub mod reconcile;
pub mod witness;
