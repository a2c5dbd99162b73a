//! The git side of history, with gix: find the repository holding the site, walk the
//! commits of a range, and list the content files each commit changed, with both texts.
//!
//! Trees are compared by object id from the site folder down, so a commit that does not
//! touch the site costs two tree look-ups, and unchanged folders are never entered; in
//! a changed folder, runs of identical entries are skipped by comparing bytes.

use super::authors::{Signature, co_authors};
use super::pack::{Objects, Packs};
use super::rope::Rope;
use super::{Commit, HistoryError, Range, tree};
use crate::config::CONFIG_FILE;
use crate::model::Date;
use gix::ObjectId;
use gix::index::entry::Mode;
use gix::object::Kind;
use gix::objs::FindExt;
use gix::objs::tree::EntryMode;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

/// Bytes of decoded commits and small trees kept while finding the site in each commit.
const STEPS_CACHE: usize = 4 << 20;

/// The folders of a site whose files are items with history.
pub const ITEMS: &[&str] = &["roadmap", "backlog"];
/// The folder of the docs pages, whose history is when each last changed.
pub const DOCS: &[&str] = &["docs"];

/// The repository that holds the site, and where the site sits in it.
pub struct SiteRepo {
    repo: gix::Repository,
    /// The site folder's path components inside the repository (empty: the root).
    prefix: Vec<String>,
    /// Commits whose parents a shallow clone lacks, sorted.
    shallow: Vec<ObjectId>,
}

/// The commits of a range, newest first.
#[derive(Debug, Default)]
pub struct Walked {
    pub commits: Vec<ObjectId>,
    /// The short hash of a shallow boundary commit that the walk reached.
    pub boundary: Option<String>,
}

/// A tree entry: a sub-folder or a regular file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Node {
    Tree(ObjectId),
    File(ObjectId),
}

impl Node {
    fn tree(self) -> Option<ObjectId> {
        if let Node::Tree(id) = self { Some(id) } else { None }
    }

    fn file(self) -> Option<ObjectId> {
        if let Node::File(id) = self { Some(id) } else { None }
    }
}

/// A folder or a regular file; `None` for symbolic links and submodules.
fn node(mode: EntryMode, oid: ObjectId) -> Option<Node> {
    if mode.is_tree() {
        Some(Node::Tree(oid))
    } else if mode.is_blob() {
        Some(Node::File(oid))
    } else {
        None
    }
}

impl SiteRepo {
    /// Opens the repository that contains `site` (a folder inside its work tree).
    pub fn open(site: &Path) -> Result<SiteRepo, HistoryError> {
        let not_repo = || HistoryError::NotARepository { site: site.to_path_buf() };
        let tree = crate::load::work_tree(site).ok_or_else(not_repo)?;
        let mut repo = gix::open(&tree.root).map_err(|_| not_repo())?;
        // The walk, then `steps`, read each commit and its root tree more than once
        // (as a commit and as the next one's parent): small objects, kept decoded.
        repo.object_cache_size(STEPS_CACHE);
        let prefix = tree.site;
        let shallow = repo.shallow_commits()?.map(|c| c.iter().copied().collect()).unwrap_or_default();
        Ok(SiteRepo { repo, prefix, shallow })
    }

    /// The commits reachable from `until` (default HEAD) and not from `since`.
    pub fn walk(&self, range: &Range) -> Result<Walked, HistoryError> {
        let tip = match &range.until {
            Some(rev) => self.resolve(rev)?,
            None => match self.repo.head_id() {
                Ok(id) => id.detach(),
                Err(_) => return Ok(Walked::default()),
            },
        };
        let hidden: Vec<ObjectId> = range.since.iter().map(|rev| self.resolve(rev)).collect::<Result<_, _>>()?;
        let order =
            gix::revision::walk::Sorting::ByCommitTime(gix::traverse::commit::simple::CommitTimeOrder::NewestFirst);
        let mut walked = Walked::default();
        for info in self.repo.rev_walk([tip]).with_hidden(hidden).sorting(order).all()? {
            let id = info?.id;
            if self.is_boundary(&id) {
                if let Some(since) = &range.since {
                    return Err(HistoryError::Shallow { since: since.clone() });
                }
                walked.boundary = Some(id.to_hex_with_len(7).to_string());
            }
            walked.commits.push(id);
        }
        Ok(walked)
    }

    /// The site's folder in the repository, `/` separated (empty at the root).
    pub fn site_path(&self) -> String {
        self.prefix.join("/")
    }

    /// The repository's own folder (HEAD) and its common folder (refs).
    pub fn dirs(&self) -> (std::path::PathBuf, std::path::PathBuf) {
        (self.repo.git_dir().to_path_buf(), self.repo.common_dir().to_path_buf())
    }

    /// The commit HEAD names (hex), if any.
    pub fn head(&self) -> Option<String> {
        self.repo.head_id().ok().map(|id| id.to_string())
    }

    /// A revision as a commit id; in a shallow clone an unknown one means missing history.
    fn resolve(&self, rev: &str) -> Result<ObjectId, HistoryError> {
        let commit = self.repo.rev_parse_single(rev).ok().and_then(|id| id.object().ok()?.peel_to_commit().ok());
        match commit {
            Some(commit) => Ok(commit.id),
            None if !self.shallow.is_empty() => Err(HistoryError::Shallow { since: rev.to_owned() }),
            None => Err(HistoryError::UnknownRevision { rev: rev.to_owned() }),
        }
    }

    fn is_boundary(&self, id: &ObjectId) -> bool {
        self.shallow.binary_search(id).is_ok()
    }

    /// The site's tree in each commit (newest first) and in its parents. A shallow
    /// boundary commit has no step: its parents, and so its changes, are unknown.
    /// Sequential and cheap (a few small trees per commit), so that comparing the
    /// steps, the costly part, can run in parallel.
    pub fn steps(&self, commits: &[ObjectId]) -> Result<Vec<Step>, HistoryError> {
        // Where the site is in each commit still to come, when not `self.prefix`: set
        // while walking down from a commit that renamed the site's folder.
        let mut moved: HashMap<ObjectId, Vec<String>> = HashMap::new();
        let mut steps = Vec::with_capacity(commits.len());
        for id in commits.iter().filter(|id| !self.is_boundary(id)) {
            let prefix = moved.remove(id).unwrap_or_else(|| self.prefix.clone());
            let commit = self.repo.find_commit(*id)?;
            let root = commit.tree_id()?.detach();
            let site = self.site_tree(root, &prefix)?;
            let mut parents = vec![];
            for parent in commit.parent_ids().map(|p| p.detach()) {
                let (tree, parent_prefix) = self.parent_site_tree(parent, &prefix, (root, site))?;
                if parent_prefix != self.prefix {
                    moved.entry(parent).or_insert(parent_prefix);
                }
                parents.push(tree);
            }
            steps.push(Step { id: *id, site, parents });
        }
        Ok(steps)
    }

    /// The site's tree in a parent commit, and where the site is there. When the parent
    /// lacks the site's folder, the folder was renamed (or the site created): the folder
    /// holding the same tree, else one holding a charter.yaml that the commit (`child`:
    /// its root tree and the site's tree in it) moved away, is the site there.
    fn parent_site_tree(
        &self,
        parent: ObjectId,
        prefix: &[String],
        (child_root, site): (ObjectId, Option<ObjectId>),
    ) -> Result<(Option<ObjectId>, Vec<String>), HistoryError> {
        let root = self.repo.find_commit(parent)?.tree_id()?.detach();
        let found = self.site_tree(root, prefix)?;
        if found.is_some() || site.is_none() {
            return Ok((found, prefix.to_vec()));
        }
        Ok(match self.find_site(root, site, child_root)? {
            Some((old_prefix, tree)) => (Some(tree), old_prefix),
            None => (None, prefix.to_vec()),
        })
    }

    /// A folder (up to three levels down) that is the site: the tree `same` if present,
    /// else the first folder holding a charter.yaml, in name order, that holds none in
    /// `child_root` (a site still there is another site, not this one's old place).
    fn find_site(
        &self,
        root: ObjectId,
        same: Option<ObjectId>,
        child_root: ObjectId,
    ) -> Result<Option<(Vec<String>, ObjectId)>, HistoryError> {
        let mut level = vec![(Vec::new(), root)];
        let mut with_config = None;
        for _ in 0..3 {
            let mut next = vec![];
            for (path, tree) in level {
                for (name, node) in entries(&self.repo, tree)? {
                    let Node::Tree(child) = node else { continue };
                    let mut child_path = path.clone();
                    child_path.push(name);
                    if Some(child) == same {
                        return Ok(Some((child_path, child)));
                    }
                    let has_config = |entries: Vec<(String, Node)>| entries.iter().any(|(n, _)| n == CONFIG_FILE);
                    if with_config.is_none()
                        && has_config(entries(&self.repo, child)?)
                        && !self.is_site_in(child_root, &child_path)?
                    {
                        with_config = Some((child_path.clone(), child));
                    }
                    next.push((child_path, child));
                }
            }
            level = next;
        }
        Ok(with_config)
    }

    /// Whether the folder at `path` in the tree `root` holds a charter.yaml.
    fn is_site_in(&self, root: ObjectId, path: &[String]) -> Result<bool, HistoryError> {
        let Some(tree) = self.site_tree(root, path)? else { return Ok(false) };
        Ok(entries(&self.repo, tree)?.iter().any(|(name, _)| name == CONFIG_FILE))
    }

    /// The site folder's tree in a commit's tree, if the site existed then.
    fn site_tree(&self, root: ObjectId, prefix: &[String]) -> Result<Option<ObjectId>, HistoryError> {
        let mut tree = Some(root);
        for name in prefix {
            tree = match tree {
                Some(id) => child_tree(&self.repo, id, name)?,
                None => return Ok(None),
            };
        }
        Ok(tree)
    }

    /// The repository's packs, for the threads that read trees from them.
    pub fn packs(&self) -> Packs {
        Packs::open(&self.repo)
    }

    /// Where the site's files are in the work tree.
    pub fn work(&self) -> WorkFiles {
        WorkFiles { worktree: self.repo.workdir().is_some(), prefix: self.prefix.clone() }
    }

    /// A handle for one thread that compares steps: the repository can be shared
    /// between threads, each with its own handle and caches.
    pub fn shared(&self) -> gix::ThreadSafeRepository {
        // Without the object cache: the comparing threads keep their own trees (see
        // [`Reader`]), which a cache would copy in and out on every look-up.
        let mut repo = self.repo.clone();
        repo.object_cache_size(0);
        repo.into_sync()
    }
}

/// Where the site's files are in the work tree, to ask git's index which blob each holds.
pub struct WorkFiles {
    /// Whether the repository has a work tree (not bare).
    worktree: bool,
    /// The site folder's path components inside the repository.
    prefix: Vec<String>,
}

impl WorkFiles {
    /// The blob git's index records for each file (site path) that has one: the version
    /// the work tree most likely holds, which `check` then parses, so history need not
    /// read and parse it from git. Only a guess, cheap to make (no file is looked at):
    /// `check` hashes the bytes it reads ([`crate::source::Source::blob`]), and a version
    /// the work tree turns out not to hold is read from git after all.
    pub fn indexed<'a>(&self, shared: &gix::ThreadSafeRepository, rels: impl Iterator<Item = &'a str>) -> Indexed {
        let rels: Vec<&str> = rels.collect();
        if rels.is_empty() || !self.worktree {
            // Every commit came from history's cache, or there is no work tree.
            return Indexed::default();
        }
        let repo = shared.to_thread_local();
        let Ok(Some(index)) = repo.try_index() else { return Indexed::default() };
        let prefix: String = self.prefix.iter().map(|p| format!("{p}/")).collect();
        let blob = |rel: &&str| {
            let entry = index.entry_by_path(format!("{prefix}{rel}").as_str().into())?;
            (entry.mode == Mode::FILE || entry.mode == Mode::FILE_EXECUTABLE).then(|| (rel.to_string(), entry.id))
        };
        Indexed { files: rels.iter().filter_map(blob).collect() }
    }
}

/// The blob git's index records for each work tree file history asked about.
#[derive(Default)]
pub struct Indexed {
    files: HashMap<String, ObjectId>,
}

impl Indexed {
    /// Whether the index records the blob `id` at `rel`.
    pub fn holds(&self, rel: &str, id: ObjectId) -> bool {
        self.files.get(rel) == Some(&id)
    }
}

/// One commit to compare: the site's tree in it and in each of its parents (`None`
/// where the site did not exist).
#[derive(Debug, Clone)]
pub struct Step {
    pub id: ObjectId,
    pub site: Option<ObjectId>,
    pub parents: Vec<Option<ObjectId>>,
}

/// A content file that differs between two trees, by blob id on each side.
#[derive(Debug, Clone)]
pub struct FileDiff {
    /// Path relative to the site, `/` separated.
    pub rel: String,
    pub before: Option<ObjectId>,
    pub after: Option<ObjectId>,
}

/// One thread's reader of trees, blobs and commits.
pub struct Reader<'p> {
    repo: gix::Repository,
    /// The versions of trees and files decoded lately. A commit's parent tree is, in a
    /// straight history, the next commit's own tree, and a pack stores it as a delta
    /// against a version just read: each version of a large folder (a backlog of
    /// thousands of files) is decoded once, against the one before, and held here
    /// instead of going through gix's object cache, which copies the whole tree in and
    /// out on every look-up. So are a file's versions.
    objects: RefCell<Objects<'p>>,
    /// The entry starts of the trees compared lately as the older side, by id: in a
    /// straight history the next commit read has that tree as its own, the newer side
    /// of its comparison, whose starts a walk needs (`tree::Walk`).
    starts: RefCell<HashMap<ObjectId, tree::Starts>>,
}

/// How many trees' entry starts a reader keeps: those of the last commit's folders,
/// and of merges' other parents, which no next commit may ask for.
const KEPT_STARTS: usize = 64;

impl<'p> Reader<'p> {
    pub fn new(shared: &gix::ThreadSafeRepository, packs: &'p Packs) -> Reader<'p> {
        Reader {
            repo: shared.to_thread_local(),
            objects: RefCell::new(Objects::new(packs)),
            starts: RefCell::default(),
        }
    }

    /// The Markdown files of the `sections` folders that differ between two versions
    /// of the site's tree, in path order.
    pub fn diff(
        &self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        sections: &[&str],
        keep: &Keep,
    ) -> Result<Vec<FileDiff>, HistoryError> {
        let mut out = vec![];
        if old == new {
            return Ok(out);
        }
        for section in sections {
            let old = old.map(|t| self.child_tree(t, section)).transpose()?.flatten();
            let new = new.map(|t| self.child_tree(t, section)).transpose()?.flatten();
            self.diff_tree(old, new, section, keep, &mut out)?;
        }
        Ok(out)
    }

    /// Every Markdown file that differs between two trees, recursively; folders are
    /// walked, never reported, and entered only when their ids differ. Both entry lists
    /// are in git's order, so one merge pass over the raw trees finds the differences
    /// (the `tree` module), without decoding the entries both hold.
    fn diff_tree(
        &self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        path: &str,
        keep: &Keep,
        out: &mut Vec<FileDiff>,
    ) -> Result<(), HistoryError> {
        if old == new {
            return Ok(());
        }
        let (old_data, new_data) = (self.tree(old)?.unwrap_or_default(), self.tree(new)?.unwrap_or_default());
        let hash = self.repo.object_hash();
        let known = new.and_then(|id| self.starts.borrow_mut().remove(&id));
        let new_starts = known.unwrap_or_else(|| tree::starts(&new_data.bytes(), hash));
        let mut walk = tree::Walk::new(&old_data, &new_data, &new_starts, hash);
        while let Some((left, right)) = walk.next_pair()? {
            let name = left
                .as_ref()
                .or(right.as_ref())
                .map(|e| String::from_utf8_lossy(&e.name).into_owned())
                .unwrap_or_default();
            self.visit(
                (left.as_ref().and_then(|e| node(e.mode, e.oid)), right.as_ref().and_then(|e| node(e.mode, e.oid))),
                &format!("{path}/{name}"),
                keep,
                out,
            )?;
        }
        if let Some(old) = old {
            let mut starts = self.starts.borrow_mut();
            if starts.len() >= KEPT_STARTS {
                starts.clear();
            }
            starts.insert(old, walk.old_starts());
        }
        Ok(())
    }

    /// One entry that differs: a folder is walked, a Markdown file is reported.
    fn visit(
        &self,
        (x, y): (Option<Node>, Option<Node>),
        child: &str,
        keep: &Keep,
        out: &mut Vec<FileDiff>,
    ) -> Result<(), HistoryError> {
        if crate::load::is_ignored_name(child.rsplit('/').next().unwrap_or(child)) {
            return Ok(());
        }
        self.diff_tree(x.and_then(Node::tree), y.and_then(Node::tree), child, keep, out)?;
        let (fx, fy) = (x.and_then(Node::file), y.and_then(Node::file));
        if fx != fy && child.ends_with(".md") && keep.keeps(child) {
            out.push(FileDiff { rel: child.to_owned(), before: fx, after: fy });
        }
        Ok(())
    }

    /// A tree's raw data, from the packs or, for a tree they do not hold in a form
    /// read here, through gix.
    fn tree(&self, id: Option<ObjectId>) -> Result<Option<Rope>, HistoryError> {
        let Some(id) = id else { return Ok(None) };
        let mut objects = self.objects.borrow_mut();
        if let Some(data) = objects.get(&id, Kind::Tree)? {
            return Ok(Some(data));
        }
        // Never stored: a commit of nothing names it without the object existing.
        if id == ObjectId::empty_tree(id.kind()) {
            return Ok(Some(Rope::default()));
        }
        let mut buf = vec![];
        let kind = self.repo.objects.find(&id, &mut buf).map_err(|err| HistoryError::Git(err.to_string()))?.kind;
        if kind != Kind::Tree {
            return Err(HistoryError::Git(format!("object {id} is a {kind}, not a tree")));
        }
        let data = Rc::new(buf);
        objects.hold(id, Kind::Tree, data.clone());
        Ok(Some(Rope::whole(data)))
    }

    /// The sub-folder `name` of a tree, if it has one.
    fn child_tree(&self, tree: ObjectId, name: &str) -> Result<Option<ObjectId>, HistoryError> {
        let data = self.tree(Some(tree))?.unwrap_or_default();
        for entry in gix::objs::TreeRefIter::from_bytes(&data.bytes(), self.repo.object_hash()) {
            let entry = entry.map_err(|err| HistoryError::Git(err.to_string()))?;
            if entry.filename == name.as_bytes() && entry.mode.is_tree() {
                return Ok(Some(entry.oid.to_owned()));
            }
        }
        Ok(None)
    }

    /// A file's text (invalid UTF-8 replaced, as the parser would see it).
    pub fn text(&self, blob: ObjectId) -> Result<String, HistoryError> {
        if let Some(data) = self.objects.borrow_mut().get(&blob, Kind::Blob)? {
            return Ok(String::from_utf8_lossy(&data.bytes()).into_owned());
        }
        Ok(String::from_utf8_lossy(&self.repo.find_blob(blob)?.data).into_owned())
    }

    /// A commit as plain data.
    pub fn describe(&self, id: ObjectId) -> Result<Commit, HistoryError> {
        describe(&self.repo.find_commit(id)?)
    }
}

/// Which content files (site paths) count: `ignore:` globs apply to history too.
pub struct Keep {
    ignore: globset::GlobSet,
    /// The globs as written: what history's cache is valid for.
    globs: Vec<String>,
}

impl Keep {
    pub fn of(config: &crate::config::Config) -> Keep {
        Keep { ignore: crate::load::ignore_set(config), globs: config.ignore.clone() }
    }

    pub fn keeps(&self, rel: &str) -> bool {
        !self.ignore.is_match(rel)
    }

    pub fn globs(&self) -> &[String] {
        &self.globs
    }
}

fn child_tree(repo: &gix::Repository, tree: ObjectId, name: &str) -> Result<Option<ObjectId>, HistoryError> {
    let tree = repo.find_tree(tree)?;
    Ok(tree.find_entry(name).filter(|e| e.mode().is_tree()).map(|e| e.oid().to_owned()))
}

/// A small tree's folders and regular files by name (symbolic links and submodules
/// are not site content).
fn entries(repo: &gix::Repository, tree: ObjectId) -> Result<Vec<(String, Node)>, HistoryError> {
    let tree = repo.find_tree(tree)?;
    let decoded = tree.decode()?;
    Ok(decoded.entries.iter().filter_map(|e| Some((e.filename.to_string(), node(e.mode, e.oid.to_owned())?))).collect())
}

/// A commit as plain data: hash, author and co-authors, date.
fn describe(commit: &gix::Commit<'_>) -> Result<Commit, HistoryError> {
    let author = commit.author()?.trim();
    let time = author.time()?;
    let day = |t: gix::date::Time| {
        Date::parse(&t.format_or_unix(gix::date::time::format::SHORT))
            .ok_or_else(|| HistoryError::Git(format!("commit {}: unreadable author date", commit.id)))
    };
    let date = day(time)?;
    // Days since the epoch in the author's zone; 1970-01-01 was a Thursday.
    let local_days = (time.seconds + i64::from(time.offset)).div_euclid(86_400);
    let monday = (local_days - (local_days + 3).rem_euclid(7)) * 86_400 - i64::from(time.offset);
    let week = day(gix::date::Time { seconds: monday, offset: time.offset })?;
    let mut authors = vec![Signature { name: author.name.to_string(), email: author.email.to_string() }];
    authors.extend(co_authors(&commit.message_raw_sloppy().to_string()));
    authors.dedup();
    Ok(Commit { id: commit.id.to_string(), authors, date, week, time: time.seconds })
}
