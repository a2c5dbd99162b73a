//! The languages without an own lexer: syntect's bundled Sublime Text grammars on the
//! oniguruma regex engine (the pure-Rust one took twice the CPU: most of the cost is
//! regex search, per line).

use super::{Html, Kind};
use std::sync::LazyLock;
use syntect::highlighting::{
    Color, HighlightIterator, HighlightState, Highlighter, ScopeSelectors, Style, StyleModifier, Theme, ThemeItem,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The TextMate scopes each kind covers, in the order of [`Kind::ALL`]. The more
/// specific selector wins, as in an editor theme.
const SCOPES: [&str; Kind::ALL.len()] = [
    "comment",
    "keyword, storage, punctuation.definition.list_item, punctuation.definition.blockquote",
    "string, markup.raw, markup.inserted",
    "constant.numeric, constant.language, constant.character, constant.other, support.constant",
    "entity.name.function, support.function, variable.function, meta.function-call.identifier",
    "entity.name.type, entity.name.class, entity.name.struct, entity.name.enum, entity.name.trait, \
     support.type, support.class",
    "entity.name.tag, markup.deleted",
    "variable.parameter, variable.other.readwrite, variable.other.normal, variable.other.bracket, \
     entity.other.attribute-name, punctuation.definition.variable, markup.underline.link",
    "markup.heading, markup.bold, markup.italic",
];

/// The grammars, loaded on the first code block that needs one. Only the index is read
/// then (under a millisecond): syntect decodes a grammar's contexts when a block first
/// uses it and compiles each regex when it is first tried, so a site pays only for the
/// languages and patterns its code needs.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// syntect resolves scopes to styles through a theme; this one's "colour" is the index
/// of the kind in [`Kind::ALL`] plus one (its red channel), and 0 means no kind.
static CLASSES: LazyLock<Theme> = LazyLock::new(|| Theme {
    scopes: SCOPES
        .iter()
        .enumerate()
        .map(|(i, scopes)| ThemeItem {
            scope: scopes.parse::<ScopeSelectors>().expect("the selectors of SCOPES parse"),
            style: StyleModifier {
                foreground: Some(Color { r: i as u8 + 1, g: 0, b: 0, a: 0xff }),
                ..StyleModifier::default()
            },
        })
        .collect(),
    ..Theme::default()
});

/// The grammar for a language name or file extension; `None` for plain text and
/// unknown names.
pub(super) fn syntax(lang: &str) -> Option<&'static SyntaxReference> {
    SYNTAXES.find_syntax_by_token(&lang.to_ascii_lowercase()).filter(|s| s.name != "Plain Text")
}

/// Writes `code` as escaped text in `<span class="hl-KIND">` runs. On a grammar error
/// the caller falls back to plain text (what `out` got so far is then discarded).
pub(super) fn highlight_into(out: &mut String, syntax: &SyntaxReference, code: &str) -> Result<(), syntect::Error> {
    let start = out.len();
    let highlighter = Highlighter::new(&CLASSES);
    let mut parse = ParseState::new(syntax);
    let mut state = HighlightState::new(&highlighter, ScopeStack::new());
    let mut html = Html::new(out);
    let result = (|| {
        for line in LinesWithEndings::from(code) {
            let ops = parse.parse_line(line, &SYNTAXES)?;
            for (style, text) in HighlightIterator::new(&mut state, &ops, line, &highlighter) {
                html.push(kind(style), text);
            }
        }
        Ok(())
    })();
    html.close();
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// The kind [`CLASSES`] gave a token.
fn kind(style: Style) -> Option<Kind> {
    Kind::ALL.get(usize::from(style.foreground.r).checked_sub(1)?).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_selector_parses() {
        assert_eq!(CLASSES.scopes.len(), Kind::ALL.len());
    }

    #[test]
    fn plain_text_and_unknown_names_have_no_grammar() {
        for lang in ["text", "txt", "plain", "no-such-language"] {
            assert!(syntax(lang).is_none(), "{lang}");
        }
    }
}
