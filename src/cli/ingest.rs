use super::{Ctx, read_text_file};
use crate::actions::{self, ActorInput, ClaimInput, EventInput, ReportInput, SourceInput};
use crate::error::{Error, Result};
use crate::ingest::{self, Item};
use crate::ledger::{Tx, query};
use crate::model;
use serde::Serialize;
use std::path::PathBuf;

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

#[derive(Serialize, Default)]
struct Written {
    events: Vec<String>,
    reports: Vec<String>,
    claims: usize,
    sources_added: Vec<String>,
    actors_added: Vec<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if let Some(y) = args.year
        && !(1900..=2100).contains(&y)
    {
        return Err(Error::invalid("--year", y, "expected a year from 1900 to 2100"));
    }
    let text = read_text_file("bulletin", &args.file)?;
    let items = ingest::parse(&text, args.year);
    if items.is_empty() {
        return Err(Error::Invalid(format!(
            "found no items in '{}': each item must end with its sources in parentheses, such as (AP) or (Outlet, May 9)",
            args.file.display()
        )));
    }
    if args.dry_run {
        let shown = Proposals { items: &items };
        return ctx.emit(&shown, |out| print(out, &items));
    }
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp()?;
    let written = ledger.write(&stamp, |tx| write(tx, &items, args.event.as_deref(), &stamp.at))?;
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

/// A slug from free text: "Journal du Mali" → "journal-du-mali".
fn slugify(s: &str) -> String {
    let mut out = String::new();
    // Accents and other scripts fold to ASCII: "Oméga" → "omega".
    for c in deunicode::deunicode(s).to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(48).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "item".into() } else { out }
}

/// `base`, or `base-2`, `base-3`… whichever is free.
fn free_slug(base: &str, taken: impl Fn(&str) -> Result<bool>) -> Result<String> {
    if !taken(base)? {
        return Ok(base.to_string());
    }
    for n in 2.. {
        let s = format!("{base}-{n}");
        if !taken(&s)? {
            return Ok(s);
        }
    }
    unreachable!("some suffix is free")
}

fn write(tx: &mut Tx, items: &[Item], event: Option<&str>, at: &str) -> Result<Written> {
    let mut w = Written::default();
    if let Some(e) = event {
        query::need_event(tx.conn(), "--event", e)?;
    }
    for (n, item) in items.iter().enumerate() {
        let at_item = |e: Error| match e {
            Error::Invalid(m) => Error::Invalid(format!("item {} ({}): {m}", n + 1, model::shorten(&item.title))),
            e => e,
        };
        // The event.
        let event_slug = match event {
            Some(e) => e.to_string(),
            None => {
                let (start, end) = item
                    .date
                    .clone()
                    .or_else(|| {
                        item.sources
                            .iter()
                            .filter_map(|s| s.published.clone())
                            .min()
                            .map(|d| (d.clone(), d))
                    })
                    .ok_or_else(|| {
                        at_item(Error::Invalid(
                            "no date found in the text or its sources: give --year, or --event".into(),
                        ))
                    })?;
                let base = format!("{}-{}", slugify(&item.title), start);
                let slug = free_slug(&base, |s| Ok(query::event(tx.conn(), s)?.is_some()))?;
                let date = if start == end { start } else { format!("{start}..{end}") };
                let title: String = item.title.chars().take(model::MAX_NAME).collect();
                actions::add_event(
                    tx,
                    &EventInput {
                        slug: slug.clone(),
                        title: Some(title),
                        date: Some(date),
                        ..Default::default()
                    },
                )
                .map_err(at_item)?;
                w.events.push(slug.clone());
                slug
            }
        };
        // Actors named in the claims.
        let mut claims = Vec::new();
        for c in &item.claims {
            let actor = match c.actor.as_deref() {
                None | Some("unknown") => c.actor.clone(),
                Some(name) => Some(match query::resolve_actor(tx.conn(), name)? {
                    Some(slug) => slug,
                    None => {
                        let slug = free_slug(&slugify(name), |s| Ok(query::actor(tx.conn(), s)?.is_some()))?;
                        actions::add_actor(
                            tx,
                            &ActorInput {
                                slug: slug.clone(),
                                name: Some(name.to_string()),
                                ..Default::default()
                            },
                        )
                        .map_err(at_item)?;
                        w.actors_added.push(slug.clone());
                        slug
                    }
                }),
            };
            claims.push(ClaimInput {
                event: Some(event_slug.clone()),
                kind: Some(c.kind.clone()),
                subject: Some(c.subject.clone()),
                count: c.phrase.clone(),
                low: c.low,
                high: c.high,
                actor,
                actor_desc: c.actor_desc.clone(),
                stance: c.stance.clone(),
                origin: c.origin.clone(),
                hedge: Some(c.hedge.clone()),
                quote: Some(c.quote.clone()),
                ..Default::default()
            });
        }
        // One report per source, each carrying the item's claims.
        for s in &item.sources {
            let known = match query::source_named(tx.conn(), &s.name)? {
                Some(slug) => Some(slug),
                None => query::source(tx.conn(), &slugify(&s.name))?.map(|x| x.slug),
            };
            let source = match known {
                Some(slug) => slug,
                None => {
                    let slug = free_slug(&slugify(&s.name), |x| Ok(query::source(tx.conn(), x)?.is_some()))?;
                    actions::add_source(
                        tx,
                        &SourceInput {
                            slug: slug.clone(),
                            name: Some(s.name.clone()),
                            ..Default::default()
                        },
                    )
                    .map_err(at_item)?;
                    w.sources_added.push(slug.clone());
                    slug
                }
            };
            let report = ReportInput {
                source: Some(source),
                published: s.published.clone(),
                title: Some(item.title.chars().take(model::MAX_NAME).collect()),
                text: Some(item.text.clone()),
                claims: claims.clone(),
                ..Default::default()
            };
            let added = actions::add_report(tx, &report, Some(&event_slug), at).map_err(at_item)?;
            w.reports.push(added.report.entity.clone());
            w.claims += added.claims.len();
        }
    }
    Ok(w)
}
