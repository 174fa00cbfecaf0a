use super::{Ctx, opt, read_text_file, table};
use std::path::PathBuf;
use tally::actions::{self, CaptureFile, ClaimInput, ReportInput};
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
        /// Only reports that carry a claim about this event
        #[arg(long)]
        event: Option<String>,
    },
    /// Retract a report and every claim it carries, with the reason
    Retract(super::claim::Undo),
    /// Undo a report's retraction (claims retracted one by one stay retracted)
    Restore(super::claim::Undo),
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
        let capture = self.capture.as_ref().map(|path| CaptureFile {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "capture".into()),
            path: path.clone(),
        });
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
                .map(|c| parse_compact("--claim", c))
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
            ctx.record(&mut ledger, "amended", |tx| actions::amend_report(tx, &a.id, &input))
        }
        Command::Retract(u) => ctx.record(&mut ledger, "retracted", |tx| {
            actions::retract_report(tx, &u.id, &u.reason)
        }),
        Command::Restore(u) => ctx.record(&mut ledger, "restored", |tx| {
            actions::restore_report(tx, &u.id, &u.reason)
        }),
        Command::List { source, event } => {
            let list = query::reports(ledger.conn(), source.as_deref(), event.as_deref())?;
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
                            if r.retracted { "retracted".into() } else { String::new() },
                        ]
                    })
                    .collect();
                writeln!(
                    out,
                    "{}",
                    table(&["id", "source", "published", "title", "rev", ""], rows)
                )
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

/// Parses the compact claim form `KIND[:SUBJECT]=VALUE[;key=value…]`.
///
/// For counts VALUE is the quantity phrase; for `responsibility` it is the
/// actor. Keys: `origin`, `hedge`, `quote`, `note`, `stance`, `low`,
/// `high`, `event`, `subject`, `desc`.
pub fn parse_compact(field: &str, s: &str) -> Result<ClaimInput> {
    let bad = |why: &str| Error::Invalid(format!("invalid {field} '{}': {why}", tally::model::shorten(s)));
    let mut parts = s.split(';');
    let head = parts.next().unwrap_or_default();
    let (lhs, value) = head.split_once('=').ok_or_else(|| {
        bad("expected KIND[:SUBJECT]=VALUE[;key=value…], such as killed:civilians=at least 7;origin=army")
    })?;
    let (kind, subject) = match lhs.split_once(':') {
        Some((k, s)) => (k.trim(), Some(s.trim().to_string())),
        None => (lhs.trim(), None),
    };
    let kind = tally::model::Kind::parse(field, kind)?;
    let mut c = ClaimInput {
        kind: Some(kind.as_str().to_string()),
        subject,
        ..Default::default()
    };
    let value = value.trim();
    if kind == tally::model::Kind::Responsibility {
        c.actor = Some(value.to_string());
    } else if !value.is_empty() {
        c.count = Some(value.to_string());
    }
    for part in parts.filter(|p| !p.trim().is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| bad(&format!("'{}' is not key=value", part.trim())))?;
        let v = v.trim().to_string();
        let int = |v: &str| {
            v.parse::<i64>()
                .map_err(|_| bad(&format!("{} must be a whole number", k.trim())))
        };
        match k.trim() {
            "origin" => c.origin = Some(v),
            "hedge" => c.hedge = Some(v),
            "quote" => c.quote = Some(v),
            "note" => c.note = Some(v),
            "stance" => c.stance = Some(v),
            "event" => c.event = Some(v),
            "subject" => c.subject = Some(v),
            "desc" => c.actor_desc = Some(v),
            "low" => c.low = Some(int(&v)?),
            "high" => c.high = Some(int(&v)?),
            other => {
                return Err(bad(&format!(
                    "unknown key '{other}'; accepted keys are origin, hedge, quote, note, stance, event, subject, desc, low, high"
                )));
            }
        }
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_claims() {
        let c = parse_compact(
            "--claim",
            "killed:Malian soldiers=seven;origin=Malian army;hedge=reported",
        )
        .unwrap();
        assert_eq!(c.kind.as_deref(), Some("killed"));
        assert_eq!(c.subject.as_deref(), Some("Malian soldiers"));
        assert_eq!(c.count.as_deref(), Some("seven"));
        assert_eq!(c.origin.as_deref(), Some("Malian army"));
        assert_eq!(c.hedge.as_deref(), Some("reported"));
        let c = parse_compact("--claim", "responsibility=jnim;stance=claimed").unwrap();
        assert_eq!(
            (c.actor.as_deref(), c.stance.as_deref()),
            (Some("jnim"), Some("claimed"))
        );
        let c = parse_compact("--claim", "count:vehicles captured=at least three").unwrap();
        assert_eq!(c.count.as_deref(), Some("at least three"));
        let c = parse_compact("--claim", "killed=;low=3;high=5").unwrap();
        assert_eq!((c.count, c.low, c.high), (None, Some(3), Some(5)));
        assert!(parse_compact("--claim", "killed seven").is_err());
        assert!(
            parse_compact("--claim", "slain=7")
                .unwrap_err()
                .to_string()
                .contains("killed")
        );
        assert!(parse_compact("--claim", "killed=7;colour=red").is_err());
        assert!(parse_compact("--claim", "killed=7;low=x").is_err());
    }
}
