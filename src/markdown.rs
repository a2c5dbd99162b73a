//! Markdown to HTML: CommonMark plus tables, task lists, strikethrough, footnotes and
//! heading ids; links to `.md` files become page links; unsafe URLs and raw HTML are
//! neutralised unless the site sets `unsafe_html: true`.

use crate::urls;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A relative link to a `.md` file, as written in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MdLink {
    pub dest: String,
    /// Byte range of the whole link in the body.
    pub offset: usize,
    pub len: usize,
}

impl MdLink {
    /// The site path of the linked file, resolved from `from` (the linking file).
    pub fn resolve(&self, from: &str) -> Option<String> {
        md_target(&self.dest).and_then(|(path, _)| urls::resolve(from, &path))
    }
}

/// The decoded path and the `#fragment` of a relative link to a `.md` file.
fn md_target(dest: &str) -> Option<(String, &str)> {
    if dest.starts_with('/') || dest.starts_with('#') || scheme(dest).is_some() {
        return None;
    }
    let (path, fragment) = dest.split_once('#').map_or((dest, ""), |(p, f)| (p, f));
    let path = path.split('?').next().unwrap_or(path);
    let decoded = urls::percent_decode(path);
    decoded.to_ascii_lowercase().ends_with(".md").then_some((decoded, fragment))
}

/// Every relative `.md` link (and image) of a body, with its position.
pub fn md_links(body: &str) -> Vec<MdLink> {
    let mut out = vec![];
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, link_type, .. }) = event
            && !matches!(link_type, LinkType::Email | LinkType::Autolink)
            && md_target(&dest_url).is_some()
        {
            out.push(MdLink { dest: dest_url.to_string(), offset: range.start, len: range.len() });
        }
    }
    out
}

/// The lowercase scheme of a URL (`javascript`, `https`...), ignoring whitespace and
/// control characters the way browsers do.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    let end = cleaned.find([':', '/', '?', '#'])?;
    (cleaned.as_bytes()[end] == b':' && end > 0).then(|| cleaned[..end].to_ascii_lowercase())
}

/// Whether a URL may appear in a link or image: relative, or http(s), mailto, tel.
pub fn is_safe_url(url: &str) -> bool {
    scheme(url).is_none_or(|s| matches!(s.as_str(), "http" | "https" | "mailto" | "tel"))
}

/// What a page's Markdown needs to know about the site.
pub struct Context<'a> {
    /// Site path of the Markdown file (for resolving relative links).
    pub source: &'a str,
    /// Output file of the page (for relative hrefs back to the root).
    pub page_file: &'a str,
    /// Site path of each `.md` page -> its output folder.
    pub pages: &'a HashMap<String, String>,
    pub unsafe_html: bool,
}

/// A heading of a rendered body, for tables of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// Rendered HTML and the headings it contains.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
}

/// Renders a Markdown body into safe HTML.
pub fn render(body: &str, cx: &Context) -> Rendered {
    let mut raw_html = false;
    let mut ids = HashSet::new();
    let mut headings = vec![];
    let mut events: Vec<Event> = Vec::with_capacity(body.len() / 16);
    let mut heading: Option<usize> = None;
    let mut heading_text = String::new();
    // For each open link: whether it was kept (links to pages that are not in this
    // build, such as internal pages of a public build, become plain text).
    let mut links: Vec<bool> = vec![];
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                raw_html = true;
                events.push(event);
            }
            Event::Start(Tag::Heading { .. }) => {
                heading = Some(events.len());
                heading_text.clear();
                events.push(event);
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(start) = heading.take() {
                    let id = finish_heading(&mut events[start], &heading_text, &mut ids);
                    events.push(Event::InlineHtml(
                        format!(r##" <a class="anchor" href="#{id}" aria-label="Link to this section">#</a>"##).into(),
                    ));
                    headings.push(Heading { level: heading_level(level), id, text: heading_text.trim().to_owned() });
                }
                events.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) if heading.is_some() => {
                heading_text.push_str(t);
                events.push(event);
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => match rewrite(dest_url, cx) {
                Some(dest_url) => {
                    links.push(true);
                    events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                }
                None => links.push(false),
            },
            Event::End(TagEnd::Link) => {
                if links.pop().unwrap_or(true) {
                    events.push(event);
                }
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let dest_url = if is_safe_url(&dest_url) { dest_url } else { CowStr::Borrowed("#") };
                events.push(Event::Start(Tag::Image { link_type, dest_url, title, id }));
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if raw_html && !cx.unsafe_html {
        html = sanitize(&html);
    }
    Rendered { html, headings }
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// Gives a heading its id (the written `{#id}` or a slug of its text), unique in the page.
fn finish_heading(start: &mut Event, text: &str, ids: &mut HashSet<String>) -> String {
    let Event::Start(Tag::Heading { id, .. }) = start else { return String::new() };
    let base = match id {
        Some(written) => written.to_string(),
        None => heading_slug(text),
    };
    let mut unique = base.clone();
    let mut n = 1;
    while !ids.insert(unique.clone()) {
        unique = format!("{base}-{n}");
        n += 1;
    }
    *id = Some(unique.clone().into());
    unique
}

/// A heading's anchor: lowercase words joined by `-`.
pub fn heading_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() && !out.ends_with('-') {
            out.push('-');
        }
    }
    if out.is_empty() { "section".into() } else { out }
}

/// Rewrites a link: `.md` files to their page, unsafe schemes to `#`; `None` drops
/// the link (keeping its text) when the `.md` file is not a page of this build.
fn rewrite<'a>(dest: CowStr<'a>, cx: &Context) -> Option<CowStr<'a>> {
    if !is_safe_url(&dest) {
        return Some(CowStr::Borrowed("#"));
    }
    let Some((path, fragment)) = md_target(&dest) else { return Some(dest) };
    let folder = urls::resolve(cx.source, &path).and_then(|p| cx.pages.get(&p))?;
    let mut href = format!("{}{}", urls::root_prefix(cx.page_file), urls::page_file(folder));
    if !fragment.is_empty() {
        href.push('#');
        href.push_str(fragment);
    }
    Some(href.into())
}

/// Whether `text` renders as itself: one line starting with a letter and holding no
/// character Markdown or HTML gives a meaning to. Most titles are such text, and a
/// site shows every title several times, so they skip the parser.
fn is_plain_text(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_alphabetic)
        && text == text.trim_end()
        && !text.chars().any(|c| c.is_control() || "\\`*_[]<>&!#~|".contains(c))
}

/// Inline Markdown of a front-matter text (title, outcome, criterion), without the
/// paragraph around it.
pub fn inline(text: &str, unsafe_html: bool) -> String {
    if is_plain_text(text) {
        return text.to_owned();
    }
    let pages = HashMap::new();
    let cx = Context { source: "", page_file: "", pages: &pages, unsafe_html };
    let html = render(text, &cx).html;
    let trimmed = html.trim_end();
    let inner = trimmed.strip_prefix("<p>").and_then(|h| h.strip_suffix("</p>")).filter(|h| !h.contains("<p>"));
    inner.unwrap_or(trimmed).to_owned()
}

/// The plain text of Markdown, for `<title>`, feeds and the search index. Blocks
/// (paragraphs, headings, list items, table cells) are separated by a space, so their
/// words do not run together.
pub fn plain(text: &str) -> String {
    if is_plain_text(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) if !out.ends_with(' ') => out.push(' '),
            _ => {}
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// How much of a body the search index keeps, in characters.
pub const EXCERPT_CHARS: usize = 300;

/// The first words of a body as plain text, for the search index. Only a prefix of
/// the Markdown (cut at a blank line) is parsed: the index keeps a few hundred
/// characters, not whole pages.
pub fn excerpt(body: &str) -> String {
    let plain = plain(markdown_prefix(body, EXCERPT_CHARS * 4));
    let mut words = String::new();
    for word in plain.split_whitespace() {
        if words.len() + word.len() > EXCERPT_CHARS {
            break;
        }
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(word);
    }
    words
}

/// `text` up to the first blank line after `min` bytes (all of it when shorter).
fn markdown_prefix(text: &str, min: usize) -> &str {
    let mut start = min.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    match text[start..].find("\n\n") {
        Some(i) => &text[..start + i],
        None => text,
    }
}

/// Removes scripts, styles, event handlers, unsafe URLs, `<base>`, forms and frames.
fn sanitize(html: &str) -> String {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let cleaner = CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["class", "id", "aria-label", "align"])
            .add_tags(["input"])
            .add_tag_attribute_values("input", "type", ["checkbox"])
            .add_tag_attributes("input", ["checked", "disabled"])
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
            .link_rel(Some("noopener noreferrer"));
        b
    });
    cleaner.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(body: &str) -> String {
        let pages = HashMap::from([("backlog/CHK-2.md".to_owned(), "backlog/chk-2".to_owned())]);
        let cx = Context {
            source: "backlog/a/CHK-1.md",
            page_file: "backlog/chk-1/index.html",
            pages: &pages,
            unsafe_html: false,
        };
        render(body, &cx).html
    }

    #[test]
    fn md_links_become_page_links() {
        assert!(html("[x](../CHK-2.md#ac)").contains(r#"href="../../backlog/chk-2/index.html#ac""#));
        assert!(html("[x](https://example.com/a.md)").contains(r#"href="https://example.com/a.md""#));
    }

    #[test]
    fn links_to_pages_outside_the_build_become_text() {
        let out = html("see [the plan](../Secret-Plan.md) now");
        assert!(out.contains("see the plan now"), "{out}");
        assert!(!out.contains("Secret"));
    }

    #[test]
    fn unsafe_things_do_not_survive() {
        for body in [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "[x](JaVa\tScRiPt:alert(1))",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "![x](javascript:alert(1))",
            "<style>body{display:none}</style>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<form action=\"/x\"><input name=a></form>",
            "<base href=\"https://evil.example/\">",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        ] {
            let out = html(body).to_lowercase();
            for bad in ["<script", "javascript:", "onerror", "<style", "<iframe", "<form", "<base", "data:text"] {
                assert!(!out.contains(bad), "{body:?} gave {out:?}");
            }
        }
    }

    /// Found by the markdown fuzz target (a false alarm of its first oracle): the text
    /// "javascript:" inside a relative path is a path, not a script URL.
    #[test]
    fn script_scheme_text_inside_a_relative_path_is_a_path() {
        let out = html(
            "<script>alert(1)</script>\n[x](javascript:alert(1)) [y](../C`HKjavascript:alert(1)) <img sr=cx onerror=alert(1)>",
        );
        assert!(out.contains(r##"<a href="#""##), "{out}");
        assert!(out.contains(r#"href="../C%60HKjavascript:alert(1)""#), "{out}");
        assert!(!out.contains("<script") && !out.contains("onerror"), "{out}");
    }

    #[test]
    fn headings_get_unique_ids_and_anchors() {
        let out = html("# Intro\n\n## Intro\n\n## Custom {#here}\n");
        assert!(out.contains(r#"<h1 id="intro">"#));
        assert!(out.contains(r#"<h2 id="intro-1">"#));
        assert!(out.contains(r#"<h2 id="here">"#));
        assert!(out.contains(r##"href="#intro-1""##));
    }

    #[test]
    fn task_lists_and_tables_render() {
        let out = html("- [x] done\n- [ ] todo\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(out.contains("checkbox"));
        assert!(out.contains("<table>"));
    }

    #[test]
    fn inline_strips_the_paragraph_and_plain_strips_markup() {
        assert_eq!(inline("Cut *abandonment* <b onclick=x>20%</b>", false), "Cut <em>abandonment</em> <b>20%</b>");
        assert_eq!(plain("Cut *abandonment* `x`"), "Cut abandonment x");
        assert_eq!(plain("# Pages\n\nOne.\n\n| a | b |\n|---|---|\n| c | d |\n"), "Pages One. a b c d");
    }

    #[test]
    fn plain_text_fast_path_matches_the_parser() {
        let slow_inline = |t: &str| {
            let pages = HashMap::new();
            let cx = Context { source: "", page_file: "", pages: &pages, unsafe_html: false };
            render(t, &cx).html.trim_end().trim_start_matches("<p>").trim_end_matches("</p>").to_owned()
        };
        for text in [
            "Guest checkout",
            "Pay with \"Apple Pay\" (beta), 2026: v1.2 = 50% off?",
            "Crème brûlée; façade/ünïcode",
            "Cut abandonment by 20 percent",
            "Story 12 - a b",
        ] {
            assert!(is_plain_text(text), "{text}");
            assert_eq!(inline(text, false), slow_inline(text), "{text}");
        }
        for text in [
            "1. first",
            "- item",
            "# heading",
            "a *b*",
            "x_y_",
            "a  \nb",
            "> quote",
            "a <b>",
            "a & b",
            " leading",
            "trailing ",
            "a | b",
            "[x](y)",
            "~~s~~",
            "`c`",
            "a\\b",
            "---",
        ] {
            assert!(!is_plain_text(text), "{text}");
        }
    }

    #[test]
    fn excerpts_parse_only_a_prefix() {
        assert_eq!(markdown_prefix("short", 10), "short");
        assert_eq!(markdown_prefix("aaaa bbbb\n\ncccc", 3), "aaaa bbbb");
        assert_eq!(markdown_prefix("é\n\nx", 1), "é");
        let long = "word ".repeat(400);
        assert!(excerpt(&long).len() <= EXCERPT_CHARS);
        assert_eq!(excerpt("# Title\n\nSome *text*."), "Title Some text.");
    }

    #[test]
    fn finds_relative_md_links_only() {
        let links = md_links("[a](x.md) [b](https://e.com/y.md) [c](#top) [d](My%20Page.md#s) [e](/abs.md)");
        let dests: Vec<_> = links.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(dests, ["x.md", "My%20Page.md#s"]);
        assert_eq!(links[1].resolve("docs/index.md").as_deref(), Some("docs/My Page.md"));
    }
}
