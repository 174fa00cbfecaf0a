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
    DecisionAdd,
}

impl Op {
    pub const ALL: [Op; 13] = [
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
        Op::DecisionAdd,
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
            Op::DecisionAdd => "decision.add",
        }
    }

    pub fn parse(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.as_str() == s)
    }
}

/// One journal entry, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub seq: i64,
    pub prev: String,
    pub at: String,
    pub author: String,
    pub op: String,
    pub entity: String,
    pub body: Value,
    pub hash: String,
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

/// The canonical text that an entry's hash covers, as UTF-8 bytes.
fn hashed_text(seq: i64, prev: &str, at: &str, author: &str, op: &str, entity: &str, body: &str) -> Vec<u8> {
    // Keys in JCS order: at, author, body, entity, op, prev, seq.
    let mut out = Vec::with_capacity(body.len() + 256);
    let field = |out: &mut Vec<u8>, key: &[u8], value: &str| {
        out.extend_from_slice(key);
        // serde_json escapes strings exactly as JCS requires.
        let _ = serde_json::to_writer(&mut *out, value);
    };
    field(&mut out, b"{\"at\":", at);
    field(&mut out, b",\"author\":", author);
    out.extend_from_slice(b",\"body\":");
    out.extend_from_slice(body.as_bytes());
    field(&mut out, b",\"entity\":", entity);
    field(&mut out, b",\"op\":", op);
    field(&mut out, b",\"prev\":", prev);
    out.extend_from_slice(format!(",\"seq\":{seq}}}").as_bytes());
    out
}

/// The hash of an entry whose body is already in canonical form.
pub fn entry_hash(
    seq: i64,
    prev: &str,
    at: &str,
    author: &str,
    op: &str,
    entity: &str,
    canonical_body: &str,
) -> String {
    sha256_hex(&hashed_text(seq, prev, at, author, op, entity, canonical_body))
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
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
    fn hashed_text_is_the_canonical_entry() {
        let body = json!({"name": "Associated Press", "grade": "B"});
        let text = hashed_text(
            2,
            GENESIS_PREV,
            "2017-05-09T14:03:00Z",
            "ana",
            "source.add",
            "ap",
            &canonical(&body).unwrap(),
        );
        let whole = json!({
            "seq": 2, "prev": GENESIS_PREV, "at": "2017-05-09T14:03:00Z", "author": "ana",
            "op": "source.add", "entity": "ap", "body": body,
        });
        assert_eq!(String::from_utf8(text).unwrap(), canonical(&whole).unwrap());
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
