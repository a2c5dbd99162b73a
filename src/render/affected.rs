//! Which pages an edit can change, so `serve` re-renders only those (SPEC §9).
//! List pages and data files are always looked at again (each kept while what it shows
//! is the same, see `render::Fragments`); item pages only when an item they show changed.

use super::pages::Page;
use crate::frontmatter::Document;
use crate::model::{Initiative, Site, Story};
use std::collections::HashSet;
use std::sync::Arc;

/// Whether an edit changed the ids a fragment can name (links from other pages keep or
/// drop their `#fragment` by them).
fn anchors_moved(old: &Document, new: &Document) -> bool {
    old.scan().ids != new.scan().ids
}

/// The item pages to re-render after an edit.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Affected {
    pub stories: HashSet<String>,
    pub initiatives: HashSet<String>,
    pub people: HashSet<String>,
    pub sprints: HashSet<String>,
    pub docs: bool,
}

impl Affected {
    /// The pages `changed` (site paths of edited files) can affect, or `None` when the
    /// edit changes the set of pages (added, removed or renamed items, new ids, changed
    /// visibility) or the anchors other pages may link to (headings), which needs a
    /// full render.
    pub fn between(old: &Site, new: &Site, changed: &[String]) -> Option<Affected> {
        let mut affected = Affected::default();
        for rel in changed {
            if let Some((o, n)) = find(&old.stories, &new.stories, rel, |s| &s.doc.source.rel) {
                if o.id != n.id || o.visibility != n.visibility || anchors_moved(&o.doc, &n.doc) {
                    return None;
                }
                affected.story(old, o);
                affected.story(new, n);
                if moves_forecast(o, n) {
                    affected.every_initiative(new);
                }
            } else if let Some((o, n)) = find(&old.initiatives, &new.initiatives, rel, |i| &i.doc.source.rel) {
                if o.id != n.id || o.visibility != n.visibility || anchors_moved(&o.doc, &n.doc) {
                    return None;
                }
                affected.initiative(old, o);
                affected.initiative(new, n);
            } else if let Some((o, n)) = find(&old.docs, &new.docs, rel, |d| &d.doc.source.rel) {
                if o.url != n.url || o.visibility != n.visibility || anchors_moved(&o.doc, &n.doc) {
                    return None;
                }
                affected.docs = true;
                affected.people.extend(o.owner.iter().chain(&n.owner).map(|p| p.0.clone()));
            } else if intro(old, rel).zip(intro(new, rel)).is_none_or(|(o, n)| anchors_moved(o, n)) {
                return None;
            }
        }
        Some(affected)
    }

    fn story(&mut self, site: &Site, s: &Story) {
        self.stories.insert(s.id.0.clone());
        self.stories.extend(s.depends_on.iter().map(|d| d.0.clone()));
        self.stories.extend(site.stories.iter().filter(|o| o.depends_on.contains(&s.id)).map(|o| o.id.0.clone()));
        self.people.extend(s.product_owner.iter().map(|p| p.0.clone()));
        self.sprints.extend(s.sprint.iter().map(|x| x.0.clone()));
        if let Some(i) = s.initiative.as_ref().and_then(|id| site.initiative(id.as_str())) {
            self.initiatives.insert(i.id.0.clone());
            self.people.extend(i.product_manager.iter().map(|p| p.0.clone()));
        }
    }

    fn initiative(&mut self, site: &Site, i: &Initiative) {
        self.initiatives.insert(i.id.0.clone());
        self.initiatives.extend(i.depends_on.iter().map(|d| d.0.clone()));
        self.initiatives
            .extend(site.initiatives.iter().filter(|o| o.depends_on.contains(&i.id)).map(|o| o.id.0.clone()));
        self.people.extend(i.product_manager.iter().map(|p| p.0.clone()));
        for s in site.stories_of(&i.id) {
            self.stories.insert(s.id.0.clone());
            self.people.extend(s.product_owner.iter().map(|p| p.0.clone()));
            self.sprints.extend(s.sprint.iter().map(|x| x.0.clone()));
        }
    }

    /// Every initiative page and every person page (their cards): the forecast ties
    /// each initiative to the order and velocity of every backlog.
    fn every_initiative(&mut self, site: &Site) {
        self.initiatives.extend(site.initiatives.iter().map(|i| i.id.0.clone()));
        self.people.extend(site.config.team.iter().map(|p| p.id.0.clone()));
    }

    /// Whether a page must be rendered again.
    pub fn includes(&self, page: &Page) -> bool {
        match page {
            Page::Initiative(i) => self.initiatives.contains(i.id.as_str()),
            Page::Story(s) => self.stories.contains(s.id.as_str()),
            Page::Person(p) => self.people.contains(p.id.as_str()),
            Page::Sprint(s) => self.sprints.contains(s.id.as_str()),
            Page::Doc(_) => self.docs,
            Page::Home
            | Page::Roadmap
            | Page::Backlog
            | Page::Team
            | Page::Sprints
            | Page::Changelog
            | Page::Changes
            | Page::NotFound => true,
        }
    }
}

/// Whether an edit of a story can move the forecast (SPEC §12): its place in a
/// backlog, its points, its state or what it waits for.
fn moves_forecast(old: &Story, new: &Story) -> bool {
    old.forecast_inputs() != new.forecast_inputs()
}

/// The section intro (`roadmap/_index.md`, `backlog/_index.md`) stored in `rel`.
fn intro<'a>(site: &'a Site, rel: &str) -> Option<&'a Document> {
    site.roadmap_intro.iter().chain(&site.backlog_intro).map(|i| &*i.doc).find(|d| d.source.rel == rel)
}

/// The old and new versions of the item stored in `rel`, if both exist.
fn find<'a, T>(
    old: &'a [Arc<T>],
    new: &'a [Arc<T>],
    rel: &str,
    path: impl Fn(&T) -> &String,
) -> Option<(&'a T, &'a T)> {
    let o = old.iter().find(|x| path(x) == rel)?;
    let n = new.iter().find(|x| path(x) == rel)?;
    Some((o, n))
}
