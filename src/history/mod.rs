//! Git history of the site (SPEC §11): the commits that touched its roadmap and backlog,
//! turned into item changes as plain data.
//!
//! Only this module knows gix. The audit rules and the changes pages consume
//! [`History`], so they can be tested and reasoned about without a repository.

mod authors;
mod compare;
mod repo;

pub use authors::{Matched, Signature, identify};
pub use compare::{Field, FileChange, ItemKind};

use crate::model::Date;
use crate::source::Location;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One commit that changed items of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// The full hash, lowercase hex.
    pub id: String,
    /// The author first, then each `Co-authored-by:` trailer.
    pub authors: Vec<Signature>,
    /// The author date, in the author's time zone.
    pub date: Date,
    /// The Monday of that date's week: pages group changes by it.
    pub week: Date,
    /// Author time, seconds since the epoch (UTC): orders commits and dates feeds.
    pub time: i64,
}

impl Commit {
    /// The abbreviated hash that messages name.
    pub fn short(&self) -> &str {
        &self.id[..self.id.len().min(7)]
    }
}

/// One change to one item in one commit: created, deleted, or one field changed.
#[derive(Debug, Clone)]
pub struct ItemChange {
    pub commit: Arc<Commit>,
    pub kind: ItemKind,
    pub id: String,
    /// The item's title in the commit's version (the old one for a deletion).
    pub title: String,
    pub field: Field,
    /// The value as written before and after (for created / deleted: the title).
    pub before: Option<String>,
    pub after: Option<String>,
    /// The file (relative to the site) of the commit's version (the old one for a
    /// deletion), and where the field sits in it.
    pub file: String,
    pub at: Location,
    /// The item's owner before and after the commit: the product owner of a story,
    /// the product manager of an initiative.
    pub owner_before: Option<String>,
    pub owner_after: Option<String>,
    /// The initiative a story belongs to (an initiative's own id).
    pub initiative: Option<String>,
    /// Internal on either side: a public build shows none of it.
    pub internal: bool,
}

/// A file version that history had to skip, and why.
#[derive(Debug, Clone)]
pub struct Note {
    pub commit: Arc<Commit>,
    pub file: String,
    pub message: String,
}

/// What the repository says about the site.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Newest commit first; within a commit, by item kind and id.
    pub changes: Vec<ItemChange>,
    /// Every commit that touched the site's roadmap or backlog, newest first.
    pub commits: Vec<Arc<Commit>>,
    pub notes: Vec<Note>,
    /// In a shallow clone: the short hash of the boundary commit, where history starts.
    pub shallow_boundary: Option<String>,
}

/// Which commits to read: reachable from `until` (default HEAD), not from `since`.
#[derive(Debug, Clone, Default)]
pub struct Range {
    pub since: Option<String>,
    pub until: Option<String>,
}

/// Why history could not be read (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{} is not inside a git repository: `charter audit` reads the site's history from git", site.display())]
    NotARepository { site: PathBuf },
    #[error(
        "this clone is shallow and its history does not reach `{since}`: fetch the whole history \
         (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
    )]
    Shallow { since: String },
    #[error("`{rev}` names no commit of the repository")]
    UnknownRevision { rev: String },
    #[error("reading git history: {0}")]
    Git(String),
}

impl From<gix::Error> for HistoryError {
    fn from(err: gix::Error) -> Self {
        HistoryError::Git(err.to_string())
    }
}

/// Reads the history of the site at `site` over `range`. `keep` says which content
/// files (site paths) count, so `ignore:` globs apply to history as to the build.
pub fn read(site: &Path, range: &Range, keep: &dyn Fn(&str) -> bool) -> Result<History, HistoryError> {
    let mut repo = repo::SiteRepo::open(site)?;
    let walked = repo.walk(range)?;
    let mut history = History { shallow_boundary: walked.boundary, ..History::default() };
    for commit in walked.commits {
        let Some(info) = repo.commit_changes(&commit, keep)? else { continue };
        let info_commit = Arc::new(info.commit);
        let mut changes = compare::compare(&info_commit, &info.first, &mut history.notes);
        for other in &info.others {
            let seen = compare::compare(&info_commit, other, &mut Vec::new());
            changes.retain(|c| seen.iter().any(|s| same_change(s, c)));
        }
        history.commits.push(info_commit);
        history.changes.extend(changes);
    }
    Ok(history)
}

/// The history a build shows: `None` when `history: false` or when the site is not in a
/// git repository; an error when the repository cannot be read.
pub fn for_site(site: &Path, config: &crate::config::Config) -> Result<Option<History>, HistoryError> {
    if !config.history.enabled {
        return Ok(None);
    }
    let ignore = crate::load::ignore_set(config);
    match read(site, &Range::default(), &|rel| !ignore.is_match(rel)) {
        Ok(history) => Ok(Some(history)),
        Err(HistoryError::NotARepository { .. }) => Ok(None),
        Err(err) => Err(err),
    }
}

/// The commit HEAD names, if the site is in a repository with one: `serve` reads the
/// history again only when it moves.
pub fn head(site: &Path) -> Option<String> {
    repo::SiteRepo::open(site).ok()?.head()
}

/// The same change of a merge against two parents: a value that differs from each.
fn same_change(a: &ItemChange, b: &ItemChange) -> bool {
    (a.kind, &a.id, a.field, &a.after) == (b.kind, &b.id, b.field, &b.after)
}
