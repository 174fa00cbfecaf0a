//! What changed: field-by-field differences between two states of an
//! entity, and between the reconciliations of two states of the ledger.
//! The comparisons are pure; [`claim`], [`revisions`], [`report`] and
//! [`ledger`] read the states they compare from the ledger (live, or
//! replayed to a seq).

use crate::error::{Error, Result};
use crate::journal::Op;
use crate::ledger::verify::Checkpoint;
use crate::ledger::{Db, head_of, query, replay};
use crate::model::Kind;
use crate::model::{self, ReportBody};
use crate::reconcile::{self, EventEstimates, Status};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One changed field of one entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub entity: String,
    pub op: Op,
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// The figures of an estimate that a diff compares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub status: Status,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub best: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimateChange {
    pub event: String,
    pub kind: Kind,
    pub subject: String,
    pub before: Option<Figures>,
    pub after: Option<Figures>,
}

/// Fields that record bookkeeping rather than content.
const IGNORED: &[&str] = &["seq", "recorded_seq", "revision"];

/// The fields that differ between two JSON objects (either may be null:
/// added or gone). Every field of an added entity is listed.
pub fn fields(entity: &str, op: Op, before: &Value, after: &Value) -> Vec<Change> {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !IGNORED.contains(&k.as_str()))
        .filter_map(|k| {
            let (x, y) = (b.get(k).unwrap_or(&Value::Null), a.get(k).unwrap_or(&Value::Null));
            (x != y).then(|| Change {
                entity: entity.to_string(),
                op,
                field: k.clone(),
                before: x.clone(),
                after: y.clone(),
            })
        })
        .collect()
}

fn figures_of(all: &[EventEstimates]) -> BTreeMap<(String, Kind, String), Figures> {
    let mut out = BTreeMap::new();
    for ev in all {
        for e in &ev.estimates {
            let key = (ev.event.clone(), e.kind, crate::model::subject_key(&e.subject));
            out.insert(
                key,
                Figures {
                    status: e.status,
                    low: e.low,
                    high: e.high,
                    best: e.best,
                },
            );
        }
    }
    out
}

/// Estimates whose status, range or best value differ between two
/// reconciliations; groups that appear or vanish are listed with `None`.
pub fn estimates(before: &[EventEstimates], after: &[EventEstimates]) -> Vec<EstimateChange> {
    let (b, a) = (figures_of(before), figures_of(after));
    let subjects: BTreeMap<&(String, Kind, String), String> = before
        .iter()
        .chain(after)
        .flat_map(|ev| ev.estimates.iter().map(move |e| (ev, e)))
        .filter_map(|(ev, e)| {
            let key = (ev.event.clone(), e.kind, crate::model::subject_key(&e.subject));
            b.get_key_value(&key)
                .or(a.get_key_value(&key))
                .map(|(k, _)| (k, e.subject.clone()))
        })
        .collect();
    let mut keys: Vec<&(String, Kind, String)> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| EstimateChange {
            event: k.0.clone(),
            kind: k.1,
            subject: subjects.get(k).cloned().unwrap_or_else(|| k.2.clone()),
            before: b.get(k).cloned(),
            after: a.get(k).cloned(),
        })
        .collect()
}

/// A unified diff of two texts, labelled.
pub fn text(before: &str, after: &str, from: &str, to: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(2)
        .header(from, to)
        .to_string()
}

// ----- use cases over the ledger -------------------------------------------

#[derive(Debug, Serialize)]
pub struct LedgerDiff {
    pub from: String,
    pub to: String,
    pub changes: Vec<Change>,
    pub estimates: Vec<EstimateChange>,
}

#[derive(Debug, Serialize)]
pub struct Version {
    pub revision: usize,
    pub seq: i64,
    pub at: String,
    pub author: String,
    pub op: Op,
    pub title: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    pub capture_sha256: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ReportDiff {
    pub report: String,
    pub versions: Vec<Version>,
    pub changes: Vec<Change>,
    pub text_diff: String,
}

/// Every revision of claim `id` against the one before.
pub fn claim(conn: &Db, id: &str) -> Result<LedgerDiff> {
    let revs = claim_revisions(conn, id)?;
    let mut changes = Vec::new();
    for pair in revs.windows(2) {
        changes.extend(fields(
            &format!("{id}@{}", pair[1].0),
            pair[1].1,
            &pair[0].2,
            &pair[1].2,
        ));
    }
    Ok(LedgerDiff {
        from: format!("{id}@1"),
        to: format!("{id}@{}", revs.len()),
        changes,
        estimates: Vec::new(),
    })
}

/// Two revisions of one claim, `a` and `b` written `CLAIM@N`.
pub fn revisions(conn: &Db, a: &str, b: &str) -> Result<LedgerDiff> {
    let (ida, na) = split_at(a)?;
    let (idb, nb) = split_at(b)?;
    if ida != idb {
        return Err(Error::Invalid(format!(
            "diff compares revisions of one claim; got {ida} and {idb}"
        )));
    }
    let revs = claim_revisions(conn, ida)?;
    let get = |n: usize, label: &str| {
        revs.get(n.wrapping_sub(1)).ok_or_else(|| {
            Error::Invalid(format!(
                "claim {ida} has no revision {n} (it has {}); in {label}",
                revs.len()
            ))
        })
    };
    let (ra, rb) = (get(na, a)?, get(nb, b)?);
    Ok(LedgerDiff {
        from: a.to_string(),
        to: b.to_string(),
        changes: fields(ida, rb.1, &ra.2, &rb.2),
        estimates: Vec::new(),
    })
}

fn split_at(s: &str) -> Result<(&str, usize)> {
    let bad = || Error::invalid("revision", s, "expected CLAIM@N, such as c3@2");
    let (id, n) = s.split_once('@').ok_or_else(bad)?;
    Ok((id, n.parse().map_err(|_| bad())?))
}

/// (revision, op, the claim's fields as JSON) for each revision.
fn claim_revisions(conn: &Db, id: &str) -> Result<Vec<(usize, Op, Value)>> {
    query::need_claim(conn, "diff", id)?;
    Ok(query::claim_revisions(conn, id)?
        .into_iter()
        .map(|r| {
            let mut v = serde_json::to_value(&r.claim).unwrap_or(Value::Null);
            if let Some(o) = v.as_object_mut() {
                o.insert("retracted".into(), Value::Bool(r.retracted));
            }
            (r.revision as usize, r.op, v)
        })
        .collect())
}

pub fn report(conn: &Db, id: &str) -> Result<ReportDiff> {
    query::need_report(conn, "diff", id)?;
    let entries = query::history(conn, "report", id)?;
    let bodies: Vec<ReportBody> = entries
        .iter()
        .map(|e| {
            serde_json::from_value(e.body.clone())
                .map_err(|err| Error::Integrity(format!("report {id} seq {}: {err}", e.seq)))
        })
        .collect::<Result<_>>()?;
    let mut text_diff = String::new();
    let mut changes = Vec::new();
    for (n, pair) in bodies.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        text_diff.push_str(&text(
            a.text.as_deref().unwrap_or(""),
            b.text.as_deref().unwrap_or(""),
            &format!("{id}@{}", n + 1),
            &format!("{id}@{}", n + 2),
        ));
        let strip = |body: &ReportBody| {
            let mut v = serde_json::to_value(ReportBody {
                text: None,
                reason: None,
                ..body.clone()
            })
            .unwrap_or(Value::Null);
            if let Some(o) = v.as_object_mut() {
                o.remove("text");
                o.remove("reason");
            }
            v
        };
        changes.extend(fields(
            &format!("{id}@{}", n + 2),
            Op::ReportAmend,
            &strip(a),
            &strip(b),
        ));
    }
    let versions = entries
        .iter()
        .zip(&bodies)
        .enumerate()
        .map(|(n, (e, b))| Version {
            revision: n + 1,
            seq: e.seq,
            at: e.at.clone(),
            author: e.author.clone(),
            op: e.op,
            title: b.title.clone(),
            published: b.published.clone(),
            url: b.url.clone(),
            capture_sha256: b.capture.as_ref().map(|c| c.sha256.clone()),
            reason: b.reason.clone(),
        })
        .collect();
    Ok(ReportDiff {
        report: id.to_string(),
        versions,
        changes,
        text_diff,
    })
}

/// A point in the journal as a seq: a number, a date or time, or a checkpoint.
pub fn resolve_point(conn: &Db, field: &str, s: &str) -> Result<i64> {
    let head = head_of(conn)?.seq;
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let seq: i64 = s
            .parse()
            .map_err(|_| Error::invalid(field, s, "expected a seq number"))?;
        if seq > head {
            return Err(Error::Invalid(format!(
                "{field} {seq} is past the head of the journal (seq {head})"
            )));
        }
        return Ok(seq);
    }
    if s.starts_with("tally:") {
        let cp = Checkpoint::parse(field, s)?;
        return match query::entry(conn, cp.seq)? {
            Some(e) if e.hash == cp.hash => Ok(cp.seq),
            Some(_) => Err(Error::Integrity(format!(
                "checkpoint {cp} does not match this ledger: history was rewritten at seq {}",
                cp.seq
            ))),
            None => Err(Error::Integrity(format!(
                "checkpoint {cp} is past the head (seq {head}): the journal was truncated"
            ))),
        };
    }
    let at = if s.len() == 10 {
        format!("{}T23:59:59Z", model::date(field, s)?)
    } else {
        model::timestamp(field, s).map_err(|_| {
            Error::invalid(
                field,
                s,
                "expected a seq, a date YYYY-MM-DD, an RFC 3339 time or a checkpoint tally:1:<seq>:<hash>",
            )
        })?
    };
    query::seq_at(conn, &at)
}

pub fn ledger(conn: &Db, from: &str, to: Option<&str>, opts: &reconcile::Options) -> Result<LedgerDiff> {
    let from_seq = resolve_point(conn, "--from", from)?;
    let head = head_of(conn)?.seq;
    let to_seq = match to {
        Some(t) => resolve_point(conn, "--to", t)?,
        None => head,
    };
    if to_seq < from_seq {
        return Err(Error::Invalid(format!(
            "--to (seq {to_seq}) is before --from (seq {from_seq})"
        )));
    }
    let before = replay::state_at(conn, Some(from_seq))?;
    let replayed;
    let after: &Db = if to_seq == head {
        conn
    } else {
        replayed = replay::state_at(conn, Some(to_seq))?;
        &replayed
    };
    // Each entity touched in the range, once, in the order first touched,
    // with the last op on it.
    let mut touched: Vec<(String, Op)> = Vec::new();
    let mut position: std::collections::HashMap<String, usize> = Default::default();
    for e in query::entries_between(conn, from_seq, to_seq)? {
        match position.get(&e.entity) {
            Some(&i) => touched[i].1 = e.op,
            None => {
                position.insert(e.entity.clone(), touched.len());
                touched.push((e.entity, e.op));
            }
        }
    }
    let mut changes = Vec::new();
    for (entity, op) in &touched {
        let b = query::entity_json(&before, *op, entity)?;
        let a = query::entity_json(after, *op, entity)?;
        changes.extend(fields(entity, *op, &b, &a));
    }
    let est_before: Vec<_> = reconcile::all(&before, None, opts)?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let est_after: Vec<_> = reconcile::all(after, None, opts)?.into_iter().map(|(_, e)| e).collect();
    Ok(LedgerDiff {
        from: format!("seq {from_seq}"),
        to: format!("seq {to_seq}"),
        changes,
        estimates: estimates(&est_before, &est_after),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_changes() {
        let b = json!({"phrase": "at least five", "low": 5, "high": null, "seq": 3, "note": "x"});
        let a = json!({"phrase": "seven", "low": 7, "high": 7, "seq": 9, "note": "x"});
        let c = fields("c1", Op::ClaimAmend, &b, &a);
        assert_eq!(
            c.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
            vec!["high", "low", "phrase"]
        );
        assert_eq!(c[2].before, json!("at least five"));
        let added = fields("ap", Op::SourceAdd, &Value::Null, &json!({"name": "AP"}));
        assert_eq!(
            (added[0].before.clone(), added[0].after.clone()),
            (Value::Null, json!("AP"))
        );
    }

    #[test]
    fn text_diffs_are_unified() {
        let d = text("one\ntwo\n", "one\nthree\n", "r1@1", "r1@2");
        assert!(
            d.contains("--- r1@1") && d.contains("+++ r1@2") && d.contains("-two") && d.contains("+three"),
            "{d}"
        );
    }
}
