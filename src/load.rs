//! Finding the site's files: walk the content folders, skip what SPEC §2 ignores,
//! refuse symlinks that leave the site, and read files as UTF-8 text.

use crate::config::Config;
use crate::diag::{Diagnostic, Rule};
use crate::model::{Disk, OutsideKind, StaticFile};
use crate::source::Source;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Which content folder a Markdown file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    Roadmap,
    Backlog,
    Docs,
}

impl Section {
    /// Every content folder, with its name.
    pub const ALL: [(Section, &'static str); 3] =
        [(Section::Roadmap, "roadmap"), (Section::Backlog, "backlog"), (Section::Docs, "docs")];

    /// The content folder a site path (`backlog/a/CHK-1.md`) lies in.
    pub fn of(rel: &str) -> Option<Section> {
        let inside = |name: &str| rel.strip_prefix(name).is_some_and(|rest| rest.starts_with('/'));
        Section::ALL.iter().find(|(_, name)| inside(name)).map(|(section, _)| *section)
    }
}

/// The `ignore:` globs of charter.yaml as one matcher (invalid globs are reported by
/// the config and skipped here).
pub fn ignore_set(config: &Config) -> GlobSet {
    let mut globs = GlobSetBuilder::new();
    for glob in config.ignore.iter().filter_map(|g| Glob::new(g).ok()) {
        globs.add(glob);
    }
    globs.build().unwrap_or_else(|_| GlobSet::empty())
}

/// A content file found by the walk.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub section: Section,
    /// Path relative to the site root, `/` separated.
    pub rel: String,
    pub path: PathBuf,
}

/// A template file of the site (`templates/`) or of its theme (`themes/NAME/templates/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFile {
    /// Name relative to the templates folder, e.g. `story.html`.
    pub name: String,
    /// Path relative to the site, `/`-separated, as diagnostics name it.
    pub rel: String,
    pub path: PathBuf,
}

/// Everything the walk found.
#[derive(Debug, Default)]
pub struct Inventory {
    pub content: Vec<Entry>,
    pub statics: Vec<StaticFile>,
    /// Files other than `.md` under roadmap/, backlog/ and docs/.
    pub assets: Vec<StaticFile>,
    /// Site `templates/` overrides.
    pub templates: Vec<TemplateFile>,
    /// Templates of the site-local theme chosen by `theme:`.
    pub theme_templates: Vec<TemplateFile>,
    /// Whether `themes/NAME/` exists for a `theme:` other than `default`.
    pub theme_dir_exists: bool,
    pub problems: Vec<Diagnostic>,
    /// Whether content files are read with their git blob id ([`Source::blob`]): when
    /// history will read them (`history:` on, and the site in a git work tree).
    pub blob_ids: bool,
}

/// Whether a file or folder name is skipped: dot-files (Emacs lock links `.#x`, gedit's
/// `.goutputstream-*`, Kate's `.x.kate-swp`) and editor leftovers: backups `x~`, Emacs
/// auto-saves `#x#`, Vim swap files and its `4913` probe, VS Code's `x.vsctmp`,
/// JetBrains' `___jb_tmp___` and `___jb_old___`.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || [".swp", ".swx", ".tmp", ".bak", ".orig", ".kate-swp", ".vsctmp"].iter().any(|ext| name.ends_with(ext))
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

/// Walks the site's folders. `exclude` holds folders to skip wherever they are (the output).
pub fn inventory(root: &Path, config: &Config, exclude: &[PathBuf]) -> Inventory {
    let walker = Walker::new(root, config, exclude);
    let mut inv = Inventory::default();
    for (section, name) in Section::ALL {
        for (rel, path) in walker.files(name, &mut inv.problems) {
            if rel.ends_with(".md") {
                inv.content.push(Entry { section, rel, path });
            } else {
                inv.assets.push(StaticFile { output: rel.to_lowercase(), rel, path });
            }
        }
    }
    if config.theme != "default" {
        let folder = format!("themes/{}", config.theme);
        inv.theme_dir_exists = root.join(&folder).is_dir();
        inv.theme_templates = walker.templates(&format!("{folder}/templates"), 3, &mut inv.problems);
        for (rel, path) in walker.files(&format!("{folder}/static"), &mut inv.problems) {
            inv.statics.push(StaticFile { output: strip_first(&rel, 3), rel, path });
        }
    }
    // Site static files come after the theme's, so they win on the same output path.
    for (rel, path) in walker.files("static", &mut inv.problems) {
        inv.statics.push(StaticFile { output: strip_first(&rel, 1), rel, path });
    }
    inv.templates = walker.templates("templates", 1, &mut inv.problems);
    inv.content.sort();
    inv.blob_ids = config.history.enabled && work_tree(root).is_some();
    inv
}

/// What links need from the disk around the site: which of the `outside` paths (relative
/// to the site root, such as `../src/main.rs`) exist, and the site's folder in its git
/// repository (the nearest parent holding `.git`).
pub fn disk(root: &Path, outside: impl IntoIterator<Item = String>) -> Disk {
    let mut disk = Disk::default();
    for path in outside {
        let kind = match std::fs::metadata(root.join(&path)) {
            Ok(m) if m.is_dir() => OutsideKind::Folder,
            Ok(_) => OutsideKind::File,
            Err(_) => continue,
        };
        disk.outside.insert(path, kind);
    }
    disk.repository_path = work_tree(root).map(|tree| tree.site.join("/"));
    disk
}

/// The git work tree that holds a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkTree {
    /// The work tree's folder (canonical).
    pub root: PathBuf,
    /// The site folder's path components inside it (empty: the root).
    pub site: Vec<String>,
}

/// The work tree holding `site`: the nearest folder at or above it with a `.git` (a
/// folder, or a file in linked work trees and submodules). Links (`repository_path`)
/// and history find the repository this one way.
pub fn work_tree(site: &Path) -> Option<WorkTree> {
    let site = site.canonicalize().ok()?;
    let root = site.ancestors().find(|a| a.join(".git").exists())?;
    let inside = site.strip_prefix(root).ok()?;
    let parts = inside.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    Some(WorkTree { root: root.to_path_buf(), site: parts })
}

fn strip_first(rel: &str, segments: usize) -> String {
    rel.splitn(segments + 1, '/').last().unwrap_or(rel).to_owned()
}

struct Walker<'a> {
    root: &'a Path,
    canonical_root: PathBuf,
    ignore: GlobSet,
    exclude: Vec<PathBuf>,
}

impl<'a> Walker<'a> {
    fn new(root: &'a Path, config: &Config, exclude: &[PathBuf]) -> Self {
        Walker {
            root,
            canonical_root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            ignore: ignore_set(config),
            exclude: exclude.iter().filter_map(|p| p.canonicalize().ok()).collect(),
        }
    }

    fn rel(&self, path: &Path) -> String {
        let rel = path.strip_prefix(self.root).unwrap_or(path);
        rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
    }

    /// Files under `folder` (relative to the root), sorted, as (rel, path).
    fn files(&self, folder: &str, problems: &mut Vec<Diagnostic>) -> Vec<(String, PathBuf)> {
        let start = self.root.join(folder);
        if !start.exists() {
            return vec![];
        }
        // A link above the walk's start (e.g. themes/NAME -> elsewhere) leads out too.
        if self.leaves_site(&start) {
            let link = self.first_link(folder).unwrap_or_else(|| folder.to_owned());
            let problem = link_problem(
                &link,
                "points outside the site",
                "charter only follows links whose target lies inside the site folder; copy the files in instead",
            );
            if !problems.contains(&problem) {
                problems.push(problem);
            }
            return vec![];
        }
        let mut out = vec![];
        let mut walk = WalkDir::new(&start).follow_links(true).sort_by_file_name().into_iter();
        while let Some(next) = walk.next() {
            let entry = match next {
                Ok(entry) => entry,
                Err(err) => {
                    // An ignored name is never read, so its problem is no problem (Emacs
                    // locks a file with a dangling link `.#name`).
                    if !err.path().is_some_and(|p| self.skips(p, err.depth(), true)) {
                        problems.push(self.walk_problem(&err));
                    }
                    continue;
                }
            };
            let rel = self.rel(entry.path());
            let folder_like = entry.file_type().is_dir() || entry.path_is_symlink();
            let skip = self.skips(entry.path(), entry.depth(), folder_like);
            let outside = !skip && entry.path_is_symlink() && self.leaves_site(entry.path());
            if outside {
                problems.push(link_problem(
                    &rel,
                    "points outside the site",
                    "charter only follows links whose target lies inside the site folder; copy the file in instead",
                ));
            }
            if skip || outside {
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                continue;
            }
            if entry.file_type().is_file() {
                out.push((rel, entry.into_path()));
            }
        }
        out
    }

    fn templates(&self, folder: &str, prefix: usize, problems: &mut Vec<Diagnostic>) -> Vec<crate::load::TemplateFile> {
        let files = self.files(folder, problems);
        files.into_iter().map(|(rel, path)| TemplateFile { name: strip_first(&rel, prefix), rel, path }).collect()
    }

    /// Whether the walk passes over `path`: an ignored name below the start, an `ignore:`
    /// glob, or an excluded folder. Only a folder or a link can be an excluded folder, so
    /// files are not resolved (resolving costs a system call per path component: 46,000
    /// calls at 10,000 stories, strace).
    fn skips(&self, path: &Path, depth: usize, folder_like: bool) -> bool {
        let ignored_name = path.file_name().is_some_and(|n| is_ignored_name(&n.to_string_lossy()));
        (depth > 0 && ignored_name) || self.ignore.is_match(self.rel(path)) || folder_like && self.is_excluded(path)
    }

    fn is_excluded(&self, path: &Path) -> bool {
        !self.exclude.is_empty() && path.canonicalize().is_ok_and(|c| self.exclude.contains(&c))
    }

    /// The first symbolic link on the way from the root to `folder`, as a relative path.
    fn first_link(&self, folder: &str) -> Option<String> {
        let mut rel = String::new();
        for segment in folder.split('/') {
            rel = if rel.is_empty() { segment.to_owned() } else { format!("{rel}/{segment}") };
            if self.root.join(&rel).symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
                return Some(rel);
            }
        }
        None
    }

    fn leaves_site(&self, path: &Path) -> bool {
        path.canonicalize().map_or(true, |target| !target.starts_with(&self.canonical_root))
    }

    fn walk_problem(&self, err: &walkdir::Error) -> Diagnostic {
        let rel = err.path().map(|p| self.rel(p)).unwrap_or_default();
        if err.loop_ancestor().is_some() {
            return link_problem(
                &rel,
                "is a symbolic link loop",
                "remove the link, or point it at a folder that does not contain it",
            );
        }
        let link = err.path().filter(|p| p.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()));
        if link.is_some_and(leads_to_itself) {
            return link_problem(&rel, "is a symbolic link loop", "remove the link, or point it at a file or folder");
        }
        if link.is_some() {
            return link_problem(&rel, "is a dangling symbolic link", "remove the link or restore its target");
        }
        let cause = err.io_error().map_or_else(|| err.to_string(), |e| e.to_string());
        Diagnostic::file(Rule::InvalidValue, rel, format!("cannot read this folder: {cause}"))
            .help("check the permissions of the folder")
    }
}

/// Links followed before a chain counts as a loop, as Linux's `MAXSYMLINKS`.
const MAX_LINKS: usize = 40;

/// Whether the symbolic link at `path`, followed link after link, never ends (a link to
/// itself, or links pointing at each other) rather than ending at a missing target.
fn leads_to_itself(path: &Path) -> bool {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::read_link(&current) {
            Ok(target) => current = current.parent().unwrap_or(Path::new("")).join(target),
            Err(_) => return false,
        }
    }
    true
}

fn link_problem(rel: &str, what: &str, help: &str) -> Diagnostic {
    Diagnostic::file(Rule::InvalidValue, rel, format!("symbolic link `{rel}` {what}; it is not published")).help(help)
}

/// Reads a file as UTF-8 text, or says why it cannot be used; with its git blob id
/// when `blob_id` asks for it ([`Inventory::blob_ids`]).
pub fn read_text(rel: &str, path: &Path, blob_id: bool) -> Result<Source, Box<Diagnostic>> {
    let bytes = std::fs::read(path).map_err(|err| {
        Box::new(
            Diagnostic::file(Rule::InvalidValue, rel, format!("cannot read file: {err}"))
                .help("check that the file exists and is readable (permissions)"),
        )
    })?;
    let blob = if blob_id { crate::source::blob_id(&bytes) } else { None };
    match String::from_utf8(bytes) {
        Ok(text) => {
            let mut source = Source::new(rel, path, text);
            source.blob = blob;
            Ok(source)
        }
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let source = Source::new(rel, path, String::from_utf8_lossy(err.as_bytes()).into_owned());
            let location = source.locate(at, at + 1);
            let d = Diagnostic::at(Rule::InvalidValue, &source, location, "file is not valid UTF-8 text")
                .help("save the file as UTF-8 (this byte is not part of any UTF-8 character)");
            Err(Box::new(d))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_and_dot_files_are_ignored() {
        for name in [
            ".git",
            ".CHK-1.md.swp",
            "a.md~",
            "a.swx",
            "x.tmp",
            "y.bak",
            "z.orig",
            "#a.md#",
            "4913",
            "CHK-1.md___jb_tmp___",
            "CHK-1.md___jb_old___",
            ".#CHK-1.md",
            ".goutputstream-Q2ZJ4Z",
            ".CHK-1.md.kate-swp",
            "CHK-1.md.kate-swp",
            "CHK-1.md.vsctmp",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["CHK-1.md", "_index.md", "#", "notes.md"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    /// The blob id is git's for the bytes as read, BOM included (`git hash-object`),
    /// while the text drops the BOM: a version that only differs by its BOM is another.
    #[test]
    fn a_file_read_with_its_blob_id_has_gits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "hello\n").unwrap();
        let source = read_text("a.md", &path, true).unwrap();
        assert_eq!(source.blob.unwrap().to_string(), "ce013625030ba8dba906f756967f9e9ca394464a");
        assert_eq!(read_text("a.md", &path, false).unwrap().blob, None);
        std::fs::write(&path, "\u{feff}hello\n").unwrap();
        let source = read_text("a.md", &path, true).unwrap();
        assert_eq!(source.text, "hello\n");
        assert_eq!(source.blob.unwrap().to_string(), "c2d46024e14dbd9078bb0aafcf920bb8e7216455");
    }
}
