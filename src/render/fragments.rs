//! What `serve` keeps of one render for the next, so a one-story edit does not
//! serialize ten thousand stories and re-run every list page's template:
//!
//! - per-item fragments of the big data files (`roadmap.json`, the search index): the
//!   bytes an item contributes to a file (its JSON object, its search text), next to
//!   the *key* they were rendered from: the item itself, held by its `Arc` and compared
//!   by identity (parsed items are immutable and re-created when their file changes),
//!   plus every value the fragment takes from elsewhere (URL, forecast, progress);
//! - list pages (home, roadmap, backlog, team, sprints, changelog, changes, 404): the
//!   page, next to its whole template context (typed, so comparing it is cheap);
//! - items' HTML on the longest list pages (backlog rows, changelog entries), by page
//!   and item, next to the view each was rendered from: a page whose context changed
//!   runs its template over a few hundred pieces, not ten thousand rows;
//! - the changelog's entries, by the row or card each shows and its date, and the
//!   forecast, while no story's forecast inputs changed (`plan::KeptPlan`).
//!
//! Since an incremental render has the same pages as the last one, it hands over only
//! the files it made again while the attachments are the same (`render::Handed`): the
//! output map is the last one's with those replaced.
//!
//! A fragment or page is reused only when its key (context) is equal; otherwise it is
//! rendered again. Every render keeps exactly what it rendered, so removed items are
//! forgotten. A full render starts from an empty cache (the session drops it when
//! config, theme, audience, base URL or date change, or when an edit needs a full
//! render), so the output is the bytes a clean build writes: a fragment is the same
//! function of the same values either way. Public builds filter the site before any
//! of this, so no key or fragment ever holds an internal item.

use super::memo::{Memo, Same};
use super::view::{ChangelogEntry, InitiativeCard, Shared, Shown, StoryRow};
use crate::model::{DocPage, Initiative, Person, Story};
use rayon::prelude::*;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The fragments of one site's last render, for the next.
#[derive(Default)]
pub struct Fragments {
    /// Off for a one-time build: nothing is kept.
    off: bool,
    /// List pages by output file, with the context each was rendered from.
    pages: Mutex<HashMap<String, RenderedPage>>,
    /// Items' HTML by list page: each page's [`Snippets`] of its own item type.
    snippets: Mutex<HashMap<String, Box<dyn Any + Send + Sync>>>,
    /// Objects of `roadmap.json`'s `stories`, by the story and its row (URL and
    /// expected sprint; a kept row is the same allocation, so this compares cheaply).
    pub(super) story_json: Memo<(Same<Story>, Shared<StoryRow>)>,
    /// Objects of `roadmap.json`'s `initiatives`, by the initiative and its card
    /// (progress, forecast).
    pub(super) initiative_json: Memo<(Same<Initiative>, Shared<InitiativeCard>)>,
    /// The forecast, while no edit moves it.
    pub(super) plan: super::plan::KeptPlan,
    /// Story rows and initiative cards.
    pub(super) views: super::view::Kept,
    /// The changelog's entries, in its order, by date and what each shows.
    pub(super) changelog: Memo<(Option<crate::model::Date>, Shown), Option<Shared<ChangelogEntry>>>,
    /// The assets each document links to or shows (see `published_assets`).
    pub(super) assets: Memo<Same<crate::frontmatter::Document>, Arc<[String]>>,
    /// Entries of `search-index.json`.
    pub(super) search_entry: Memo<Searched>,
    /// Rows of `search-index.js`, by entry and the index of its status.
    pub(super) search_row: Memo<(Searched, Option<usize>)>,
    /// The entries' texts, as JSON strings, for the text shards.
    pub(super) search_text: Memo<Searched>,
}

/// A page's context (of the type the page's renderer gives) and the bytes its
/// template made of it.
type RenderedPage = (Box<dyn Any + Send + Sync>, Arc<[u8]>);

/// A list page's items by id: each one's view and the HTML made of it.
type Snippets<K> = HashMap<String, (K, Arc<str>)>;

impl Fragments {
    /// Fragments that keep nothing, for a one-time build.
    pub fn off() -> Fragments {
        Fragments { off: true, ..Fragments::default() }
    }

    /// Whether what is rendered now is kept for the next render.
    pub(super) fn keep(&self) -> bool {
        !self.off
    }

    /// The list page `file` from context `cx`: the last render's bytes when its context
    /// was equal, else `render`'s (which may complete the context first).
    pub(super) fn page<C: PartialEq + Send + Sync + 'static, E>(
        &self,
        file: &str,
        mut cx: C,
        render: impl FnOnce(&mut C) -> Result<String, E>,
    ) -> Result<Arc<[u8]>, E> {
        let lock = || self.pages.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((known, bytes)) = lock().get(file)
            && known.downcast_ref::<C>() == Some(&cx)
        {
            return Ok(bytes.clone());
        }
        let bytes: Arc<[u8]> = Arc::from(render(&mut cx)?.into_bytes());
        if !self.off {
            lock().insert(file.to_owned(), (Box::new(cx), bytes.clone()));
        }
        Ok(bytes)
    }
}

impl Fragments {
    /// The HTML of the items `(id, view)` of list page `file`, in order (made in
    /// parallel): the last render's when the item's view was equal, else `render`'s.
    /// Then keeps exactly these items of the page. Each comes with the view it was made
    /// from: the kept one when equal (a `Shared` view keeps its Tera value with it).
    pub(super) fn snippets<K: PartialEq + Clone + Send + Sync + 'static, E: Send>(
        &self,
        file: &str,
        items: Vec<(String, K)>,
        render: impl Fn(&K) -> Result<String, E> + Sync,
    ) -> Result<Vec<(K, Arc<str>)>, E> {
        if self.off {
            // A one-time build: nothing to look up, nothing to keep.
            return items
                .into_par_iter()
                .map(|(_, view)| Ok((Arc::from(render(&view)?), view)).map(|(h, v)| (v, h)))
                .collect();
        }
        let lock = || self.snippets.lock().unwrap_or_else(|p| p.into_inner());
        let old = lock().remove(file).and_then(|kept| kept.downcast::<Snippets<K>>().ok());
        let mut kept = old.map(|kept| *kept).unwrap_or_default();
        let made: Vec<(K, Arc<str>, bool)> = items
            .par_iter()
            .map(|(id, view)| match kept.get(id).filter(|(known, _)| known == view) {
                Some((known, html)) => Ok((known.clone(), html.clone(), false)),
                None => Ok((view.clone(), Arc::from(render(view)?), true)),
            })
            .collect::<Result<_, E>>()?;
        // The kept items are updated in place (an edit changes a few of thousands); when
        // items went, or came under new ids, they are made again from these items.
        let same_ids = kept.len() == items.len()
            && made.iter().zip(&items).all(|((_, _, fresh), (id, _))| !fresh || kept.contains_key(id));
        if !same_ids {
            kept.clear();
        }
        for ((view, html, fresh), (id, _)) in made.iter().zip(items) {
            if *fresh || !same_ids {
                kept.insert(id, (view.clone(), html.clone()));
            }
        }
        lock().insert(file.to_owned(), Box::new(kept));
        Ok(made.into_iter().map(|(view, html, _)| (view, html)).collect())
    }
}

/// What a search entry is made from: the item alone (its URL follows from it). A docs
/// `README.md` standing for its folder gets a new `DocPage` each time the site is
/// assembled, so its entry is always rendered again.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Searched {
    Initiative(Same<Initiative>),
    Story(Same<Story>),
    Doc(Same<DocPage>),
    Person(Person),
}

/// Appends `[a,b,...]` to `out`: a JSON array of already-serialized values.
pub fn json_array(out: &mut Vec<u8>, fragments: &[Arc<str>]) {
    out.reserve(fragments.iter().map(|f| f.len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (n, f) in fragments.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(f.as_bytes());
    }
    out.push(b']');
}

/// Compact JSON of a value, as `serde_json::to_string` writes it.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_join_into_a_json_array() {
        let mut out = vec![];
        json_array(&mut out, &[Arc::from("1"), Arc::from("{}")]);
        assert_eq!(out, b"[1,{}]");
    }

    #[test]
    fn an_item_s_html_is_made_again_only_when_its_view_changes() {
        let fragments = Fragments::default();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let render = |items: &[(&str, u32)]| {
            let items = items.iter().map(|(id, v)| (id.to_string(), *v)).collect();
            fragments.snippets("list.html", items, |v: &u32| {
                calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Ok::<_, ()>(format!("<li>{v}</li>"))
            })
        };
        render(&[("a", 1), ("b", 2)]).unwrap();
        let second = render(&[("b", 2), ("a", 3), ("c", 4)]).unwrap();
        assert_eq!(second.iter().map(|(_, h)| &**h).collect::<Vec<_>>(), ["<li>2</li>", "<li>3</li>", "<li>4</li>"]);
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 4, "b was kept though it moved");
        render(&[("a", 3)]).unwrap();
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 4, "a was kept");
        let again = render(&[("b", 2), ("a", 5)]).unwrap();
        assert_eq!(again.iter().map(|(_, h)| &**h).collect::<Vec<_>>(), ["<li>2</li>", "<li>5</li>"]);
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 6, "b went away, so it is made again");
    }
}
