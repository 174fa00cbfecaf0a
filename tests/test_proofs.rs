//! SPEC §8: the Merkle tree, C2SP checkpoints, and proofs checked without
//! the ledger.

use crate::common::{REVISION_1, TestEnv};
use rusqlite::Connection;
use serde_json::Value;

/// An edit an attacker makes to a bundle.
type Change = Box<dyn Fn(&mut Value)>;

/// A bundle for c3 of the scenario, against a checkpoint kept in a file.
fn bundle(env: &TestEnv) -> (String, Value) {
    let cp = env.ok(&["checkpoint"]);
    let cp_file = env.file("published.txt", cp.as_bytes());
    let text = env.ok(&["prove", "c3", "--checkpoint", &cp_file]);
    (cp, serde_json::from_str(&text).unwrap())
}

#[test]
fn a_checkpoint_is_the_c2sp_text_of_the_tree_and_verify_reads_it_back() {
    let env = TestEnv::scenario();
    let cp = env.ok(&["checkpoint"]);
    let lines: Vec<&str> = cp.lines().collect();
    assert_eq!(lines.len(), 3, "{cp}");
    assert!(lines[0].starts_with("tally/"), "{cp}");
    assert_eq!(lines[1], "12");
    assert_eq!(lines[2].len(), 44, "base64 of 32 bytes: {cp}");
    let v = env.json(&["checkpoint"]);
    assert_eq!(v["size"], 12);
    assert_eq!(v["line"], env.head());
    assert_eq!(v["root"], lines[2]);
    // A file, stdin and the old line all verify.
    let file = env.file("published.txt", cp.as_bytes());
    assert_eq!(env.json(&["verify", "--against", &file])["ok"], true);
    let out = env
        .cmd()
        .args(["verify", "--against", "-"])
        .write_stdin(cp.clone())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(env.json(&["verify", "--against", &env.head()])["ok"], true);
    // Later appends extend it; diff --from reads it too.
    env.ok(&["claim", "retract", "c3", "--reason", "duplicate of c2"]);
    assert_eq!(env.json(&["verify", "--against", &file])["ok"], true);
    let d = env.json(&["diff", "--from", &file]);
    assert_eq!(d["changes"][0]["entity"], "c3", "{d}");
}

#[test]
fn a_rewritten_or_truncated_history_no_longer_has_the_published_root() {
    // Two ledgers with the same id (tests pin it), so the same origin: the
    // publisher's, and another history written from scratch, whose every
    // hash, link and tree hash is consistent.
    let published = TestEnv::scenario();
    let file = published.file("published.txt", published.ok(&["checkpoint"]).as_bytes());
    let rebuilt = TestEnv::init();
    add_sources(&rebuilt, 0..12);
    let err = rebuilt.fails(&["verify", "--against", &file], 3);
    assert!(err.contains("rewritten"), "{err}");
    let err = rebuilt.fails(&["diff", "--from", &file], 3);
    assert!(err.contains("rewritten"), "{err}");
    // The same size, different entries: refused by prove as well.
    let err = rebuilt.fails(&["prove", "3", "--checkpoint", &file], 3);
    assert!(err.contains("rewritten"), "{err}");

    // Truncation: the published size is past the head.
    let conn = Connection::open(&published.db).unwrap();
    conn.execute_batch("DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 12;")
        .unwrap();
    drop(conn);
    let err = published.fails(&["verify", "--against", &file], 3);
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn a_checkpoint_of_another_ledger_or_not_a_checkpoint_is_bad_input() {
    let env = TestEnv::scenario();
    let other = TestEnv::new();
    let out = other
        .cmd()
        .env("TALLY_LEDGER_ID", "0123456789abcdef0123456789abcdef")
        .arg("init")
        .output()
        .unwrap();
    assert!(out.status.success());
    let theirs = env.file("theirs.txt", other.ok(&["checkpoint"]).as_bytes());
    let head = env.head();
    let err = env.fails(&["verify", "--against", &theirs], 2);
    assert!(err.contains("origin"), "{err}");
    let junk = env.file("junk.txt", b"hello\nworld\n");
    let err = env.fails(&["verify", "--against", &junk], 2);
    assert!(err.contains("--against"), "{err}");
    assert_eq!(env.head(), head);
}

#[test]
fn a_bundle_checks_without_the_ledger_and_any_change_is_caught() {
    let env = TestEnv::scenario();
    let (cp, b) = bundle(&env);
    assert_eq!(b["target"], "c3");
    assert_eq!(b["checkpoint"], cp);
    let seqs: Vec<i64> = b["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entry"]["seq"].as_i64().unwrap())
        .collect();
    // c3's own entry, its report's, the report's source, the event.
    let c3 = env.json(&["log", "--entity", "c3"])[0]["seq"].as_i64().unwrap();
    assert!(seqs.contains(&c3), "{seqs:?}");
    assert!(seqs.len() >= 4, "{seqs:?}");
    for e in b["entries"].as_array().unwrap() {
        assert_eq!(e["tree_size"], 12);
        assert_eq!(
            e["leaf_index"].as_i64().unwrap(),
            e["entry"]["seq"].as_i64().unwrap() - 1
        );
    }
    // Checked somewhere with no ledger at all.
    let elsewhere = TestEnv::new();
    let path = elsewhere.file("c3.proof.json", b.to_string().as_bytes());
    let out = elsewhere.ok(&["check", &path]);
    assert!(out.contains("no signature was checked"), "{out}");
    assert!(!elsewhere.db.exists(), "check never makes a ledger");

    let changes: Vec<(&str, Change)> = vec![
        (
            "an entry",
            Box::new(|b| b["entries"][0]["entry"]["author"] = "mallory".into()),
        ),
        (
            "a body",
            Box::new(|b| b["entries"][0]["entry"]["body"]["name"] = "Forged".into()),
        ),
        (
            "a path hash",
            Box::new(|b| {
                let p = &mut b["entries"][1]["path"];
                p[0] = p[1].clone();
            }),
        ),
        ("the index", Box::new(|b| b["entries"][0]["leaf_index"] = 0.into())),
        ("the size", Box::new(|b| b["entries"][0]["tree_size"] = 13.into())),
        (
            "the checkpoint's size",
            Box::new(|b| {
                let cp = b["checkpoint"].as_str().unwrap().replace("\n12\n", "\n13\n");
                b["checkpoint"] = cp.into();
            }),
        ),
        (
            "the root",
            Box::new(|b| {
                let cp = b["checkpoint"].as_str().unwrap().to_string();
                let mut lines: Vec<String> = cp.lines().map(str::to_string).collect();
                let first = if lines[2].starts_with('A') { "B" } else { "A" };
                lines[2].replace_range(..1, first);
                b["checkpoint"] = format!("{}\n", lines.join("\n")).into();
            }),
        ),
    ];
    for (what, change) in changes {
        let mut forged = b.clone();
        change(&mut forged);
        assert_ne!(forged, b, "{what}");
        let path = elsewhere.file("forged.json", forged.to_string().as_bytes());
        let err = elsewhere.fails(&["check", &path], 3);
        assert!(err.contains("does not verify"), "{what}: {err}");
    }
    // Not a bundle at all: bad input.
    let path = elsewhere.file("junk.json", b"{\"target\": ");
    elsewhere.fails(&["check", &path], 2);
    let mut no_cp = b.clone();
    no_cp["checkpoint"] = "tally:1:12:00".into();
    let path = elsewhere.file("line.json", no_cp.to_string().as_bytes());
    let err = elsewhere.fails(&["check", &path], 2);
    assert!(err.contains("C2SP"), "{err}");
}

#[test]
fn prove_refuses_what_is_not_in_the_ledger() {
    let env = TestEnv::scenario();
    let head = env.head();
    env.fails(&["prove", "c99"], 2);
    env.fails(&["prove", "13"], 2);
    env.fails(&["prove", "ap"], 2);
    assert_eq!(env.head(), head);
    // A seq proves that entry alone.
    let b: Value = serde_json::from_str(&env.ok(&["prove", "5"])).unwrap();
    assert_eq!(b["entries"].as_array().unwrap().len(), 1);
    assert_eq!(b["entries"][0]["entry"]["seq"], 5);
}

#[test]
fn a_migrated_revision_1_ledger_has_its_tree_and_proves_claims() {
    let env = TestEnv::new();
    std::fs::copy(REVISION_1, &env.db).unwrap();
    env.ok(&["migrate"]);
    assert_eq!(env.json(&["verify"])["ok"], true);
    let b: Value = serde_json::from_str(&env.ok(&["prove", "c1"])).unwrap();
    assert_eq!(b["entries"][0]["tree_size"], 64);
    let path = env.file("c1.json", b.to_string().as_bytes());
    env.ok(&["check", &path]);
}

#[test]
fn readme_python_inclusion_verifier_agrees() {
    if std::process::Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 not installed: skipping the README's inclusion verifier");
        return;
    }
    let env = TestEnv::scenario();
    let (_, b) = bundle(&env);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let script = readme
        .split("```python\n")
        .skip(1)
        .find(|s| s.starts_with("\"\"\"Check a tally inclusion bundle"))
        .and_then(|s| s.split("```").next())
        .expect("README has the inclusion verifier");
    let run = |bundle: &Value| {
        let path = env.file("bundle.json", bundle.to_string().as_bytes());
        std::process::Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(&path)
            .output()
            .unwrap()
    };
    let out = run(&b);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: "));
    let mut forged = b.clone();
    forged["entries"][0]["entry"]["body"]["name"] = "Forged".into();
    assert!(!run(&forged).status.success());
    let mut forged = b.clone();
    let p = forged["entries"][1]["path"][1].clone();
    forged["entries"][1]["path"][0] = p;
    assert!(!run(&forged).status.success());
}

/// The verifier key `key generate` printed.
fn generate_key(env: &TestEnv, name: &str) -> String {
    let v = env.json(&["key", "generate", name]);
    v["verifier_key"].as_str().unwrap().to_string()
}

/// Registers the writer's own key, signing the entry with it (proof of
/// possession).
fn register_tester(env: &TestEnv, vkey: &str) {
    env.ok(&["--signing-key", "tester.key", "author", "add", "tester", "--key", vkey]);
}

#[test]
fn signed_checkpoints_are_c2sp_notes_that_check_by_key() {
    let env = TestEnv::scenario();
    let vkey = generate_key(&env, "acme");
    assert!(vkey.starts_with("acme+"), "{vkey}");
    let key_file = env.dir.path().join("acme.key");
    let private = std::fs::read_to_string(&key_file).unwrap();
    assert!(private.starts_with("PRIVATE+KEY+acme+"));
    assert!(!vkey.contains(private.trim()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never overwritten.
    env.fails(&["key", "generate", "acme"], 2);
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), private);

    let note = env.ok(&["checkpoint", "--signing-key", "acme.key"]);
    let text = env.ok(&["checkpoint"]);
    assert!(note.starts_with(&format!("{text}\n— acme ")), "{note}");
    let note_file = env.file("published.txt", note.as_bytes());
    assert_eq!(env.json(&["verify", "--against", &note_file])["ok"], true);
    let bundle = env.ok(&["prove", "c3", "--checkpoint", &note_file]);
    let b: Value = serde_json::from_str(&bundle).unwrap();
    assert_eq!(b["checkpoint"], note);
    let path = env.file("c3.json", bundle.as_bytes());
    let out = env.ok(&["check", &path, "--key", &vkey]);
    assert!(out.contains("signed by acme"), "{out}");
    let vkey_file = env.file("acme.pub", vkey.as_bytes());
    let v = env.json(&["check", &path, "--key", &format!("@{vkey_file}")]);
    assert_eq!(v["signatures_checked"], 1);

    // Another key's signature is not there; a changed signature fails.
    let other = generate_key(&env, "partner");
    let err = env.fails(&["check", &path, "--key", &other], 3);
    assert!(err.contains("no signature by key partner"), "{err}");
    let mut forged = b.clone();
    let sig_line = note.lines().last().unwrap();
    let flipped = format!(
        "{}{}",
        &sig_line[..sig_line.len() - 3],
        if sig_line.ends_with("A==") { "B==" } else { "A==" }
    );
    forged["checkpoint"] = note.replace(sig_line, &flipped).into();
    let path2 = env.file("forged.json", forged.to_string().as_bytes());
    let err = env.fails(&["check", &path2, "--key", &vkey], 3);
    assert!(err.contains("acme"), "{err}");
    // An unsigned checkpoint cannot meet --key.
    let (_, unsigned) = bundle_of(&env);
    let path3 = env.file("unsigned.json", unsigned.to_string().as_bytes());
    env.fails(&["check", &path3, "--key", &vkey], 3);

    // Bad keys are bad input, and write nothing.
    let head = env.head();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let loose = env.file("loose.key", private.as_bytes());
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = env.fails(&["checkpoint", "--signing-key", &loose], 2);
        assert!(err.contains("0600"), "{err}");
        let junk = env.file("junk.key", b"not a key\n");
        std::fs::set_permissions(&junk, std::fs::Permissions::from_mode(0o600)).unwrap();
        env.fails(&["checkpoint", "--signing-key", &junk], 2);
    }
    env.fails(&["check", &path, "--key", "acme+zz+nope"], 2);
    env.fails(&["key", "generate", "two words"], 2);
    assert_eq!(env.head(), head);
}

/// The scenario's unsigned bundle for c3.
fn bundle_of(env: &TestEnv) -> (String, Value) {
    let text = env.ok(&["prove", "c3"]);
    (text.clone(), serde_json::from_str(&text).unwrap())
}

/// Notes interoperate with an independent Ed25519 implementation: OpenSSL's.
#[test]
fn signed_notes_interoperate_with_openssl() {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD as B64;
    use sha2::{Digest, Sha256};
    let openssl = |args: &[&str], dir: &std::path::Path| {
        std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
    };
    let env = TestEnv::scenario();
    if openssl(&["version"], env.dir.path()).is_err() {
        eprintln!("openssl not installed: skipping the interoperability test");
        return;
    }
    let dir = env.dir.path();
    // SubjectPublicKeyInfo DER prefix of an Ed25519 key (RFC 8410).
    let spki_prefix: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

    // 1. A note tally signs verifies with OpenSSL.
    let vkey = generate_key(&env, "acme");
    let note = env.ok(&["checkpoint", "--signing-key", "acme.key"]);
    let (text, sig_line) = note.split_once("\n\n").unwrap();
    let key = B64.decode(vkey.splitn(3, '+').nth(2).unwrap()).unwrap();
    assert_eq!(key[0], 1, "Ed25519 algorithm byte");
    std::fs::write(dir.join("pub.der"), [&spki_prefix[..], &key[1..]].concat()).unwrap();
    let sig = B64.decode(sig_line.trim().rsplit(' ').next().unwrap()).unwrap();
    std::fs::write(dir.join("sig.bin"), &sig[4..]).unwrap();
    std::fs::write(dir.join("msg.txt"), format!("{text}\n")).unwrap();
    let out = openssl(
        &[
            "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", "pub.der", "-rawin", "-in", "msg.txt",
            "-sigfile", "sig.bin",
        ],
        dir,
    )
    .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // 2. A note signed by OpenSSL in the C2SP format verifies in tally.
    assert!(
        openssl(&["genpkey", "-algorithm", "ed25519", "-out", "outside.pem"], dir)
            .unwrap()
            .status
            .success()
    );
    let der = openssl(&["pkey", "-in", "outside.pem", "-pubout", "-outform", "DER"], dir)
        .unwrap()
        .stdout;
    let public = &der[der.len() - 32..];
    let checkpoint = env.ok(&["checkpoint"]);
    std::fs::write(dir.join("cp.txt"), &checkpoint).unwrap();
    let out = openssl(
        &[
            "pkeyutl",
            "-sign",
            "-inkey",
            "outside.pem",
            "-rawin",
            "-in",
            "cp.txt",
            "-out",
            "cp.sig",
        ],
        dir,
    )
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let signature = std::fs::read(dir.join("cp.sig")).unwrap();
    let keyed = [&[1u8][..], public].concat();
    let id = Sha256::digest([b"outside\n".as_slice(), &keyed].concat());
    let outside_vkey = format!("outside+{}+{}", hex4(&id[..4]), B64.encode(&keyed));
    let outside_note = format!(
        "{checkpoint}\n— outside {}\n",
        B64.encode([&id[..4], &signature[..]].concat())
    );
    let note_file = env.file("outside.txt", outside_note.as_bytes());
    let bundle = env.ok(&["prove", "c3", "--checkpoint", &note_file]);
    let path = env.file("outside.json", bundle.as_bytes());
    let out = env.ok(&["check", &path, "--key", &outside_vkey]);
    assert!(out.contains("signed by outside"), "{out}");
}

fn hex4(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn consistency_bundles_prove_a_ledger_only_grew() {
    let env = TestEnv::scenario();
    let old = env.ok(&["checkpoint"]);
    let old_file = env.file("old.txt", old.as_bytes());
    grow(&env);
    let new = env.ok(&["checkpoint"]);
    let new_file = env.file("new.txt", new.as_bytes());
    let b: Value = serde_json::from_str(&env.ok(&["prove", "--consistency", &old_file, &new_file])).unwrap();
    assert_eq!(b["old"], old);
    assert_eq!(b["new"], new);
    assert!(!b["path"].as_array().unwrap().is_empty());
    // NEW defaults to the head.
    let at_head: Value = serde_json::from_str(&env.ok(&["prove", "--consistency", &old_file])).unwrap();
    assert_eq!(at_head, b);
    let elsewhere = TestEnv::new();
    let path = elsewhere.file("grew.json", b.to_string().as_bytes());
    let v = elsewhere.json(&["check", &path]);
    assert_eq!((v["old_size"].as_u64(), v["new_size"].as_u64()), (Some(12), Some(14)));
    // The same checkpoint twice: an empty path.
    let same: Value = serde_json::from_str(&env.ok(&["prove", "--consistency", &new_file, &new_file])).unwrap();
    assert_eq!(same["path"], serde_json::json!([]));
    elsewhere.ok(&["check", &elsewhere.file("same.json", same.to_string().as_bytes())]);

    // Any change is caught.
    let mut forged = b.clone();
    let p = forged["path"][0].clone();
    forged["path"][0] = forged["path"].as_array().unwrap().last().unwrap().clone();
    forged["path"].as_array_mut().unwrap().push(p);
    let err = elsewhere.fails(&["check", &elsewhere.file("f1.json", forged.to_string().as_bytes())], 3);
    assert!(err.contains("does not extend"), "{err}");
    let mut forged = b.clone();
    forged["old"] = new.clone().into();
    forged["new"] = old.clone().into();
    elsewhere.fails(&["check", &elsewhere.file("f2.json", forged.to_string().as_bytes())], 3);
    // Old larger than new is refused when proving.
    env.fails(&["prove", "--consistency", &new_file, &old_file], 2);
}

#[test]
fn a_split_view_cannot_be_proved_consistent() {
    // The publisher shows one reader a history and, later, another reader
    // a different one under the same origin (tests pin the ledger id).
    let shown_first = TestEnv::scenario();
    let first = shown_first.ok(&["checkpoint"]);
    let first_file = shown_first.file("first.txt", first.as_bytes());
    let other = TestEnv::init();
    add_sources(&other, 0..11);
    let other_12 = other.file("other12.txt", other.ok(&["checkpoint"]).as_bytes());
    add_sources(&other, 11..13);
    // The other history cannot prove that it extends the first checkpoint…
    let err = other.fails(&["prove", "--consistency", &first_file], 3);
    assert!(err.contains("rewritten"), "{err}");
    // …and its own proof from its own size-12 tree, presented as extending
    // the first checkpoint, does not verify.
    let own: Value = serde_json::from_str(&other.ok(&["prove", "--consistency", &other_12])).unwrap();
    let path = other.file("own.json", own.to_string().as_bytes());
    other.ok(&["check", &path]);
    let mut stitched = own.clone();
    stitched["old"] = first.into();
    let path = other.file("stitched.json", stitched.to_string().as_bytes());
    let err = other.fails(&["check", &path], 3);
    assert!(err.contains("does not extend"), "{err}");
}

#[test]
fn a_witness_cosigns_only_checkpoints_that_extend_the_last_one() {
    let publisher = TestEnv::scenario();
    let witness = TestEnv::new();
    let wkey = generate_key(&witness, "partner");
    let state = witness.dir.path().join("witness.state");
    let db = publisher.db.to_str().unwrap().to_string();
    let first = publisher.ok(&["checkpoint"]);
    let first_file = witness.file("first.txt", first.as_bytes());
    // First sight: cosigned from the ledger.
    let note = witness.ok(&[
        "cosign",
        &first_file,
        "--signing-key",
        "partner.key",
        "--state",
        state.to_str().unwrap(),
        "--ledger",
        &db,
    ]);
    assert!(note.starts_with(&format!("{first}\n— partner ")), "{note}");
    let line = std::fs::read_to_string(&state).unwrap();
    assert!(
        line.starts_with(&format!("{} 12 ", first.lines().next().unwrap())),
        "{line}"
    );
    // The cosigned note is a checkpoint readers can check the witness on.
    let cosigned = publisher.file("cosigned.txt", note.as_bytes());
    let bundle = publisher.file(
        "c3.json",
        publisher.ok(&["prove", "c3", "--checkpoint", &cosigned]).as_bytes(),
    );
    publisher.ok(&["check", &bundle, "--key", &wkey]);

    // The ledger grows: the next checkpoint is cosigned from a proof alone.
    grow(&publisher);
    let second = publisher.ok(&["checkpoint"]);
    let second_file = witness.file("second.txt", second.as_bytes());
    let grew = witness.file(
        "grew.json",
        publisher.ok(&["prove", "--consistency", &first_file]).as_bytes(),
    );
    witness.ok(&[
        "cosign",
        &second_file,
        "--signing-key",
        "partner.key",
        "--state",
        state.to_str().unwrap(),
        "--proof",
        &grew,
    ]);
    assert!(std::fs::read_to_string(&state).unwrap().contains(" 14 "));

    // A split view: another history under the same origin, with its own
    // consistency proof from its own earlier checkpoint.
    let other = TestEnv::init();
    add_sources(&other, 0..11);
    let other_12 = other.file("other12.txt", other.ok(&["checkpoint"]).as_bytes());
    add_sources(&other, 11..15);
    let other_16 = witness.file("other16.txt", other.ok(&["checkpoint"]).as_bytes());
    let other_proof = witness.file(
        "other.json",
        other.ok(&["prove", "--consistency", &other_12]).as_bytes(),
    );
    let before = std::fs::read(&state).unwrap();
    let out = witness.run(&[
        "cosign",
        &other_16,
        "--signing-key",
        "partner.key",
        "--state",
        state.to_str().unwrap(),
        "--proof",
        &other_proof,
    ]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("two histories"), "{}", out.stderr);
    assert!(
        out.stderr.contains(&second),
        "the last cosigned checkpoint is evidence: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&other.ok(&["checkpoint"])),
        "the new one too: {}",
        out.stderr
    );
    assert_eq!(std::fs::read(&state).unwrap(), before, "the state is unchanged");
    // Nor will it go back to an older checkpoint, or accept the other
    // ledger as evidence.
    witness.fails(
        &[
            "cosign",
            &first_file,
            "--signing-key",
            "partner.key",
            "--state",
            state.to_str().unwrap(),
            "--ledger",
            &db,
        ],
        3,
    );
    let other_db = other.db.to_str().unwrap().to_string();
    witness.fails(
        &[
            "cosign",
            &other_16,
            "--signing-key",
            "partner.key",
            "--state",
            state.to_str().unwrap(),
            "--ledger",
            &other_db,
        ],
        3,
    );
    // A one-line checkpoint has no root: bad input.
    let line = witness.file("line.txt", publisher.head().as_bytes());
    witness.fails(
        &[
            "cosign",
            &line,
            "--signing-key",
            "partner.key",
            "--state",
            state.to_str().unwrap(),
            "--ledger",
            &db,
        ],
        2,
    );
}

/// Adds sources s<n> for each n: another history, entry by entry.
fn add_sources(env: &TestEnv, range: std::ops::Range<usize>) {
    for n in range {
        let slug = format!("s{n}");
        env.ok(&[
            "source",
            "add",
            &slug,
            "--name",
            &slug,
            "--kind",
            "news-agency",
            "--grade",
            "B",
        ]);
    }
}

#[test]
fn entries_of_an_author_with_a_key_are_signed_and_verify_checks_them() {
    let env = TestEnv::scenario();
    // TestEnv writes as "tester".
    let tester = generate_key(&env, "tester");
    let other = generate_key(&env, "amina");
    let head = env.head();
    // Registering your own key proves you hold it: the entry is signed.
    let err = env.fails(&["author", "add", "tester", "--key", &tester], 2);
    assert!(err.contains("--signing-key"), "{err}");
    let err = env.fails(
        &[
            "--signing-key",
            "amina.key",
            "author",
            "add",
            "tester",
            "--key",
            &tester,
        ],
        2,
    );
    assert!(err.contains("not the key"), "{err}");
    env.fails(&["author", "add", "tester", "--key", "not-a-key"], 2);
    assert_eq!(env.head(), head, "refusals write nothing");
    register_tester(&env, &tester);
    env.ok(&["--signing-key", "tester.key", "author", "add", "amina", "--key", &other]);
    // Writing as tester without the key is refused; with it, signed.
    let head = env.head();
    env.fails(&["claim", "retract", "c3", "--reason", "duplicate"], 2);
    assert_eq!(env.head(), head);
    let out = env
        .cmd()
        .env("TALLY_SIGNING_KEY", "tester.key")
        .args(["claim", "retract", "c3", "--reason", "duplicate"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = env.json(&["verify"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["signatures"], 3);
    // The journal export carries the signatures beside each signed entry.
    let journal = env.ok(&["export", "--format", "journal"]);
    let last: Value = serde_json::from_str(journal.lines().last().unwrap()).unwrap();
    assert!(
        last["signatures"][0]["key"].as_str().unwrap().starts_with("tester+"),
        "{last}"
    );
    let unsigned: Value = serde_json::from_str(journal.lines().next().unwrap()).unwrap();
    assert!(unsigned.get("signatures").is_none());

    // A deleted, a changed and a misattributed signature are all caught.
    let conn = Connection::open(&env.db).unwrap();
    let seq: i64 = conn
        .query_row("SELECT MAX(seq) FROM journal", [], |r| r.get(0))
        .unwrap();
    for (what, sql, needle) in [
        (
            "deleted",
            format!("DELETE FROM signatures WHERE seq = {seq}"),
            "carries no valid signature",
        ),
        (
            "changed",
            format!("UPDATE signatures SET sig = randomblob(64) WHERE seq = {seq}"),
            "does not verify",
        ),
        (
            "another key",
            format!("UPDATE signatures SET key = '{other}' WHERE seq = {seq}"),
            "not the registered key",
        ),
    ] {
        let copy = env.dir.path().join(format!("{}.db", what.replace(' ', "-")));
        conn.execute("VACUUM INTO ?", [copy.to_str().unwrap()]).unwrap();
        let c2 = Connection::open(&copy).unwrap();
        c2.execute_batch(&sql).unwrap();
        drop(c2);
        let out = env.run(&["--db", copy.to_str().unwrap(), "verify", "--json"]);
        assert_eq!(out.code, 3, "{what}");
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        let problems = v["problems"].to_string();
        assert!(problems.contains(needle), "{what}: {problems}");
        assert!(
            problems.contains(&format!("\"seq\":{seq}")),
            "{what} names the seq: {problems}"
        );
    }
}

#[test]
fn under_the_signature_policy_every_entry_is_signed() {
    let env = TestEnv::scenario();
    let tester = generate_key(&env, "tester");
    // Only a registered author may set it.
    env.fails(&["policy", "require-signatures", "--reason", "x"], 2);
    register_tester(&env, &tester);
    env.ok(&[
        "--signing-key",
        "tester.key",
        "policy",
        "require-signatures",
        "--reason",
        "every entry signed",
    ]);
    env.fails(
        &[
            "--signing-key",
            "tester.key",
            "policy",
            "require-signatures",
            "--reason",
            "again",
        ],
        2,
    );
    // An author with no key can no longer write.
    let head = env.head();
    let err = env.fails(&["--author", "bob", "claim", "retract", "c3", "--reason", "dup"], 2);
    assert!(err.contains("requires signed entries"), "{err}");
    assert_eq!(env.head(), head);
    assert_eq!(env.json(&["verify"])["ok"], true);
    // An unsigned entry slipped in behind tally's back is an integrity failure.
    env.append_forged_source();
    let out = env.run(&["verify", "--json"]);
    assert_eq!(out.code, 3);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let problems = v["problems"].to_string();
    assert!(
        problems.contains("unsigned entry after the ledger required signatures"),
        "{problems}"
    );
}

#[test]
fn init_origin_names_the_checkpoints() {
    let env = TestEnv::new();
    let bad = env.fails(&["init", "--origin", "two words"], 2);
    assert!(bad.contains("--origin"), "{bad}");
    env.fails(&["init", "--origin", "a+b"], 2);
    assert!(!env.db.exists(), "a refused init makes no file");
    env.ok(&["init", "--origin", "example.org/conflict-monitor"]);
    let cp = env.ok(&["checkpoint"]);
    assert_eq!(cp.lines().next(), Some("example.org/conflict-monitor"));
    assert_eq!(env.json(&["verify"])["ok"], true);
    let journal = env.ok(&["export", "--format", "journal"]);
    assert!(
        journal.contains(r#""origin":"example.org/conflict-monitor""#),
        "{journal}"
    );
    // A ledger made without it keeps the default.
    let plain = TestEnv::init();
    assert_eq!(
        plain.ok(&["checkpoint"]).lines().next(),
        Some("tally/5a11e7a11e7a11e7a11e7a11e7a11e70")
    );
}

/// Two more entries on the scenario: the ledger grows from 12 to 14.
fn grow(env: &TestEnv) {
    env.ok(&["claim", "retract", "c3", "--reason", "duplicate of c2"]);
    add_sources(env, 100..101);
}

#[test]
fn the_tree_is_append_only_and_prove_never_overwrites() {
    let env = TestEnv::scenario();
    let conn = Connection::open(&env.db).unwrap();
    for sql in [
        "UPDATE tree SET hash = randomblob(32) WHERE idx = 0",
        "DELETE FROM tree WHERE idx = 0",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    drop(conn);
    let out = env.dir.path().join("c3.proof.json");
    env.ok(&["prove", "c3", "--out", out.to_str().unwrap()]);
    let first = std::fs::read(&out).unwrap();
    let err = env.fails(&["prove", "c2", "--out", out.to_str().unwrap()], 2);
    assert!(err.contains("never overwritten"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), first);
}

/// A ledger with hundreds of signed entries: verify checks them in batches
/// on other threads, and still names each bad signature by its seq.
#[test]
fn signatures_checked_in_batches_are_each_named_when_bad() {
    let env = TestEnv::init();
    let tester = generate_key(&env, "tester");
    register_tester(&env, &tester);
    let mut ndjson = String::from(
        "{\"type\":\"source\",\"slug\":\"s0\",\"name\":\"Source 0\",\"grade\":\"B\"}\n\
         {\"type\":\"event\",\"slug\":\"e0\",\"title\":\"Event 0\",\"date\":\"2017-05-01\",\"country\":\"Mali\"}\n",
    );
    for r in 0..100 {
        ndjson.push_str(&format!(
            "{{\"type\":\"report\",\"source\":\"s0\",\"event\":\"e0\",\"published\":\"2017-05-02\",\"url\":\"https://example.org/r{r}\",\"claims\":[{{\"kind\":\"killed\",\"count\":\"{r}\"}},{{\"kind\":\"wounded\",\"count\":\"at least {r}\"}}]}}\n"
        ));
    }
    let file = env.file("signed.ndjson", ndjson.as_bytes());
    env.ok(&["--signing-key", "tester.key", "import", &file]);
    let v = env.json(&["verify"]);
    assert_eq!(v["ok"], true, "{v}");
    let signed = v["signatures"].as_i64().unwrap();
    assert!(signed > 2 * 128, "{signed} signatures: more than two batches");
    // One bad signature in the first batch, one in a later one.
    let conn = Connection::open(&env.db).unwrap();
    conn.execute_batch("UPDATE signatures SET sig = randomblob(64) WHERE seq IN (10, 250)")
        .unwrap();
    drop(conn);
    let out = env.run(&["verify", "--json"]);
    assert_eq!(out.code, 3, "{}", out.stdout);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let bad: Vec<i64> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["what"].as_str().is_some_and(|w| w.contains("does not verify")))
        .map(|p| p["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(bad, [10, 250], "{}", v["problems"]);
}
