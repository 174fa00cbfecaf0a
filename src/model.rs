//! Domain values: the closed vocabularies (source kinds, grades, claim kinds,
//! stances, hedges), the validation of
//! user-supplied fields, and the bodies that journal entries carry.
//!
//! Validation lives here so that the CLI, `import` and `ingest` accept and
//! refuse exactly the same things with the same words.

use crate::error::{Error, Result};
use crate::journal::Op;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A closed vocabulary: a fixed list of values, each with one spelling.
/// The command line lists and validates them from here, so `--help` and
/// the errors name exactly what the library accepts.
pub trait Vocabulary: Sized + Copy + Send + Sync + 'static {
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    /// Parses `value` given for `field`, case-insensitively, naming the
    /// accepted values on error.
    fn parse(field: &str, value: &str) -> Result<Self> {
        let v = value.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|x| x.as_str().eq_ignore_ascii_case(v))
            .ok_or_else(|| Error::invalid(field, value, format!("expected one of {}", Self::accepted())))
    }
    fn accepted() -> String {
        Self::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// Defines a string-valued enum with its accepted spellings.
#[macro_export]
#[doc(hidden)]
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $crate::model::Vocabulary for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];
            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = <Self as $crate::model::Vocabulary>::ALL;
            pub fn as_str(self) -> &'static str {
                <Self as $crate::model::Vocabulary>::as_str(self)
            }
            pub fn parse(field: &str, value: &str) -> $crate::error::Result<$name> {
                <Self as $crate::model::Vocabulary>::parse(field, value)
            }
            pub fn accepted() -> String {
                <Self as $crate::model::Vocabulary>::accepted()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// What kind of body a source is.
    SourceKind {
        NewsAgency = "news-agency",
        NationalMedia = "national-media",
        InternationalMedia = "international-media",
        Un = "un",
        Ngo = "ngo",
        Government = "government",
        Military = "military",
        ArmedGroup = "armed-group",
        SocialMedia = "social-media",
        LocalContact = "local-contact",
        Other = "other",
    }
);

string_enum!(
    /// Admiralty source reliability, A (completely reliable) to F (cannot be judged).
    Grade { A = "A", B = "B", C = "C", D = "D", E = "E", F = "F" }
);

string_enum!(
    /// What a claim asserts.
    Kind {
        Killed = "killed",
        Wounded = "wounded",
        Abducted = "abducted",
        Missing = "missing",
        Arrested = "arrested",
        Displaced = "displaced",
        Count = "count",
        Responsibility = "responsibility",
    }
);

string_enum!(
    /// What kind of party or speaker an actor is.
    ActorKind {
        Official = "official",
        State = "state",
        ArmedGroup = "armed-group",
        Organisation = "organisation",
        Person = "person",
        Other = "other",
    }
);

impl ActorKind {
    fn is_other(&self) -> bool {
        *self == ActorKind::Other
    }
}

#[allow(clippy::derivable_impls)] // the enum is made by a macro
impl Default for ActorKind {
    fn default() -> ActorKind {
        ActorKind::Other
    }
}

string_enum!(
    /// How an actor stands to a responsibility claim.
    Stance { Claimed = "claimed", Attributed = "attributed", Denied = "denied" }
);

string_enum!(
    /// How firmly the report states the claim.
    Hedge { Asserted = "asserted", Reported = "reported", Alleged = "alleged" }
);

/// Longest accepted name, title, place or origin, in characters.
pub const MAX_NAME: usize = 500;
/// Longest accepted quote or note.
pub const MAX_NOTE: usize = 20_000;
/// Longest accepted report text, in bytes.
pub const MAX_TEXT: usize = 16 * 1024 * 1024;

/// What a generated id names: `r12` a report, `c3` a claim, `d1` a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdKind {
    Report,
    Claim,
    Decision,
}

impl IdKind {
    pub const ALL: [IdKind; 3] = [IdKind::Report, IdKind::Claim, IdKind::Decision];

    pub fn prefix(self) -> char {
        match self {
            IdKind::Report => 'r',
            IdKind::Claim => 'c',
            IdKind::Decision => 'd',
        }
    }
}

/// A generated id: its kind's letter and a number from 1, written without
/// leading zeros, so that the id and the number name one row. The one
/// place where the r/c/d prefixes are read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId {
    pub kind: IdKind,
    pub num: i64,
}

impl EntityId {
    pub fn new(kind: IdKind, num: i64) -> EntityId {
        EntityId { kind, num }
    }

    /// `s` as a generated id, if it is one exactly.
    pub fn parse(s: &str) -> Option<EntityId> {
        let mut chars = s.chars();
        let first = chars.next()?;
        let kind = IdKind::ALL.into_iter().find(|k| k.prefix() == first)?;
        let digits = chars.as_str();
        let num: i64 = digits.parse().ok().filter(|n| *n > 0)?;
        (digits.len() <= 15 && digits == num.to_string()).then_some(EntityId { kind, num })
    }

    /// Whether `s` has a generated id's shape (`r`, `c` or `d` and only
    /// digits), which no slug may have.
    pub fn looks_generated(s: &str) -> bool {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| matches!(c, 'r' | 'c' | 'd'))
            && !chars.as_str().is_empty()
            && chars.all(|c| c.is_ascii_digit())
    }
}

impl std::fmt::Display for EntityId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.kind.prefix(), self.num)
    }
}

/// Folds a name for comparison: lowercase, whitespace collapsed.
pub fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A slug: 1–64 of `a-z 0-9 . _ -`, starting with a letter or digit, and
/// not of a generated id's shape (`c13` is refused, `c13-raid` is fine).
pub fn slug(field: &str, value: &str) -> Result<String> {
    if EntityId::looks_generated(value) {
        return Err(Error::invalid(
            field,
            value,
            "a slug may not look like a report, claim or decision id (r, c or d followed only by digits); add a word, such as c13-raid",
        ));
    }
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
        && value.as_bytes()[0].is_ascii_alphanumeric();
    if ok {
        Ok(value.to_string())
    } else {
        Err(Error::invalid(
            field,
            shorten(value),
            "expected 1-64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit",
        ))
    }
}

/// Subjects that name no group in particular: a count of them is the total.
const GENERIC_SUBJECTS: &[&str] = &[
    "total",
    "people",
    "persons",
    "person",
    "personnes",
    "personne",
    "individuals",
    "individus",
];

/// A claim's subject as written, except that the generic subjects
/// ("people", "personnes", …) are the total.
pub fn subject(value: &str) -> Result<String> {
    let s = name("--subject", value)?;
    Ok(if GENERIC_SUBJECTS.contains(&fold(&s).as_str()) {
        "total".into()
    } else {
        s
    })
}

/// The key that groups claims by subject: case and spaces folded, and the
/// generic subjects one group with the total.
pub fn subject_key(subject: &str) -> String {
    let key = fold(subject);
    if GENERIC_SUBJECTS.contains(&key.as_str()) {
        "total".into()
    } else {
        key
    }
}

/// A required single-line text such as a name or title.
/// Runs of spaces are folded to one.
pub fn name(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::Invalid(format!("{field} must not be empty")));
    }
    line(field, v).map(|s| s.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" "))
}

/// An optional single-line text: trimmed, empty means absent.
pub fn opt_name(field: &str, value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => line(field, v).map(|s| Some(s.to_string())),
    }
}

fn line<'a>(field: &str, v: &'a str) -> Result<&'a str> {
    if v.chars().count() > MAX_NAME {
        return Err(Error::Invalid(format!(
            "{field} is too long: at most {MAX_NAME} characters are accepted"
        )));
    }
    if v.chars().any(char::is_control) {
        return Err(Error::Invalid(format!(
            "{field} must be a single line without control characters"
        )));
    }
    Ok(v)
}

/// An optional multi-line note or quote.
pub fn opt_note(field: &str, value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) if v.chars().count() > MAX_NOTE => Err(Error::Invalid(format!(
            "{field} is too long: at most {MAX_NOTE} characters are accepted"
        ))),
        Some(v) if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') => {
            Err(Error::Invalid(format!("{field} must not contain control characters")))
        }
        Some(v) => Ok(Some(v.to_string())),
    }
}

/// A report's text: any UTF-8 up to [`MAX_TEXT`] bytes, NUL refused.
pub fn text(field: &str, value: &str) -> Result<String> {
    if value.len() > MAX_TEXT {
        return Err(Error::Invalid(format!(
            "{field} is too long: at most {MAX_TEXT} bytes are accepted"
        )));
    }
    if value.contains('\0') {
        return Err(Error::Invalid(format!("{field} must not contain NUL characters")));
    }
    Ok(value.to_string())
}

/// An optional URL: http(s) only, no spaces.
pub fn url(field: &str, value: Option<&str>) -> Result<Option<String>> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let ok = (v.starts_with("http://") || v.starts_with("https://"))
        && v.len() > 8
        && v.len() <= 2048
        && !v.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(Some(v.to_string()))
    } else {
        Err(Error::invalid(field, shorten(v), "expected an http:// or https:// URL"))
    }
}

/// A calendar date `YYYY-MM-DD` that exists.
pub fn date(field: &str, value: &str) -> Result<NaiveDate> {
    let v = value.trim();
    if v.len() == 10
        && let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d")
    {
        return Ok(d);
    }
    Err(Error::invalid(
        field,
        shorten(value),
        "expected a real calendar date as YYYY-MM-DD",
    ))
}

/// A publication or retrieval time: a date `YYYY-MM-DD`, or an RFC 3339
/// time, normalised to UTC `YYYY-MM-DDTHH:MM:SSZ`.
pub fn timestamp(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.len() == 10 {
        return date(field, v).map(|d| d.format("%Y-%m-%d").to_string());
    }
    match chrono::DateTime::parse_from_rfc3339(v) {
        Ok(t) => Ok(t.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        Err(_) => Err(Error::invalid(
            field,
            shorten(value),
            "expected a date YYYY-MM-DD or an RFC 3339 time such as 2017-05-09T14:03:00Z",
        )),
    }
}

/// An event's date: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a range `A..B` of
/// such. Returns (first day, last day, precision).
pub fn event_date(field: &str, value: &str) -> Result<(NaiveDate, NaiveDate, &'static str)> {
    let bad = || {
        Error::invalid(
            field,
            shorten(value),
            "expected YYYY-MM-DD, YYYY-MM or YYYY, or a range such as 2017-04-26..2017-04-27, of real dates",
        )
    };
    let one = |s: &str| -> Result<(NaiveDate, NaiveDate, &'static str)> {
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        };
        match parts.as_slice() {
            [y] => {
                let y = num(y, 4).ok_or_else(bad)? as i32;
                Ok((
                    NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(bad)?,
                    NaiveDate::from_ymd_opt(y, 12, 31).ok_or_else(bad)?,
                    "year",
                ))
            }
            [y, m] => {
                let (y, m) = (num(y, 4).ok_or_else(bad)? as i32, num(m, 2).ok_or_else(bad)?);
                let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
                let next = if m == 12 {
                    NaiveDate::from_ymd_opt(y + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(y, m + 1, 1)
                };
                Ok((first, next.ok_or_else(bad)?.pred_opt().ok_or_else(bad)?, "month"))
            }
            [_, _, _] => {
                let d = date(field, s).map_err(|_| bad())?;
                Ok((d, d, "day"))
            }
            _ => Err(bad()),
        }
    };
    let v = value.trim();
    match v.split_once("..") {
        None => one(v),
        Some((a, b)) => {
            let (start, _, p1) = one(a)?;
            let (_, end, p2) = one(b)?;
            if end < start {
                return Err(Error::Invalid(format!(
                    "invalid {field} '{}': the range ends before it starts",
                    shorten(value)
                )));
            }
            Ok((start, end, if p1 == "day" && p2 == "day" { "day" } else { "range" }))
        }
    }
}

/// A coordinate as a decimal string within ±`limit` (90 for latitude, 180 for longitude).
pub fn coordinate(field: &str, value: &str, limit: f64) -> Result<String> {
    let v = value.trim();
    let shape_ok = {
        let digits = v.strip_prefix('-').unwrap_or(v);
        let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
        !int.is_empty()
            && int.len() <= 3
            && !frac.is_empty()
            && frac.len() <= 10
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
    };
    match v.parse::<f64>() {
        Ok(x) if shape_ok && x.abs() <= limit => Ok(v.to_string()),
        _ => Err(Error::invalid(
            field,
            shorten(value),
            format!("expected a decimal number from -{limit} to {limit}, such as 16.2717"),
        )),
    }
}

/// Cuts a long value for an error message.
pub fn shorten(value: &str) -> String {
    if value.chars().count() <= 60 {
        value.to_string()
    } else {
        let head: String = value.chars().take(57).collect();
        format!("{head}...")
    }
}

// ----- journal bodies ----------------------------------------------------
//
// Each op's body is one of these structs, serialised to canonical JSON.
// Amend bodies carry the whole new state, so every revision is complete on
// its own; `reason` is the analyst's note for the change.

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitBody {
    pub ledger_id: String,
    pub version: String,
    pub demo: bool,
    /// The checkpoint origin chosen at `init --origin` (absent: the
    /// default `tally/<ledger id>`, and the genesis bytes of ledgers made
    /// before revision 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// A checkpoint origin (SPEC §8): printable ASCII, no spaces, no `+`.
pub fn checkpoint_origin(value: &str) -> Result<String> {
    let ok = !value.is_empty() && value.len() <= 255 && value.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'+');
    if ok {
        Ok(value.to_string())
    } else {
        Err(Error::invalid(
            "--origin",
            shorten(value),
            "expected 1-255 printable ASCII characters with no spaces and no '+', such as example.org/conflict-monitor",
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceBody {
    pub name: String,
    pub kind: SourceKind,
    pub grade: Grade,
    pub url: Option<String>,
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorBody {
    pub name: String,
    pub aliases: Vec<String>,
    pub note: Option<String>,
    /// `other` unless said: bodies written before actors had kinds are
    /// `other`, and a body of kind `other` reads as it did then.
    #[serde(default, skip_serializing_if = "ActorKind::is_other")]
    pub kind: ActorKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventBody {
    pub title: String,
    pub date: String,
    pub place: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capture {
    pub sha256: String,
    pub name: String,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportBody {
    pub source: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub retrieved: String,
    pub language: Option<String>,
    pub text: Option<String>,
    pub capture: Option<Capture>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimBody {
    pub event: String,
    pub report: String,
    pub kind: Kind,
    pub subject: String,
    pub phrase: Option<String>,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub point: Option<i64>,
    pub actor: Option<String>,
    pub actor_desc: Option<String>,
    pub stance: Option<Stance>,
    pub origin: String,
    pub hedge: Hedge,
    pub quote: Option<String>,
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetractBody {
    pub reason: String,
}

/// Which verifier key speaks for an author (the entity: the journal's
/// author string).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorBody {
    pub key: String,
}

/// A ledger policy (the entity: its name; today only
/// `require-signatures`), which cannot be undone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    pub reason: String,
}

/// The one policy there is: every later entry signed by a registered author.
pub const REQUIRE_SIGNATURES: &str = "require-signatures";

/// An analyst's decision on a group: the range `[low, high]` (high `None`
/// = unbounded) and the value within it taken as best. Decisions written
/// before revision 2 carry only `value`, which is then the whole range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionBody {
    pub event: String,
    pub kind: Kind,
    pub subject: String,
    pub value: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<i64>,
    /// Absent in a revision-1 body (the range is the value); `null` for an
    /// unbounded range.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "present_or_null")]
    pub high: Option<Option<i64>>,
    pub reason: String,
}

impl DecisionBody {
    /// The decided range: `[low, high]`, or the value alone for a decision
    /// written before ranges existed.
    pub fn range(&self) -> (i64, Option<i64>) {
        match (self.low, self.high) {
            (Some(low), Some(high)) => (low, high),
            (Some(low), None) => (low, Some(self.value)),
            (None, _) => (self.value, Some(self.value)),
        }
    }
}

/// `Option<Option<T>>` for a field where absent and `null` differ: absent
/// is `None`, `null` is `Some(None)`.
mod present_or_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(v: &Option<Option<T>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// An entry's body, typed by its op: what `append` writes and `apply` reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Body {
    Init(InitBody),
    Source(SourceBody),
    Actor(ActorBody),
    Event(EventBody),
    Report(ReportBody),
    Claim(ClaimBody),
    Retract(RetractBody),
    Decision(DecisionBody),
    Author(AuthorBody),
    Policy(PolicyBody),
}

impl Body {
    /// Reads the body of an `op` entry from its JSON text.
    pub fn parse(op: Op, text: &str) -> serde_json::Result<Body> {
        use serde_json::from_str as read;
        Ok(match op {
            Op::LedgerInit => Body::Init(read(text)?),
            Op::SourceAdd | Op::SourceAmend => Body::Source(read(text)?),
            Op::ActorAdd | Op::ActorAmend => Body::Actor(read(text)?),
            Op::EventAdd | Op::EventAmend => Body::Event(read(text)?),
            Op::ReportAdd | Op::ReportAmend => Body::Report(read(text)?),
            Op::ClaimAdd | Op::ClaimAmend => Body::Claim(read(text)?),
            Op::ClaimRetract | Op::ClaimRestore | Op::ReportRetract | Op::ReportRestore => Body::Retract(read(text)?),
            Op::DecisionAdd => Body::Decision(read(text)?),
            Op::AuthorAdd => Body::Author(read(text)?),
            Op::PolicySet => Body::Policy(read(text)?),
        })
    }
}

/// Whether `s` is a slug by the character rules every tally version
/// applied (the rule against generated-id shapes only binds new writes).
fn slug_shaped(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

impl Body {
    /// The invariants of an entry's body that hold without looking at the
    /// rest of the ledger: required fields, bounds, well-formed ids. The
    /// write path checks them in `apply` and `verify` checks every entry
    /// with them, so an entry that hashes correctly but that tally would
    /// never have written is reported. (References to other entities are
    /// checked by `apply` against the projections and by `verify` in order.)
    pub fn validate(&self, entity: &str) -> std::result::Result<(), String> {
        let slug = |what: &str, s: &str| {
            if slug_shaped(s) {
                Ok(())
            } else {
                Err(format!("{what} '{}' is not a slug", shorten(s)))
            }
        };
        let filled = |what: &str, s: &str| {
            if s.trim().is_empty() {
                Err(format!("{what} is empty"))
            } else {
                Ok(())
            }
        };
        let bound = |what: &str, n: i64| {
            if (0..=crate::quantity::MAX_NUMBER).contains(&n) {
                Ok(())
            } else {
                Err(format!("{what} {n} is outside 0..={}", crate::quantity::MAX_NUMBER))
            }
        };
        match self {
            Body::Init(b) => match &b.origin {
                Some(origin) => checkpoint_origin(origin).map(|_| ()).map_err(|e| e.to_string()),
                None => Ok(()),
            },
            Body::Author(b) => {
                name("author", entity).map_err(|e| e.to_string())?;
                signed_note::StandardVerifier::new(&b.key)
                    .map(|_| ())
                    .map_err(|_| format!("key '{}' is not a verifier key", shorten(&b.key)))
            }
            Body::Policy(b) => {
                if entity != REQUIRE_SIGNATURES {
                    return Err(format!("policy '{}' is not one tally knows", shorten(entity)));
                }
                filled("reason", &b.reason)
            }
            Body::Source(b) => {
                slug("source", entity)?;
                filled("name", &b.name)
            }
            Body::Actor(b) => {
                slug("actor", entity)?;
                filled("name", &b.name)?;
                b.aliases.iter().try_for_each(|a| filled("alias", a))
            }
            Body::Event(b) => {
                slug("event", entity)?;
                filled("title", &b.title)?;
                event_date("date", &b.date).map(|_| ()).map_err(|e| e.to_string())
            }
            Body::Report(b) => {
                slug("source", &b.source)?;
                if let Some(c) = &b.capture
                    && (c.sha256.len() != 64 || !c.sha256.bytes().all(|x| x.is_ascii_hexdigit()) || c.size < 0)
                {
                    return Err(format!("capture '{}' is not a SHA-256 with a size", shorten(&c.sha256)));
                }
                Ok(())
            }
            Body::Claim(b) => {
                slug("event", &b.event)?;
                match EntityId::parse(&b.report) {
                    Some(id) if id.kind == IdKind::Report => {}
                    _ => return Err(format!("report '{}' is not a report id", shorten(&b.report))),
                }
                filled("subject", &b.subject)?;
                filled("origin", &b.origin)?;
                if b.kind == Kind::Responsibility {
                    let actor = b.actor.as_deref().ok_or("a responsibility claim names no actor")?;
                    if actor != "unknown" {
                        slug("actor", actor)?;
                    }
                    if b.stance.is_none() {
                        return Err("a responsibility claim has no stance".into());
                    }
                    if b.low.is_some() || b.high.is_some() || b.point.is_some() {
                        return Err("a responsibility claim has a count".into());
                    }
                    return Ok(());
                }
                if b.actor.is_some() || b.stance.is_some() {
                    return Err(format!("a {} claim names an actor or stance", b.kind));
                }
                let low = b.low.ok_or_else(|| format!("a {} claim has no low bound", b.kind))?;
                bound("low", low)?;
                if let Some(high) = b.high {
                    bound("high", high)?;
                    if high < low {
                        return Err(format!("low {low} is above high {high}"));
                    }
                }
                if let Some(p) = b.point
                    && (p < low || b.high.is_some_and(|h| p > h))
                {
                    return Err(format!("point {p} is outside [{low}, {}]", opt_bound(b.high)));
                }
                Ok(())
            }
            Body::Retract(b) => filled("reason", &b.reason),
            Body::Decision(b) => {
                slug("event", &b.event)?;
                filled("subject", &b.subject)?;
                filled("reason", &b.reason)?;
                if b.kind == Kind::Responsibility {
                    return Err("a decision on responsibility".into());
                }
                bound("value", b.value)?;
                let (low, high) = b.range();
                bound("low", low)?;
                if let Some(h) = high {
                    bound("high", h)?;
                }
                if b.value < low || high.is_some_and(|h| b.value > h) {
                    return Err(format!("value {} is outside [{low}, {}]", b.value, opt_bound(high)));
                }
                Ok(())
            }
        }
    }
}

fn opt_bound(high: Option<i64>) -> String {
    high.map_or("∞".into(), |h| h.to_string())
}

macro_rules! into_body {
    ($($t:ident => $v:ident),+) => { $(impl From<$t> for Body { fn from(b: $t) -> Body { Body::$v(b) } })+ };
}
into_body!(InitBody => Init, SourceBody => Source, ActorBody => Actor, EventBody => Event, ReportBody => Report,
           ClaimBody => Claim, RetractBody => Retract, DecisionBody => Decision, AuthorBody => Author,
           PolicyBody => Policy);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in [
            "ap",
            "lwj",
            "almoustarat-2017-05-07",
            "a",
            "0day",
            "x.y_z",
            "c13-raid",
            "c",
            "rfi",
            "d1x",
        ] {
            assert!(slug("slug", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-ap",
            "AP",
            "a b",
            "é",
            "a/b",
            &"x".repeat(65),
            "_x",
            "x;drop",
            "c13",
            "r1",
            "d007",
        ] {
            assert!(slug("slug", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn entity_ids() {
        assert_eq!(EntityId::parse("c13"), Some(EntityId::new(IdKind::Claim, 13)));
        assert_eq!(EntityId::new(IdKind::Report, 7).to_string(), "r7");
        for bad in ["c", "c0", "c013", "x1", "c1a", "C1", "c-1", "c99999999999999999999"] {
            assert_eq!(EntityId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert!(date("--published", "2017-02-30").is_err());
        assert!(date("--published", "2017-2-3").is_err());
        assert_eq!(date("--published", "2016-02-29").unwrap().to_string(), "2016-02-29");
        assert_eq!(
            timestamp("t", "2017-05-09T16:03:00+02:00").unwrap(),
            "2017-05-09T14:03:00Z"
        );
        assert!(timestamp("t", "yesterday").is_err());
        let (s, e, p) = event_date("--date", "2017-04-26..2017-04-27").unwrap();
        assert_eq!(
            (s.to_string(), e.to_string(), p),
            ("2017-04-26".into(), "2017-04-27".into(), "day")
        );
        let (s, e, p) = event_date("--date", "2017-02").unwrap();
        assert_eq!(
            (s.to_string(), e.to_string(), p),
            ("2017-02-01".into(), "2017-02-28".into(), "month")
        );
        assert_eq!(event_date("--date", "2017").unwrap().2, "year");
        for bad in [
            "2017-02-30",
            "2017-04-27..2017-04-26",
            "17-05-07",
            "2017-13",
            "",
            "..",
            "2017-05-07..x",
        ] {
            assert!(event_date("--date", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn coordinates_and_urls() {
        assert_eq!(coordinate("--lat", "16.2717", 90.0).unwrap(), "16.2717");
        assert!(coordinate("--lat", "-0.5", 90.0).is_ok());
        for bad in ["91", "1e2", "abc", "NaN", "inf", "12.", ".5", "+3"] {
            assert!(coordinate("--lat", bad, 90.0).is_err(), "{bad}");
        }
        assert!(url("--url", Some("https://example.org/a")).unwrap().is_some());
        assert!(url("--url", Some("javascript:alert(1)")).is_err());
        assert_eq!(url("--url", Some("  ")).unwrap(), None);
    }

    #[test]
    fn enums_name_what_they_accept() {
        let e = Grade::parse("--grade", "Z").unwrap_err().to_string();
        assert_eq!(e, "invalid --grade 'Z': expected one of A, B, C, D, E, F");
        assert_eq!(Grade::parse("--grade", "b").unwrap(), Grade::B);
        assert_eq!(Kind::parse("--kind", "Killed").unwrap(), Kind::Killed);
        assert!(
            SourceKind::parse("--kind", "blog")
                .unwrap_err()
                .to_string()
                .contains("news-agency")
        );
    }

    #[test]
    fn folding() {
        assert_eq!(fold("  Malian   Soldiers "), "malian soldiers");
        assert!(name("--name", "a\u{7}b").is_err());
        assert!(name("--name", " ").is_err());
        assert!(name("--name", &"x".repeat(501)).is_err());
    }
}
