//! Markdown rendering with `.md` link rewriting and sanitising: whatever the input,
//! no panic, and nothing executable reaches the HTML when `unsafe_html` is off.

#![no_main]

use charter::markdown::{Context, inline, md_links, plain, render};
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let pages = HashMap::from([("backlog/CHK-2.md".to_owned(), "backlog/chk-2".to_owned()), ("docs/guide/a b.md".to_owned(), "docs/guide/a-b".to_owned())]);
    let cx = Context { source: "backlog/sub/CHK-1.md", page_file: "backlog/chk-1/index.html", pages: &pages, unsafe_html: false };
    let html = render(text, &cx).html.to_ascii_lowercase();
    assert_no_active_content(&html);
    for link in md_links(text) {
        assert!(link.offset + link.len <= text.len());
        let _ = link.resolve("backlog/sub/CHK-1.md");
    }
    assert_no_active_content(&inline(text, false).to_ascii_lowercase());
    let _ = plain(text);
});

/// Looks inside every tag (text content is escaped, so a raw `<` starts a tag): no
/// script or style element, no event-handler attribute, no `javascript:` URL.
fn assert_no_active_content(html: &str) {
    for tag in html.split('<').skip(1).map(|rest| rest.split('>').next().unwrap_or(rest)) {
        assert!(!tag.starts_with("script") && !tag.starts_with("style") && !tag.starts_with("iframe"), "active element <{tag}> in {html:?}");
        for attribute in tag.split_whitespace().skip(1) {
            let name = attribute.split('=').next().unwrap_or_default();
            let handler = attribute.contains('=') && name.starts_with("on") && name.chars().all(|c| c.is_ascii_alphabetic());
            assert!(!handler, "event handler {attribute} in {html:?}");
            // A URL is dangerous when its value *starts* with a script scheme; the text
            // "javascript:" inside a relative path is just a path.
            let value = attribute.split_once('=').map_or("", |(_, v)| v.trim_start_matches(['"', '\'']));
            assert!(!value.starts_with("javascript:") && !value.starts_with("data:"), "script URL {attribute} in {html:?}");
        }
    }
}
