//! GitHub's alerts (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`)
//! as callouts with an icon and the kind in words, in GitHub's markup
//! (`markdown-alert markdown-alert-KIND`, `markdown-alert-title`).
//!
//! The callout must not be forgeable from raw HTML, and the sanitiser allows no SVG.
//! So a callout is written with classes made from a per-process secret ([`open`]), which
//! survive sanitising as any class does, and only [`finish`], after sanitising, turns them
//! into the real classes and the icon. The sanitiser drops `markdown-alert` classes from
//! raw HTML (see html.rs), so a body can neither write a callout nor guess the secret.

use pulldown_cmark::BlockQuoteKind;
use std::hash::{BuildHasher, RandomState};
use std::sync::LazyLock;

/// The class prefix that stands for charter's callouts until [`finish`]: random, so no
/// body can contain it; never in the output, so builds stay byte-identical.
static SECRET: LazyLock<String> = LazyLock::new(|| {
    let random = RandomState::new();
    format!("charter-{:016x}{:016x}", random.hash_one(1u8), random.hash_one(2u8))
});

/// Every kind: its class suffix, its title and its icon (16 px strokes).
const KINDS: [(BlockQuoteKind, &str, &str, &str); 5] = [
    (BlockQuoteKind::Note, "note", "Note", r#"<circle cx="8" cy="8" r="6.25"/><path d="M8 7.25v4M8 4.75v.01"/>"#),
    (
        BlockQuoteKind::Tip,
        "tip",
        "Tip",
        r#"<path d="M6 12.25h4M6.75 14.5h2.5M8 1.75a4.25 4.25 0 0 0-2.6 7.6c.55.45.85.95.85 1.65h3.5c0-.7.3-1.2.85-1.65A4.25 4.25 0 0 0 8 1.75Z"/>"#,
    ),
    (
        BlockQuoteKind::Important,
        "important",
        "Important",
        r#"<path d="M2.75 2h10.5a1 1 0 0 1 1 1v7.5a1 1 0 0 1-1 1H8.5l-3.75 2.75V11.5h-2a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1ZM8 4.5v3.25M8 9.75v.01"/>"#,
    ),
    (BlockQuoteKind::Warning, "warning", "Warning", r#"<path d="M8 1.75 14.75 13.75H1.25ZM8 6.25v3.5M8 11.75v.01"/>"#),
    (
        BlockQuoteKind::Caution,
        "caution",
        "Caution",
        r#"<path d="M5.25 1.25h5.5l4 4v5.5l-4 4h-5.5l-4-4v-5.5ZM8 4.75v3.5M8 10.75v.01"/>"#,
    ),
];

/// The class every callout carries; the sanitiser strips it (and its `-KIND` forms)
/// from raw HTML.
pub const CLASS: &str = "markdown-alert";

/// The start of a callout, in its provisional form: see the module comment.
pub fn open(kind: BlockQuoteKind) -> String {
    let (_, name, title, _) = KINDS.iter().find(|k| k.0 == kind).unwrap_or(&KINDS[0]);
    let secret = &*SECRET;
    format!("<div class=\"{secret}-{name}\">\n<p class=\"{secret}-title-{name}\">{title}</p>\n")
}

/// The end of a callout.
pub const CLOSE: &str = "</div>\n";

/// Turns the provisional callouts of [`open`] into the final markup, icons included.
pub fn finish(html: &str) -> String {
    let secret = &*SECRET;
    let mut out = html.to_owned();
    for (_, name, _, icon) in KINDS {
        out = out
            .replace(&format!("<div class=\"{secret}-{name}\">"), &format!("<div class=\"{CLASS} {CLASS}-{name}\">"))
            .replace(
                &format!("<p class=\"{secret}-title-{name}\">"),
                &format!(
                    "<p class=\"{CLASS}-title\"><svg class=\"alert-icon\" viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" \
                     fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" stroke-linecap=\"round\" \
                     stroke-linejoin=\"round\" aria-hidden=\"true\">{icon}</svg>"
                ),
            );
    }
    out
}

/// A raw HTML class attribute without callout classes (used by the sanitiser).
pub fn strip_classes(classes: &str) -> String {
    classes.split_ascii_whitespace().filter(|c| !c.starts_with(CLASS)).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callouts_get_their_classes_icon_and_title() {
        let html = finish(&format!("{}<p>Body</p>\n{CLOSE}", open(BlockQuoteKind::Warning)));
        assert!(html.starts_with(
            "<div class=\"markdown-alert markdown-alert-warning\">\n<p class=\"markdown-alert-title\"><svg "
        ));
        assert!(html.contains("aria-hidden=\"true\"><path d=\"M8 1.75"), "{html}");
        assert!(html.ends_with("</svg>Warning</p>\n<p>Body</p>\n</div>\n"), "{html}");
        assert!(!html.contains("charter-"), "{html}");
    }

    #[test]
    fn raw_classes_lose_only_callout_classes() {
        assert_eq!(strip_classes("markdown-alert markdown-alert-note keep"), "keep");
        assert_eq!(strip_classes("a  b"), "a b");
    }
}
