//! Quantity phrases → intervals.
//!
//! A count claim keeps the source's own words ("at least seven", "dozens")
//! and the closed interval `[low, high]` they mean, `high = None` being
//! unbounded. Numbers are digits (with optional thousands commas) or English
//! words up to the millions ("forty-seven", "a dozen", "two hundred and
//! fifty", "3 thousand"). Every phrase also has a point value for display:
//! the number itself for exact, band and upper-bounded phrases, the low end
//! for lower-bounded phrases and ranges.
//!
//! | phrase | interval |
//! |---|---|
//! | `N`, `exactly N` | [N, N] |
//! | `at least N`, `no fewer than N`, `no less than N`, `a minimum of N`, `N or more`, `N+` | [N, ∞) |
//! | `more than N`, `over N`, `upwards of N`, `in excess of N`, `above N` | [N+1, ∞) |
//! | `at most N`, `up to N`, `as many as N`, `no more than N`, `a maximum of N` | [0, N] |
//! | `fewer than N`, `less than N`, `under N`, `below N` | [0, N−1] |
//! | `about N`, `around N`, `approximately N`, `roughly N`, `some N`, `an estimated N`, `close to N` | [N−d, N+d], d = max(1, round(N/10)) |
//! | `nearly N`, `almost N` | [N−d, N−1] |
//! | `between A and B`, `from A to B`, `A to B`, `A or B`, `A-B`, `A–B` | [A, B] |
//! | `none`, `no one`, `nobody`, `zero` | [0, 0] |
//! | vague words | see [`VAGUE`] |

use std::fmt;

/// A parsed quantity: the phrase as written and the interval it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    pub phrase: String,
    pub low: i64,
    pub high: Option<i64>,
    pub point: i64,
}

/// Vague plural words and the low end each is read as; all unbounded above.
/// "tens", "dozens" and "hundreds" follow ACLED's conservative coding; the
/// others take the smallest number the word can honestly mean.
pub const VAGUE: &[(&str, i64)] = &[
    ("a couple", 2),
    ("a couple of", 2),
    ("a few", 2),
    ("few", 2),
    ("several", 3),
    ("a number of", 2),
    ("many", 10),
    ("numerous", 10),
    ("tens", 10),
    ("dozens", 12),
    ("dozens of", 12),
    ("scores", 40),
    ("scores of", 40),
    ("hundreds", 100),
    ("hundreds of", 100),
    ("thousands", 1000),
    ("thousands of", 1000),
];

/// Numbers above this are refused, so that every derived bound stays a safe
/// JSON integer.
pub const MAX_NUMBER: i64 = 1_000_000_000_000;

/// Why a phrase could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub phrase: String,
    pub too_large: bool,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.too_large {
            write!(f, "numbers above {MAX_NUMBER} are not accepted")
        } else {
            f.write_str(ACCEPTED)
        }
    }
}

/// The accepted forms, for error messages.
pub const ACCEPTED: &str = "expected a number (digits or words such as 'seven', 'forty-seven', 'a dozen') \
alone or as 'exactly N', 'at least N', 'N or more', 'N+', 'more than N', 'over N', 'at most N', 'up to N', \
'fewer than N', 'about N', 'nearly N', 'between A and B', 'A to B', 'A-B', 'none', or a vague word \
('a few', 'several', 'many', 'tens', 'dozens', 'scores', 'hundreds', 'thousands'); \
give --low/--high for anything else";

const EXACT: &[&str] = &["exactly", "precisely", "a total of", "in total"];
const AT_LEAST: &[&str] = &[
    "at least",
    "no fewer than",
    "no less than",
    "not less than",
    "a minimum of",
    "at a minimum",
];
const MORE_THAN: &[&str] = &["more than", "over", "upwards of", "in excess of", "above"];
const AT_MOST: &[&str] = &[
    "at most",
    "up to",
    "as many as",
    "no more than",
    "not more than",
    "a maximum of",
];
const FEWER_THAN: &[&str] = &["fewer than", "less than", "under", "below"];
const ABOUT: &[&str] = &[
    "about",
    "around",
    "approximately",
    "roughly",
    "some",
    "an estimated",
    "estimated",
    "close to",
    "circa",
    "an approximate",
    "~",
];
const NEARLY: &[&str] = &["nearly", "almost", "just under"];
const ZERO: &[&str] = &["none", "no one", "nobody", "zero", "no"];

/// The most words [`longest`] tries: "no fewer than two hundred and fifty".
const LONGEST: usize = 8;

/// The longest run of `words`, from the first, that reads as a quantity,
/// and how many words it takes: how the bulletin extractor finds counts in
/// running text with this parser's vocabulary and no other.
pub fn longest(words: &[&str]) -> Option<(usize, Quantity)> {
    (1..=words.len().min(LONGEST))
        .rev()
        .find_map(|n| parse(&words[..n].join(" ")).ok().map(|q| (n, q)))
}

/// Reads `phrase` as an interval.
pub fn parse(phrase: &str) -> Result<Quantity, ParseError> {
    let text = normalize(phrase);
    let fail = |too_large| ParseError {
        phrase: phrase.to_string(),
        too_large,
    };
    let make = |low: i64, high: Option<i64>, point: i64| Quantity {
        phrase: phrase.trim().to_string(),
        low,
        high,
        point,
    };

    if text.is_empty() {
        return Err(fail(false));
    }
    if ZERO.contains(&text.as_str()) {
        return Ok(make(0, Some(0), 0));
    }
    if let Some(&(_, low)) = VAGUE.iter().find(|(w, _)| *w == text) {
        return Ok(make(low, None, low));
    }
    let num = |s: &str| -> Result<i64, ParseError> {
        match number(s) {
            Some(n) if n > MAX_NUMBER => Err(fail(true)),
            Some(n) => Ok(n),
            None => Err(fail(false)),
        }
    };

    if let Some(rest) = strip_any(&text, EXACT) {
        let n = num(rest)?;
        return Ok(make(n, Some(n), n));
    }
    if let Some(rest) = strip_any(&text, AT_LEAST) {
        let n = num(rest)?;
        return Ok(make(n, None, n));
    }
    if let Some(rest) = text.strip_suffix(" or more").or_else(|| text.strip_suffix('+')) {
        let n = num(rest.trim())?;
        return Ok(make(n, None, n));
    }
    if let Some(rest) = strip_any(&text, MORE_THAN) {
        let n = num(rest)?;
        return Ok(make(n + 1, None, n + 1));
    }
    if let Some(rest) = strip_any(&text, AT_MOST) {
        let n = num(rest)?;
        return Ok(make(0, Some(n), n));
    }
    if let Some(rest) = strip_any(&text, FEWER_THAN) {
        let n = num(rest)?;
        let high = (n - 1).max(0);
        return Ok(make(0, Some(high), high));
    }
    if let Some(rest) = strip_any(&text, NEARLY) {
        let n = num(rest)?;
        let d = band(n);
        return Ok(make((n - d).max(0), Some((n - 1).max(0)), n));
    }
    if let Some(rest) = strip_any(&text, ABOUT) {
        let n = num(rest)?;
        let d = band(n);
        return Ok(make((n - d).max(0), Some(n + d), n));
    }
    if let Some((a, b)) = range(&text) {
        let (a, b) = (num(a)?, num(b)?);
        if a <= b {
            return Ok(make(a, Some(b), a));
        }
        return Err(fail(false));
    }
    let n = num(&text)?;
    Ok(make(n, Some(n), n))
}

/// The half-width of an "about N" band: 10 % of N, at least 1.
fn band(n: i64) -> i64 {
    ((n + 5) / 10).max(1)
}

/// Lowercase, dashes unified, whitespace folded, trailing full stop dropped.
fn normalize(phrase: &str) -> String {
    let lowered = phrase.trim().trim_end_matches('.').to_lowercase();
    let unified: String = lowered
        .chars()
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect();
    unified
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn strip_any<'a>(text: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|p| {
        let rest = text.strip_prefix(p)?;
        if p.ends_with('~') {
            return Some(rest.trim_start());
        }
        rest.strip_prefix(' ')
    })
}

/// `between A and B`, `from A to B`, `A to B`, `A or B`, `A-B`.
fn range(text: &str) -> Option<(&str, &str)> {
    if let Some(rest) = text.strip_prefix("between ") {
        return rest.split_once(" and ");
    }
    let rest = text.strip_prefix("from ").unwrap_or(text);
    if let Some(pair) = rest.split_once(" to ").or_else(|| rest.split_once(" or ")) {
        return Some(pair);
    }
    // A hyphen joins a range only between two digit strings ("10-15"); in
    // words it joins a compound number ("forty-seven").
    let (a, b) = rest.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == ',');
    (digits(a) && digits(b)).then_some((a, b))
}

/// A whole number in digits or English words; `None` if `s` is anything else.
pub fn number(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(n) = digits(s) {
        return Some(n);
    }
    words(s)
}

/// `1200`, `1,200`; commas only between groups of three.
fn digits(s: &str) -> Option<i64> {
    if !s.chars().all(|c| c.is_ascii_digit() || c == ',') || s.starts_with(',') {
        return None;
    }
    if s.contains(',') {
        let mut groups = s.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || !groups.all(|g| g.len() == 3) {
            return None;
        }
    }
    let plain: String = s.chars().filter(|c| *c != ',').collect();
    if plain.len() > 15 {
        return Some(i64::MAX);
    }
    plain.parse().ok()
}

#[derive(Clone, Copy, PartialEq)]
enum Class {
    None,
    Unit,
    Tens,
    Multiplier,
}

fn words(s: &str) -> Option<i64> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];

    if s.starts_with('-') || s.ends_with('-') || s.contains("--") || s.contains(" -") || s.contains("- ") {
        return None;
    }
    let tokens: Vec<&str> = s.split([' ', '-']).filter(|t| !t.is_empty()).collect();
    let (mut total, mut current) = (0i64, 0i64);
    let mut last = Class::None;
    let mut seen_number = false;
    for (i, tok) in tokens.iter().enumerate() {
        let tok = *tok;
        if tok == "and" && last != Class::None && i + 1 < tokens.len() {
            continue;
        }
        if tok == "a" || tok == "an" {
            // "a dozen", "a hundred", "a thousand"
            let next = tokens.get(i + 1)?;
            if i != 0 || !matches!(*next, "dozen" | "hundred" | "thousand" | "million") {
                return None;
            }
            current = 1;
            last = Class::Unit;
            continue;
        }
        if let Some(v) = UNITS.iter().position(|u| *u == tok) {
            if last == Class::Unit || (last == Class::Tens && v >= 10) || (last == Class::Tens && v == 0) {
                return None;
            }
            current += v as i64;
            last = Class::Unit;
        } else if let Some(v) = TENS.iter().position(|t| *t == tok) {
            if last == Class::Unit || last == Class::Tens {
                return None;
            }
            current += 20 + 10 * v as i64;
            last = Class::Tens;
        } else if let Some(n) = digits(tok) {
            if last == Class::Unit || last == Class::Tens || n > MAX_NUMBER {
                return if n > MAX_NUMBER { Some(n) } else { None };
            }
            current += n;
            last = Class::Unit;
        } else {
            let factor = match tok {
                "dozen" => 12,
                "hundred" => 100,
                "thousand" => 1000,
                "million" => 1_000_000,
                _ => return None,
            };
            let base = if last == Class::None { 1 } else { current.max(1) };
            if factor >= 1000 {
                total = total.checked_add(base.checked_mul(factor)?)?;
                current = 0;
            } else {
                current = base.checked_mul(factor)?;
            }
            last = Class::Multiplier;
        }
        seen_number = true;
        if total > MAX_NUMBER || current > MAX_NUMBER {
            return Some(i64::MAX);
        }
    }
    seen_number.then_some(total + current)
}

/// Applies `--low`/`--high` overrides to an optional phrase.
///
/// Given ends replace the parsed ones; without a phrase, `--low` alone means
/// "at least", `--high` alone "at most". Returns a description of what is
/// wrong as an `Err` naming the field.
pub fn with_overrides(
    phrase: Option<&str>,
    low: Option<i64>,
    high: Option<i64>,
) -> Result<Quantity, (&'static str, String)> {
    for (field, v) in [("--low", low), ("--high", high)] {
        if let Some(v) = v
            && !(0..=MAX_NUMBER).contains(&v)
        {
            return Err((
                field,
                format!("invalid {field} '{v}': expected a whole number from 0 to {MAX_NUMBER}"),
            ));
        }
    }
    let parsed = match phrase {
        Some(p) => match parse(p) {
            Ok(q) => Some(q),
            Err(e) if low.is_none() && high.is_none() => {
                return Err(("--count", format!("invalid --count '{p}': {e}")));
            }
            Err(_) => None,
        },
        None => None,
    };
    if parsed.is_none() && low.is_none() && high.is_none() {
        return Err((
            "--count",
            "a count claim needs --count PHRASE or --low/--high".to_string(),
        ));
    }
    let q_low = low.or(parsed.as_ref().map(|q| q.low)).unwrap_or(0);
    let q_high = match high {
        Some(h) => Some(h),
        None => parsed.as_ref().and_then(|q| q.high),
    };
    if let Some(h) = q_high
        && q_low > h
    {
        return Err((
            "--low",
            format!("invalid interval: low {q_low} is greater than high {h}"),
        ));
    }
    let point = parsed.as_ref().map(|q| q.point).unwrap_or(q_low);
    let point = point.max(q_low).min(q_high.unwrap_or(i64::MAX));
    let phrase = match phrase {
        Some(p) => p.trim().to_string(),
        None => match q_high {
            Some(h) if h == q_low => q_low.to_string(),
            Some(h) => format!("{q_low}-{h}"),
            None => format!("at least {q_low}"),
        },
    };
    Ok(Quantity {
        phrase,
        low: q_low,
        high: q_high,
        point,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const INF: Option<i64> = None;

    #[test]
    fn every_form() {
        let table: &[(&str, i64, Option<i64>, i64)] = &[
            ("7", 7, Some(7), 7),
            ("seven", 7, Some(7), 7),
            ("Seven.", 7, Some(7), 7),
            ("exactly 12", 12, Some(12), 12),
            ("forty-seven", 47, Some(47), 47),
            ("forty seven", 47, Some(47), 47),
            ("fifteen", 15, Some(15), 15),
            ("a dozen", 12, Some(12), 12),
            ("two dozen", 24, Some(24), 24),
            ("hundred", 100, Some(100), 100),
            ("a hundred", 100, Some(100), 100),
            ("two hundred and fifty", 250, Some(250), 250),
            ("one thousand two hundred", 1200, Some(1200), 1200),
            ("3 thousand", 3000, Some(3000), 3000),
            ("1,200", 1200, Some(1200), 1200),
            ("twenty-one thousand", 21000, Some(21000), 21000),
            ("at least 2", 2, INF, 2),
            ("at least two", 2, INF, 2),
            ("no fewer than 10", 10, INF, 10),
            ("a minimum of 5", 5, INF, 5),
            ("30 or more", 30, INF, 30),
            ("30+", 30, INF, 30),
            ("more than 40", 41, INF, 41),
            ("More than 30", 31, INF, 31),
            ("over 100", 101, INF, 101),
            ("upwards of 50", 51, INF, 51),
            ("in excess of 1,000", 1001, INF, 1001),
            ("at most 9", 0, Some(9), 9),
            ("up to 20", 0, Some(20), 20),
            ("as many as 60", 0, Some(60), 60),
            ("no more than 3", 0, Some(3), 3),
            ("fewer than 10", 0, Some(9), 9),
            ("less than ten", 0, Some(9), 9),
            ("under 5", 0, Some(4), 4),
            ("about 50", 45, Some(55), 50),
            ("around 100", 90, Some(110), 100),
            ("approximately 7", 6, Some(8), 7),
            ("roughly 3", 2, Some(4), 3),
            ("some 200", 180, Some(220), 200),
            ("close to 40", 36, Some(44), 40),
            ("about 1", 0, Some(2), 1),
            ("nearly 40", 36, Some(39), 40),
            ("almost 100", 90, Some(99), 100),
            ("between 10 and 15", 10, Some(15), 10),
            ("between ten and fifteen", 10, Some(15), 10),
            ("10 to 15", 10, Some(15), 10),
            ("10-15", 10, Some(15), 10),
            ("10–15", 10, Some(15), 10),
            ("10 - 15", 10, Some(15), 10),
            ("seven or eight", 7, Some(8), 7),
            ("none", 0, Some(0), 0),
            ("no one", 0, Some(0), 0),
            ("zero", 0, Some(0), 0),
            ("0", 0, Some(0), 0),
            ("a few", 2, INF, 2),
            ("several", 3, INF, 3),
            ("many", 10, INF, 10),
            ("tens", 10, INF, 10),
            ("dozens", 12, INF, 12),
            ("scores", 40, INF, 40),
            ("hundreds", 100, INF, 100),
            ("  At   Least   Three  ", 3, INF, 3),
        ];
        for &(phrase, low, high, point) in table {
            let q = parse(phrase).unwrap_or_else(|e| panic!("{phrase:?}: {e}"));
            assert_eq!((q.low, q.high, q.point), (low, high, point), "{phrase:?}");
            assert_eq!(q.phrase, phrase.trim());
        }
    }

    #[test]
    fn refusals() {
        for phrase in [
            "",
            "lots",
            "seven seven",
            "twenty twenty",
            "fifteen-ten",
            "15-10",
            "between 9 and 3",
            "1,2",
            "a",
            "and",
            "at least",
            "more than a few",
            "twenty fifteen",
            "one two",
            "-3",
            "3.5",
            "1e3",
            "a seven",
        ] {
            assert!(parse(phrase).is_err(), "{phrase:?} should be refused");
        }
        let e = parse("9999999999999999999999").unwrap_err();
        assert!(e.too_large);
        assert!(parse("more than 1000000000000000").unwrap_err().too_large);
    }

    #[test]
    fn overrides() {
        let q = with_overrides(Some("a handful"), Some(3), Some(6)).unwrap();
        assert_eq!(
            (q.low, q.high, q.point, q.phrase.as_str()),
            (3, Some(6), 3, "a handful")
        );
        let q = with_overrides(Some("at least 7"), None, Some(9)).unwrap();
        assert_eq!((q.low, q.high), (7, Some(9)));
        let q = with_overrides(None, Some(4), None).unwrap();
        assert_eq!((q.low, q.high, q.phrase.as_str()), (4, None, "at least 4"));
        assert_eq!(with_overrides(Some("lots"), None, None).unwrap_err().0, "--count");
        assert_eq!(with_overrides(None, Some(5), Some(2)).unwrap_err().0, "--low");
        assert_eq!(with_overrides(None, Some(-1), None).unwrap_err().0, "--low");
        assert_eq!(with_overrides(None, None, None).unwrap_err().0, "--count");
    }

    /// The kept corpus of hostile and edge phrases (tests/fixtures/corpus):
    /// each reads as an ordered interval or is refused with the accepted
    /// forms or the size limit.
    #[test]
    fn corpus_phrases_read_or_are_refused_with_the_forms() {
        let corpus = include_str!("../tests/fixtures/corpus/quantity.txt");
        let (mut read, mut refused) = (0, 0);
        for phrase in corpus.lines() {
            match parse(phrase) {
                Ok(q) => {
                    assert!(q.low >= 0 && q.high.is_none_or(|h| h >= q.low), "{phrase:?}: {q:?}");
                    read += 1;
                }
                Err(e) => {
                    let msg = e.to_string();
                    assert!(msg.contains("at least") || msg.contains("above"), "{phrase:?}: {msg}");
                    refused += 1;
                }
            }
        }
        assert!(read >= 40 && refused >= 5, "read {read}, refused {refused}");
    }

    proptest! {
        #[test]
        fn never_panics_and_intervals_are_ordered(s in "\\PC{0,40}") {
            if let Ok(q) = parse(&s) {
                prop_assert!(q.low >= 0);
                prop_assert!(q.high.is_none_or(|h| h >= q.low));
                prop_assert!(q.low <= MAX_NUMBER + 1);
            }
        }

        #[test]
        fn number_words_never_panic(s in "((a|and|one|seven|twelve|forty|hundred|thousand|dozen|million|[0-9]{1,20}|,)[ -]?){0,8}") {
            let _ = parse(&s);
            let _ = parse(&format!("more than {s}"));
            let _ = parse(&format!("about {s}"));
        }

        #[test]
        fn digits_read_back(n in 0i64..=MAX_NUMBER) {
            let q = parse(&n.to_string()).unwrap();
            prop_assert_eq!((q.low, q.high), (n, Some(n)));
        }
    }
}
