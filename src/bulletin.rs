//! Plain-text bulletins → items, sources and proposed claims.
//!
//! A bulletin is a run of items. Each item has a heading (a short line,
//! optionally numbered "1.") and a body that ends with its sources in
//! parentheses: `(Outlet One, May 9; Outlet Two, May 8)`, `(AP)`,
//! `(BBC News, France24)`. The extractor is rule-based and works sentence
//! by sentence:
//!
//! - **counts**: a quantity phrase ("seven", "at least two", "more than 40",
//!   "a Liberian soldier") whose clause has a casualty word after it
//!   ("killed", "dead", "wounded", "hostages", "escape", …) or a verb before
//!   it ("killed a …", "capture at least three …"); the words between are
//!   the subject. Typos of common nouns and verbs ("soliders", "kiled") are
//!   read as the word they mistype. Dates, years and times are not counts.
//! - **responsibility**: "X claimed", "X is said to be behind", "blamed
//!   on X", "attributed to X", "X denied"; "by suspected jihadists" and
//!   "an unnamed faction" give the actor `unknown` with that description.
//!   "The group" refers to the last named actor.
//! - **hedges**: said to be, suspected, believed, apparently, allegedly →
//!   `alleged`; according to, said, reportedly → `reported`.
//! - **origin**: "authorities said", "according to local officials".

use crate::quantity;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub title: String,
    pub text: String,
    /// The first date the text names: (first day, last day), ISO, when the year is known.
    pub date: Option<(String, String)>,
    pub sources: Vec<SourceRef>,
    pub claims: Vec<Proposed>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRef {
    pub name: String,
    /// As written: "May 9".
    pub date: Option<String>,
    /// ISO date, when the year is known.
    pub published: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposed {
    pub kind: String,
    pub subject: String,
    pub phrase: Option<String>,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub actor: Option<String>,
    pub actor_desc: Option<String>,
    pub stance: Option<String>,
    pub hedge: String,
    pub origin: Option<String>,
    pub quote: String,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Reads a bulletin. `year` dates "May 9"; without it, the year the text
/// mentions most is used.
pub fn parse(text: &str, year: Option<i32>) -> Vec<Item> {
    parse_with(text, year, &[])
}

/// [`parse`], finding responsibility also for the actors named in
/// `known` (their names and aliases, as the ledger holds them).
pub fn parse_with(text: &str, year: Option<i32>, known: &[String]) -> Vec<Item> {
    let year = year.or_else(|| likely_year(text));
    // Blocks are separated by blank lines; a heading may also stand on the
    // first line of its paragraph's block.
    let mut blocks: Vec<String> = Vec::new();
    for raw in text.replace("\r\n", "\n").split("\n\n") {
        let lines: Vec<&str> = raw.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let joined = |ls: &[&str]| ls.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
        match lines.as_slice() {
            [] => {}
            [first, rest @ ..] if !rest.is_empty() && is_heading(first) && split_sources(&joined(rest)).is_some() => {
                blocks.push(first.to_string());
                blocks.push(joined(rest));
            }
            all => blocks.push(joined(all)),
        }
    }
    let mut items = Vec::new();
    let mut heading: Option<String> = None;
    for block in blocks {
        match split_sources(&block) {
            Some((body, sources)) => {
                let (title, body) = match heading.take() {
                    Some(h) => (h, body.to_string()),
                    None => (first_sentence(body), body.to_string()),
                };
                items.push(item(title, body, sources, year, known));
            }
            None => heading = Some(strip_number(&block)),
        }
    }
    items
}

/// A line that reads as a heading: short, not a sentence, no sources.
fn is_heading(line: &str) -> bool {
    let line = line.trim();
    line.chars().count() <= 140
        && !line.ends_with(['.', ')', ';', ','])
        && !line.contains('(')
        && line.split_whitespace().count() <= 20
}

fn strip_number(s: &str) -> String {
    let t = s.trim();
    match t.split_once(". ") {
        Some((n, rest)) if !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()) => {
            rest.trim().to_string()
        }
        _ => t.to_string(),
    }
}

fn first_sentence(s: &str) -> String {
    let end = s.find(". ").unwrap_or(s.len());
    s[..end].chars().take(120).collect()
}

/// The trailing "(…)" of a block, if it reads as a list of sources.
fn split_sources(block: &str) -> Option<(&str, &str)> {
    let t = block.trim_end();
    let t = t.strip_suffix('.').unwrap_or(t).trim_end();
    if !t.ends_with(')') {
        return None;
    }
    let open = t.rfind('(')?;
    let inner = &t[open + 1..t.len() - 1];
    let body = t[..open].trim_end();
    if body.is_empty() || inner.is_empty() || inner.len() > 300 || inner.split_whitespace().count() > 40 {
        return None;
    }
    // Sources are short names: no sentence inside.
    if inner.contains(". ") || inner.split([';', ',']).any(|p| p.split_whitespace().count() > 6) {
        return None;
    }
    Some((body, inner))
}

fn likely_year(text: &str) -> Option<i32> {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for w in text.split(|c: char| !c.is_ascii_digit()) {
        if w.len() == 4
            && let Ok(y) = w.parse::<i32>()
            && (1900..=2100).contains(&y)
        {
            match counts.iter_mut().find(|(x, _)| *x == y) {
                Some(c) => c.1 += 1,
                None => counts.push((y, 1)),
            }
        }
    }
    counts.into_iter().max_by_key(|(y, n)| (*n, *y)).map(|(y, _)| y)
}

/// French month names, which are written in lower case.
const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

fn month_of(w: &str) -> Option<u32> {
    let w = w.trim_end_matches(['.', ',', ';']).to_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() >= 3 && m.starts_with(&w) && w != "may" && w.len() == 3))
        .or_else(|| MOIS.iter().position(|m| *m == w))
        .map(|i| i as u32 + 1)
}

/// A day of the month as written: "9", "1er".
fn day_of(w: &str) -> Option<u32> {
    let w = w.trim_end_matches(['.', ',', ';']);
    let w = w.strip_suffix("er").unwrap_or(w);
    w.parse::<u32>().ok().filter(|d| (1..=31).contains(d))
}

/// A four-digit year from 1900 to 2100.
fn year_of(w: &str) -> Option<i32> {
    let w = w.trim_end_matches(['.', ',', ';', ')']);
    (w.len() == 4)
        .then(|| w.parse::<i32>().ok())
        .flatten()
        .filter(|y| (1900..=2100).contains(y))
}

fn iso(year: Option<i32>, month: u32, day: u32) -> Option<String> {
    chrono::NaiveDate::from_ymd_opt(year?, month, day).map(|d| d.to_string())
}

fn parse_sources(inner: &str, year: Option<i32>) -> Vec<SourceRef> {
    let mut out = Vec::new();
    for part in inner.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        // "Outlet, May 9" — a name and a date.
        if let Some((name, date)) = part.rsplit_once(',') {
            let words: Vec<&str> = date.split_whitespace().collect();
            let parsed = match words.as_slice() {
                [m, d] | [m, d, _] if month_of(m).is_some() => month_of(m).zip(day_of(d)),
                [d, m] | [d, m, _] => month_of(m).zip(day_of(d)),
                _ => None,
            };
            if let Some((month, day)) = parsed {
                out.push(SourceRef {
                    name: name.trim().to_string(),
                    date: Some(date.trim().to_string()),
                    published: iso(year, month, day),
                });
                continue;
            }
        }
        // "BBC News, France24" — several names without dates.
        for name in part.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            out.push(SourceRef {
                name: name.to_string(),
                date: None,
                published: None,
            });
        }
    }
    out
}

#[derive(Debug, Clone)]
struct Tok {
    raw: String,
    word: String,
    /// A comma, semicolon or colon follows it.
    clause_end: bool,
    /// A semicolon follows it: the sentence's next clause stands alone.
    semicolon: bool,
}

/// The words of a sentence. A French elision is its own word: "d'au moins"
/// is "d'" "au" "moins", "l'armée" is "l'" "armée".
fn tokens(sentence: &str) -> Vec<Tok> {
    sentence
        .split_whitespace()
        .flat_map(|raw| {
            let apostrophe = raw.char_indices().find(|(_, c)| *c == '\'' || *c == '’');
            match apostrophe {
                Some((at, c))
                    if (1..=5).contains(&at)
                        && raw[..at].chars().all(char::is_alphabetic)
                        && raw.len() > at + c.len_utf8()
                        && matches!(
                            raw[..at].to_lowercase().as_str(),
                            "d" | "l" | "qu" | "j" | "n" | "s" | "c" | "jusqu" | "lorsqu" | "puisqu"
                        ) =>
                {
                    let cut = at + c.len_utf8();
                    vec![&raw[..cut], &raw[cut..]]
                }
                _ => vec![raw],
            }
        })
        // French quotation marks stand apart: "cinq « terroristes »".
        .filter(|raw| !raw.chars().all(|c| matches!(c, '«' | '»' | '"' | '“' | '”')))
        .map(|raw| {
            let clause_end = raw.ends_with([',', ';', ':']) || raw.ends_with("),");
            // An elided word keeps its apostrophe ("d'", "jusqu'").
            let word = raw
                .replace('’', "'")
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'' && c != '+')
                .trim_start_matches(['-', '\''])
                .trim_end_matches('-')
                .to_lowercase();
            Tok {
                raw: raw
                    .trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '"' | '“' | '”' | '«' | '»'))
                    .to_string(),
                word,
                clause_end,
                semicolon: raw.ends_with(';'),
            }
        })
        .collect()
}

/// Words a sentence may hold before it is cut: real ones hold far fewer,
/// and the cut keeps every rule's work on a sentence bounded, whatever
/// the text.
const SENTENCE_WORDS: usize = 200;

/// Words a quantity phrase may span, at most.
const QUANTITY_WORDS: usize = 16;

/// Claims one item may propose; an item that proposes more is refused
/// (`ingest::dates`), and reading it stops there, so no text costs more.
pub const MAX_PROPOSALS: usize = 1000;

fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_sentence = 0;
    let mut words = text.split_whitespace().peekable();
    while let Some(w) = words.next() {
        in_sentence += 1;
        if in_sentence > SENTENCE_WORDS {
            out.push(std::mem::take(&mut cur));
            in_sentence = 1;
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
        let next_upper = words.peek().is_none_or(|n| {
            n.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c == '"' || c == '“')
        });
        let abbrev = w.len() <= 3
            && w.chars().filter(|c| *c == '.').count() >= 1
            && w.chars().next().is_some_and(char::is_uppercase);
        if (w.ends_with('.') || w.ends_with('!') || w.ends_with('?') || w.ends_with(".\"") || w.ends_with(".”"))
            && next_upper
            && !abbrev
        {
            out.push(std::mem::take(&mut cur));
            in_sentence = 0;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Words as written: an elided French word joins the next ("forces de
/// l'ordre", "plus d'une dizaine").
fn join_words<S: AsRef<str>>(words: &[S]) -> String {
    let mut out = String::new();
    for w in words {
        if !out.is_empty() && !out.ends_with(['\'', '’']) {
            out.push(' ');
        }
        out.push_str(w.as_ref());
    }
    out
}

/// Edit distance of at most one (substitution, insertion, deletion or swap).
fn near(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().min(b.len()) < 5 || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let mut i = 0;
    while i < a.len().min(b.len()) && a[i] == b[i] {
        i += 1;
    }
    let tail = |x: &[char], y: &[char]| x == y;
    if a.len() == b.len() {
        tail(&a[i + 1..], &b[i + 1..])
            || (i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && tail(&a[i + 2..], &b[i + 2..]))
    } else if a.len() > b.len() {
        tail(&a[i + 1..], &b[i..])
    } else {
        tail(&a[i..], &b[i + 1..])
    }
}

const NOUNS: &[&str] = &[
    "soldiers",
    "soldier",
    "civilians",
    "civilian",
    "peacekeepers",
    "peacekeeper",
    "people",
    "hostages",
    "hostage",
    "militants",
    "jihadists",
    "jihadist",
    "attackers",
    "assailants",
    "police",
    "policemen",
    "officers",
    "villagers",
    "children",
    "women",
    "vehicles",
    "members",
    "troops",
    "fighters",
    "gunmen",
    "workers",
    "students",
    "refugees",
];

/// People nouns that let "a"/"an"/"one" stand for the number one.
const SINGULAR_PEOPLE: &[&str] = &[
    "vigilante",
    "guard",
    "paramedic",
    "doctor",
    "nurse",
    "pupil",
    "student",
    "girl",
    "boy",
    "baby",
    "personne",
    "enfant",
    "soldat",
    "militaire",
    "civil",
    "femme",
    "homme",
    "policier",
    "gendarme",
    "teacher",
    "soldier",
    "civilian",
    "peacekeeper",
    "person",
    "man",
    "woman",
    "child",
    "officer",
    "policeman",
    "hostage",
    "worker",
    "journalist",
    "villager",
    "priest",
    "prêtre",
    "assaillant",
    "attaquant",
    "combattant",
    "casque",
    "militant",
    "agent",
    "attacker",
    "gunman",
    "fighter",
    // "un disparu", "un blessé", "un détenu a été tué".
    "disparu",
    "blessé",
    "détenu",
    "mort",
    // "un suspect a été interpellé", "a suspect was arrested".
    "suspect",
];

/// Whether a sentence reads as French: its function words say so.
fn is_french(toks: &[Tok]) -> bool {
    const FR: &[&str] = &[
        "le", "la", "les", "des", "du", "et", "ont", "été", "selon", "dont", "une", "d'", "l'", "sont", "dans", "par",
    ];
    const EN: &[&str] = &[
        "the", "of", "and", "were", "was", "said", "have", "has", "in", "by", "a", "at",
    ];
    let count = |list: &[&str]| toks.iter().filter(|t| list.contains(&t.word.as_str())).count();
    count(FR) > count(EN)
}

fn fix_typo(word: &str) -> String {
    let word = word.trim_end_matches('.');
    let lower = word.to_lowercase();
    if NOUNS.contains(&lower.as_str()) || SINGULAR_PEOPLE.contains(&lower.as_str()) {
        return word.to_string();
    }
    match NOUNS.iter().find(|n| near(&lower, n)) {
        Some(n) if **n != lower => n.to_string(),
        _ => word.to_string(),
    }
}

/// (kind, participle for `count` subjects) of a casualty word.
fn trigger(word: &str) -> Option<(&'static str, Option<&'static str>)> {
    // "taken to hospital", "admitted to hospital", "hospitalisés".
    if matches!(word, "hospital" | "hôpital" | "hospitalisés" | "hospitalisées") {
        return Some(("wounded", None));
    }
    // "avaient perdu la vie".
    if word == "perdu" {
        return Some(("killed", None));
    }
    const TRIGGERS: &[(&str, &str, Option<&str>)] = &[
        ("killed", "killed", None),
        ("dead", "killed", None),
        ("bodies", "killed", None),
        ("corpses", "killed", None),
        ("lives", "killed", None),
        ("fatalities", "killed", None),
        ("tués", "killed", None),
        ("tuées", "killed", None),
        ("tué", "killed", None),
        ("tuée", "killed", None),
        ("morts", "killed", None),
        ("mort", "killed", None),
        ("mortes", "killed", None),
        ("décès", "killed", None),
        ("décédés", "killed", None),
        ("corps", "killed", None),
        ("neutralisés", "killed", None),
        ("abattus", "killed", None),
        ("massacrés", "killed", None),
        ("exécutés", "killed", None),
        ("péri", "killed", None),
        ("blessés", "wounded", None),
        ("blessées", "wounded", None),
        ("blessé", "wounded", None),
        ("blessée", "wounded", None),
        ("hospitalised", "wounded", None),
        ("hospitalized", "wounded", None),
        ("enlevés", "abducted", None),
        ("enlevées", "abducted", None),
        ("kidnappés", "abducted", None),
        ("kidnappées", "abducted", None),
        ("otages", "abducted", None),
        ("disparus", "missing", None),
        ("disparues", "missing", None),
        ("arrêtés", "arrested", None),
        ("arrêtées", "arrested", None),
        ("interpellés", "arrested", None),
        ("interpellées", "arrested", None),
        ("déplacés", "displaced", None),
        ("déplacées", "displaced", None),
        ("homeless", "displaced", None),
        ("victims", "killed", None),
        ("rescued", "count", Some("rescued")),
        ("died", "killed", None),
        ("deaths", "killed", None),
        ("slain", "killed", None),
        ("killing", "killed", None),
        ("massacred", "killed", None),
        ("executed", "killed", None),
        ("wounded", "wounded", None),
        ("injured", "wounded", None),
        ("injuring", "wounded", None),
        ("wounding", "wounded", None),
        ("hurt", "wounded", None),
        ("injuries", "wounded", None),
        ("wounds", "wounded", None),
        ("buried", "killed", None),
        ("critical", "wounded", None),
        ("enterrés", "killed", None),
        ("enterrées", "killed", None),
        ("inhumés", "killed", None),
        ("inhumées", "killed", None),
        ("tombés", "killed", None),
        ("emmenés", "abducted", None),
        ("emmenées", "abducted", None),
        ("recherchés", "missing", None),
        ("capturés", "arrested", None),
        ("évadés", "count", Some("évadés")),
        ("évadées", "count", Some("évadées")),
        ("fuite", "displaced", None),
        ("alive", "count", Some("rescued")),
        ("admitted", "wounded", None),
        ("rounded", "arrested", None),
        ("arrests", "arrested", None),
        ("arrestations", "arrested", None),
        ("raflés", "arrested", None),
        ("raflées", "arrested", None),
        ("cadavres", "killed", None),
        ("gunned", "killed", None),
        ("treated", "wounded", None),
        ("exfiltrées", "count", Some("exfiltrées")),
        ("exfiltrés", "count", Some("exfiltrés")),
        ("libérées", "count", Some("libérées")),
        ("libérés", "count", Some("libérés")),
        ("atteints", "wounded", None),
        ("atteintes", "wounded", None),
        ("refuge", "displaced", None),
        ("capturées", "arrested", None),
        ("custody", "arrested", None),
        ("flee", "displaced", None),
        ("fleeing", "displaced", None),
        ("fuir", "displaced", None),
        ("unaccounted", "missing", None),
        ("evacuated", "count", Some("evacuated")),
        // People who fled are displaced, in both languages.
        ("fui", "displaced", None),
        ("réfugiés", "displaced", None),
        ("hostages", "abducted", None),
        ("hostage", "abducted", None),
        ("abducted", "abducted", None),
        ("kidnapped", "abducted", None),
        ("missing", "missing", None),
        ("arrested", "arrested", None),
        ("detained", "arrested", None),
        ("displaced", "displaced", None),
        ("escaped", "count", Some("escaped")),
        ("escape", "count", Some("escaped")),
        ("fled", "displaced", None),
        ("freed", "count", Some("freed")),
        ("captured", "count", Some("captured")),
        ("capture", "count", Some("captured")),
        ("seized", "count", Some("seized")),
        ("destroyed", "count", Some("destroyed")),
    ];
    // "the Edhi rescue service": a noun, not "rescued".
    if word == "rescue" {
        return None;
    }
    // The word itself first: "rounded" is no typo for "wounded".
    TRIGGERS
        .iter()
        .find(|(w, _, _)| word == *w)
        // A typo keeps its first letter: "rounds" is no "wounds".
        .or_else(|| {
            TRIGGERS
                .iter()
                .find(|(w, _, _)| word.chars().next() == w.chars().next() && near(word, w))
        })
        .map(|(_, k, p)| (*k, *p))
}

/// Verbs that take the counted people as their object: "killed a soldier".
fn verb_before(word: &str) -> Option<(&'static str, Option<&'static str>)> {
    match word {
        "killed" | "killing" | "kill" | "kills" | "lost" | "losing" | "murdered" | "murdering" | "massacred"
        | "slaughtered" | "executed" | "executing" | "bodies" | "remains" | "deaths" => Some(("killed", None)),
        "detained" | "detaining" | "arrested" | "arresting" => Some(("arrested", None)),
        "displaced" | "displacing" => Some(("displaced", None)),
        "wounded" | "wounding" | "injured" | "injuring" => Some(("wounded", None)),
        "abducting" | "kidnapping" | "abducted" | "kidnapped" => Some(("abducted", None)),
        "capture" | "captured" | "capturing" => Some(("count", Some("captured"))),
        "seize" | "seized" | "seizing" => Some(("count", Some("seized"))),
        "destroyed" | "destroying" => Some(("count", Some("destroyed"))),
        "taking" | "took" | "holding" | "held" => Some(("abducted", None)),
        "arrest" | "arrests" => Some(("arrested", None)),
        "rescued" | "rescuing" => Some(("count", Some("rescued"))),
        // French: "affirme avoir tué 30", "la perte de 71 soldats".
        "tué" | "tuant" | "tuer" | "perte" | "neutralisé" | "neutraliser" | "abattu" | "abattre" | "vie" | "mort"
        | "éliminé" | "éliminer" | "éliminant" | "exécuté" | "exécuter" => Some(("killed", None)),
        "blessé" | "blessant" => Some(("wounded", None)),
        "enlevé" | "enlevant" | "kidnappé" => Some(("abducted", None)),
        "arrêté" | "interpellé" | "arrêtant" | "arrestation" | "interpellation" => Some(("arrested", None)),
        _ => None,
    }
}

const AUX: &[&str] = &[
    "were",
    "was",
    "have",
    "has",
    "had",
    "been",
    "are",
    "is",
    "be",
    "being",
    "managed",
    "to",
    "reportedly",
    "also",
    "who",
    "that",
    "and",
    "while",
    "got",
    "left",
    "lay",
    "later",
    "all",
    "in",
    "remain",
    "remained",
    "from",
    "by",
    "on",
    "at",
    "after",
    "during",
    // French: auxiliaries, adverbs and prepositions end a subject too.
    "ont",
    "été",
    "a",
    "avait",
    "avaient",
    "sont",
    "est",
    "était",
    "étaient",
    "auraient",
    "aurait",
    "seraient",
    "serait",
    "se",
    "s'",
    "y",
    "également",
    "aussi",
    "finalement",
    "notamment",
    "d'abord",
    "ensuite",
    "légèrement",
    "grièvement",
    "gravement",
    "dont",
    "qui",
    "lors",
    "pendant",
    "par",
    "parmi",
    "selon",
    "dans",
    "sur",
    "au",
    "aux",
    "à",
    "en",
    "après",
    "avant",
    "portés",
    "retrouvés",
    "et",
    // Conjunctions and speech verbs: "the toll reached 88 as more bodies
    // came out" has no subject "as more".
    "as",
    "when",
    "because",
    "but",
    "since",
    "until",
    "amid",
    "than",
    "though",
    "although",
    "saying",
    "said",
    "says",
    "with",
    "avec",
    "for",
    "pour",
    "placés",
    "placées",
    "sous",
    "believed",
    "feared",
    "thought",
    "still",
    // Places and states after a subject: "about 600 people inside the
    // theatre", "16 confirmed dead", "cinq soldats toujours recherchés".
    "inside",
    "outside",
    "around",
    "near",
    "across",
    "within",
    "into",
    "throughout",
    "beside",
    "confirmed",
    "ainsi",
    "toujours",
    "déjà",
    "encore",
    "venus",
    "badly",
    "seriously",
    "severely",
    "slightly",
    "lightly",
    "gravely",
];

/// Is token `i` a number that is part of a date, a year or a clock time?
fn date_like(toks: &[Tok], i: usize) -> bool {
    let w = &toks[i].word;
    if w.len() == 4 && w.parse::<i32>().is_ok_and(|y| (1900..=2100).contains(&y)) {
        return true;
    }
    let prev = |k: usize| i.checked_sub(k).map(|j| toks[j].word.as_str()).unwrap_or("");
    let is_num = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !is_num(w) {
        return false;
    }
    let next = |k: usize| toks.get(i + k).map_or("", |t| t.word.as_str());
    let range_end = if matches!(next(2), "le" | "the") { 3 } else { 2 };
    (month_of(prev(1)).is_some() && !toks[i - 1].clause_end)
        // "vers 2 h 15": the minutes of a time.
        || (prev(1) == "h" && is_num(prev(2)))
        || toks.get(i + 1).is_some_and(|t| month_of(&t.word).is_some())
        || (matches!(next(1), "et" | "and" | "au" | "to")
            && is_num(next(range_end))
            && month_of(next(range_end + 1)).is_some())
        || (prev(1) == "and" && is_num(prev(2)) && month_of(prev(3)).is_some())
        || toks.get(i + 1).is_some_and(|t| {
            matches!(
                t.word.as_str(),
                "pm" | "am" | "gmt" | "utc" | "percent" | "%" | "km" | "kilometres" | "kilometers" | "miles" | "h"
            )
        })
}

/// Units of time and distance: "three days of mourning", "a 20-minute
/// gunfight", "à une centaine de kilomètres" count no one.
fn is_unit(w: &str) -> bool {
    matches!(
        w,
        "day"
            | "days"
            | "hour"
            | "hours"
            | "minute"
            | "minutes"
            | "week"
            | "weeks"
            | "month"
            | "months"
            | "year"
            | "years"
            | "km"
            | "kilometres"
            | "kilometers"
            | "metres"
            | "meters"
            | "miles"
            | "jour"
            | "jours"
            | "heure"
            | "heures"
            | "semaine"
            | "semaines"
            | "mois"
            | "an"
            | "ans"
            | "années"
            | "kilomètres"
            | "mètres"
            | "kilograms"
            | "kilogrammes"
            | "kg"
    )
}

fn is_number_word(w: &str) -> bool {
    quantity::number(w).is_some()
        || matches!(w, "dozen" | "hundred" | "thousand" | "and")
        || w.split('-').all(|p| quantity::number(p).is_some())
}

fn item(title: String, body: String, sources_text: &str, year: Option<i32>, known: &[String]) -> Item {
    let sources = parse_sources(sources_text, year);
    let mut claims: Vec<Proposed> = Vec::new();
    let mut last_actor: Option<String> = None;
    // Sentence by sentence, so no text is held as tokens whole.
    let sentences = sentences(&body);
    let date = sentences.iter().find_map(|s| first_date(s, year));
    let item_year: Option<i32> = date.as_ref().and_then(|(from, _)| from.get(..4)?.parse().ok());
    for sentence in sentences {
        if claims.len() > MAX_PROPOSALS {
            break;
        }
        let toks = tokens(&sentence);
        let lower = sentence.to_lowercase();
        let hedge = hedge_of(&lower);
        let origin = origin_of(&toks);
        for acronym in acronyms(&toks) {
            last_actor = Some(acronym);
        }
        // A sentence that names an earlier year recalls another event
        // ("the same square had been bombed in January 2018, killing more
        // than 30"): its counts are background, not this item's.
        // The year is a date ("in January 2018", "en 2019"); "since
        // 2021" compares and "the 1960 treaty" names; neither recalls.
        let earlier = toks.iter().enumerate().any(|(k, t)| {
            let since = toks[k.saturating_sub(2)..k]
                .iter()
                .any(|p| matches!(p.word.as_str(), "since" | "depuis"));
            let dated =
                k > 0 && (month_of(&toks[k - 1].word).is_some() || matches!(toks[k - 1].word.as_str(), "in" | "en"));
            t.word.len() == 4
                && dated
                && !since
                && t.word
                    .parse::<i32>()
                    .is_ok_and(|y| (1900..=2100).contains(&y) && item_year.is_some_and(|i| y < i))
        });
        if !earlier {
            counts(&toks, &sentence, hedge, origin.as_deref(), &mut claims);
        }
        responsibility(&toks, &lower, &sentence, hedge, &mut last_actor, &mut claims);
        known_responsibility(&lower, &sentence, hedge, origin.as_deref(), known, &mut claims);
    }
    Item {
        title,
        text: body,
        date,
        sources,
        claims,
    }
}

fn hedge_of(lower: &str) -> &'static str {
    const ALLEGED: &[&str] = &[
        "said to be",
        "suspected",
        "believed",
        "apparently",
        "allegedly",
        "alleged",
        "presumed",
        "thought to",
    ];
    const REPORTED: &[&str] = &[
        "according to",
        " said",
        " says",
        "reportedly",
        "reported",
        "claimed",
        "told ",
    ];
    if ALLEGED.iter().any(|w| lower.contains(w)) {
        "alleged"
    } else if REPORTED.iter().any(|w| lower.contains(w)) {
        "reported"
    } else {
        "asserted"
    }
}

/// "authorities said", "according to local officials".
/// Words that end a speaker's name when reading back from "said".
const NOT_SPEAKER: &[&str] = &[
    "the", "a", "an", "and", "but", "which", "that", "as", "who", "when", "while", "its", "their", "his", "her", "in",
    "on", "at", "of", "by", "for", "with", "to", "from", "after", "before", "were", "was", "had", "have", "has", "it",
    "they", "he", "she", "we", "there", "le", "la", "les", "l'", "et", "qui", "que", "dont",
];

/// Words of time before a speaker: "Later that day police chief Joseph
/// Boinnet said", "Early on 16 January President Uhuru Kenyatta said".
const TIME_WORDS: &[&str] = &[
    "day",
    "night",
    "morning",
    "evening",
    "afternoon",
    "week",
    "weekend",
    "today",
    "yesterday",
    "tonight",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "soir",
    "matin",
    "lendemain",
    "veille",
];

/// Adverbs between a speaker and "said": "Kyrylenko later said".
const BETWEEN: &[&str] = &[
    "later",
    "also",
    "first",
    "then",
    "earlier",
    "had",
    "has",
    "have",
    "initially",
    "subsequently",
];

/// The speaker a sentence names as its source, as written: "<someone>
/// said", "according to <someone>", "<title> <Name> said", "selon
/// <quelqu'un>", "a déclaré <quelqu'un>".
fn speaker(toks: &[Tok]) -> Option<String> {
    const SAY: &[&str] = &[
        "said",
        "says",
        "say",
        "told",
        "announced",
        "stated",
        "confirmed",
        "declared",
        "reported",
    ];
    const DIT: &[&str] = &[
        "annoncé",
        "déclaré",
        "indiqué",
        "affirmé",
        "précisé",
        "rapporté",
        "confirmé",
        "assuré",
    ];
    let clean = |ws: &[&Tok]| -> Option<String> {
        let mut words: Vec<String> = ws
            .iter()
            .map(|t| t.raw.trim_end_matches(['.', ',', ';', ':']).to_string())
            .collect();
        while words
            .first()
            .is_some_and(|w| matches!(w.to_lowercase().as_str(), "the" | "le" | "la" | "les" | "l'"))
        {
            words.remove(0);
        }
        (!words.is_empty()).then(|| words.join(" "))
    };
    for (i, t) in toks.iter().enumerate() {
        // "<someone> said", reading back to the start of the name.
        if SAY.contains(&t.word.as_str())
            || (DIT.contains(&t.word.as_str()) && i > 0 && matches!(toks[i - 1].word.as_str(), "a" | "ont"))
        {
            let mut end = if DIT.contains(&t.word.as_str()) { i - 1 } else { i };
            while end > 0 && BETWEEN.contains(&toks[end - 1].word.as_str()) {
                end -= 1;
            }
            let mut start = end;
            while start > 0 && end - start < 6 {
                let p = &toks[start - 1];
                if p.clause_end
                    || NOT_SPEAKER.contains(&p.word.as_str())
                    || month_of(&p.word).is_some()
                    || TIME_WORDS.contains(&p.word.as_str())
                    || !p.word.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'')
                {
                    break;
                }
                start -= 1;
            }
            if start < end
                && let Some(who) = clean(&toks[start..end].iter().collect::<Vec<_>>())
            {
                return Some(who);
            }
            // "…, a annoncé le ministre de la Santé, Firass Abiad".
            if DIT.contains(&t.word.as_str()) {
                let after: Vec<&Tok> = toks[i + 1..].iter().take(8).collect();
                let stop = after
                    .iter()
                    .position(|t| t.raw.ends_with('.') || t.word == "qui")
                    .map_or(after.len(), |p| p + 1);
                if let Some(who) = clean(&after[..stop]) {
                    return Some(who);
                }
            }
        }
        // "selon le gouverneur".
        if t.word == "selon" {
            let after: Vec<&Tok> = toks[i + 1..].iter().take(7).collect();
            let stop = after
                .iter()
                .position(|t| t.clause_end || t.raw.ends_with('.'))
                .map_or(after.len(), |p| p + 1);
            if let Some(who) = clean(&after[..stop]) {
                return Some(who);
            }
        }
    }
    None
}

fn origin_of(toks: &[Tok]) -> Option<String> {
    if let Some(who) = speaker(toks) {
        return Some(who);
    }
    const WHO: &[&str] = &[
        "authorities",
        "officials",
        "police",
        "army",
        "military",
        "witnesses",
        "residents",
        "ministry",
        "spokesman",
        "spokeswoman",
        "sources",
        "government",
        "officers",
        "hospital",
        "medics",
        "doctors",
    ];
    for (i, t) in toks.iter().enumerate() {
        if matches!(t.word.as_str(), "said" | "says" | "say" | "reported")
            && i > 0
            && WHO.contains(&toks[i - 1].word.as_str())
        {
            // One qualifying word: "local officials", "Malian authorities".
            let qualifier = |t: &Tok| {
                !t.clause_end
                    && t.word.chars().all(char::is_alphabetic)
                    && !matches!(
                        t.word.as_str(),
                        "the"
                            | "a"
                            | "an"
                            | "and"
                            | "but"
                            | "which"
                            | "that"
                            | "as"
                            | "who"
                            | "when"
                            | "while"
                            | "its"
                            | "their"
                    )
            };
            let start = if i >= 2 && qualifier(&toks[i - 2]) {
                i - 2
            } else {
                i - 1
            };
            return Some(
                toks[start..i]
                    .iter()
                    .map(|t| t.word.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        if t.word == "according" && toks.get(i + 1).is_some_and(|n| n.word == "to") {
            let mut words = Vec::new();
            for n in toks.iter().skip(i + 2).take(5) {
                words.push(n.raw.trim_end_matches('.').to_string());
                if n.clause_end || n.raw.ends_with('.') {
                    break;
                }
            }
            if !words.is_empty() {
                let mut w = words.join(" ");
                if let Some(rest) = w.strip_prefix("the ") {
                    w = rest.to_string();
                }
                return Some(w);
            }
        }
    }
    None
}

/// Acronyms that name actors: 2–7 capitals, not outlets or the UN.
fn acronyms(toks: &[Tok]) -> Vec<String> {
    const NOT_ACTORS: &[&str] = &[
        "UN", "AP", "AFP", "BBC", "PDF", "US", "UK", "EU", "MINUSMA", "UNHCR", "OCHA", "NGO", "CNN", "RFI", "AU",
        "ECOWAS", "HRW",
    ];
    toks.iter()
        .map(|t| t.raw.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| {
            (2..=7).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase()) && !NOT_ACTORS.contains(&w.as_str())
        })
        .collect()
}

/// Words that introduce a part of the count before them: "50, including
/// five children", "274 morts, dont 21 enfants".
const PART: &[&str] = &[
    "including",
    "dont",
    "among",
    "notamment",
    "incluant",
    "parmi",
    "ceux",
    "celles",
    // "21 killed, in addition to five militants": the same kind.
    "addition",
    "besides",
    "comprising",
    "made",
    // "16 attackers had been killed, along with five soldiers".
    "along",
];

/// Whether the quantity at toks[i..end) can count people or things:
/// not before a unit of time or distance ("three days of mourning"), not
/// the size of a revision ("revised the toll down by more than 100"), not
/// a word that gives no number ("many of them").
fn counts_people(toks: &[Tok], i: usize, end: usize, phrase: &str) -> bool {
    let after = |k: usize| toks.get(k).map_or("", |t| t.word.as_str());
    let unit = if matches!(after(end), "de" | "d'" | "of") {
        after(end + 1)
    } else {
        after(end)
    };
    let before = |k: usize| i.checked_sub(k).map_or("", |j| toks[j].word.as_str());
    let change = before(1) == "by"
        && matches!(
            before(2),
            "down" | "up" | "toll" | "figure" | "count" | "revised" | "raised" | "lowered"
        );
    // "deux hommes de 47 et 35 ans": ages, each of them.
    let ages = matches!(after(end), "et" | "and" | "à" | "to")
        && is_number_word(after(end + 1))
        && matches!(after(end + 2), "ans" | "years");
    // "suspects aged 18 to 38", "âgés de 5 à 17 ans".
    let age = matches!(before(1), "aged" | "âgés" | "âgées" | "âgé") || before(2) == "aged" && before(1) == "between";
    // "sur les 240 personnes que transportait le convoi", "out of 500":
    // the whole a count is taken from; "76 %" is a share.
    let whole = (before(1) == "les" && before(2) == "sur") || (before(1) == "of" && before(2) == "out");
    let share = phrase.ends_with('%') || matches!(after(end), "%" | "percent" | "pour");
    // "two 500 kg bombs": a number before a number counts the second.
    let before_number = !toks[end - 1].clause_end
        && toks
            .get(end)
            .is_some_and(|t| !t.word.is_empty() && t.word.bytes().all(|b| b.is_ascii_digit()));
    !is_unit(unit)
        && !ages
        && !change
        && !age
        && !whole
        && !share
        && !before_number
        && !quantity::INDEFINITE.contains(&phrase.to_lowercase().as_str())
}

/// Whether the words before `i` name the count just given: "lowered that
/// figure to 19", "porté ce chiffre à 40".
fn refers_back(toks: &[Tok], i: usize) -> bool {
    let mut b = i;
    while b > 0
        && matches!(
            toks[b - 1].word.as_str(),
            "to" | "at"
                | "down"
                | "up"
                | "à"
                | "reached"
                | "had"
                | "has"
                | "risen"
                | "rose"
                | "stood"
                | "was"
                | "porté"
                | "portée"
                | "passé"
        )
    {
        b -= 1;
    }
    // "by 8 April its count had reached nearly 14,000".
    b >= 2
        && b < i
        && matches!(
            toks[b - 1].word.as_str(),
            "figure" | "number" | "count" | "tally" | "chiffre" | "nombre" | "décompte"
        )
        && matches!(
            toks[b - 2].word.as_str(),
            "that" | "this" | "its" | "their" | "the" | "ce" | "cet" | "son" | "leur" | "le" | "un"
        )
}

/// Whether the words before `i` put a toll: "the death toll rose to 57",
/// "put the number of dead at about 30", "le bilan s'élève à 30".
fn toll_before(toks: &[Tok], i: usize) -> bool {
    // Read back to the toll word; a semicolon between them ends it.
    for t in toks[i.saturating_sub(10)..i].iter().rev() {
        if t.semicolon {
            return false;
        }
        if matches!(
            t.word.as_str(),
            "toll" | "bilan" | "dead" | "fatalities" | "morts" | "victimes" | "count" | "tally" | "figure"
        ) {
            return true;
        }
    }
    false
}

fn counts(toks: &[Tok], sentence: &str, hedge: &str, origin: Option<&str>, claims: &mut Vec<Proposed>) {
    let mut i = 0;
    // The kind of the last count in this sentence, and whether a part of
    // it ("including …") is being listed.
    let mut last_kind: Option<&'static str> = None;
    let mut listing = false;
    // The subject and end of the last count, for "16 militaires tués et
    // 18 blessés" (the wounded are soldiers too).
    let mut last_subject: Option<(String, usize)> = None;
    // Where the last count ended.
    let mut last_end: Option<usize> = None;
    while i < toks.len() {
        let Some((end, phrase, low, high)) = quantity_at(toks, i) else {
            if PART.contains(&toks[i].word.as_str()) {
                listing = last_kind.is_some();
            }
            i += 1;
            continue;
        };
        if !counts_people(toks, i, end, &phrase) {
            i = end;
            continue;
        }
        // The words just before the number, "de" aside: "among them five",
        // "ceux de cinq enfants et de deux adultes".
        let back: Vec<&str> = toks[i.saturating_sub(3)..i]
            .iter()
            .rev()
            .map(|t| t.word.as_str())
            .filter(|w| !matches!(*w, "de" | "d'" | "them" | "of" | "up"))
            .take(2)
            .collect();
        let introduced = back.iter().any(|w| PART.contains(w));
        let joined = back.first().is_some_and(|w| matches!(*w, "and" | "et"));
        // "16 of them children": a part of the count just before.
        // ("au moins 154 d'entre eux": the same in French.)
        let word_at = |k: usize| toks.get(k).map_or("", |t| t.word.as_str());
        let them = if word_at(end) == "of" && word_at(end + 1) == "them" {
            2
        } else if word_at(end) == "d'" && word_at(end + 1) == "entre" && matches!(word_at(end + 2), "eux" | "elles") {
            3
        } else {
            0
        };
        let of_them = them > 0;
        // "killed five people, a policeman among them": the noun, then
        // "among them", "parmi eux".
        // ("a six-year-old girl among them": the noun just before).
        let among_them = (end..(end + 3).min(toks.len().saturating_sub(2))).find(|&n| {
            last_kind.is_some()
                && !toks[n].clause_end
                && matches!(toks[n + 1].word.as_str(), "among" | "parmi")
                && matches!(toks[n + 2].word.as_str(), "them" | "eux" | "elles")
        });
        // A list goes on after "and" or a comma: "made up of 142 students,
        // three police officers and three soldiers".
        let continued = listing && (joined || i > 0 && toks[i - 1].clause_end);
        let part_of = last_kind.filter(|_| introduced || of_them || among_them.is_some() || continued);
        // The noun after the number, up to three words within the clause.
        let noun_after = |k: usize| -> String {
            if k > 0 && toks[k - 1].clause_end {
                return "total".into();
            }
            let k = noun_start(toks, k);
            let subject: Vec<String> = toks[k.min(toks.len())..(k + 3).min(toks.len())]
                .iter()
                .take_while(|t| !AUX.contains(&t.word.as_str()) && !matches!(t.word.as_str(), "and" | "et"))
                .enumerate()
                .take_while(|(n, _)| *n == 0 || !toks[k + n - 1].clause_end)
                .map(|(_, t)| t.raw.trim_end_matches(['.', ',']).to_string())
                .collect();
            if subject.is_empty() {
                "total".into()
            } else {
                join_words(&subject)
            }
        };
        // "including five children": the same kind, the noun after ("two
        // of them children": the noun after "of them").
        let as_part = || part_of.map(|kind| (kind, noun_after(end + them)));
        // "la mort de 84 membres de Wagner et de 47 soldats maliens": a
        // count joined to the one just before takes its kind.
        let sibling = || {
            last_kind
                .zip(last_end)
                .filter(|(_, e)| {
                    joined
                        && *e <= i
                        && i - e <= 6
                        && !toks[*e..i].iter().any(|t| t.clause_end || trigger(&t.word).is_some())
                })
                .map(|(kind, _)| (kind, noun_after(end)))
        };
        // "killed, two of them children": the part wins over the trigger
        // just before it, which belongs to the whole.
        let found = if let Some(noun) = among_them {
            part_of.map(|kind| (kind, toks[noun].raw.trim_end_matches(['.', ',']).to_string()))
        } else if of_them {
            // "20 of them had since died": what the clause says befell
            // them, else the kind of the count they are part of.
            find_trigger(toks, i, end)
                .map(|(kind, _)| (kind, "total".to_string()))
                .filter(|(kind, _)| Some(*kind) != last_kind)
                .or_else(as_part)
        } else {
            None
        }
        // "then lowered that figure to 19": the kind of the count before.
        .or_else(|| {
            last_kind
                .filter(|_| refers_back(toks, i))
                .map(|kind| (kind, "total".to_string()))
        })
        // "the victims included at least 15 children": the noun after.
        .or_else(|| noun_before(toks, i).map(|kind| (kind, noun_after(end))))
        .or_else(|| find_trigger(toks, i, end))
        .or_else(as_part)
        .or_else(sibling)
        .or_else(|| {
            // "parmi les morts figurent deux secouristes": the noun after.
            toll_before(toks, i).then(|| {
                let noun = toks
                    .get(end)
                    .filter(|t| t.word.chars().all(char::is_alphabetic) && !AUX.contains(&t.word.as_str()));
                let subject = match noun {
                    Some(t) if !toks[end - 1].clause_end => t.raw.trim_end_matches(['.', ',']).to_string(),
                    _ => "total".to_string(),
                };
                ("killed", subject)
            })
        });
        listing = part_of.is_some() || continued;
        if PART
            .iter()
            .any(|p| toks[end..(end + 1).min(toks.len())].iter().any(|t| t.word == *p))
        {
            listing = true;
        }
        let found = found.map(|(kind, subject)| {
            let elided = matches!(subject.as_str(), "total" | "others" | "autres");
            match &last_subject {
                Some((s, at))
                    if elided
                        && i >= *at
                        && (i - at <= 3
                            && toks[*at..i]
                                .iter()
                                .any(|t| matches!(t.word.as_str(), "et" | "and" | ";"))
                            // "60 Afghans had died and 143 had been
                            // wounded", "13 US service members, with 18
                            // wounded".
                            || i - at <= 8 && matches!(toks[i - 1].word.as_str(), "and" | "et" | "with" | "avec"))
                        || (elided && subject != "total" && last_subject.is_some()) =>
                {
                    (kind, s.clone())
                }
                // "wounded 16 others" with no one named before: everyone.
                _ if matches!(subject.as_str(), "others" | "autres") => (kind, "total".to_string()),
                _ => (kind, subject),
            }
        });
        if let Some((kind, subject)) = found {
            last_kind = Some(kind);
            last_end = Some(end);
            if subject != "total" && part_of.is_none() {
                last_subject = Some((subject.clone(), end));
            }
            let duplicate = claims
                .iter()
                .any(|c| c.kind == kind && c.phrase.as_deref() == Some(&phrase) && c.subject == subject);
            if !duplicate {
                claims.push(Proposed {
                    kind: kind.to_string(),
                    subject,
                    phrase: Some(phrase),
                    low: Some(low),
                    high,
                    actor: None,
                    actor_desc: None,
                    stance: None,
                    hedge: hedge.to_string(),
                    origin: origin.map(str::to_string),
                    quote: sentence.trim().to_string(),
                });
            }
        }
        if toks[i..end].iter().chain(toks.get(end)).any(|t| t.clause_end) && !listing {
            // A count ends its clause; what follows may list its parts.
            listing = toks.get(end).is_some_and(|t| PART.contains(&t.word.as_str()));
        }
        i = end;
    }
}

/// The quantity that starts at token `i`, read by the quantity parser
/// itself (one vocabulary: "not less than 4" can never become "less than
/// 4"): the longest run of words within the clause that it accepts and that
/// holds a number which is not part of a date. Returns (the token after it,
/// the phrase as written, low, high). "a" or "one" before a singular person
/// ("killed a Liberian soldier") is the number one.
fn quantity_at(toks: &[Tok], i: usize) -> Option<(usize, String, i64, Option<i64>)> {
    let w = toks[i].word.as_str();
    // In French, "a" is the verb ("Beltrame a succombé").
    let article = matches!(w, "an" | "one" | "un" | "une") || (w == "a" && !is_french(toks));
    // No quantity phrase runs longer than a dozen words ("between two
    // hundred and fifty and three hundred").
    let clause = toks[i..]
        .iter()
        .take(QUANTITY_WORDS)
        .position(|t| t.clause_end)
        .map_or((i + QUANTITY_WORDS).min(toks.len()), |k| i + k + 1);
    let words: Vec<&str> = toks[i..clause].iter().map(|t| t.word.as_str()).collect();
    let longest = quantity::longest(&words);
    // "a Liberian soldier", "une personne": an article before a person is
    // one; before anything else ("une source", "a rocket") it counts
    // nothing, unless it starts a longer quantity ("une vingtaine").
    if article && longest.as_ref().is_none_or(|(n, _)| *n == 1) {
        // "a spokesman for Civil Hospital": the noun phrase ends at its
        // first preposition.
        let person = toks
            .iter()
            .enumerate()
            .skip(i + 1)
            .take(3)
            .take_while(|(_, t)| !matches!(t.word.as_str(), "for" | "of" | "from" | "de" | "du" | "des" | "d'"))
            .find(|(_, t)| {
                SINGULAR_PEOPLE
                    .iter()
                    .any(|p| near(&t.word, p) && t.word.len() <= p.len() + 1 && !t.word.ends_with('s') || t.word == *p)
            })
            .map(|(k, _)| k);
        // "A wounded student said", "a villager helping to cremate the
        // bodies told AFP": someone who speaks in the clause is not a count.
        let speaks = person.is_some_and(|k| {
            toks[k + 1..]
                .iter()
                .take(10)
                .take_while(|t| !t.clause_end)
                .any(|t| matches!(t.word.as_str(), "said" | "says" | "told" | "recalled" | "explained"))
        });
        // "Aden Nur, a doctor at Madina hospital, said": a title in
        // apposition to a name.
        let title = i > 0
            && toks[i - 1].clause_end
            && person.is_some_and(|k| {
                toks.get(k + 1)
                    .is_some_and(|t| matches!(t.word.as_str(), "at" | "of" | "from" | "with" | "for" | "in"))
            });
        return (person.is_some() && !speaks && !title).then(|| (i + 1, toks[i].raw.clone(), 1, Some(1)));
    }
    let (n, q) = longest?;
    let span = toks[i..i + n]
        .iter()
        .map(|t| t.word.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let numeric = (i..i + n).any(|k| {
        let w = toks[k].word.as_str();
        (is_number_word(w) && w != "and" && !date_like(toks, k))
            || quantity::VAGUE.iter().any(|(v, _)| *v == w)
            || w.ends_with("aine")
            || w == "millier"
            || w == "milliers"
    }) || quantity::VAGUE.iter().any(|(v, _)| span.starts_with(v));
    if !numeric {
        return None;
    }
    let raw: Vec<&str> = toks[i..i + n].iter().map(|t| t.raw.as_str()).collect();
    let phrase = join_words(&raw).trim_end_matches(['.', '!', '?']).to_string();
    Some((i + n, phrase, q.low, q.high))
}

/// A casualty word that names what a number is, before it: "put the dead
/// at 84 and the injured at 284", "the number of injured was about 50",
/// "ramené le nombre de tués à 35". The word follows an article or "of",
/// and a linking word stands between it and the number.
fn noun_before(toks: &[Tok], start: usize) -> Option<&'static str> {
    const LINK: &[&str] = &[
        "at",
        "to",
        "was",
        "were",
        "is",
        "stood",
        "down",
        "up",
        "reached",
        "included",
        "includes",
        "include",
        "à",
        "est",
        "était",
        "s'élève",
        "passé",
    ];
    let mut b = start;
    while b > 0 && LINK.contains(&toks[b - 1].word.as_str()) && !toks[b - 1].clause_end {
        b -= 1;
    }
    // "the number of lives lost to 130".
    if b >= 2 && b < start && toks[b - 1].word == "lost" && toks[b - 2].word == "lives" {
        b -= 1;
    }
    if b == start || b < 2 || toks[b - 1].clause_end {
        return None;
    }
    let (kind, participle) = trigger(&toks[b - 1].word)?;
    (participle.is_none() && matches!(toks[b - 2].word.as_str(), "the" | "of" | "de" | "des" | "les")).then_some(kind)
}

/// Where the noun after a number starts, past the words between them:
/// "une vingtaine d'enfants", "dozens of people", "40 le nombre
/// d'assaillants", "17 of them were women".
fn noun_start(toks: &[Tok], mut k: usize) -> usize {
    while toks.get(k).is_some_and(|t| {
        matches!(
            t.word.as_str(),
            "de" | "d'" | "des" | "of" | "le" | "la" | "les" | "the" | "nombre" | "number" | "were" | "was" | "étaient"
        )
    }) {
        k += 1;
    }
    k
}

/// The casualty word of a number at toks[start..end): after it in the
/// clause ("seven soldiers were killed"), or a verb just before it
/// ("killed a Liberian soldier"). Returns (kind, subject).
fn find_trigger(toks: &[Tok], start: usize, end: usize) -> Option<(&'static str, String)> {
    let french = is_french(toks);
    let subject_words = |from: usize, to: usize| -> String {
        let mut words = Vec::new();
        let from = noun_start(toks, from).min(to);
        for (n, t) in toks[from..to].iter().enumerate() {
            // "suspects aged 18 to 38", not "personnes âgées".
            let age_follows = toks
                .get(from + n + 1)
                .is_some_and(|next| is_number_word(&next.word) || matches!(next.word.as_str(), "de" | "between"));
            if matches!(t.word.as_str(), "aged" | "âgés" | "âgées" | "âgé") && age_follows {
                break;
            }
            if AUX.contains(&t.word.as_str()) || quantity::number(&t.word).is_some() && !words.is_empty() {
                break;
            }
            words.push(if french {
                t.raw.trim_end_matches('.').to_string()
            } else {
                fix_typo(&t.raw)
            });
            if t.clause_end {
                break;
            }
        }
        // "un enfant de 12 ans": no preposition ends a subject.
        while words
            .last()
            .is_some_and(|w| matches!(w.as_str(), "de" | "d'" | "of" | "du" | "des"))
        {
            words.pop();
        }
        join_words(&words)
    };
    let make = |kind: &'static str, participle: Option<&'static str>, subject: String| -> (&'static str, String) {
        let subject = match subject.as_str() {
            "more" | "other" | "others" => "others".to_string(),
            // "20 more people had been arrested": people, more of them.
            "more people" | "other people" => "people".to_string(),
            "autres personnes" => "personnes".to_string(),
            _ => subject,
        };
        let subject = if subject.is_empty() {
            if participle.is_some() {
                "people".to_string()
            } else {
                "total".to_string()
            }
        } else {
            subject
        };
        // "one gunman captured": attackers captured are arrested.
        let attacker = subject.split(' ').any(|w| {
            let w = w.to_lowercase();
            let one = w.trim_end_matches('s');
            matches!(
                one,
                "gunman" | "gunmen" | "attacker" | "militant" | "suspect" | "terrorist" | "assailant" | "assaillant"
            )
        });
        match participle {
            Some("captured") if attacker => ("arrested", subject),
            Some(p) => (kind, format!("{subject} {p}")),
            None => (kind, subject),
        }
    };
    // Backward: a verb just before the number ("killed 12", "la perte de
    // 71 soldats").
    let before = start.checked_sub(1).and_then(|b| {
        match toks[b].word.as_str() {
            "de" | "d'" | "of" => b.checked_sub(1),
            // "coûté la vie à 86 personnes"; but "le bilan a été arrêté à
            // 11 blessés" fixes a toll, and arrests no one.
            "à" => b.checked_sub(1).filter(|&v| toks[v].word == "vie"),
            _ => Some(b),
        }
    });
    if let Some(b) = before
        && !toks[b].clause_end
        && let Some((kind, participle)) = verb_before(&toks[b].word)
    {
        let from = noun_start(toks, end);
        let to = (from + 4).min(toks.len());
        let mut words = Vec::new();
        for t in &toks[from..to] {
            if matches!(
                t.word.as_str(),
                "and" | "before" | "after" | "in" | "at" | "from" | "on" | "of" | "with" | "during" | "et"
            ) || AUX.contains(&t.word.as_str())
            {
                break;
            }
            // English nouns are corrected ("soliders"); French ones are
            // not English typos ("membres de Wagner").
            words.push(if french { t.raw.clone() } else { fix_typo(&t.raw) });
            if t.clause_end || t.raw.ends_with('.') {
                break;
            }
        }
        let subject = join_words(&words).trim_end_matches('.').to_string();
        // "took dozens of cattle": things taken, not people; "holding
        // seven detonators" holds no one.
        let people = subject.is_empty()
            || subject.split(' ').any(|w| {
                let w = w.to_lowercase();
                let one = w.trim_end_matches('s');
                NOUNS.contains(&w.as_str())
                    || SINGULAR_PEOPLE.contains(&one)
                    || matches!(one, "men" | "prisoner" | "prisonnier")
            });
        if kind == "abducted"
            && (subject.split(' ').any(|w| THINGS.contains(&w.to_lowercase().as_str()))
                || matches!(toks[b].word.as_str(), "holding" | "held") && !people)
        {
            return None;
        }
        return Some(make(kind, participle, subject));
    }
    // Forward, within the clause.
    let mut k = end;
    if end > 0 && toks[end - 1].clause_end {
        k = toks.len();
    }
    while k < toks.len() && k < end + 12 {
        // "had been taken": abducted, unless taken to hospital.
        // Cattle, vehicles or weapons taken are no abduction.
        let things = toks[end..k].iter().any(|t| THINGS.contains(&t.word.as_str()));
        let taken = (toks[k].word == "taken" && !things).then(|| {
            let after = &toks[k + 1..(k + 4).min(toks.len())];
            // "taken to hospital", "taken into custody".
            let kind = if after.iter().any(|t| t.word == "hospital") {
                "wounded"
            } else if after.iter().any(|t| t.word == "custody") {
                "arrested"
            } else {
                "abducted"
            };
            (kind, None)
        });
        // "fait sept prisonniers", "holding 12 prisoners": prisoners a
        // group holds are abducted.
        let held = (k == end
            && matches!(toks[k].word.as_str(), "prisoners" | "prisonniers")
            && start > 0
            && matches!(
                toks[start - 1].word.as_str(),
                "fait" | "faits" | "détenir" | "détient" | "détiennent" | "holding" | "held" | "took" | "taken"
            ))
        .then_some(("abducted", None));
        // "needed hospital treatment", "à l'hôpital"; not "crowded
        // around the emergency ward of Quetta's Civil Hospital".
        // A capitalised word inside a sentence is part of a name
        // ("Frontier Corps", "the Missing Persons Commission"); so is a
        // hospital after one ("Rassoul al-Aazam hospital").
        let in_a_name = (k > 0 && toks[k].raw.starts_with(char::is_uppercase))
            || (matches!(toks[k].word.as_str(), "hospital" | "hôpital")
                && k > 0
                && toks[k - 1].raw.starts_with(char::is_uppercase));
        // "sept personnes étaient toujours en garde à vue", "placées sous
        // mandat d'arrêt".
        let custody = ((toks[k].word == "garde"
            && toks.get(k + 1).is_some_and(|t| t.word == "à")
            && toks.get(k + 2).is_some_and(|t| t.word == "vue"))
            || (toks[k].word == "mandat"
                && toks.get(k + 1).is_some_and(|t| t.word == "d'")
                && toks.get(k + 2).is_some_and(|t| t.word == "arrêt")))
        .then_some(("arrested", None));
        let word_trigger = || if in_a_name { None } else { trigger(&toks[k].word) };
        if let Some((kind, participle)) = taken.or(held).or(custody).or_else(word_trigger) {
            // "26 hostages had been killed", "214 hostages it held had been
            // executed", "155 hostages had been freed": people counted by
            // their status, then what befell them, later in the clause.
            let status = k == end
                && matches!(
                    toks[k].word.as_str(),
                    "hostages"
                        | "otages"
                        | "prisoners"
                        | "prisonniers"
                        | "refugees"
                        | "réfugiés"
                        | "déplacés"
                        | "victims"
                        | "victimes"
                );
            if status {
                let fate = toks[k + 1..]
                    .iter()
                    .take(8)
                    .take_while(|t| !t.clause_end || trigger(&t.word).is_some())
                    .find_map(|t| trigger(&t.word).filter(|(other, _)| *other != kind));
                if let Some((other, participle)) = fate {
                    // Victims are everyone the count is about.
                    let noun = if matches!(toks[k].word.as_str(), "victims" | "victimes") {
                        String::new()
                    } else {
                        toks[k].raw.trim_end_matches(['.', ',']).to_string()
                    };
                    return Some(make(other, participle, noun));
                }
            }
            // "21 corps de militaires", "the bodies of 12 soldiers": whose.
            if kind == "killed"
                && k == end
                && matches!(toks[k].word.as_str(), "corps" | "bodies")
                && !toks[k].clause_end
                && toks
                    .get(k + 1)
                    .is_some_and(|t| matches!(t.word.as_str(), "de" | "d'" | "of"))
                && let Some(noun) = toks.get(k + 2).filter(|t| {
                    t.word.chars().all(char::is_alphabetic)
                        && !AUX.contains(&t.word.as_str())
                        && !matches!(t.word.as_str(), "the" | "les" | "la" | "le")
                })
            {
                return Some(make(
                    kind,
                    participle,
                    noun.raw.trim_end_matches(['.', ',']).to_string(),
                ));
            }
            // "hostages" is itself the subject.
            let after_of = k == end + 1 && matches!(toks[end].word.as_str(), "of" | "de" | "d'");
            let subject = if kind == "abducted"
                && matches!(toks[k].word.as_str(), "hostages" | "hostage" | "otages" | "otage")
                && (k == end || after_of)
            {
                // "plus d'une vingtaine d'otages".
                toks[k].raw.trim_end_matches(['.', ',']).to_string()
            } else if kind == "abducted" && matches!(toks[k].word.as_str(), "prisoners" | "prisonniers") {
                toks[k].raw.trim_end_matches(['.', ',']).to_string()
            } else if k == end && matches!(toks[k].word.as_str(), "refugees" | "réfugiés") {
                // "2 750 réfugiés centrafricains": the noun is the subject,
                // with the adjective after it.
                let adjective = toks.get(k + 1).filter(|t| {
                    !toks[k].clause_end
                        && t.word.chars().all(char::is_alphabetic)
                        && t.raw.starts_with(char::is_lowercase)
                        && !AUX.contains(&t.word.as_str())
                });
                std::iter::once(&toks[k])
                    .chain(adjective)
                    .map(|t| t.raw.trim_end_matches(['.', ',']))
                    .collect::<Vec<_>>()
                    .join(" ")
            } else if let Some(noun) = adjective_noun(toks, k, end) {
                // "50 wounded workers": the noun after the adjective.
                noun
            } else {
                subject_words(end, k)
            };
            return Some(make(kind, participle, subject));
        }
        // "un enfant de 12 ans figurait parmi les morts": an age.
        if k > end && matches!(toks[k].word.as_str(), "de" | "of") {
            // "deux hommes de 47 et 35 ans".
            let mut a = k + 1;
            while toks.get(a).is_some_and(|t| is_number_word(&t.word) || t.word == "et") {
                a += 1;
            }
            if a > k + 1 && toks.get(a).is_some_and(|t| matches!(t.word.as_str(), "ans" | "years")) {
                k = a + 1;
                continue;
            }
        }
        // "eight suspects aged 18 to 38 were in custody": an age is no
        // other count.
        if matches!(toks[k].word.as_str(), "aged" | "âgés" | "âgées") {
            k += 1;
            while k < toks.len()
                && !toks[k - 1].clause_end
                && (is_number_word(&toks[k].word)
                    || matches!(toks[k].word.as_str(), "to" | "between" | "de" | "à" | "ans"))
            {
                k += 1;
            }
            continue;
        }
        // Another number ends this one's clause, unless joined by "and":
        // "one peacekeeper and 15 jihadists were killed".
        let another = k > end
            && toks[k].word.chars().all(|c| c.is_ascii_digit())
            && !matches!(toks[k - 1].word.as_str(), "and" | "et");
        // A conjunction starts another clause: "the toll rose to 59 as
        // more of the wounded died".
        // ("listed 111 people as injured" is no new clause.)
        // (but "the toll climbed to 26 as wounded passengers died" is).
        let conjunction = CONJUNCTIONS.contains(&toks[k].word.as_str())
            && !(k > end && toks.get(k + 1).is_some_and(|t| trigger(&t.word).is_some()));
        if another || conjunction {
            break;
        }
        if toks[k].clause_end {
            // "at least 13 people, children among them, had been killed":
            // a part set off by commas does not end the clause.
            match aside(toks, k + 1) {
                Some(after) => k = after,
                None => break,
            }
            continue;
        }
        k += 1;
    }
    None
}

/// Things taken that are no abduction: "dozens of cattle were taken".
const THINGS: &[&str] = &[
    "cattle",
    "livestock",
    "goats",
    "sheep",
    "camels",
    "animals",
    "head",
    "vehicles",
    "weapons",
    "bétail",
    "têtes",
    "véhicules",
    "armes",
    "motos",
];

/// Words that start another clause.
const CONJUNCTIONS: &[&str] = &[
    "as", "when", "because", "but", "while", "whereas", "although", "though", "saying", "since", "until", "mais",
    "car", "lorsque", "quand", "tandis",
];

/// A part set off by commas that starts at `from`: "children among them,",
/// "including five children,", "dont dix enfants,". Returns the token after
/// its closing comma.
fn aside(toks: &[Tok], from: usize) -> Option<usize> {
    let close = (from..(from + 6).min(toks.len())).find(|&k| toks[k].clause_end)?;
    // "seven of them children,", "âgés de 5 à 17 ans,".
    // "27 hommes, en majorité peuls,", "six children, the youngest 18
    // months old,".
    (toks[from..=close].iter().any(|t| {
        PART.contains(&t.word.as_str())
            || matches!(
                t.word.as_str(),
                "them" | "eux" | "majorité" | "plupart" | "mostly" | "youngest" | "oldest"
            )
    }) || matches!(toks[from].word.as_str(), "aged" | "âgés" | "âgées" | "âgé"))
    .then_some(close + 1)
}

/// The plural noun after a toll adjective that follows the number at once,
/// in English: "50 wounded workers", "12 dead soldiers" (not "20 dead,",
/// "five wounded in the blast").
fn adjective_noun(toks: &[Tok], k: usize, end: usize) -> Option<String> {
    let adjective = k == end && !toks[k].clause_end && matches!(toks[k].word.as_str(), "wounded" | "injured" | "dead");
    let noun = toks.get(k + 1)?;
    (adjective
        && noun.word.len() > 3
        && noun.word.ends_with('s')
        && noun.word.chars().all(|c| c.is_ascii_alphabetic())
        && !AUX.contains(&noun.word.as_str())
        && !matches!(noun.word.as_str(), "others" | "this" | "was" | "has" | "is"))
    .then(|| fix_typo(&noun.raw).trim_end_matches(['.', ',']).to_string())
}

/// Responsibility for an actor the ledger knows, by any of its names: who
/// claimed, was blamed for or denied the act, in English or French.
fn known_responsibility(
    lower: &str,
    sentence: &str,
    hedge: &str,
    origin: Option<&str>,
    known: &[String],
    claims: &mut Vec<Proposed>,
) {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let sentence_words = words(lower);
    for name in known {
        let name_words = words(name);
        if name_words.is_empty() || name_words.len() > sentence_words.len() {
            continue;
        }
        let Some(at) = sentence_words
            .windows(name_words.len())
            .position(|w| w == name_words.as_slice())
        else {
            continue;
        };
        let after = &sentence_words[at + name_words.len()..];
        let before = &sentence_words[..at];
        let near = |list: &[&str], ws: &[String]| ws.iter().take(4).any(|w| list.iter().any(|l| w.starts_with(l)));
        let near_before = |list: &[&str]| {
            before
                .iter()
                .rev()
                .take(4)
                .any(|w| list.iter().any(|l| w.starts_with(l)))
        };
        let stance = if near(
            &["denied", "denies", "démenti", "dément", "nié", "nie", "rejected"],
            after,
        ) {
            "denied"
        } else if near(&["claimed", "claims", "revendiqu", "said it carried"], after)
            || near_before(&["claimed by", "revendiqué par"])
            || (near_before(&["par"]) && near_before(&["revendiqu"]))
        {
            "claimed"
        } else if near_before(&["blamed", "blame", "accus", "attributed", "attribu", "imput"])
            || near(&["was behind", "were behind", "responsible"], after)
            || near_before(&["blamed on", "attributed to"])
        {
            "attributed"
        } else {
            continue;
        };
        let actor = name.clone();
        let duplicate = claims.iter().any(|c| {
            c.kind == "responsibility"
                && c.actor.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(&actor))
                && c.stance.as_deref() == Some(stance)
        });
        if duplicate {
            continue;
        }
        claims.push(Proposed {
            kind: "responsibility".into(),
            subject: "total".into(),
            phrase: None,
            low: None,
            high: None,
            actor: Some(actor.clone()),
            actor_desc: None,
            stance: Some(stance.into()),
            hedge: hedge.to_string(),
            origin: if stance == "attributed" {
                origin.map(str::to_string)
            } else {
                Some(actor)
            },
            quote: sentence.trim().to_string(),
        });
    }
}

fn responsibility(
    toks: &[Tok],
    lower: &str,
    sentence: &str,
    hedge: &str,
    last_actor: &mut Option<String>,
    claims: &mut Vec<Proposed>,
) {
    let push = |actor: Option<String>, desc: Option<String>, stance: &str, hedge: &str, claims: &mut Vec<Proposed>| {
        let actor_name = actor.clone().unwrap_or_else(|| "unknown".into());
        if claims.iter().any(|c| {
            c.kind == "responsibility" && c.actor.as_deref() == Some(&actor_name) && c.stance.as_deref() == Some(stance)
        }) {
            return;
        }
        claims.push(Proposed {
            kind: "responsibility".into(),
            subject: "total".into(),
            phrase: None,
            low: None,
            high: None,
            actor: Some(actor_name),
            actor_desc: desc,
            stance: Some(stance.into()),
            hedge: hedge.into(),
            origin: None,
            quote: sentence.trim().to_string(),
        });
    };
    // The acting subject of a verb at index v: an acronym before it, or
    // "the group" meaning the last named actor.
    let subject_before = |v: usize, last: &Option<String>| -> Option<String> {
        let from = v.saturating_sub(12);
        if let Some(a) = acronyms(&toks[from..v]).pop() {
            return Some(a);
        }
        let window: Vec<&str> = toks[v.saturating_sub(3)..v].iter().map(|t| t.word.as_str()).collect();
        if window.iter().any(|w| {
            matches!(
                *w,
                "group"
                    | "it"
                    | "they"
                    | "jihadists"
                    | "militants"
                    | "militia"
                    | "faction"
                    | "organisation"
                    | "organization"
                    | "movement"
            )
        }) {
            return last.clone();
        }
        None
    };
    // "No group has claimed", "did not claim": a negated verb asserts nothing.
    let negated = |v: usize| {
        toks[v.saturating_sub(3)..v]
            .iter()
            .any(|t| matches!(t.word.as_str(), "no" | "not" | "never" | "nobody" | "none" | "yet"))
    };
    for (v, t) in toks.iter().enumerate() {
        if negated(v)
            && matches!(
                t.word.as_str(),
                "claimed" | "claims" | "claim" | "behind" | "blamed" | "denied" | "denies" | "deny"
            )
        {
            continue;
        }
        match t.word.as_str() {
            "claimed" | "claims" | "claim"
                if toks
                    .get(v + 1)
                    .is_some_and(|n| !matches!(n.word.as_str(), "that" | "to"))
                    || lower.contains("claimed responsibility") =>
            {
                if t.word == "claim" && toks.get(v + 1).is_none_or(|n| n.word != "responsibility") {
                    continue;
                }
                if let Some(actor) = subject_before(v, last_actor) {
                    *last_actor = Some(actor.clone());
                    let h = if hedge == "alleged" { "alleged" } else { "reported" };
                    push(Some(actor), None, "claimed", h, claims);
                }
            }
            "behind" => {
                if let Some(actor) = subject_before(v, last_actor) {
                    push(Some(actor), None, "attributed", hedge, claims);
                }
            }
            "blamed" | "attributed" => {
                // "blamed on X" / "attributed to X", else "X was blamed".
                let after = toks
                    .get(v + 1)
                    .filter(|n| matches!(n.word.as_str(), "on" | "to"))
                    .map(|_| acronyms(&toks[v + 1..(v + 14).min(toks.len())]));
                let actor = after
                    .and_then(|mut a| a.pop())
                    .or_else(|| acronyms(&toks[v + 1..(v + 4).min(toks.len())]).pop())
                    .or_else(|| subject_before(v, last_actor));
                if let Some(actor) = actor {
                    push(Some(actor), None, "attributed", hedge, claims);
                }
            }
            "denied" | "denies" | "deny" => {
                if let Some(actor) = subject_before(v, last_actor) {
                    push(Some(actor), None, "denied", "reported", claims);
                }
            }
            "by" => {
                // "attacks by suspected jihadists"
                let next: Vec<&str> = toks.iter().skip(v + 1).take(2).map(|t| t.word.as_str()).collect();
                if let [q, who] = next.as_slice()
                    && matches!(*q, "suspected" | "alleged" | "presumed" | "unidentified" | "unknown")
                {
                    push(None, Some(format!("{q} {who}")), "attributed", "alleged", claims);
                }
            }
            "unnamed" | "unidentified" | "unknown" if v == 0 || toks[v - 1].word != "by" => {
                if let Some(n) = toks.get(v + 1)
                    && matches!(
                        n.word.as_str(),
                        "faction"
                            | "group"
                            | "gunmen"
                            | "attackers"
                            | "assailants"
                            | "jihadist"
                            | "jihadists"
                            | "militants"
                            | "armed"
                    )
                {
                    let mut desc = format!("{} {}", t.word, n.word);
                    if (n.word == "jihadist" || n.word == "armed")
                        && let Some(m) = toks.get(v + 2)
                    {
                        desc.push(' ');
                        desc.push_str(&m.word);
                    }
                    push(None, Some(desc), "attributed", hedge, claims);
                }
            }
            _ => {}
        }
    }
}

/// The first "Month Day" (or "Month Day and Day2") the text names.
fn first_date(text: &str, year: Option<i32>) -> Option<(String, String)> {
    let toks = tokens(text);
    for (i, t) in toks.iter().enumerate() {
        let Some(month) = month_of(&t.raw) else { continue };
        // English months are capitalised ("may" and "march" are words too).
        let french = MOIS.contains(&t.word.trim_end_matches(['.', ','])) && t.word != "mars";
        if !french && !t.raw.chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        // "May 9", "9 May", "le 1er octobre".
        let next = toks.get(i + 1).and_then(|d| day_of(&d.raw));
        let prev = i.checked_sub(1).and_then(|p| day_of(&toks[p].raw));
        let (day, after) = match (next, prev) {
            (Some(d), _) if !french => (d, i + 2),
            (_, Some(d)) => (d, i + 1),
            (Some(d), None) => (d, i + 2),
            (None, None) => continue,
        };
        let year = toks.get(after).and_then(|y| year_of(&y.raw)).or(year);
        let first = iso(year, month, day)?;
        let last = match (toks.get(i + 2), toks.get(i + 3)) {
            (Some(a), Some(d)) if a.word == "and" || a.word == "to" => d
                .word
                .parse::<u32>()
                .ok()
                .and_then(|d2| iso(year, month, d2))
                .unwrap_or(first.clone()),
            _ => first.clone(),
        };
        return Some((first, last));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A bulletin written for these tests, in the style of news digests.
    const BULLETIN: &str = "\
Militia raid leaves villagers dead in central Mali

Gunmen on motorbikes stormed the hamlet of Ogossagou-Est on March 23, killing at least 12 villagers, local officials said. Some 20 others were wounded and dozens of cattle were taken. No group has claimed the raid, which residents blamed on Dan Na Ambassagou (DNA). The militia denied any role. (Studio Tamani, March 24; Reuters, March 25)

  1. Convoy ambushed near Menaka

    An army convoy was ambushed on the road to Menaka on June 2. Four soldiers were kiled and seven others wounded, according to the army. The Islamic State in the Greater Sahara (ISGS) claimed the ambush, saying its fighters seized two vehicles. (AFP)

  2. Hostages freed in Burkina Faso

    Security forces freed more than 30 hostages held by suspected jihadists in the north of Burkina Faso on August 14 2019. A police officer died in the operation, a government spokesman said. (RFI, Le Faso)
";

    fn find<'a>(item: &'a Item, kind: &str, phrase: &str) -> &'a Proposed {
        item.claims
            .iter()
            .find(|c| c.kind == kind && c.phrase.as_deref() == Some(phrase))
            .unwrap_or_else(|| panic!("no {kind} '{phrase}' in {:#?}", item.claims))
    }

    #[test]
    fn items_titles_and_sources() {
        let items = parse(BULLETIN, None);
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].title, "Militia raid leaves villagers dead in central Mali");
        assert_eq!(items[1].title, "Convoy ambushed near Menaka");
        let names: Vec<&str> = items
            .iter()
            .flat_map(|i| i.sources.iter().map(|s| s.name.as_str()))
            .collect();
        assert_eq!(names, vec!["Studio Tamani", "Reuters", "AFP", "RFI", "Le Faso"]);
        assert_eq!(items[0].sources[0].date.as_deref(), Some("March 24"));
        assert_eq!(
            items[0].sources[0].published.as_deref(),
            Some("2019-03-24"),
            "the year the text names"
        );
        assert_eq!(items[0].date, Some(("2019-03-23".into(), "2019-03-23".into())));
    }

    #[test]
    fn counts_with_phrases_subjects_and_origins() {
        let items = parse(BULLETIN, Some(2019));
        let c = find(&items[0], "killed", "at least 12");
        assert_eq!((c.subject.as_str(), c.low, c.high), ("villagers", Some(12), None));
        assert_eq!(
            (c.origin.as_deref(), c.hedge.as_str()),
            (Some("local officials"), "reported")
        );
        let c = find(&items[0], "wounded", "Some 20");
        assert_eq!((c.low, c.high), (Some(18), Some(22)));
        let c = find(&items[1], "killed", "Four");
        assert_eq!(
            (c.subject.as_str(), c.origin.as_deref()),
            ("soldiers", Some("army")),
            "typo 'kiled' still read"
        );
        let c = find(&items[1], "wounded", "seven");
        assert_eq!(c.low, Some(7));
        assert!(
            !items[0].claims.iter().any(|c| c.phrase.as_deref() == Some("dozens")),
            "cattle taken is not a casualty"
        );
        let c = find(&items[1], "count", "two");
        assert_eq!(c.subject, "vehicles seized");
        let c = find(&items[2], "abducted", "more than 30");
        assert_eq!((c.subject.as_str(), c.low), ("hostages", Some(31)));
        assert_eq!(c.hedge, "alleged", "suspected jihadists");
        let c = find(&items[2], "killed", "A");
        assert_eq!(
            (c.subject.as_str(), c.low, c.high),
            ("police officer", Some(1), Some(1))
        );
        // Dates and years are not counts.
        assert!(
            items
                .iter()
                .flat_map(|i| &i.claims)
                .all(|c| !matches!(c.low, Some(14) | Some(2019) | Some(23) | Some(24) | Some(25))),
            "{:#?}",
            items
        );
    }

    #[test]
    fn responsibility_and_hedges() {
        let items = parse(BULLETIN, Some(2019));
        let r: Vec<(String, String)> = items[0]
            .claims
            .iter()
            .filter(|c| c.kind == "responsibility")
            .map(|c| (c.actor.clone().unwrap(), c.stance.clone().unwrap()))
            .collect();
        assert!(r.contains(&("DNA".into(), "attributed".into())), "{r:?}");
        assert!(r.contains(&("DNA".into(), "denied".into())), "{r:?}");
        let r = items[1].claims.iter().find(|c| c.kind == "responsibility").unwrap();
        assert_eq!(
            (r.actor.as_deref(), r.stance.as_deref()),
            (Some("ISGS"), Some("claimed"))
        );
        let r = items[2].claims.iter().find(|c| c.kind == "responsibility").unwrap();
        assert_eq!(
            (r.actor.as_deref(), r.actor_desc.as_deref(), r.hedge.as_str()),
            (Some("unknown"), Some("suspected jihadists"), "alleged")
        );
    }

    /// Quantities come from the quantity parser itself: a second list of
    /// its prefixes once read "not less than 4" as "less than 4" and "a
    /// maximum of 10" as exactly 10.
    #[test]
    fn parts_of_a_toll_and_nouns_after_toll_adjectives() {
        let text = "Strike on a market\n\nA monitor said 23 people were killed, two of them children. \
                    A spokesman reported 50 wounded workers. (Agence X, May 4)\n";
        let items = parse(text, Some(2022));
        let part = find(&items[0], "killed", "two");
        assert_eq!(
            (part.subject.as_str(), part.low, part.high),
            ("children", Some(2), Some(2))
        );
        let whole = find(&items[0], "killed", "23");
        // "people" is recorded as the total (model::subject).
        assert_eq!(crate::model::subject(&whole.subject).unwrap(), "total");
        let wounded = find(&items[0], "wounded", "50");
        assert_eq!((wounded.subject.as_str(), wounded.low), ("workers", Some(50)));
    }

    /// The (kind, subject, phrase) of every claim the first item of
    /// `text` proposes, in order.
    #[track_caller]
    fn assert_proposals(text: &str, year: Option<i32>, want: &[(&str, &str, &str)]) {
        let items = parse(text, year);
        let got: Vec<_> = items[0]
            .claims
            .iter()
            .map(|c| (c.kind.as_str(), c.subject.as_str(), c.phrase.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(got, want);
    }

    /// Phrasings found on bulletins written apart from the extractor, one
    /// rule each (the sentences are ours; the shapes are theirs).
    #[test]
    fn tolls_as_unseen_reporting_writes_them() {
        let text = "Blasts at a shrine\n\n\
            The minister put the dead at 84 and the injured at 284. \
            A hospital official said the toll had risen to 59 as more of the wounded died. \
            A doctor said at least 13 people, children among them, had been killed and 52 wounded. \
            An official said at least 60 villagers had died and 143 had been wounded. \
            A blast killed five people, a policeman among them. \
            The police chief said 21 people had been killed, in addition to five militants. \
            He gave a final toll of 148, made up of 142 students, three police officers and three soldiers. \
            The Red Cross said 50 people were unaccounted for. \
            A wounded student said about 600 people had been in the hall. \
            A spokesman for the hospital said the wounded were being moved. \
            The governor declared three days of mourning. \
            Nearly 40 people fled the town. (Agence X, May 4)\n";
        assert_proposals(
            text,
            Some(2024),
            &[
                ("killed", "total", "84"),
                ("wounded", "total", "284"),
                ("killed", "total", "59"),
                ("killed", "people", "at least 13"),
                ("wounded", "people", "52"),
                ("killed", "villagers", "at least 60"),
                ("wounded", "villagers", "143"),
                ("killed", "people", "five"),
                ("killed", "policeman", "a"),
                ("killed", "people", "21"),
                ("killed", "militants", "five"),
                ("killed", "total", "148"),
                ("killed", "students", "142"),
                ("killed", "police officers", "three"),
                ("killed", "soldiers", "three"),
                ("missing", "people", "50"),
                ("displaced", "people", "Nearly 40"),
            ],
        );
    }

    #[test]
    fn what_is_not_this_items_count_and_what_befell_the_counted() {
        let text = "Siege at a station\n\n\
            Gunmen seized a train on 11 March 2025. \
            The army said 26 hostages had been killed and that 155 hostages had been freed. \
            The group said it was holding seven prisoners. \
            A railway official said 25 bodies had been buried. \
            Red Cross staff said 50 people were unaccounted for, then lowered that figure to 19. \
            Officials revised the toll down by more than 100, putting it at 253. \
            Police said eight suspects aged 18 to 38 were in custody and that many of them were students. \
            The same station was bombed in November 2024, killing 26 people. \
            It was the deadliest attack since 2019, with 30 soldiers killed. (Agence X, March 12)\n";
        assert_proposals(
            text,
            None,
            &[
                ("killed", "hostages", "26"),
                ("count", "hostages freed", "155"),
                ("abducted", "prisoners", "seven"),
                ("killed", "total", "25"),
                ("missing", "people", "50"),
                ("missing", "total", "19"),
                ("killed", "total", "253"),
                ("arrested", "suspects", "eight"),
                ("killed", "soldiers", "30"),
            ],
        );
    }

    #[test]
    fn fourth_round_phrasings() {
        let text = "Raid on a town\n\n\
            By Monday the police listed 111 people as injured. \
            Medics released a list of 16 confirmed dead. \
            The army said all 16 attackers had been killed, along with five soldiers and 13 civilians. \
            A spokesman said the attackers had murdered dozens of villagers. \
            Police said eight victims were in critical condition. \
            Amnesty could confirm 12 dead and said two 500 kg bombs were used. \
            The agency had registered 8,166 people fleeing by 31 March; by 8 April its count had reached nearly 14,000. \
            The minister said 25 Indians had lost their lives, and recalled the 1960 treaty. (Agence X, April 9)\n";
        assert_proposals(
            text,
            Some(2021),
            &[
                ("wounded", "people", "111"),
                ("killed", "total", "16"),
                ("killed", "attackers", "all 16"),
                ("killed", "soldiers", "five"),
                ("killed", "civilians", "13"),
                ("killed", "villagers", "dozens"),
                ("wounded", "total", "eight"),
                ("killed", "total", "12"),
                ("displaced", "people", "8,166"),
                ("displaced", "total", "nearly 14,000"),
                ("killed", "Indians", "25"),
            ],
        );
        let text = "Attaque d'un village\n\n\
            Un élu a affirmé que 21 corps de militaires avaient été enterrés. \
            L'état-major a fait état de plus d'une dizaine de militaires tombés. \
            Le ministre a dit que 15 civils ont perdu la vie, 33 personnes ont été blessées et 29 assaillants ont été tués et trois autres capturés. \
            Le mercredi 10 septembre, 74 victimes ont été inhumées. \
            Selon une ONG, 132 femmes et 25 nourrissons ont péri ; plus d'une centaine de villageois ont été emmenés de force. \
            L'armée a annoncé cinq soldats toujours recherchés et dit avoir éliminé plus de 100 terroristes. (RFI, 11 septembre)\n";
        assert_proposals(
            text,
            Some(2025),
            &[
                ("killed", "militaires", "21"),
                ("killed", "militaires", "plus d'une dizaine"),
                ("killed", "civils", "15"),
                ("wounded", "personnes", "33"),
                ("killed", "assaillants", "29"),
                ("arrested", "assaillants", "trois"),
                ("killed", "total", "74"),
                ("killed", "femmes", "132"),
                ("killed", "nourrissons", "25"),
                ("abducted", "villageois", "plus d'une centaine"),
                ("missing", "soldats", "cinq"),
                ("killed", "terroristes", "plus de 100"),
            ],
        );
    }

    #[test]
    fn fifth_round_phrasings() {
        assert_proposals(
            "Blasts at a rally\n\n\
            Investigators were identifying the bodies of two suicide bombers. \
            By then the police had detained 24 suspects, 15 of them foreigners. \
            The minister said seven people had been killed, a six-year-old girl among them. \
            He said six children, the youngest 18 months old, were among the dead; 17 people had been pulled out alive. \
            The agency said 46 injured people had been taken to hospital and 20 of them had since died, and that the attacks had displaced 6,527 people. \
            The gunmen were holding 10 boys. (Agence X, June 16)\n",
            Some(2025),
            &[
                ("killed", "suicide bombers", "two"),
                ("arrested", "suspects", "24"),
                ("arrested", "foreigners", "15"),
                ("killed", "people", "seven"),
                ("killed", "girl", "a"),
                ("killed", "children", "six"),
                ("count", "people rescued", "17"),
                ("wounded", "total", "46"),
                ("killed", "total", "20"),
                ("displaced", "people", "6,527"),
                ("abducted", "boys", "10"),
            ],
        );
        assert_proposals(
            "Attaque d'un convoi\n\n\
            La riposte a permis de neutraliser une cinquantaine de terroristes. \
            Selon des témoins, 27 hommes, en majorité peuls, ont été arrêtés. \
            Amnesty fait état de l'arrestation d'au moins 30 hommes. \
            Le PDG a relevé le bilan à 39 morts et un disparu, sur les 240 personnes que transportait le convoi. \
            L'OIM recensait 4 972 personnes déplacées, dont 76 % hébergées dans des écoles. \
            Sur les 533 personnes incarcérées, 532 détenus se sont évadés et un détenu a été tué. \
            Un communiqué recensait 10 membres des forces de l'ordre tués, et un enfant de 12 ans figurait parmi les morts. \
            Un bilan faisait état d'environ 3 000 habitants en fuite. (RFI, 8 mars)\n",
            Some(2016),
            &[
                ("killed", "terroristes", "une cinquantaine"),
                ("arrested", "hommes", "27"),
                ("arrested", "hommes", "au moins 30"),
                ("killed", "total", "39"),
                ("missing", "total", "un"),
                ("displaced", "personnes", "4 972"),
                ("count", "détenus évadés", "532"),
                ("killed", "détenu", "un"),
                ("killed", "membres des forces de l'ordre", "10"),
                ("killed", "enfant", "un"),
                ("displaced", "habitants", "environ 3 000"),
            ],
        );
    }

    #[test]
    fn sixth_and_seventh_round_phrasings() {
        assert_proposals(
            "Siege at a school\n\n\
            Lawyers had crowded around the emergency ward of the Civil Hospital. \
            MSF counted 37 people badly wounded. \
            Police said 5,221 people had been rounded up. \
            Special forces had rescued more than 80 people. \
            The minister announced the arrest of five suspects. \
            A van holding seven detonators was found. \
            The gunmen had held more than 1,100 hostages. \
            The blast killed 24 people and wounded 16 others. \
            MSF said 28 mothers had been on the ward and that 15 of them were killed. (AFP, May 13)\n",
            Some(2020),
            &[
                ("wounded", "people", "37"),
                ("arrested", "people", "5,221"),
                ("count", "people rescued", "more than 80"),
                ("arrested", "suspects", "five"),
                ("abducted", "hostages", "more than 1,100"),
                ("killed", "people", "24"),
                ("wounded", "people", "16"),
                ("killed", "total", "15"),
            ],
        );
        assert_proposals(
            "Attaque d'un camp\n\n\
            Le premier bilan de la préfecture faisait état d'un mort et de dix blessés. \
            Arnaud Beltrame a succombé dans la nuit. \
            Vers 2 h 15, le ministre a donné un bilan de 12 blessés. \
            Sept personnes étaient toujours en garde à vue. \
            Plus d'une vingtaine d'otages restaient aux mains des ravisseurs. \
            Deux autres personnes auraient été tuées. \
            Le colonel a fait état de 20 arrestations. \
            Environ 300 jeunes hommes ont été raflés et au moins 154 d'entre eux ont été retrouvés morts. \
            Les secouristes ont dénombré plus de 400 cadavres. (RFI, 12 décembre)\n",
            Some(2018),
            &[
                ("killed", "total", "un"),
                ("wounded", "total", "dix"),
                ("wounded", "total", "12"),
                ("arrested", "personnes", "Sept"),
                ("abducted", "otages", "Plus d'une vingtaine"),
                ("killed", "personnes", "Deux"),
                ("arrested", "total", "20"),
                ("arrested", "jeunes hommes", "Environ 300"),
                ("killed", "jeunes hommes", "au moins 154"),
                ("killed", "total", "plus de 400"),
            ],
        );
        // Round eight.
        assert_proposals(
            "Deux attaques\n\n\
            Le bilan a ensuite été arrêté à 11 blessés, dont quatre grièvement atteints. \
            L'attaque avait coûté la vie à 22 personnes. \
            Plus de 40 000 personnes avaient trouvé refuge à la mission. \
            Les hommes armés ont voulu exécuter six hommes. (RFI, 9 janvier)\n",
            Some(2015),
            &[
                ("wounded", "total", "11"),
                ("wounded", "total", "quatre"),
                ("killed", "personnes", "22"),
                ("displaced", "personnes", "Plus de 40 000"),
                ("killed", "hommes", "six"),
            ],
        );
        assert_proposals(
            "Two attacks\n\n\
            Four people were taken into custody. \
            Nine militants were killed and one gunman captured. \
            The hospital treated 126 people for injuries. (AP, Nov 28)\n",
            Some(2008),
            &[
                ("arrested", "people", "Four"),
                ("killed", "militants", "Nine"),
                ("arrested", "gunman", "one"),
                ("wounded", "people", "126"),
            ],
        );
        // Round nine.
        assert_proposals(
            "Two bombings\n\n\
            The commission said 264 people had been treated at 26 hospitals, and later it raised the count to 282. \
            Officers fired some 50 rounds. \
            A rights group said more than 40 people had been gunned down. (AP, Apr 26)\n",
            Some(2013),
            &[
                ("wounded", "people", "264"),
                ("wounded", "total", "282"),
                ("killed", "people", "more than 40"),
            ],
        );
        assert_proposals(
            "Deux sièges\n\n\
            Le ministre a donné 21 morts et 17 blessés ; 133 personnes avaient été exfiltrées. \
            Deux hommes de 47 et 35 ans ont été placés en garde à vue. (RFI, 22 novembre)\n",
            Some(2015),
            &[
                ("killed", "total", "21"),
                ("wounded", "total", "17"),
                ("count", "personnes exfiltrées", "133"),
                ("arrested", "hommes", "Deux"),
            ],
        );
        // Rounds ten and eleven.
        assert_proposals(
            "Two bombings\n\n\
            Aden Nur, a doctor at the city hospital, said staff had recorded 258 deaths. \
            Shakeel said 10 army and Frontier Corps personnel were among the wounded. \
            Police said 43 people were killed and 17 of them were women; 58 were admitted and 36 others were believed missing. (AP, May 14)\n",
            Some(2015),
            &[
                ("killed", "total", "258"),
                ("wounded", "army", "10"),
                ("killed", "people", "43"),
                ("killed", "women", "17"),
                ("wounded", "total", "58"),
                ("missing", "people", "36"),
            ],
        );
    }

    #[test]
    fn french_tolls_as_unseen_reporting_writes_them() {
        let text = "Massacre au village\n\n\
            Le ministre a ramené le nombre de tués à 35, parmi lesquels 24 enfants. \
            Les rebelles ont revendiqué la mort de 84 membres de Wagner et de 47 soldats maliens. \
            La commission évoque 13 civils tués, après des tirs au cours desquels cinq « terroristes » auraient été abattus. \
            Selon le HCR, au moins 2 750 réfugiés centrafricains sont arrivés en RDC. \
            Le bilan s'élève à 115 morts ; plus de 6 200 rescapés se sont repliés sur la ville. \
            Le gouvernement a décrété trois jours de deuil national. (RFI, 6 juin)\n";
        assert_proposals(
            text,
            Some(2024),
            &[
                ("killed", "total", "35"),
                ("killed", "enfants", "24"),
                ("killed", "membres de Wagner", "84"),
                ("killed", "soldats maliens", "47"),
                ("killed", "civils", "13"),
                ("killed", "terroristes", "cinq"),
                ("displaced", "réfugiés centrafricains", "au moins 2 750"),
                ("killed", "total", "115"),
            ],
        );
    }

    #[test]
    fn counts_are_read_by_the_quantity_parser() {
        let text = "Raid on an army post\n\nAt most ten soldiers died in the raid on Tuesday 3 May 2022, \
                    and not less than 4 civilians were wounded. Just under 30 people fled. (Agence X, May 4)\n";
        let items = parse(text, None);
        assert_eq!(items.len(), 1);
        let got: Vec<_> = items[0]
            .claims
            .iter()
            .map(|c| (c.kind.as_str(), c.phrase.as_deref(), c.low, c.high))
            .collect();
        assert_eq!(
            got,
            [
                ("killed", Some("At most ten"), Some(0), Some(10)),
                ("wounded", Some("not less than 4"), Some(4), None),
                ("displaced", Some("Just under 30"), Some(27), Some(29)),
            ]
        );
    }

    #[test]
    fn typos_are_near() {
        assert!(near("soliders", "soldiers"));
        assert!(near("kiled", "killed"));
        assert!(near("solider", "soldier"));
        assert!(!near("dead", "deal"));
        assert!(!near("wounded", "founder"));
        assert_eq!(fix_typo("soliders"), "soldiers");
        assert_eq!(fix_typo("Malian"), "Malian");
    }

    /// The kept corpus of odd bulletins (tests/fixtures/corpus/ingest):
    /// every proposal quotes the item's own text and has an ordered
    /// interval.
    #[test]
    fn corpus_bulletins_give_grounded_proposals() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/ingest");
        let mut files = 0;
        for f in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            for item in parse(&text, Some(2017)) {
                for c in &item.claims {
                    assert!(item.text.contains(&c.quote) || item.title.contains(&c.quote), "{c:?}");
                    assert!(c.high.is_none_or(|h| c.low.is_some_and(|l| l <= h)), "{c:?}");
                }
            }
            files += 1;
        }
        assert!(files >= 6);
    }

    /// Every interval an extractor proposes is ordered and within the cap.
    fn intervals_hold(items: &[Item]) -> bool {
        items.iter().flat_map(|i| &i.claims).all(|c| match c.low {
            Some(low) => {
                (0..=crate::quantity::MAX_NUMBER).contains(&low)
                    && c.high.is_none_or(|h| h >= low && h <= crate::quantity::MAX_NUMBER)
            }
            None => c.high.is_none(),
        })
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,300}") {
            let items = parse(&s, None);
            prop_assert!(intervals_hold(&items));
        }

        #[test]
        fn never_panics_on_bulletin_shaped_text(words in proptest::collection::vec("(killed|at least|more than|seven|12|May|3|and|by|suspected|claimed|JNIM|the group|a|soldier|\\(AP\\)|,|\\.|\n\n|tués|au moins|plus de|une vingtaine|dont|blessés|selon le gouverneur|1000000000000|mille milliards|6 juin|including|children|said|d'au)", 0..60)) {
            let items = parse_with(&words.join(" "), Some(2017), &["Russian forces".to_string(), "JNIM".to_string()]);
            prop_assert!(intervals_hold(&items));
        }
    }
}
