//! One module per command: wiring only; the work happens in the pipeline stages.

mod audit;
pub mod build;
mod check;
mod init;
mod new;
mod schema;

use crate::Outcome;
use crate::cli::{AudienceArg, Command};
use crate::error::Error;
use crate::model::Audience;
use crate::session::{BuildArgs, out_dir};

/// Runs one command.
pub fn run(command: Command) -> Result<Outcome, Error> {
    match command {
        Command::Check { site, format, deny_warnings } => check::run(&site, format, deny_warnings),
        Command::Build { site, out, audience, base_url, deny_warnings, watch: false, .. } => {
            let out = out_dir(&site, out);
            build::run(&BuildArgs { site, out, audience: audience.map(Audience::from), base_url, deny_warnings })
        }
        Command::Build { site, out, audience, base_url, deny_warnings, watch: true, poll } => {
            let out = out_dir(&site, out);
            let audience = audience.map(Audience::from);
            build::watch(&BuildArgs { site, out, audience, base_url, deny_warnings }, poll)
        }
        Command::Serve { site, bind, port, audience, open, poll } => {
            let out = out_dir(&site, None);
            let audience = audience.map(Audience::from);
            let build = BuildArgs { site, out, audience, base_url: None, deny_warnings: false };
            crate::serve::run(crate::serve::ServeArgs { build, bind, port, open, poll })
        }
        Command::Audit { site, since, until, format, deny_warnings } => {
            audit::run(&site, &crate::history::Range { since, until }, format, deny_warnings)
        }
        Command::Init { dir } => init::run(&dir),
        Command::New { kind, title, site, owner, initiative } => new::run(&new::NewArgs {
            kind,
            title: &title,
            site: &site,
            owner: owner.as_deref(),
            initiative: initiative.as_deref(),
        }),
        Command::Lsp => crate::lsp::run(),
        Command::Schema => schema::run(),
    }
}

impl From<AudienceArg> for Audience {
    fn from(arg: AudienceArg) -> Audience {
        match arg {
            AudienceArg::Public => Audience::Public,
            AudienceArg::Internal => Audience::Internal,
        }
    }
}

/// Whether text printed to stdout may use colour.
pub fn stdout_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}
