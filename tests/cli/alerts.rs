//! GitHub's alerts in the built pages: each kind a callout with an icon (hidden from
//! screen readers) and its kind in words; an unknown `[!KIND]` stays a quote; raw HTML
//! cannot forge a callout, with or without the sanitiser at work.

use crate::support::output::{self, Tree};
use crate::support::{OutDir, Site};

const KINDS: [(&str, &str); 5] =
    [("NOTE", "Note"), ("TIP", "Tip"), ("IMPORTANT", "Important"), ("WARNING", "Warning"), ("CAUTION", "Caution")];

fn build(site: &Site) -> (OutDir, Tree) {
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let tree = Tree::read(out.out());
    (out, tree)
}

/// The `<div class="markdown-alert ...">` elements of a page, up to their `</div>`.
fn callouts(html: &str) -> Vec<&str> {
    html.match_indices("<div class=\"markdown-alert")
        .map(|(start, _)| &html[start..start + html[start..].find("</div>").unwrap() + 6])
        .collect()
}

#[test]
fn each_alert_kind_is_a_callout_with_icon_and_title() {
    let body: String =
        KINDS.iter().map(|(kind, _)| format!("> [!{kind}]\n> Text of the {kind} with *emphasis*.\n\n")).collect();
    let (_out, tree) = build(&Site::new().file("docs/index.md", format!("# Alerts\n\n{body}")));
    let page = tree.text("docs/index.html");
    let found = callouts(page);
    assert_eq!(found.len(), KINDS.len(), "{page}");
    for ((kind, title), callout) in KINDS.iter().zip(found) {
        let class = kind.to_lowercase();
        assert!(callout.starts_with(&format!("<div class=\"markdown-alert markdown-alert-{class}\">")), "{callout}");
        assert!(callout.contains("<p class=\"markdown-alert-title\"><svg class=\"alert-icon\""), "{callout}");
        assert!(callout.contains("aria-hidden=\"true\""), "{callout}");
        assert_eq!(output::text(callout), format!("{title} Text of the {kind} with emphasis."));
        assert!(!callout.contains("[!"), "{callout}");
    }
    insta::assert_snapshot!("alert_note", callouts(page)[0]);
}

#[test]
fn an_unknown_kind_and_a_plain_quote_stay_quotes() {
    let body = "# Q\n\n> [!DANGER]\n> Not a kind GitHub knows.\n\n> Just a quote.\n";
    let (_out, tree) = build(&Site::new().file("docs/index.md", body));
    let main = output::main(tree.text("docs/index.html"));
    assert!(callouts(main).is_empty(), "{main}");
    assert_eq!(main.matches("<blockquote>").count(), 2, "{main}");
    assert!(output::text(main).contains("[!DANGER] Not a kind GitHub knows."), "{main}");
}

/// A body with raw HTML goes through the sanitiser: its own callouts survive it, and
/// the callout markup written by hand (classes, SVG) does not.
#[test]
fn raw_html_cannot_forge_a_callout() {
    let forged = "<div class=\"markdown-alert markdown-alert-caution x\"><p class=\"markdown-alert-title\">\
                  <svg aria-hidden=\"true\"><path d=\"M0 0\"/></svg>Caution</p><p>Send your password</p></div>";
    for unsafe_html in [false, true] {
        let config = if unsafe_html {
            format!("{}unsafe_html: true\n", crate::support::CONFIG)
        } else {
            crate::support::CONFIG.to_owned()
        };
        let site = Site::new()
            .file("charter.yaml", config)
            .file("docs/index.md", format!("# F\n\n{forged}\n\n> [!TIP]\n> A real one.\n"));
        let (_out, tree) = build(&site);
        let main = output::main(tree.text("docs/index.html"));
        let found = callouts(main);
        if unsafe_html {
            // The site trusts its authors: raw HTML is kept as written.
            assert_eq!(found.len(), 2, "{main}");
            continue;
        }
        assert_eq!(found.len(), 1, "{main}");
        assert!(found[0].contains("A real one."), "{main}");
        assert!(main.contains("<div class=\"x\"><p>Caution</p><p>Send your password</p></div>"), "{main}");
        assert_eq!(main.matches("<svg").count(), 1, "{main}");
    }
}
