//! Source text of one file and the mapping from byte offsets to `line:column`.
//!
//! Diagnostics point into the file as an editor shows it, so a UTF-8 BOM is stripped
//! and columns count characters, not bytes; `\r\n` counts as one line break, and a lone
//! `\r` (classic Mac OS) as one too.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::OnceLock;

/// One text file of the site, with its path relative to the site root (`/` separated).
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the site root, with `/` separators: what diagnostics print.
    pub rel: String,
    /// Absolute (or site-joined) path on disk, for re-reading and error messages.
    pub path: PathBuf,
    /// The text with any leading BOM removed.
    pub text: String,
    /// The git blob id of the file's bytes as read (BOM included), when the loader was
    /// asked for it ([`crate::load::read_text`]): history takes `check`'s parse of the
    /// file for the version with this id, knowing it parsed that very version, without
    /// reading the file again (SPEC §11).
    pub blob: Option<gix::ObjectId>,
    /// Byte offset of the start of each line, built when a position is first needed,
    /// so that locating many diagnostics in one big file stays linear.
    line_starts: OnceLock<Vec<usize>>,
    /// `Some` once the text was let go (see [`Source::release`]): `text` then holds only
    /// its start and [`Source::text_again`] reads the file back.
    released: Option<Fingerprint>,
    /// A released text read again to locate diagnostics past the part held, with its
    /// line starts: read once however many diagnostics its body has (`None` when the
    /// file changed since). Only files with such diagnostics hold their text again.
    read_again: OnceLock<Option<(Vec<usize>, String)>>,
}

impl PartialEq for Source {
    fn eq(&self, other: &Source) -> bool {
        (&self.rel, &self.path, &self.text, self.released, self.blob)
            == (&other.rel, &other.path, &other.text, other.released, other.blob)
    }
}

/// What a released text held: its length and CRC-32, to tell whether the file still
/// holds the text that was validated when it is read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    len: usize,
    crc: u32,
}

impl Fingerprint {
    fn of(text: &str) -> Fingerprint {
        Fingerprint { len: text.len(), crc: crc32fast::hash(text.as_bytes()) }
    }
}

impl Eq for Source {}

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
    /// Wraps file text, dropping a UTF-8 byte-order mark and reading lone `\r` line
    /// breaks as `\n`.
    pub fn new(rel: impl Into<String>, path: impl Into<PathBuf>, text: String) -> Self {
        Source {
            rel: rel.into(),
            path: path.into(),
            text: as_read(text),
            blob: None,
            line_starts: OnceLock::new(),
            released: None,
            read_again: OnceLock::new(),
        }
    }

    /// Lets go of the text past the byte offset `keep` (a document's body, kept up to
    /// its front-matter), which [`Source::text_again`] then reads back whole from the
    /// file. `check` and `build` let go of each body once it is scanned for links, so
    /// that the Markdown is never all in memory (peak memory, SPEC §10).
    pub fn release(&mut self, keep: usize) {
        if self.released.is_none() {
            self.released = Some(Fingerprint::of(&self.text));
            self.text.truncate(floor_char_boundary(&self.text, keep.min(self.text.len())));
            self.text.shrink_to_fit();
            self.line_starts = OnceLock::new();
        }
    }

    /// The text: the one held or, once released, the file's read again, as [`Source::new`]
    /// reads it. An error when the file cannot be read or no longer holds the text that
    /// was released (it changed since), so a page never shows text that was not validated.
    pub fn text_again(&self) -> std::io::Result<Cow<'_, str>> {
        let Some(expected) = self.released else { return Ok(Cow::Borrowed(&self.text)) };
        let changed = || std::io::Error::other("the file changed while the site was being built");
        let text = String::from_utf8(std::fs::read(&self.path)?).map_err(|_| changed())?;
        let text = as_read(text);
        if Fingerprint::of(&text) == expected { Ok(Cow::Owned(text)) } else { Err(changed()) }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    /// The lines to find a position in: the text held or, when `past_held` says the
    /// position lies past the part of a released text that is held (a diagnostic in a
    /// body), the file read again. Should it have changed since, the held part stands
    /// in, and the diagnostic points at the end of the front-matter (a build then stops
    /// on that file: its page cannot be rendered).
    fn lines(&self, past_held: impl FnOnce(&str, &[usize]) -> bool) -> Lines<'_> {
        let held = Lines { text: &self.text, starts: self.line_starts() };
        if self.released.is_none() || !past_held(held.text, held.starts) {
            return held;
        }
        let again = self.read_again.get_or_init(|| {
            let text = self.text_again().ok()?.into_owned();
            Some((line_starts(&text), text))
        });
        match again {
            Some((starts, text)) => Lines { text, starts },
            None => held,
        }
    }

    /// The location of the byte range `start..end`, clamped to the line of `start`.
    pub fn locate(&self, start: usize, end: usize) -> Location {
        self.lines(|held, _| start >= held.len()).locate(start, end)
    }

    /// The location of a 1-based line and character column, underlining `width` characters.
    pub fn locate_line_col(&self, line: usize, column: usize, width: usize) -> Location {
        let lines = self.lines(|_, starts| line >= starts.len());
        let start = lines.offset_of(line, column);
        let end = lines.text[start..].char_indices().nth(width).map_or(lines.text.len(), |(i, _)| start + i);
        lines.locate(start, end)
    }

    /// Byte offset of a 1-based line and character column (clamped to the text).
    #[cfg(test)]
    fn offset_of(&self, line: usize, column: usize) -> usize {
        self.lines(|_, starts| line >= starts.len()).offset_of(line, column)
    }
}

/// A text and the byte offset of the start of each of its lines. A held text's ends
/// where a line does (before a body), so a line is either wholly held or not at all.
struct Lines<'a> {
    text: &'a str,
    starts: &'a [usize],
}

impl Lines<'_> {
    fn locate(&self, start: usize, end: usize) -> Location {
        let text = self.text;
        let start = floor_char_boundary(text, start.min(text.len()));
        let index = self.starts.partition_point(|&s| s <= start) - 1;
        let line_start = self.starts[index];
        let line_end = self.starts.get(index + 1).map_or(text.len(), |&next| next - 1);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        let line = index + 1;
        let column = text[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(text, end.clamp(start, line_start + line_text.len()));
        let width = text[start..end].chars().count().max(1);
        Location { line, column, width, line_text: line_text.to_owned() }
    }

    fn offset_of(&self, line: usize, column: usize) -> usize {
        let text = self.text;
        let Some(&offset) = self.starts.get(line.saturating_sub(1)) else { return text.len() };
        let line_len = text[offset..].find('\n').unwrap_or(text.len() - offset);
        let line_text = &text[offset..offset + line_len];
        offset
            + line_text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(line_text.trim_end_matches('\r').len(), |(i, _)| i)
    }
}

/// The git blob id of a file's bytes (`git hash-object`): the one place outside
/// `history` that knows git, so that the loader can tell history which version of a
/// file `check` parsed (see [`Source::blob`]).
pub fn blob_id(bytes: &[u8]) -> Option<gix::ObjectId> {
    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes).ok()
}

/// File text as every stage sees it: without a UTF-8 byte-order mark, lone `\r` as `\n`.
fn as_read(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    lone_cr_as_lf(text)
}

/// Lone `\r` line breaks (classic Mac OS) as `\n`, so that every later stage (the
/// front-matter split, YAML positions, Markdown) sees the lines an editor shows. One
/// byte stands for one, so byte offsets still match the file; `\r\n` is kept.
fn lone_cr_as_lf(text: String) -> String {
    let lone = |(i, _): (usize, &str)| text.as_bytes().get(i + 1) != Some(&b'\n');
    if !text.match_indices('\r').any(lone) {
        return text;
    }
    let mut chars = text.chars().peekable();
    let mut out = String::with_capacity(text.len());
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') { '\n' } else { c });
    }
    out
}

/// Byte offset of the start of each line of `text`.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
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
    fn lone_cr_is_a_line_break_and_keeps_offsets() {
        let s = src("---\rtitle: x\r\rid: é\r\n---\r");
        assert_eq!(s.text, "---\ntitle: x\n\nid: é\r\n---\n");
        let at = s.text.find('é').unwrap();
        let loc = s.locate(at, at + 2);
        assert_eq!((loc.line, loc.column, loc.width), (4, 5, 1));
        assert_eq!(loc.line_text, "id: é");
    }

    #[test]
    fn line_col_round_trips() {
        let s = src("a\nbcd\né f\n");
        let loc = s.locate_line_col(3, 3, 1);
        assert_eq!((loc.line, loc.column), (3, 3));
        assert_eq!(&s.text[s.offset_of(3, 3)..s.offset_of(3, 3) + 1], "f");
    }

    #[test]
    fn positions_at_line_breaks_and_past_the_end() {
        let s = src("ab\n\ncd");
        assert_eq!(s.locate(2, 3).line, 1, "a line break belongs to its line");
        let empty = s.locate(3, 3);
        assert_eq!((empty.line, empty.column, empty.line_text.as_str()), (2, 1, ""));
        let past = s.locate(99, 99);
        assert_eq!((past.line, past.column), (3, 3));
        assert_eq!(s.offset_of(9, 1), s.text.len());
        assert_eq!(s.offset_of(3, 2), 5);
    }

    #[test]
    fn a_released_text_is_read_again_only_while_the_file_holds_it() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("a.md");
        std::fs::write(&path, "\u{feff}---\rid: A-1\r---\rBody\n").expect("written");
        let held = Source::new("a.md", &path, std::fs::read_to_string(&path).expect("read"));
        let mut released = held.clone();
        let body = held.text.find("Body").expect("a body");
        released.release(body);
        assert_eq!(released.text, "---\nid: A-1\n---\n", "the body is let go, the front-matter kept");
        assert_eq!(released.text_again().expect("unchanged").as_ref(), held.text, "read as at first");
        assert_eq!(held.text_again().expect("held").as_ref(), held.text);
        // Positions in the front-matter and in the body, as in the text held.
        for at in [4, body + 1] {
            assert_eq!(released.locate(at, at + 2), held.locate(at, at + 2), "at byte {at}");
        }
        for line in [2, 4] {
            assert_eq!(released.locate_line_col(line, 2, 3), held.locate_line_col(line, 2, 3), "on line {line}");
        }
        std::fs::write(&path, "---\nid: A-2\n---\nBody\n").expect("written");
        let err = released.text_again().expect_err("changed since");
        assert!(err.to_string().contains("changed while the site was being built"), "{err}");
        std::fs::remove_file(&path).expect("removed");
        assert!(released.text_again().is_err(), "deleted since");
    }

    #[test]
    fn width_is_clamped_to_the_line() {
        let s = src("ab\ncd\n");
        let loc = s.locate(0, 5);
        assert_eq!(loc.width, 2);
    }
}
