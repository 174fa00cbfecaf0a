use super::*;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub event: String,
    pub kind: String,
    pub subject: Option<String>,
    pub value: i64,
    pub reason: String,
}

pub fn add_decision(tx: &mut Tx, i: &DecisionInput) -> Result<Entry> {
    let event = query::need_event(tx.conn(), "--event", &i.event)?.slug;
    let kind = Kind::parse("--kind", &i.kind)?;
    if kind == Kind::Responsibility {
        return Err(Error::Invalid(
            "--kind responsibility cannot be decided by value; choose a count kind".into(),
        ));
    }
    let subject = model::name("--subject", i.subject.as_deref().unwrap_or("total"))?;
    if !(0..=quantity::MAX_NUMBER).contains(&i.value) {
        return Err(Error::invalid(
            "--value",
            i.value,
            format!("expected a whole number from 0 to {}", quantity::MAX_NUMBER),
        ));
    }
    let has_claims = query::claims(
        tx.conn(),
        &query::ClaimFilter {
            event: Some(&event),
            ..Default::default()
        },
    )?
    .iter()
    .any(|c| c.kind == kind && model::fold(&c.subject) == model::fold(&subject));
    if !has_claims {
        return Err(Error::Invalid(format!(
            "event '{event}' has no current {kind} claims about '{subject}': --kind and --subject must name a reconciled group"
        )));
    }
    let reason =
        model::opt_note("--reason", Some(&i.reason))?.ok_or_else(|| Error::Invalid("--reason is required".into()))?;
    let body = DecisionBody {
        event,
        kind,
        subject,
        value: i.value,
        reason,
    };
    let id = EntityId::new(IdKind::Decision, tx.next_num(IdKind::Decision)?).to_string();
    tx.append(Op::DecisionAdd, &id, body)
}
