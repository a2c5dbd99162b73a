//! Source text of one file and the mapping from byte offsets to `line:column`.
//!
//! Diagnostics point into the file as an editor shows it, so a UTF-8 BOM is stripped
//! and columns count characters, not bytes; `\r\n` counts as one line break.

use std::path::PathBuf;

/// One text file of the site, with its path relative to the site root (`/` separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Path relative to the site root, with `/` separators: what diagnostics print.
    pub rel: String,
    /// Absolute (or site-joined) path on disk, for re-reading and error messages.
    pub path: PathBuf,
    /// The text with any leading BOM removed.
    pub text: String,
}

/// A resolved position in a file: what a diagnostic prints and underlines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// How many characters to underline (at least 1).
    pub width: usize,
    /// The full source line, without its line break.
    pub line_text: String,
}

impl Source {
    /// Wraps file text, dropping a UTF-8 byte-order mark.
    pub fn new(rel: impl Into<String>, path: impl Into<PathBuf>, text: String) -> Self {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        };
        Source { rel: rel.into(), path: path.into(), text }
    }

    /// The location of the byte range `start..end`, clamped to the line of `start`.
    pub fn locate(&self, start: usize, end: usize) -> Location {
        let start = floor_char_boundary(&self.text, start.min(self.text.len()));
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[start..].find('\n').map_or(self.text.len(), |i| start + i);
        let line_text = self.text[line_start..line_end].trim_end_matches('\r');
        let line = self.text[..start].matches('\n').count() + 1;
        let column = self.text[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(&self.text, end.clamp(start, line_start + line_text.len()));
        let width = self.text[start..end].chars().count().max(1);
        Location { line, column, width, line_text: line_text.to_owned() }
    }

    /// The location of a 1-based line and character column, underlining `width` characters.
    pub fn locate_line_col(&self, line: usize, column: usize, width: usize) -> Location {
        let start = self.offset_of(line, column);
        let end = self.text[start..].char_indices().nth(width).map_or(self.text.len(), |(i, _)| start + i);
        self.locate(start, end)
    }

    /// Byte offset of a 1-based line and character column (clamped to the text).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let mut offset = 0;
        for _ in 1..line {
            match self.text[offset..].find('\n') {
                Some(i) => offset += i + 1,
                None => return self.text.len(),
            }
        }
        let line_len = self.text[offset..].find('\n').unwrap_or(self.text.len() - offset);
        let line_text = &self.text[offset..offset + line_len];
        offset
            + line_text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(line_text.trim_end_matches('\r').len(), |(i, _)| i)
    }
}

/// The largest char boundary at or below `i`.
fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Source {
        Source::new("a.md", "a.md", text.to_owned())
    }

    #[test]
    fn bom_is_stripped_and_columns_count_chars() {
        let s = src("\u{feff}---\nid: é-x\n");
        assert_eq!(s.text, "---\nid: é-x\n");
        let at = s.text.find('x').unwrap();
        let loc = s.locate(at, at + 1);
        assert_eq!((loc.line, loc.column, loc.width), (2, 7, 1));
        assert_eq!(loc.line_text, "id: é-x");
    }

    #[test]
    fn crlf_lines_are_counted_once_and_trimmed() {
        let s = src("---\r\ntitle: x\r\n---\r\n");
        let at = s.text.find("title").unwrap();
        let loc = s.locate(at, at + 5);
        assert_eq!((loc.line, loc.column, loc.width), (2, 1, 5));
        assert_eq!(loc.line_text, "title: x");
    }

    #[test]
    fn line_col_round_trips() {
        let s = src("a\nbcd\né f\n");
        let loc = s.locate_line_col(3, 3, 1);
        assert_eq!((loc.line, loc.column), (3, 3));
        assert_eq!(&s.text[s.offset_of(3, 3)..s.offset_of(3, 3) + 1], "f");
    }

    #[test]
    fn width_is_clamped_to_the_line() {
        let s = src("ab\ncd\n");
        let loc = s.locate(0, 5);
        assert_eq!(loc.width, 2);
    }
}
