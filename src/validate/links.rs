//! The rules about links and images in bodies: broken-link, broken-anchor,
//! link-outside-site and image-without-alt. Where a link leads is decided by
//! [`crate::links`], the same resolver rendering uses.

use crate::diag::{Diagnostic, Rule};
use crate::frontmatter::Document;
use crate::links::{self, Nowhere, Resolver, Target};
use crate::markdown::{LinkRef, RefKind};
use crate::model::{Page, Site};
use crate::urls;

/// Calls `check` with every link of a page, and where it leads.
fn each_link(site: &Site, page: Page, mut check: impl FnMut(&Document, &LinkRef, Target, &Resolver)) {
    let resolver = Resolver::new(site);
    let doc = page.doc();
    for link in &doc.scan().links {
        check(doc, link, resolver.resolve(&doc.source.rel, &link.dest), &resolver);
    }
}

/// A diagnostic at a link of `doc`.
fn at_link(rule: Rule, doc: &Document, link: &LinkRef, message: String, help: String) -> Diagnostic {
    let (start, end) = (doc.body_offset() + link.span.start, doc.body_offset() + link.span.end);
    Diagnostic::at(rule, &doc.source, doc.source.locate(start, end), message).help(help)
}

/// broken-link: every relative link and image leads to a page or a published file.
pub fn broken_link(site: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    each_link(site, page, |doc, link, target, resolver| {
        let Target::Nowhere { path, why } = target else { return };
        let what = if link.kind == RefKind::Image { "image" } else { "link" };
        let (message, help) = match why {
            Nowhere::FolderWithoutPage => (
                format!("{what} `{}` leads to the folder `{path}/`, which has no page", link.dest),
                "link to a file in it, or give the folder an index.md or README.md".to_owned(),
            ),
            Nowhere::Missing => {
                let message = format!("{what} `{}` leads nowhere: `{path}` is not in the site", link.dest);
                let help = match resolver.suggest(&path) {
                    Some(near) => format!("did you mean `{}`?", links::relative(&doc.source.rel, &near)),
                    None => "links are resolved from this file's folder, as on GitHub; fix the path or remove the link"
                        .to_owned(),
                };
                (message, help)
            }
        };
        out.push(at_link(Rule::BrokenLink, doc, link, message, help));
    });
}

/// broken-anchor: a `#fragment` names a heading or an element id of its page.
pub fn broken_anchor(site: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    each_link(site, page, |doc, link, target, resolver| {
        let (fragment, page) = match &target {
            Target::SamePage { fragment } => (fragment, Some(doc.source.rel.as_str())),
            Target::Page { fragment, doc: target_doc, .. } => (fragment, target_doc.as_deref()),
            _ => return,
        };
        let Some(page) = page.filter(|p| resolver.misses_anchor(Some(p), fragment)).and_then(|p| resolver.document(p))
        else {
            return;
        };
        let mut ids: Vec<&str> = page.scan().ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        let id = urls::percent_decode(fragment);
        let help = match crate::diag::did_you_mean(&id, ids.iter().copied()) {
            Some(near) => format!("did you mean `#{near}`?"),
            None if ids.is_empty() => format!("{} has no headings to link to", page.source.rel),
            None if ids.len() <= 8 => format!("the ids of {} are: {}", page.source.rel, ids.join(", ")),
            None => "heading ids are made as on GitHub: lowercase, punctuation dropped, spaces as `-`".to_owned(),
        };
        let message = format!("`#{fragment}` names no heading or id in {}", page.source.rel);
        out.push(at_link(Rule::BrokenAnchor, doc, link, message, help));
    });
}

/// link-outside-site: a link to a file outside the site needs `repository:` to lead somewhere.
pub fn link_outside_site(site: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    each_link(site, page, |doc, link, target, _| {
        let Target::Outside { path, url: Err(why) } = target else { return };
        let message = format!("link `{}` leads outside the site folder, to `{path}`; {why}", link.dest);
        let help = "set `repository:` (url, branch) in charter.yaml to link into the repository, or copy the file into the site".to_owned();
        out.push(at_link(Rule::LinkOutsideSite, doc, link, message, help));
    });
}

/// image-without-alt: every image says what it shows (`alt=""` marks a decorative one).
pub fn image_without_alt(_: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    let doc = page.doc();
    for link in doc.scan().links.iter().filter(|l| l.kind == RefKind::Image && !l.has_alt) {
        let message = format!("image `{}` has no alt text", link.dest);
        let help = "say what the image shows: `![what it shows](path)`, or `alt=\"\"` in HTML for a decorative image"
            .to_owned();
        out.push(at_link(Rule::ImageWithoutAlt, doc, link, message, help));
    }
}
