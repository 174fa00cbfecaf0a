//! Recording a bulletin: the events, sources, actors, reports and claims
//! that [`crate::bulletin`] found, written in one transaction.

use crate::actions::{self, ActorInput, ClaimInput, EventInput, ReportInput, SourceInput};
use crate::bulletin::Item;
use crate::error::{Error, Result};
use crate::ledger::{Tx, query};
use crate::model;
use serde::Serialize;

/// What recording a bulletin added.
#[derive(Debug, Serialize, Default)]
pub struct Written {
    pub events: Vec<String>,
    pub reports: Vec<String>,
    pub claims: usize,
    pub sources_added: Vec<String>,
    pub actors_added: Vec<String>,
}

/// A slug from free text: "Journal du Mali" → "journal-du-mali".
pub fn slugify(s: &str) -> String {
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

/// Records `items`: an event per item (or every claim on `event`), a report
/// per item and source carrying the item's claims, and the sources and
/// actors not yet in the ledger (sources ungraded).
/// The date range of each item: its own, or its sources' earliest; an
/// item with neither, and no `event` to attach it to, is bad input. The
/// same check runs with and without `--dry-run`, so both accept and refuse
/// the same bulletins; it also refuses an item that proposes more claims
/// than any real one (`bulletin::MAX_PROPOSALS`).
pub fn dates(items: &[Item], event: Option<&str>) -> Result<Vec<Option<(String, String)>>> {
    if let Some((n, item)) = items
        .iter()
        .enumerate()
        .find(|(_, i)| i.claims.len() > crate::bulletin::MAX_PROPOSALS)
    {
        return Err(Error::Invalid(format!(
            "item {} ({}): more than {} claims found; a bulletin item reports one incident: split it into items",
            n + 1,
            model::shorten(&item.title),
            crate::bulletin::MAX_PROPOSALS
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(n, item)| {
            let date = item.date.clone().or_else(|| {
                item.sources
                    .iter()
                    .filter_map(|s| s.published.clone())
                    .min()
                    .map(|d| (d.clone(), d))
            });
            match (date, event) {
                (Some(d), _) => Ok(Some(d)),
                (None, Some(_)) => Ok(None),
                (None, None) => Err(Error::Invalid(format!(
                    "item {} ({}): no date found in the text or its sources: give --year, or --event",
                    n + 1,
                    model::shorten(&item.title)
                ))),
            }
        })
        .collect()
}

pub fn record(tx: &mut Tx, items: &[Item], event: Option<&str>, at: &str) -> Result<Written> {
    let dates = dates(items, event)?;
    let mut w = Written::default();
    if let Some(e) = event {
        query::need_event(tx.conn(), "--event", e)?;
    }
    for ((n, item), date) in items.iter().enumerate().zip(dates) {
        let at_item = |e: Error| match e {
            Error::Invalid(m) => Error::Invalid(format!("item {} ({}): {m}", n + 1, model::shorten(&item.title))),
            e => e,
        };
        // The event.
        let event_slug = match event {
            Some(e) => e.to_string(),
            None => {
                let (start, end) = date.ok_or_else(|| at_item(Error::Invalid("no date".into())))?;
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
        // One report per source, each carrying the item's claims. A claim
        // that names no speaker is the first outlet's word in every copy:
        // outlets that carried one item are one voice for it, not one each.
        let mut first_outlet: Option<String> = None;
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
            let speaker = first_outlet.get_or_insert_with(|| source.clone()).clone();
            let claims: Vec<ClaimInput> = claims
                .iter()
                .map(|c| ClaimInput {
                    origin: c.origin.clone().or_else(|| Some(speaker.clone())),
                    ..c.clone()
                })
                .collect();
            let report = ReportInput {
                source: Some(source),
                published: s.published.clone(),
                title: Some(item.title.chars().take(model::MAX_NAME).collect()),
                text: Some(item.text.clone()),
                claims,
                ..Default::default()
            };
            let added = actions::add_report(tx, &report, Some(&event_slug), at).map_err(at_item)?;
            w.reports.push(added.report.entity.clone());
            w.claims += added.claims.len();
        }
    }
    Ok(w)
}
