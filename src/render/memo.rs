//! What a render keeps for the next one (serve): values made from items, kept while
//! the item and whatever else they show are the same. The caches of `fragments` and
//! of the shared views are made of these.

use rayon::prelude::*;
use std::sync::{Arc, Mutex};

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
        if !keep {
            // Nothing was kept and nothing will be: no key is needed (a one-time build).
            return (0..len).into_par_iter().map(&render).collect();
        }
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
        *self.entries.lock().unwrap_or_else(|p| p.into_inner()) = fresh;
        fragments
    }
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
    }

    #[test]
    fn identity_not_equality_makes_items_the_same() {
        let a = Arc::new(String::from("x"));
        assert_eq!(Same(a.clone()), Same(a));
        assert_ne!(Same(Arc::new(String::from("x"))), Same(Arc::new(String::from("x"))));
    }
}
