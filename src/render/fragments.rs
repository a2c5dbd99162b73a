//! What `serve` keeps of one render for the next, so a one-story edit does not
//! serialize ten thousand stories and re-run every list page's template:
//!
//! - per-item fragments of the big data files (`roadmap.json`, the search index): the
//!   bytes an item contributes to a file (its JSON object, its search text), next to
//!   the *key* they were rendered from: the item itself, held by its `Arc` and compared
//!   by identity (parsed items are immutable and re-created when their file changes),
//!   plus every value the fragment takes from elsewhere (URL, forecast, progress);
//! - list pages (home, roadmap, backlog, team, sprints, changelog, changes, 404): the
//!   page, next to its whole template context.
//!
//! A fragment or page is reused only when its key (context) is equal; otherwise it is
//! rendered again. Every render keeps exactly what it rendered, so removed items are
//! forgotten. A full render starts from an empty cache (the session drops it when
//! config, theme, audience, base URL or date change, or when an edit needs a full
//! render), so the output is the bytes a clean build writes: a fragment is the same
//! function of the same values either way. Public builds filter the site before any
//! of this, so no key or fragment ever holds an internal item.

use super::plan::{ExpectedView, ForecastView};
use crate::metrics::Progress;
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
    /// Objects of `roadmap.json`'s `stories`, by what they show besides the story.
    pub(super) story_json: Memo<(Same<Story>, Option<ExpectedView>)>,
    /// Objects of `roadmap.json`'s `initiatives`.
    pub(super) initiative_json: Memo<(Same<Initiative>, Progress, Option<ForecastView>)>,
    /// Story rows and initiative cards.
    pub(super) views: super::view::Kept,
    /// Entries of `search-index.json`.
    pub(super) search_entry: Memo<Searched>,
    /// The entries' texts, as JSON strings, for the text shards.
    pub(super) search_text: Memo<Searched>,
}

/// A page's context (of the type the page's renderer gives) and the bytes its
/// template made of it.
type RenderedPage = (Box<dyn Any + Send + Sync>, Arc<[u8]>);

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
    /// was equal, else `render`'s.
    pub(super) fn page<C: PartialEq + Send + Sync + 'static, E>(
        &self,
        file: &str,
        cx: C,
        render: impl FnOnce(&C) -> Result<String, E>,
    ) -> Result<Arc<[u8]>, E> {
        let lock = || self.pages.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((known, bytes)) = lock().get(file)
            && known.downcast_ref::<C>() == Some(&cx)
        {
            return Ok(bytes.clone());
        }
        let bytes: Arc<[u8]> = Arc::from(render(&cx)?.into_bytes());
        if !self.off {
            lock().insert(file.to_owned(), (Box::new(cx), bytes.clone()));
        }
        Ok(bytes)
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

/// An item compared by identity: the same allocation is the same immutable value.
/// Holding the `Arc` keeps the allocation alive, so an address is never reused for
/// another item while it is a key.
#[derive(Debug)]
pub struct Same<T>(pub Arc<T>);

impl<T> Clone for Same<T> {
    fn clone(&self) -> Self {
        Same(self.0.clone())
    }
}

impl<T> PartialEq for Same<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Fragments of one kind, in item order. An incremental render has the items of the
/// last one in the same order (adding or removing an item needs a full render), so an
/// item's fragment is looked up by position, and its key says whether it still holds.
/// A fragment is bytes of a data file, or a view many pages share (`V`).
pub struct Memo<K, V = Arc<str>> {
    entries: Mutex<Vec<(K, V)>>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo { entries: Mutex::new(vec![]) }
    }
}

impl<K: PartialEq + Send + Sync, V: Clone + Send + Sync> Memo<K, V> {
    /// The fragments of items `0..len`, in order: the cached one when the item at that
    /// place has the same `key`, else `render`'s. With `keep`, the cache then holds
    /// exactly these items.
    pub fn render(
        &self,
        keep: bool,
        len: usize,
        key: impl Fn(usize) -> K + Sync,
        render: impl Fn(usize) -> V + Sync,
    ) -> Vec<V> {
        let old = std::mem::take(&mut *self.entries.lock().unwrap_or_else(|p| p.into_inner()));
        let fresh: Vec<(K, V)> = (0..len)
            .into_par_iter()
            .map(|n| {
                let key = key(n);
                let kept = old.get(n).filter(|(k, _)| *k == key).map(|(_, f)| f.clone());
                let fragment = kept.unwrap_or_else(|| render(n));
                (key, fragment)
            })
            .collect();
        let fragments = fresh.iter().map(|(_, f)| f.clone()).collect();
        if keep {
            *self.entries.lock().unwrap_or_else(|p| p.into_inner()) = fresh;
        }
        fragments
    }
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
    fn a_fragment_is_rendered_again_only_when_its_key_changes() {
        let memo: Memo<u32> = Memo::default();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let render = |items: &[u32]| {
            let calls = &calls;
            memo.render(
                true,
                items.len(),
                |n| items[n],
                move |n| {
                    calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Arc::<str>::from(format!("<{}>", items[n]))
                },
            )
        };
        let first = render(&[1, 2]);
        let second = render(&[1, 3, 4]);
        assert_eq!(first.iter().map(|f| &**f).collect::<Vec<_>>(), ["<1>", "<2>"]);
        assert_eq!(second.iter().map(|f| &**f).collect::<Vec<_>>(), ["<1>", "<3>", "<4>"]);
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 4, "the first was kept");
        let mut out = vec![];
        json_array(&mut out, &second);
        assert_eq!(out, b"[<1>,<3>,<4>]");
    }

    #[test]
    fn identity_not_equality_makes_items_the_same() {
        let a = Arc::new(String::from("x"));
        assert_eq!(Same(a.clone()), Same(a));
        assert_ne!(Same(Arc::new(String::from("x"))), Same(Arc::new(String::from("x"))));
    }
}
