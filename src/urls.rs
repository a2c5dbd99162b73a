//! Output paths and links: where each page goes, the relative link between two
//! pages, and the key under which two paths collide on case-insensitive file systems.

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use unicode_normalization::UnicodeNormalization;

/// The output folder of a doc page, from its source path (`docs/Guide/Rules.md` ->
/// `docs/guide/rules`; `index.md` and `_index.md` stand for their folder).
pub fn doc_folder(rel: &str) -> String {
    let without_ext = rel.strip_suffix(".md").unwrap_or(rel);
    let mut segments: Vec<String> = without_ext.split('/').map(slug).collect();
    if matches!(segments.last().map(String::as_str), Some("index" | "_index")) && segments.len() > 1 {
        segments.pop();
    }
    segments.join("/")
}

/// Lowercases a docs path segment and turns runs of other characters into one `-`.
pub fn slug(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut dash = false;
    for c in segment.chars() {
        if c.is_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.extend(c.to_lowercase());
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    out
}

/// The output folder of an item page: `roadmap/ID`, `backlog/ID`, `team/ID`, `sprints/ID`.
pub fn item_folder(section: &str, id: &str) -> String {
    format!("{section}/{}", id.to_lowercase())
}

/// The `index.html` of an output folder ("" is the site root).
pub fn page_file(folder: &str) -> String {
    if folder.is_empty() { "index.html".into() } else { format!("{folder}/index.html") }
}

/// The key two output paths collide under: lowercase, Unicode NFC.
pub fn collision_key(path: &str) -> String {
    if path.is_ascii() {
        return path.to_ascii_lowercase();
    }
    path.nfc().collect::<String>().to_lowercase()
}

/// The prefix that leads from the page in `folder` back to the site root.
pub fn root_prefix(file: &str) -> String {
    "../".repeat(file.matches('/').count())
}

/// Percent-decodes a link path (invalid escapes are kept as written).
pub fn percent_decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Percent-decodes a request path, refusing invalid escapes and invalid UTF-8.
pub fn percent_decode_strict(s: &str) -> Option<String> {
    let valid_escapes = s
        .match_indices('%')
        .all(|(i, _)| s.get(i + 1..i + 3).is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())));
    valid_escapes.then(|| percent_decode_str(s).decode_utf8().ok().map(|c| c.into_owned())).flatten()
}

/// What a path in a URL may not hold as is: controls, space, and the characters that
/// would end the path or change its meaning (`"`, `#`, `%`, `<`, `>`, `?`, `` ` ``, `{`, `}`).
const PATH: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'<').add(b'>').add(b'?').add(b'`').add(b'{').add(b'}');

/// Percent-encodes an output path for a link (`/` kept; non-ASCII as UTF-8 escapes).
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_paths_are_slugged() {
        assert_eq!(doc_folder("docs/index.md"), "docs");
        assert_eq!(doc_folder("docs/guide/_index.md"), "docs/guide");
        assert_eq!(doc_folder("docs/My Guide/Rules & Tips!.md"), "docs/my-guide/rules-tips-");
        assert_eq!(doc_folder("docs/v1.2_notes.md"), "docs/v1.2_notes");
    }

    #[test]
    fn paths_are_decoded_and_encoded() {
        assert_eq!(percent_decode("My%20Guide.md"), "My Guide.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%2"), "%zz%2");
        assert_eq!(percent_decode("%+1"), "%+1");
        assert_eq!(percent_decode_strict("a%20b").as_deref(), Some("a b"));
        assert_eq!(percent_decode_strict("%+1"), None);
        assert_eq!(percent_decode_strict("%c0%ae"), None);
        assert_eq!(encode_path("docs/my guide/caf\u{e9}#1.png"), "docs/my%20guide/caf%C3%A9%231.png");
    }

    #[test]
    fn collisions_ignore_case_and_normalisation() {
        assert_eq!(collision_key("backlog/Story-1"), collision_key("backlog/story-1"));
        assert_eq!(collision_key("docs/caf\u{e9}"), collision_key("docs/cafe\u{301}"));
        assert_eq!(root_prefix("roadmap/x/index.html"), "../../");
        assert_eq!(root_prefix("index.html"), "");
    }
}
