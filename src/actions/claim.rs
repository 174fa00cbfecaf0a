use super::*;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimInput {
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    pub kind: Option<String>,
    pub subject: Option<String>,
    pub count: Option<String>,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub actor: Option<String>,
    pub actor_desc: Option<String>,
    pub stance: Option<String>,
    pub origin: Option<String>,
    pub hedge: Option<String>,
    pub quote: Option<String>,
    pub note: Option<String>,
    /// Import only: the claim was retracted, for this reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retracted: Option<String>,
}

/// The origin as stored: a source's or actor's slug when the text names
/// one, otherwise the text as given.
/// The source's or actor's slug that an origin names now, or the text:
/// what decides the claim's default hedge and stance. The claim stores the
/// text as written; reads resolve it again with the aliases of their day.
fn resolve_origin(tx: &mut Tx, origin: &str) -> Result<String> {
    tx.origin(origin, |conn, origin| {
        let origin = origin.to_string();
        if let Some(slug) = query::source_named(conn, &origin)? {
            return Ok(slug);
        }
        if let Some(a) = query::resolve_actor(conn, &origin)? {
            return Ok(a);
        }
        Ok(origin)
    })
}

/// Builds a claim body from an input, on top of `base` for amendments.
fn claim_body(tx: &mut Tx, i: &ClaimInput, base: Option<&ClaimBody>) -> Result<ClaimBody> {
    let event = match (&i.event, base) {
        (Some(e), _) if tx.event_exists(e)? => e.clone(),
        (Some(e), _) => {
            return Err(Error::unknown(
                "event in --event",
                e,
                "add it first with `tally event add`",
            ));
        }
        (None, Some(b)) => b.event.clone(),
        (None, None) => {
            return Err(Error::Invalid(
                "--event is required: the event the claim is about".into(),
            ));
        }
    };
    let report = match (&i.report, base) {
        (Some(r), None) => r.as_str(),
        (Some(r), Some(b)) if *r != b.report => {
            return Err(Error::Invalid(
                "--report cannot be amended: a claim's provenance is fixed; add a new claim".into(),
            ));
        }
        (_, Some(b)) => b.report.as_str(),
        (None, None) => {
            return Err(Error::Invalid(
                "--report is required: no claim without provenance".into(),
            ));
        }
    };
    let report_source = tx.report_source(report)?.ok_or_else(|| {
        Error::unknown(
            "report in --report",
            report,
            "report ids look like r1, r2, …; see `tally report list`",
        )
    })?;
    let kind = match (&i.kind, base) {
        (Some(k), _) => Kind::parse("--kind", k)?,
        (None, Some(b)) => b.kind,
        (None, None) => {
            return Err(Error::Invalid(format!(
                "--kind is required: one of {}",
                Kind::accepted()
            )));
        }
    };
    let subject = match (&i.subject, base) {
        (Some(s), _) => model::subject(s)?,
        (None, Some(b)) => b.subject.clone(),
        (None, None) => "total".to_string(),
    };
    // The origin as written, and what it names now.
    let (origin_text, origin) = match (&i.origin, base) {
        (Some(o), _) => {
            let text = model::name("--origin", o)?;
            let resolved = resolve_origin(tx, &text)?;
            (text, resolved)
        }
        (None, Some(b)) => (b.origin.clone(), resolve_origin(tx, &b.origin)?),
        (None, None) => (report_source.clone(), report_source.clone()),
    };
    let hedge = match (&i.hedge, base) {
        (Some(h), _) => Hedge::parse("--hedge", h)?,
        (None, Some(b)) => b.hedge,
        // Another origin's word, relayed: "reported" unless said otherwise.
        (None, None) if origin != report_source => Hedge::Reported,
        (None, None) => Hedge::Asserted,
    };
    let quote = model::opt_note("--quote", keep(&i.quote, base.map(|b| &b.quote)).as_deref())?;
    let note = model::opt_note("--note", keep(&i.note, base.map(|b| &b.note)).as_deref())?;

    let mut body = ClaimBody {
        event,
        report: report.to_string(),
        kind,
        subject,
        phrase: None,
        low: None,
        high: None,
        point: None,
        actor: None,
        actor_desc: None,
        stance: None,
        origin: origin_text,
        hedge,
        quote,
        note,
        reason: None,
    };
    if kind == Kind::Responsibility {
        if i.count.is_some() || i.low.is_some() || i.high.is_some() {
            return Err(Error::Invalid(
                "--count/--low/--high do not apply to a responsibility claim; give --actor and --stance".into(),
            ));
        }
        let actor = match (&i.actor, base.and_then(|b| b.actor.as_ref())) {
            (Some(a), _) if model::fold(a) == "unknown" => "unknown".to_string(),
            (Some(a), _) => resolve_actor(tx, "--actor", a)?,
            (None, Some(a)) => a.clone(),
            (None, None) => {
                return Err(Error::Invalid(
                    "--actor is required for a responsibility claim: an actor's slug or alias, or 'unknown'".into(),
                ));
            }
        };
        body.actor_desc = model::opt_name(
            "--actor-desc",
            keep(&i.actor_desc, base.map(|b| &b.actor_desc)).as_deref(),
        )?;
        body.stance = Some(match (&i.stance, base.and_then(|b| b.stance)) {
            (Some(s), _) => Stance::parse("--stance", s)?,
            (None, Some(s)) => s,
            // The actor's own word is a claim; anyone else's an attribution.
            (None, None) if origin == actor => Stance::Claimed,
            (None, None) => Stance::Attributed,
        });
        body.actor = Some(actor);
    } else {
        if i.actor.is_some() || i.stance.is_some() {
            return Err(Error::Invalid(format!(
                "--actor/--stance apply only to --kind responsibility, not to {kind}"
            )));
        }
        // A new phrase is read afresh; new bounds alone adjust the old phrase.
        let (phrase, low, high) = match base {
            Some(b) if i.count.is_none() => (b.phrase.as_deref(), i.low.or(b.low), i.high.or(b.high)),
            _ => (i.count.as_deref(), i.low, i.high),
        };
        let q = quantity::with_overrides(phrase, low, high).map_err(|(_, msg)| Error::Invalid(msg))?;
        body.phrase = Some(q.phrase);
        body.low = Some(q.low);
        body.high = q.high;
        body.point = Some(q.point);
    }
    Ok(body)
}

pub fn add_claim(tx: &mut Tx, i: &ClaimInput) -> Result<Entry> {
    let body = claim_body(tx, i, None)?;
    let id = EntityId::new(IdKind::Claim, tx.next_num(IdKind::Claim)?).to_string();
    tx.append(Op::ClaimAdd, &id, body)
}

/// Adds a claim and, when the input says it was retracted (import),
/// retracts it straight after. Returns the entries written.
pub fn add_claim_record(tx: &mut Tx, i: &ClaimInput) -> Result<Vec<Entry>> {
    let added = add_claim(tx, i)?;
    match &i.retracted {
        Some(why) => {
            let retracted = retract_claim(tx, &added.entity, why)?;
            Ok(vec![added, retracted])
        }
        None => Ok(vec![added]),
    }
}

/// The current body of claim `id`, which must not be retracted.
fn current_claim_body(tx: &Tx, id: &str) -> Result<ClaimBody> {
    let view = query::need_claim(tx.conn(), "claim id", id)?;
    if view.retracted {
        return Err(Error::Invalid(format!(
            "claim '{id}' is retracted; add a new claim instead"
        )));
    }
    current(tx, id, &[Op::ClaimAdd, Op::ClaimAmend])?
        .ok_or_else(|| Error::Integrity(format!("claim {id} has no journal entry")))
}

pub fn amend_claim(tx: &mut Tx, id: &str, i: &ClaimInput, why: &str) -> Result<Entry> {
    let why = model::opt_note("--reason", Some(why))?
        .ok_or_else(|| Error::Invalid("--reason is required: say why the claim changes".into()))?;
    let mut base = current_claim_body(tx, id)?;
    base.reason = None;
    let mut body = claim_body(tx, i, Some(&base))?;
    if body == base {
        return Err(Error::Invalid(format!(
            "nothing to amend: give at least one changed field for claim '{id}'"
        )));
    }
    body.reason = Some(why);
    tx.append(Op::ClaimAmend, id, body)
}

pub fn retract_claim(tx: &mut Tx, id: &str, why: &str) -> Result<Entry> {
    let why = required_reason(why, "the claim is retracted")?;
    current_claim_body(tx, id)?;
    tx.append(Op::ClaimRetract, id, RetractBody { reason: why })
}

/// Undoes a claim's retraction; a claim that is not retracted is refused.
pub fn restore_claim(tx: &mut Tx, id: &str, why: &str) -> Result<Entry> {
    let why = required_reason(why, "the retraction is undone")?;
    if !query::need_claim(tx.conn(), "claim id", id)?.retracted {
        return Err(Error::Invalid(format!(
            "claim '{id}' is not retracted: only a retracted claim can be restored"
        )));
    }
    tx.append(Op::ClaimRestore, id, RetractBody { reason: why })
}
