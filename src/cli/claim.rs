use super::{Ctx, interval, opt, style, table};
use tally::actions::{self, ClaimInput};
use tally::error::Result;
use tally::ledger::query::{self, ClaimFilter, ClaimView};
use tally::model::{Hedge, Kind, Stance};

/// Claims: one assertion about one event, carried by one report
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a claim: a count (--count) or a responsibility (--actor, --stance)
    Add(AddArgs),
    /// Revise a claim; the old revision stays in its history
    Amend(AmendArgs),
    /// Retract a claim, with the reason
    Retract(Undo),
    /// Undo a claim's retraction, with the reason
    Restore(Undo),
    /// Show a claim's current state
    Show { id: String },
    /// List current claims
    List(ListArgs),
    /// Every revision of a claim, oldest first
    History { id: String },
}

#[derive(Debug, clap::Args)]
pub struct Fields {
    /// What is asserted
    #[arg(long, value_parser = super::vocab::<Kind>())]
    kind: Option<Kind>,
    /// Who or what is counted [default: total]
    #[arg(long)]
    subject: Option<String>,
    /// The quantity as the source wrote it: "seven", "at least 3", "dozens"
    #[arg(long)]
    count: Option<String>,
    /// Lowest value meant, overriding the phrase
    #[arg(long, allow_hyphen_values = true)]
    low: Option<i64>,
    /// Highest value meant, overriding the phrase
    #[arg(long, allow_hyphen_values = true)]
    high: Option<i64>,
    /// The actor claimed, blamed or denying: slug, alias or "unknown"
    #[arg(long)]
    actor: Option<String>,
    /// Describes an "unknown" actor, such as "unnamed jihadist faction"
    #[arg(long)]
    actor_desc: Option<String>,
    /// How the actor stands to the act
    #[arg(long, value_parser = super::vocab::<Stance>())]
    stance: Option<Stance>,
    /// Whose word it is [default: the report's source]
    #[arg(long)]
    origin: Option<String>,
    /// How firmly it is stated [default: asserted, or reported for another origin]
    #[arg(long, value_parser = super::vocab::<Hedge>())]
    hedge: Option<Hedge>,
    /// The report's words that carry the claim
    #[arg(long)]
    quote: Option<String>,
    /// Free text
    #[arg(long)]
    note: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The event the claim is about
    #[arg(long)]
    event: String,
    /// The report carrying it, such as r2
    #[arg(long)]
    report: String,
    #[command(flatten)]
    fields: Fields,
}

#[derive(Debug, clap::Args)]
pub struct AmendArgs {
    /// The claim id, such as c4
    id: String,
    /// Move the claim to another event
    #[arg(long)]
    event: Option<String>,
    #[command(flatten)]
    fields: Fields,
    /// Why it changes
    #[arg(long)]
    reason: String,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only claims about this event
    #[arg(long)]
    event: Option<String>,
    /// Only claims carried by this report
    #[arg(long)]
    report: Option<String>,
    /// Only claims from this source's reports
    #[arg(long)]
    source: Option<String>,
    /// Only claims of this kind
    #[arg(long, value_parser = super::vocab::<Kind>())]
    kind: Option<Kind>,
    /// Only claims whose origin (resolved through sources, actors and aliases) is this
    #[arg(long)]
    origin: Option<String>,
    /// Only responsibility claims about this actor (slug or alias)
    #[arg(long)]
    actor: Option<String>,
    /// Include retracted claims, and claims of retracted reports
    #[arg(long)]
    all: bool,
}

/// A retraction or its undoing.
#[derive(Debug, clap::Args)]
pub struct Undo {
    /// The id, such as c4 or r2
    pub id: String,
    /// Why
    #[arg(long)]
    pub reason: String,
}

impl Fields {
    fn input(self, event: Option<String>, report: Option<String>) -> ClaimInput {
        ClaimInput {
            event,
            report,
            kind: self.kind.map(|k| k.as_str().into()),
            subject: self.subject,
            count: self.count,
            low: self.low,
            high: self.high,
            actor: self.actor,
            actor_desc: self.actor_desc,
            stance: self.stance.map(|k| k.as_str().into()),
            origin: self.origin,
            hedge: self.hedge.map(|k| k.as_str().into()),
            quote: self.quote,
            note: self.note,
            retracted: None,
        }
    }
}

/// "c3 — killed Malian soldiers at almoustarat", the id in bold.
pub(super) fn headline(c: &ClaimView) -> String {
    format!(
        "{}{}{} — {} {} at {}",
        style::BOLD.render(),
        c.id,
        style::BOLD.render_reset(),
        c.kind,
        c.subject,
        c.event
    )
}

fn show_claim(out: &mut dyn std::io::Write, c: &ClaimView) -> std::io::Result<()> {
    let status = if c.retracted {
        format!("{}retracted{}", style::BAD.render(), style::BAD.render_reset())
    } else {
        "current".into()
    };
    writeln!(out, "{} (revision {}, {status})", headline(c), c.revision)?;
    if c.kind == Kind::Responsibility {
        writeln!(
            out,
            "actor:     {} {}",
            opt(&c.actor),
            c.actor_desc.as_deref().map(|d| format!("({d})")).unwrap_or_default()
        )?;
        writeln!(out, "stance:    {}", opt(&c.stance))?;
    } else {
        writeln!(out, "phrase:    {}", opt(&c.phrase))?;
        match c.high {
            Some(h) => writeln!(out, "interval:  [{}, {h}]", c.low.unwrap_or(0))?,
            None => writeln!(out, "interval:  [{}, ∞)", c.low.unwrap_or(0))?,
        }
    }
    writeln!(
        out,
        "report:    {} by {} (grade {}), published {}",
        c.report,
        c.source,
        c.grade,
        opt(&c.published)
    )?;
    writeln!(out, "origin:    {}", c.origin)?;
    writeln!(out, "hedge:     {}", c.hedge)?;
    if let Some(q) = &c.quote {
        writeln!(out, "quote:     “{q}”")?;
    }
    if let Some(n) = &c.note {
        writeln!(out, "note:      {n}")?;
    }
    if let Some(r) = &c.reason {
        writeln!(out, "reason:    {r}")?;
    }
    Ok(())
}

pub fn run(ctx: &Ctx, cmd: Command) -> Result<()> {
    let mut ledger = ctx.open()?;
    match cmd {
        Command::Add(a) => {
            let input = a.fields.input(Some(a.event), Some(a.report));
            ctx.record(&mut ledger, "recorded", |tx| actions::add_claim(tx, &input))
        }
        Command::Amend(a) => {
            let input = a.fields.input(a.event, None);
            ctx.record(&mut ledger, "amended", |tx| {
                actions::amend_claim(tx, &a.id, &input, &a.reason)
            })
        }
        Command::Retract(u) => ctx.record(&mut ledger, "retracted", |tx| {
            actions::retract_claim(tx, &u.id, &u.reason)
        }),
        Command::Restore(u) => ctx.record(&mut ledger, "restored", |tx| {
            actions::restore_claim(tx, &u.id, &u.reason)
        }),
        Command::Show { id } => {
            let c = query::need_claim(ledger.conn(), "claim id", &id)?;
            ctx.emit(&c, |out| show_claim(out, &c))
        }
        Command::List(a) => {
            let actor =
                match &a.actor {
                    Some(name) => Some(query::resolve_actor(ledger.conn(), name)?.ok_or_else(|| {
                        tally::error::Error::unknown("actor in --actor", name, "see `tally actor list`")
                    })?),
                    None => None,
                };
            let filter = ClaimFilter {
                event: a.event.as_deref(),
                report: a.report.as_deref(),
                source: a.source.as_deref(),
                kind: a.kind,
                origin: a.origin.as_deref(),
                actor: actor.as_deref(),
                include_retracted: a.all,
            };
            let list = query::claims(ledger.conn(), &filter)?;
            ctx.emit(&list, |out| {
                let rows = list
                    .iter()
                    .map(|c| {
                        let what = if c.kind == Kind::Responsibility {
                            format!("{} {}", opt(&c.actor), opt(&c.stance))
                        } else {
                            format!("{} [{}]", opt(&c.phrase), interval(c.low, c.high))
                        };
                        let id = if c.retracted {
                            format!("{} (retracted)", c.id)
                        } else {
                            c.id.clone()
                        };
                        vec![
                            id,
                            c.event.clone(),
                            c.kind.to_string(),
                            c.subject.clone(),
                            what,
                            c.origin.clone(),
                            c.report.clone(),
                            c.hedge.to_string(),
                        ]
                    })
                    .collect();
                writeln!(
                    out,
                    "{}",
                    table(
                        &["id", "event", "kind", "subject", "value", "origin", "report", "hedge"],
                        rows
                    )
                )
            })
        }
        Command::History { id } => {
            query::need_claim(ledger.conn(), "claim id", &id)?;
            let revs = query::claim_revisions(ledger.conn(), &id)?;
            ctx.emit(&revs, |out| {
                for r in &revs {
                    let what = if r.retracted {
                        "retracted".to_string()
                    } else if r.claim.kind.as_str() == "responsibility" {
                        format!(
                            "{} {}",
                            r.claim.actor.clone().unwrap_or_default(),
                            r.claim.stance.map(|s| s.as_str()).unwrap_or("")
                        )
                    } else {
                        format!(
                            "{} [{}]",
                            r.claim.phrase.clone().unwrap_or_default(),
                            interval(r.claim.low, r.claim.high)
                        )
                    };
                    let why = r.claim.reason.as_deref().map(|w| format!(" — {w}")).unwrap_or_default();
                    writeln!(
                        out,
                        "rev {} seq {} {} {} {}: {what}{why}",
                        r.revision, r.seq, r.at, r.author, r.op
                    )?;
                    writeln!(
                        out,
                        "      {}{}{}",
                        style::DIM.render(),
                        r.hash,
                        style::DIM.render_reset()
                    )?;
                }
                Ok(())
            })
        }
    }
}
