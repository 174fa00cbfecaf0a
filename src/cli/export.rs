use super::{Ctx, opt};
use std::collections::HashMap;
use std::io::Write;
use tally::error::Result;
use tally::ledger::Db;
use tally::ledger::query::{self, ClaimFilter, EventView};
use tally::ledger::replay;
use tally::ndjson;
use tally::reconcile::Options;

/// Write the ledger out: NDJSON, the raw journal, or CSV
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to write
    #[arg(long, value_enum, default_value_t = Format::Journal)]
    format: Format,
    /// With csv: one row per claim, or one per reconciled estimate
    #[arg(long, value_enum, default_value_t = What::Claims)]
    what: What,
    #[command(flatten)]
    estimates: super::reconcile::EstimateArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// The import format: current state, one record per line
    Ndjson,
    /// The raw journal: every entry with its hash
    Journal,
    /// A table for spreadsheets
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, clap::ValueEnum)]
enum What {
    /// One row per claim with its provenance
    Claims,
    /// One row per reconciled estimate
    Estimates,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let ledger = ctx.open()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Journal => {
            let signed = query::any_signatures(ledger.conn())?;
            replay::each_entry(ledger.conn(), None, |e| {
                // The body is written as stored (canonical JSON), so hashes
                // can be recomputed from these exact bytes.
                write!(
                    out,
                    "{{\"seq\":{},\"prev\":{},\"at\":{},\"author\":{},\"op\":{},\"entity\":{},\"body\":{},\"hash\":{}",
                    e.seq,
                    json(&e.prev),
                    json(&e.at),
                    json(&e.author),
                    json(&e.op),
                    json(&e.entity),
                    e.body,
                    json(&e.hash)
                )?;
                // Authors' signatures, outside the hashed bytes.
                let sigs = if signed {
                    query::signatures(ledger.conn(), e.seq)?
                } else {
                    Vec::new()
                };
                if !sigs.is_empty() {
                    let sigs: Vec<_> = sigs
                        .iter()
                        .map(|(key, sig)| serde_json::json!({"key": key, "sig": sig}))
                        .collect();
                    write!(out, ",\"signatures\":{}", serde_json::Value::Array(sigs))?;
                }
                writeln!(out, "}}")?;
                Ok(())
            })?;
        }
        Format::Ndjson => {
            ndjson::export(ledger.conn(), &mut out)?;
        }
        Format::Csv if args.what == What::Estimates => {
            csv_estimates(ledger.conn(), &args.estimates.options(), &mut out)?
        }
        Format::Csv => csv_claims(ledger.conn(), &mut out)?,
    }
    out.flush()?;
    Ok(())
}

fn json(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// The columns that place a row's event; names follow ACLED's.
const EVENT_COLUMNS: [&str; 5] = ["event_id", "event_date", "location", "admin1", "country"];

fn event_cells(slug: &str, e: Option<&EventView>) -> [String; 5] {
    [
        slug.to_string(),
        e.map(super::event::when).unwrap_or_default(),
        opt(&e.and_then(|e| e.place.clone())),
        opt(&e.and_then(|e| e.region.clone())),
        opt(&e.and_then(|e| e.country.clone())),
    ]
}

/// A CSV writer whose first row is the event columns, then `columns`.
fn writer<'a>(out: &'a mut dyn Write, first: &[&str], columns: &[&str]) -> Result<csv::Writer<&'a mut dyn Write>> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(first.iter().chain(&EVENT_COLUMNS).chain(columns))?;
    Ok(w)
}

/// One CSV row per claim with its provenance.
fn csv_claims(conn: &Db, out: &mut dyn Write) -> Result<()> {
    let mut w = writer(
        out,
        &["claim_id"],
        &[
            "kind",
            "subject",
            "phrase",
            "low",
            "high",
            "actor",
            "stance",
            "hedge",
            "origin",
            "source",
            "source_grade",
            "report_id",
            "published",
            "url",
            "revision",
            "retracted",
        ],
    )?;
    let events: HashMap<String, EventView> = query::events(conn)?.into_iter().map(|e| (e.slug.clone(), e)).collect();
    for c in query::claims(conn, &ClaimFilter::everything())? {
        let mut row = vec![c.id.clone()];
        row.extend(event_cells(&c.event, events.get(&c.event)));
        row.extend([
            c.kind.to_string(),
            c.subject.clone(),
            opt(&c.phrase),
            opt(&c.low),
            opt(&c.high),
            opt(&c.actor),
            opt(&c.stance),
            c.hedge.to_string(),
            c.origin.clone(),
            c.source.clone(),
            c.grade.to_string(),
            c.report.clone(),
            opt(&c.published),
            opt(&c.url),
            c.revision.to_string(),
            c.retracted.to_string(),
        ]);
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// One CSV row per reconciled group; `low`/`best`/`high` as UCDP names them.
fn csv_estimates(conn: &Db, opts: &Options, out: &mut dyn Write) -> Result<()> {
    let mut w = writer(
        out,
        &[],
        &[
            "kind", "subject", "low", "best", "high", "status", "origins", "sources", "outliers", "policy",
        ],
    )?;
    for (event, est) in tally::reconcile::all(conn, None, opts)? {
        for e in &est.estimates {
            let mut sources: Vec<&str> = e
                .claims
                .iter()
                .filter(|c| c.counted)
                .map(|c| c.source.as_str())
                .collect();
            sources.sort();
            sources.dedup();
            let mut row = event_cells(&event.slug, Some(&event)).to_vec();
            row.extend([
                e.kind.to_string(),
                e.subject.clone(),
                opt(&e.low),
                opt(&e.best),
                opt(&e.high),
                e.status.to_string(),
                e.origins.to_string(),
                sources.join(";"),
                e.outliers.join(";"),
                e.policy.to_string(),
            ]);
            w.write_record(&row)?;
        }
    }
    w.flush()?;
    Ok(())
}
