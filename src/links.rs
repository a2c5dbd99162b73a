//! Where each relative link of the site leads, as on GitHub: resolved from the linking
//! file's folder, a `.md` file to its page, any other file to its published copy, a
//! folder to its page, a file outside the site into `repository:`. Validation reports
//! what leads nowhere; rendering writes what leads somewhere. Pure: what it needs from
//! the disk (files outside the site, the site's place in its repository) is in the model.

use crate::frontmatter::Document;
use crate::markdown::{self, Href};
use crate::model::{Files, OutsideKind, Repository, Site};
use crate::urls;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// What a link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Not a relative path: another host, an absolute path, a scheme.
    Elsewhere,
    /// A `#fragment` of the linking page itself.
    SamePage { fragment: String },
    /// A page: its output folder, and the Markdown file whose ids its fragments name.
    Page { folder: String, doc: Option<String>, fragment: String },
    /// The published copy of a file (an asset or a static file), at `output`.
    File { output: String, asset: Option<String>, fragment: String },
    /// A file or folder that exists outside the site folder: its URL in `repository:`,
    /// or why there is none.
    Outside { path: String, url: Result<String, &'static str> },
    /// Nothing is published there.
    Nowhere { path: String, why: Nowhere },
}

/// Why a link leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nowhere {
    /// No such page or file in the site (or not in this build: an internal page of a
    /// public build).
    Missing,
    /// A folder without an index page.
    FolderWithoutPage,
}

/// Resolves links against a site's files.
#[derive(Debug)]
pub struct Resolver<'a> {
    files: &'a Files,
    /// The site, for the Markdown documents whose ids fragments name.
    site: &'a Site,
    outside: &'a HashMap<String, OutsideKind>,
    repository: Option<(&'a Repository, String)>,
}

impl<'a> Resolver<'a> {
    /// The resolver of `site` (filtered for an audience or not).
    pub fn new(site: &'a Site) -> Resolver<'a> {
        Resolver {
            files: &site.files,
            site,
            outside: &site.disk.outside,
            repository: site.config.repository.as_ref().map(|repo| (repo, site_path_in_repository(site))),
        }
    }

    /// Where `dest`, written in the file `from`, leads.
    pub fn resolve(&self, from: &str, dest: &str) -> Target {
        if !markdown::is_relative(dest) {
            return match dest.strip_prefix('#') {
                Some(fragment) => Target::SamePage { fragment: fragment.to_owned() },
                None => Target::Elsewhere,
            };
        }
        let (path, fragment) = dest.split_once('#').map_or((dest, ""), |(p, f)| (p, f));
        let path = path.split('?').next().unwrap_or(path);
        let fragment = fragment.to_owned();
        if path.is_empty() {
            return Target::SamePage { fragment };
        }
        let decoded = urls::percent_decode(path);
        match join(from, &decoded) {
            Ok(site_path) => self.inside(site_path, fragment),
            Err(outside) => self.outside(outside),
        }
    }

    fn inside(&self, path: String, fragment: String) -> Target {
        if let Some(folder) = self.files.pages.get(&path) {
            return Target::Page { folder: folder.clone(), doc: Some(path), fragment };
        }
        if let Some(output) = self.files.files.get(&path) {
            let asset = (!path.starts_with("static/")).then(|| path.clone());
            return Target::File { output: output.clone(), asset, fragment };
        }
        if let Some((folder, doc)) = self.files.folders.get(&path) {
            return Target::Page { folder: folder.clone(), doc: doc.clone(), fragment };
        }
        let inside = format!("{path}/");
        let why = if self.files.known.range(inside.clone()..).next().is_some_and(|k| k.starts_with(&inside)) {
            Nowhere::FolderWithoutPage
        } else {
            Nowhere::Missing
        };
        Target::Nowhere { path, why }
    }

    /// A known file of a similar path: a file of a similar name in the same folder,
    /// else a file of the same name (ignoring case) anywhere in the site.
    pub fn suggest(&self, path: &str) -> Option<String> {
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        let siblings =
            self.files.known.iter().map(|k| k.rsplit_once('/').unwrap_or(("", k))).filter(|(f, _)| *f == folder);
        if let Some(near) = crate::diag::did_you_mean(name, siblings.map(|(_, n)| n)) {
            return Some(if folder.is_empty() { near.to_owned() } else { format!("{folder}/{near}") });
        }
        self.files
            .known
            .iter()
            .find(|k| k.rsplit_once('/').map_or(k.as_str(), |(_, n)| n).eq_ignore_ascii_case(name))
            .cloned()
    }

    fn outside(&self, path: String) -> Target {
        let kind = self.outside.get(&path).copied();
        let Some(kind) = kind else {
            return Target::Nowhere { path, why: Nowhere::Missing };
        };
        let url = match &self.repository {
            None => Err("no `repository:` in charter.yaml to link it to"),
            Some((repo, site_path)) => repo_url(repo, site_path, &path, kind),
        };
        Target::Outside { path, url }
    }

    /// The URL of a page (an output folder) or a file from the page written at `file`.
    pub fn href(file: &str, output: &str, fragment: &str) -> String {
        let mut href = urls::root_prefix(file);
        href.push_str(&urls::encode_path(output));
        if !fragment.is_empty() {
            href.push('#');
            href.push_str(fragment);
        }
        href
    }

    /// The Markdown document at the site path `rel`.
    pub fn document(&self, rel: &str) -> Option<&'a Document> {
        self.site.page(rel).map(crate::model::Page::doc)
    }

    /// Whether `fragment` names nothing in the Markdown file `doc` (a heading, an id);
    /// `false` when that cannot be known (a page without a Markdown file of its own).
    pub fn misses_anchor(&self, doc: Option<&str>, fragment: &str) -> bool {
        let Some(doc) = doc.and_then(|d| self.document(d)) else { return false };
        let id = urls::percent_decode(fragment);
        !(fragment.is_empty() || id == "top" || doc.scan().ids.contains(&id))
    }

    /// Where a link written in `from`, on the page written at `file`, points in the
    /// output. A fragment that names nothing is left out (a link to the same page is
    /// then only text), so no link of the output leads to a missing anchor.
    pub fn output_href(&self, from: &str, file: &str, dest: &str) -> Href {
        match self.resolve(from, dest) {
            Target::Elsewhere => Href::Keep,
            Target::SamePage { fragment } if self.misses_anchor(Some(from), &fragment) => Href::Drop,
            Target::SamePage { .. } => Href::Keep,
            Target::Page { folder, fragment, doc } => {
                let fragment = if self.misses_anchor(doc.as_deref(), &fragment) { "" } else { &fragment };
                Href::To(Resolver::href(file, &urls::page_file(&folder), fragment))
            }
            Target::File { output, fragment, .. } => Href::To(Resolver::href(file, &output, &fragment)),
            Target::Outside { url: Ok(url), .. } => Href::To(url),
            Target::Outside { .. } | Target::Nowhere { .. } => Href::Drop,
        }
    }

    /// The assets that links and images of `from`'s body show, by source path.
    pub fn assets_of<'s>(&'s self, from: &'s str, scan: &'s markdown::Scan) -> impl Iterator<Item = String> + 's {
        scan.links.iter().filter_map(move |link| match self.resolve(from, &link.dest) {
            Target::File { asset: Some(rel), .. } => Some(rel),
            _ => None,
        })
    }
}

/// The paths outside the site (`../src/main.rs`) that links of the site name. In
/// `serve` and `lsp`, this is where each document's body is first scanned for links,
/// so documents are taken on every core.
pub fn outside_paths(site: &Site) -> BTreeSet<String> {
    let documents: Vec<&Document> = site.documents().collect();
    documents.into_par_iter().flat_map_iter(outside_paths_of).collect()
}

/// The paths outside the site that links of one document name.
pub fn outside_paths_of(doc: &Document) -> impl Iterator<Item = String> + '_ {
    // Only a path with `..` (or its encoding) can climb out of the site.
    let climbing = doc.scan().links.iter().filter(|l| l.dest.contains("..") || l.dest.contains('%'));
    climbing.filter(|l| markdown::is_relative(&l.dest)).filter_map(|link| {
        let path = link.dest.split(['#', '?']).next().unwrap_or_default();
        join(&doc.source.rel, &urls::percent_decode(path)).err()
    })
}

/// The relative path from the folder of the file `from` to the site path `to`.
pub fn relative(from: &str, to: &str) -> String {
    let folder: Vec<&str> = from.split('/').collect();
    let folder = &folder[..folder.len() - 1];
    let target: Vec<&str> = to.split('/').collect();
    let common = folder.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; folder.len() - common];
    parts.extend(&target[common..]);
    parts.join("/")
}

/// Joins a relative path to the folder of `from`, as GitHub does: `Ok(site path)`, or
/// `Err(path)` relative to the site root starting with `../` when it climbs out.
pub fn join(from: &str, target: &str) -> Result<String, String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    let mut above = 0;
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." if parts.is_empty() => above += 1,
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if above == 0 { Ok(joined) } else { Err(format!("{}{joined}", "../".repeat(above))) }
}

/// The web URL of a path outside the site (`../src/main.rs`) in the repository.
fn repo_url(repo: &Repository, site_path: &str, outside: &str, kind: OutsideKind) -> Result<String, &'static str> {
    let in_repo = join(&format!("{}/x", site_path.trim_matches('/')), outside)
        .map_err(|_| "it lies outside the repository too")?;
    let view = match kind {
        OutsideKind::File => "blob",
        OutsideKind::Folder => "tree",
    };
    Ok(format!("{}/{view}/{}/{}", repo.url.trim_end_matches('/'), repo.branch, urls::encode_path(&in_repo)))
}

/// The site's folder in its repository: `repository.path`, else found from git.
fn site_path_in_repository(site: &Site) -> String {
    let configured = site.config.repository.as_ref().and_then(|r| r.path.clone());
    configured.or_else(|| site.disk.repository_path.clone()).unwrap_or_default()
}

/// The "edit this page" URL of a source file of the site.
pub fn edit_url(site: &Site, rel: &str) -> Option<String> {
    let repo = site.config.repository.as_ref()?;
    let site_path = site_path_in_repository(site);
    let path =
        [site_path.trim_matches('/'), rel].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join("/");
    Some(format!("{}/edit/{}/{}", repo.url.trim_end_matches('/'), repo.branch, urls::encode_path(&path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_like_github() {
        assert_eq!(join("backlog/a/CHK-1.md", "../CHK-2.md"), Ok("backlog/CHK-2.md".into()));
        assert_eq!(join("docs/index.md", "./guide/"), Ok("docs/guide".into()));
        assert_eq!(join("docs/index.md", ".."), Ok(String::new()));
        assert_eq!(join("docs/index.md", "../../src/main.rs"), Err("../src/main.rs".into()));
        assert_eq!(join("docs/a/b.md", "../../../../x"), Err("../../x".into()));
        assert_eq!(relative("docs/guide/a.md", "docs/img/b.png"), "../img/b.png");
        assert_eq!(relative("docs/a.md", "docs/b.md"), "b.md");
        assert_eq!(relative("backlog/x/A.md", "roadmap/b.md"), "../../roadmap/b.md");
    }
}
