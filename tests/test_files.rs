//! What tally does with the files it is given: ledgers of an older
//! version, files that are not ledgers, paths that look like URIs,
//! read-only ledgers, closed pipes.

use crate::common::{REVISION_1, TestEnv};
use rusqlite::Connection;

/// A ledger written by tally before revision 2 (the demo ledger plus one
/// report with a capture), read without writing, then migrated by the
/// first write.
#[test]
fn a_revision_1_ledger_is_read_without_writing_and_migrated_by_the_first_write() {
    let env = TestEnv::new();
    std::fs::copy(REVISION_1, &env.db).unwrap();
    let original = std::fs::read(&env.db).unwrap();
    let v = env.json(&["verify"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["head_seq"], 64);
    let rec = env.json(&["reconcile", "almoustarat-2017-05-07"]);
    assert_eq!(rec[0]["estimates"][0]["kind"], "killed");
    assert_eq!(env.json(&["actor", "show", "jnim"])["aliases"][0], "JNIM");
    assert_eq!(
        std::fs::read(&env.db).unwrap(),
        original,
        "reads and verify never write"
    );
    assert!(!env.dir.path().join("tally.db-wal").exists() || original == std::fs::read(&env.db).unwrap());

    env.ok(&["source", "add", "rfi", "--name", "RFI"]);
    let conn = Connection::open(&env.db).unwrap();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    let app: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).unwrap();
    assert_eq!((version, app), (tally::ledger::MIGRATIONS.len() as i64, 0x5441_4C59));
    drop(conn);
    let v = env.json(&["verify"]);
    assert_eq!(
        (v["ok"].as_bool(), v["head_seq"].as_i64()),
        (Some(true), Some(65)),
        "{v}"
    );
    assert_eq!(env.json(&["migrate"])["from"], tally::ledger::MIGRATIONS.len());
}

#[test]
fn tally_migrate_migrates_in_place() {
    let env = TestEnv::new();
    std::fs::copy(REVISION_1, &env.db).unwrap();
    assert_eq!(env.json(&["migrate"])["from"], 1);
    assert_eq!(env.json(&["verify"])["ok"], true);
}

#[test]
fn files_that_are_not_ledgers_are_bad_input_and_altered_ledgers_are_integrity_failures() {
    let env = TestEnv::new();
    // Not SQLite.
    std::fs::write(&env.db, b"just some text, long enough to be a page of something").unwrap();
    let err = env.fails(&["reconcile"], 2);
    assert!(err.contains("not a tally ledger"), "{err}");
    // Another application's database, even one with a journal table.
    std::fs::remove_file(&env.db).unwrap();
    Connection::open(&env.db)
        .unwrap()
        .execute_batch("CREATE TABLE journal (x); PRAGMA user_version = 0;")
        .unwrap();
    let err = env.fails(&["verify"], 2);
    assert!(err.contains("not a tally ledger") && err.lines().count() == 1, "{err}");
    // A tally ledger whose version was set to something no tally wrote.
    for v in ["-1", "0", "1"] {
        let env = TestEnv::init();
        Connection::open(&env.db)
            .unwrap()
            .execute_batch(&format!("PRAGMA user_version = {v}"))
            .unwrap();
        for cmd in [&["verify"][..], &["reconcile"], &["source", "list"]] {
            let err = env.fails(cmd, 3);
            assert!(err.contains("altered"), "version {v}: {err}");
        }
    }
    // A directory, and a FIFO, which would block an open forever.
    let env = TestEnv::new();
    std::fs::create_dir(&env.db).unwrap();
    env.fails(&["reconcile"], 2);
    let env = TestEnv::new();
    let status = std::process::Command::new("mkfifo").arg(&env.db).status().unwrap();
    assert!(status.success());
    let err = env.fails(&["verify"], 2);
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn db_paths_are_paths_never_uris() {
    let env = TestEnv::new();
    let precious = env.dir.path().join("precious.db");
    Connection::open(&precious)
        .unwrap()
        .execute_batch("CREATE TABLE mine (x); INSERT INTO mine VALUES (1);")
        .unwrap();
    let before = std::fs::read(&precious).unwrap();
    // Relative to the test's directory: a URI would name precious.db.
    env.cmd()
        .env_remove("TALLY_DB")
        .args(["--db", "file:precious.db", "init"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&precious).unwrap(),
        before,
        "the other database is untouched"
    );
    assert!(
        env.dir.path().join("file:precious.db").is_file(),
        "the ledger is the file named"
    );
    // demo replaces only a demo ledger of that literal name.
    let victim = env.dir.path().join("file:victim.db");
    std::fs::write(&victim, b"an ordinary file").unwrap();
    let out = env
        .cmd()
        .env_remove("TALLY_DB")
        .args(["--db", "file:victim.db", "demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&victim).unwrap(), b"an ordinary file");
}

#[test]
fn concurrent_inits_leave_one_ledger_and_clear_errors() {
    let env = TestEnv::new();
    let children: Vec<_> = (0..6)
        .map(|_| {
            env.std_cmd()
                .arg("init")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    let won = outs.iter().filter(|o| o.status.success()).count();
    assert_eq!(won, 1, "exactly one init creates the ledger");
    for o in outs.iter().filter(|o| !o.status.success()) {
        assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));
    }
    assert_eq!(env.json(&["verify"])["ok"], true);
}

#[test]
fn a_read_only_ledger_is_read_and_a_closed_stderr_is_not_a_panic() {
    let env = TestEnv::scenario();
    let expected = env.ok(&["reconcile"]);
    // A directory the user cannot write, holding a WAL ledger with no -shm.
    let ro = env.dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let db = ro.join("tally.db");
    std::fs::copy(&env.db, &db).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let root = unsafe { libc::geteuid() } == 0;
    let out = env.cmd().env("TALLY_DB", &db).arg("reconcile").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        expected,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = env.cmd().env("TALLY_DB", &db).arg("verify").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    if !root {
        let out = env
            .cmd()
            .env("TALLY_DB", &db)
            .args(["source", "add", "x", "--name", "X"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();

    // An error written to a closed stderr: exit 2 still, not a panic (101).
    let out = env
        .std_cmd()
        .args(["reconcile", "nowhere"])
        .stderr(std::fs::File::open("/dev/null").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Runs tally and returns (exit code, stderr, peak resident memory in
/// MiB). The peak is the kernel's high-water mark of the process's own
/// memory (`VmHWM`), read while it runs: the rusage of a child spawned from
/// this large test process would count this process's pages too.
fn measured(env: &TestEnv, args: &[&str]) -> (i32, String, u64) {
    use std::io::Read;
    let mut child = env
        .std_cmd()
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(line) = text.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kib: u64 = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0);
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (status.code().unwrap_or(-1), err, peak_kib / 1024)
}

#[test]
fn inputs_of_any_size_cost_bounded_memory() {
    let env = TestEnv::scenario();
    let head = env.head();
    // One NDJSON line carrying a million claims (about 30 MB).
    let big = env.dir.path().join("big.ndjson");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        write!(
            f,
            "{{\"type\":\"report\",\"source\":\"ap\",\"event\":\"almoustarat\",\"claims\":["
        )
        .unwrap();
        for i in 0..1_000_000 {
            write!(
                f,
                "{}{{\"kind\":\"killed\",\"count\":\"{}\"}}",
                if i > 0 { "," } else { "" },
                i % 100
            )
            .unwrap();
        }
        writeln!(f, "]}}").unwrap();
    }
    let (code, err, mib) = measured(&env, &["import", big.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("limit of 16 MiB"), "{err}");
    assert!(mib < 64, "a huge line took {mib} MiB");
    // A line under the byte limit but with too many values to parse cheaply.
    let many = env.dir.path().join("many.ndjson");
    let claims: Vec<String> = (0..20_000)
        .map(|_| r#"{"kind":"killed","count":"1"}"#.to_string())
        .collect();
    std::fs::write(
        &many,
        format!(
            r#"{{"type":"report","source":"ap","event":"almoustarat","claims":[{}]}}"#,
            claims.join(",")
        ),
    )
    .unwrap();
    let (code, err, mib) = measured(&env, &["import", many.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("JSON values"), "{err}");
    assert!(mib < 64, "{mib} MiB");
    // Endless and oversized files.
    let text = env.dir.path().join("text.txt");
    std::fs::File::create(&text).unwrap().set_len(20 << 20).unwrap();
    let capture = env.dir.path().join("huge.bin");
    std::fs::File::create(&capture).unwrap().set_len(300 << 20).unwrap();
    for (args, needle) in [
        (vec!["import", "/dev/zero"], "not a regular file"),
        (vec!["ingest", "/dev/zero"], "not a regular file"),
        (
            vec!["report", "add", "--source", "ap", "--text-file", "/dev/zero"],
            "not a regular file",
        ),
        (
            vec!["report", "add", "--source", "ap", "--capture", "/dev/zero"],
            "not a regular file",
        ),
        (
            vec!["report", "add", "--source", "ap", "--text-file", text.to_str().unwrap()],
            "limit of 16 MiB",
        ),
        (
            vec![
                "report",
                "add",
                "--source",
                "ap",
                "--capture",
                capture.to_str().unwrap(),
            ],
            "limit of 256 MiB",
        ),
    ] {
        let (code, err, mib) = measured(&env, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(mib < 64, "{args:?} took {mib} MiB");
    }
    assert_eq!(env.head(), head, "nothing was written");
    // A FIFO with no writer is refused at once, not waited on.
    let fifo = env.dir.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let err = env.fails(
        &["report", "add", "--source", "ap", "--text-file", fifo.to_str().unwrap()],
        2,
    );
    assert!(err.contains("not a regular file"), "{err}");
    // A large capture is streamed in and checked without holding it.
    let capture = env.dir.path().join("large.bin");
    std::fs::File::create(&capture).unwrap().set_len(100 << 20).unwrap();
    let (code, err, mib) = measured(
        &env,
        &[
            "report",
            "add",
            "--source",
            "ap",
            "--capture",
            capture.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(mib < 64, "storing a 100 MiB capture took {mib} MiB");
    let (code, err, mib) = measured(&env, &["verify"]);
    assert_eq!(code, 0, "{err}");
    assert!(mib < 64, "verify of a 100 MiB capture took {mib} MiB");
}

#[test]
fn import_from_a_slow_pipe_blocks_no_other_writer() {
    let env = TestEnv::scenario();
    let mut import = env
        .std_cmd()
        .args(["import", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let stdin = import.stdin.as_mut().unwrap();
        writeln!(stdin, r#"{{"type":"source","slug":"slow","name":"Slow"}}"#).unwrap();
        stdin.flush().unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    // The producer pauses; another writer gets in at once.
    let start = std::time::Instant::now();
    env.ok(&["source", "add", "quick", "--name", "Quick"]);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "the import held the lock"
    );
    drop(import.stdin.take());
    assert!(import.wait().unwrap().success());
    assert_eq!(env.json(&["source", "show", "slow"])["name"], "Slow");
}

/// A disk that fills up after the commit: the entry is durable in the WAL,
/// the command says "recorded" and warns that the -wal file must travel
/// with the ledger; the next command reads the entry.
#[test]
fn a_full_disk_after_the_commit_is_a_warning_and_the_entry_is_durable() {
    use std::os::unix::process::CommandExt;
    let env = TestEnv::scenario();
    let size = std::fs::metadata(&env.db).unwrap().len();
    let text = "x".repeat(40 << 10);
    let limit = size + (20 << 10);
    let mut cmd = env.std_cmd();
    cmd.args(["report", "add", "--source", "ap", "--text", &text]);
    unsafe {
        cmd.pre_exec(move || {
            // Writes past the limit fail with EFBIG instead of killing.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &lim);
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("recorded report r3"), "{stdout}");
    assert!(
        stderr.contains("warning") && stderr.contains("tally.db-wal"),
        "{stderr}"
    );
    // Without the limit, the entry is there and the ledger verifies.
    assert_eq!(env.json(&["report", "show", "r3"])["text"], text);
    assert_eq!(env.json(&["verify"])["ok"], true);
}
