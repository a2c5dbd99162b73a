//! Syntax highlighting of code blocks at build time, by the language of the info string.
//!
//! Tokens become `<span class="hl-KIND">`, a handful of kinds the stylesheet colours per
//! scheme (light, dark, print), so no colour is written into the page and a theme
//! restyles code by CSS alone. A block whose language is unknown, absent or plain text is
//! escaped and left plain.
//!
//! Two engines, chosen by language. The languages product docs are mostly written in
//! (JSON, YAML, TOML, shell, Markdown, Rust, Python) go through small lexers of their
//! own ([`lex`]): syntect's Sublime grammars cost 15-80 µs a line on them (every pattern
//! of a context is tried at every token), which made highlighting add +65% to `build` on
//! a corpus with code on a third of its pages; the lexers take well under a microsecond
//! a line.
//! Every other language keeps syntect's grammars ([`sublime`]).

mod json;
mod lex;
mod markdown;
mod program;
mod shell;
mod sublime;
mod toml;
mod yaml;

use lex::Lexer;

/// A token kind: the CSS class `hl-KIND` the theme colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Comment,
    Keyword,
    String,
    Constant,
    Function,
    Type,
    Tag,
    Variable,
    Markup,
}

impl Kind {
    /// Every kind, in the order `sublime` numbers them.
    const ALL: [Kind; 9] = [
        Kind::Comment,
        Kind::Keyword,
        Kind::String,
        Kind::Constant,
        Kind::Function,
        Kind::Type,
        Kind::Tag,
        Kind::Variable,
        Kind::Markup,
    ];

    /// The class name after `hl-`, as themes/default/static/style.css styles it.
    fn class(self) -> &'static str {
        match self {
            Kind::Comment => "comment",
            Kind::Keyword => "keyword",
            Kind::String => "string",
            Kind::Constant => "constant",
            Kind::Function => "function",
            Kind::Type => "type",
            Kind::Tag => "tag",
            Kind::Variable => "variable",
            Kind::Markup => "markup",
        }
    }
}

/// The first word of an info string (` ```yaml title=x `, ` ```rust,ignore `).
pub fn language(info: &str) -> &str {
    info.split([' ', '\t', ',', '{']).next().unwrap_or_default()
}

/// The `<pre>` of a code block: `info` is the fenced block's info string (empty for an
/// indented block), `code` its text.
pub fn code_block(info: &str, code: &str) -> String {
    let lang = language(info);
    let mut out = String::with_capacity(code.len() * 2 + 64);
    // Focusable: a long line scrolls the block, and keys must reach it as a mouse does.
    out.push_str("<pre tabindex=\"0\"><code");
    if !lang.is_empty() {
        out.push_str(" class=\"language-");
        super::escape_into(&mut out, lang);
        out.push('"');
    }
    out.push('>');
    highlight_into(&mut out, lang, code);
    out.push_str("</code></pre>\n");
    out
}

/// A lexer of [`lex`]: writes every byte of the code once, as tokens.
type LexFn = fn(&mut Lexer);

/// The own lexer for a language name or file extension, if there is one.
fn own_lexer(lang: &str) -> Option<LexFn> {
    Some(match lang.to_ascii_lowercase().as_str() {
        "json" | "jsonc" | "json5" | "geojson" => json::lex,
        "yaml" | "yml" => yaml::lex,
        "toml" => toml::lex,
        "sh" | "bash" | "shell" | "zsh" | "console" => shell::lex,
        "markdown" | "md" | "mdown" | "mkd" => markdown::lex,
        "rust" | "rs" => program::lex_rust,
        "python" | "py" | "python3" => program::lex_python,
        _ => return None,
    })
}

/// Writes `code` highlighted: by an own lexer, else by a Sublime grammar, else plain.
fn highlight_into(out: &mut String, lang: &str, code: &str) {
    if lang.is_empty() {
        return escape_text(out, code);
    }
    if let Some(lex) = own_lexer(lang) {
        let mut html = Html::new(out);
        let mut lexer = Lexer::new(code, &mut html);
        lex(&mut lexer);
        lexer.finish();
        return html.close();
    }
    match sublime::syntax(lang) {
        Some(syntax) if sublime::highlight_into(out, syntax, code).is_ok() => {}
        _ => escape_text(out, code),
    }
}

/// Escaped text in `<span class="hl-KIND">` runs: a run stays open while the kind does.
struct Html<'o> {
    out: &'o mut String,
    open: Option<Kind>,
}

impl<'o> Html<'o> {
    fn new(out: &'o mut String) -> Self {
        Html { out, open: None }
    }

    /// Appends `text` as a token of `kind` (`None`: no class).
    fn push(&mut self, kind: Option<Kind>, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.open != kind {
            if self.open.is_some() {
                self.out.push_str("</span>");
            }
            if let Some(kind) = kind {
                self.out.push_str("<span class=\"hl-");
                self.out.push_str(kind.class());
                self.out.push_str("\">");
            }
            self.open = kind;
        }
        escape_text(self.out, text);
    }

    /// Closes the open run.
    fn close(self) {
        if self.open.is_some() {
            self.out.push_str("</span>");
        }
    }
}

/// Appends code escaped as HTML text (`<`, `>` and `&`, as pulldown-cmark does).
fn escape_text(out: &mut String, text: &str) {
    pulldown_cmark_escape::escape_html_body_text(out, text).ok();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings_give_their_first_word() {
        assert_eq!(language("rust,ignore"), "rust");
        assert_eq!(language("yaml title=charter.yaml"), "yaml");
        assert_eq!(language(""), "");
    }

    #[test]
    fn plain_and_unknown_blocks_are_only_escaped() {
        assert_eq!(code_block("", "a <b> & c\n"), "<pre tabindex=\"0\"><code>a &lt;b&gt; &amp; c\n</code></pre>\n");
        assert_eq!(
            code_block("klingon", "x\n"),
            "<pre tabindex=\"0\"><code class=\"language-klingon\">x\n</code></pre>\n"
        );
        assert_eq!(code_block("a\"b", "x"), "<pre tabindex=\"0\"><code class=\"language-a&quot;b\">x</code></pre>\n");
    }

    #[test]
    fn known_languages_get_spans_and_keep_the_text() {
        let html = code_block("yaml", "title: \"A <b>\" # note\n");
        assert!(html.contains("<span class=\"hl-tag\">title</span>"), "{html}");
        assert!(html.contains("<span class=\"hl-comment\"># note"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
    }

    /// The text of highlighted HTML, tags removed and entities decoded.
    fn text_of(html: &str) -> String {
        let mut text = String::new();
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            text.push_str(&rest[..open]);
            rest = &rest[open + rest[open..].find('>').unwrap() + 1..];
        }
        text.push_str(rest);
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    }

    /// Every own lexer, on many blocks of the characters its rules turn on (unclosed
    /// quotes, a backslash before a multi-byte character, ...): no panic, and the text
    /// comes out whole, in order, with balanced spans.
    #[test]
    fn own_lexers_keep_every_character_of_any_input() {
        const PIECES: &[&str] = &[
            "\"", "'", "`", "```", "\\", "é", "→", "#", "-", " ", "\t", "\n", ":", "=", "[", "]", "{", "}", "$", "*",
            "_", "|", ">", "<", "&", "(", ")", ".", "1", "true", "key", "/*", "*/", "//", "'''", "!", "r#", "fn",
            "def", "b", "f", "@", "0x1e-", "e+",
        ];
        let mut seed = 0x2545_f491_u64;
        for lang in ["json", "yaml", "toml", "sh", "markdown", "rust", "python"] {
            for _ in 0..2000 {
                let mut code = String::new();
                for _ in 0..(seed % 40) {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    code.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
                }
                let mut html = String::new();
                highlight_into(&mut html, lang, &code);
                assert_eq!(text_of(&html), code, "{lang}: {html}");
                assert_eq!(html.matches("<span").count(), html.matches("</span>").count(), "{lang}: {html}");
            }
        }
    }

    #[test]
    fn own_lexers_and_grammars_cover_the_usual_names() {
        for lang in ["yaml", "YML", "sh", "bash", "shell", "markdown", "md", "json", "toml", "rust", "py"] {
            assert!(own_lexer(lang).is_some(), "{lang}");
        }
        for lang in ["html", "c", "go", "js"] {
            assert!(own_lexer(lang).is_none() && sublime::syntax(lang).is_some(), "{lang}");
        }
    }
}
