use super::{Ctx, opt, table};
use tally::actions::{self, SourceInput};
use tally::error::{Error, Result};
use tally::ledger::query;
use tally::model::{Grade, SourceKind};

/// Sources: outlets and bodies that publish reports
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a source
    Add(Fields),
    /// Change a source's name, kind, grade, URL or note
    Amend(super::Amendment<Fields>),
    /// List sources
    List,
    /// Show one source
    Show { slug: String },
}

#[derive(Debug, clap::Args)]
pub struct Fields {
    /// The source's id: 1-64 of a-z 0-9 . _ -
    slug: String,
    /// Its display name
    #[arg(long)]
    name: Option<String>,
    /// What kind of body it is [default: other]
    #[arg(long, value_parser = super::vocab::<SourceKind>())]
    kind: Option<SourceKind>,
    /// Reliability, Admiralty scale A (completely reliable) to F (cannot be judged) [default: F]
    #[arg(long, value_parser = super::vocab::<Grade>())]
    grade: Option<Grade>,
    /// Home page
    #[arg(long)]
    url: Option<String>,
    /// Free text
    #[arg(long)]
    note: Option<String>,
}

impl Fields {
    fn input(self, reason: Option<String>) -> SourceInput {
        SourceInput {
            slug: self.slug,
            name: self.name,
            kind: self.kind.map(|k| k.as_str().into()),
            grade: self.grade.map(|g| g.as_str().into()),
            url: self.url,
            note: self.note,
            reason,
        }
    }
}

pub fn run(ctx: &Ctx, cmd: Command) -> Result<()> {
    let mut ledger = ctx.open()?;
    match cmd {
        Command::Add(f) => ctx.record(&mut ledger, "recorded", |tx| actions::add_source(tx, &f.input(None))),
        Command::Amend(a) => ctx.record(&mut ledger, "amended", |tx| {
            actions::amend_source(tx, &a.fields.input(a.reason))
        }),
        Command::List => {
            let list = query::sources(ledger.conn())?;
            ctx.emit(&list, |out| {
                let rows = list
                    .iter()
                    .map(|s| {
                        vec![
                            s.slug.clone(),
                            s.name.clone(),
                            s.kind.to_string(),
                            s.grade.to_string(),
                            opt(&s.url),
                        ]
                    })
                    .collect();
                writeln!(out, "{}", table(&["slug", "name", "kind", "grade", "url"], rows))
            })
        }
        Command::Show { slug } => {
            let s = query::source(ledger.conn(), &slug)?
                .ok_or_else(|| Error::unknown("source", &slug, "see `tally source list`"))?;
            ctx.emit(&s, |out| {
                let grade = grade_meaning(s.grade);
                writeln!(
                    out,
                    "{} — {}\nkind:     {}\ngrade:    {} ({grade})\nurl:      {}\nnote:     {}\nrevision: {}",
                    s.slug,
                    s.name,
                    s.kind,
                    s.grade,
                    opt(&s.url),
                    opt(&s.note),
                    s.revision
                )
            })
        }
    }
}

pub fn grade_meaning(g: Grade) -> &'static str {
    match g {
        Grade::A => "completely reliable",
        Grade::B => "usually reliable",
        Grade::C => "fairly reliable",
        Grade::D => "not usually reliable",
        Grade::E => "unreliable",
        Grade::F => "reliability cannot be judged",
    }
}
