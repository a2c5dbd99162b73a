//! Command-line arguments (clap derive types only).

use crate::diag::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Charter: product roadmaps, backlogs and docs as a static site, with ownership checks.
#[derive(Debug, Parser)]
#[command(name = "charter", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The audience a build is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AudienceArg {
    Internal,
    Public,
}

/// What `charter new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    Story,
    Initiative,
    Doc,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the site: ownership, fields, references, backlog hygiene.
    Check {
        /// The site folder (holding charter.yaml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Validate, then render the site into a folder (atomically).
    Build {
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Output folder (default: SITE/public).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Who the site is for: `public` removes every internal item.
        #[arg(long, value_enum)]
        audience: Option<AudienceArg>,
        /// Override `base_url` of charter.yaml (used by the feed and sitemap).
        #[arg(long)]
        base_url: Option<String>,
        #[arg(long)]
        deny_warnings: bool,
        /// Rebuild whenever a file of the site changes.
        #[arg(long)]
        watch: bool,
        /// With --watch: poll the file system instead of using OS events.
        #[arg(long, requires = "watch")]
        poll: bool,
    },
    /// Build in memory, serve on localhost, rebuild and live-reload on every change.
    Serve {
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 4000)]
        port: u16,
        #[arg(long, value_enum)]
        audience: Option<AudienceArg>,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Poll the file system instead of using OS events (network and WSL file systems).
        #[arg(long)]
        poll: bool,
    },
    /// Check the site's git history against the ownership rules: who changed what.
    Audit {
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Leave out commits reachable from this revision (e.g. `origin/main`).
        #[arg(long)]
        since: Option<String>,
        /// Audit the commits reachable from this revision (default HEAD).
        #[arg(long)]
        until: Option<String>,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Create a new site with a small working example.
    Init {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Create a new story, initiative or doc page with valid front-matter.
    New {
        #[arg(value_enum)]
        kind: NewKind,
        /// Title of the new item.
        title: String,
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Owner: the product owner of a story, the product manager of an initiative.
        #[arg(long)]
        owner: Option<String>,
        /// The initiative a new story belongs to.
        #[arg(long)]
        initiative: Option<String>,
    },
    /// Language server over stdio (LSP 3.17), for editors.
    Lsp,
    /// Print the JSON Schema (draft-07) of charter.yaml, for YAML editors.
    Schema,
}
