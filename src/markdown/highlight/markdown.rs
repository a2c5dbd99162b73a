//! Markdown, a line at a time: headings and emphasis as markup, list and quote markers
//! and rules as keywords, code spans and fenced code as strings, link targets as
//! variables, HTML tags as tags.

use super::Kind;
use super::lex::{Lexer, is_blank};

pub(super) fn lex(lx: &mut Lexer) {
    while lx.peek(0).is_some() {
        line(lx);
        lx.take(1, None);
    }
}

/// One line, without its line break (a fenced block: the whole block).
fn line(lx: &mut Lexer) {
    let start = lx.at();
    let end = lx.line_end();
    lx.token(lx.run(start, is_blank), None);
    if lx.looking_at(b"```") || lx.looking_at(b"~~~") {
        return fence(lx);
    }
    while lx.peek(0) == Some(b'>') {
        lx.take(1, Some(Kind::Keyword));
        lx.token(lx.run(lx.at(), is_blank), None);
    }
    let hashes = lx.run(lx.at(), |c| c == b'#') - lx.at();
    if (1..=6).contains(&hashes) && lx.peek(hashes).is_none_or(|c| is_blank(c) || c == b'\n') {
        return lx.token(end, Some(Kind::Markup));
    }
    if is_rule(&lx.bytes()[lx.at()..end]) {
        return lx.token(end, Some(Kind::Keyword));
    }
    list_marker(lx);
    inline(lx, end);
}

/// A thematic break or setext underline: three or more of one of `-*_=`, blanks between.
fn is_rule(text: &[u8]) -> bool {
    let Some(&mark @ (b'-' | b'*' | b'_' | b'=')) = text.iter().find(|&&c| !is_blank(c)) else {
        return false;
    };
    text.iter().all(|&c| c == mark || is_blank(c)) && text.iter().filter(|&&c| c == mark).count() >= 3
}

/// `-`, `*`, `+` or `1.`, `1)` and a blank, at the position: a keyword.
fn list_marker(lx: &mut Lexer) {
    let digits = lx.run(lx.at(), |c| c.is_ascii_digit()) - lx.at();
    let len = match lx.peek(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        _ => return,
    };
    if lx.peek(len).is_none_or(|c| is_blank(c) || c == b'\n') {
        lx.take(len, Some(Kind::Keyword));
    }
}

/// A fenced code block, from its opening fence to the end of its closing one.
fn fence(lx: &mut Lexer) {
    let b = lx.bytes();
    let mark = b[lx.at()];
    let len = lx.run(lx.at(), |c| c == mark) - lx.at();
    let mut line = lx.line_end();
    while line < b.len() {
        let text = &b[line + 1..];
        let indent = text.iter().take_while(|&&c| c == b' ').count();
        let width = text.iter().position(|&c| c == b'\n').unwrap_or(text.len());
        let next = line + 1 + width;
        let marks = text[indent..width].iter().take_while(|&&c| c == mark).count();
        if indent <= 3 && marks >= len && text[indent + marks..width].iter().all(|&c| is_blank(c)) {
            return lx.token(next, Some(Kind::String));
        }
        line = next;
    }
    lx.token(b.len(), Some(Kind::String));
}

/// The text of a line up to `end`: code spans, emphasis, link targets, HTML tags.
fn inline(lx: &mut Lexer, end: usize) {
    while lx.at() < end {
        match lx.peek(0) {
            Some(b'\\') => lx.escape(None),
            Some(b'`') => code_span(lx, end),
            Some(b'*' | b'_') => emphasis(lx, end),
            Some(b']') if lx.peek(1) == Some(b'(') => link_target(lx, end),
            Some(b'<') if lx.peek(1).is_some_and(|c| c.is_ascii_alphabetic() || c == b'/') => {
                let close = lx.run(lx.at(), |c| c != b'>' && c != b'\n');
                let kind = if lx.looking_at(b"<http") { Kind::Variable } else { Kind::Tag };
                lx.token((close + 1).min(end), Some(kind));
            }
            _ => {
                let text = lx.run(lx.at() + 1, |c| !matches!(c, b'\\' | b'`' | b'*' | b'_' | b']' | b'<' | b'\n'));
                lx.token(text.min(end), None);
            }
        }
    }
}

/// How far a code span or emphasis is looked for its closing run: bounds the work on a
/// long line with many unclosed openers (quadratic otherwise); beyond, the text is plain.
const REACH: usize = 1000;

/// `` `code` ``: a string when a closing run of as many backticks is on the line.
fn code_span(lx: &mut Lexer, end: usize) {
    let from = lx.at();
    let n = lx.run(from, |c| c == b'`') - from;
    let b = &lx.bytes()[from + n..end.min(from + n + REACH)];
    let close = (0..b.len()).find(|&i| b[i..].starts_with(&lx.bytes()[from..from + n]) && b.get(i + n) != Some(&b'`'));
    match close {
        Some(i) => lx.token(from + n + i + n, Some(Kind::String)),
        None => lx.token(from + n, None),
    }
}

/// `*em*`, `**strong**`, `_em_`: markup when the run closes on the line.
fn emphasis(lx: &mut Lexer, end: usize) {
    let b = lx.bytes();
    let from = lx.at();
    let mark = b[from];
    let n = lx.run(from, |c| c == mark) - from;
    let intraword = mark == b'_' && from > 0 && b[from - 1].is_ascii_alphanumeric();
    let opens = !intraword && b.get(from + n).is_some_and(|&c| !is_blank(c) && c != b'\n');
    let closes_at = |i: usize| {
        b[i..].starts_with(&b[from..from + n])
            && !is_blank(b[i - 1])
            && !(mark == b'_' && b.get(i + n).is_some_and(|c| c.is_ascii_alphanumeric()))
    };
    let last = end.min(from + n + REACH).saturating_sub(n - 1);
    match (from + n + 1..last).find(|&i| opens && closes_at(i)) {
        Some(close) => lx.token(close + n, Some(Kind::Markup)),
        None => lx.token(from + n, None),
    }
}

/// `](target)`: the target of a link or image is a variable.
fn link_target(lx: &mut Lexer, end: usize) {
    lx.take(2, None);
    let target = lx.run(lx.at(), |c| c != b')' && !is_blank(c) && c != b'\n');
    lx.token(target.min(end), Some(Kind::Variable));
}

#[cfg(test)]
mod tests {
    use super::super::code_block;

    #[test]
    fn headings_lists_emphasis_code_and_links() {
        let html = code_block("md", "## Why\n\n- **a** and `b_c` in [x](../y.md)\n> 1. _z_ snake_case\n");
        assert_eq!(
            html,
            "<pre tabindex=\"0\"><code class=\"language-md\"><span class=\"hl-markup\">## Why</span>\n\n\
             <span class=\"hl-keyword\">-</span> <span class=\"hl-markup\">**a**</span> and \
             <span class=\"hl-string\">`b_c`</span> in [x](<span class=\"hl-variable\">../y.md</span>)\n\
             <span class=\"hl-keyword\">&gt;</span> <span class=\"hl-keyword\">1.</span> \
             <span class=\"hl-markup\">_z_</span> snake_case\n</code></pre>\n"
        );
    }

    /// Unclosed openers on a long line are looked for their closing run only so far.
    #[test]
    fn a_long_line_of_unclosed_openers_stays_plain() {
        let line = "*a _b ".repeat(5_000);
        let html = code_block("md", &line);
        assert!(html.ends_with(&format!("{line}</code></pre>\n")), "{}", &html[..200]);
    }

    #[test]
    fn a_fenced_block_inside_is_one_string() {
        let html = code_block("markdown", "```yaml\na: *b*\n```\nafter\n");
        assert!(html.contains("<span class=\"hl-string\">```yaml\na: *b*\n```</span>\nafter\n"), "{html}");
    }
}
