use super::*;

/// A captured file to store with a report, named by the user.
#[derive(Debug, Clone)]
pub struct CaptureFile {
    pub name: String,
    pub path: std::path::PathBuf,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    pub source: Option<String>,
    pub published: Option<String>,
    pub retrieved: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<ClaimInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip)]
    pub capture: Option<CaptureFile>,
}

fn capture(tx: &mut Tx, file: &CaptureFile) -> Result<Capture> {
    let name = model::name("--capture", &file.name)?;
    let (sha256, size) = tx.put_blob_file("--capture", &file.path)?;
    Ok(Capture { sha256, name, size })
}

/// What `report add` recorded.
#[derive(Debug, Clone, Serialize)]
pub struct ReportAdded {
    pub report: Entry,
    pub claims: Vec<Entry>,
}

/// Adds a report and the claims it carries. `event` is the default event
/// for claims that do not name one.
pub fn add_report(tx: &mut Tx, i: &ReportInput, event: Option<&str>, at: &str) -> Result<ReportAdded> {
    let source = query::need_source(tx.conn(), "--source", need("--source", &i.source)?)?;
    let body = ReportBody {
        source: source.slug,
        title: model::opt_name("--title", i.title.as_deref())?,
        url: model::url("--url", i.url.as_deref())?,
        published: i
            .published
            .as_deref()
            .map(|p| model::timestamp("--published", p))
            .transpose()?,
        retrieved: match &i.retrieved {
            Some(r) => model::timestamp("--retrieved", r)?,
            None => at.to_string(),
        },
        language: model::opt_name("--language", i.language.as_deref())?,
        text: i.text.as_deref().map(|t| model::text("--text", t)).transpose()?,
        capture: match &i.capture {
            Some(f) => Some(capture(tx, f)?),
            None => None,
        },
        reason: None,
    };
    let id = EntityId::new(IdKind::Report, tx.next_num(IdKind::Report)?).to_string();
    let report = tx.append(Op::ReportAdd, &id, body)?;
    let mut claims = Vec::with_capacity(i.claims.len());
    for (n, c) in i.claims.iter().enumerate() {
        let mut c = c.clone();
        c.report = Some(id.clone());
        if c.event.is_none() {
            c.event = event.map(str::to_string);
        }
        let entries = add_claim_record(tx, &c).map_err(|e| match e {
            Error::Invalid(m) if i.claims.len() > 1 => Error::Invalid(format!("claim {}: {m}", n + 1)),
            e => e,
        })?;
        claims.extend(entries);
    }
    Ok(ReportAdded { report, claims })
}

pub fn amend_report(tx: &mut Tx, id: &str, i: &ReportInput) -> Result<Entry> {
    let mut base: ReportBody = current(tx, id, &[Op::ReportAdd, Op::ReportAmend])?.ok_or_else(|| {
        Error::unknown(
            "report in report id",
            id,
            "report ids look like r1, r2, …; see `tally report list`",
        )
    })?;
    base.reason = None;
    if let Some(s) = &i.source
        && *s != base.source
    {
        return Err(Error::Invalid(
            "--source cannot be amended: a report is one publication by one source; add a new report instead".into(),
        ));
    }
    let old = Some(&base);
    let mut body = ReportBody {
        source: base.source.clone(),
        title: model::opt_name("--title", keep(&i.title, old.map(|b| &b.title)).as_deref())?,
        url: model::url("--url", keep(&i.url, old.map(|b| &b.url)).as_deref())?,
        published: keep(&i.published, old.map(|b| &b.published))
            .map(|p| model::timestamp("--published", &p))
            .transpose()?,
        retrieved: match &i.retrieved {
            Some(r) => model::timestamp("--retrieved", r)?,
            None => base.retrieved.clone(),
        },
        language: model::opt_name("--language", keep(&i.language, old.map(|b| &b.language)).as_deref())?,
        text: keep(&i.text, old.map(|b| &b.text))
            .map(|t| model::text("--text", &t))
            .transpose()?,
        capture: match &i.capture {
            Some(f) => Some(capture(tx, f)?),
            None => base.capture.clone(),
        },
        reason: None,
    };
    if body == base {
        return Err(Error::Invalid(format!(
            "nothing to amend: give at least one changed field for report '{id}'"
        )));
    }
    body.reason = reason("--reason", i.reason.as_deref())?;
    tx.append(Op::ReportAmend, id, body)
}

/// Retracts a report, and with it every claim it carries (one entry); a
/// report already retracted is refused.
pub fn retract_report(tx: &mut Tx, id: &str, why: &str) -> Result<Entry> {
    let why = required_reason(why, "the report is retracted")?;
    if query::need_report(tx.conn(), "report id", id)?.retracted {
        return Err(Error::Invalid(format!(
            "report '{id}' is already retracted; `tally report restore` undoes that"
        )));
    }
    tx.append(Op::ReportRetract, id, RetractBody { reason: why })
}

/// Undoes a report's retraction (claims retracted one by one stay
/// retracted); a report that is not retracted is refused.
pub fn restore_report(tx: &mut Tx, id: &str, why: &str) -> Result<Entry> {
    let why = required_reason(why, "the retraction is undone")?;
    if !query::need_report(tx.conn(), "report id", id)?.retracted {
        return Err(Error::Invalid(format!(
            "report '{id}' is not retracted: only a retracted report can be restored"
        )));
    }
    tx.append(Op::ReportRestore, id, RetractBody { reason: why })
}
