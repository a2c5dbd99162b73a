//! Markdown bodies in the built pages: unsafe HTML and URLs never reach the output
//! (unless `unsafe_html: true`), and relative `.md` links become links to pages.

use crate::support::output::{self, Tree};
use crate::support::{CONFIG, OutDir, Site};

/// Every payload hides the word PWNED in its dangerous part only, so after sanitising
/// the word must not appear in any page. (The search index is plain text, never HTML:
/// it may hold the words of an inline `<script>`, as inert text.)
const HOSTILE_BODY: &str = r#"Intro paragraph.

<script>PWNED()</script>

<img src="x.png" onerror="PWNED()"> <b onclick="PWNED()">bold</b>

[a link](javascript:PWNED%28%29) [spaced](<JaVa	ScRiPt:PWNED>) ![an image](data:image/svg+xml;base64,PWNED)

<a href="javascript:PWNED()">raw link</a> <a href="data:text/html,PWNED">data link</a> <img src="data:image/png;base64,PWNED">

<style>body { background: url(PWNED) }</style>

<iframe src="https://pwned.example/"></iframe>

<form action="https://pwned.example/"><input name="PWNED"></form>

<base href="https://pwned.example/">

<div style="background:url(PWNED)" onmouseover="PWNED()">styled</div>

<svg><script>PWNED()</script></svg> <math><mi xlink:href="javascript:PWNED()">m</mi></math>

Outro paragraph.
"#;

fn story(body: &str) -> String {
    format!("---\ntitle: A story\nproduct_owner: olga\nrank: 1\n---\n{body}")
}

fn build(site: &Site) -> (OutDir, Tree) {
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let tree = Tree::read(out.out());
    (out, tree)
}

#[test]
fn hostile_html_in_bodies_is_removed() {
    let site = Site::new()
        .file("backlog/S-1.md", story(HOSTILE_BODY))
        .file("roadmap/plan.md", format!("---\ntitle: Plan\nproduct_manager: pat\nhorizon: later\n---\n{HOSTILE_BODY}"))
        .file("docs/index.md", HOSTILE_BODY)
        .file("backlog/x.png", "png")
        .file("roadmap/x.png", "png")
        .file("docs/x.png", "png");
    let (_out, tree) = build(&site);
    let survived: Vec<&str> = tree.files_containing("pwned").into_iter().filter(|f| f.ends_with(".html")).collect();
    assert_eq!(survived, Vec::<&str>::new(), "a payload survived");
    for page in ["backlog/s-1/index.html", "roadmap/plan/index.html", "docs/index.html"] {
        let text = output::text(tree.text(page));
        for kept in ["Intro paragraph.", "bold", "a link", "raw link", "styled", "Outro paragraph."] {
            assert!(text.contains(kept), "{page} lost the harmless text {kept:?}: {text}");
        }
    }
}

#[test]
fn the_pages_own_markup_is_not_confused_with_the_body() {
    // Same page with and without the hostile body: the theme's own scripts, forms and
    // styles are all that is left.
    let (_a, hostile) = build(&Site::new().file("backlog/S-1.md", story(HOSTILE_BODY)).file("backlog/x.png", "png"));
    let (_b, plain) = build(&Site::new().file("backlog/S-1.md", story("Intro paragraph.\n")));
    let (h, p) =
        (hostile.text("backlog/s-1/index.html").to_lowercase(), plain.text("backlog/s-1/index.html").to_lowercase());
    for tag in ["<script", "<style", "<iframe", "<form", "<base", "<svg", "<math", " on", "javascript:", "data:"] {
        assert_eq!(h.matches(tag).count(), p.matches(tag).count(), "{tag:?} added by the body");
    }
}

#[test]
fn unsafe_html_keeps_raw_html() {
    let config = format!("{CONFIG}unsafe_html: true\n");
    let body = "<div class=\"widget\" onclick=\"track()\">Widget</div>\n\n<script>window.KEPT = 1;</script>\n";
    let site = Site::bare().file("charter.yaml", config).file("backlog/S-1.md", story(body));
    let (_out, tree) = build(&site);
    let page = tree.text("backlog/s-1/index.html");
    assert!(page.contains(r#"<div class="widget" onclick="track()">Widget</div>"#), "{page}");
    assert!(page.contains("<script>window.KEPT = 1;</script>"), "{page}");
}

#[test]
fn front_matter_text_is_sanitised_like_bodies() {
    let hostile = "---\ntitle: Fast <img src=x onerror=PWNED()> pay\nproduct_owner: olga\nrank: 1\nstatus: ready\n\
                   acceptance_criteria: [\"Works <a href='javascript:PWNED()'>here</a>\"]\n---\n";
    let initiative = "---\ntitle: Plan\nproduct_manager: pat\nhorizon: now\noutcome: Better <script>PWNED()</script> checkout\n---\n";
    let site = Site::new().file("backlog/S-1.md", hostile).file("roadmap/plan.md", initiative);
    let (_out, tree) = build(&site);
    for (file, _) in tree.html() {
        let lower = tree.text(file).to_lowercase();
        assert!(!lower.contains("pwned"), "{file} kept a payload");
    }
    assert!(output::text(tree.text("backlog/s-1/index.html")).contains("Works here"));
}

#[test]
fn md_links_become_page_links() {
    let body = "\
[sibling](../CHK-2.md) [fragment](../CHK-2.md#acceptance) [initiative](../../roadmap/plan.md)
[doc](../../docs/My%20Guide/Rules%20%26%20Tips.md#fine-print) [web](https://example.com/a.md) [top](#top)
";
    let site = Site::new()
        .file("backlog/team-a/CHK-1.md", story(body))
        .file("backlog/CHK-2.md", "---\ntitle: Two\nproduct_owner: olga\nrank: 2\n---\n## Acceptance\n")
        .file("roadmap/plan.md", "---\ntitle: Plan\nproduct_manager: pat\nhorizon: later\n---\n")
        .file(
            "docs/My Guide/Rules & Tips.md",
            "# Rules\n\n## Fine print\n\nBack to [the story](../../backlog/team-a/CHK-1.md).\n",
        );
    let (_out, tree) = build(&site);
    let hrefs = output::attributes(tree.text("backlog/chk-1/index.html"), "href");
    for expected in [
        "../../backlog/chk-2/index.html",
        "../../backlog/chk-2/index.html#acceptance",
        "../../roadmap/plan/index.html",
        "../../docs/my-guide/rules-tips/index.html#fine-print",
        "https://example.com/a.md",
        "#top",
    ] {
        assert!(hrefs.iter().any(|h| h == expected), "no link {expected} in {hrefs:?}");
    }
    assert!(tree.has("docs/my-guide/rules-tips/index.html"));
    let back = output::attributes(tree.text("docs/my-guide/rules-tips/index.html"), "href");
    assert!(back.iter().any(|h| h == "../../../backlog/chk-1/index.html"), "{back:?}");
    assert!(output::attributes(tree.text("docs/my-guide/rules-tips/index.html"), "id").contains(&"fine-print".into()));
}

#[test]
fn a_link_to_a_missing_md_file_stops_the_build() {
    let site = Site::new().file("backlog/CHK-1.md", story("[gone](CHK-9.md)\n"));
    let out = OutDir::new();
    let run = site.build(out.out()).run();
    run.code(1);
    assert!(run.stderr.contains("error[broken-link]"), "{}", run.stderr);
    assert!(!out.out().exists());
}

#[test]
fn search_text_keeps_words_of_separate_blocks_apart() {
    let doc =
        "# Guide\n\n## Pages\n\nCharter writes pages.\n\n| owns | roadmap |\n|---|---|\n| PM | why |\n\n- one\n- two\n";
    let (_out, tree) = build(&Site::new().file("docs/guide.md", doc));
    let index = tree.json("search-index.json");
    let entry = index.as_array().unwrap().iter().find(|e| e["url"] == "docs/guide/index.html").expect("the doc");
    assert_eq!(entry["title"], "Guide");
    assert_eq!(entry["text"], "Guide Pages Charter writes pages. owns roadmap PM why one two");
}
