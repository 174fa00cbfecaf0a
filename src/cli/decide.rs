use super::Ctx;
use tally::actions::{self, DecisionInput};
use tally::error::Result;
use tally::model::Kind;

/// Record an analyst's adjudication of a conflicting group
///
/// `reconcile` then shows the group as decided with this value, and flags
/// the decision stale if a later claim's interval does not contain it.
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
    /// The value decided on
    #[arg(long, allow_hyphen_values = true)]
    value: i64,
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
        reason: a.reason,
    };
    ctx.record(&mut ledger, "recorded", |tx| actions::add_decision(tx, &input))
}
