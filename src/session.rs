//! The incremental pipeline behind `serve`, `build --watch` and `lsp`: the same stages
//! as a build, but parsed files are kept by path, so a change re-reads only what changed.
//! The language server layers unsaved editor buffers over the files on disk.

use crate::config::{CONFIG_FILE, Config};
use crate::diag::{self, Counts, Diagnostic};
use crate::error::Error;
use crate::history::{self, History};
use crate::load::{self, Entry, Inventory, Section};
use crate::model::{Audience, Date, HistoryConfig, Site};
use crate::parse::{self, ParsedFile};
use crate::pipeline;
use crate::render::{self, Affected, Options, Output};
use crate::source::Source;
use crate::theme::Theme;
use crate::validate::Findings;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What `build` (and `serve`) were asked for.
#[derive(Debug, Clone)]
pub struct BuildArgs {
    pub site: PathBuf,
    pub out: PathBuf,
    /// `--audience`, overriding charter.yaml's.
    pub audience: Option<Audience>,
    pub base_url: Option<String>,
    pub deny_warnings: bool,
}

impl BuildArgs {
    /// The per-build choices: command line first, then charter.yaml (base URLs always end in `/`).
    pub fn options(&self, config: &Config) -> Options {
        let base_url = match &self.base_url {
            Some(u) if !u.ends_with('/') => format!("{u}/"),
            Some(u) => u.clone(),
            None => config.base_url.clone(),
        };
        Options {
            audience: self.audience.unwrap_or(config.audience),
            base_url,
            today: crate::dates::today(),
            history: None,
        }
    }
}

/// The output folder: `--out`, else SITE/public (the language server skips it too).
pub fn out_dir(site: &Path, out: Option<PathBuf>) -> PathBuf {
    out.unwrap_or_else(|| site.join("public"))
}

/// What changed since the last build, as the watcher saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// Anything may have changed: config, templates, themes, folders.
    All,
    /// Only these content (Markdown) files changed, appeared or disappeared.
    Content(BTreeSet<PathBuf>),
    /// Only static files changed.
    Static,
    /// HEAD or a branch may have moved (a commit, checkout or pull): history is read
    /// again if HEAD names another commit.
    Head,
}

/// How a path of the site matters to a rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Not part of the site (output folder, dot-files, editor leftovers, other folders).
    Ignored,
    Content,
    Static,
    /// charter.yaml, templates/, themes/ or a folder event: rebuild everything.
    Everything,
}

/// Sorts one changed path into its kind. `out` is the output folder to ignore.
pub fn classify(root: &Path, out: &Path, path: &Path) -> Kind {
    let Ok(rel) = path.strip_prefix(root) else { return Kind::Ignored };
    if path.starts_with(out) {
        return Kind::Ignored;
    }
    let names: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if names.iter().any(|n| load::is_ignored_name(n)) {
        return Kind::Ignored;
    }
    match names.first().map(String::as_str) {
        Some(CONFIG_FILE) if names.len() == 1 => Kind::Everything,
        Some("templates" | "themes") => Kind::Everything,
        Some("static") => Kind::Static,
        Some("roadmap" | "backlog" | "docs") if names.len() == 1 => Kind::Everything,
        Some("roadmap" | "backlog" | "docs") if rel.extension().is_some_and(|e| e == "md") && !path.is_dir() => {
            Kind::Content
        }
        Some("roadmap" | "backlog" | "docs") => Kind::Everything,
        _ => Kind::Ignored,
    }
}

/// Merges the kinds of a burst of changed paths into one rebuild.
pub fn changes(root: &Path, out: &Path, paths: impl IntoIterator<Item = PathBuf>) -> Option<Changes> {
    let mut content = BTreeSet::new();
    let mut statics = false;
    for path in paths {
        match classify(root, out, &path) {
            Kind::Ignored => {}
            Kind::Everything => return Some(Changes::All),
            Kind::Static => statics = true,
            Kind::Content => {
                content.insert(path);
            }
        }
    }
    match (content.is_empty(), statics) {
        (true, false) => None,
        (true, true) => Some(Changes::Static),
        (false, false) => Some(Changes::Content(content)),
        (false, true) => Some(Changes::All),
    }
}

/// A burst's changes when HEAD may also have moved: a commit alone re-reads history
/// only; with edits too (a checkout, a pull), everything is read again.
pub fn with_head_moved(changes: Option<Changes>) -> Changes {
    match changes {
        None | Some(Changes::Head) => Changes::Head,
        Some(_) => Changes::All,
    }
}

/// The outcome of one rebuild.
pub enum Outcome {
    /// A good site, with its warnings.
    Built(Arc<Output>, Vec<Diagnostic>),
    /// Errors: the previous site stays.
    Failed(Vec<Diagnostic>),
}

/// The last good build, kept to re-render only what an edit affects.
struct Previous {
    site: Arc<Site>,
    output: Arc<Output>,
    audience: Audience,
    base_url: String,
    today: Date,
}

/// A site kept in memory between rebuilds.
pub struct Session {
    args: BuildArgs,
    config: Option<(Config, Vec<Diagnostic>)>,
    inventory: Inventory,
    parsed: BTreeMap<String, (Entry, ParsedFile)>,
    theme: Option<Theme>,
    previous: Option<Previous>,
    /// Files edited since the last good build; `None` when a full render is due
    /// (edits that failed to build are remembered until a build succeeds).
    dirty: Option<BTreeSet<String>>,
    /// Unsaved editor buffers by absolute path, read instead of the files on disk (lsp).
    buffers: BTreeMap<PathBuf, String>,
    /// The history and what it was read for: read again only when HEAD moves (or
    /// `history:` / `ignore:` change), never for an edit.
    history: Option<(HistoryKey, Option<Arc<History>>)>,
    /// Whether HEAD may have moved since the history was read (checked on the next
    /// build; an edit alone never asks git).
    head_may_move: bool,
    /// The model and findings of the last check, the base of the next one.
    checked: Option<(Arc<Site>, Findings)>,
    /// Site paths of the content files re-read since the last check; `None` when
    /// anything else may have changed (charter.yaml, folders, static files).
    unchecked: Option<BTreeSet<String>>,
    /// What the last render keeps for the next incremental one (data files' per-item
    /// parts, list pages): see `render::Fragments`.
    fragments: render::Fragments,
}

/// What a history read depends on besides the commits.
type HistoryKey = (Option<String>, HistoryConfig, Vec<String>);

impl Session {
    /// A session over `args.site`; the site path is made canonical so it matches the
    /// paths the watcher reports.
    pub fn new(mut args: BuildArgs) -> Session {
        if let Ok(site) = args.site.canonicalize() {
            args.site = site;
        }
        if let Ok(out) = std::path::absolute(&args.out) {
            args.out = out.canonicalize().unwrap_or(out);
        }
        Session {
            args,
            config: None,
            inventory: Inventory::default(),
            parsed: BTreeMap::new(),
            theme: None,
            previous: None,
            dirty: None,
            buffers: BTreeMap::new(),
            history: None,
            head_may_move: true,
            checked: None,
            unchecked: None,
            fragments: render::Fragments::default(),
        }
    }

    pub fn args(&self) -> &BuildArgs {
        &self.args
    }

    /// The site's history, read once and again when HEAD moves. A repository that
    /// cannot be read gives no history rather than stopping the server.
    fn history(&mut self, site: &Site) -> Option<Arc<History>> {
        let config = &site.config;
        let head = match &self.history {
            Some(((head, ..), _)) if !self.head_may_move => head.clone(),
            _ => history::head(&self.args.site),
        };
        self.head_may_move = false;
        let key = (head, config.history, config.ignore.clone());
        if let Some((known, history)) = &self.history
            && *known == key
        {
            return history.clone();
        }
        let changed = history::for_site(&self.args.site, config).ok().flatten();
        let read = changed.and_then(|changed| changed.parse(Some(site)).ok()).map(Arc::new);
        self.history = Some((key, read.clone()));
        // Initiative pages show their history: none of the last output can be kept.
        self.previous = None;
        read
    }

    /// Rebuilds after `changes`; an `Err` means the site cannot be read at all.
    pub fn rebuild(&mut self, changes: &Changes) -> Result<Outcome, Error> {
        self.rebuild_announcing(changes, None)
    }

    /// [`Session::rebuild`], telling `pages_done` the new site as soon as its pages are
    /// made, before its data files, when the rebuild keeps the last one's paths (see
    /// [`render::render_changed`]).
    pub fn rebuild_announcing(&mut self, changes: &Changes, pages_done: render::PagesDone) -> Result<Outcome, Error> {
        self.reload(changes)?;
        let outcome = self.build(pages_done)?;
        if matches!(outcome, Outcome::Built(..)) {
            self.dirty = Some(BTreeSet::new());
        }
        Ok(outcome)
    }

    /// Sets (`Some`) or drops (`None`) the unsaved buffer of the file at `path`, read
    /// from then on instead of the disk; call [`Session::reload`] with the change after.
    pub fn set_buffer(&mut self, path: &Path, text: Option<String>) {
        match text {
            Some(text) => self.buffers.insert(path.to_path_buf(), text),
            None => self.buffers.remove(path),
        };
    }

    /// The unsaved buffer of the file at `path`, if the editor has one.
    pub fn buffer(&self, path: &Path) -> Option<&str> {
        self.buffers.get(path).map(String::as_str)
    }

    /// Re-reads what `changes` name (buffers first, then disk), without validating.
    pub fn reload(&mut self, changes: &Changes) -> Result<(), Error> {
        match changes {
            Changes::All => {
                self.unchecked = None;
                self.reload_everything()?;
                self.dirty = None;
                self.head_may_move = true;
            }
            Changes::Head => self.head_may_move = true,
            Changes::Static => {
                self.unchecked = None;
                self.reload_inventory()?;
                self.dirty = None;
            }
            Changes::Content(paths) => {
                let edited = self.reload_content(paths);
                if let Some(unchecked) = &mut self.unchecked {
                    unchecked.extend(edited.iter().cloned());
                }
                if let Some(dirty) = &mut self.dirty {
                    dirty.extend(edited);
                }
            }
        }
        Ok(())
    }

    fn config(&self) -> Result<&(Config, Vec<Diagnostic>), Error> {
        self.config.as_ref().ok_or_else(|| Error::NoConfig { site: self.args.site.clone() })
    }

    fn reload_everything(&mut self) -> Result<(), Error> {
        // Forgotten first: a deleted charter.yaml stays an error until it is back.
        self.config = None;
        self.config = Some(self.load_config()?);
        self.theme = None;
        self.reload_inventory()?;
        // Re-read every file: a folder event may hide changes to files inside it.
        let entries: Vec<Entry> = self.inventory.content.clone();
        let (buffers, blob_ids) = (&self.buffers, self.inventory.blob_ids);
        let parsed: Vec<ParsedFile> = entries.par_iter().map(|e| parse_buffered(buffers, e, blob_ids)).collect();
        self.parsed = entries.into_iter().zip(parsed).map(|(e, p)| (e.rel.clone(), (e, p))).collect();
        // Buffers of files not yet saved are content too.
        let unsaved: BTreeSet<PathBuf> = self.buffers.keys().filter(|p| !p.is_file()).cloned().collect();
        self.reload_content(&unsaved);
        Ok(())
    }

    /// charter.yaml, from its buffer when the editor has it open.
    fn load_config(&self) -> Result<(Config, Vec<Diagnostic>), Error> {
        let path = self.args.site.join(CONFIG_FILE);
        match self.buffers.get(&path) {
            Some(text) => Ok(Config::parse(Source::new(CONFIG_FILE, path, text.clone()))),
            None => Config::load(&self.args.site),
        }
    }

    fn reload_inventory(&mut self) -> Result<(), Error> {
        if self.config.is_none() {
            self.config = Some(self.load_config()?);
        }
        let (config, _) = self.config()?;
        self.inventory = load::inventory(&self.args.site, config, std::slice::from_ref(&self.args.out));
        self.theme = None;
        Ok(())
    }

    /// Re-parses the changed files alone; returns their site paths.
    fn reload_content(&mut self, paths: &BTreeSet<PathBuf>) -> Vec<String> {
        let root = self.args.site.clone();
        let ignore = self.config.as_ref().map_or_else(globset::GlobSet::empty, |(c, _)| load::ignore_set(c));
        let mut edited = vec![];
        let mut added_or_removed = false;
        for path in paths {
            let Some(entry) = Session::entry_for(&root, &ignore, path) else { continue };
            edited.push(entry.rel.clone());
            if self.buffers.contains_key(path) || path.is_file() {
                let parsed = parse_buffered(&self.buffers, &entry, self.inventory.blob_ids);
                added_or_removed |= self.parsed.insert(entry.rel.clone(), (entry, parsed)).is_none();
            } else {
                added_or_removed |= self.parsed.remove(&entry.rel).is_some();
            }
        }
        // The list of content files changes only when one comes or goes: an edit of
        // one story does not copy the entries of all the others.
        if added_or_removed {
            self.inventory.content = self.parsed.values().map(|(e, _)| e.clone()).collect();
        }
        edited
    }

    fn entry_for(root: &Path, ignore: &globset::GlobSet, path: &Path) -> Option<Entry> {
        let rel_path = path.strip_prefix(root).ok()?;
        let rel = rel_path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        if ignore.is_match(&rel) {
            return None;
        }
        Some(Entry { section: Section::of(&rel)?, rel, path: path.to_path_buf() })
    }

    /// Assembles and validates the site as it stands (no theme, no render): the model
    /// and its diagnostics, sorted and with `rules:` applied. After edits of content
    /// files alone, the last check's model and findings are updated instead (see
    /// [`pipeline::reassemble`] and [`Findings`]).
    pub fn check(&mut self) -> Result<(Arc<Site>, Vec<Diagnostic>), Error> {
        let (config, config_diags) = self.config()?.clone();
        let mut diagnostics = config_diags;
        diagnostics.extend(self.inventory.problems.iter().cloned());
        let edited = self.unchecked.replace(BTreeSet::new());
        let (site, findings) =
            match self.checked.take().zip(edited).and_then(|(last, edited)| self.recheck(last, &edited)) {
                Some(checked) => {
                    diagnostics.extend(self.parsed.values().flat_map(|(_, p)| p.diagnostics.iter().cloned()));
                    checked
                }
                None => {
                    let parsed = self.parsed.values().map(|(_, p)| p);
                    let site = pipeline::assemble(&self.args.site, config, parsed, &self.inventory, &mut diagnostics);
                    let findings = Findings::of(&site);
                    (Arc::new(site), findings)
                }
            };
        diagnostics.extend(findings.diagnostics().cloned());
        let diagnostics = diag::finish(diagnostics, &site.config.rules);
        self.checked = Some((site.clone(), findings));
        Ok((site, diagnostics))
    }

    /// What stops the templates of `site` from loading, sorted and with `rules:`
    /// applied (what `check` adds to the model's diagnostics); empty when they load.
    pub fn theme_problems(&self, site: &Site) -> Vec<Diagnostic> {
        match Theme::load(&site.config, &self.inventory, &site.statics) {
            Ok(_) => vec![],
            Err(problems) => diag::finish(problems, &site.config.rules),
        }
    }

    /// The last check's model and findings updated for the files `edited` since, when
    /// the edits keep the site's shape.
    fn recheck(
        &self,
        (site, mut findings): (Arc<Site>, Findings),
        edited: &BTreeSet<String>,
    ) -> Option<(Arc<Site>, Findings)> {
        let parsed = edited.iter().map(|rel| (rel.as_str(), self.parsed.get(rel).map(|(_, p)| p)));
        let updated = pipeline::reassemble(&site, parsed)?;
        findings.update(&site, &updated, edited);
        Some((Arc::new(updated), findings))
    }

    /// Validates and renders; after content-only edits, only the pages they affect are
    /// rendered again when the previous good build allows it.
    fn build(&mut self, pages_done: render::PagesDone) -> Result<Outcome, Error> {
        let (site, diagnostics) = self.check()?;
        if Counts::of(&diagnostics).fails(self.args.deny_warnings) {
            return Ok(Outcome::Failed(diagnostics));
        }
        if self.theme.is_none() {
            self.previous = None;
            match Theme::load(&site.config, &self.inventory, &site.statics) {
                Ok(theme) => self.theme = Some(theme),
                Err(diags) => return Ok(Outcome::Failed(diag::finish(diags, &site.config.rules))),
            }
        }
        let history = self.history(&site);
        let Some(theme) = &self.theme else { return Ok(Outcome::Failed(vec![])) };
        let mut options = self.args.options(&site.config);
        options.history = history;
        let reusable = self
            .previous
            .as_ref()
            .filter(|p| p.audience == options.audience && p.base_url == options.base_url && p.today == options.today);
        let edited: Option<Vec<String>> = self.dirty.as_ref().map(|d| d.iter().cloned().collect());
        let affected = edited
            .zip(reusable)
            .and_then(|(edited, p)| Affected::between(&p.site, &site, &edited).map(|a| (p.output.clone(), a)));
        if affected.is_none() {
            // A full render: nothing of the last one may be reused.
            self.fragments = render::Fragments::default();
        }
        let previous = affected.as_ref().map(|(output, affected)| (&**output, affected));
        let result = render::render_changed(&site, theme, &options, (previous, &self.fragments), pages_done);
        match result {
            Ok(output) => {
                let output = Arc::new(output);
                self.previous = Some(Previous {
                    site,
                    output: output.clone(),
                    audience: options.audience,
                    base_url: options.base_url,
                    today: options.today,
                });
                Ok(Outcome::Built(output, diagnostics))
            }
            Err(diags) => Ok(Outcome::Failed(diags)),
        }
    }
}

/// Parses one content file from its unsaved buffer, else from the disk (with its git
/// blob id when `blob_id`; a buffer has none: history reads its versions from git).
fn parse_buffered(buffers: &BTreeMap<PathBuf, String>, entry: &Entry, blob_id: bool) -> ParsedFile {
    match buffers.get(&entry.path) {
        Some(text) => parse::parse(entry, Source::new(entry.rel.clone(), entry.path.clone(), text.clone())),
        None => pipeline::parse_entry(entry, blob_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sorted_into_kinds() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        let kind = |p: &str| classify(root, out, Path::new(p));
        assert_eq!(kind("/site/backlog/CHK-1.md"), Kind::Content);
        assert_eq!(kind("/site/docs/guide/a.md"), Kind::Content);
        assert_eq!(kind("/site/charter.yaml"), Kind::Everything);
        assert_eq!(kind("/site/templates/story.html"), Kind::Everything);
        assert_eq!(kind("/site/static/logo.svg"), Kind::Static);
        assert_eq!(kind("/site/public/index.html"), Kind::Ignored);
        assert_eq!(kind("/site/backlog/.CHK-1.md.swp"), Kind::Ignored);
        assert_eq!(kind("/site/backlog/CHK-1.md~"), Kind::Ignored);
        assert_eq!(kind("/site/backlog/4913"), Kind::Ignored);
        assert_eq!(kind("/site/.git/index"), Kind::Ignored);
        assert_eq!(kind("/site/backlog"), Kind::Everything);
        assert_eq!(kind("/site/notes.txt"), Kind::Ignored);
    }

    #[test]
    fn a_burst_becomes_one_change() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        let paths = |ps: &[&str]| ps.iter().map(PathBuf::from).collect::<Vec<_>>();
        let changes = |ps: &[&str]| changes(root, out, paths(ps));
        assert_eq!(changes(&["/site/public/x.html", "/site/.git/a", "/site/.git/index"]), None);
        assert!(
            matches!(changes(&["/site/backlog/a.md", "/site/backlog/b.md"]), Some(Changes::Content(set)) if set.len() == 2)
        );
        assert_eq!(changes(&["/site/backlog/a.md", "/site/charter.yaml"]), Some(Changes::All));
        assert_eq!(changes(&["/site/static/a.css"]), Some(Changes::Static));
        assert_eq!(with_head_moved(changes(&["/site/.git/HEAD"])), Changes::Head);
        assert_eq!(with_head_moved(changes(&["/site/backlog/a.md"])), Changes::All);
    }

    #[test]
    fn a_commit_checkout_or_pull_moves_head() {
        let git = PathBuf::from("/repo/.git");
        let head = history::HeadFiles { git_dir: git.clone(), common_dir: git };
        let moved = |p: &str| head.moved_by(Path::new(p));
        // A commit writes the branch's ref through a lock file; a checkout, HEAD; a
        // pack of refs (gc, some fetches), packed-refs.
        assert!(moved("/repo/.git/refs/heads/main") && moved("/repo/.git/refs/heads/topic/a"));
        assert!(moved("/repo/.git/HEAD") && moved("/repo/.git/packed-refs"));
        assert!(!moved("/repo/.git/refs/heads/main.lock") && !moved("/repo/.git/index"));
        assert!(!moved("/repo/.git/logs/HEAD") && !moved("/repo/.git/refs/remotes/origin/main"));
    }
}
