use super::*;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    pub slug: String,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub grade: Option<String>,
    pub url: Option<String>,
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

const OPS: &[Op] = &[Op::SourceAdd, Op::SourceAmend];

/// A source body from an input, on top of `base` for amendments.
fn body(i: &SourceInput, base: Option<&SourceBody>) -> Result<SourceBody> {
    let name = match (&i.name, base) {
        (Some(n), _) => model::name("--name", n)?,
        (None, Some(b)) => b.name.clone(),
        (None, None) => return Err(Error::Invalid("--name is required".into())),
    };
    Ok(SourceBody {
        name,
        kind: match &i.kind {
            Some(k) => SourceKind::parse("--kind", k)?,
            None => base.map_or(SourceKind::Other, |b| b.kind),
        },
        grade: match &i.grade {
            Some(g) => Grade::parse("--grade", g)?,
            None => base.map_or(Grade::F, |b| b.grade),
        },
        url: model::url("--url", keep(&i.url, base.map(|b| &b.url)).as_deref())?,
        note: model::opt_note("--note", keep(&i.note, base.map(|b| &b.note)).as_deref())?,
        reason: None,
    })
}

pub fn add_source(tx: &mut Tx, i: &SourceInput) -> Result<Entry> {
    let slug = new_slug(tx, "source slug", &i.slug, "source")?;
    let body = body(i, None)?;
    tx.append(Op::SourceAdd, &slug, body)
}

pub fn amend_source(tx: &mut Tx, i: &SourceInput) -> Result<Entry> {
    let mut base: SourceBody = current(tx, &i.slug, OPS)?
        .ok_or_else(|| Error::unknown("source in source slug", &i.slug, "add it first with `tally source add`"))?;
    base.reason = None;
    let mut body = body(i, Some(&base))?;
    if body == base {
        return Err(Error::Invalid(format!(
            "nothing to amend: give at least one changed field for source '{}'",
            i.slug
        )));
    }
    body.reason = reason("--reason", i.reason.as_deref())?;
    tx.append(Op::SourceAmend, &i.slug, body)
}
