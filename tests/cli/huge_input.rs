//! Very large and pathological Markdown bodies build, completely, without a crash.
//!
//! What we rely on: pulldown-cmark parses in time linear in the input (its benches
//! carry the known superlinear CommonMark cases, and it keeps no recursion proportional
//! to nesting), and the sanitiser (ammonia, on html5ever) walks the tree without
//! recursion, so deep nesting costs memory, not stack. Measured once in a debug build
//! (the suite's profile): the 50 MB body builds in about 8 s with a peak of about 1 GB,
//! every pathological page below in under 2 s together. No test asserts on time; the
//! harness watchdog (120 s) only turns a hang into a failure.

use crate::support::output::{self, Tree};
use crate::support::{OutDir, Site};

fn story(title: &str, rank: usize, body: &str) -> String {
    format!("---\ntitle: {title}\nproduct_owner: olga\nrank: {rank}\n---\n{body}")
}

#[test]
fn a_50_mb_body_builds_whole() {
    let paragraph =
        "Lorem ipsum dolor sit amet, *consectetur* adipiscing elit, [a link](https://example.com) and `code`.\n\n";
    let mut body = String::with_capacity(50 * 1024 * 1024 + 100);
    body.push_str("FIRST-PARAGRAPH\n\n");
    while body.len() < 50 * 1024 * 1024 {
        body.push_str(paragraph);
    }
    body.push_str("LAST-PARAGRAPH\n");
    let site = Site::new().file("backlog/BIG-1.md", story("Big", 1, &body));
    drop(body);
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let page = std::fs::read_to_string(out.out().join("backlog/big-1/index.html")).unwrap();
    assert!(page.len() > 50 * 1024 * 1024, "{} bytes", page.len());
    let (first, last) = (page.find("<p>FIRST-PARAGRAPH</p>"), page.rfind("<p>LAST-PARAGRAPH</p>"));
    assert!(first.is_some() && last.is_some() && first < last, "the body is cut");
    assert!(page.ends_with("</html>\n"), "the page is cut");
}

/// Each body ends with `END-OF-BODY` in a paragraph of its own, which must come out:
/// nothing was dropped or cut after the pathological part.
#[test]
fn pathological_markdown_renders() {
    let cases: Vec<(&str, String)> = vec![
        ("nested-brackets", format!("{}x{}", "[".repeat(20_000), "](y)".repeat(20_000))),
        ("open-brackets", format!("{}\n\n{}", "[".repeat(20_000), "]".repeat(20_000))),
        ("nested-images", "![".repeat(20_000)),
        ("unclosed-links", "[a](b".repeat(50_000)),
        ("parens-in-links", "[ (](".repeat(20_000)),
        ("emphasis-runs", format!("{}\n\n{}", "*a ".repeat(100_000), "*".repeat(100_000))),
        ("mixed-emphasis", format!("{}\n\n{}", "a***_b__".repeat(20_000), "[*_a".repeat(20_000))),
        ("underscores", format!("{}x{}", "_".repeat(50_000), "_".repeat(50_000))),
        ("backticks", (1..400).map(|n| "`".repeat(n) + " ").collect::<String>() + &"\\``".repeat(20_000)),
        ("blockquotes", format!("{} deep", ">".repeat(10_000))),
        ("list-items", format!("{}deep", "- ".repeat(50_000))),
        ("raw-html", format!("{}x\n\n{}y", "<div>".repeat(10_000), "<span>".repeat(10_000))),
        ("angle-brackets", "<>".repeat(50_000)),
        ("headings", format!("{} x\n\nx\n{}", "#".repeat(100_000), "=".repeat(100_000))),
        ("footnotes", format!("{}\n\n{}", "[^a] ".repeat(20_000), "[^a]: note ".repeat(1_000))),
    ];
    // The nested brackets link to `y`: a file of the site.
    let mut site = Site::new().file("backlog/y", "y");
    for (i, (name, body)) in cases.iter().enumerate() {
        site = site.file(&format!("backlog/{name}.md"), story(name, i + 1, &format!("{body}\n\nEND-OF-BODY\n")));
    }
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let tree = Tree::read(out.out());
    for (name, _) in &cases {
        let page = output::main(tree.text(&format!("backlog/{name}/index.html")));
        assert!(page.contains("<p>END-OF-BODY</p>"), "{name}: the body was cut");
    }
    // Deep nesting is kept, not flattened or dropped: count the tags the body added to
    // a page whose body adds none.
    let count =
        |name: &str, tag: &str| output::main(tree.text(&format!("backlog/{name}/index.html"))).matches(tag).count();
    let added = |name: &str, tag: &str| count(name, tag) - count("angle-brackets", tag);
    assert_eq!(added("blockquotes", "<blockquote>"), 10_000);
    assert_eq!(added("list-items", "<ul>"), 50_000);
    assert_eq!(added("raw-html", "<div>"), 10_000);
}

/// Text fields are inline Markdown too: a pathological title is rendered on every page
/// that shows it, and escaped in the JSON.
#[test]
fn a_pathological_title() {
    let text = format!("{}{}", "[".repeat(10_000), "*a".repeat(10_000));
    let site = Site::new().file("backlog/S-1.md", story(&format!("'{text}'"), 1, "Body\n"));
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let tree = Tree::read(out.out());
    let json = tree.json("roadmap.json");
    assert_eq!(json["stories"][0]["title"], text.as_str());
}
