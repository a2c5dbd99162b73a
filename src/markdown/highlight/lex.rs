//! What the own lexers share: a cursor over a block's bytes that writes each token as
//! the lexer decides it, and scanners for the tokens several languages have.
//!
//! Scanners look at bytes and stop at ASCII delimiters; [`Lexer::token`] never splits a
//! multi-byte character, whatever end it is given.

use super::{Html, Kind};

/// A position in a block and the HTML written so far: everything before `at` is written.
pub(super) struct Lexer<'c, 'h, 'o> {
    code: &'c str,
    b: &'c [u8],
    at: usize,
    html: &'h mut Html<'o>,
}

impl<'c, 'h, 'o> Lexer<'c, 'h, 'o> {
    pub(super) fn new(code: &'c str, html: &'h mut Html<'o>) -> Self {
        Lexer { code, b: code.as_bytes(), at: 0, html }
    }

    /// The position of the next byte to write.
    pub(super) fn at(&self) -> usize {
        self.at
    }

    /// The byte `n` places ahead (`peek(0)`: the next one).
    pub(super) fn peek(&self, n: usize) -> Option<u8> {
        self.b.get(self.at + n).copied()
    }

    /// The text of the block (for scanning ahead).
    pub(super) fn code(&self) -> &'c str {
        self.code
    }

    /// The bytes of the block (for scanning ahead).
    pub(super) fn bytes(&self) -> &'c [u8] {
        self.b
    }

    /// Whether the code at the position starts with `s`.
    pub(super) fn looking_at(&self, s: &[u8]) -> bool {
        self.b[self.at..].starts_with(s)
    }

    /// Writes the bytes up to `end` as one token of `kind` (`None`: no class). An end
    /// inside a character moves past it, so no scanner can split one.
    pub(super) fn token(&mut self, end: usize, kind: Option<Kind>) {
        let mut end = end.clamp(self.at, self.b.len());
        while !self.code.is_char_boundary(end) {
            end += 1;
        }
        self.html.push(kind, &self.code[self.at..end]);
        self.at = end;
    }

    /// Writes a token of `kind` that opens with `open` bytes and runs through the first
    /// `close` after them (a block comment, a multi-line string), or to the end of the
    /// block when it is not closed.
    pub(super) fn delimited(&mut self, open: usize, close: &[u8], kind: Kind) {
        let from = (self.at + open).min(self.b.len());
        let end = self.b[from..]
            .windows(close.len())
            .position(|w| w == close)
            .map_or(self.b.len(), |i| from + i + close.len());
        self.token(end, Some(kind));
    }

    /// Writes the next `n` bytes as one token of `kind`.
    pub(super) fn take(&mut self, n: usize, kind: Option<Kind>) {
        self.token(self.at + n, kind);
    }

    /// Writes one character as plain text.
    pub(super) fn step(&mut self) {
        self.take(1, None);
    }

    /// Writes a backslash and the character it escapes as a token of `kind`.
    pub(super) fn escape(&mut self, kind: Option<Kind>) {
        self.take(2, kind);
    }

    /// The end of the bytes from `from` on that `f` accepts.
    pub(super) fn run(&self, from: usize, f: impl Fn(u8) -> bool) -> usize {
        from + self.b[from.min(self.b.len())..].iter().take_while(|&&b| f(b)).count()
    }

    /// The end of the line the position is on, before its line break.
    pub(super) fn line_end(&self) -> usize {
        self.run(self.at, |b| b != b'\n')
    }

    /// Whether only spaces and tabs stand between the line's start and the position.
    pub(super) fn at_line_start(&self) -> bool {
        self.b[..self.at].iter().rev().take_while(|&&b| b != b'\n').all(|&b| b == b' ' || b == b'\t')
    }

    /// Writes what is left as plain text.
    pub(super) fn finish(mut self) {
        self.token(self.b.len(), None);
    }
}

/// Whether a byte belongs to a word (identifiers, bare keys; any non-ASCII character).
pub(super) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Whether a byte is a space or a tab.
pub(super) fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Writes a string opened by the `quote` at the position, to its closing quote (or the
/// line's end when `multiline` is false and it is not closed). With `escapes`, a
/// backslash escapes the next byte and the pair is a token of that kind.
pub(super) fn quoted(lx: &mut Lexer, quote: u8, escapes: Option<Kind>, multiline: bool) {
    lx.take(1, Some(Kind::String));
    let escaping = escapes.is_some();
    loop {
        let end = lx.run(lx.at(), |c| c != quote && !(c == b'\\' && escaping) && (multiline || c != b'\n'));
        lx.token(end, Some(Kind::String));
        match lx.peek(0) {
            Some(b'\\') if escaping => {
                lx.escape(escapes);
            }
            Some(c) if c == quote => return lx.take(1, Some(Kind::String)),
            _ => return,
        }
    }
}

/// The end of a number (or date) starting at `from`: `-1.5e+3`, `0x1F`, `1979-05-27T07:32:00Z`.
pub(super) fn number_end(b: &[u8], from: usize) -> usize {
    let mut end = from + usize::from(matches!(b.get(from), Some(b'-' | b'+')));
    while let Some(&c) = b.get(end) {
        let sign = (c == b'-' || c == b'+') && matches!(b[end - 1], b'e' | b'E' | b'0'..=b'9');
        if !(c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b':' || sign) {
            break;
        }
        end += 1;
    }
    end
}

/// Whether a number starts at `from`: a digit, or a sign or dot and a digit.
pub(super) fn starts_number(b: &[u8], from: usize) -> bool {
    match b.get(from) {
        Some(c) if c.is_ascii_digit() => true,
        Some(b'-' | b'+' | b'.') => b.get(from + 1).is_some_and(u8::is_ascii_digit),
        _ => false,
    }
}
