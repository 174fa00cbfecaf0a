use super::{Ctx, opt, table};
use tally::actions::{self, ActorInput};
use tally::error::{Error, Result};
use tally::ledger::query;
use tally::model::ActorKind;

/// Actors: parties that claim, are blamed for, or deny acts
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add an actor with its aliases
    Add(Fields),
    /// Change an actor's name or note, add or remove aliases
    Amend {
        #[command(flatten)]
        amend: super::Amendment<Fields>,
        /// An alias to remove (repeatable)
        #[arg(long, value_name = "ALIAS")]
        remove_alias: Vec<String>,
    },
    /// List actors
    List,
    /// Show one actor, named by slug or alias
    Show { name: String },
}

#[derive(Debug, clap::Args)]
pub struct Fields {
    /// The actor's id: 1-64 of a-z 0-9 . _ -
    slug: String,
    /// Its usual name
    #[arg(long)]
    name: Option<String>,
    /// What kind of party or speaker it is [default: other]
    #[arg(long, value_parser = super::vocab::<ActorKind>())]
    kind: Option<ActorKind>,
    /// Another name it goes by (repeatable); matched case-insensitively
    #[arg(long = "alias", value_name = "ALIAS")]
    aliases: Vec<String>,
    /// Free text
    #[arg(long)]
    note: Option<String>,
}

impl Fields {
    fn input(self, reason: Option<String>) -> ActorInput {
        ActorInput {
            slug: self.slug,
            name: self.name,
            kind: self.kind.map(|k| k.as_str().into()),
            aliases: self.aliases,
            note: self.note,
            reason,
        }
    }
}

pub fn run(ctx: &Ctx, cmd: Command) -> Result<()> {
    let mut ledger = ctx.open()?;
    match cmd {
        Command::Add(f) => ctx.record(&mut ledger, "recorded", |tx| actions::add_actor(tx, &f.input(None))),
        Command::Amend { amend, remove_alias } => ctx.record(&mut ledger, "amended", |tx| {
            actions::amend_actor(tx, &amend.fields.input(amend.reason), &remove_alias)
        }),
        Command::List => {
            let list = query::actors(ledger.conn())?;
            ctx.emit(&list, |out| {
                let rows = list
                    .iter()
                    .map(|a| vec![a.slug.clone(), a.name.clone(), a.aliases.join("; ")])
                    .collect();
                writeln!(out, "{}", table(&["slug", "name", "aliases"], rows))
            })
        }
        Command::Show { name } => {
            let slug = query::resolve_actor(ledger.conn(), &name)?
                .ok_or_else(|| Error::unknown("actor", &name, "see `tally actor list`"))?;
            let a = query::actor(ledger.conn(), &slug)?.ok_or_else(|| Error::unknown("actor", &name, ""))?;
            ctx.emit(&a, |out| {
                writeln!(
                    out,
                    "{} — {}\naliases:  {}\nnote:     {}\nrevision: {}",
                    a.slug,
                    a.name,
                    a.aliases.join("; "),
                    opt(&a.note),
                    a.revision
                )
            })
        }
    }
}
