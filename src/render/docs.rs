//! The docs navigation tree and the prev / next order of doc pages.

use crate::markdown;
use crate::model::DocPage;
use crate::urls;
use serde::Serialize;
use std::sync::Arc;

/// One entry of the navigation tree.
#[derive(Debug, Clone, Serialize)]
pub struct NavNode {
    pub title: String,
    /// The page of the node; `None` for a folder without an index page.
    pub url: Option<String>,
    pub current: bool,
    /// The current page or one of its ancestors.
    pub open: bool,
    pub children: Vec<NavNode>,
    #[serde(skip)]
    folder: String,
    #[serde(skip)]
    order: (bool, i64, String),
}

/// A page's neighbour in reading order.
#[derive(Debug, Clone, Serialize)]
pub struct Neighbour {
    pub title: String,
    pub url: String,
}

/// The docs tree, built once per build.
#[derive(Debug, Clone, Default)]
pub struct DocsNav {
    /// Top-level entries: the docs home first (if any), then its folders and pages.
    roots: Vec<NavNode>,
    /// Output folders of pages in reading order, with titles.
    order: Vec<(String, String)>,
}

impl DocsNav {
    pub fn new(docs: &[Arc<DocPage>]) -> DocsNav {
        let mut home = None;
        let mut tree = NavNode::folder("docs");
        let mut pages: Vec<&Arc<DocPage>> = docs.iter().collect();
        pages.sort_by_key(|d| d.url.matches('/').count());
        for d in pages {
            if d.url == "docs" {
                home = Some(NavNode::page(d));
                continue;
            }
            let segments: Vec<&str> = d.url.split('/').skip(1).collect();
            tree.insert(&segments, d, "docs");
        }
        tree.sort();
        let mut roots: Vec<NavNode> = home.into_iter().collect();
        roots.extend(tree.children);
        let mut order = vec![];
        for node in &roots {
            node.flatten(&mut order);
        }
        DocsNav { roots, order }
    }

    /// The tree with the current page marked, and its previous and next pages.
    pub fn for_page(&self, folder: &str) -> (Vec<NavNode>, Option<Neighbour>, Option<Neighbour>) {
        let mut roots = self.roots.clone();
        for node in &mut roots {
            node.mark(folder);
        }
        let at = self.order.iter().position(|(f, _)| f == folder);
        let neighbour =
            |i: usize| self.order.get(i).map(|(f, t)| Neighbour { title: t.clone(), url: urls::page_file(f) });
        let prev = at.and_then(|i| i.checked_sub(1)).and_then(neighbour);
        let next = at.and_then(|i| neighbour(i + 1));
        (roots, prev, next)
    }
}

impl NavNode {
    fn folder(folder: &str) -> NavNode {
        let name = folder.rsplit('/').next().unwrap_or(folder);
        let mut title: String = name.replace(['-', '_'], " ");
        if let Some(first) = title.get(..1) {
            title = first.to_uppercase() + &title[1..];
        }
        NavNode {
            order: (true, 0, title.to_lowercase()),
            title,
            url: None,
            current: false,
            open: false,
            children: vec![],
            folder: folder.to_owned(),
        }
    }

    fn page(d: &DocPage) -> NavNode {
        let title = markdown::plain(&d.title);
        NavNode {
            order: (d.weight.is_none(), d.weight.unwrap_or(0), title.to_lowercase()),
            title,
            url: Some(urls::page_file(&d.url)),
            current: false,
            open: false,
            children: vec![],
            folder: d.url.clone(),
        }
    }

    fn insert(&mut self, segments: &[&str], d: &DocPage, prefix: &str) {
        let Some((first, rest)) = segments.split_first() else { return };
        let folder = format!("{prefix}/{first}");
        let at = match self.children.iter().position(|c| c.folder == folder) {
            Some(i) => i,
            None => {
                self.children.push(NavNode::folder(&folder));
                self.children.len() - 1
            }
        };
        let child = &mut self.children[at];
        if rest.is_empty() {
            let page = NavNode::page(d);
            child.title = page.title;
            child.url = page.url;
            child.order = page.order;
        } else {
            child.insert(rest, d, &folder);
        }
    }

    fn sort(&mut self) {
        self.children.sort_by(|a, b| (&a.order, &a.folder).cmp(&(&b.order, &b.folder)));
        for c in &mut self.children {
            c.sort();
        }
    }

    fn flatten(&self, out: &mut Vec<(String, String)>) {
        if self.url.is_some() {
            out.push((self.folder.clone(), self.title.clone()));
        }
        for c in &self.children {
            c.flatten(out);
        }
    }

    fn mark(&mut self, folder: &str) -> bool {
        self.current = self.folder == folder && self.url.is_some();
        // Every child must be visited (no short circuit): each one resets its own flags.
        let marks: Vec<bool> = self.children.iter_mut().map(|c| c.mark(folder)).collect();
        let below = marks.contains(&true);
        self.open = self.current || below;
        self.open
    }
}
