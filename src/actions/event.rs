use super::*;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub slug: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    /// `--type`; named `event_type` in NDJSON, where `type` is the record's.
    pub event_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn event_body(i: &EventInput, base: Option<&EventBody>) -> Result<EventBody> {
    let title = match (&i.title, base) {
        (Some(t), _) => model::name("--title", t)?,
        (None, Some(b)) => b.title.clone(),
        (None, None) => return Err(Error::Invalid("--title is required".into())),
    };
    let date = match (&i.date, base) {
        (Some(d), _) => d.trim().to_string(),
        (None, Some(b)) => b.date.clone(),
        (None, None) => {
            return Err(Error::Invalid(
                "--date is required (YYYY-MM-DD, or a range A..B)".into(),
            ));
        }
    };
    model::event_date("--date", &date)?;
    let coord = |field: &str, v: Option<String>, limit: f64| -> Result<Option<String>> {
        v.filter(|s| !s.trim().is_empty())
            .map(|s| model::coordinate(field, &s, limit))
            .transpose()
    };
    let lat = coord("--lat", keep(&i.lat, base.map(|b| &b.lat)), 90.0)?;
    let lon = coord("--lon", keep(&i.lon, base.map(|b| &b.lon)), 180.0)?;
    if lat.is_some() != lon.is_some() {
        return Err(Error::Invalid(
            "--lat and --lon go together: give both or neither".into(),
        ));
    }
    Ok(EventBody {
        title,
        date,
        place: model::opt_name("--place", keep(&i.place, base.map(|b| &b.place)).as_deref())?,
        region: model::opt_name("--region", keep(&i.region, base.map(|b| &b.region)).as_deref())?,
        country: model::opt_name("--country", keep(&i.country, base.map(|b| &b.country)).as_deref())?,
        lat,
        lon,
        event_type: model::opt_name("--type", keep(&i.event_type, base.map(|b| &b.event_type)).as_deref())?,
        reason: None,
    })
}

const OPS: &[Op] = &[Op::EventAdd, Op::EventAmend];

pub fn add_event(tx: &mut Tx, i: &EventInput) -> Result<Entry> {
    let slug = new_slug(tx, "event slug", &i.slug, "event")?;
    let body = event_body(i, None)?;
    tx.append(Op::EventAdd, &slug, body)
}

pub fn amend_event(tx: &mut Tx, i: &EventInput) -> Result<Entry> {
    let mut base: EventBody = current(tx, &i.slug, OPS)?
        .ok_or_else(|| Error::unknown("event in event slug", &i.slug, "add it first with `tally event add`"))?;
    base.reason = None;
    let mut body = event_body(i, Some(&base))?;
    if body == base {
        return Err(Error::Invalid(format!(
            "nothing to amend: give at least one changed field for event '{}'",
            i.slug
        )));
    }
    body.reason = reason("--reason", i.reason.as_deref())?;
    tx.append(Op::EventAmend, &i.slug, body)
}
