//! POSIX shell and bash: the command word of each command as a function, the shell's
//! keywords and operators as keywords, options (`-x`, `--out`) and expansions (`$OUT`,
//! `${A}`) as variables, quoted strings and comments.

use super::Kind;
use super::lex::{Lexer, is_blank, quoted};

/// Words that are the shell's own, not commands.
const KEYWORDS: &[&[u8]] = &[
    b"if",
    b"then",
    b"else",
    b"elif",
    b"fi",
    b"for",
    b"in",
    b"do",
    b"done",
    b"while",
    b"until",
    b"case",
    b"esac",
    b"function",
    b"select",
    b"time",
    b"export",
    b"local",
    b"readonly",
    b"declare",
    b"typeset",
    b"unset",
    b"return",
    b"exit",
    b"set",
    b"source",
    b"alias",
    b"!",
    b"[[",
    b"]]",
];

/// Keywords after which a command word comes, as at the start of a line.
const BEFORE_COMMAND: &[&[u8]] = &[b"if", b"then", b"else", b"elif", b"do", b"while", b"until", b"time", b"!"];

/// Keywords whose arguments may be assignments (`export NAME=value`).
const DECLARING: &[&[u8]] = &[b"export", b"local", b"readonly", b"declare", b"typeset"];

/// Where the lexer is in a command: whether the next word is the command's name, and
/// whether its words may be assignments.
struct State {
    command: bool,
    declaring: bool,
}

pub(super) fn lex(lx: &mut Lexer) {
    let mut state = State { command: true, declaring: false };
    while let Some(b) = lx.peek(0) {
        match b {
            b'\n' => {
                state.command = true;
                state.declaring = false;
                lx.take(1, None);
            }
            b'\\' => lx.escape(None),
            _ if is_blank(b) => lx.token(lx.run(lx.at(), is_blank), None),
            b'#' => lx.token(lx.line_end(), Some(Kind::Comment)),
            b'\'' => word_part(lx, &mut state, |lx| quoted(lx, b'\'', None, true)),
            b'"' => word_part(lx, &mut state, double_quoted),
            b'$' => word_part(lx, &mut state, expansion),
            b'|' | b'&' | b';' | b'(' | b')' | b'{' | b'}' => operator(lx, &mut state),
            b'<' | b'>' => redirection(lx, &mut state),
            _ => word(lx, &mut state),
        }
    }
}

/// A quoted string or an expansion: part of a word, which is then no command name.
fn word_part(lx: &mut Lexer, state: &mut State, part: fn(&mut Lexer)) {
    part(lx);
    state.command = false;
}

/// `|`, `||`, `&&`, `;`, `&`, parentheses and braces: a command word may follow.
fn operator(lx: &mut Lexer, state: &mut State) {
    let b = lx.bytes()[lx.at()];
    let n = if lx.peek(1) == Some(b) && matches!(b, b'|' | b'&' | b';') { 2 } else { 1 };
    lx.take(n, Some(Kind::Keyword));
    state.command = b != b')' && b != b'}';
    state.declaring = false;
}

/// `>`, `>>`, `<`, `<<`, `>&`: the word after it is a file.
fn redirection(lx: &mut Lexer, state: &mut State) {
    let end = lx.run(lx.at(), |c| matches!(c, b'<' | b'>' | b'&'));
    lx.token(end, Some(Kind::Keyword));
    state.command = false;
}

/// The end of an unquoted word part at the position.
fn word_end(lx: &Lexer) -> usize {
    lx.run(lx.at(), |c| {
        !is_blank(c) && !matches!(c, b'\n' | b'\'' | b'"' | b'$' | b'|' | b'&' | b';' | b'(' | b')' | b'<' | b'>')
    })
}

/// An unquoted word: a keyword, an assignment's name, the command's name, an option, or
/// a plain argument.
fn word(lx: &mut Lexer, state: &mut State) {
    let from = lx.at();
    let end = word_end(lx);
    if end == from {
        return lx.step();
    }
    let text = &lx.bytes()[from..end];
    if state.command && KEYWORDS.contains(&text) {
        lx.token(end, Some(Kind::Keyword));
        state.command = BEFORE_COMMAND.contains(&text);
        state.declaring = DECLARING.contains(&text);
    } else if let Some(eq) = assignment(text).filter(|_| state.command || state.declaring) {
        lx.token(from + eq, Some(Kind::Variable));
        lx.token(end, None);
    } else if state.command {
        lx.token(end, Some(Kind::Function));
        state.command = false;
    } else {
        let option = text.len() > 1 && text[0] == b'-';
        lx.token(end, option.then_some(Kind::Variable));
    }
}

/// The position of `=` when a word is an assignment (`NAME=value`).
fn assignment(text: &[u8]) -> Option<usize> {
    let eq = text.iter().position(|&c| c == b'=')?;
    let name = &text[..eq];
    let valid = name.first().is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        && name.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    valid.then_some(eq)
}

/// `$NAME`, `${...}` (to its `}`, or before a `"` or the line's end), `$1`, `$?`; `$(` is
/// an expansion whose command follows.
fn expansion(lx: &mut Lexer) {
    let end = match lx.peek(1) {
        Some(b'{') => {
            let close = lx.run(lx.at() + 2, |c| c != b'}' && c != b'"' && c != b'\n');
            close + usize::from(lx.bytes().get(close) == Some(&b'}'))
        }
        Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
            lx.run(lx.at() + 1, |c| c.is_ascii_alphanumeric() || c == b'_')
        }
        Some(b'0'..=b'9' | b'?' | b'#' | b'@' | b'*' | b'$' | b'!' | b'-') => lx.at() + 2,
        _ => lx.at() + 1,
    };
    lx.token(end, Some(Kind::Variable));
}

/// `"..."`, to its closing quote: a string with the expansions in it as variables.
fn double_quoted(lx: &mut Lexer) {
    lx.take(1, Some(Kind::String));
    loop {
        let end = lx.run(lx.at(), |c| c != b'"' && c != b'\\' && c != b'$');
        lx.token(end, Some(Kind::String));
        match lx.peek(0) {
            Some(b'\\') => lx.escape(Some(Kind::String)),
            Some(b'$') => expansion(lx),
            Some(_) => return lx.take(1, Some(Kind::String)),
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::code_block;

    #[test]
    fn commands_options_expansions_and_strings() {
        let html = code_block("sh", "A=1 charter build --out \"$OUT/x\" | jq '.a' # c\nif true; then export B=2; fi\n");
        assert_eq!(
            html,
            "<pre tabindex=\"0\"><code class=\"language-sh\"><span class=\"hl-variable\">A</span>=1 \
             <span class=\"hl-function\">charter</span> build <span class=\"hl-variable\">--out</span> \
             <span class=\"hl-string\">\"</span><span class=\"hl-variable\">$OUT</span>\
             <span class=\"hl-string\">/x\"</span> <span class=\"hl-keyword\">|</span> \
             <span class=\"hl-function\">jq</span> <span class=\"hl-string\">'.a'</span> \
             <span class=\"hl-comment\"># c</span>\n<span class=\"hl-keyword\">if</span> \
             <span class=\"hl-function\">true</span><span class=\"hl-keyword\">;</span> \
             <span class=\"hl-keyword\">then</span> <span class=\"hl-keyword\">export</span> \
             <span class=\"hl-variable\">B</span>=2<span class=\"hl-keyword\">;</span> <span class=\"hl-keyword\">fi</span>\n</code></pre>\n"
        );
    }
}
