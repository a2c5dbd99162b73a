//! Positions as LSP counts them: 0-based lines and UTF-16 code units, converted from
//! and to the byte offsets and character columns the rest of charter uses.

use crate::diag::Diagnostic;
use crate::source::Location;
use lsp_types::{Position, Range};

/// UTF-16 code units in `text`.
fn utf16_len(text: impl Iterator<Item = char>) -> u32 {
    text.map(|c| c.len_utf16() as u32).sum()
}

/// The range of `width` characters from 1-based character `column` of 1-based `line`,
/// whose text is `line_text`.
fn span(line: usize, column: usize, width: usize, line_text: &str) -> Range {
    let line = line.saturating_sub(1) as u32;
    let start = utf16_len(line_text.chars().take(column.saturating_sub(1)));
    let end = start + utf16_len(line_text.chars().skip(column.saturating_sub(1)).take(width));
    Range::new(Position::new(line, start), Position::new(line, end))
}

/// The range a charter location underlines.
pub fn location_range(location: &Location) -> Range {
    span(location.line, location.column, location.width, &location.line_text)
}

/// The range a diagnostic underlines; the file's start for whole-file diagnostics.
pub fn diagnostic_range(d: &Diagnostic) -> Range {
    match &d.snippet {
        Some((line_text, width)) if d.line > 0 => span(d.line, d.column, *width, line_text),
        _ => Range::default(),
    }
}

/// The byte offset of an LSP position in `text` (clamped to its line and to the text).
pub fn offset(text: &str, position: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i);
    let mut units = 0;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= position.character {
            return line_start + i;
        }
        units += c.len_utf16() as u32;
    }
    line_end
}

/// The LSP position of byte `offset` in `text`.
pub fn position(text: &str, offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() as u32;
    Position::new(line, utf16_len(before[line_start..].chars()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs_twice() {
        let text = "title: a\nsummary: 😀é x\n";
        let x = text.find('x').unwrap();
        assert_eq!(position(text, x), Position::new(1, 13));
        assert_eq!(offset(text, Position::new(1, 13)), x);
        assert_eq!(offset(text, Position::new(9, 0)), text.len());
        assert_eq!(offset(text, Position::new(0, 99)), 8);
        let r = span(2, 10, 2, "summary: 😀é x");
        assert_eq!((r.start.character, r.end.character), (9, 12));
    }
}
