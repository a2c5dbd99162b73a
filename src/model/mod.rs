//! The typed site: people, sprints, initiatives, stories and docs, with id indexes.
//! No I/O happens here; items keep their [`Document`](crate::frontmatter::Document) so later stages can point at a key.

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
    /// What relative links can lead to, by source path. Shared (like the indexes) so
    /// that a site cloned to replace one item costs no re-indexing.
    pub files: Arc<Files>,
    index: Arc<Index>,
}

/// What one content file turned into.
#[derive(Debug, Clone)]
pub enum Item {
    Initiative(Arc<Initiative>),
    Story(Arc<Story>),
    Doc(Arc<DocPage>),
    RoadmapIntro(Arc<Intro>),
    BacklogIntro(Arc<Intro>),
}

impl Item {
    /// The page this item is.
    pub fn page(&self) -> Page<'_> {
        match self {
            Item::Initiative(i) => Page::Initiative(i),
            Item::Story(s) => Page::Story(s),
            Item::Doc(d) => Page::Doc(d),
            Item::RoadmapIntro(i) | Item::BacklogIntro(i) => Page::Intro(i),
        }
    }

    /// Lets go of the document's body (see [`Document::release`](crate::frontmatter::Document::release)), once it is scanned:
    /// `check` and `build` read each page's body again only to render it, so the whole
    /// Markdown is never held at once (peak memory, SPEC §10). `serve` and `lsp` keep
    /// the texts, which their incremental checks compare. A freshly parsed item is the
    /// only holder of its document; one held elsewhere too keeps its text.
    pub fn release_text(&mut self) {
        let doc = match self {
            Item::Initiative(i) => Arc::get_mut(i).map(|i| &mut i.doc),
            Item::Story(s) => Arc::get_mut(s).map(|s| &mut s.doc),
            Item::Doc(d) => Arc::get_mut(d).map(|d| &mut d.doc),
            Item::RoadmapIntro(i) | Item::BacklogIntro(i) => Arc::get_mut(i).map(|i| &mut i.doc),
        };
        if let Some(doc) = doc.and_then(Arc::get_mut) {
            doc.release();
        }
    }
}

/// One Markdown document of a site, as the item it is.
#[derive(Debug, Clone, Copy)]
pub enum Page<'a> {
    Initiative(&'a Initiative),
    Story(&'a Story),
    Doc(&'a DocPage),
    Intro(&'a Intro),
}

impl<'a> Page<'a> {
    /// The document the page was parsed from.
    pub fn doc(self) -> &'a crate::frontmatter::Document {
        self.shared_doc()
    }

    /// The document, as the site shares it (one allocation per parse of the file).
    pub fn shared_doc(self) -> &'a Arc<crate::frontmatter::Document> {
        match self {
            Page::Initiative(i) => &i.doc,
            Page::Story(s) => &s.doc,
            Page::Doc(d) => &d.doc,
            Page::Intro(i) => &i.doc,
        }
    }
}

/// Where a document's item sits in the site's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Initiative(usize),
    Story(usize),
    Doc(usize),
    RoadmapIntro,
    BacklogIntro,
}

#[derive(Debug, Clone, Default)]
struct Index {
    /// Source path -> its item.
    by_rel: HashMap<String, Slot>,
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
            files: Arc::default(),
            index: Arc::default(),
        };
        site.index = Arc::new(Index::of(&site));
        site.files = Arc::new(Files::of(&site));
        site
    }

    /// Puts `item` in place of the item parsed from the same file, when that keeps the
    /// site's shape: same kind of item, same id, so every output path, link target and
    /// position in the lists holds. Returns `false` (and changes nothing) otherwise;
    /// the site must then be assembled again.
    pub fn replace(&mut self, item: Item) -> bool {
        let Some(&slot) = self.index.by_rel.get(&item.page().doc().source.rel) else { return false };
        match (slot, item) {
            (Slot::Initiative(i), Item::Initiative(new)) if new.id == self.initiatives[i].id => {
                self.initiatives[i] = new;
            }
            (Slot::Story(i), Item::Story(new)) if new.id == self.stories[i].id => {
                let regroup = new.initiative != self.stories[i].initiative;
                self.stories[i] = new;
                if regroup {
                    Arc::make_mut(&mut self.index).stories_of = stories_of(&self.stories);
                }
            }
            // A doc's URL comes from its path and its folder's other files, all unchanged.
            (Slot::Doc(i), Item::Doc(new)) => {
                let url = self.docs[i].url.clone();
                self.docs[i] = if new.url == url { new } else { Arc::new(DocPage { url, ..(*new).clone() }) };
            }
            (Slot::RoadmapIntro, Item::RoadmapIntro(new)) => self.roadmap_intro = Some(new),
            (Slot::BacklogIntro, Item::BacklogIntro(new)) => self.backlog_intro = Some(new),
            _ => return false,
        }
        true
    }

    /// The page parsed from the file at the site path `rel`.
    pub fn page(&self, rel: &str) -> Option<Page<'_>> {
        let page = match *self.index.by_rel.get(rel)? {
            Slot::Initiative(i) => Page::Initiative(&self.initiatives[i]),
            Slot::Story(i) => Page::Story(&self.stories[i]),
            Slot::Doc(i) => Page::Doc(&self.docs[i]),
            Slot::RoadmapIntro => Page::Intro(self.roadmap_intro.as_deref()?),
            Slot::BacklogIntro => Page::Intro(self.backlog_intro.as_deref()?),
        };
        Some(page)
    }

    /// Every page of the site: items, docs and section intros.
    pub fn pages(&self) -> impl Iterator<Item = Page<'_>> {
        let initiatives = self.initiatives.iter().map(|i| Page::Initiative(i));
        let stories = self.stories.iter().map(|s| Page::Story(s));
        let docs = self.docs.iter().map(|d| Page::Doc(d));
        let intros = self.roadmap_intro.iter().chain(&self.backlog_intro).map(|i| Page::Intro(i));
        initiatives.chain(stories).chain(docs).chain(intros)
    }

    /// Every Markdown document of the site: items, docs and section intros.
    pub fn documents(&self) -> impl Iterator<Item = &crate::frontmatter::Document> {
        self.pages().map(Page::doc)
    }

    /// The initiative with this id.
    pub fn initiative(&self, id: &str) -> Option<&Arc<Initiative>> {
        self.initiative_at(id).map(|i| &self.initiatives[i])
    }

    /// Where the initiative with this id is in `initiatives`: what is made for every
    /// initiative in that order is looked up by id with it.
    pub fn initiative_at(&self, id: &str) -> Option<usize> {
        self.index.initiatives.get(id).copied()
    }

    /// The story with this id.
    pub fn story(&self, id: &str) -> Option<&Arc<Story>> {
        self.story_at(id).map(|i| &self.stories[i])
    }

    /// Where the story with this id is in `stories` (see [`Site::initiative_at`]).
    pub fn story_at(&self, id: &str) -> Option<usize> {
        self.index.stories.get(id).copied()
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

impl Index {
    /// Indexes the first holder of each id (duplicates are reported by validation).
    fn of(site: &Site) -> Index {
        let mut index = Index { stories_of: stories_of(&site.stories), ..Index::default() };
        for (i, item) in site.initiatives.iter().enumerate() {
            index.initiatives.entry(item.id.clone()).or_insert(i);
            index.by_rel.insert(item.doc.source.rel.clone(), Slot::Initiative(i));
        }
        for (i, item) in site.stories.iter().enumerate() {
            index.stories.entry(item.id.clone()).or_insert(i);
            index.by_rel.insert(item.doc.source.rel.clone(), Slot::Story(i));
        }
        for (i, doc) in site.docs.iter().enumerate() {
            index.by_rel.insert(doc.doc.source.rel.clone(), Slot::Doc(i));
        }
        let intros = [(&site.roadmap_intro, Slot::RoadmapIntro), (&site.backlog_intro, Slot::BacklogIntro)];
        for (intro, slot) in intros {
            if let Some(intro) = intro {
                index.by_rel.insert(intro.doc.source.rel.clone(), slot);
            }
        }
        for (i, person) in site.config.team.iter().enumerate() {
            index.people.entry(person.id.clone()).or_insert(i);
        }
        for (i, sprint) in site.config.sprints.iter().enumerate() {
            index.sprints.entry(sprint.id.clone()).or_insert(i);
        }
        index
    }
}

/// Initiative id -> positions of its stories, in id order.
fn stories_of(stories: &[Arc<Story>]) -> HashMap<InitiativeId, Vec<usize>> {
    let mut out: HashMap<InitiativeId, Vec<usize>> = HashMap::new();
    for (i, story) in stories.iter().enumerate() {
        if let Some(initiative) = &story.initiative {
            out.entry(initiative.clone()).or_default().push(i);
        }
    }
    out
}
