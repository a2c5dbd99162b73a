//! TOML: table headers as types, keys (bare, quoted, dotted) as tags, strings (with
//! escapes as constants in basic strings), numbers, dates and booleans as constants.

use super::Kind;
use super::lex::{Lexer, is_blank, is_word, number_end, quoted, starts_number};

pub(super) fn lex(lx: &mut Lexer) {
    let mut depth = 0usize;
    while let Some(b) = lx.peek(0) {
        if let Some(end) = key_end(lx.bytes(), lx.at()) {
            lx.token(end, Some(Kind::Tag));
            continue;
        }
        match b {
            b'#' => lx.token(lx.line_end(), Some(Kind::Comment)),
            b'"' if lx.looking_at(b"\"\"\"") => lx.delimited(3, b"\"\"\"", Kind::String),
            b'\'' if lx.looking_at(b"'''") => lx.delimited(3, b"'''", Kind::String),
            b'"' => quoted(lx, b'"', Some(Kind::Constant), false),
            b'\'' => quoted(lx, b'\'', None, false),
            b'[' if depth == 0 && lx.at_line_start() => header(lx),
            b'[' | b'{' | b']' | b'}' => {
                depth = if matches!(b, b'[' | b'{') { depth + 1 } else { depth.saturating_sub(1) };
                lx.take(1, None);
            }
            _ if starts_number(lx.bytes(), lx.at()) => lx.token(number_end(lx.bytes(), lx.at()), Some(Kind::Constant)),
            _ if is_word(b) => {
                let end = lx.run(lx.at(), is_word);
                let constant = matches!(&lx.bytes()[lx.at()..end], b"true" | b"false" | b"inf" | b"nan");
                lx.token(end, constant.then_some(Kind::Constant));
            }
            _ => lx.step(),
        }
    }
}

/// Whether a byte may be in a bare key.
fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The end of a key starting at `from` (bare or quoted parts joined by dots), when an
/// `=` follows it on the line.
fn key_end(b: &[u8], from: usize) -> Option<usize> {
    let mut end = from;
    loop {
        end = match *b.get(end)? {
            q @ (b'"' | b'\'') => end + 2 + b[end + 1..].iter().position(|&c| c == q || c == b'\n')?,
            c if is_bare(c) => end + b[end..].iter().take_while(|&&c| is_bare(c)).count(),
            _ => return None,
        };
        let next = end + b[end..].iter().take_while(|&&c| is_blank(c)).count();
        match b.get(next) {
            Some(b'=') => return Some(end),
            Some(b'.') => end = next + 1 + b[next + 1..].iter().take_while(|&&c| is_blank(c)).count(),
            _ => return None,
        }
    }
}

/// A table header, `[name]` or `[[name]]`: the name is a type.
fn header(lx: &mut Lexer) {
    let open = lx.run(lx.at(), |c| c == b'[');
    lx.token(open, None);
    let name = lx.run(open, |c| c != b']' && c != b'\n');
    lx.token(name, Some(Kind::Type));
    lx.token(lx.run(name, |c| c == b']'), None);
}

#[cfg(test)]
mod tests {
    use super::super::code_block;

    #[test]
    fn headers_keys_and_values() {
        let html = code_block("toml", "[a.b]\nname = \"x\" # c\nsite.\"k\" = [1.5, true]\n");
        assert_eq!(
            html,
            "<pre tabindex=\"0\"><code class=\"language-toml\">[<span class=\"hl-type\">a.b</span>]\n\
             <span class=\"hl-tag\">name</span> = <span class=\"hl-string\">\"x\"</span> \
             <span class=\"hl-comment\"># c</span>\n<span class=\"hl-tag\">site.\"k\"</span> = \
             [<span class=\"hl-constant\">1.5</span>, <span class=\"hl-constant\">true</span>]\n</code></pre>\n"
        );
    }
}
