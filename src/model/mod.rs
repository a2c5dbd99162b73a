//! The typed site: people, sprints, initiatives, stories and docs, with id indexes.
//! No I/O happens here; items keep their [`Document`] so later stages can point at a key.

mod config;
mod files;
mod items;

pub use crate::values::{
    Audience, Date, Horizon, InitiativeId, InitiativeStatus, Keyword, PersonId, SprintId, StoryId, StoryStatus,
    Timeframe, Visibility, is_item_id, is_person_id,
};
pub use config::{Config, HistoryConfig, Repository};
pub use files::Files;
pub use items::{DocPage, Initiative, Intro, Metric, Person, Sprint, Story};

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A file copied to the output as it is: from static/ or a theme's static/, or an
/// asset (an image, a PDF...) beside the pages under roadmap/, backlog/ or docs/.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticFile {
    /// Path in the site, `/` separated (e.g. `static/favicon.svg`).
    pub rel: String,
    /// Path inside the output, `/` separated (e.g. `favicon.svg`).
    pub output: String,
    /// Where it is read from.
    pub path: PathBuf,
}

/// A file or folder outside the site that a link names, as found on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutsideKind {
    File,
    Folder,
}

/// What the site's links need to know from the disk around the site, found by `load`.
#[derive(Debug, Clone, Default)]
pub struct Disk {
    /// Paths outside the site named by links (`../src/main.rs`, relative to the site
    /// root) that exist.
    pub outside: HashMap<String, OutsideKind>,
    /// The site's folder inside its git repository (`site`), when it is in one.
    pub repository_path: Option<String>,
}

/// Everything a site consists of, after parsing, in a stable order.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: Arc<Config>,
    /// Sorted by id.
    pub initiatives: Vec<Arc<Initiative>>,
    /// Sorted by id.
    pub stories: Vec<Arc<Story>>,
    /// Sorted by source path.
    pub docs: Vec<Arc<DocPage>>,
    pub roadmap_intro: Option<Arc<Intro>>,
    pub backlog_intro: Option<Arc<Intro>>,
    pub statics: Vec<StaticFile>,
    /// Files other than `.md` under roadmap/, backlog/ and docs/, sorted by path; published
    /// at their lowercased path when a page of the build links to them.
    pub assets: Vec<StaticFile>,
    pub disk: Disk,
    /// What relative links can lead to, by source path.
    pub files: Files,
    index: Index,
}

#[derive(Debug, Clone, Default)]
struct Index {
    initiatives: HashMap<InitiativeId, usize>,
    stories: HashMap<StoryId, usize>,
    people: HashMap<PersonId, usize>,
    sprints: HashMap<SprintId, usize>,
    /// Initiative id -> positions of its stories, in id order.
    stories_of: HashMap<InitiativeId, Vec<usize>>,
}

/// The parts a [`Site`] is assembled from.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    pub initiatives: Vec<Arc<Initiative>>,
    pub stories: Vec<Arc<Story>>,
    pub docs: Vec<Arc<DocPage>>,
    pub roadmap_intro: Option<Arc<Intro>>,
    pub backlog_intro: Option<Arc<Intro>>,
    pub statics: Vec<StaticFile>,
    pub assets: Vec<StaticFile>,
    pub disk: Disk,
}

/// As on GitHub, a docs folder's `README.md` is the folder's page when the folder has
/// no `index.md` or `_index.md`.
fn readmes_stand_for_their_folder(docs: &mut [Arc<DocPage>]) {
    let folder = |rel: &str| rel.rsplit_once('/').map_or(String::new(), |(f, _)| f.to_owned());
    let name = |rel: &str| rel.rsplit_once('/').map_or(rel, |(_, n)| n).to_owned();
    let indexed: std::collections::HashSet<String> = docs
        .iter()
        .map(|d| &d.doc.source.rel)
        .filter(|r| matches!(name(r).as_str(), "index.md" | "_index.md"))
        .map(|r| folder(r))
        .collect();
    for doc in docs.iter_mut() {
        let rel = &doc.doc.source.rel;
        if name(rel) == "README.md" && !indexed.contains(&folder(rel)) {
            let url = crate::urls::doc_folder(&folder(rel));
            *doc = Arc::new(DocPage { url, ..(**doc).clone() });
        }
    }
}

impl Site {
    /// Assembles a site, sorting items and indexing the first holder of each id
    /// (duplicates are reported by validation).
    pub fn new(root: PathBuf, config: Arc<Config>, mut parts: Parts) -> Site {
        parts.initiatives.sort_by(|a, b| (&a.id, &a.doc.source.rel).cmp(&(&b.id, &b.doc.source.rel)));
        parts.stories.sort_by(|a, b| (&a.id, &a.doc.source.rel).cmp(&(&b.id, &b.doc.source.rel)));
        parts.docs.sort_by(|a, b| a.doc.source.rel.cmp(&b.doc.source.rel));
        parts.statics.sort_by(|a, b| a.output.cmp(&b.output));
        parts.assets.sort_by(|a, b| a.rel.cmp(&b.rel));
        readmes_stand_for_their_folder(&mut parts.docs);
        let mut index = Index::default();
        for (i, item) in parts.initiatives.iter().enumerate() {
            index.initiatives.entry(item.id.clone()).or_insert(i);
        }
        for (i, item) in parts.stories.iter().enumerate() {
            index.stories.entry(item.id.clone()).or_insert(i);
            if let Some(initiative) = &item.initiative {
                index.stories_of.entry(initiative.clone()).or_default().push(i);
            }
        }
        for (i, person) in config.team.iter().enumerate() {
            index.people.entry(person.id.clone()).or_insert(i);
        }
        for (i, sprint) in config.sprints.iter().enumerate() {
            index.sprints.entry(sprint.id.clone()).or_insert(i);
        }
        let mut site = Site {
            root,
            config,
            initiatives: parts.initiatives,
            stories: parts.stories,
            docs: parts.docs,
            roadmap_intro: parts.roadmap_intro,
            backlog_intro: parts.backlog_intro,
            statics: parts.statics,
            assets: parts.assets,
            disk: parts.disk,
            files: Files::default(),
            index,
        };
        site.files = Files::of(&site);
        site
    }

    /// Every Markdown document of the site: items, docs and section intros.
    pub fn documents(&self) -> impl Iterator<Item = &crate::frontmatter::Document> {
        let intros = self.roadmap_intro.iter().chain(&self.backlog_intro).map(|i| &*i.doc);
        let items = self.initiatives.iter().map(|i| &*i.doc).chain(self.stories.iter().map(|s| &*s.doc));
        items.chain(self.docs.iter().map(|d| &*d.doc)).chain(intros)
    }

    /// The initiative with this id.
    pub fn initiative(&self, id: &str) -> Option<&Arc<Initiative>> {
        self.index.initiatives.get(id).map(|&i| &self.initiatives[i])
    }

    /// The story with this id.
    pub fn story(&self, id: &str) -> Option<&Arc<Story>> {
        self.index.stories.get(id).map(|&i| &self.stories[i])
    }

    /// The team member with this id.
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.index.people.get(id).map(|&i| &self.config.team[i])
    }

    /// The sprint with this id.
    pub fn sprint(&self, id: &str) -> Option<&Sprint> {
        self.index.sprints.get(id).map(|&i| &self.config.sprints[i])
    }

    /// The stories of an initiative, in id order.
    pub fn stories_of<'a>(&'a self, initiative: &InitiativeId) -> impl Iterator<Item = &'a Arc<Story>> + 'a {
        self.index.stories_of.get(initiative).into_iter().flatten().map(|&i| &self.stories[i])
    }
}
