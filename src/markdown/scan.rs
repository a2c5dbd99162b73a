//! What a body says about other files: every link and image it contains (Markdown,
//! reference definitions and raw HTML), with its position, and the ids a fragment can
//! name (headings as GitHub numbers them, `id`s of raw HTML, footnotes). Found once per
//! document and shared by validation and rendering.

use super::html::{self, StartTag};
use super::slug::HeadingIds;
use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::ops::Range;

/// Whether a reference leads somewhere or shows something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    Link,
    Image,
}

/// One link or image written in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub kind: RefKind,
    /// The URL as written (character references of raw HTML decoded).
    pub dest: String,
    /// Byte range in the body, for diagnostics.
    pub span: Range<usize>,
    /// For images: whether alt text is given (an explicit empty `alt=""` counts).
    pub has_alt: bool,
}

/// Links and ids of one body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub links: Vec<LinkRef>,
    pub ids: HashSet<String>,
}

/// Scans a Markdown body.
pub fn scan(body: &str) -> Scan {
    let mut scanner = Scanner::default();
    let mut parser = Parser::new_ext(body, super::options()).into_offset_iter();
    for (event, range) in parser.by_ref() {
        scanner.push(event, range);
    }
    let mut scan = scanner.scan;
    scan_definitions(parser.reference_definitions(), &mut scan);
    scan.links.sort_by_key(|l| (l.span.start, l.span.end));
    // Every document keeps its scan while the site lives: no room to grow.
    scan.links.shrink_to_fit();
    scan.ids.shrink_to_fit();
    scan
}

/// What the scan keeps track of between events.
#[derive(Default)]
struct Scanner {
    scan: Scan,
    headings: HeadingIds,
    /// The open heading: its written id and its text so far.
    heading: Option<(Option<String>, String)>,
    /// The open image and its alt text so far.
    image: Option<(LinkRef, String)>,
    /// The open HTML block's text, and where each of its pieces starts in it and in the body.
    html_block: Option<(String, Vec<(usize, usize)>)>,
}

impl Scanner {
    fn push(&mut self, event: Event, range: Range<usize>) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => self.heading = Some((id.map(|i| i.to_string()), String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((written, text)) = self.heading.take() {
                    self.scan.ids.insert(self.headings.next(written.as_deref(), &text));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = &mut self.heading {
                    text.push_str(&t);
                }
                if let Some((_, alt)) = &mut self.image {
                    alt.push_str(&t);
                }
            }
            Event::Start(Tag::Link { link_type, dest_url, .. }) if is_inline(link_type) => {
                let link = LinkRef { kind: RefKind::Link, dest: dest_url.to_string(), span: range, has_alt: true };
                self.scan.links.push(link);
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let link = LinkRef { kind: RefKind::Image, dest: dest_url.to_string(), span: range, has_alt: true };
                self.image = Some((link, String::new()));
            }
            Event::End(TagEnd::Image) => {
                if let Some((mut link, alt)) = self.image.take() {
                    link.has_alt = !alt.trim().is_empty();
                    self.scan.links.push(link);
                }
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.scan.ids.insert(label.to_string());
            }
            Event::Start(Tag::HtmlBlock) => self.html_block = Some((String::new(), vec![])),
            Event::Html(text) => match &mut self.html_block {
                Some((buffer, map)) => {
                    map.push((buffer.len(), range.start));
                    buffer.push_str(&text);
                }
                None => scan_html(&text, &[(0, range.start)], &mut self.scan),
            },
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((buffer, map)) = self.html_block.take() {
                    scan_html(&buffer, &map, &mut self.scan);
                }
            }
            Event::InlineHtml(text) => scan_html(&text, &[(0, range.start)], &mut self.scan),
            _ => {}
        }
    }
}

/// Links whose URL is written where they are (a reference's URL is checked once, at
/// its definition).
fn is_inline(link_type: LinkType) -> bool {
    matches!(link_type, LinkType::Inline)
}

fn scan_definitions(defs: &pulldown_cmark::RefDefs, scan: &mut Scan) {
    for (_, def) in defs.iter() {
        scan.links.push(LinkRef {
            kind: RefKind::Link,
            dest: def.dest.to_string(),
            span: def.span.clone(),
            has_alt: true,
        });
    }
}

/// Links, images and ids of a piece of raw HTML; `map` gives, for each piece of the
/// text, its start in the text and in the body.
fn scan_html(text: &str, map: &[(usize, usize)], scan: &mut Scan) {
    let body_offset = |at: usize| {
        let (text_start, body_start) = map.iter().rev().find(|(t, _)| *t <= at).copied().unwrap_or((0, 0));
        body_start + at - text_start
    };
    for tag in html::start_tags(text) {
        // `name` is not an anchor in HTML5 (and sanitising removes it): only `id` counts.
        if let Some(id) = tag.attr("id").and_then(|a| a.value.clone()) {
            scan.ids.insert(id);
        }
        let Some(url) = html::url_attr(&tag).and_then(|a| a.value.clone()) else { continue };
        let span = body_offset(tag.range.start)..body_offset(tag.range.end);
        scan.links.push(LinkRef {
            kind: kind_of(&tag),
            dest: url,
            span,
            has_alt: tag.name != "img" || tag.attr("alt").is_some(),
        });
    }
}

fn kind_of(tag: &StartTag) -> RefKind {
    if tag.name == "img" { RefKind::Image } else { RefKind::Link }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_kind_of_link_with_its_position() {
        let body = "[a](x.md) ![logo](img/l.png) ![](n.png)\n\n[ref][r]\n\n[r]: docs/y.md\n\n<img src=\"h.png\">\n<a\nhref=\"z.html\">z</a>\n";
        let s = scan(body);
        let found: Vec<_> =
            s.links.iter().map(|l| (l.kind, l.dest.as_str(), &body[l.span.clone()], l.has_alt)).collect();
        assert_eq!(
            found,
            [
                (RefKind::Link, "x.md", "[a](x.md)", true),
                (RefKind::Image, "img/l.png", "![logo](img/l.png)", true),
                (RefKind::Image, "n.png", "![](n.png)", false),
                (RefKind::Link, "docs/y.md", "[r]: docs/y.md", true),
                (RefKind::Image, "h.png", "<img src=\"h.png\">", false),
                (RefKind::Link, "z.html", "<a\nhref=\"z.html\">", true),
            ]
        );
    }

    #[test]
    fn ids_are_headings_and_html_ids() {
        let s =
            scan("# Intro\n\n## Intro\n\n## Where's the -> Operator?\n\n<span id=\"here\"></span>\n\n## X {#custom}\n");
        for id in ["intro", "intro-1", "wheres-the---operator", "here", "custom"] {
            assert!(s.ids.contains(id), "{id}: {:?}", s.ids);
        }
    }

    #[test]
    fn code_is_not_scanned() {
        let s = scan("```\n[a](x.md) <img src=y.png>\n```\n\n`[b](z.md)`\n");
        assert!(s.links.is_empty(), "{:?}", s.links);
    }
}
