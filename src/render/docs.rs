//! The docs navigation tree and the prev / next order of doc pages.

use super::escape_markup;
use crate::markdown;
use crate::model::DocPage;
use crate::urls;
use serde::Serialize;
use std::sync::Arc;

/// One entry of the navigation tree.
#[derive(Debug, Clone)]
struct NavNode {
    title: String,
    /// The page of the node; `None` for a folder without an index page.
    url: Option<String>,
    /// `title` and `url` escaped once for all pages: every docs page writes the whole
    /// tree, so escaping them per page made the docs cost grow with their square
    /// (perf at 100,000 stories: 6% of a build in `escape_markup`).
    title_html: String,
    url_html: String,
    children: Vec<NavNode>,
    /// Output folder of the node (`docs/guide`).
    folder: String,
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
        for node in &mut roots {
            node.escape();
            node.flatten(&mut order);
        }
        DocsNav { roots, order }
    }

    /// The output folder of the first page in reading order (the docs home when there is one).
    pub fn first(&self) -> Option<&str> {
        self.order.first().map(|(folder, _)| folder.as_str())
    }

    /// The previous and next pages of the page in `folder`, in reading order.
    pub fn neighbours(&self, folder: &str) -> (Option<Neighbour>, Option<Neighbour>) {
        let at = self.order.iter().position(|(f, _)| f == folder);
        let neighbour =
            |i: usize| self.order.get(i).map(|(f, t)| Neighbour { title: t.clone(), url: urls::page_file(f) });
        let prev = at.and_then(|i| i.checked_sub(1)).and_then(neighbour);
        let next = at.and_then(|i| neighbour(i + 1));
        (prev, next)
    }
}

impl DocsNav {
    /// The navigation tree as HTML for the page in `folder`, linked from `root`: the
    /// top level, and the children of the current page's ancestors. Written here, not
    /// in a template, because every doc page carries it: with hundreds of pages a
    /// template walk of the tree per page dominated the whole build.
    pub fn html(&self, folder: &str, root: &str) -> String {
        let mut out = String::with_capacity(64 * self.order.len());
        write_nodes(&mut out, &self.roots, folder, &escape_markup(root));
        out
    }
}

/// Writes `<ul>` of nodes, opening the branch that holds `folder`. The current page
/// has `aria-current="page"`; it and its ancestors are `li.open`. A folder without a
/// page of its own is a heading over its children, which always show: nothing else
/// leads to them.
fn write_nodes(out: &mut String, nodes: &[NavNode], folder: &str, root: &str) {
    out.push_str("<ul>");
    for node in nodes {
        let current = node.url.is_some() && node.folder == folder;
        let inside = folder.strip_prefix(node.folder.as_str()).is_some_and(|rest| rest.starts_with('/'));
        let open = current || inside && node.folder != "docs";
        out.push_str(if open { "<li class=\"open\">" } else { "<li>" });
        match &node.url {
            Some(_) => {
                out.push_str("<a href=\"");
                out.push_str(root);
                out.push_str(&node.url_html);
                out.push_str(if current { "\" aria-current=\"page\">" } else { "\">" });
                out.push_str(&node.title_html);
                out.push_str("</a>");
            }
            None => {
                out.push_str("<span class=\"docs-nav-group\">");
                out.push_str(&node.title_html);
                out.push_str("</span>");
            }
        }
        if (open || node.url.is_none()) && !node.children.is_empty() {
            write_nodes(out, &node.children, folder, root);
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
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
            title_html: String::new(),
            url_html: String::new(),
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
            title_html: String::new(),
            url_html: String::new(),
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

    /// Fills in the escaped title and URL of the node and its children, once the tree is final.
    fn escape(&mut self) {
        self.title_html = escape_markup(&self.title);
        self.url_html = self.url.as_deref().map(escape_markup).unwrap_or_default();
        for c in &mut self.children {
            c.escape();
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
}
