//! What changed: field-by-field differences between two states of an
//! entity, and between the reconciliations of two states of the ledger.
//! No I/O: the caller reads the states (live, or replayed to a seq).

use crate::reconcile::EventEstimates;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One changed field of one entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub entity: String,
    pub op: String,
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// The figures of an estimate that a diff compares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub status: String,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub best: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimateChange {
    pub event: String,
    pub kind: String,
    pub subject: String,
    pub before: Option<Figures>,
    pub after: Option<Figures>,
}

/// Fields that record bookkeeping rather than content.
const IGNORED: &[&str] = &["seq", "recorded_seq", "revision"];

/// The fields that differ between two JSON objects (either may be null:
/// added or gone). Every field of an added entity is listed.
pub fn fields(entity: &str, op: &str, before: &Value, after: &Value) -> Vec<Change> {
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
                op: op.to_string(),
                field: k.clone(),
                before: x.clone(),
                after: y.clone(),
            })
        })
        .collect()
}

fn figures_of(all: &[EventEstimates]) -> BTreeMap<(String, String, String), Figures> {
    let mut out = BTreeMap::new();
    for ev in all {
        for e in &ev.estimates {
            let key = (ev.event.clone(), e.kind.clone(), crate::model::fold(&e.subject));
            out.insert(
                key,
                Figures {
                    status: e.status.clone(),
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
    let subjects: BTreeMap<&(String, String, String), String> = before
        .iter()
        .chain(after)
        .flat_map(|ev| ev.estimates.iter().map(move |e| (ev, e)))
        .filter_map(|(ev, e)| {
            let key = (ev.event.clone(), e.kind.clone(), crate::model::fold(&e.subject));
            b.get_key_value(&key)
                .or(a.get_key_value(&key))
                .map(|(k, _)| (k, e.subject.clone()))
        })
        .collect();
    let mut keys: Vec<&(String, String, String)> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| EstimateChange {
            event: k.0.clone(),
            kind: k.1.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_changes() {
        let b = json!({"phrase": "at least five", "low": 5, "high": null, "seq": 3, "note": "x"});
        let a = json!({"phrase": "seven", "low": 7, "high": 7, "seq": 9, "note": "x"});
        let c = fields("c1", "claim.amend", &b, &a);
        assert_eq!(
            c.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
            vec!["high", "low", "phrase"]
        );
        assert_eq!(c[2].before, json!("at least five"));
        let added = fields("ap", "source.add", &Value::Null, &json!({"name": "AP"}));
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
