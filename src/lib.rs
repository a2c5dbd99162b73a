//! Charter: a static site generator for product roadmaps, backlogs and docs.
//!
//! The pipeline, stage by stage: [`load`] (walk, read) -> [`parse`] (front-matter, YAML)
//! -> [`model`] (typed items, indexes) -> [`validate`] (rules, diagnostics) -> `render`
//! (templates, pages) -> `write` (atomic output). See [`pipeline`].

pub mod audience;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod dates;
pub mod diag;
pub mod error;
pub mod forecast;
pub mod frontmatter;
pub mod history;
pub mod links;
pub mod load;
pub mod lsp;
pub mod markdown;
pub mod metrics;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod schema;
pub mod serve;
pub mod session;
pub mod source;
pub mod theme;
pub mod urls;
pub mod validate;
pub mod values;
pub mod watch;
pub mod write;

use clap::Parser;
use std::process::ExitCode;

/// What a command concluded, before it becomes an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything fine (warnings allowed).
    Success,
    /// The content has errors (or warnings under `--deny-warnings`).
    Invalid,
}

/// Runs the command line; the only place exit codes are decided:
/// 0 success, 1 validation errors, 2 could not run.
pub fn run() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cmd::run(cli.command) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}
