use super::{Ctx, style};
use crate::diff::{self, Change, EstimateChange};
use crate::error::{Error, Result};
use crate::ledger::verify::Checkpoint;
use crate::ledger::{query, replay};
use crate::model::{self, ReportBody};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

/// What changed: a claim's revisions, a report's text, or the whole ledger
///
///   tally diff c3              every revision of c3 against the one before
///   tally diff c3@1 c3@3       two revisions
///   tally diff r2              a report's versions, the text as a unified diff
///   tally diff --from 120      everything since seq 120 (or a date, or a checkpoint)
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// A claim (c3), two revisions (c3@1 c3@2), or a report (r2)
    #[arg(num_args = 0..=2)]
    targets: Vec<String>,
    /// The earlier state: a seq, a date (its end, UTC), an RFC 3339 time, or a checkpoint
    #[arg(long, value_name = "SEQ|DATE|CHECKPOINT", conflicts_with = "targets")]
    from: Option<String>,
    /// The later state [default: now]
    #[arg(long, value_name = "SEQ|DATE", requires = "from")]
    to: Option<String>,
}

#[derive(Debug, Serialize)]
struct LedgerDiff {
    from: String,
    to: String,
    changes: Vec<Change>,
    estimates: Vec<EstimateChange>,
}

#[derive(Debug, Serialize)]
struct Version {
    revision: usize,
    seq: i64,
    at: String,
    author: String,
    op: String,
    title: Option<String>,
    published: Option<String>,
    url: Option<String>,
    capture_sha256: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Serialize)]
struct ReportDiff {
    report: String,
    versions: Vec<Version>,
    changes: Vec<Change>,
    text_diff: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let ledger = ctx.open()?;
    let conn = ledger.conn();
    if let Some(from) = &args.from {
        let d = ledger_diff(conn, from, args.to.as_deref())?;
        return ctx.emit(&d, |out| {
            writeln!(
                out,
                "{}changes from {} to {}{}",
                style::BOLD.render(),
                d.from,
                d.to,
                style::BOLD.render_reset()
            )?;
            print_changes(out, &d.changes)?;
            if !d.estimates.is_empty() {
                writeln!(
                    out,
                    "{}estimates that moved{}",
                    style::BOLD.render(),
                    style::BOLD.render_reset()
                )?;
            }
            for e in &d.estimates {
                let show = |f: &Option<diff::Figures>| match f {
                    Some(f) => format!(
                        "{} best {} range {}",
                        f.status,
                        f.best.map(|b| b.to_string()).unwrap_or("-".into()),
                        super::interval(f.low, f.high)
                    ),
                    None => "—".into(),
                };
                writeln!(
                    out,
                    "  {} {} · {}: {} → {}",
                    e.event,
                    e.kind,
                    e.subject,
                    show(&e.before),
                    show(&e.after)
                )?;
            }
            Ok(())
        });
    }
    match args.targets.as_slice() {
        [one] if one.starts_with('c') && !one.contains('@') => {
            let revs = claim_revisions(conn, one)?;
            let mut changes = Vec::new();
            for pair in revs.windows(2) {
                changes.extend(diff::fields(
                    &format!("{one}@{}", pair[1].0),
                    &pair[1].1,
                    &pair[0].2,
                    &pair[1].2,
                ));
            }
            let d = LedgerDiff {
                from: format!("{one}@1"),
                to: format!("{one}@{}", revs.len()),
                changes,
                estimates: Vec::new(),
            };
            ctx.emit(&d, |out| print_changes(out, &d.changes))
        }
        [a, b] if a.starts_with('c') && b.starts_with('c') => {
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
            let d = LedgerDiff {
                from: a.clone(),
                to: b.clone(),
                changes: diff::fields(ida, &rb.1, &ra.2, &rb.2),
                estimates: Vec::new(),
            };
            ctx.emit(&d, |out| print_changes(out, &d.changes))
        }
        [one] if one.starts_with('r') => {
            let d = report_diff(conn, one)?;
            ctx.emit(&d, |out| {
                for v in &d.versions {
                    writeln!(
                        out,
                        "{}@{} seq {} {} {} {}{}",
                        d.report,
                        v.revision,
                        v.seq,
                        v.at,
                        v.author,
                        v.op,
                        v.reason.as_deref().map(|r| format!(" — {r}")).unwrap_or_default()
                    )?;
                }
                print_changes(out, &d.changes)?;
                write!(out, "{}", d.text_diff)
            })
        }
        [] => Err(Error::Invalid(
            "diff needs a claim (c3), two revisions (c3@1 c3@2), a report (r2), or --from".into(),
        )),
        other => Err(Error::Invalid(format!(
            "cannot diff {}: give a claim (c3), two revisions (c3@1 c3@2), a report (r2), or --from",
            other.join(" ")
        ))),
    }
}

fn print_changes(out: &mut dyn std::io::Write, changes: &[Change]) -> std::io::Result<()> {
    let show = |v: &Value| match v {
        Value::String(s) => format!("{:?}", model::shorten(s)),
        other => other.to_string(),
    };
    let mut i = 0;
    while i < changes.len() {
        let c = &changes[i];
        let run = changes[i..].iter().take_while(|x| x.entity == c.entity).count();
        let same = &changes[i..i + run];
        if same.iter().all(|x| x.before.is_null()) {
            // A new entity: one line with what identifies it.
            let pick = |k: &str| same.iter().find(|x| x.field == k).map(|x| show(&x.after));
            let what = ["kind", "subject", "phrase", "actor", "name", "title", "source"]
                .iter()
                .filter_map(|k| pick(k))
                .collect::<Vec<_>>()
                .join(" ");
            writeln!(
                out,
                "  {} {}: {}added{} {what}",
                c.entity,
                c.op,
                style::OK.render(),
                style::OK.render_reset()
            )?;
        } else {
            for c in same {
                if let (Value::String(a), Value::String(b), "text") = (&c.before, &c.after, c.field.as_str()) {
                    writeln!(out, "  {} {} text:", c.entity, c.op)?;
                    for line in diff::text(a, b, "before", "after").lines() {
                        writeln!(out, "    {line}")?;
                    }
                    continue;
                }
                writeln!(
                    out,
                    "  {} {} {}: {}{}{} → {}{}{}",
                    c.entity,
                    c.op,
                    c.field,
                    style::BAD.render(),
                    show(&c.before),
                    style::BAD.render_reset(),
                    style::OK.render(),
                    show(&c.after),
                    style::OK.render_reset()
                )?;
            }
        }
        i += run;
    }
    if changes.is_empty() {
        writeln!(out, "  no field changed")?;
    }
    Ok(())
}

fn split_at(s: &str) -> Result<(&str, usize)> {
    let bad = || Error::invalid("revision", s, "expected CLAIM@N, such as c3@2");
    let (id, n) = s.split_once('@').ok_or_else(bad)?;
    Ok((id, n.parse().map_err(|_| bad())?))
}

/// (revision, op, the claim's fields as JSON) for each revision.
fn claim_revisions(conn: &Connection, id: &str) -> Result<Vec<(usize, String, Value)>> {
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

fn report_diff(conn: &Connection, id: &str) -> Result<ReportDiff> {
    query::need_report(conn, "diff", id)?;
    let entries = query::history(conn, id)?;
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
        text_diff.push_str(&diff::text(
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
        changes.extend(diff::fields(
            &format!("{id}@{}", n + 2),
            "report.amend",
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
            op: e.op.clone(),
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
pub fn resolve_point(conn: &Connection, field: &str, s: &str) -> Result<i64> {
    let head = crate::ledger::head_of(conn)?.seq;
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

fn ledger_diff(conn: &Connection, from: &str, to: Option<&str>) -> Result<LedgerDiff> {
    let from_seq = resolve_point(conn, "--from", from)?;
    let head = crate::ledger::head_of(conn)?.seq;
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
    let after: &Connection = if to_seq == head {
        conn
    } else {
        replayed = replay::state_at(conn, Some(to_seq))?;
        &replayed
    };
    // Each entity touched in the range, once, in the order first touched,
    // with the last op on it.
    let mut touched: Vec<(String, String)> = Vec::new();
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
        let b = query::entity_json(&before, op, entity)?;
        let a = query::entity_json(after, op, entity)?;
        changes.extend(diff::fields(entity, op, &b, &a));
    }
    let opts = Default::default();
    let est_before: Vec<_> = super::reconcile::reconcile_all(&before, None, &opts)?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let est_after: Vec<_> = super::reconcile::reconcile_all(after, None, &opts)?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    Ok(LedgerDiff {
        from: format!("seq {from_seq}"),
        to: format!("seq {to_seq}"),
        changes,
        estimates: diff::estimates(&est_before, &est_after),
    })
}
