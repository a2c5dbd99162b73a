//! YAML, a line at a time: keys as tags, scalars as strings or (numbers, booleans,
//! null) constants, comments, anchors and aliases as variables, tags as types, and the
//! lines of a block scalar (`|`, `>`) as one string.

use super::Kind;
use super::lex::{Lexer, is_blank, number_end, quoted, starts_number};

pub(super) fn lex(lx: &mut Lexer) {
    // The column a block scalar's lines must be indented past, while one is open.
    let mut block = None;
    while lx.peek(0).is_some() {
        line(lx, &mut block);
        lx.take(1, None);
    }
}

/// One line, without its line break.
fn line(lx: &mut Lexer, block: &mut Option<usize>) {
    let start = lx.at();
    let text_at = lx.run(start, is_blank);
    let end = lx.line_end();
    if let Some(parent) = *block {
        if text_at - start > parent || text_at == end {
            return lx.token(end, Some(Kind::String));
        }
        *block = None;
    }
    lx.token(text_at, None);
    if text_at == start && (lx.looking_at(b"---") || lx.looking_at(b"...")) {
        lx.take(3, Some(Kind::Keyword));
    }
    // The node's column: of its key, else of its last `- `.
    let mut column = text_at - start;
    while lx.peek(0) == Some(b'-') && lx.peek(1).is_none_or(|b| is_blank(b) || b == b'\n') {
        column = lx.at() - start;
        let after = lx.run(lx.at() + 1, is_blank);
        lx.token(after, None);
    }
    let key_column = lx.at() - start;
    if key(lx) {
        column = key_column;
        let after = lx.run(lx.at() + 1, is_blank);
        lx.token(after, None);
    }
    value(lx, end, column, block);
}

/// A key at the position (a quoted or plain scalar and `: `): writes it as a tag.
/// The `:` is left for the caller.
fn key(lx: &mut Lexer) -> bool {
    let b = lx.bytes();
    let from = lx.at();
    let colon = match b.get(from) {
        Some(&q @ (b'"' | b'\'')) => b[from + 1..].iter().position(|&c| c == q || c == b'\n').map(|i| from + i + 2),
        Some(b'#' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`') | None => None,
        Some(_) => plain_end(b, from, false).filter(|&e| b.get(e) == Some(&b':')),
    };
    let Some(key_end) = colon.filter(|&e| b.get(lx.run(e, is_blank)) == Some(&b':')) else {
        return false;
    };
    let colon = lx.run(key_end, is_blank);
    if !b.get(colon + 1).is_none_or(|&c| is_blank(c) || c == b'\n') {
        return false;
    }
    let trimmed = from + b[from..key_end].iter().rposition(|&c| !is_blank(c)).map_or(0, |i| i + 1);
    lx.token(trimmed, Some(Kind::Tag));
    lx.token(colon, None);
    true
}

/// The end of a plain scalar starting at `from`: before ` #`, `: `, the line's end and,
/// inside a flow (`[...]`, `{...}`), before `,`, `]` and `}`; `None` when it is empty.
fn plain_end(b: &[u8], from: usize, flow: bool) -> Option<usize> {
    let mut end = from;
    while let Some(&c) = b.get(end) {
        let before_blank = b.get(end + 1).is_none_or(|&n| is_blank(n) || n == b'\n');
        let stop = c == b'\n'
            || (c == b'#' && end > from && is_blank(b[end - 1]))
            || (c == b':' && before_blank)
            || (flow && matches!(c, b',' | b']' | b'}' | b'['));
        if stop {
            break;
        }
        end += 1;
    }
    (end > from).then_some(end)
}

/// The rest of a line after its key or dashes, up to `end`.
fn value(lx: &mut Lexer, end: usize, column: usize, block: &mut Option<usize>) {
    let mut depth = 0usize;
    while lx.at() < end {
        let Some(b) = lx.peek(0) else { return };
        match b {
            b'#' => return lx.token(end, Some(Kind::Comment)),
            b'"' => quoted(lx, b'"', Some(Kind::Constant), false),
            b'\'' => quoted(lx, b'\'', None, false),
            b'&' | b'*' | b'!' => {
                let name_end = lx.run(lx.at() + 1, |c| !is_blank(c) && !matches!(c, b'\n' | b',' | b']' | b'}'));
                lx.token(name_end, Some(if b == b'!' { Kind::Type } else { Kind::Variable }));
            }
            b'|' | b'>' if depth == 0 => {
                lx.token(lx.run(lx.at() + 1, |c| matches!(c, b'-' | b'+' | b'0'..=b'9')), Some(Kind::Keyword));
                *block = Some(column);
            }
            b'[' | b'{' => {
                depth += 1;
                lx.take(1, None);
            }
            b']' | b'}' | b',' | b':' => {
                depth = depth.saturating_sub(usize::from(matches!(b, b']' | b'}')));
                lx.take(1, None);
            }
            _ if is_blank(b) => lx.token(lx.run(lx.at(), is_blank), None),
            _ => scalar(lx, depth > 0),
        }
    }
}

/// A plain scalar: a constant when it is a number, a boolean or null, else a string; in
/// a flow, a `key:` is a tag.
fn scalar(lx: &mut Lexer, flow: bool) {
    let b = lx.bytes();
    let from = lx.at();
    let Some(end) = plain_end(b, from, flow) else { return lx.step() };
    let trimmed = from + b[from..end].iter().rposition(|&c| !is_blank(c)).map_or(0, |i| i + 1);
    let text = &b[from..trimmed];
    let constant = matches!(
        text,
        b"true" | b"false" | b"True" | b"False" | b"TRUE" | b"FALSE" | b"null" | b"Null" | b"NULL" | b"~"
    ) || (starts_number(b, from) && number_end(b, from) == trimmed);
    let kind = if b.get(end) == Some(&b':') {
        Kind::Tag
    } else if constant {
        Kind::Constant
    } else {
        Kind::String
    };
    lx.token(trimmed, Some(kind));
}

#[cfg(test)]
mod tests {
    use super::super::code_block;

    fn inner(lang: &str, code: &str) -> String {
        let html = code_block(lang, code);
        let code = html.find("<code").unwrap();
        let start = code + html[code..].find('>').unwrap() + 1;
        html[start..html.len() - "</code></pre>\n".len()].to_owned()
    }

    #[test]
    fn keys_scalars_and_comments() {
        assert_eq!(
            inner("yaml", "a: 1 # n\n- b: \"x\"\n  c: [on, 2]\n"),
            "<span class=\"hl-tag\">a</span>: <span class=\"hl-constant\">1</span> \
             <span class=\"hl-comment\"># n</span>\n- <span class=\"hl-tag\">b</span>: \
             <span class=\"hl-string\">\"x\"</span>\n  <span class=\"hl-tag\">c</span>: \
             [<span class=\"hl-string\">on</span>, <span class=\"hl-constant\">2</span>]\n"
        );
    }

    #[test]
    fn a_block_scalar_is_one_string_until_the_indentation_drops() {
        assert_eq!(
            inner("yaml", "- notes: >\n    a: b\n\n    c\n  next: x\n"),
            "- <span class=\"hl-tag\">notes</span>: <span class=\"hl-keyword\">&gt;</span>\n\
             <span class=\"hl-string\">    a: b</span>\n\n<span class=\"hl-string\">    c</span>\n  \
             <span class=\"hl-tag\">next</span>: <span class=\"hl-string\">x</span>\n"
        );
    }

    #[test]
    fn urls_and_colons_inside_values_stay_values() {
        assert_eq!(
            inner("yaml", "url: http://x.y/z#top\n"),
            "<span class=\"hl-tag\">url</span>: <span class=\"hl-string\">http://x.y/z#top</span>\n"
        );
    }
}
