//! The README's examples are the program's real output.
//!
//! Each ```console block of README.md is a session in a fresh directory,
//! with the test environment's pinned clock, author and ledger id: lines
//! starting with `$ ` are commands (a trailing `\` continues one), and the
//! lines up to the next command are exactly what it prints. `tally` runs
//! this build; `export K=V`, `> FILE` and `"$(cat FILE)"` work as in a
//! shell. `README_UPDATE=1 cargo test readme` rewrites the outputs from
//! what the commands print, for review in the diff.

use crate::common::TestEnv;
use std::collections::HashMap;

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

struct Step {
    /// The command's lines as written, continuations included.
    raw: Vec<String>,
    command: String,
    expected: Vec<String>,
}

/// The console blocks: (line range of the block's body, its steps).
fn blocks(text: &str) -> Vec<(usize, usize, Vec<Step>)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() != "```console" {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && lines[end].trim_end() != "```" {
            end += 1;
        }
        let mut steps: Vec<Step> = Vec::new();
        let mut k = start;
        while k < end {
            if let Some(cmd) = lines[k].strip_prefix("$ ") {
                let mut command = cmd.to_string();
                let mut raw = vec![lines[k].to_string()];
                while command.ends_with('\\') && k + 1 < end {
                    command.pop();
                    k += 1;
                    command.push_str(lines[k].trim_start());
                    raw.push(lines[k].to_string());
                }
                steps.push(Step {
                    raw,
                    command,
                    expected: Vec::new(),
                });
            } else if let Some(step) = steps.last_mut() {
                step.expected.push(lines[k].to_string());
            }
            k += 1;
        }
        out.push((start, end, steps));
        i = end + 1;
    }
    out
}

/// Runs one command line as the README's shell would; returns its stdout.
fn run(env: &TestEnv, vars: &mut HashMap<String, String>, line: &str) -> String {
    if let Some(assign) = line.strip_prefix("export ") {
        for kv in shell_words::split(assign).unwrap() {
            let (k, v) = kv.split_once('=').unwrap();
            vars.insert(k.to_string(), v.to_string());
        }
        return String::new();
    }
    // "$(cat FILE)" → the file's content.
    let mut line = line.to_string();
    while let Some(at) = line.find("$(cat ") {
        let close = at + line[at..].find(')').unwrap();
        let file = line[at + 6..close].trim().to_string();
        let content = std::fs::read_to_string(env.dir.path().join(&file)).unwrap();
        line.replace_range(at..=close, content.trim());
    }
    let mut words = shell_words::split(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
    let redirect = words.iter().position(|w| w == ">").map(|p| {
        let file = words[p + 1].clone();
        words.truncate(p);
        file
    });
    let args: Vec<&str> = match words.first().map(String::as_str) {
        Some("tally") => words[1..].iter().map(String::as_str).collect(),
        Some("cargo") if words.get(1..4) == Some(&["run".into(), "--release".into(), "--".into()]) => {
            words[4..].iter().map(String::as_str).collect()
        }
        _ => panic!("the README runs only tally: {line}"),
    };
    let mut cmd = env.cmd();
    cmd.env_remove("TALLY_DB").args(&args);
    for (k, v) in vars.iter() {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "README command failed: {line}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    match redirect {
        Some(file) => {
            std::fs::write(env.dir.path().join(file), &stdout).unwrap();
            String::new()
        }
        None => stdout,
    }
}

#[test]
fn readme_examples_are_real_output() {
    let text = std::fs::read_to_string(README).unwrap();
    let found = blocks(&text);
    assert!(found.len() >= 2, "the README has its console walkthroughs");
    let update = std::env::var("README_UPDATE").is_ok();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Rewrite from the last block up, so earlier line numbers stay valid.
    for (start, end, steps) in found.into_iter().rev() {
        let env = TestEnv::new();
        let mut vars = HashMap::new();
        let mut body = Vec::new();
        for step in &steps {
            let got = run(&env, &mut vars, &step.command);
            let got: Vec<String> = got.lines().map(|l| l.trim_end().to_string()).collect();
            if !update {
                let expected: Vec<String> = step.expected.iter().map(|l| l.trim_end().to_string()).collect();
                assert_eq!(expected, got, "README output of `{}`", step.command);
            }
            body.extend(step.raw.iter().cloned());
            body.extend(got);
        }
        lines.splice(start..end, body);
    }
    if update {
        std::fs::write(README, lines.join("\n") + "\n").unwrap();
    }
}
