//! Git history of the site (SPEC §11): the commits that touched its roadmap and backlog,
//! turned into item changes as plain data, and when each docs page last changed.
//!
//! Only this module knows gix. The audit rules and the changes pages consume
//! [`History`], so they can be tested and reasoned about without a repository.

mod authors;
mod cache;
mod compare;
mod delta;
mod pack;
mod repo;
mod rope;
mod tree;

pub use authors::{Matched, Signature, identify};
pub use compare::{Field, ItemKind};
pub use repo::Keep;

use compare::{FileChange, Parsed, Version};
use gix::ObjectId;
use rayon::prelude::*;
use repo::FileDiff;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::{Date, Site};
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
    /// deletion), and where the field sits in it when asked for ([`Locate`]).
    pub file: String,
    pub at: Option<Location>,
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

/// The first half of reading the history of the site at `site` over `range`: the
/// commits, the content files each changed (from git's trees), and the versions of
/// those files parsed, but for the versions the work tree holds, which `check` parses
/// (as git's index says; [`Changed::parse`] makes sure). `keep` says which content
/// files (site paths) count, so `ignore:` globs apply to history as to the build;
/// `locate` whether changes say where their fields sit. [`Changed::parse`] is the
/// second half.
///
/// Finding the site's tree in each commit is sequential (it follows renames of the
/// site's folder down the history); comparing the trees and parsing the files is done
/// in runs of consecutive commits on all cores, each run with its own repository
/// handle. Runs are kept in order, so the result does not depend on how many there are.
/// Commits whose result the repository's cache holds (the `cache` module) need neither half.
pub fn changed(site: &Path, range: &Range, keep: &Keep, locate: Locate) -> Result<Changed, HistoryError> {
    let repo = repo::SiteRepo::open(site)?;
    let walked = repo.walk(range)?;
    let steps = repo.steps(&walked.commits)?;
    let mut cache = cache::Cache::open(&repo.dirs().1, &repo.site_path(), keep);
    if range.since.is_none() && range.until.is_none() {
        cache.keep_only(&steps);
    }
    let shared = repo.shared();
    let packs = repo.packs();
    let run = steps.len().div_ceil(rayon::current_num_threads() * 4).clamp(1, LONGEST_RUN);
    let runs: Vec<Vec<Slot<Diffed>>> = steps
        .par_chunks(run)
        .map(|steps| diff_run((&shared, &packs), steps, keep, (&cache, locate)))
        .collect::<Result<_, _>>()?;
    let changed: BTreeSet<&str> = fresh(&runs).flat_map(|d| d.items.iter().flatten()).map(|f| f.rel.as_str()).collect();
    let indexed = repo.work().indexed(&shared, changed.into_iter());
    let runs = parse_versions((&shared, &packs), runs, &indexed)?;
    Ok(Changed { shared, packs, runs, boundary: walked.boundary, cache, locate })
}

/// Whether each change says where its field sits in the commit's version of the file
/// (`ItemChange::at`): the audit's diagnostics point there; the pages never do, and
/// finding it parses each changed version's YAML a second time (with positions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locate {
    Fields,
    No,
}

/// The commits of `runs` read now (not known from the cache) that changed content files.
fn fresh(runs: &[Vec<Slot<Diffed>>]) -> impl Iterator<Item = &Diffed> {
    runs.iter().flatten().filter_map(|slot| match slot {
        Slot::Fresh(_, Some(diffed)) => Some(diffed),
        _ => None,
    })
}

/// The most commits one run compares: each run's trees are read by one thread.
const LONGEST_RUN: usize = 512;

/// The most commits whose file versions are parsed, and held, at once.
const VERSIONS_WINDOW: usize = 2048;

/// The runs' changed files with their versions parsed (but those the work tree holds),
/// a window of runs at a time, so a long history never holds all its versions at once.
fn parse_versions(
    repo: Repo,
    runs: Vec<Vec<Slot<Diffed>>>,
    indexed: &repo::Indexed,
) -> Result<Vec<Vec<Slot<Parsing>>>, HistoryError> {
    let mut runs = runs.into_iter().peekable();
    let mut parsed = vec![];
    while runs.peek().is_some() {
        let (mut window, mut commits) = (vec![], 0);
        while let Some(run) = runs.next_if(|run| window.is_empty() || commits + run.len() <= VERSIONS_WINDOW) {
            commits += run.len();
            window.push(run);
        }
        let versions = Versions::read(repo, &window, indexed)?;
        parsed.extend(window.into_iter().map(|run| versions.pending_run(run, indexed)));
    }
    Ok(parsed)
}

/// The repository as the threads that read it share it: a handle to make their own
/// from, and its packs.
type Repo<'a> = (&'a gix::ThreadSafeRepository, &'a pack::Packs);

/// The commits of a range that changed content files, with the files' versions parsed
/// but those the work tree holds: the part of reading history that can run while
/// `check` parses the work tree, whose items the second half then takes.
pub struct Changed {
    shared: gix::ThreadSafeRepository,
    packs: pack::Packs,
    /// Runs of consecutive commits, newest first.
    runs: Vec<Vec<Slot<Parsing>>>,
    boundary: Option<String>,
    /// Where the results of the commits read now are kept for the next run.
    cache: cache::Cache,
    locate: Locate,
}

/// One commit on its way through the halves: known from the cache, or being read (its
/// step kept, to cache the result under; `None` once it is known to change no content).
enum Slot<T> {
    Cached(Option<Read>),
    Fresh(repo::Step, Option<T>),
}

/// One commit's changed files.
struct Diffed {
    commit: Arc<Commit>,
    /// The roadmap and backlog files that differ from each parent, the first parent's
    /// first; empty when the commit changed none.
    items: Vec<Vec<FileDiff>>,
    /// The docs pages it changed or created.
    docs: Vec<String>,
}

/// One commit's changed files, parsed but for the versions the work tree holds.
struct Parsing {
    commit: Arc<Commit>,
    items: Vec<Vec<Pending>>,
    docs: Vec<String>,
}

/// A changed file whose sides are parsed, or left for the work tree's parse.
struct Pending {
    rel: String,
    before: Side,
    after: Side,
}

/// One side of a changed file after the first half.
#[derive(Clone)]
enum Side {
    Parsed(Parsed),
    /// The blob git's index says the work tree holds: `check`'s parse of the file is
    /// this version when `check` read bytes with this id.
    WorkTree(ObjectId),
}

/// Compares consecutive commits (newest first) with their parents, but those the
/// cache knows.
fn diff_run(
    (shared, packs): Repo,
    steps: &[repo::Step],
    keep: &Keep,
    (cache, locate): (&cache::Cache, Locate),
) -> Result<Vec<Slot<Diffed>>, HistoryError> {
    let reader = repo::Reader::new(shared, packs);
    let mut out = vec![];
    for step in steps {
        match cache.get(step, locate) {
            Some(read) => out.push(Slot::Cached(read)),
            None => out.push(Slot::Fresh(step.clone(), diff(&reader, step, keep)?)),
        }
    }
    Ok(out)
}

/// The files one commit changed; `None` when it changed no content file.
fn diff(reader: &repo::Reader, step: &repo::Step, keep: &Keep) -> Result<Option<Diffed>, HistoryError> {
    let parent = step.parents.first().copied().flatten();
    let first = reader.diff(parent, step.site, repo::ITEMS, keep)?;
    let docs = reader.diff(parent, step.site, repo::DOCS, keep)?;
    let docs: Vec<String> = docs.into_iter().filter(|f| f.after.is_some()).map(|f| f.rel).collect();
    if first.is_empty() && docs.is_empty() {
        return Ok(None);
    }
    let mut items = vec![];
    if !first.is_empty() {
        items.push(first);
        // In a merge, only what differs from every parent is the merge's own change.
        for other in step.parents.iter().skip(1) {
            items.push(reader.diff(*other, step.site, repo::ITEMS, keep)?);
        }
    }
    Ok(Some(Diffed { commit: Arc::new(reader.describe(step.id)?), items, docs }))
}

impl Changed {
    /// The second half of reading history: each changed file's versions compared.
    /// `work` is the site as `check` parsed it from the work tree, where the versions the
    /// work tree holds are taken from (most files of a long history are as the commit
    /// that created them left them); without it, or for a file `check` did not make an
    /// item of, they are read from git and parsed.
    pub fn parse(self, work: Option<&Site>) -> Result<History, HistoryError> {
        let stories = work.into_iter().flat_map(|site| &site.stories);
        let stories = stories.map(|s| (&s.doc.source, Version::Story(s.clone())));
        let initiatives = work.into_iter().flat_map(|site| &site.initiatives);
        let initiatives = initiatives.map(|i| (&i.doc.source, Version::Initiative(i.clone())));
        let known: Known = stories
            .chain(initiatives)
            .filter_map(|(source, v)| Some((source.rel.as_str(), (source.blob?, v))))
            .collect();
        let repo = (&self.shared, &self.packs);
        let runs: Vec<Vec<Slot<Read>>> = self
            .runs
            .into_par_iter()
            .map(|run| compare_run(repo, run, (&known, self.locate)))
            .collect::<Result<_, _>>()?;
        let mut cache = self.cache;
        let mut history = History { shallow_boundary: self.boundary, ..History::default() };
        for slot in runs.into_iter().flatten() {
            let read = match slot {
                Slot::Cached(read) => read,
                Slot::Fresh(step, read) => {
                    cache.insert(&step, read.as_ref(), self.locate);
                    read
                }
            };
            let Some(read) = read else { continue };
            for doc in read.docs {
                history.docs.entry(doc).or_insert_with(|| read.commit.clone());
            }
            if let Some((changes, notes)) = read.items {
                history.commits.push(read.commit);
                history.changes.extend(changes);
                history.notes.extend(notes);
            }
        }
        cache.save();
        Ok(history)
    }
}

/// The items `check` parsed from the work tree, by site path, with the blob id of the
/// bytes it parsed.
type Known<'a> = HashMap<&'a str, (ObjectId, Version)>;

/// What one commit changed: items (when it touched the roadmap or backlog), and the
/// docs pages it changed or created.
struct Read {
    commit: Arc<Commit>,
    items: Option<(Vec<ItemChange>, Vec<Note>)>,
    docs: Vec<String>,
}

/// Compares the files of consecutive commits.
fn compare_run(
    (shared, packs): Repo,
    run: Vec<Slot<Parsing>>,
    (known, locate): (&Known, Locate),
) -> Result<Vec<Slot<Read>>, HistoryError> {
    let reader = repo::Reader::new(shared, packs);
    let mut out = vec![];
    for slot in run {
        out.push(match slot {
            Slot::Cached(read) => Slot::Cached(read),
            Slot::Fresh(step, parsing) => {
                Slot::Fresh(step, parsing.map(|p| read(&reader, (known, locate), p)).transpose()?)
            }
        });
    }
    Ok(out)
}

/// One commit's files compared.
fn read(reader: &repo::Reader, (known, locate): (&Known, Locate), parsing: Parsing) -> Result<Read, HistoryError> {
    let mut sides = parsing.items.iter().map(|files| files.iter().map(|f| finish(reader, known, f)).collect());
    let items = match sides.next() {
        Some(first) => {
            let first: Vec<FileChange> = first?;
            Some(items((&parsing.commit, locate), &first, sides)?)
        }
        None => None,
    };
    Ok(Read { commit: parsing.commit, items, docs: parsing.docs })
}

/// A changed file with both sides parsed: a side git's index says the work tree holds
/// is `check`'s item when the bytes `check` parsed hash to that very version, else (a
/// file `check` made no item of, one with uncommitted edits, or one edited since the
/// index was written) read from git and parsed.
fn finish(reader: &repo::Reader, known: &Known, file: &Pending) -> Result<FileChange, HistoryError> {
    let side = |side: &Side| -> Result<Parsed, HistoryError> {
        Ok(match side {
            Side::Parsed(parsed) => parsed.clone(),
            Side::WorkTree(id) => match known.get(file.rel.as_str()) {
                Some((blob, version)) if blob == id => Parsed::Item(version.clone()),
                _ => compare::parse_version(&file.rel, &reader.text(*id)?),
            },
        })
    };
    Ok(FileChange { rel: file.rel.clone(), before: side(&file.before)?, after: side(&file.after)? })
}

/// The item changes of one commit, from the files it changed against its first parent
/// (and, in a merge, against the others).
fn items(
    (commit, locate): (&Arc<Commit>, Locate),
    first: &[FileChange],
    others: impl Iterator<Item = Result<Vec<FileChange>, HistoryError>>,
) -> Result<(Vec<ItemChange>, Vec<Note>), HistoryError> {
    let mut notes = vec![];
    let mut changes = compare::compare((commit, locate), first, &mut notes);
    for other in others {
        let seen = compare::compare((commit, Locate::No), &other?, &mut Vec::new());
        changes.retain(|c| seen.iter().any(|s| same_change(s, c)));
    }
    Ok((changes, notes))
}

/// The file versions the commits read now name (blob and site path; the path is part
/// of what the parser reports), parsed, but those the work tree holds.
struct Versions {
    parsed: HashMap<(ObjectId, String), Parsed>,
}

impl Versions {
    /// Reads and parses each version once, on all cores. Walking newest first, a
    /// file's version is the before of one commit and the after of an older one, in
    /// another run as often as not: collecting them from every run first parses it
    /// once instead of twice. The versions of one file are read together, by one
    /// reader, which holds those the others are stored as deltas against.
    fn read(repo: Repo, runs: &[Vec<Slot<Diffed>>], indexed: &repo::Indexed) -> Result<Versions, HistoryError> {
        let files = fresh(runs).flat_map(|d| d.items.iter().flatten());
        let sides = files.flat_map(|f| [f.before, f.after].into_iter().flatten().map(move |id| (id, f.rel.as_str())));
        let mut seen = HashSet::new();
        let mut missing: Vec<(ObjectId, &str)> =
            sides.filter(|(id, rel)| !indexed.holds(rel, *id) && seen.insert((*id, *rel))).collect();
        missing.sort_by_key(|(_, rel)| *rel);
        let share = missing.len().div_ceil(rayon::current_num_threads() * 4).max(1);
        let read = |chunk: &[(ObjectId, &str)]| {
            let reader = repo::Reader::new(repo.0, repo.1);
            let parse = |(id, rel): &(ObjectId, &str)| reader.text(*id).map(|text| compare::parse_version(rel, &text));
            chunk.iter().map(parse).collect::<Result<Vec<_>, _>>()
        };
        let chunks: Vec<Vec<Parsed>> = missing.par_chunks(share).map(read).collect::<Result<_, _>>()?;
        let keys = missing.into_iter().map(|(id, rel)| (id, rel.to_owned()));
        Ok(Versions { parsed: keys.zip(chunks.into_iter().flatten()).collect() })
    }

    /// One run's commits with both sides of each changed file: parsed, or left to
    /// `check` when the work tree holds them.
    fn pending_run(&self, run: Vec<Slot<Diffed>>, indexed: &repo::Indexed) -> Vec<Slot<Parsing>> {
        let parsing = |diffed: Diffed| {
            let items = diffed.items.iter().map(|files| self.pending(files, indexed)).collect();
            Parsing { commit: diffed.commit, items, docs: diffed.docs }
        };
        let slot = |slot| match slot {
            Slot::Cached(read) => Slot::Cached(read),
            Slot::Fresh(step, diffed) => Slot::Fresh(step, diffed.map(parsing)),
        };
        run.into_iter().map(slot).collect()
    }

    fn pending(&self, files: &[FileDiff], indexed: &repo::Indexed) -> Vec<Pending> {
        let get = |id: Option<ObjectId>, rel: &String| match id {
            Some(id) if indexed.holds(rel, id) => Side::WorkTree(id),
            Some(id) => Side::Parsed(self.parsed[&(id, rel.clone())].clone()),
            None => Side::Parsed(Parsed::Absent),
        };
        let pending =
            |f: &FileDiff| Pending { rel: f.rel.clone(), before: get(f.before, &f.rel), after: get(f.after, &f.rel) };
        files.iter().map(pending).collect()
    }
}

/// The first half of the history a build shows: `None` when `history: false` or when
/// the site is not in a git repository; an error when the repository cannot be read.
pub fn for_site(site: &Path, config: &crate::config::Config) -> Result<Option<Changed>, HistoryError> {
    if !config.history.enabled {
        return Ok(None);
    }
    match changed(site, &Range::default(), &Keep::of(config), Locate::No) {
        Ok(changed) => Ok(Some(changed)),
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
