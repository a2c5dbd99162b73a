//! The validated site configuration: what charter.yaml means once `config` has read it.
//! It lives in the model so the model never needs the reader.

use super::{Audience, Person, Sprint};
use crate::diag::Overrides;
use crate::frontmatter::Document;
use std::sync::Arc;

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub description: Option<String>,
    /// Markdown shown on the home page.
    pub vision: Option<String>,
    pub theme: String,
    pub audience: Audience,
    pub unsafe_html: bool,
    pub team: Vec<Person>,
    pub sprints: Vec<Sprint>,
    pub rules: Overrides,
    pub ignore: Vec<String>,
    pub repository: Option<Repository>,
    pub history: HistoryConfig,
    pub doc: Arc<Document>,
}

/// `history:` (SPEC §11): whether the site's git history is read, and how far back
/// "What changed" looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryConfig {
    /// `history: false` turns it off.
    pub enabled: bool,
    /// The span of "What changed", in days back from the newest commit.
    pub window_days: u32,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig { enabled: true, window_days: 90 }
    }
}

/// `repository:`: where the site's sources live on the web, for links to files outside
/// the site and "edit this page".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// The repository's web address, e.g. `https://github.com/acme/product`.
    pub url: String,
    pub branch: String,
    /// The site's folder in the repository; `None`: found from git.
    pub path: Option<String>,
}
