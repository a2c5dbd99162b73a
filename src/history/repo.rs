//! The git side of history, with gix: find the repository holding the site, walk the
//! commits of a range, and list the content files each commit changed, with both texts.
//!
//! Trees are compared by object id from the site folder down, so a commit that does not
//! touch the site costs two tree look-ups, and unchanged folders are never entered.

use super::authors::{Signature, co_authors};
use super::{Commit, FileChange, HistoryError, Range};
use crate::config::CONFIG_FILE;
use crate::model::Date;
use gix::ObjectId;
use gix::objs::tree::EntryRef;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::Path;

/// The folders of a site whose files are items with history.
const SECTIONS: [&str; 2] = ["roadmap", "backlog"];

/// The repository that holds the site, and where the site sits in it.
pub struct SiteRepo {
    repo: gix::Repository,
    /// The site folder's path components inside the repository (empty: the root).
    prefix: Vec<String>,
    /// Where the site was in older commits, when a commit renamed its folder.
    moved: HashMap<ObjectId, Vec<String>>,
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

/// What one commit changed in the site: against its first parent, and against each
/// other parent of a merge.
pub struct CommitChanges {
    pub commit: Commit,
    pub first: Vec<FileChange>,
    pub others: Vec<Vec<FileChange>>,
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
fn node(entry: &EntryRef<'_>) -> Option<Node> {
    if entry.mode.is_tree() {
        Some(Node::Tree(entry.oid.to_owned()))
    } else if entry.mode.is_blob() {
        Some(Node::File(entry.oid.to_owned()))
    } else {
        None
    }
}

/// The entries of a tree (none for an absent one), borrowed from its data.
fn decoded<'a>(tree: Option<&'a gix::Tree<'_>>) -> Result<Vec<EntryRef<'a>>, HistoryError> {
    Ok(match tree {
        Some(tree) => tree.decode()?.entries,
        None => vec![],
    })
}

/// Git's order of tree entries: a folder sorts as if its name ended in `/`.
fn git_order(a: &EntryRef<'_>, b: &EntryRef<'_>) -> Ordering {
    // The common case, the same name on both sides, without walking the bytes twice.
    if a.filename == b.filename && a.mode.is_tree() == b.mode.is_tree() {
        return Ordering::Equal;
    }
    fn key<'e>(e: &EntryRef<'e>) -> impl Iterator<Item = u8> + 'e {
        e.filename.iter().copied().chain(e.mode.is_tree().then_some(b'/'))
    }
    key(a).cmp(key(b))
}

impl SiteRepo {
    /// Opens the repository that contains `site` (a folder inside its work tree).
    pub fn open(site: &Path) -> Result<SiteRepo, HistoryError> {
        let not_repo = || HistoryError::NotARepository { site: site.to_path_buf() };
        let site_abs = site.canonicalize().map_err(|_| not_repo())?;
        let mut repo = gix::discover(&site_abs).map_err(|_| not_repo())?;
        let workdir = repo.workdir().and_then(|w| w.canonicalize().ok()).ok_or_else(not_repo)?;
        let inside = site_abs.strip_prefix(&workdir).map_err(|_| not_repo())?;
        let prefix = inside.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let shallow = repo.shallow_commits()?.map(|c| c.iter().copied().collect()).unwrap_or_default();
        repo.object_cache_size_if_unset(16 * 1024 * 1024);
        Ok(SiteRepo { repo, prefix, moved: HashMap::new(), shallow })
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

    /// What `id` changed in the site's roadmap and backlog; `None` when nothing, and for
    /// a shallow boundary commit, whose parents (and so its changes) are unknown.
    pub fn commit_changes(
        &mut self,
        id: &ObjectId,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<Option<CommitChanges>, HistoryError> {
        if self.is_boundary(id) {
            return Ok(None);
        }
        let (tree, parent_ids) = {
            let commit = self.repo.find_commit(*id)?;
            (commit.tree_id()?.detach(), commit.parent_ids().map(|p| p.detach()).collect::<Vec<_>>())
        };
        let prefix = self.moved.get(id).cloned().unwrap_or_else(|| self.prefix.clone());
        let site = self.site_tree(tree, &prefix)?;
        let mut parents = vec![];
        for parent in parent_ids {
            parents.push(self.parent_site_tree(parent, &prefix, site)?);
        }
        let first = self.diff_sections(parents.first().copied().flatten(), site, keep)?;
        if first.is_empty() {
            return Ok(None);
        }
        let others = parents.iter().skip(1).map(|p| self.diff_sections(*p, site, keep)).collect::<Result<_, _>>()?;
        Ok(Some(CommitChanges { commit: describe(&self.repo.find_commit(*id)?)?, first, others }))
    }

    /// The site's tree in a parent commit. When the parent lacks the site's folder, the
    /// folder was renamed (or the site created): the folder holding the same tree, else
    /// the one holding a charter.yaml, is the site there and in that parent's ancestors.
    fn parent_site_tree(
        &mut self,
        parent: ObjectId,
        prefix: &[String],
        site: Option<ObjectId>,
    ) -> Result<Option<ObjectId>, HistoryError> {
        let root = self.repo.find_commit(parent)?.tree_id()?.detach();
        let found = self.site_tree(root, prefix)?;
        if found.is_some() || site.is_none() {
            return Ok(found);
        }
        let Some((old_prefix, tree)) = self.find_site(root, site)? else { return Ok(None) };
        self.moved.insert(parent, old_prefix);
        Ok(Some(tree))
    }

    /// A folder (up to three levels down) that is the site: the tree `same` if present,
    /// else the first folder holding a charter.yaml, in name order.
    fn find_site(
        &self,
        root: ObjectId,
        same: Option<ObjectId>,
    ) -> Result<Option<(Vec<String>, ObjectId)>, HistoryError> {
        let mut level = vec![(Vec::new(), root)];
        let mut with_config = None;
        for _ in 0..3 {
            let mut next = vec![];
            for (path, tree) in level {
                for (name, node) in self.entries(tree)? {
                    let Node::Tree(child) = node else { continue };
                    let mut child_path = path.clone();
                    child_path.push(name);
                    if Some(child) == same {
                        return Ok(Some((child_path, child)));
                    }
                    let has_config = |entries: Vec<(String, Node)>| entries.iter().any(|(n, _)| n == CONFIG_FILE);
                    if with_config.is_none() && has_config(self.entries(child)?) {
                        with_config = Some((child_path.clone(), child));
                    }
                    next.push((child_path, child));
                }
            }
            level = next;
        }
        Ok(with_config)
    }

    /// The site folder's tree in a commit's tree, if the site existed then.
    fn site_tree(&self, root: ObjectId, prefix: &[String]) -> Result<Option<ObjectId>, HistoryError> {
        let mut tree = Some(root);
        for name in prefix {
            tree = match tree {
                Some(id) => self.child_tree(id, name)?,
                None => return Ok(None),
            };
        }
        Ok(tree)
    }

    fn child_tree(&self, tree: ObjectId, name: &str) -> Result<Option<ObjectId>, HistoryError> {
        let tree = self.repo.find_tree(tree)?;
        Ok(tree.find_entry(name).filter(|e| e.mode().is_tree()).map(|e| e.oid().to_owned()))
    }

    fn diff_sections(
        &self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<FileChange>, HistoryError> {
        let mut out = vec![];
        if old == new {
            return Ok(out);
        }
        for section in SECTIONS {
            let old = old.map(|t| self.child_tree(t, section)).transpose()?.flatten();
            let new = new.map(|t| self.child_tree(t, section)).transpose()?.flatten();
            self.diff_tree(old, new, section, keep, &mut out)?;
        }
        Ok(out)
    }

    /// Every Markdown file that differs between two trees, recursively; folders are
    /// walked, never reported. Both entry lists are in git's order, so one merge pass
    /// finds the differences without copying the names of a large folder.
    fn diff_tree(
        &self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        path: &str,
        keep: &dyn Fn(&str) -> bool,
        out: &mut Vec<FileChange>,
    ) -> Result<(), HistoryError> {
        if old == new {
            return Ok(());
        }
        let (old, new) = (self.tree(old)?, self.tree(new)?);
        let (a, b) = (decoded(old.as_ref())?, decoded(new.as_ref())?);
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let order = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) => git_order(x, y),
                (Some(_), None) => Ordering::Less,
                _ => Ordering::Greater,
            };
            let (x, y) = match order {
                Ordering::Less => (a.get(i), None),
                Ordering::Greater => (None, b.get(j)),
                Ordering::Equal => (a.get(i), b.get(j)),
            };
            i += usize::from(order != Ordering::Greater);
            j += usize::from(order != Ordering::Less);
            if x.map(|e| e.oid) != y.map(|e| e.oid) {
                let name = x.or(y).map(|e| e.filename.to_string()).unwrap_or_default();
                self.visit((x.and_then(node), y.and_then(node)), &format!("{path}/{name}"), keep, out)?;
            }
        }
        Ok(())
    }

    /// One entry that differs: a folder is walked, a Markdown file is reported.
    fn visit(
        &self,
        (x, y): (Option<Node>, Option<Node>),
        child: &str,
        keep: &dyn Fn(&str) -> bool,
        out: &mut Vec<FileChange>,
    ) -> Result<(), HistoryError> {
        if crate::load::is_ignored_name(child.rsplit('/').next().unwrap_or(child)) {
            return Ok(());
        }
        self.diff_tree(x.and_then(Node::tree), y.and_then(Node::tree), child, keep, out)?;
        let (fx, fy) = (x.and_then(Node::file), y.and_then(Node::file));
        if fx != fy && child.ends_with(".md") && keep(child) {
            out.push(FileChange { rel: child.to_owned(), before: self.text(fx)?, after: self.text(fy)? });
        }
        Ok(())
    }

    fn tree(&self, id: Option<ObjectId>) -> Result<Option<gix::Tree<'_>>, HistoryError> {
        Ok(match id {
            Some(id) => Some(self.repo.find_tree(id)?),
            None => None,
        })
    }

    /// A small tree's folders and regular files by name (symbolic links and submodules
    /// are not site content).
    fn entries(&self, tree: ObjectId) -> Result<Vec<(String, Node)>, HistoryError> {
        let tree = self.repo.find_tree(tree)?;
        let decoded = tree.decode()?;
        Ok(decoded.entries.iter().filter_map(|e| Some((e.filename.to_string(), node(e)?))).collect())
    }

    fn text(&self, blob: Option<ObjectId>) -> Result<Option<String>, HistoryError> {
        let Some(id) = blob else { return Ok(None) };
        Ok(Some(String::from_utf8_lossy(&self.repo.find_blob(id)?.data).into_owned()))
    }
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
