use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // A closed stderr must not turn the error into a panic.
            let _ = writeln!(std::io::stderr(), "tally: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
