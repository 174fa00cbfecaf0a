//! Mutations: validate an input against the ledger, then append its entry.
//!
//! Each function runs inside a caller's [`Tx`], so a command that records
//! several things (a report with its claims, a whole import) lands all of
//! them or none. Inputs are plain structs that the CLI fills from flags and
//! `import` deserialises from NDJSON, so both accept exactly the same data.
//! One module per entity; what they share is below: an amendment keeps an
//! old value unless a new one is given ([`keep`]), and starts from the
//! entity's current state, the body of its latest entry ([`current`]).

mod actor;
mod author;
mod claim;
mod decision;
mod event;
mod report;
mod source;

pub use actor::{ActorInput, add_actor, amend_actor, resolve_actor};
pub use author::{add_author, require_signatures};
pub use claim::{ClaimInput, add_claim, add_claim_record, amend_claim, restore_claim, retract_claim};
pub use decision::{DecisionInput, add_decision};
pub use event::{EventInput, add_event, amend_event};
pub use report::{CaptureFile, ReportAdded, ReportInput, add_report, amend_report, restore_report, retract_report};
pub use source::{SourceInput, add_source, amend_source};

use crate::error::{Error, Result};
use crate::journal::{Entry, Op};
use crate::ledger::{Tx, query};
use crate::model::{
    self, ActorBody, ActorKind, Capture, ClaimBody, DecisionBody, EntityId, EventBody, Grade, Hedge, IdKind, Kind,
    ReportBody, RetractBody, SourceBody, SourceKind, Stance,
};
use crate::quantity;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

fn need<'a>(field: &str, v: &'a Option<String>) -> Result<&'a str> {
    v.as_deref()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| Error::Invalid(format!("{field} is required")))
}

fn reason(field: &str, v: Option<&str>) -> Result<Option<String>> {
    model::opt_note(field, v)
}

/// The reason a retraction or restore must give.
fn required_reason(why: &str, what: &str) -> Result<String> {
    model::opt_note("--reason", Some(why))?
        .ok_or_else(|| Error::Invalid(format!("--reason is required: say why {what}")))
}

/// The one merge of an amendment: the new value when one is given, else
/// the old one (`old` is `None` for an add).
fn keep<T: Clone>(new: &Option<T>, old: Option<&Option<T>>) -> Option<T> {
    new.clone().or_else(|| old.cloned().flatten())
}

/// A slug for a new source, actor or event (`what`): well formed, and
/// naming nothing yet. Sources, actors and events share one namespace
/// with reports, claims and decisions, so that an id names one thing.
fn new_slug(tx: &Tx, field: &str, value: &str, what: &str) -> Result<String> {
    let slug = model::slug(field, value)?;
    if let Some(op) = query::first_op(tx.conn(), &slug)? {
        let owner = op.noun();
        return Err(Error::Invalid(if owner == what {
            format!("{what} '{slug}' already exists; use `tally {what} amend` to change it")
        } else {
            let article = if owner.starts_with(['a', 'e']) { "an" } else { "a" };
            format!("{field} '{slug}' already names {article} {owner}: one id names one thing; choose another slug")
        }));
    }
    Ok(slug)
}

/// The current state of entity `id`: the body of its latest `ops` entry
/// (its add or an amendment), looked up by kind, so that no other entity's
/// entries can stand in for it.
fn current<B: DeserializeOwned>(tx: &Tx, id: &str, ops: &[Op]) -> Result<Option<B>> {
    match query::latest_entry(tx.conn(), id, ops)? {
        None => Ok(None),
        Some(e) => serde_json::from_value(e.body)
            .map(Some)
            .map_err(|err| Error::Integrity(format!("entry {} ({} {id}): {err}", e.seq, e.op))),
    }
}
