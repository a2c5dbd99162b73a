//! The site's pages and files by source path: what a relative link can lead to. Built
//! once with the site, so that resolving links (validation, rendering, the language
//! server on every keystroke) does not index the site again.

use super::Site;
use crate::urls;
use std::collections::{BTreeSet, HashMap};

/// Pages, folders with a page, and published files, by source path.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// Markdown page -> output folder.
    pub pages: HashMap<String, String>,
    /// Folder -> its page's output folder and Markdown file.
    pub folders: HashMap<String, (String, Option<String>)>,
    /// Asset or static file -> output path.
    pub files: HashMap<String, String>,
    /// Every page and file of the site, for telling folders from missing files and for
    /// did-you-mean.
    pub known: BTreeSet<String>,
}

impl Files {
    pub fn of(site: &Site) -> Files {
        let mut f = Files::default();
        for (rel, folder) in page_folders(site) {
            f.known.insert(rel.clone());
            f.pages.insert(rel, folder);
        }
        f.add_folders(site);
        for asset in &site.assets {
            f.files.insert(asset.rel.clone(), asset.output.clone());
        }
        for file in site.statics.iter().filter(|s| s.rel.starts_with("static/")) {
            f.files.insert(file.rel.clone(), file.output.clone());
        }
        f.known.extend(f.files.keys().cloned());
        f
    }

    fn add_folders(&mut self, site: &Site) {
        self.folders.insert(String::new(), (String::new(), None));
        let intros = [("roadmap", &site.roadmap_intro), ("backlog", &site.backlog_intro)];
        for (name, intro) in intros {
            self.folders.insert(name.into(), (name.into(), intro.as_ref().map(|i| i.doc.source.rel.clone())));
        }
        for doc in &site.docs {
            let rel = &doc.doc.source.rel;
            if let Some(folder) = folder_of_index(rel, &doc.url) {
                self.folders.insert(folder, (doc.url.clone(), Some(rel.clone())));
            }
        }
    }
}

/// Each Markdown page of a site with its output folder.
fn page_folders(site: &Site) -> impl Iterator<Item = (String, String)> + '_ {
    let items =
        site.initiatives.iter().map(|i| (i.doc.source.rel.clone(), urls::item_folder("roadmap", i.id.as_str())));
    let stories = site.stories.iter().map(|s| (s.doc.source.rel.clone(), urls::item_folder("backlog", s.id.as_str())));
    let docs = site.docs.iter().map(|d| (d.doc.source.rel.clone(), d.url.clone()));
    let intros = [(&site.roadmap_intro, "roadmap"), (&site.backlog_intro, "backlog")]
        .into_iter()
        .filter_map(|(intro, folder)| intro.as_ref().map(|i| (i.doc.source.rel.clone(), folder.to_owned())));
    items.chain(stories).chain(docs).chain(intros)
}

/// The folder a docs page stands for, when it is that folder's page (`index.md`,
/// `_index.md`, or a `README.md` that took the folder's URL).
fn folder_of_index(rel: &str, url: &str) -> Option<String> {
    let (folder, _) = rel.rsplit_once('/')?;
    (urls::doc_folder(folder) == url).then(|| folder.to_owned())
}
