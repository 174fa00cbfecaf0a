use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;
use tempfile::TempDir;

/// A ledger written by tally before revision 2 (committed despite `*.db` in
/// `.gitignore`; a clean clone must have it).
pub const REVISION_1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/revision-1.db");

/// A temp dir with a ledger path, and the binary with pinned author and clock.
pub struct TestEnv {
    pub dir: TempDir,
    pub db: PathBuf,
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("tally.db");
        TestEnv { dir, db }
    }

    /// A ledger with `init` already run.
    #[track_caller]
    pub fn init() -> TestEnv {
        let env = TestEnv::new();
        env.ok(&["init"]);
        env
    }

    /// The built `tally` in the temp dir, with a pinned clock, author and
    /// ledger id, as a plain `std::process::Command` for spawning with
    /// pipes of the test's choosing.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin!("tally"));
        c.current_dir(self.dir.path())
            .env("TALLY_DB", &self.db)
            .env("TALLY_AUTHOR", "tester")
            .env("TALLY_NOW", "2017-05-09T14:03:00Z")
            .env("TALLY_LEDGER_ID", "5a11e7a11e7a11e7a11e7a11e7a11e70")
            .env("NO_COLOR", "1")
            .env_remove("USER");
        c
    }

    /// [`TestEnv::std_cmd`] for assert_cmd.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    #[track_caller]
    pub fn run(&self, args: &[&str]) -> Out {
        let out = self.cmd().args(args).output().expect("run tally");
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and expects exit 0; returns stdout.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.code, 0, "tally {args:?} failed: {}", out.stderr);
        out.stdout
    }

    /// Runs with --json and parses stdout.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("tally {args:?} --json printed invalid JSON ({e}): {out}"))
    }

    /// Runs and expects exit `code`; returns stderr.
    #[track_caller]
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        assert_eq!(
            out.code, code,
            "tally {args:?} should exit {code}; stdout: {} stderr: {}",
            out.stdout, out.stderr
        );
        out.stderr
    }

    /// Writes `bytes` to a file in the temp dir and returns its path, for
    /// `--capture` and `--text-file`.
    #[track_caller]
    pub fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write test file");
        path.to_str().expect("utf-8 temp path").to_string()
    }

    /// Decides the scenario's one conflicting group (killed Malian soldiers at almoustarat).
    #[track_caller]
    pub fn decide_soldiers(&self, value: i64, reason: &str) {
        let value = value.to_string();
        self.ok(&[
            "decide",
            "--event",
            "almoustarat",
            "--kind",
            "killed",
            "--subject",
            "Malian soldiers",
            "--value",
            &value,
            "--reason",
            reason,
        ]);
    }

    /// Appends, behind tally's back, a correctly hashed and linked
    /// `source.add` of "forged" by "mallory", with no projection row, tree
    /// hash or signature: what an attacker who knows the hashing rule can do.
    #[track_caller]
    pub fn append_forged_source(&self) {
        let conn = rusqlite::Connection::open(&self.db).expect("open ledger");
        let (seq, prev): (i64, String) = conn
            .query_row("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("head");
        let body = r#"{"grade":"A","kind":"other","name":"Forged","note":null,"url":null}"#;
        let at = "2017-05-09T14:03:00Z";
        let hash = tally::journal::entry_hash(seq + 1, &prev, at, "mallory", "source.add", "forged", body);
        conn.execute(
            "INSERT INTO journal VALUES (?, ?, ?, 'mallory', 'source.add', 'forged', ?, ?)",
            rusqlite::params![seq + 1, prev, at, body, hash],
        )
        .expect("append the forgery");
    }

    /// The head, as revision 1's checkpoint line.
    #[track_caller]
    pub fn head(&self) -> String {
        self.ok(&["checkpoint", "--format", "line"]).trim().to_string()
    }

    /// Sources, actors, events and two reports with claims: a small ledger.
    #[track_caller]
    pub fn scenario() -> TestEnv {
        let env = TestEnv::init();
        env.ok(&[
            "source",
            "add",
            "ap",
            "--name",
            "Associated Press",
            "--kind",
            "news-agency",
            "--grade",
            "B",
            "--url",
            "https://apnews.com",
        ]);
        env.ok(&[
            "source",
            "add",
            "lwj",
            "--name",
            "Long War Journal",
            "--kind",
            "international-media",
            "--grade",
            "B",
        ]);
        env.ok(&[
            "source",
            "add",
            "jdm",
            "--name",
            "Journal du Mali",
            "--kind",
            "national-media",
            "--grade",
            "C",
        ]);
        env.ok(&[
            "actor",
            "add",
            "jnim",
            "--name",
            "Jama'at Nusrat al-Islam wal-Muslimin",
            "--alias",
            "JNIM",
            "--alias",
            "GSIM",
            "--alias",
            "Group for Support of Islam and Muslims",
        ]);
        env.ok(&[
            "actor",
            "add",
            "fama",
            "--name",
            "Malian Armed Forces",
            "--alias",
            "Malian army",
        ]);
        env.ok(&[
            "event",
            "add",
            "almoustarat",
            "--title",
            "Assault on Almoustarat base",
            "--date",
            "2017-05-07",
            "--place",
            "Almoustarat",
            "--country",
            "Mali",
        ]);
        env.ok(&[
            "report",
            "add",
            "--source",
            "lwj",
            "--published",
            "2017-05-08",
            "--title",
            "JNIM claims base assault",
            "--text",
            "Seven soldiers died, the group said.",
            "--event",
            "almoustarat",
            "--claim",
            "killed:Malian soldiers=seven",
            "--claim",
            "responsibility=gsim;stance=claimed;origin=jnim",
        ]);
        env.ok(&[
            "report",
            "add",
            "--source",
            "jdm",
            "--published",
            "2017-05-09",
            "--url",
            "https://example.org/jdm",
            "--event",
            "almoustarat",
            "--claim",
            "killed:Malian soldiers=at least five;origin=Malian army;hedge=reported",
        ]);
        env
    }
}
