use super::*;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorInput {
    pub slug: String,
    pub name: Option<String>,
    /// official, state, armed-group, organisation, person or other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn check_aliases(tx: &Tx, slug: &str, names: &[&str]) -> Result<()> {
    for n in names {
        if let Some(owner) = query::resolve_actor(tx.conn(), n)?
            && owner != slug
        {
            return Err(Error::Invalid(format!(
                "--alias '{n}' already names actor '{owner}'; an alias must name one actor"
            )));
        }
    }
    Ok(())
}

/// The most aliases one actor may have.
pub const MAX_ALIASES: usize = 200;

/// The aliases, each spelling once (case- and space-insensitively), in the
/// order given.
fn aliases(list: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for a in list {
        let a = model::name("--alias", a)?;
        if seen.insert(model::fold(&a)) {
            out.push(a);
        }
        if out.len() > MAX_ALIASES {
            return Err(Error::Invalid(format!(
                "--alias: an actor may have at most {MAX_ALIASES} aliases"
            )));
        }
    }
    Ok(out)
}

const OPS: &[Op] = &[Op::ActorAdd, Op::ActorAmend];

pub fn add_actor(tx: &mut Tx, i: &ActorInput) -> Result<Entry> {
    if model::fold(&i.slug) == "unknown" {
        return Err(Error::Invalid(
            "actor slug 'unknown' is reserved for unattributed acts".into(),
        ));
    }
    let slug = new_slug(tx, "actor slug", &i.slug, "actor")?;
    let name = model::name("--name", need("--name", &i.name)?)?;
    let aliases = aliases(&i.aliases)?;
    let mut all: Vec<&str> = vec![&slug, &name];
    all.extend(aliases.iter().map(String::as_str));
    check_aliases(tx, &slug, &all)?;
    let body = ActorBody {
        name,
        aliases,
        note: model::opt_note("--note", i.note.as_deref())?,
        kind: i
            .kind
            .as_deref()
            .map(|k| ActorKind::parse("--kind", k))
            .transpose()?
            .unwrap_or_default(),
        reason: None,
    };
    tx.append(Op::ActorAdd, &slug, body)
}

/// Amends an actor; `aliases` are added to the existing ones, in the order
/// they were given, and `remove` taken out.
pub fn amend_actor(tx: &mut Tx, i: &ActorInput, remove: &[String]) -> Result<Entry> {
    let mut base: ActorBody =
        current(tx, &i.slug, OPS)?.ok_or_else(|| Error::unknown("actor", &i.slug, "see `tally actor list`"))?;
    base.reason = None;
    let name = match &i.name {
        Some(n) => model::name("--name", n)?,
        None => base.name.clone(),
    };
    let mut list = base.aliases.clone();
    for r in remove {
        let before = list.len();
        list.retain(|a| model::fold(a) != model::fold(r));
        if list.len() == before {
            return Err(Error::Invalid(format!(
                "--remove-alias '{r}' is not an alias of actor '{}'",
                i.slug
            )));
        }
    }
    list.extend(i.aliases.iter().cloned());
    let aliases = aliases(&list)?;
    let mut all: Vec<&str> = vec![&i.slug, &name];
    all.extend(aliases.iter().map(String::as_str));
    check_aliases(tx, &i.slug, &all)?;
    let mut body = ActorBody {
        name,
        aliases,
        note: model::opt_note("--note", keep(&i.note, Some(&base.note)).as_deref())?,
        kind: match &i.kind {
            Some(k) => ActorKind::parse("--kind", k)?,
            None => base.kind,
        },
        reason: None,
    };
    if body == base {
        return Err(Error::Invalid(format!(
            "nothing to amend: give at least one changed field for actor '{}'",
            i.slug
        )));
    }
    body.reason = reason("--reason", i.reason.as_deref())?;
    tx.append(Op::ActorAmend, &i.slug, body)
}

/// Resolves an actor named by slug, name or alias.
pub fn resolve_actor(tx: &Tx, field: &str, name: &str) -> Result<String> {
    query::resolve_actor(tx.conn(), name)?.ok_or_else(|| {
        Error::Invalid(format!(
            "unknown actor in {field} '{}': give an actor's slug or alias (see `tally actor list`), or 'unknown'",
            model::shorten(name)
        ))
    })
}
