//! Markdown to HTML: CommonMark plus tables, task lists, strikethrough, footnotes,
//! heading ids, GitHub's alerts and highlighted code blocks; links to `.md` files become
//! page links; unsafe URLs and raw HTML are neutralised unless the site sets
//! `unsafe_html: true`.

mod alerts;
mod highlight;
mod html;
mod scan;
mod slug;

pub use scan::{LinkRef, RefKind, Scan, scan};
pub use slug::github_slug;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use slug::HeadingIds;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
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

/// Where a relative link or image of a body leads, as the site decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Href {
    /// Leave the URL as written (other hosts, `#fragment`s, absolute paths).
    Keep,
    /// Use this URL instead.
    To(String),
    /// Leads nowhere: render the link as its text, the image as its alt text.
    Drop,
}

/// What a body's Markdown needs to know about the site.
pub struct Context<'a> {
    /// Decides each link's and image's URL (called for safe URLs only).
    pub links: &'a dyn Fn(&str, RefKind) -> Href,
    pub unsafe_html: bool,
}

/// A heading of a rendered body, for tables of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// Rendered HTML, the headings it contains and its first words.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// The body's [`excerpt`], taken from the events the HTML is made of: a page's
    /// search entry costs no second parse of its body.
    pub excerpt: String,
}

/// Renders a Markdown body into safe HTML.
pub fn render(body: &str, cx: &Context) -> Rendered {
    let mut events = Events::new(cx, body.len());
    let mut excerpt = Excerpt::default();
    for event in Parser::new_ext(body, options()) {
        excerpt.push(&event);
        events.push(event);
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.out.into_iter());
    if events.raw_html && !cx.unsafe_html {
        html = html::sanitize(&html);
    }
    if events.alerts {
        html = alerts::finish(&html);
    }
    Rendered { html, headings: events.headings, excerpt: excerpt.finish() }
}

/// A body's events on their way to HTML: headings get ids and anchors, links and images
/// their URLs in the site, raw HTML the same rewriting.
struct Events<'a, 'c> {
    cx: &'c Context<'c>,
    out: Vec<Event<'a>>,
    ids: HeadingIds,
    headings: Vec<Heading>,
    /// The open heading's position in `out`, and its text so far.
    heading: Option<(usize, String)>,
    /// For each open link or image: whether it was kept (one leading nowhere, such as a
    /// missing file or an internal page of a public build, becomes its text).
    kept: Vec<bool>,
    /// The lines of the open HTML block, rewritten together (a tag may span lines).
    html_block: Option<String>,
    /// The info string and text of the open code block, highlighted together.
    code: Option<(CowStr<'a>, String)>,
    raw_html: bool,
    /// Whether the body has an alert, to finish after sanitising (see alerts.rs).
    alerts: bool,
}

impl<'a, 'c> Events<'a, 'c> {
    fn new(cx: &'c Context<'c>, body_len: usize) -> Self {
        let out = Vec::with_capacity(body_len / 16);
        Events {
            cx,
            out,
            ids: HeadingIds::default(),
            headings: vec![],
            heading: None,
            kept: vec![],
            html_block: None,
            code: None,
            raw_html: false,
            alerts: false,
        }
    }

    fn push(&mut self, event: Event<'a>) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info,
                    CodeBlockKind::Indented => CowStr::Borrowed(""),
                };
                self.code = Some((info, String::new()));
            }
            Event::Text(text) if self.code.is_some() => {
                if let Some((_, code)) = &mut self.code {
                    code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((info, text)) = self.code.take() {
                    self.out.push(Event::Html(highlight::code_block(&info, &text).into()));
                }
            }
            Event::Start(Tag::HtmlBlock) => self.html_block = Some(String::new()),
            Event::Html(text) if self.html_block.is_some() => self.html_block.get_or_insert_default().push_str(&text),
            Event::End(TagEnd::HtmlBlock) => {
                let block = self.html_block.take().unwrap_or_default();
                self.raw(Event::Html(rewrite_html(&block, self.cx).into()));
            }
            Event::Html(text) | Event::InlineHtml(text) => {
                self.raw(Event::InlineHtml(rewrite_html(&text, self.cx).into()))
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.alerts = true;
                self.out.push(Event::Html(alerts::open(kind).into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => self.out.push(Event::Html(alerts::CLOSE.into())),
            Event::Start(Tag::Heading { .. }) => {
                self.heading = Some((self.out.len(), String::new()));
                self.out.push(event);
            }
            Event::End(TagEnd::Heading(level)) => self.end_heading(level, event),
            Event::Text(ref t) | Event::Code(ref t) if self.heading.is_some() => {
                if let Some((_, text)) = &mut self.heading {
                    text.push_str(t);
                }
                self.out.push(event);
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => self.open_link(event),
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if self.kept.pop().unwrap_or(true) {
                    self.out.push(event);
                }
            }
            other => self.out.push(other),
        }
    }

    fn raw(&mut self, event: Event<'a>) {
        self.raw_html = true;
        self.out.push(event);
    }

    /// Gives the heading its id (the written `{#id}` or GitHub's slug of its text),
    /// unique in the page, and an anchor link.
    fn end_heading(&mut self, level: HeadingLevel, end: Event<'a>) {
        if let Some((start, text)) = self.heading.take()
            && let Event::Start(Tag::Heading { id, .. }) = &mut self.out[start]
        {
            let unique = self.ids.next(id.as_deref(), &text);
            *id = Some(unique.clone().into());
            let anchor = format!(r##" <a class="anchor" href="#{unique}" aria-label="Link to this section">#</a>"##);
            self.out.push(Event::InlineHtml(anchor.into()));
            self.headings.push(Heading { level: heading_level(level), id: unique, text: text.trim().to_owned() });
        }
        self.out.push(end);
    }

    /// A link or image with its URL in the site, or nothing (its text stays) when it
    /// leads nowhere.
    fn open_link(&mut self, event: Event<'a>) {
        let rewritten = match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => rewrite(dest_url, RefKind::Link, self.cx)
                .map(|dest_url| Event::Start(Tag::Link { link_type, dest_url, title, id })),
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => rewrite(dest_url, RefKind::Image, self.cx)
                .map(|dest_url| Event::Start(Tag::Image { link_type, dest_url, title, id })),
            other => Some(other),
        };
        self.kept.push(rewritten.is_some());
        self.out.extend(rewritten);
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// A link's or image's URL in the output: a link with an unsafe scheme leads to `#`;
/// `None` when it leads nowhere (it is then rendered as its text, an image as its alt).
fn rewrite<'a>(dest: CowStr<'a>, kind: RefKind, cx: &Context) -> Option<CowStr<'a>> {
    if !is_safe_url(&dest) {
        return (kind == RefKind::Link).then_some(CowStr::Borrowed("#"));
    }
    match (cx.links)(&dest, kind) {
        Href::Keep => Some(dest),
        Href::To(url) => Some(url.into()),
        Href::Drop => None,
    }
}

/// Rewrites the URLs of raw HTML like those of Markdown: a link to nowhere loses its
/// `href` (its text stays), an image to nowhere becomes its alt text.
fn rewrite_html(text: &str, cx: &Context) -> String {
    html::rewrite_urls(text, |tag, url| {
        if !is_safe_url(url) {
            return html::Rewrite::Keep;
        }
        let kind = if tag.name == "img" { RefKind::Image } else { RefKind::Link };
        match (cx.links)(url, kind) {
            Href::Keep => html::Rewrite::Keep,
            Href::To(new) => html::Rewrite::Url(escape_attr(&new)),
            Href::Drop if kind == RefKind::Image => {
                let alt = tag.attr("alt").and_then(|a| a.value.as_deref()).unwrap_or_default();
                html::Rewrite::ReplaceTag(escape_attr(alt))
            }
            Href::Drop => html::Rewrite::DropAttr,
        }
    })
}

/// Escapes text for an HTML attribute value or text.
fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Appends `text` escaped for an HTML attribute value or text.
fn escape_into(out: &mut String, text: &str) {
    pulldown_cmark_escape::escape_html(out, text).ok();
}

/// Whether `text` renders as itself: one line starting with a letter and holding no
/// character Markdown or HTML gives a meaning to. Most titles are such text, and a
/// site shows every title several times, so they skip the parser.
fn is_plain_text(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_alphabetic)
        && text == text.trim_end()
        && !text.chars().any(|c| c.is_control() || "\\`*_[]<>&!#~|".contains(c))
}

/// The links of a text with no page of its own: relative ones lead nowhere.
fn no_site(dest: &str, _: RefKind) -> Href {
    if is_relative(dest) { Href::Drop } else { Href::Keep }
}

/// Whether a URL is a relative path (not another host, not absolute, not a fragment).
pub fn is_relative(url: &str) -> bool {
    !url.starts_with(['/', '#']) && scheme(url).is_none()
}

/// Inline Markdown of a front-matter text (title, outcome, criterion), without the
/// paragraph around it.
pub fn inline(text: &str, unsafe_html: bool) -> String {
    if is_plain_text(text) {
        return text.to_owned();
    }
    let cx = Context { links: &no_site, unsafe_html };
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
        push_plain(&mut out, &event);
    }
    out.truncate(out.trim_end().len());
    out
}

/// Adds the plain text of one event to `out` (see [`plain`]).
fn push_plain(out: &mut String, event: &Event) {
    match event {
        Event::Text(t) | Event::Code(t) => out.push_str(t),
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

/// How much of a body the search index keeps, in characters.
pub const EXCERPT_CHARS: usize = 300;

/// The first words of a body as plain text, for the search index (a rendered body has
/// it already: [`Rendered::excerpt`]).
pub fn excerpt(body: &str) -> String {
    let mut excerpt = Excerpt::default();
    for event in Parser::new_ext(body, options()) {
        if excerpt.is_full() {
            break;
        }
        excerpt.push(&event);
    }
    excerpt.finish()
}

/// The plain text of a body's first events, up to four times what the excerpt keeps
/// (room for the spaces that collapse), then its first words.
#[derive(Default)]
struct Excerpt {
    plain: String,
}

impl Excerpt {
    fn is_full(&self) -> bool {
        self.plain.len() >= EXCERPT_CHARS * 4
    }

    fn push(&mut self, event: &Event) {
        if !self.is_full() {
            push_plain(&mut self.plain, event);
        }
    }

    fn finish(self) -> String {
        let mut words = String::new();
        for word in self.plain.split_whitespace() {
            if words.len() + word.len() > EXCERPT_CHARS {
                break;
            }
            if !words.is_empty() {
                words.push(' ');
            }
            words.push_str(word);
        }
        // Kept by every document while the site lives: no room to grow.
        words.shrink_to_fit();
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny site: `../CHK-2.md` is a page, `../Secret-Plan.md` and `gone.png` lead
    /// nowhere, `img/a.png` is published.
    fn links(dest: &str, _: RefKind) -> Href {
        let (path, fragment) = dest.split_once('#').map_or((dest, ""), |(p, f)| (p, f));
        let hash = if fragment.is_empty() { String::new() } else { format!("#{fragment}") };
        match path {
            "../CHK-2.md" => Href::To(format!("../../backlog/chk-2/index.html{hash}")),
            "img/a.png" => Href::To("../../backlog/a/img/a.png".into()),
            "../Secret-Plan.md" | "gone.png" | "nowhere.html" => Href::Drop,
            _ => Href::Keep,
        }
    }

    fn html(body: &str) -> String {
        render(body, &Context { links: &links, unsafe_html: false }).html
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
            let cx = Context { links: &no_site, unsafe_html: false };
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
    fn excerpts_keep_the_first_words_and_a_render_finds_the_same() {
        let long = "word ".repeat(400);
        assert!(excerpt(&long).len() <= EXCERPT_CHARS);
        assert_eq!(excerpt("# Title\n\nSome *text*."), "Title Some text.");
        let bodies = [
            long.as_str(),
            "# Title\n\nSome *text* and `code`.\n\n```rust\nfn main() {}\n```\n\n> [!NOTE]\n> Careful.",
            "See [the plan][plan].\n\n- one\n- two\n\n[plan]: ../CHK-2.md",
            "| a | b |\n|---|---|\n| c | d |\n\nA [link](../Secret-Plan.md) to nowhere.",
        ];
        let cx = Context { links: &links, unsafe_html: false };
        for body in bodies {
            assert_eq!(render(body, &cx).excerpt, excerpt(body), "{body}");
        }
        assert_eq!(excerpt(bodies[2]), "See the plan. one two", "a reference defined after the first words");
    }

    #[test]
    fn links_and_images_to_nowhere_become_their_text() {
        let out =
            html("[a](nowhere.html) ![The flow](gone.png) ![x](img/a.png) <img src=\"gone.png\" alt=\"Gone <b>\">");
        assert!(
            out.contains("<p>a The flow <img src=\"../../backlog/a/img/a.png\" alt=\"x\"> Gone &lt;b&gt;</p>"),
            "{out}"
        );
        let out = html("<p><a href=\"nowhere.html\" target=_blank>t</a> <img src=img/a.png></p>");
        assert!(out.contains("<a>t</a> <img src=\"../../backlog/a/img/a.png\" alt=\"\">"), "{out}");
    }

    #[test]
    fn front_matter_text_drops_relative_links() {
        assert_eq!(inline("see [x](a.md) and [y](https://e.com)", false), "see x and <a href=\"https://e.com\">y</a>");
    }
}
