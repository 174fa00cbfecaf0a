use super::{Ctx, opt, read_file, read_text_file, table};
use std::path::PathBuf;
use tally::actions::{self, CaptureFile, ReportInput};
use tally::error::{Error, Result};
use tally::ledger::query::{self, ClaimFilter};

/// Reports: one publication by one source, and the claims it carries
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Log a report, optionally with its claims
    ///
    /// Claims use the compact form KIND[:SUBJECT]=VALUE[;key=value…], e.g.
    /// --claim 'killed:Malian soldiers=seven;origin=Malian army;hedge=reported'
    /// --claim 'responsibility=jnim;stance=claimed'
    Add(AddArgs),
    /// Revise a report's text, title, URL, dates or capture
    Amend(AmendArgs),
    /// List reports
    List {
        /// Only this source's reports
        #[arg(long)]
        source: Option<String>,
    },
    /// Show one report with its claims
    Show { id: String },
}

#[derive(Debug, clap::Args)]
pub struct Common {
    /// When it was published: YYYY-MM-DD or an RFC 3339 time
    #[arg(long)]
    published: Option<String>,
    /// When it was retrieved [default: now]
    #[arg(long)]
    retrieved: Option<String>,
    /// Its headline
    #[arg(long)]
    title: Option<String>,
    /// Where it was published
    #[arg(long)]
    url: Option<String>,
    /// Language code, such as fr or en
    #[arg(long)]
    language: Option<String>,
    /// Its text or an excerpt
    #[arg(long, conflicts_with = "text_file")]
    text: Option<String>,
    /// Read the text from a UTF-8 file
    #[arg(long, value_name = "FILE")]
    text_file: Option<PathBuf>,
    /// A captured copy (HTML, PDF, image), stored by its SHA-256
    #[arg(long, value_name = "FILE")]
    capture: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The publishing source's slug
    #[arg(long)]
    source: String,
    #[command(flatten)]
    common: Common,
    /// The event the --claim options are about
    #[arg(long)]
    event: Option<String>,
    /// A claim in compact form (repeatable)
    #[arg(long = "claim", value_name = "CLAIM")]
    claims: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct AmendArgs {
    /// The report id, such as r3
    id: String,
    #[command(flatten)]
    common: Common,
    /// Why it changes
    #[arg(long)]
    reason: Option<String>,
}

impl Common {
    fn input(self) -> Result<ReportInput> {
        let text = match (&self.text, &self.text_file) {
            (_, Some(path)) => Some(read_text_file("--text-file", path)?),
            (t, None) => t.clone(),
        };
        let capture = match &self.capture {
            Some(path) => Some(CaptureFile {
                name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "capture".into()),
                bytes: read_file("--capture", path)?,
            }),
            None => None,
        };
        Ok(ReportInput {
            published: self.published,
            retrieved: self.retrieved,
            title: self.title,
            url: self.url,
            language: self.language,
            text,
            capture,
            ..Default::default()
        })
    }
}

pub fn run(ctx: &Ctx, cmd: Command) -> Result<()> {
    let mut ledger = ctx.open()?;
    match cmd {
        Command::Add(a) => {
            let mut input = a.common.input()?;
            input.source = Some(a.source);
            input.claims = a
                .claims
                .iter()
                .map(|c| actions::parse_compact("--claim", c))
                .collect::<Result<_>>()?;
            if a.event.is_some() && input.claims.is_empty() {
                return Err(Error::Invalid("--event is only used with --claim".into()));
            }
            let stamp = ctx.stamp()?;
            let added = ledger.write(&stamp, |tx| {
                actions::add_report(tx, &input, a.event.as_deref(), &stamp.at)
            })?;
            ctx.emit(&added, |out| {
                writeln!(
                    out,
                    "recorded report {} (seq {})",
                    added.report.entity, added.report.seq
                )?;
                for c in &added.claims {
                    writeln!(out, "recorded claim {} (seq {})", c.entity, c.seq)?;
                }
                Ok(())
            })
        }
        Command::Amend(a) => {
            let mut input = a.common.input()?;
            input.reason = a.reason;
            let entry = ledger.write(&ctx.stamp()?, |tx| actions::amend_report(tx, &a.id, &input))?;
            ctx.emit(&entry, |out| {
                writeln!(out, "amended report {} (seq {})", entry.entity, entry.seq)
            })
        }
        Command::List { source } => {
            let list = query::reports(ledger.conn(), source.as_deref())?;
            let brief: Vec<_> = list
                .into_iter()
                .map(|r| tally::ledger::query::ReportView { text: None, ..r })
                .collect();
            ctx.emit(&brief, |out| {
                let rows = brief
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.clone(),
                            r.source.clone(),
                            opt(&r.published),
                            opt(&r.title),
                            r.revision.to_string(),
                        ]
                    })
                    .collect();
                writeln!(out, "{}", table(&["id", "source", "published", "title", "rev"], rows))
            })
        }
        Command::Show { id } => {
            let r = query::need_report(ledger.conn(), "report id", &id)?;
            let claims = query::claims(
                ledger.conn(),
                &ClaimFilter {
                    report: Some(&id),
                    include_retracted: true,
                    ..Default::default()
                },
            )?;
            #[derive(serde::Serialize)]
            struct Shown<'a> {
                #[serde(flatten)]
                report: &'a query::ReportView,
                claims: Vec<&'a str>,
            }
            let shown = Shown {
                report: &r,
                claims: claims.iter().map(|c| c.id.as_str()).collect(),
            };
            ctx.emit(&shown, |out| {
                writeln!(
                    out,
                    "{} — {}\nsource:    {}\npublished: {}\nretrieved: {}\nurl:       {}\nlanguage:  {}\nrevision:  {}",
                    r.id,
                    opt(&r.title),
                    r.source,
                    opt(&r.published),
                    r.retrieved,
                    opt(&r.url),
                    opt(&r.language),
                    r.revision
                )?;
                if let (Some(sha), Some(name)) = (&r.capture_sha256, &r.capture_name) {
                    writeln!(
                        out,
                        "capture:   {name} ({} bytes) sha256 {sha}",
                        r.capture_size.unwrap_or(0)
                    )?;
                }
                if !claims.is_empty() {
                    writeln!(out, "claims:    {}", shown.claims.join(", "))?;
                }
                if let Some(t) = &r.text {
                    writeln!(out, "\n{t}")?;
                }
                Ok(())
            })
        }
    }
}
