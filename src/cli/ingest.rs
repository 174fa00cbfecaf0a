use super::{Ctx, read_text_file};
use serde::Serialize;
use std::path::PathBuf;
use tally::bulletin::{self, Item};
use tally::error::{Error, Result};
use tally::ingest::{self, Written};
use tally::model;

/// Log a plain-text bulletin: reports and the claims found in them
///
/// Reads headed items that end with their sources in parentheses, such as
/// "(Outlet, May 9; Other Outlet, May 8)" or "(AP)", and proposes the counts,
/// responsibility claims and hedges in each. With --dry-run, prints the
/// proposals and writes nothing; otherwise records, in one transaction, an
/// event per item (or --event), a report per item and source, and the claims.
/// Sources and actors not yet in the ledger are added (sources ungraded).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bulletin, UTF-8 text
    file: PathBuf,
    /// Print the proposals only
    #[arg(long)]
    dry_run: bool,
    /// Attach every item's claims to this existing event
    #[arg(long)]
    event: Option<String>,
    /// The year of dates such as "May 9" [default: the year the text names most]
    #[arg(long)]
    year: Option<i32>,
}

#[derive(Serialize)]
struct Proposals<'a> {
    items: &'a [Item],
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if let Some(y) = args.year
        && !(1900..=2100).contains(&y)
    {
        return Err(Error::invalid("--year", y, "expected a year from 1900 to 2100"));
    }
    let text = read_text_file("bulletin", &args.file)?;
    // Actors the ledger knows, by name and alias, so that responsibility
    // is found for any of them ("Russia claimed", "blamed on Russian
    // forces"), not only for acronyms.
    let known: Vec<String> = match ctx.open() {
        Ok(ledger) => tally::ledger::query::actors(ledger.conn())?
            .into_iter()
            .flat_map(|a| std::iter::once(a.name).chain(a.aliases))
            .collect(),
        Err(_) => Vec::new(),
    };
    let items = bulletin::parse_with(&text, args.year, &known);
    if items.is_empty() {
        return Err(Error::Invalid(format!(
            "found no items in '{}': each item must end with its sources in parentheses, such as (AP) or (Outlet, May 9)",
            args.file.display()
        )));
    }
    // A date it cannot place is an error with --dry-run too.
    ingest::dates(&items, args.event.as_deref())?;
    if args.dry_run {
        let shown = Proposals { items: &items };
        return ctx.emit(&shown, |out| print(out, &items));
    }
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp()?;
    let written = ledger.write(&stamp, |tx| {
        ingest::record(tx, &items, args.event.as_deref(), &stamp.at)
    })?;
    let shown = Proposals { items: &items };
    if ctx.json {
        #[derive(Serialize)]
        struct Both<'a> {
            #[serde(flatten)]
            proposals: Proposals<'a>,
            written: &'a Written,
        }
        return ctx.emit(
            &Both {
                proposals: shown,
                written: &written,
            },
            |_| Ok(()),
        );
    }
    ctx.emit(&shown, |out| {
        print(out, &items)?;
        writeln!(
            out,
            "recorded {} event(s), {} report(s), {} claim(s); added sources: {}; added actors: {}",
            written.events.len(),
            written.reports.len(),
            written.claims,
            if written.sources_added.is_empty() {
                "none".into()
            } else {
                written.sources_added.join(", ")
            },
            if written.actors_added.is_empty() {
                "none".into()
            } else {
                written.actors_added.join(", ")
            }
        )
    })
}

fn print(out: &mut dyn std::io::Write, items: &[Item]) -> std::io::Result<()> {
    for (n, item) in items.iter().enumerate() {
        let sources: Vec<String> = item
            .sources
            .iter()
            .map(|s| match &s.date {
                Some(d) => format!("{}, {d}", s.name),
                None => s.name.clone(),
            })
            .collect();
        writeln!(out, "{}. {}  ({})", n + 1, item.title, sources.join("; "))?;
        for c in &item.claims {
            let what = match (&c.actor, &c.phrase) {
                (Some(a), _) => format!(
                    "{a}{} {}",
                    c.actor_desc.as_deref().map(|d| format!(" ({d})")).unwrap_or_default(),
                    c.stance.clone().unwrap_or_default()
                ),
                (None, Some(p)) => format!("{p} [{}]", super::interval(c.low, c.high)),
                _ => String::new(),
            };
            let origin = c.origin.as_deref().map(|o| format!(", origin {o}")).unwrap_or_default();
            writeln!(
                out,
                "   {:<15} {:<32} {what} — {}{origin}",
                c.kind,
                model::shorten(&c.subject),
                c.hedge
            )?;
        }
    }
    Ok(())
}
