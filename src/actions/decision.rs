use super::*;

/// A decision: `value` alone (the range is that value), or `low` with an
/// optional `high` (absent = unbounded) and an optional `value` within them
/// (else `low`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub event: String,
    pub kind: String,
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<i64>,
    pub reason: String,
}

/// A whole number within what tally accepts, for `field`.
fn count(field: &str, n: i64) -> Result<i64> {
    if (0..=quantity::MAX_NUMBER).contains(&n) {
        Ok(n)
    } else {
        Err(Error::invalid(
            field,
            n,
            format!("expected a whole number from 0 to {}", quantity::MAX_NUMBER),
        ))
    }
}

pub fn add_decision(tx: &mut Tx, i: &DecisionInput) -> Result<Entry> {
    let event = query::need_event(tx.conn(), "--event", &i.event)?.slug;
    let kind = Kind::parse("--kind", &i.kind)?;
    if kind == Kind::Responsibility {
        return Err(Error::Invalid(
            "--kind responsibility cannot be decided by value; choose a count kind".into(),
        ));
    }
    let subject = model::subject(i.subject.as_deref().unwrap_or("total"))?;
    let (low, high, value) = match (i.low, i.high, i.value) {
        (None, None, Some(v)) => {
            let v = count("--value", v)?;
            (v, Some(v), v)
        }
        (Some(l), h, v) => {
            let l = count("--low", l)?;
            let h = h.map(|h| count("--high", h)).transpose()?;
            if let Some(h) = h
                && h < l
            {
                return Err(Error::Invalid(format!(
                    "--low {l} is above --high {h}: give a range low ≤ high"
                )));
            }
            let v = count("--value", v.unwrap_or(l))?;
            if v < l || h.is_some_and(|h| v > h) {
                return Err(Error::Invalid(format!(
                    "--value {v} is outside the decided range {l}–{}",
                    h.map_or("∞".into(), |h| h.to_string())
                )));
            }
            (l, h, v)
        }
        (None, Some(_), _) => return Err(Error::Invalid("--high needs --low: give the range's low end".into())),
        (None, None, None) => {
            return Err(Error::Invalid(
                "a decision needs --value N, or --low L [--high H] [--value N]".into(),
            ));
        }
    };
    let has_claims = query::claims(
        tx.conn(),
        &query::ClaimFilter {
            event: Some(&event),
            ..Default::default()
        },
    )?
    .iter()
    .any(|c| c.kind == kind && model::subject_key(&c.subject) == model::subject_key(&subject));
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
        value,
        low: Some(low),
        high: Some(high),
        reason,
    };
    let id = EntityId::new(IdKind::Decision, tx.next_num(IdKind::Decision)?).to_string();
    tx.append(Op::DecisionAdd, &id, body)
}
