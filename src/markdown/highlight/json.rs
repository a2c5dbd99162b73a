//! JSON (and JSONC's comments): strings, with their escapes as constants; numbers,
//! `true`, `false` and `null` as constants; punctuation plain.

use super::Kind;
use super::lex::{Lexer, is_word, number_end, quoted, starts_number};

pub(super) fn lex(lx: &mut Lexer) {
    while let Some(b) = lx.peek(0) {
        match b {
            b'"' => quoted(lx, b'"', Some(Kind::Constant), false),
            b'/' if lx.peek(1) == Some(b'/') => lx.token(lx.line_end(), Some(Kind::Comment)),
            b'/' if lx.peek(1) == Some(b'*') => lx.delimited(2, b"*/", Kind::Comment),
            _ if starts_number(lx.bytes(), lx.at()) => lx.token(number_end(lx.bytes(), lx.at()), Some(Kind::Constant)),
            _ if is_word(b) => word(lx),
            _ => lx.step(),
        }
    }
}

/// A bare word: a constant if it is one of JSON's, else plain (JSON5's bare keys).
fn word(lx: &mut Lexer) {
    let end = lx.run(lx.at(), is_word);
    let constant = matches!(&lx.bytes()[lx.at()..end], b"true" | b"false" | b"null" | b"Infinity" | b"NaN");
    lx.token(end, constant.then_some(Kind::Constant));
}

#[cfg(test)]
mod tests {
    use super::super::code_block;

    #[test]
    fn strings_numbers_and_literals() {
        let html = code_block("json", "{ \"a\\\"\": -1.5e+3, \"b\": [true, null] } // c\n");
        assert_eq!(
            html,
            "<pre tabindex=\"0\"><code class=\"language-json\">{ <span class=\"hl-string\">\"a</span>\
             <span class=\"hl-constant\">\\\"</span><span class=\"hl-string\">\"</span>: \
             <span class=\"hl-constant\">-1.5e+3</span>, <span class=\"hl-string\">\"b\"</span>: \
             [<span class=\"hl-constant\">true</span>, <span class=\"hl-constant\">null</span>] } \
             <span class=\"hl-comment\">// c</span>\n</code></pre>\n"
        );
    }
}
