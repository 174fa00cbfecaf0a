use super::Ctx;
use std::io::Write;
use tally::error::Result;
use tally::ledger::Db;
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
            replay::each_entry(ledger.conn(), None, |e| {
                // The body is written as stored (canonical JSON), so hashes
                // can be recomputed from these exact bytes.
                writeln!(
                    out,
                    "{{\"seq\":{},\"prev\":{},\"at\":{},\"author\":{},\"op\":{},\"entity\":{},\"body\":{},\"hash\":{}}}",
                    e.seq,
                    json(&e.prev),
                    json(&e.at),
                    json(&e.author),
                    json(&e.op),
                    json(&e.entity),
                    e.body,
                    json(&e.hash)
                )?;
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

/// One CSV row per claim with its provenance; column names follow ACLED's
/// where they have one (event_date, location, admin1, country, source).
fn csv_claims(conn: &Db, out: &mut dyn Write) -> Result<()> {
    use tally::ledger::query;
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "claim_id",
        "event_id",
        "event_date",
        "location",
        "admin1",
        "country",
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
    ])?;
    let events: std::collections::HashMap<String, query::EventView> =
        query::events(conn)?.into_iter().map(|e| (e.slug.clone(), e)).collect();
    for c in query::claims(
        conn,
        &query::ClaimFilter {
            include_retracted: true,
            ..Default::default()
        },
    )? {
        let e = events.get(&c.event);
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        let n = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
        w.write_record([
            c.id.clone(),
            c.event.clone(),
            e.map(super::event::when).unwrap_or_default(),
            e.and_then(|e| e.place.clone()).unwrap_or_default(),
            e.and_then(|e| e.region.clone()).unwrap_or_default(),
            e.and_then(|e| e.country.clone()).unwrap_or_default(),
            c.kind.to_string(),
            c.subject.clone(),
            o(&c.phrase),
            n(c.low),
            n(c.high),
            o(&c.actor),
            c.stance.map(|s| s.to_string()).unwrap_or_default(),
            c.hedge.to_string(),
            c.origin.clone(),
            c.source.clone(),
            c.grade.to_string(),
            c.report.clone(),
            o(&c.published),
            o(&c.url),
            c.revision.to_string(),
            c.retracted.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// One CSV row per reconciled group; `low`/`best`/`high` as UCDP names them.
fn csv_estimates(conn: &Db, opts: &Options, out: &mut dyn Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "event_id",
        "event_date",
        "location",
        "admin1",
        "country",
        "kind",
        "subject",
        "low",
        "best",
        "high",
        "status",
        "origins",
        "sources",
        "outliers",
        "policy",
    ])?;
    let n = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
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
            w.write_record([
                event.slug.clone(),
                super::event::when(&event),
                event.place.clone().unwrap_or_default(),
                event.region.clone().unwrap_or_default(),
                event.country.clone().unwrap_or_default(),
                e.kind.to_string(),
                e.subject.clone(),
                n(e.low),
                n(e.best),
                n(e.high),
                e.status.to_string(),
                e.origins.to_string(),
                sources.join(";"),
                e.outliers.join(";"),
                e.policy.to_string(),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}
