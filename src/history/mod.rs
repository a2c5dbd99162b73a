//! Git history of the site (SPEC §11): the commits that touched its roadmap and backlog,
//! turned into item changes as plain data, and when each docs page last changed.
//!
//! Only this module knows gix. The audit rules and the changes pages consume
//! [`History`], so they can be tested and reasoned about without a repository.

mod authors;
mod compare;
mod repo;

pub use authors::{Matched, Signature, identify};
pub use compare::{Field, ItemKind};
pub use repo::Keep;

use compare::{FileChange, Parsed};
use gix::ObjectId;
use rayon::prelude::*;
use repo::FileDiff;
use std::collections::{BTreeMap, HashMap};

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
    /// The last commit that changed or created each docs page (site path), for the
    /// page's "last updated" line.
    pub docs: BTreeMap<String, Arc<Commit>>,
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
///
/// Finding the site's tree in each commit is sequential (it follows renames of the
/// site's folder down the history); comparing the trees and parsing the files is the
/// costly part, done in runs of consecutive commits on all cores, each run with its
/// own repository handle. Runs are joined in order, so the result does not depend on
/// how many there are.
pub fn read(site: &Path, range: &Range, keep: &Keep<'_>) -> Result<History, HistoryError> {
    let repo = repo::SiteRepo::open(site)?;
    let walked = repo.walk(range)?;
    let steps = repo.steps(&walked.commits)?;
    let shared = repo.shared();
    let run = steps.len().div_ceil(rayon::current_num_threads() * 4).max(1);
    let runs: Vec<Vec<Read>> =
        steps.par_chunks(run).map(|steps| read_run(&shared, steps, keep)).collect::<Result<_, _>>()?;
    let mut history = History { shallow_boundary: walked.boundary, ..History::default() };
    for read in runs.into_iter().flatten() {
        for doc in read.docs {
            history.docs.entry(doc).or_insert_with(|| read.commit.clone());
        }
        if let Some((changes, notes)) = read.items {
            history.commits.push(read.commit);
            history.changes.extend(changes);
            history.notes.extend(notes);
        }
    }
    Ok(history)
}

/// What one commit changed: items (when it touched the roadmap or backlog), and the
/// docs pages it changed or created.
struct Read {
    commit: Arc<Commit>,
    items: Option<(Vec<ItemChange>, Vec<Note>)>,
    docs: Vec<String>,
}

/// Reads consecutive commits (newest first). A file's version before one commit is
/// usually its version after the next one read: parsed once, kept by blob id.
fn read_run(
    shared: &gix::ThreadSafeRepository,
    steps: &[repo::Step],
    keep: &Keep<'_>,
) -> Result<Vec<Read>, HistoryError> {
    let reader = repo::Reader::new(shared);
    let mut versions = Versions::default();
    let mut out = vec![];
    for step in steps {
        let parent = step.parents.first().copied().flatten();
        let first = reader.diff(parent, step.site, repo::ITEMS, keep)?;
        let docs = reader.diff(parent, step.site, repo::DOCS, keep)?;
        let docs: Vec<String> = docs.into_iter().filter(|f| f.after.is_some()).map(|f| f.rel).collect();
        if first.is_empty() && docs.is_empty() {
            continue;
        }
        let commit = Arc::new(reader.describe(step.id)?);
        let items =
            if first.is_empty() { None } else { Some(items(&reader, &mut versions, step, &commit, &first, keep)?) };
        out.push(Read { commit, items, docs });
    }
    Ok(out)
}

/// The item changes of one commit, from the files it changed against its first parent.
fn items(
    reader: &repo::Reader,
    versions: &mut Versions,
    step: &repo::Step,
    commit: &Arc<Commit>,
    first: &[FileDiff],
    keep: &Keep<'_>,
) -> Result<(Vec<ItemChange>, Vec<Note>), HistoryError> {
    let mut notes = vec![];
    let mut changes = compare::compare(commit, &versions.parse(reader, first)?, &mut notes);
    // In a merge, only what differs from every parent is the merge's own change.
    for other in step.parents.iter().skip(1) {
        let files = versions.parse(reader, &reader.diff(*other, step.site, repo::ITEMS, keep)?)?;
        let seen = compare::compare(commit, &files, &mut Vec::new());
        changes.retain(|c| seen.iter().any(|s| same_change(s, c)));
    }
    versions.keep_before(first);
    Ok((changes, notes))
}

/// Parsed file versions by blob and path (the path is part of what the parser reports).
#[derive(Default)]
struct Versions {
    known: HashMap<(ObjectId, String), Parsed>,
}

impl Versions {
    /// Both sides of each file, parsed; files not known yet are read, then parsed in
    /// parallel (a commit that imports a site changes thousands).
    fn parse(&mut self, reader: &repo::Reader, files: &[FileDiff]) -> Result<Vec<FileChange>, HistoryError> {
        let sides = || files.iter().flat_map(|f| [f.before, f.after].into_iter().flatten().map(|id| (id, &f.rel)));
        let mut missing = vec![];
        for (id, rel) in sides() {
            let key = (id, rel.clone());
            // Within one diff each (blob, path) comes once: a file differs on its sides.
            if !self.known.contains_key(&key) {
                missing.push((key, reader.text(id)?));
            }
        }
        let parsed: Vec<Parsed> =
            missing.par_iter().map(|((_, rel), text)| compare::parse_version(rel, text)).collect();
        self.known.extend(missing.into_iter().map(|(key, _)| key).zip(parsed));
        let get = |id: Option<ObjectId>, rel: &String| match id {
            Some(id) => self.known[&(id, rel.clone())].clone(),
            None => Parsed::Absent,
        };
        Ok(files
            .iter()
            .map(|f| FileChange { rel: f.rel.clone(), before: get(f.before, &f.rel), after: get(f.after, &f.rel) })
            .collect())
    }

    /// Forgets every version but those before `files`' commit, which the next commit
    /// read (its parent, in a straight history) has as its after.
    fn keep_before(&mut self, files: &[FileDiff]) {
        let before = files.iter().filter_map(|f| Some((f.before?, f.rel.clone())));
        let kept = before.filter_map(|key| self.known.remove_entry(&key)).collect();
        self.known = kept;
    }
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

/// The files of the repository holding a site whose change can move HEAD: HEAD itself,
/// the packed refs and the branches' refs. `serve` watches them, so a commit, checkout
/// or pull shows without waiting for an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadFiles {
    /// Where HEAD is (a linked work tree has its own).
    pub git_dir: PathBuf,
    /// Where the refs shared by all work trees are.
    pub common_dir: PathBuf,
}

impl HeadFiles {
    /// The files of the repository that holds `site`, if any.
    pub fn of(site: &Path) -> Option<HeadFiles> {
        let (git_dir, common_dir) = repo::SiteRepo::open(site).ok()?.dirs();
        Some(HeadFiles { git_dir: git_dir.canonicalize().ok()?, common_dir: common_dir.canonicalize().ok()? })
    }

    /// The folders to watch, each with whether to watch it recursively.
    pub fn folders(&self) -> Vec<(PathBuf, bool)> {
        let mut folders = vec![(self.git_dir.clone(), false), (self.common_dir.join("refs/heads"), true)];
        if self.common_dir != self.git_dir {
            folders.push((self.common_dir.clone(), false));
        }
        folders
    }

    /// Whether a change to `path` may have moved HEAD (git's `.lock` files aside).
    pub fn moved_by(&self, path: &Path) -> bool {
        path == self.git_dir.join("HEAD")
            || path == self.common_dir.join("packed-refs")
            || (path.starts_with(self.common_dir.join("refs/heads")) && path.extension().is_none_or(|e| e != "lock"))
    }
}

/// The same change of a merge against two parents: a value that differs from each.
fn same_change(a: &ItemChange, b: &ItemChange) -> bool {
    (a.kind, &a.id, a.field, &a.after) == (b.kind, &b.id, b.field, &b.after)
}
