use super::{Ctx, opt, table};
use tally::actions::{self, EventInput};
use tally::error::{Error, Result};
use tally::ledger::query::{self, EventView};
use tally::model;

/// Events: real-world incidents that claims are about
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add an event
    Add(Fields),
    /// Change an event's title, date, place or type
    Amend(super::Amendment<Fields>),
    /// List events, oldest first
    List(ListArgs),
    /// Show one event
    Show { slug: String },
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only events in this country
    #[arg(long)]
    country: Option<String>,
    /// Only events on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only events on or before this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct Fields {
    /// The event's id, such as almoustarat-2017-05-07
    slug: String,
    /// A short title
    #[arg(long)]
    title: Option<String>,
    /// When: YYYY-MM-DD, YYYY-MM or YYYY, or a range A..B
    #[arg(long)]
    date: Option<String>,
    /// Town, village or site
    #[arg(long)]
    place: Option<String>,
    /// Region or province
    #[arg(long)]
    region: Option<String>,
    /// Country
    #[arg(long)]
    country: Option<String>,
    /// Latitude as a decimal string, such as 16.2717
    #[arg(long, allow_hyphen_values = true)]
    lat: Option<String>,
    /// Longitude as a decimal string, such as -0.0447
    #[arg(long, allow_hyphen_values = true)]
    lon: Option<String>,
    /// What happened, such as "suicide attack" or "armed clash"
    #[arg(long = "type")]
    event_type: Option<String>,
}

impl Fields {
    fn input(self, reason: Option<String>) -> EventInput {
        EventInput {
            slug: self.slug,
            title: self.title,
            date: self.date,
            place: self.place,
            region: self.region,
            country: self.country,
            lat: self.lat,
            lon: self.lon,
            event_type: self.event_type,
            reason,
        }
    }
}

/// The event's date as written for people: a day, or a range.
pub fn when(e: &EventView) -> String {
    match e.precision.as_str() {
        "day" if e.date_start == e.date_end => e.date_start.clone(),
        "month" => e.date_start.chars().take(7).collect(),
        "year" => e.date_start.chars().take(4).collect(),
        _ => format!("{}..{}", e.date_start, e.date_end),
    }
}

pub fn run(ctx: &Ctx, cmd: Command) -> Result<()> {
    let mut ledger = ctx.open()?;
    match cmd {
        Command::Add(f) => ctx.record(&mut ledger, "recorded", |tx| actions::add_event(tx, &f.input(None))),
        Command::Amend(a) => ctx.record(&mut ledger, "amended", |tx| {
            actions::amend_event(tx, &a.fields.input(a.reason))
        }),
        Command::List(a) => {
            let since = a.since.as_deref().map(|d| model::date("--since", d)).transpose()?;
            let until = a.until.as_deref().map(|d| model::date("--until", d)).transpose()?;
            let list: Vec<EventView> = query::events(ledger.conn())?
                .into_iter()
                .filter(|e| {
                    // An event is in a period when its dates meet it.
                    a.country
                        .as_ref()
                        .is_none_or(|c| e.country.as_deref().is_some_and(|ec| model::fold(ec) == model::fold(c)))
                        && since.is_none_or(|d| e.date_end >= d.to_string())
                        && until.is_none_or(|d| e.date_start <= d.to_string())
                })
                .collect();
            ctx.emit(&list, |out| {
                let rows = list
                    .iter()
                    .map(|e| vec![e.slug.clone(), when(e), opt(&e.place), opt(&e.country), e.title.clone()])
                    .collect();
                writeln!(out, "{}", table(&["slug", "date", "place", "country", "title"], rows))
            })
        }
        Command::Show { slug } => {
            let e = query::event(ledger.conn(), &slug)?
                .ok_or_else(|| Error::unknown("event", &slug, "see `tally event list`"))?;
            ctx.emit(&e, |out| {
                let coords = match (&e.lat, &e.lon) {
                    (Some(a), Some(o)) => format!("{a}, {o}"),
                    _ => String::new(),
                };
                writeln!(out, "{} — {}\ndate:     {} ({})\nplace:    {}\nregion:   {}\ncountry:  {}\ncoords:   {coords}\ntype:     {}\nrevision: {}",
                    e.slug, e.title, when(&e), e.precision, opt(&e.place), opt(&e.region), opt(&e.country), opt(&e.event_type), e.revision)
            })
        }
    }
}
