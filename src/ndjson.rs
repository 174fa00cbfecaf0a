//! NDJSON import and export.
//!
//! One object per line, `"type"` one of `source`, `actor`, `event`,
//! `report`, `claim`, `decision`; fields are the CLI's long options in
//! snake_case. A report may nest its `claims`. Export writes records in the
//! order their entities entered the journal, so that importing the export
//! into a fresh ledger gives every entity the same id and every projection
//! the same content.

use crate::actions::{self, ActorInput, ClaimInput, DecisionInput, EventInput, ReportInput, SourceInput};
use crate::error::{Error, Result};
use crate::input::LINE_LIMIT;
use crate::ledger::Db;
use crate::ledger::{Tx, query};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Read, Write};

/// One line of an NDJSON file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    Source(SourceInput),
    Actor(ActorInput),
    Event(EventInput),
    Report(ReportRecord),
    Claim(ClaimInput),
    Decision(DecisionInput),
}

/// A report line: the report, and the default event of its nested claims.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(flatten)]
    pub report: ReportInput,
}

/// What an import wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Imported {
    pub lines: u64,
    pub entries: u64,
    pub sources: u64,
    pub actors: u64,
    pub events: u64,
    pub reports: u64,
    pub claims: u64,
    pub decisions: u64,
}

/// Reads NDJSON from `input` and records every line inside `tx`. Any error
/// names its line; the caller's transaction then writes nothing.
/// `progress` is called after each line with the bytes read so far.
pub fn import(tx: &mut Tx, mut input: impl BufRead, at: &str, mut progress: impl FnMut(u64)) -> Result<Imported> {
    let mut done = Imported::default();
    let mut read = 0u64;
    let mut line = Vec::new();
    for lineno in 1.. {
        // Each line is read up to the limit and no further, so one endless
        // line (or /dev/zero) costs no more memory than the limit.
        line.clear();
        let n = (&mut input).take(LINE_LIMIT + 1).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        } else if n as u64 > LINE_LIMIT {
            return Err(Error::Invalid(format!(
                "line {lineno} is longer than the limit of {} MiB for one NDJSON line",
                LINE_LIMIT / crate::input::MIB
            )));
        }
        read += n as u64;
        let at_line = |e: Error| match e {
            Error::Invalid(m) | Error::Integrity(m) => Error::Invalid(format!("line {lineno}: {m}")),
            e => e,
        };
        if values_in(&line) > MAX_VALUES {
            return Err(Error::Invalid(format!(
                "line {lineno} holds more than {MAX_VALUES} JSON values (a report of more than a few thousand claims); split it into several reports"
            )));
        }
        let text = std::str::from_utf8(&line).map_err(|_| Error::Invalid(format!("line {lineno}: not valid UTF-8")))?;
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(text)
            .map_err(|e| Error::Invalid(format!("line {lineno}: {}", json_error(text, &e))))?;
        done.lines += 1;
        let written = apply_record(tx, &record, at, &mut done).map_err(at_line)?;
        done.entries += written;
        progress(read);
    }
    if done.lines == 0 {
        return Err(Error::Invalid(
            "the import file has no records: expected one JSON object per line".into(),
        ));
    }
    Ok(done)
}

/// The most JSON values one line may hold: parsing a line costs memory in
/// proportion to its values, so this bounds it.
pub const MAX_VALUES: usize = 100_000;

/// How many JSON values `line` holds, counted from its separators outside
/// strings without parsing it: an upper bound good enough to refuse a line
/// before it is parsed.
fn values_in(line: &[u8]) -> usize {
    let (mut count, mut in_string, mut escaped) = (1, false, false);
    for &b in line {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b',' | b'{' | b'[' | b':' => count += 1,
                _ => {}
            }
        }
    }
    count
}

/// One sentence for a line that does not fit the record shapes, naming
/// the field where the line is an object with a known "type".
fn json_error(text: &str, e: &serde_json::Error) -> String {
    let msg = e.to_string();
    // serde_json appends " at line 1 column N"; the column is what helps.
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    let value = serde_json::from_str::<serde_json::Value>(text).ok();
    if value.as_ref().is_some_and(|v| !v.is_object()) {
        return "expected a JSON object with a \"type\", such as {\"type\":\"source\",\"slug\":\"ap\",…}".into();
    }
    if msg.contains("missing field `type`") || msg.contains("unknown variant") {
        return format!("{msg}; \"type\" must be one of source, actor, event, report, claim, decision");
    }
    match value.and_then(field_of_error) {
        Some(field) => format!("field \"{field}\": {msg}"),
        None if e.is_data() => msg,
        None => format!("{msg} (column {})", e.column()),
    }
}

/// The path of the field that a line's record cannot take, found by
/// reading the line's JSON again as its "type"'s input struct (a tagged
/// enum does not say where it failed).
fn field_of_error(mut v: serde_json::Value) -> Option<String> {
    fn path<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Option<String> {
        let err = serde_path_to_error::deserialize::<_, T>(v).err()?;
        Some(err.path().to_string()).filter(|p| p != "." && p != "?")
    }
    let kind = v.as_object_mut()?.remove("type")?;
    match kind.as_str()? {
        "source" => path::<SourceInput>(v),
        "actor" => path::<ActorInput>(v),
        "event" => path::<EventInput>(v),
        "report" => {
            // The nested fields are flattened, which hides them from the
            // path: read them as the report input they are.
            v.as_object_mut()?.remove("event");
            path::<ReportInput>(v)
        }
        "claim" => path::<ClaimInput>(v),
        "decision" => path::<DecisionInput>(v),
        _ => None,
    }
}

fn apply_record(tx: &mut Tx, record: &Record, at: &str, done: &mut Imported) -> Result<u64> {
    Ok(match record {
        Record::Source(s) => {
            actions::add_source(tx, s)?;
            done.sources += 1;
            1
        }
        Record::Actor(a) => {
            actions::add_actor(tx, a)?;
            done.actors += 1;
            1
        }
        Record::Event(e) => {
            actions::add_event(tx, e)?;
            done.events += 1;
            1
        }
        Record::Report(r) => {
            let added = actions::add_report(tx, &r.report, r.event.as_deref(), at)?;
            done.reports += 1;
            done.claims += r.report.claims.len() as u64;
            1 + added.claims.len() as u64
        }
        Record::Claim(c) => {
            let n = actions::add_claim_record(tx, c)?.len() as u64;
            done.claims += 1;
            n
        }
        Record::Decision(d) => {
            actions::add_decision(tx, d)?;
            done.decisions += 1;
            1
        }
    })
}

/// Writes the ledger's current state as NDJSON records, oldest entity first.
pub fn export(conn: &Db, out: &mut dyn Write) -> Result<u64> {
    // (seq of the entity's first entry, record)
    let mut records: Vec<(i64, Record)> = Vec::new();
    let first_seq = |entity: &str| query::first_seq(conn, entity);
    for s in query::sources(conn)? {
        let seq = first_seq(&s.slug)?;
        records.push((
            seq,
            Record::Source(SourceInput {
                slug: s.slug,
                name: Some(s.name),
                kind: Some(s.kind.to_string()),
                grade: Some(s.grade.to_string()),
                url: s.url,
                note: s.note,
                reason: None,
            }),
        ));
    }
    for a in query::actors(conn)? {
        let seq = first_seq(&a.slug)?;
        records.push((
            seq,
            Record::Actor(ActorInput {
                slug: a.slug,
                name: Some(a.name),
                kind: (a.kind != crate::model::ActorKind::Other).then(|| a.kind.to_string()),
                aliases: a.aliases,
                note: a.note,
                reason: None,
            }),
        ));
    }
    for e in query::events(conn)? {
        let history = query::history(conn, "event", &e.slug)?;
        let (seq, latest) = match (history.first(), history.last()) {
            (Some(f), Some(l)) => (f.seq, l.body.clone()),
            _ => continue,
        };
        let body: crate::model::EventBody =
            serde_json::from_value(latest).map_err(|err| Error::Integrity(err.to_string()))?;
        let input = EventInput {
            slug: e.slug,
            title: Some(body.title),
            date: Some(body.date),
            place: body.place,
            region: body.region,
            country: body.country,
            lat: body.lat,
            lon: body.lon,
            event_type: body.event_type,
            reason: None,
        };
        records.push((seq, Record::Event(input)));
    }
    for r in query::reports(conn, None, None)? {
        let seq = first_seq(&r.id)?;
        let report = ReportInput {
            source: Some(r.source),
            published: r.published,
            retrieved: Some(r.retrieved),
            title: r.title,
            url: r.url,
            language: r.language,
            text: r.text,
            ..Default::default()
        };
        records.push((seq, Record::Report(ReportRecord { event: None, report })));
    }
    for c in query::claims(conn, &query::ClaimFilter::everything())? {
        let claim = ClaimInput {
            event: Some(c.event),
            report: Some(c.report),
            kind: Some(c.kind.to_string()),
            subject: Some(c.subject),
            count: c.phrase,
            low: c.low,
            high: c.high,
            actor: c.actor,
            actor_desc: c.actor_desc,
            stance: c.stance.map(|s| s.to_string()),
            origin: Some(c.origin_text),
            hedge: Some(c.hedge.to_string()),
            quote: c.quote,
            note: c.note,
            retracted: if c.retracted {
                Some(c.reason.unwrap_or_else(|| "retracted".into()))
            } else {
                None
            },
        };
        records.push((c.recorded_seq, Record::Claim(claim)));
    }
    for d in query::decisions(conn, None)? {
        records.push((
            d.seq,
            Record::Decision(DecisionInput {
                event: d.event,
                kind: d.kind.to_string(),
                subject: Some(d.subject),
                value: Some(d.value),
                low: Some(d.low),
                high: d.high,
                reason: d.reason,
            }),
        ));
    }
    records.sort_by_key(|(seq, _)| *seq);
    for (_, r) in &records {
        serde_json::to_writer(&mut *out, r).map_err(|e| Error::Io(e.into()))?;
        out.write_all(b"\n")?;
    }
    Ok(records.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Ledger, Stamp};
    use proptest::prelude::*;

    /// A ledger with a source, an event and an actor for records to name.
    fn ledger() -> (tempfile::TempDir, Ledger, Stamp) {
        let dir = tempfile::tempdir().unwrap();
        let stamp = Stamp {
            author: "fuzz".into(),
            at: "2017-05-09T14:03:00Z".into(),
            signer: None,
        };
        let (mut ledger, _) = Ledger::create(&dir.path().join("t.db"), &stamp, false, None).unwrap();
        let setup = concat!(
            r#"{"type":"source","slug":"ap","name":"AP"}"#,
            "\n",
            r#"{"type":"event","slug":"e1","title":"T","date":"2017-05-07"}"#,
            "\n",
            r#"{"type":"actor","slug":"jnim","name":"JNIM","aliases":["GSIM"]}"#,
        );
        ledger
            .write(&stamp, |tx| import(tx, setup.as_bytes(), &stamp.at, |_| {}))
            .unwrap();
        (dir, ledger, stamp)
    }

    /// An origin resolved early in an import is resolved again once a
    /// source of that name is recorded in the same import (it decides the
    /// default hedge: the source's own word is asserted), and claim ids
    /// keep counting across reports.
    #[test]
    fn lookups_remembered_in_an_import_follow_its_own_appends() {
        let (_dir, mut ledger, stamp) = ledger();
        let report = |source: &str| {
            format!(
                r#"{{"type":"report","source":"{source}","event":"e1","claims":[{{"kind":"killed","count":"3","origin":"Agence X"}},{{"kind":"wounded","count":"2","origin":"Agence X"}}]}}"#
            )
        };
        let lines = [
            report("ap"),
            r#"{"type":"source","slug":"ax","name":"Agence X"}"#.to_string(),
            report("ax"),
        ]
        .join("\n");
        ledger
            .write(&stamp, |tx| import(tx, lines.as_bytes(), &stamp.at, |_| {}))
            .unwrap();
        let claims: Vec<(String, String, String, crate::model::Hedge)> =
            crate::ledger::query::claims(ledger.conn(), &Default::default())
                .unwrap()
                .into_iter()
                .map(|c| (c.id, c.origin_text, c.origin, c.hedge))
                .collect();
        use crate::model::Hedge::{Asserted, Reported};
        let expected: Vec<(String, String, String, crate::model::Hedge)> =
            [("c1", Reported), ("c2", Reported), ("c3", Asserted), ("c4", Asserted)]
                .iter()
                .map(|(id, h)| (id.to_string(), "Agence X".to_string(), "ax".to_string(), *h))
                .collect();
        assert_eq!(claims, expected);
    }

    /// Record-shaped lines with hostile values, whole or cut short.
    fn line() -> impl Strategy<Value = String> {
        let value = prop_oneof![
            "\\PC{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            Just("null".to_string()),
            Just("1e999".to_string()),
            Just("-9223372036854775809".to_string()),
            Just("[]".to_string()),
            Just("{}".to_string()),
            (-1000i64..1000).prop_map(|i| i.to_string()),
            Just("\"at least seven\"".to_string()),
            Just("\"e1\"".to_string()),
            Just("\"r1\"".to_string()),
        ];
        let key = prop_oneof![
            Just("type"),
            Just("slug"),
            Just("name"),
            Just("source"),
            Just("event"),
            Just("kind"),
            Just("count"),
            Just("low"),
            Just("high"),
            Just("actor"),
            Just("stance"),
            Just("value"),
            Just("reason"),
            Just("date"),
            Just("title"),
            Just("report"),
            Just("aliases"),
            Just("claims"),
        ];
        let kind = prop_oneof![
            Just("source"),
            Just("actor"),
            Just("event"),
            Just("report"),
            Just("claim"),
            Just("decision"),
        ];
        (
            kind,
            proptest::collection::vec((key, value), 0..6),
            any::<prop::sample::Index>(),
            any::<bool>(),
        )
            .prop_map(|(kind, fields, cut, whole)| {
                let mut line = format!("{{\"type\":\"{kind}\"");
                for (k, v) in fields {
                    line.push_str(&format!(",\"{k}\":{v}"));
                }
                line.push('}');
                if !whole {
                    let at = cut.index(line.len() + 1);
                    let at = (0..=at).rev().find(|i| line.is_char_boundary(*i)).unwrap_or(0);
                    line.truncate(at);
                }
                line
            })
    }

    proptest! {
        // Each case is a ledger file: 64 by default, PROPTEST_CASES to fuzz.
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64)
        ))]

        /// Any lines: the import lands whole, or is refused as bad input
        /// naming a line, and then writes nothing.
        #[test]
        fn import_is_whole_or_refused_by_line(lines in proptest::collection::vec(line(), 1..5)) {
            let (_dir, mut ledger, stamp) = ledger();
            let before = ledger.head().unwrap();
            let text = lines.join("\n");
            match ledger.write(&stamp, |tx| import(tx, text.as_bytes(), &stamp.at, |_| {})) {
                Ok(done) => prop_assert_eq!(ledger.head().unwrap().seq, before.seq + done.entries as i64),
                Err(Error::Invalid(msg)) => {
                    prop_assert!(msg.starts_with("line ") || msg.contains("no records"), "{}", msg);
                    prop_assert_eq!(ledger.head().unwrap(), before);
                }
                Err(e) => prop_assert!(false, "{text:?} is not an input error: {e}"),
            }
        }
    }
}
