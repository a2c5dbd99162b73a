//! Raw HTML inside Markdown, read just enough to find and rewrite the URLs of links
//! and images (`href`, `src`) and the ids a fragment can name, then sanitised.

use std::ops::Range;
use std::sync::OnceLock;

/// One attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Lowercase name.
    pub name: String,
    /// The value with the common character references decoded; `None` for `<img alt>`.
    pub value: Option<String>,
    /// Byte range of the whole attribute (name, `=` and value) in the text.
    pub range: Range<usize>,
}

/// A start tag found in raw HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartTag {
    /// Lowercase tag name.
    pub name: String,
    /// Byte range from `<` to `>` (or to the end of the text when unclosed).
    pub range: Range<usize>,
    pub attrs: Vec<Attr>,
}

impl StartTag {
    /// The attribute called `name`.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// Every start tag of `html` (comments and end tags skipped), in order.
pub fn start_tags(html: &str) -> Vec<StartTag> {
    let bytes = html.as_bytes();
    let mut tags = vec![];
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let start = i + offset;
        if html[start..].starts_with("<!--") {
            i = html[start..].find("-->").map_or(html.len(), |e| start + e + 3);
            continue;
        }
        let name_end =
            start + 1 + bytes[start + 1..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'-').count();
        if name_end == start + 1 || !bytes[start + 1].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let (attrs, end) = attributes(html, name_end);
        tags.push(StartTag { name: html[start + 1..name_end].to_ascii_lowercase(), range: start..end, attrs });
        i = end;
    }
    tags
}

/// The attributes from `at` to the end of the tag, and where the tag ends.
fn attributes(html: &str, mut at: usize) -> (Vec<Attr>, usize) {
    let bytes = html.as_bytes();
    let mut attrs = vec![];
    loop {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
            at += 1;
        }
        if at >= bytes.len() {
            return (attrs, at);
        }
        if bytes[at] == b'>' {
            return (attrs, at + 1);
        }
        let start = at;
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() && !b"/>=".contains(&bytes[at]) {
            at += 1;
        }
        let name = html[start..at].to_ascii_lowercase();
        let (value, end) = value(html, at);
        at = end.max(start + 1);
        attrs.push(Attr { name, value, range: start..at });
    }
}

/// An attribute's value after its name (if it has `=`), and where it ends.
fn value(html: &str, mut at: usize) -> (Option<String>, usize) {
    let bytes = html.as_bytes();
    let skip_space = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let after_name = at;
    at = skip_space(at);
    if bytes.get(at) != Some(&b'=') {
        return (None, after_name);
    }
    at = skip_space(at + 1);
    match bytes.get(at) {
        Some(&quote @ (b'"' | b'\'')) => {
            let end = html[at + 1..].find(quote as char).map_or(html.len(), |e| at + 1 + e);
            (Some(decode_references(&html[at + 1..end])), (end + 1).min(html.len()))
        }
        _ => {
            let end = html[at..].find(|c: char| c.is_ascii_whitespace() || c == '>').map_or(html.len(), |e| at + e);
            (Some(decode_references(&html[at..end])), end)
        }
    }
}

/// Decodes the character references that appear in URLs and ids.
fn decode_references(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    value.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// What to do with one URL attribute when rewriting raw HTML.
pub enum Rewrite {
    /// Keep the tag as written.
    Keep,
    /// Replace the URL with this (already escaped for an attribute) value.
    Url(String),
    /// Drop the attribute (a link to nowhere becomes its text).
    DropAttr,
    /// Replace the whole tag by this HTML (an image to nowhere becomes its alt text).
    ReplaceTag(String),
}

/// Rewrites the `href` of `<a>` and the `src` of `<img>` in `html` with `rewrite`
/// (given the tag and the URL) and gives every `<img>` an `alt`.
pub fn rewrite_urls(html: &str, mut rewrite: impl FnMut(&StartTag, &str) -> Rewrite) -> String {
    replace_tags(html, |tag| {
        let attr = url_attr(tag)?;
        let edit = rewrite(tag, attr.value.as_deref().unwrap_or_default());
        let mut out = html[tag.range.start..attr.range.start].to_owned();
        match edit {
            Rewrite::ReplaceTag(text) => return Some(text),
            Rewrite::Url(new) => out.push_str(&format!("{}=\"{new}\"", attr.name)),
            Rewrite::Keep => out.push_str(&html[attr.range.clone()]),
            Rewrite::DropAttr => {}
        }
        let rest = &html[attr.range.end..tag.range.end];
        match (tag.name == "img" && tag.attr("alt").is_none(), rest.strip_suffix('>')) {
            (true, Some(inner)) => out.push_str(&format!("{} alt=\"\">", inner.trim_end_matches('/'))),
            _ => out.push_str(rest),
        }
        Some(out)
    })
}

/// `html` with each start tag for which `replace` gives a text replaced by that text.
fn replace_tags(html: &str, mut replace: impl FnMut(&StartTag) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    let mut copied = 0;
    for tag in start_tags(html) {
        if let Some(text) = replace(&tag) {
            out.push_str(&html[copied..tag.range.start]);
            out.push_str(&text);
            copied = tag.range.end;
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// The URL attribute that matters in a tag: `<a href>` or `<img src>`.
pub fn url_attr(tag: &StartTag) -> Option<&Attr> {
    match tag.name.as_str() {
        "a" => tag.attr("href"),
        "img" => tag.attr("src"),
        _ => None,
    }
}

/// Removes scripts, styles, event handlers, unsafe URLs, `<base>`, forms and frames.
/// No `rel` is added: links never open new windows (`target` is removed), and an `<a>`
/// without `href` must stay a bare placeholder to be valid HTML.
pub fn sanitize(html: &str) -> String {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let cleaner = CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["class", "id", "aria-label", "align"])
            .add_tags(["input"])
            .add_tag_attribute_values("input", "type", ["checkbox"])
            .add_tag_attributes("input", ["checked", "disabled"])
            // Code blocks are focusable, as they scroll (see highlight.rs).
            .add_tag_attribute_values("pre", "tabindex", ["0"])
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
            .attribute_filter(|_, attribute, value| match attribute {
                // Only charter writes callouts (see alerts.rs).
                "class" if value.contains(super::alerts::CLASS) => {
                    Some(super::alerts::strip_classes(value)).filter(|c| !c.is_empty()).map(Into::into)
                }
                _ => Some(value.into()),
            })
            .link_rel(None);
        b
    });
    images_without_source_as_text(&cleaner.clean(html).to_string())
}

/// Replaces each `<img>` left without `src` (an unsafe URL removed) by its alt text:
/// an image with no source is not valid HTML and shows nothing.
fn images_without_source_as_text(html: &str) -> String {
    replace_tags(html, |tag| {
        let broken = tag.name == "img" && tag.attr("src").is_none();
        broken.then(|| super::escape_attr(tag.attr("alt").and_then(|a| a.value.as_deref()).unwrap_or_default()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tags_and_attributes() {
        let html = r#"<p>x</p><!-- <a href="no"> --><A HREF='a b.md' id=top>t</A><img src=x.png alt>"#;
        let tags = start_tags(html);
        let names: Vec<_> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["p", "a", "img"]);
        assert_eq!(tags[1].attr("href").and_then(|a| a.value.as_deref()), Some("a b.md"));
        assert_eq!(tags[1].attr("id").and_then(|a| a.value.as_deref()), Some("top"));
        assert_eq!(tags[2].attr("src").and_then(|a| a.value.as_deref()), Some("x.png"));
        assert_eq!(tags[2].attr("alt").map(|a| a.value.clone()), Some(None));
        assert!(start_tags("a < b and <3 and <").is_empty());
        assert_eq!(start_tags("<img src=\"unclosed").len(), 1);
    }

    #[test]
    fn rewrites_urls_and_adds_alt() {
        let html = r#"<a href="x.md" class="c">x</a> <img src="a.png"> <img src="gone.png" alt="Gone"/>"#;
        let out = rewrite_urls(html, |tag, url| match url {
            "x.md" => Rewrite::Url("x/index.html".into()),
            "gone.png" => Rewrite::ReplaceTag(tag.attr("alt").and_then(|a| a.value.clone()).unwrap_or_default()),
            _ => Rewrite::Keep,
        });
        assert_eq!(out, r#"<a href="x/index.html" class="c">x</a> <img src="a.png" alt=""> Gone"#);
        let dropped = rewrite_urls(r#"<a href="nowhere" id=a>t</a>"#, |_, _| Rewrite::DropAttr);
        assert_eq!(dropped, r#"<a  id=a>t</a>"#);
    }

    #[test]
    fn images_whose_source_was_removed_become_their_alt_text() {
        assert_eq!(
            sanitize(r#"<p><img src="javascript:x()" alt="A &amp; B"> <img src="a.png" alt="kept"></p>"#),
            r#"<p>A &amp; B <img src="a.png" alt="kept"></p>"#
        );
    }

    #[test]
    fn sanitised_links_without_href_carry_no_rel() {
        let out = sanitize(r#"<a href="javascript:alert(1)" target="_blank">x</a>"#);
        assert_eq!(out, "<a>x</a>");
    }
}
