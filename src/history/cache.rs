//! What each commit changed, kept between runs: a commit's item changes never change,
//! so a second `build`, `serve` or `audit` of the same repository compares trees and
//! parses file versions only for the commits it has not seen.
//!
//! The cache lives in the repository's git folder (`<common dir>/charter/`), never in
//! the work tree or the output, and is only ever a shortcut: an entry is used only when
//! everything its result depends on is the same (the commit, the site's tree in it and
//! in its parents, the `ignore:` globs, this charter's source), and a missing, unreadable,
//! corrupt or foreign file is an empty cache. It is written whole to a temporary file
//! that then replaces it, so a crash or a concurrent run never leaves a torn one, and
//! not at all where the git folder cannot be written.

use super::compare::{Field, ItemKind};
use super::repo::Step;
use super::{Commit, ItemChange, Keep, Locate, Note, Read, Signature};
use crate::model::Date;
use crate::source::Location;
use gix::ObjectId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bumped whenever what is stored, or how it is computed, changes.
const FORMAT: u32 = 2;

/// The commits' results known from earlier runs, and those this run adds.
pub struct Cache {
    /// Where the cache is read from and written to.
    path: PathBuf,
    header: Header,
    entries: HashMap<ObjectId, Entry>,
    /// Whether `entries` differ from the file's.
    changed: bool,
}

/// What every entry of a file depends on besides its commit: a file with another
/// header is an empty cache.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Header {
    format: u32,
    /// The charter version and its source's fingerprint: a charter built from other
    /// code may parse or compare differently.
    charter: String,
    /// The `ignore:` globs: they decide which files' changes count.
    ignore: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    header: Header,
    entries: Vec<(String, Entry)>,
}

/// One commit's result, with the trees it was computed from.
#[derive(Serialize, Deserialize)]
struct Entry {
    /// The site's tree in the commit and in each parent (hex, `None` where absent).
    site: Option<String>,
    parents: Vec<Option<String>>,
    /// `None`: the commit changed no roadmap, backlog or docs file.
    read: Option<StoredRead>,
    /// Whether its changes say where their fields sit (an audit's do, a build's not).
    located: bool,
}

#[derive(Serialize, Deserialize)]
struct StoredRead {
    commit: StoredCommit,
    /// Present when the commit touched the roadmap or backlog.
    items: Option<(Vec<StoredChange>, Vec<StoredNote>)>,
    docs: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredCommit {
    /// Name and email of the author, then of each co-author.
    authors: Vec<(String, String)>,
    date: (u16, u8, u8),
    week: (u16, u8, u8),
    time: i64,
}

/// An [`ItemChange`] without its commit; short keys keep a history of thousands of
/// changes quick to read back.
#[derive(Serialize, Deserialize)]
struct StoredChange {
    k: ItemKind,
    id: String,
    t: String,
    f: Field,
    b: Option<String>,
    a: Option<String>,
    file: String,
    /// Line, column, width and the line's text, when located.
    at: Option<(usize, usize, usize, String)>,
    ob: Option<String>,
    oa: Option<String>,
    i: Option<String>,
    x: bool,
}

#[derive(Serialize, Deserialize)]
struct StoredNote {
    file: String,
    message: String,
}

impl Cache {
    /// The cache of the site at `site` (its folder in the repository, `/` separated,
    /// empty at the root) of the repository whose common git folder is `common_dir`,
    /// for a run with `keep`'s globs; empty when there is none that fits. Each site of
    /// a repository has its own file, so two sites never replace each other's entries.
    pub fn open(common_dir: &Path, site: &str, keep: &Keep) -> Cache {
        let header = Header { format: FORMAT, charter: charter_source(), ignore: keep.globs().to_vec() };
        let name = format!("history-v{FORMAT}-{:08x}.json", crc32fast::hash(site.as_bytes()));
        let path = common_dir.join("charter").join(name);
        let file: Option<CacheFile> = std::fs::read(&path).ok().and_then(|data| serde_json::from_slice(&data).ok());
        let entries = match file {
            Some(file) if file.header == header => {
                file.entries
                    .into_iter()
                    .filter_map(|(id, entry)| Some((ObjectId::from_hex(id.as_bytes()).ok()?, entry)))
            }
            .collect(),
            _ => HashMap::new(),
        };
        Cache { path, header, entries, changed: false }
    }

    /// Forgets the commits a run over the whole default range did not reach (amended,
    /// rebased away, on a deleted branch), so the cache stays the size of the history.
    pub fn keep_only(&mut self, steps: &[Step]) {
        let reached: std::collections::HashSet<ObjectId> = steps.iter().map(|s| s.id).collect();
        let before = self.entries.len();
        self.entries.retain(|id, _| reached.contains(id));
        self.changed |= self.entries.len() != before;
    }

    /// What `step`'s commit changed, if known from an earlier run with the same trees
    /// (and its fields located, when `locate` asks): `Some(None)` for a commit that
    /// changed no content file.
    pub fn get(&self, step: &Step, locate: Locate) -> Option<Option<Read>> {
        let entry = self.entries.get(&step.id)?;
        let (site, parents) = trees(step);
        if entry.site != site || entry.parents != parents || (locate == Locate::Fields && !entry.located) {
            return None;
        }
        Some(entry.read.as_ref().map(|read| read.to_read(&step.id)))
    }

    /// Records what `step`'s commit changed, its fields located or not.
    pub fn insert(&mut self, step: &Step, read: Option<&Read>, locate: Locate) {
        let (site, parents) = trees(step);
        let located = locate == Locate::Fields;
        self.entries.insert(step.id, Entry { site, parents, read: read.map(StoredRead::of), located });
        self.changed = true;
    }

    /// Writes the cache if this run changed it; any failure (a read-only git folder, a
    /// full disk) leaves the cache as it was, which the next run then extends.
    pub fn save(self) {
        if !self.changed {
            return;
        }
        let mut entries: Vec<(String, Entry)> = self.entries.into_iter().map(|(id, e)| (id.to_string(), e)).collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let Ok(data) = serde_json::to_vec(&CacheFile { header: self.header, entries }) else { return };
        let _ = write_atomically(&self.path, &data);
    }
}

/// Writes `data` to a temporary file beside `path`, then renames it over `path`: a
/// reader sees the old file or the new one, never part of one.
fn write_atomically(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let temp =
        folder.join(format!(".{}.{}.tmp", path.file_name().unwrap_or_default().to_string_lossy(), std::process::id()));
    let written = std::fs::write(&temp, data).and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    remove_stale_temps(folder);
    written
}

/// How old a temporary file must be to count as left behind: writing one takes well
/// under a second, so one this old belongs to a run that was killed before its rename.
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes the temporary files that killed runs left in the cache's folder.
fn remove_stale_temps(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name.starts_with(".history-") && name.ends_with(".tmp");
        let age = entry.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
        if ours && age.is_some_and(|age| age > STALE_TEMP) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// This charter: its version and its source's fingerprint (see build.rs).
fn charter_source() -> String {
    format!("{} {}", env!("CARGO_PKG_VERSION"), env!("CHARTER_SOURCE"))
}

/// A step's trees as stored.
fn trees(step: &Step) -> (Option<String>, Vec<Option<String>>) {
    let hex = |id: &Option<ObjectId>| id.map(|id| id.to_string());
    (hex(&step.site), step.parents.iter().map(hex).collect())
}

fn date(d: Date) -> (u16, u8, u8) {
    (d.year, d.month, d.day)
}

fn from_date((year, month, day): (u16, u8, u8)) -> Date {
    Date { year, month, day }
}

impl StoredRead {
    fn of(read: &Read) -> StoredRead {
        let c = &read.commit;
        let authors = c.authors.iter().map(|s| (s.name.clone(), s.email.clone())).collect();
        let commit = StoredCommit { authors, date: date(c.date), week: date(c.week), time: c.time };
        let items = read.items.as_ref().map(|(changes, notes)| {
            let notes = notes.iter().map(|n| StoredNote { file: n.file.clone(), message: n.message.clone() });
            (changes.iter().map(StoredChange::of).collect(), notes.collect())
        });
        StoredRead { commit, items, docs: read.docs.clone() }
    }

    fn to_read(&self, id: &ObjectId) -> Read {
        let c = &self.commit;
        let authors = c.authors.iter().map(|(name, email)| Signature { name: name.clone(), email: email.clone() });
        let commit = Commit {
            id: id.to_string(),
            authors: authors.collect(),
            date: from_date(c.date),
            week: from_date(c.week),
            time: c.time,
        };
        let commit = Arc::new(commit);
        let items = self.items.as_ref().map(|(changes, notes)| {
            let note =
                |n: &StoredNote| Note { commit: commit.clone(), file: n.file.clone(), message: n.message.clone() };
            (changes.iter().map(|c| c.to_change(&commit)).collect(), notes.iter().map(note).collect())
        });
        Read { commit, items, docs: self.docs.clone() }
    }
}

impl StoredChange {
    fn of(c: &ItemChange) -> StoredChange {
        StoredChange {
            k: c.kind,
            id: c.id.clone(),
            t: c.title.clone(),
            f: c.field,
            b: c.before.clone(),
            a: c.after.clone(),
            file: c.file.clone(),
            at: c.at.as_ref().map(|at| (at.line, at.column, at.width, at.line_text.clone())),
            ob: c.owner_before.clone(),
            oa: c.owner_after.clone(),
            i: c.initiative.clone(),
            x: c.internal,
        }
    }

    fn to_change(&self, commit: &Arc<Commit>) -> ItemChange {
        let at = self.at.clone().map(|(line, column, width, line_text)| Location { line, column, width, line_text });
        ItemChange {
            commit: commit.clone(),
            kind: self.k,
            id: self.id.clone(),
            title: self.t.clone(),
            field: self.f,
            before: self.b.clone(),
            after: self.a.clone(),
            file: self.file.clone(),
            at,
            owner_before: self.ob.clone(),
            owner_after: self.oa.clone(),
            initiative: self.i.clone(),
            internal: self.x,
        }
    }
}
