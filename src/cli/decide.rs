use super::Ctx;
use tally::actions::{self, DecisionInput};
use tally::error::Result;
use tally::model::Kind;

/// Record an analyst's adjudication of a conflicting group
///
/// A value (`--value 47`), or a range (`--low 50 --high 57`, high omitted for
/// "at least") with an optional best value inside it (else the low end).
/// `reconcile` then shows the group as decided with that range and best, and
/// flags the decision stale if a claim recorded later does not meet the range.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The event
    #[arg(long)]
    event: String,
    /// The claim kind of the group, such as killed
    #[arg(long, value_parser = super::vocab::<Kind>())]
    kind: Kind,
    /// The group's subject [default: total]
    #[arg(long)]
    subject: Option<String>,
    /// The value decided on (alone: the whole range; with --low: the best within it)
    #[arg(long, allow_hyphen_values = true)]
    value: Option<i64>,
    /// The decided range's low end
    #[arg(long, allow_hyphen_values = true)]
    low: Option<i64>,
    /// The decided range's high end [default: unbounded]
    #[arg(long, allow_hyphen_values = true, requires = "low")]
    high: Option<i64>,
    /// Why: the evidence and reasoning
    #[arg(long)]
    reason: String,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let mut ledger = ctx.open()?;
    let input = DecisionInput {
        event: a.event,
        kind: a.kind.as_str().into(),
        subject: a.subject,
        value: a.value,
        low: a.low,
        high: a.high,
        reason: a.reason,
    };
    ctx.record(&mut ledger, "recorded", |tx| actions::add_decision(tx, &input))
}
