//! Journal entries, canonical JSON and the hash chain.
//!
//! Every change to a ledger is one entry `{seq, prev, at, author, op, entity,
//! body}`. Its hash is
//!
//! ```text
//! hash = lowercase_hex(SHA-256(JCS({"seq", "prev", "at", "author", "op", "entity", "body"})))
//! ```
//!
//! where JCS is RFC 8785 canonical JSON: object keys sorted, no whitespace,
//! strings with minimal escaping (`\"`, `\\`, `\b \f \n \r \t`, other control
//! characters as `\u00xx` in lowercase hex, everything else as literal
//! UTF-8). Bodies hold only strings, integers within ±(2^53−1), booleans,
//! null, arrays and objects; floating-point numbers are refused, so the only
//! number form is a plain decimal integer and every JCS implementation
//! agrees. `prev` is the hash of entry `seq-1`, or 64 zeros for `seq` 1.
//!
//! serde_json without `preserve_order` keeps objects in a `BTreeMap`, which
//! sorts keys by their UTF-8 bytes; JCS sorts by UTF-16 code units. The two
//! orders differ only for keys with characters above U+FFFF next to keys
//! with characters in U+E000..U+FFFF; bodies are built by tally with ASCII
//! keys, and [`canonical`] refuses any key outside ASCII so that the
//! difference can never arise.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// `prev` of the first entry.
pub const GENESIS_PREV: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The largest integer every JCS implementation prints exactly.
pub const MAX_SAFE_INT: i64 = (1 << 53) - 1;

/// Every kind of change a journal entry can record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    LedgerInit,
    SourceAdd,
    SourceAmend,
    ActorAdd,
    ActorAmend,
    EventAdd,
    EventAmend,
    ReportAdd,
    ReportAmend,
    ClaimAdd,
    ClaimAmend,
    ClaimRetract,
    ClaimRestore,
    DecisionAdd,
    ReportRetract,
    ReportRestore,
    AuthorAdd,
    PolicySet,
}

impl Op {
    pub const ALL: [Op; 18] = [
        Op::LedgerInit,
        Op::SourceAdd,
        Op::SourceAmend,
        Op::ActorAdd,
        Op::ActorAmend,
        Op::EventAdd,
        Op::EventAmend,
        Op::ReportAdd,
        Op::ReportAmend,
        Op::ClaimAdd,
        Op::ClaimAmend,
        Op::ClaimRetract,
        Op::ClaimRestore,
        Op::DecisionAdd,
        Op::ReportRetract,
        Op::ReportRestore,
        Op::AuthorAdd,
        Op::PolicySet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::LedgerInit => "ledger.init",
            Op::SourceAdd => "source.add",
            Op::SourceAmend => "source.amend",
            Op::ActorAdd => "actor.add",
            Op::ActorAmend => "actor.amend",
            Op::EventAdd => "event.add",
            Op::EventAmend => "event.amend",
            Op::ReportAdd => "report.add",
            Op::ReportAmend => "report.amend",
            Op::ClaimAdd => "claim.add",
            Op::ClaimAmend => "claim.amend",
            Op::ClaimRetract => "claim.retract",
            Op::ClaimRestore => "claim.restore",
            Op::DecisionAdd => "decision.add",
            Op::ReportRetract => "report.retract",
            Op::ReportRestore => "report.restore",
            Op::AuthorAdd => "author.add",
            Op::PolicySet => "policy.set",
        }
    }

    /// What kind of entity the op is about: the word before its dot.
    pub fn noun(self) -> &'static str {
        self.as_str().split_once('.').map_or(self.as_str(), |(noun, _)| noun)
    }

    /// The op spelled exactly `s`, as the journal stores it.
    pub fn parse(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.as_str() == s)
    }
}

impl crate::model::Vocabulary for Op {
    const ALL: &'static [Op] = &Op::ALL;
    fn as_str(self) -> &'static str {
        Op::as_str(self)
    }
}

impl Serialize for Op {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One journal entry, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub seq: i64,
    pub prev: String,
    pub at: String,
    pub author: String,
    pub op: Op,
    pub entity: String,
    pub body: Value,
    pub hash: String,
}

/// What [`crate::ledger::apply`] needs of an entry besides its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub op: Op,
    pub entity: &'a str,
}

impl std::fmt::Display for Header<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "entry {} ({} {})", self.seq, self.op.as_str(), self.entity)
    }
}

/// Why a value cannot be written canonically.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    #[error("floating-point number {0} is not allowed in a journal body")]
    Float(String),
    #[error("integer {0} is outside ±(2^53−1)")]
    Unsafe(String),
    #[error("object key {0:?} is not ASCII")]
    Key(String),
}

/// Checks that `value` has a single canonical form (see the module docs).
pub fn check_canonical(value: &Value) -> Result<(), CanonicalError> {
    match value {
        Value::Number(n) => match n.as_i64() {
            Some(i) if (-MAX_SAFE_INT..=MAX_SAFE_INT).contains(&i) => Ok(()),
            Some(_) => Err(CanonicalError::Unsafe(n.to_string())),
            None if n.is_u64() => Err(CanonicalError::Unsafe(n.to_string())),
            None => Err(CanonicalError::Float(n.to_string())),
        },
        Value::Array(items) => items.iter().try_for_each(check_canonical),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            if !k.is_ascii() {
                return Err(CanonicalError::Key(k.clone()));
            }
            check_canonical(v)
        }),
        Value::Null | Value::Bool(_) | Value::String(_) => Ok(()),
    }
}

/// The RFC 8785 canonical JSON text of `value`.
pub fn canonical(value: &Value) -> Result<String, CanonicalError> {
    check_canonical(value)?;
    // serde_json's compact writer with BTreeMap objects is JCS for such values.
    Ok(value.to_string())
}

/// Whether `text` is already the canonical form of the value it denotes:
/// `canonical(parse(text)) == text`, decided in one pass without building
/// the value (`verify` asks this of every journal body).
pub fn is_canonical(text: &str) -> bool {
    let mut c = Scan {
        s: text.as_bytes(),
        i: 0,
    };
    c.value(0) && c.i == c.s.len()
}

/// A cursor for [`is_canonical`]; each method consumes one canonical item
/// or returns false.
struct Scan<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    /// serde_json's own nesting limit: anything deeper does not parse.
    const MAX_DEPTH: usize = 127;

    fn eat(&mut self, b: u8) -> bool {
        let ok = self.s.get(self.i) == Some(&b);
        self.i += ok as usize;
        ok
    }

    fn word(&mut self, w: &[u8]) -> bool {
        let ok = self.s[self.i..].starts_with(w);
        self.i += if ok { w.len() } else { 0 };
        ok
    }

    fn value(&mut self, depth: usize) -> bool {
        match self.s.get(self.i) {
            Some(b'{') if depth < Self::MAX_DEPTH => self.object(depth + 1),
            Some(b'[') if depth < Self::MAX_DEPTH => self.array(depth + 1),
            Some(b'"') => self.string().is_some(),
            Some(b'-' | b'0'..=b'9') => self.integer(),
            Some(b't') => self.word(b"true"),
            Some(b'f') => self.word(b"false"),
            Some(b'n') => self.word(b"null"),
            _ => false,
        }
    }

    /// Keys strictly ascending (so no duplicates) and ASCII, as
    /// [`canonical`] writes them.
    fn object(&mut self, depth: usize) -> bool {
        self.i += 1;
        if self.eat(b'}') {
            return true;
        }
        let mut last: Option<&'a [u8]> = None;
        loop {
            let Some(key) = self.string() else { return false };
            let ascending = last.is_none_or(|l| key_order(l, key) == Some(std::cmp::Ordering::Less));
            if !key.is_ascii() || !ascending || !self.eat(b':') || !self.value(depth) {
                return false;
            }
            last = Some(key);
            if self.eat(b'}') {
                return true;
            }
            if !self.eat(b',') {
                return false;
            }
        }
    }

    fn array(&mut self, depth: usize) -> bool {
        self.i += 1;
        if self.eat(b']') {
            return true;
        }
        loop {
            if !self.value(depth) {
                return false;
            }
            if self.eat(b']') {
                return true;
            }
            if !self.eat(b',') {
                return false;
            }
        }
    }

    /// A string with minimal escaping; returns it as written, quotes
    /// included.
    fn string(&mut self) -> Option<&'a [u8]> {
        let start = self.i;
        if !self.eat(b'"') {
            return None;
        }
        loop {
            match *self.s.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    let s = self.s;
                    return Some(&s[start..self.i]);
                }
                b'\\' => {
                    let ok = match *self.s.get(self.i + 1)? {
                        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => {
                            self.i += 2;
                            true
                        }
                        b'u' => {
                            // Only control characters without a short form.
                            let hex = self.s.get(self.i + 2..self.i + 6)?;
                            let lower = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
                            let ok = hex.starts_with(b"00")
                                && hex.iter().all(lower)
                                && u8::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16)
                                    .is_ok_and(|c| c < 0x20 && !matches!(c, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d));
                            self.i += 6;
                            ok
                        }
                        _ => false,
                    };
                    if !ok {
                        return None;
                    }
                }
                0x00..=0x1f => return None,
                _ => self.i += 1,
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)` within ±(2^53−1), no `-0`, no fraction or exponent.
    fn integer(&mut self) -> bool {
        let negative = self.eat(b'-');
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        let digits = &self.s[start..self.i];
        let value = std::str::from_utf8(digits).ok().and_then(|d| d.parse::<i64>().ok());
        let shape = match digits {
            [] => false,
            [b'0'] => !negative,
            [b'0', ..] => false,
            _ => true,
        };
        shape && value.is_some_and(|v| v <= MAX_SAFE_INT) && !matches!(self.s.get(self.i), Some(b'.' | b'e' | b'E'))
    }
}

/// How two ASCII keys, as written, order once decoded; escaped keys are
/// decoded first (an escape sorts by the character it stands for).
fn key_order(a: &[u8], b: &[u8]) -> Option<std::cmp::Ordering> {
    if !a.contains(&b'\\') && !b.contains(&b'\\') {
        return Some(a.cmp(b));
    }
    let a: String = serde_json::from_slice(a).ok()?;
    let b: String = serde_json::from_slice(b).ok()?;
    Some(a.cmp(&b))
}

/// The hash of an entry whose body is already in canonical form: the
/// SHA-256 of the canonical entry, written straight into the hasher with
/// its keys in JCS order (at, author, body, entity, op, prev, seq).
pub fn entry_hash(
    seq: i64,
    prev: &str,
    at: &str,
    author: &str,
    op: &str,
    entity: &str,
    canonical_body: &str,
) -> String {
    use std::io::Write;
    fn field(out: &mut HashWriter, key: &[u8], value: &str) {
        let _ = out.write_all(key);
        // serde_json escapes strings exactly as JCS requires.
        let _ = serde_json::to_writer(&mut *out, value);
    }
    let mut h = HashWriter(Sha256::new());
    let out = &mut h;
    field(out, b"{\"at\":", at);
    field(out, b",\"author\":", author);
    let _ = out.write_all(b",\"body\":");
    let _ = out.write_all(canonical_body.as_bytes());
    field(out, b",\"entity\":", entity);
    field(out, b",\"op\":", op);
    field(out, b",\"prev\":", prev);
    let _ = write!(out, ",\"seq\":{seq}}}");
    hex(&h.0.finalize())
}

/// Lets serde_json write straight into a hasher.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let out: Vec<u8> = bytes
        .iter()
        .flat_map(|b| [DIGITS[(b >> 4) as usize], DIGITS[(b & 15) as usize]])
        .collect();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_sorts_keys_and_drops_whitespace() {
        let v: Value = serde_json::from_str(r#"{ "b": [1, {"z": null, "a": true}], "a": "x" }"#).unwrap();
        assert_eq!(canonical(&v).unwrap(), r#"{"a":"x","b":[1,{"a":true,"z":null}]}"#);
    }

    #[test]
    fn canonical_escapes_minimally() {
        // RFC 8785 §3.2.2.2: only " \ and control characters are escaped;
        // the short forms where they exist, \u00xx in lowercase otherwise.
        let v = json!("\u{20ac}$\u{000f}\u{000a}A'\u{0042}\u{0022}\u{005c}\\\"/\u{7f}\u{2028}");
        assert_eq!(
            canonical(&v).unwrap(),
            "\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\u{7f}\u{2028}\""
        );
        let v = json!("\u{8}\u{9}\u{c}\u{d}\u{1f}");
        assert_eq!(canonical(&v).unwrap(), r#""\b\t\f\r\u001f""#);
    }

    #[test]
    fn rfc8785_sample_without_numbers() {
        // The RFC's §3.2.3 sample with its literals and strings (numbers
        // dropped, since bodies hold no floats).
        let v: Value = serde_json::from_str(
            r#"{"string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]}"#,
        )
        .unwrap();
        assert_eq!(
            canonical(&v).unwrap(),
            "{\"literals\":[null,true,false],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}"
        );
    }

    #[test]
    fn floats_and_unsafe_integers_are_refused() {
        assert!(matches!(canonical(&json!({"lat": 1.5})), Err(CanonicalError::Float(_))));
        assert!(matches!(canonical(&json!([1e3])), Err(CanonicalError::Float(_))));
        assert!(matches!(
            canonical(&json!(MAX_SAFE_INT + 1)),
            Err(CanonicalError::Unsafe(_))
        ));
        assert!(matches!(canonical(&json!(u64::MAX)), Err(CanonicalError::Unsafe(_))));
        assert!(matches!(canonical(&json!({"é": 1})), Err(CanonicalError::Key(_))));
        assert_eq!(canonical(&json!(-MAX_SAFE_INT)).unwrap(), "-9007199254740991");
    }

    #[test]
    fn entry_hash_is_the_hash_of_the_canonical_entry() {
        // Escapes and non-ASCII in the header fields too, as JCS writes them.
        let body = json!({"name": "Associated Press", "grade": "B"});
        let author = "ana \"the analyst\" \u{e9}\n";
        let hash = entry_hash(
            2,
            GENESIS_PREV,
            "2017-05-09T14:03:00Z",
            author,
            "source.add",
            "ap",
            &canonical(&body).unwrap(),
        );
        let whole = json!({
            "seq": 2, "prev": GENESIS_PREV, "at": "2017-05-09T14:03:00Z", "author": author,
            "op": "source.add", "entity": "ap", "body": body,
        });
        assert_eq!(hash, sha256_hex(canonical(&whole).unwrap().as_bytes()));
    }

    #[test]
    fn golden_entry_hash() {
        // Pinned so that a change of the rule cannot go unnoticed; the README
        // shows how to recompute it in Python.
        let body =
            canonical(&json!({"ledger_id": "00000000000000000000000000000000", "version": "0.1.0", "demo": false}))
                .unwrap();
        let h = entry_hash(
            1,
            GENESIS_PREV,
            "2017-05-09T14:03:00Z",
            "ana",
            "ledger.init",
            "ledger",
            &body,
        );
        // Computed independently: Python's hashlib over the canonical text.
        assert_eq!(h, "2830115c10eafc56f96c853c860d83a3bf5e3f9162d10ca297acd0bac79ed74b");
        assert_eq!(h.len(), 64);
    }

    #[test]
    fn is_canonical_agrees_with_canonical() {
        for yes in [
            r#"{}"#,
            r#"{"a":"x","b":[1,{"a":true,"z":null}]}"#,
            r#"{"n":-9007199254740991,"z":0}"#,
            r#""\u000f\n\"\\/€""#,
            r#"[[],{},"",false]"#,
            r#"{"a\"":1,"a#":2}"#,
        ] {
            assert!(is_canonical(yes), "{yes}");
            let v: Value = serde_json::from_str(yes).unwrap();
            assert_eq!(canonical(&v).unwrap(), yes);
        }
        for no in [
            "",
            " {}",
            "{} ",
            r#"{"b":1,"a":2}"#,
            r#"{"a":1,"a":1}"#,
            r#"{"a" :1}"#,
            r#"[1, 2]"#,
            "1.0",
            "1e3",
            "-0",
            "01",
            "9007199254740992",
            r#""\u000A""#,
            r#""\u000a""#,
            r#""\u0041""#,
            r#""\/""#,
            "\"\u{1}\"",
            r#"{"é":1}"#,
            r#"{"a#":1,"a\"":2}"#,
            "tru",
            "nul",
            "[1,]",
            "{,}",
            r#""abc"#,
            "[",
            "\"\\",
        ] {
            assert!(!is_canonical(no), "{no:?}");
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(!is_canonical(&deep));
    }

    proptest::proptest! {
        /// Any text: the one-pass check says yes exactly when parsing and
        /// writing canonically gives the text back.
        #[test]
        fn is_canonical_matches_the_round_trip(text in "[\\[\\]{}\":,a-c0-9 .e\\\\u-]{0,24}") {
            let slow = serde_json::from_str::<Value>(&text).ok().and_then(|v| canonical(&v).ok()) == Some(text.clone());
            proptest::prop_assert_eq!(is_canonical(&text), slow);
        }

        #[test]
        fn canonical_text_of_any_value_is_canonical(v in json_value()) {
            if let Ok(text) = canonical(&v) {
                proptest::prop_assert!(is_canonical(&text), "{}", text);
            }
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-MAX_SAFE_INT..=MAX_SAFE_INT).prop_map(|i| json!(i)),
            "\\PC{0,8}|[\\x00-\\x1f\"\\\\]{0,4}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z_]{0,6}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn sha256_of_known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn ops_round_trip() {
        for op in Op::ALL {
            assert_eq!(Op::parse(op.as_str()), Some(op));
        }
        assert_eq!(Op::parse("claim.delete"), None);
    }
}
