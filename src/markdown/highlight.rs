//! Syntax highlighting of code blocks at build time, by the language of the info
//! string, with syntect's bundled Sublime Text grammars on the oniguruma regex engine
//! (the pure-Rust one took twice the CPU: most of the cost is regex search, per line).
//!
//! Tokens become `<span class="hl-KIND">`, a handful of kinds the stylesheet colours
//! per scheme (light, dark, print), so no colour is written into the page and a theme
//! restyles code by CSS alone. A block whose language is unknown, absent or plain text
//! is escaped and left plain.

use std::sync::LazyLock;
use syntect::highlighting::{
    Color, HighlightIterator, HighlightState, Highlighter, ScopeSelectors, Style, StyleModifier, Theme, ThemeItem,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The token kinds (CSS class `hl-KIND`) and the TextMate scopes each covers. The more
/// specific selector wins, as in an editor theme.
const KINDS: &[(&str, &str)] = &[
    ("comment", "comment"),
    ("keyword", "keyword, storage, punctuation.definition.list_item, punctuation.definition.blockquote"),
    ("string", "string, markup.raw, markup.inserted"),
    ("constant", "constant.numeric, constant.language, constant.character, constant.other, support.constant"),
    ("function", "entity.name.function, support.function, variable.function, meta.function-call.identifier"),
    (
        "type",
        "entity.name.type, entity.name.class, entity.name.struct, entity.name.enum, entity.name.trait, \
         support.type, support.class",
    ),
    ("tag", "entity.name.tag, markup.deleted"),
    (
        "variable",
        "variable.parameter, variable.other.readwrite, variable.other.normal, variable.other.bracket, \
         entity.other.attribute-name, punctuation.definition.variable, markup.underline.link",
    ),
    ("markup", "markup.heading, markup.bold, markup.italic"),
];

/// The grammars, loaded on the first code block that names a language. Only the index
/// is read then (under a millisecond): syntect decodes a grammar's contexts when a block
/// first uses it and compiles each regex when it is first tried, so a site pays only for
/// the languages and patterns its code needs.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// syntect resolves scopes to styles through a theme; this one's "colour" is the index
/// of the kind in [`KINDS`] plus one (its red channel), and 0 means no kind.
static CLASSES: LazyLock<Theme> = LazyLock::new(|| Theme {
    scopes: KINDS
        .iter()
        .enumerate()
        .map(|(i, (_, scopes))| ThemeItem {
            scope: scopes.parse::<ScopeSelectors>().expect("the selectors of KINDS parse"),
            style: StyleModifier {
                foreground: Some(Color { r: i as u8 + 1, g: 0, b: 0, a: 0xff }),
                ..StyleModifier::default()
            },
        })
        .collect(),
    ..Theme::default()
});

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
    match syntax(lang) {
        Some(syntax) if highlight_into(&mut out, syntax, code).is_ok() => {}
        _ => escape_text(&mut out, code),
    }
    out.push_str("</code></pre>\n");
    out
}

/// The grammar for a language name or file extension; `None` for plain text and
/// unknown names (the grammars are then not loaded at all for an empty name).
fn syntax(lang: &str) -> Option<&'static SyntaxReference> {
    if lang.is_empty() {
        return None;
    }
    let token = match lang.to_ascii_lowercase().as_str() {
        "shell" | "console" | "zsh" => "sh".to_owned(),
        "jsonc" | "json5" => "json".to_owned(),
        other => other.to_owned(),
    };
    SYNTAXES.find_syntax_by_token(&token).filter(|s| s.name != "Plain Text")
}

/// Writes `code` as escaped text in `<span class="hl-KIND">` runs. On a grammar error
/// the caller falls back to plain text (what `out` got so far is then discarded).
fn highlight_into(out: &mut String, syntax: &SyntaxReference, code: &str) -> Result<(), syntect::Error> {
    let start = out.len();
    let highlighter = Highlighter::new(&CLASSES);
    let mut parse = ParseState::new(syntax);
    let mut state = HighlightState::new(&highlighter, ScopeStack::new());
    let mut open: u8 = 0;
    let result = (|| {
        for line in LinesWithEndings::from(code) {
            let ops = parse.parse_line(line, &SYNTAXES)?;
            for (style, text) in HighlightIterator::new(&mut state, &ops, line, &highlighter) {
                open = switch_kind(out, open, kind(style));
                escape_text(out, text);
            }
        }
        Ok(())
    })();
    if open != 0 {
        out.push_str("</span>");
    }
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Appends code escaped as HTML text (`<`, `>` and `&`, as pulldown-cmark does).
fn escape_text(out: &mut String, text: &str) {
    pulldown_cmark_escape::escape_html_body_text(out, text).ok();
}

/// The kind index [`CLASSES`] gave a token (0: none).
fn kind(style: Style) -> u8 {
    style.foreground.r
}

/// Closes the open span and opens the next when the kind changes; returns the open kind.
fn switch_kind(out: &mut String, open: u8, next: u8) -> u8 {
    if open == next {
        return open;
    }
    if open != 0 {
        out.push_str("</span>");
    }
    if next != 0 {
        out.push_str("<span class=\"hl-");
        out.push_str(KINDS[usize::from(next) - 1].0);
        out.push_str("\">");
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_selector_parses_and_kinds_are_few() {
        assert_eq!(CLASSES.scopes.len(), KINDS.len());
        assert!(KINDS.len() < 255);
    }

    #[test]
    fn languages_are_found_by_name_and_extension() {
        for lang in ["yaml", "yml", "sh", "bash", "shell", "markdown", "md", "rust", "rs", "json", "html", "python"] {
            assert!(syntax(lang).is_some(), "{lang}");
        }
        for lang in ["", "text", "txt", "plain", "no-such-language"] {
            assert!(syntax(lang).is_none(), "{lang}");
        }
    }

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
}
