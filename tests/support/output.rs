//! Reading a build back: every file of an output folder, and small checks on its HTML,
//! JSON and XML that do not depend on the theme's markup.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file of an output folder: `/`-separated path relative to it -> bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    pub root: PathBuf,
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Tree {
    /// Reads every file under `root` (following no links).
    #[track_caller]
    pub fn read(root: impl AsRef<Path>) -> Tree {
        let root = root.as_ref().to_path_buf();
        assert!(root.is_dir(), "{} is not a folder", root.display());
        let mut files = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.expect("walk the output");
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(&root).unwrap();
                let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                files.insert(rel.join("/"), std::fs::read(entry.path()).unwrap());
            } else {
                assert!(entry.file_type().is_dir(), "{} is neither a file nor a folder", entry.path().display());
            }
        }
        Tree { root, files }
    }

    /// Whether the output has this file.
    pub fn has(&self, rel: &str) -> bool {
        self.files.contains_key(rel)
    }

    /// A file as text.
    #[track_caller]
    pub fn text(&self, rel: &str) -> &str {
        let bytes = self.files.get(rel).unwrap_or_else(|| panic!("no file {rel} in the output"));
        std::str::from_utf8(bytes).unwrap_or_else(|_| panic!("{rel} is not UTF-8"))
    }

    /// A JSON file, parsed.
    #[track_caller]
    pub fn json(&self, rel: &str) -> serde_json::Value {
        serde_json::from_str(self.text(rel)).unwrap_or_else(|err| panic!("{rel} is not JSON: {err}"))
    }

    /// The HTML files, as (path, text).
    pub fn html(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.keys().filter(|f| f.ends_with(".html")).map(|f| (f.as_str(), self.text(f)))
    }

    /// The paths of the files whose text contains `needle`, ignoring ASCII case.
    pub fn files_containing(&self, needle: &str) -> Vec<&str> {
        let needle = needle.to_ascii_lowercase();
        self.files
            .iter()
            .filter(|(_, bytes)| String::from_utf8_lossy(bytes).to_ascii_lowercase().contains(&needle))
            .map(|(f, _)| f.as_str())
            .collect()
    }
}

/// Asserts two outputs hold the same files with the same bytes, naming the first difference.
#[track_caller]
pub fn assert_same_tree(a: &Tree, b: &Tree) {
    let names = |t: &Tree| t.files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(a), names(b), "the two outputs hold different files");
    for (rel, bytes) in &a.files {
        if *bytes != b.files[rel] {
            let (x, y) = (String::from_utf8_lossy(bytes), String::from_utf8_lossy(&b.files[rel]));
            let line = x.lines().zip(y.lines()).position(|(l, r)| l != r).map_or(0, |n| n + 1);
            panic!("{rel} differs (first at line {line}):\n{}\n---\n{}", x, y);
        }
    }
}

/// The values of every `NAME="..."` attribute in an HTML text, entity-decoded.
pub fn attributes(html: &str, name: &str) -> Vec<String> {
    let pattern = format!("{name}=\"");
    let mut out = vec![];
    let mut rest = html;
    while let Some(at) = rest.find(&pattern) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + pattern.len()..];
        let end = rest.find('"').expect("attribute value ends");
        if before.is_some_and(char::is_whitespace) {
            out.push(unescape(&rest[..end]));
        }
        rest = &rest[end..];
    }
    out
}

/// Decodes the entities an HTML or XML escaper writes (named and numeric).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of an HTML fragment: tags dropped (block tags as a space), entities
/// decoded, whitespace collapsed.
pub fn text(html: &str) -> String {
    const INLINE: [&str; 14] =
        ["a", "abbr", "b", "code", "del", "em", "i", "s", "small", "span", "strong", "sub", "sup", "time"];
    let mut plain = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        plain.push_str(&rest[..at]);
        let end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let tag = rest[at + 1..end].trim_start_matches('/');
        let name: String = tag.chars().take_while(char::is_ascii_alphanumeric).collect();
        if !INLINE.contains(&name.to_ascii_lowercase().as_str()) {
            plain.push(' ');
        }
        rest = &rest[end..];
    }
    plain.push_str(rest);
    unescape(&plain).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `<main>` element of a page, tags included.
#[track_caller]
pub fn main(html: &str) -> &str {
    let start = html.find("<main").expect("the page has a <main>");
    let end = html.rfind("</main>").expect("the page closes <main>") + "</main>".len();
    &html[start..end]
}

/// Parses an XML file, failing the test with the parser's message when it is not
/// well-formed.
#[track_caller]
pub fn xml<'a>(name: &str, text: &'a str) -> roxmltree::Document<'a> {
    roxmltree::Document::parse(text).unwrap_or_else(|err| panic!("{name} is not well-formed XML: {err}\n{text}"))
}
