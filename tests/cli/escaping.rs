//! Front-matter and config text with markup characters (`<script>`, quotes, `&`) is
//! escaped in every page and data file: HTML stays HTML, JSON round-trips the exact
//! strings, and the feed and sitemap stay well-formed XML.

use crate::support::output::{self, Tree};
use crate::support::{OutDir, Site};

/// Text that breaks out of an unescaped HTML attribute, element or XML text.
const NASTY: &str = r#"Tom's "quick" fix & <script>alert(1)</script> " onmouseover="x"#;

fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn site() -> Site {
    let config = format!(
        "title: {t}\ndescription: {t}\nteam:\n  - id: pat\n    name: {t}\n    roles: [product_manager]\n  \
         - id: olga\n    name: {t}\n    roles: [product_owner]\n    reports_to: pat\n\
         sprints:\n  - id: S1\n    start: 2026-01-05\n    end: 2026-01-18\n    goal: {t}\n",
        t = yaml(NASTY)
    );
    let story = format!(
        "---\ntitle: {t}\nproduct_owner: olga\ninitiative: plan\nstatus: done\ndone_on: 2026-01-10\nsprint: S1\n\
         estimate: 2\nacceptance_criteria: [{t}]\ntags: [{t}]\n---\nBody.\n",
        t = yaml(NASTY)
    );
    let initiative = format!(
        "---\ntitle: {t}\nproduct_manager: pat\nproduct_owners: [olga]\nstatus: shipped\nshipped_on: 2026-01-12\n\
         outcome: {t}\ntags: [{t}]\nmetrics:\n  - name: {t}\n    baseline: {t}\n    target: {t}\n---\nBody.\n",
        t = yaml(NASTY)
    );
    let doc = format!("---\ntitle: {t}\nowner: pat\ntags: [{t}]\n---\nBody.\n", t = yaml(NASTY));
    Site::bare()
        .file("charter.yaml", config)
        .file("backlog/S-1.md", story)
        .file("roadmap/plan.md", initiative)
        .file("docs/R&D \"notes\" <b>.md", doc)
}

fn build() -> (OutDir, Tree) {
    let out = OutDir::new();
    site().build(out.out()).run().code(0);
    let tree = Tree::read(out.out());
    (out, tree)
}

#[test]
fn html_pages_escape_or_sanitise_every_string() {
    let (_out, tree) = build();
    let mut pages = 0;
    for (file, html) in tree.html() {
        pages += 1;
        assert!(!html.to_lowercase().contains("<script>alert"), "{file} runs the script");
        // A quote let out of an attribute value would add an attribute or unbalance the tag.
        for tag in html.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap();
            assert!(!tag.contains("onmouseover=\""), "{file}: <{tag}>");
            assert!(tag.matches('"').count() % 2 == 0, "{file}: unbalanced quotes in <{tag}>");
        }
    }
    assert!(pages >= 10);
    // The text itself is still shown (markup removed or escaped, never mangled).
    let shown = r#"Tom's "quick" fix &"#;
    for page in [
        "index.html",
        "backlog/s-1/index.html",
        "roadmap/plan/index.html",
        "team/pat/index.html",
        "sprints/s1/index.html",
    ] {
        let text = output::text(tree.text(page));
        assert!(text.contains(shown), "{page} does not show {shown:?}: {text}");
    }
    // Names and other plain-text fields are escaped, not sanitised: all of it shows.
    assert!(output::text(tree.text("team/pat/index.html")).contains(NASTY));
}

#[test]
fn roadmap_json_round_trips_the_exact_strings() {
    let (_out, tree) = build();
    let data = tree.json("roadmap.json");
    assert_eq!(data["title"], NASTY);
    assert_eq!(data["team"][0]["name"], NASTY);
    assert_eq!(data["sprints"][0]["goal"], NASTY);
    let story = &data["stories"][0];
    assert_eq!(story["title"], NASTY);
    assert_eq!(story["acceptance_criteria"][0], NASTY);
    assert_eq!(story["tags"][0], NASTY);
    let initiative = &data["initiatives"][0];
    for field in ["title", "outcome"] {
        assert_eq!(initiative[field], NASTY, "{field}");
    }
    for field in ["name", "baseline", "target"] {
        assert_eq!(initiative["metrics"][0][field], NASTY, "metric {field}");
    }
}

#[test]
fn search_index_is_valid_json_with_plain_titles() {
    let (_out, tree) = build();
    let index = tree.json("search-index.json");
    let entries = index.as_array().unwrap();
    assert_eq!(entries.len(), 5, "story, initiative, doc and two people: {index:#}");
    for e in entries {
        let title = e["title"].as_str().unwrap();
        assert!(title.starts_with(r#"Tom's "quick" fix &"#), "{title:?}");
        if e["kind"] == "person" {
            assert_eq!(title, NASTY, "names are plain text, kept whole");
        } else {
            assert!(!title.contains("<script>"), "titles are inline Markdown, indexed as plain text: {title:?}");
        }
    }
}

#[test]
fn feed_and_sitemap_stay_well_formed() {
    let (_out, tree) = build();
    let feed = output::xml("feed.xml", tree.text("feed.xml"));
    let titles: Vec<&str> = feed.descendants().filter(|n| n.has_tag_name("title")).filter_map(|n| n.text()).collect();
    assert_eq!(titles.len(), 3, "the feed's title and two entries: {titles:?}");
    assert_eq!(titles[0], format!("{NASTY} changelog"), "the site title is plain text");
    for title in &titles[1..] {
        assert!(title.contains(r#"Tom's "quick" fix &"#), "{title:?}");
        assert!(!title.contains("<script>"), "{title:?}");
    }
    let sitemap = output::xml("sitemap.xml", tree.text("sitemap.xml"));
    let locs: Vec<&str> = sitemap.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text()).collect();
    assert!(locs.contains(&"/docs/r-d-notes-b-/"), "{locs:?}");
    assert!(tree.has("docs/r-d-notes-b-/index.html"));
}
