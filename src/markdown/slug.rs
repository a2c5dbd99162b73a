//! Heading ids as GitHub makes them, so that `page.md#a-heading` written for GitHub
//! lands on the same heading in the built site.

use std::collections::HashSet;
use unicode_normalization::char::is_combining_mark;

/// GitHub's slug of a heading's text: lowercase; every character other than a letter,
/// a number, a combining mark, `_`, `-` or a space dropped; each space a `-` (hyphens
/// are never collapsed, so `a -> b` is `a---b`).
pub fn github_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c == ' ' {
            out.push('-');
        } else if c.is_alphanumeric() || is_combining_mark(c) || is_connector(c) || c == '-' {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Connector punctuation (Unicode category Pc), which GitHub keeps like `_`.
fn is_connector(c: char) -> bool {
    matches!(
        c,
        '_' | '\u{203F}' | '\u{2040}' | '\u{2054}' | '\u{FE33}' | '\u{FE34}' | '\u{FE4D}'..='\u{FE4F}' | '\u{FF3F}'
    )
}

/// The ids of one page's headings, numbered like GitHub's (`intro`, `intro-1`, ...).
#[derive(Debug, Default)]
pub struct HeadingIds {
    taken: HashSet<String>,
}

impl HeadingIds {
    /// The id of the next heading: the written `{#id}`, else the slug of its text, made
    /// unique in the page. A heading with no letters at all gets `section`.
    pub fn next(&mut self, written: Option<&str>, text: &str) -> String {
        let base = match written {
            Some(id) => id.to_owned(),
            None => Some(github_slug(text)).filter(|s| !s.is_empty()).unwrap_or_else(|| "section".into()),
        };
        let mut unique = base.clone();
        let mut n = 1;
        while !self.taken.insert(unique.clone()) {
            unique = format!("{base}-{n}");
            n += 1;
        }
        unique
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_github() {
        assert_eq!(github_slug("Where's the -> Operator?"), "wheres-the---operator");
        assert_eq!(github_slug("Hello, World!"), "hello-world");
        assert_eq!(github_slug("  a  b "), "a--b");
        assert_eq!(github_slug("snake_case and kebab-case"), "snake_case-and-kebab-case");
        assert_eq!(github_slug("Café Crème"), "café-crème");
        assert_eq!(github_slug("Cafe\u{301}"), "cafe\u{301}");
        assert_eq!(github_slug("Straße 2.0 (beta)"), "straße-20-beta");
        assert_eq!(github_slug("日本語のタイトル"), "日本語のタイトル");
        assert_eq!(github_slug("Emoji 🎉 party"), "emoji--party");
        assert_eq!(github_slug("`code` & <b>"), "code--b");
        assert_eq!(github_slug("C++ / C#"), "c--c");
    }

    #[test]
    fn duplicates_are_numbered() {
        let mut ids = HeadingIds::default();
        assert_eq!(ids.next(None, "Intro"), "intro");
        assert_eq!(ids.next(None, "Intro"), "intro-1");
        assert_eq!(ids.next(None, "Intro-1"), "intro-1-1");
        assert_eq!(ids.next(None, "Intro"), "intro-2");
        assert_eq!(ids.next(Some("here"), "Whatever"), "here");
        assert_eq!(ids.next(None, "!!!"), "section");
    }
}
