//! broken-link: relative Markdown links to `.md` files must name a page of the site.

use crate::diag::{Diagnostic, Rule};
use crate::frontmatter::Document;
use crate::model::Site;
use std::collections::HashSet;

/// broken-link: every relative link to a `.md` file resolves to a content file.
pub fn broken_link(site: &Site, out: &mut Vec<Diagnostic>) {
    let intros = site.roadmap_intro.iter().chain(&site.backlog_intro).map(|i| &*i.doc);
    let pages: HashSet<&str> = site
        .initiatives
        .iter()
        .map(|i| &*i.doc)
        .chain(site.stories.iter().map(|s| &*s.doc))
        .chain(site.docs.iter().map(|d| &*d.doc))
        .chain(intros)
        .map(|doc| doc.source.rel.as_str())
        .collect();
    let docs = site
        .initiatives
        .iter()
        .map(|i| &*i.doc)
        .chain(site.stories.iter().map(|s| &*s.doc))
        .chain(site.docs.iter().map(|d| &*d.doc));
    for doc in docs.chain(site.roadmap_intro.iter().chain(&site.backlog_intro).map(|i| &*i.doc)) {
        check_document(doc, &pages, out);
    }
}

fn check_document(doc: &Document, pages: &HashSet<&str>, out: &mut Vec<Diagnostic>) {
    for link in doc.md_links() {
        let target = link.resolve(&doc.source.rel);
        if target.as_deref().is_some_and(|t| pages.contains(t)) {
            continue;
        }
        let start = doc.body_offset() + link.offset;
        let location = doc.source.locate(start, start + link.len);
        let message = match &target {
            Some(t) => format!("link to `{}` does not lead to a page: {t} is not in the site", link.dest),
            None => format!("link to `{}` climbs above the site folder", link.dest),
        };
        let help =
            "links to .md files are resolved from this file's folder, as on GitHub; fix the path or remove the link";
        out.push(Diagnostic::at(Rule::BrokenLink, &doc.source, location, message).help(help));
    }
}
