//! `--audience public`: items marked `visibility: internal` leave no trace anywhere in
//! the output. Every internal item of the site below carries the marker `ZZSECRET` in
//! its id, title, outcome, criteria, tags, metrics and body; public items link to them
//! from their bodies, which a public build must turn into plain text.

use crate::support::output::{Tree, assert_same_tree};
use crate::support::{OutDir, Site};

const PUBLIC_INITIATIVE: &str = "\
---
title: Faster checkout
product_manager: pat
product_owners: [olga]
horizon: now
status: in-progress
timeframe: 2026-Q1
outcome: Buyers pay in one step.
---
Public plan. Related: [the other plan](zzsecret-init.md) and [a story](../backlog/ZZSECRET-S1.md#details).
";

const PUBLIC_STORY: &str = "\
---
title: One-step payment
product_owner: olga
initiative: checkout
status: in-progress
rank: 1
estimate: 3
sprint: S1
acceptance_criteria: [Pay in one step]
---
Public story; see [the hidden story](ZZSECRET-S2.md).
";

const PUBLIC_DOC: &str = "\
---
title: Docs home
---
Read [the hidden doc](zzsecret-doc.md#part), [the area](area/index.md) and [the child](area/child.md).
";

/// The internal items, with `n` varying their content (estimates, dates, statuses,
/// how many there are) without touching anything public.
fn internal_items(site: Site, n: u32) -> Site {
    let initiative = format!(
        "---\ntitle: ZZSECRET plan {n}\nproduct_manager: pat\nproduct_owners: [olga]\nhorizon: now\nstatus: in-progress\n\
         timeframe: 202{}-Q3\noutcome: ZZSECRET outcome {n}\nvisibility: internal\ntags: [zzsecret-tag]\n\
         depends_on: [checkout]\nmetrics:\n  - name: ZZSECRET metric\n    baseline: ZZSECRET base\n    target: {n}\n---\n\
         ZZSECRET initiative body {n}\n",
        6 + n
    );
    let shipped = format!(
        "---\ntitle: ZZSECRET shipped {n}\nproduct_manager: pat\nstatus: shipped\nshipped_on: 2026-01-1{n}\n\
         visibility: internal\n---\nZZSECRET shipped body\n"
    );
    let done_story = format!(
        "---\ntitle: ZZSECRET done story\nproduct_owner: olga\ninitiative: zzsecret-init\nstatus: done\n\
         done_on: 2026-01-1{n}\nsprint: S1\nestimate: {}\nacceptance_criteria: [ZZSECRET criterion]\n\
         tags: [zzsecret]\ndepends_on: [PUB-1]\nvisibility: internal\n---\n## Details\n\nZZSECRET story body\n",
        5 + n
    );
    let open_story = format!(
        "---\ntitle: ZZSECRET open story\nproduct_owner: olga\ninitiative: checkout\nstatus: ready\nrank: {}\n\
         estimate: {n}\nsprint: S1\nacceptance_criteria: [ZZSECRET criterion two]\nvisibility: internal\n---\nZZSECRET\n",
        n + 1
    );
    let mut site = site
        .file("roadmap/zzsecret-init.md", initiative)
        .file("backlog/ZZSECRET-S1.md", done_story)
        .file("backlog/ZZSECRET-S2.md", open_story)
        .file(
            "docs/zzsecret-doc.md",
            format!("---\ntitle: ZZSECRET doc\nowner: sam\nvisibility: internal\n---\n# Part\n\nZZSECRET {n}\n"),
        )
        .file(
            "docs/area/index.md",
            "---\ntitle: ZZSECRET area\nvisibility: internal\nweight: 1\n---\nZZSECRET area body\n",
        );
    if n == 1 {
        site = site.file("roadmap/zzsecret-shipped.md", shipped).file(
            "backlog/ZZSECRET-S3.md",
            "---\ntitle: ZZSECRET unranked\nproduct_owner: olga\nvisibility: internal\n---\n",
        );
    }
    site
}

fn site(n: u32) -> Site {
    let site = Site::new()
        .file("roadmap/checkout.md", PUBLIC_INITIATIVE)
        .file("backlog/PUB-1.md", PUBLIC_STORY)
        .file("docs/index.md", PUBLIC_DOC)
        .file("docs/area/child.md", "---\ntitle: Child page\n---\nPublic child.\n");
    internal_items(site, n)
}

fn build(site: &Site, audience: &str) -> Tree {
    let out = OutDir::new();
    site.build(out.out()).arg("--audience").arg(audience).run().code(0);
    Tree::read(out.out())
}

#[test]
fn the_internal_build_shows_internal_items() {
    let tree = build(&site(1), "internal");
    for file in ["roadmap/zzsecret-init/index.html", "backlog/zzsecret-s1/index.html", "docs/zzsecret-doc/index.html"] {
        assert!(tree.has(file), "no {file}");
    }
    for file in [
        "roadmap.json",
        "search-index.json",
        "search-index.js",
        "search-text-0.js",
        "feed.xml",
        "sitemap.xml",
        "index.html",
        "backlog/index.html",
    ] {
        assert!(tree.files_containing("zzsecret").contains(&file), "{file} has no internal item");
    }
    assert!(tree.text("roadmap.json").contains("ZZSECRET criterion"));
    let doc = tree.text("docs/index.html");
    assert!(
        doc.contains("zzsecret-doc/index.html#part\">the hidden doc</a>"),
        "links between pages of the build stay links"
    );
}

#[test]
fn the_public_build_has_no_trace_of_internal_items() {
    let tree = build(&site(1), "public");
    let leaks = tree.files_containing("zzsecret");
    assert!(leaks.is_empty(), "internal items leak into {leaks:?}");
    assert!(tree.has("search-index.js") && tree.has("search-text-0.js"), "the search scripts were checked too");
    assert!(!tree.has("docs/area/index.html"));
    assert!(tree.has("docs/area/child/index.html"), "a public page below an internal folder page stays");
    assert_eq!(tree.json("roadmap.json")["audience"], "public");
    let doc = crate::support::output::text(tree.text("docs/index.html"));
    assert!(doc.contains("Read the hidden doc, the area and the child."), "links become their text: {doc}");
}

#[test]
fn public_output_does_not_depend_on_internal_content() {
    // Different internal items (other estimates, dates, timeframes, ranks, and more of
    // them) must not change one byte of a public build: no counts, progress, velocity,
    // timeline periods or health figures that include them.
    assert_same_tree(&build(&site(1), "public"), &build(&site(2), "public"));
}

#[test]
fn public_build_equals_a_site_without_internal_items_when_nothing_links_to_them() {
    // A public done story gives a velocity without the internal items too: their done
    // points raise it (the forecast counts internal work) but not so far that a public
    // item's expected sprint moves, so the two builds stay comparable byte for byte.
    let done = "---\ntitle: Paid before\nproduct_owner: olga\nstatus: done\nestimate: 5\nsprint: S1\n\
                acceptance_criteria: [Paid]\n---\n";
    let public_only = |site: Site| {
        site.file("backlog/PUB-0.md", done)
            .file("roadmap/checkout.md", PUBLIC_INITIATIVE.split("Related").next().unwrap())
            .file("backlog/PUB-1.md", PUBLIC_STORY.split("; see").next().unwrap())
            .file("docs/index.md", "---\ntitle: Docs home\n---\nRead on.\n")
            .file("docs/area/child.md", "---\ntitle: Child page\n---\nPublic child.\n")
    };
    let with_internal = internal_items(public_only(Site::new()), 1);
    let without = public_only(Site::new());
    assert_same_tree(&build(&with_internal, "public"), &build(&without, "public"));
}

#[test]
fn the_configured_audience_is_the_default_and_the_flag_wins() {
    let configured = |site: Site| site.file("charter.yaml", format!("{}audience: public\n", crate::support::CONFIG));
    let public = configured(site(1));
    let out = OutDir::new();
    public.build(out.out()).run().code(0);
    assert!(Tree::read(out.out()).files_containing("zzsecret").is_empty(), "audience: public in charter.yaml");
    assert_same_tree(&Tree::read(out.out()), &build(&configured(site(1)), "public"));
    let internal = build(&public, "internal");
    assert!(internal.has("backlog/zzsecret-s1/index.html"), "--audience internal overrides the config");
}
