use super::{Ctx, interval, style};
use std::io::Write;
use tally::error::Result;
use tally::ledger::query::EventView;
use tally::model::{Grade, Hedge};
use tally::reconcile::{self, Estimate, EventEstimates, Options, Policy, Responsibility};

/// Reconcile conflicting reports into low / best / high estimates
///
/// Groups current claims by event, kind and subject; keeps the latest claim
/// of each origin; counts each origin once; finds the range most origins
/// agree on; and names the outliers. Responsibility is summarised per actor.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this event
    event: Option<String>,
    #[command(flatten)]
    estimates: EstimateArgs,
}

/// How estimates are made: taken by every command that prints one.
#[derive(Debug, clap::Args)]
pub struct EstimateArgs {
    /// How the best value is chosen
    #[arg(long, global = true, value_parser = super::vocab::<Policy>(), default_value = "majority")]
    policy: Policy,
    /// Leave out sources graded below this letter (A best, F worst)
    #[arg(long, global = true, value_name = "GRADE", value_parser = super::vocab::<Grade>())]
    min_grade: Option<Grade>,
    /// Leave out alleged claims
    #[arg(long, global = true)]
    no_alleged: bool,
}

impl EstimateArgs {
    pub fn options(&self) -> Options {
        Options {
            policy: self.policy,
            min_grade: self.min_grade,
            no_alleged: self.no_alleged,
        }
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let opts = args.estimates.options();
    let ledger = ctx.open()?;
    let all = reconcile::all(ledger.conn(), args.event.as_deref(), &opts)?;
    let estimates: Vec<&EventEstimates> = all.iter().map(|(_, e)| e).collect();
    ctx.emit(&estimates, |out| render(out, &all))
}

/// Human rendering of reconciled events.
pub fn render(out: &mut dyn Write, all: &[(EventView, EventEstimates)]) -> std::io::Result<()> {
    for (event, est) in all {
        let place = [event.place.as_deref(), event.country.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        writeln!(
            out,
            "{}{}{} — {} ({}{})",
            style::BOLD.render(),
            event.slug,
            style::BOLD.render_reset(),
            event.title,
            super::event::when(event),
            if place.is_empty() {
                String::new()
            } else {
                format!(", {place}")
            }
        )?;
        if est.estimates.is_empty() && est.responsibility.is_empty() {
            writeln!(out, "  no current claims\n")?;
            continue;
        }
        for e in &est.estimates {
            render_estimate(out, e)?;
        }
        for r in &est.responsibility {
            writeln!(out, "  {}", responsibility_line(r))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// "responsibility: jnim — CLAIMED: claimed via jnim; attributed by lwj;
/// with fama": each part only when it has origins.
pub fn responsibility_line(r: &Responsibility) -> String {
    let who = match &r.actor_desc {
        Some(d) => format!("{} ({d})", r.actor),
        None => r.actor.clone(),
    };
    let parts: Vec<String> = [
        ("claimed via", &r.claimed_by),
        ("attributed by", &r.attributed_by),
        ("denied via", &r.denied_by),
        ("with", &r.with),
    ]
    .into_iter()
    .filter(|(_, list)| !list.is_empty())
    .map(|(what, list)| format!("{what} {}", list.join(", ")))
    .collect();
    let st = status_style(r.status.as_str());
    format!(
        "responsibility: {who} — {}{}{}: {}",
        st.render(),
        r.status.as_str().to_uppercase(),
        st.render_reset(),
        parts.join("; ")
    )
}

fn status_style(status: &str) -> anstyle::Style {
    match status {
        "agreed" | "claimed" | "decided" => style::OK,
        "conflict" | "contested" | "denied" => style::BAD,
        _ => style::WARN,
    }
}

const BAR: usize = 32;

fn render_estimate(out: &mut dyn Write, e: &Estimate) -> std::io::Result<()> {
    let st = status_style(e.status.as_str());
    let best = e.best.map(|b| b.to_string()).unwrap_or_else(|| "-".into());
    let range = match (e.low, e.high) {
        (Some(l), h) => interval(Some(l), h),
        _ => "-".into(),
    };
    let how = match &e.decision {
        Some(d) => format!("decision {}", d.id),
        None => e.policy.to_string(),
    };
    write!(
        out,
        "  {} · {}  {}{}{}  best {best} ({how})  range {range}  {} origin{}",
        e.kind,
        e.subject,
        st.render(),
        e.status.as_str().to_uppercase(),
        st.render_reset(),
        e.origins,
        if e.origins == 1 { "" } else { "s" }
    )?;
    if !e.outliers.is_empty() {
        write!(out, "; outliers: {}", e.outliers.join(", "))?;
    }
    writeln!(out)?;
    if let Some(d) = &e.decision {
        let stale = if d.stale {
            format!(
                " {}STALE{}: a later claim does not meet the decided range",
                style::BAD.render(),
                style::BAD.render_reset()
            )
        } else {
            String::new()
        };
        let decided = if d.high == Some(d.low) {
            d.value.to_string()
        } else {
            format!("{} (best {})", interval(Some(d.low), d.high), d.value)
        };
        writeln!(out, "    decision {} = {decided}: {}{stale}", d.id, d.reason)?;
    }
    // A shared axis from 0 to a little past the largest finite bound.
    let top = e
        .claims
        .iter()
        .flat_map(|c| [Some(c.low), c.high])
        .flatten()
        .max()
        .unwrap_or(1)
        .max(1);
    let top = top.saturating_add(top / 5).saturating_add(1);
    let col = |v: i64| (((v.clamp(0, top) as f64 / top as f64) * (BAR - 1) as f64).round() as usize).min(BAR - 1);
    let (m_lo, m_hi) = e
        .majority
        .as_ref()
        .map(|m| (col(m.low), m.high.map(col).unwrap_or(BAR - 1)))
        .unwrap_or((BAR, BAR));
    for c in &e.claims {
        let (lo, hi) = (col(c.low), c.high.map(col));
        let mut cells: Vec<char> = vec![' '; BAR];
        // A bar from lo to hi (an arrow when unbounded); an interval the
        // file holds backwards, which verify reports, is drawn as a point.
        match hi {
            Some(h) if h <= lo => cells[lo] = '●',
            Some(h) => {
                cells[lo] = '├';
                cells[lo + 1..h].iter_mut().for_each(|x| *x = '─');
                cells[h] = '┤';
            }
            None => {
                cells[lo] = '├';
                cells[(lo + 1).min(BAR - 1)..BAR - 1].iter_mut().for_each(|x| *x = '─');
                cells[BAR - 1] = '→';
            }
        }
        let counted = c.counted;
        let bar: String = cells
            .iter()
            .enumerate()
            .map(|(i, ch)| {
                if counted && c.in_majority && i >= m_lo && i <= m_hi && *ch != ' ' {
                    format!("{}{ch}{}", style::HIGHLIGHT.render(), style::HIGHLIGHT.render_reset())
                } else {
                    ch.to_string()
                }
            })
            .collect();
        let phrase = super::cut(&c.phrase.clone().unwrap_or_default(), 16);
        let origin = super::cut(&c.origin, 16);
        let note = match (&c.superseded_by, &c.excluded) {
            (Some(by), _) => format!(" superseded by {by}"),
            (_, Some(why)) => format!(" excluded: {why}"),
            _ if c.hedge == Hedge::Alleged => " alleged".into(),
            _ => String::new(),
        };
        let dim = if counted { anstyle::Style::new() } else { style::DIM };
        writeln!(
            out,
            "    {}{:<5} {:<16} {:<16} {}{} |{bar}|{}{note}{}",
            dim.render(),
            c.id,
            origin,
            phrase,
            c.grade,
            dim.render_reset(),
            dim.render(),
            dim.render_reset()
        )?;
    }
    if m_lo < BAR {
        let mark: String = (0..BAR)
            .map(|i| if i >= m_lo && i <= m_hi { '▔' } else { ' ' })
            .collect();
        writeln!(
            out,
            "    {:<41} {}{mark}{} majority",
            "",
            style::HIGHLIGHT.render(),
            style::HIGHLIGHT.render_reset()
        )?;
    }
    writeln!(out, "    {:<41}0{:>width$}", "", top, width = BAR + 1)?;
    Ok(())
}
