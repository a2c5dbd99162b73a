//! Rust and Python, from one lexer and a table per language: comments, strings (with
//! escapes and `{...}` placeholders as constants), numbers, keywords, the name after
//! `fn`/`def` and calls as functions, the name after `struct`/`class` and capitalised
//! names as types, Rust's lifetimes and macros, Python's decorators.

use super::Kind;
use super::lex::{Lexer, is_blank, is_word};

/// What differs between the languages this lexer reads.
pub(super) struct Grammar {
    /// Starts a comment to the end of the line.
    line_comment: &'static [u8],
    /// Rust: nested `/* */` comments, `'a` lifetimes and `'x'` characters, `name!` macros,
    /// `r#"..."#` raw strings. Python: `"""` strings, `@decorators`.
    rust: bool,
    keywords: &'static [&'static str],
    constants: &'static [&'static str],
    /// Keywords after which the next name is defined as a function.
    function_definers: &'static [&'static str],
    /// Keywords after which the next name is defined as a type.
    type_definers: &'static [&'static str],
}

pub(super) const RUST: Grammar = Grammar {
    line_comment: b"//",
    rust: true,
    keywords: &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "fn", "for",
        "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
        "super", "trait", "type", "unsafe", "use", "where", "while", "yield", "bool", "char", "str", "u8", "u16",
        "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64",
    ],
    constants: &["true", "false"],
    function_definers: &["fn"],
    type_definers: &["struct", "enum", "trait", "type", "union"],
};

pub(super) const PYTHON: Grammar = Grammar {
    line_comment: b"#",
    rust: false,
    keywords: &[
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
        "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "match", "case", "nonlocal", "not",
        "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ],
    constants: &["True", "False", "None", "NotImplemented", "Ellipsis"],
    function_definers: &["def"],
    type_definers: &["class"],
};

/// The kind the next name gets because of the keyword before it.
#[derive(Clone, Copy)]
enum Defining {
    Nothing,
    Function,
    Type,
}

pub(super) fn lex_rust(lx: &mut Lexer) {
    lex(lx, &RUST);
}

pub(super) fn lex_python(lx: &mut Lexer) {
    lex(lx, &PYTHON);
}

fn lex(lx: &mut Lexer, g: &Grammar) {
    let mut defining = Defining::Nothing;
    while let Some(b) = lx.peek(0) {
        match b {
            _ if lx.looking_at(g.line_comment) => lx.token(lx.line_end(), Some(Kind::Comment)),
            b'/' if g.rust && lx.peek(1) == Some(b'*') => block_comment(lx),
            b'\'' if g.rust => quote_or_lifetime(lx),
            b'"' | b'\'' => string(lx, g, false),
            b'@' if !g.rust => lx.token(lx.run(lx.at() + 1, |c| is_word(c) || c == b'.'), Some(Kind::Function)),
            b'0'..=b'9' => lx.token(number_end(lx.bytes(), lx.at()), Some(Kind::Constant)),
            _ if is_word(b) => {
                defining = name(lx, g, defining);
                continue;
            }
            _ => lx.step(),
        }
        if !is_blank(b) {
            defining = Defining::Nothing;
        }
    }
}

/// A name: a keyword, a constant, a string's prefix, a defined or called function, a
/// type, or plain. Returns what the name after it defines.
fn name(lx: &mut Lexer, g: &Grammar, defining: Defining) -> Defining {
    let from = lx.at();
    let end = lx.run(from, is_word);
    let word = &lx.code()[from..end];
    let after = lx.bytes().get(end).copied();
    let quote_at = lx.run(end, |c| c == b'#' && g.rust);
    if matches!(lx.bytes().get(quote_at), Some(b'"' | b'\'')) && is_string_prefix(word, g) {
        lx.token(end, Some(Kind::String));
        string(lx, g, word.contains(['r', 'R']));
        return Defining::Nothing;
    }
    let kind = if g.keywords.contains(&word) {
        Some(Kind::Keyword)
    } else if g.constants.contains(&word) {
        Some(Kind::Constant)
    } else {
        match defining {
            Defining::Function => Some(Kind::Function),
            Defining::Type => Some(Kind::Type),
            Defining::Nothing if word.starts_with(|c: char| c.is_ascii_uppercase()) => Some(Kind::Type),
            Defining::Nothing if after == Some(b'(') => Some(Kind::Function),
            Defining::Nothing => None,
        }
    };
    // A macro's name keeps its `!` (`println!`, not `x!=y`).
    let bang = g.rust && kind.is_none() && after == Some(b'!') && lx.bytes().get(end + 1) != Some(&b'=');
    lx.token(end + usize::from(bang), if bang { Some(Kind::Function) } else { kind });
    if g.function_definers.contains(&word) {
        Defining::Function
    } else if g.type_definers.contains(&word) {
        Defining::Type
    } else {
        Defining::Nothing
    }
}

/// Whether a name just before a quote is a string prefix (`r`, `b`, `br`, Python's `f`, `rb`...).
fn is_string_prefix(word: &str, g: &Grammar) -> bool {
    let letters: &[char] = if g.rust { &['r', 'b', 'c'] } else { &['r', 'b', 'f', 'u', 'R', 'B', 'F', 'U'] };
    word.len() <= 2 && word.chars().all(|c| letters.contains(&c))
}

/// A string at the position: Python's `"""`/`'''`, Rust's raw `#"..."#` (after `r`),
/// or a quoted string; `{...}` placeholders and escapes (not in raw strings) are constants.
fn string(lx: &mut Lexer, g: &Grammar, raw: bool) {
    let hashes = lx.run(lx.at(), |c| c == b'#') - lx.at();
    let quote = lx.peek(hashes).unwrap_or(b'"');
    let triple = !g.rust && lx.peek(1) == Some(quote) && lx.peek(2) == Some(quote);
    if raw || hashes > 0 {
        let mut close = vec![quote];
        close.extend(std::iter::repeat_n(b'#', hashes));
        return lx.delimited(hashes + 1, &close, Kind::String);
    }
    if triple {
        return lx.delimited(3, &[quote; 3], Kind::String);
    }
    lx.take(1, Some(Kind::String));
    loop {
        let end = lx.run(lx.at(), |c| c != quote && c != b'\\' && c != b'{' && (g.rust || c != b'\n'));
        lx.token(end, Some(Kind::String));
        match lx.peek(0) {
            Some(b'\\') => lx.escape(Some(Kind::Constant)),
            Some(b'{') if lx.peek(1) == Some(b'{') => lx.take(2, Some(Kind::String)),
            Some(b'{') => placeholder(lx, quote),
            Some(c) if c == quote => return lx.take(1, Some(Kind::String)),
            _ => return,
        }
    }
}

/// A `{...}` in a string: a constant when it closes before the string does, else the
/// `{` and what follows are the string's text.
fn placeholder(lx: &mut Lexer, quote: u8) {
    let close = lx.run(lx.at() + 1, |c| c != b'}' && c != quote && c != b'\\' && c != b'\n');
    if lx.bytes().get(close) == Some(&b'}') {
        lx.token(close + 1, Some(Kind::Constant));
    } else {
        lx.token(close, Some(Kind::String));
    }
}

/// Rust's `'a'` or `'\n'` (a character, a string) or `'a` (a lifetime, a keyword).
fn quote_or_lifetime(lx: &mut Lexer) {
    let b = lx.bytes();
    let at = lx.at();
    let char_end = match b.get(at + 1) {
        Some(b'\\') => b[at + 2..].iter().position(|&c| c == b'\'').map(|i| at + 3 + i),
        Some(_) => {
            let len = lx.code()[at + 1..].chars().next().map_or(1, char::len_utf8);
            (b.get(at + 1 + len) == Some(&b'\'')).then_some(at + 2 + len)
        }
        None => None,
    };
    match char_end {
        Some(end) => lx.token(end, Some(Kind::String)),
        None => lx.token(lx.run(at + 1, is_word), Some(Kind::Keyword)),
    }
}

/// `/* ... */`, nested as Rust nests them.
fn block_comment(lx: &mut Lexer) {
    let b = lx.bytes();
    let (mut depth, mut i) = (0usize, lx.at());
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                break;
            }
        } else {
            i += 1;
        }
    }
    lx.token(i, Some(Kind::Comment));
}

/// The end of a number starting with a digit at `from`: `42`, `1_000u32`, `0x1F`,
/// `1.5e-3`; a `.` belongs to it only before a digit (`0..n` is a range).
fn number_end(b: &[u8], from: usize) -> usize {
    let mut end = from;
    while let Some(&c) = b.get(end) {
        let dot = c == b'.' && b.get(end + 1).is_some_and(u8::is_ascii_digit);
        let sign = matches!(c, b'-' | b'+') && matches!(b[end - 1], b'e' | b'E') && !b[from..end].starts_with(b"0x");
        if !(c.is_ascii_alphanumeric() || c == b'_' || dot || sign) {
            break;
        }
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::super::code_block;

    #[test]
    fn rust_definitions_calls_types_strings_and_lifetimes() {
        let html = code_block("rust", "fn f<'a>(x: &'a str) -> Vec<u8> { println!(\"{x}\\n\"); 0..2 } // c\n");
        assert_eq!(
            html,
            "<pre tabindex=\"0\"><code class=\"language-rust\"><span class=\"hl-keyword\">fn</span> \
             <span class=\"hl-function\">f</span>&lt;<span class=\"hl-keyword\">'a</span>&gt;(x: &amp;\
             <span class=\"hl-keyword\">'a</span> <span class=\"hl-keyword\">str</span>) -&gt; <span class=\"hl-type\">Vec</span>&lt;\
             <span class=\"hl-keyword\">u8</span>&gt; { <span class=\"hl-function\">println!</span>(\
             <span class=\"hl-string\">\"</span><span class=\"hl-constant\">{x}\\n</span>\
             <span class=\"hl-string\">\"</span>); <span class=\"hl-constant\">0</span>..\
             <span class=\"hl-constant\">2</span> } <span class=\"hl-comment\">// c</span>\n</code></pre>\n"
        );
    }

    /// A `{` that does not close in the string leaves its escapes and end to the string.
    #[test]
    fn an_unclosed_brace_does_not_end_or_extend_the_string() {
        let html = code_block("rust", "let s = \"{\\\"a\\\": 1}\"; f(\"{x\");\n");
        assert!(html.contains("<span class=\"hl-constant\">\\\"</span>"), "{html}");
        assert!(
            html.contains("; <span class=\"hl-function\">f</span>(<span class=\"hl-string\">\"{x\"</span>);"),
            "{html}"
        );
    }

    #[test]
    fn python_definitions_decorators_and_strings() {
        let html =
            code_block("python", "@cache\ndef f(s=None):\n    \"\"\"Doc\n    more\"\"\"\n    return f\"{s}\" # c\n");
        assert_eq!(
            html,
            "<pre tabindex=\"0\"><code class=\"language-python\"><span class=\"hl-function\">@cache</span>\n\
             <span class=\"hl-keyword\">def</span> <span class=\"hl-function\">f</span>(s=\
             <span class=\"hl-constant\">None</span>):\n    <span class=\"hl-string\">\"\"\"Doc\n    more\"\"\"</span>\n    \
             <span class=\"hl-keyword\">return</span> <span class=\"hl-string\">f\"</span>\
             <span class=\"hl-constant\">{s}</span><span class=\"hl-string\">\"</span> \
             <span class=\"hl-comment\"># c</span>\n</code></pre>\n"
        );
    }
}
