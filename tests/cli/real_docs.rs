//! Real documentation as people write it for GitHub (the `realdocs` fixture): nested
//! folders, images beside pages and in static/, links to folders, reference-style links,
//! raw HTML, headings with punctuation and accents, duplicate headings, links to missing
//! files and outside the site. Exactly the expected diagnostics, and every relative
//! `href` and `src` of the output leads to a file of the output (fragments to an id).

use crate::links::check_links;
use crate::support::output::{self, Tree};
use crate::support::{Charter, OutDir, Site, copy_dir, fixture};

/// Every diagnostic of the fixture, checked by hand against its files.
#[rustfmt::skip]
const EXPECTED: &[(&str, &str, usize, usize)] = &[
    ("image-without-alt", "docs/guide/install.md", 5, 1),   // ![](img/Screen%20Shot.png)
    ("broken-link", "docs/index.md", 6, 1),                 // [the tasks folder](../backlog/tasks): no page
    ("broken-link", "docs/reference/index.md", 5, 3),       // [An old page](old.html)
    ("broken-link", "docs/reference/index.md", 6, 3),       // ![A chart](chart.png), chart.svg exists
    ("broken-link", "docs/reference/index.md", 7, 3),       // [The API](api.md)
    ("link-outside-site", "docs/reference/index.md", 8, 3), // ../../../valid/charter.yaml
    ("broken-anchor", "docs/reference/index.md", 9, 3),     // install.md#nowhere
];

fn build(site: &std::path::Path, audience: &str) -> (OutDir, Tree) {
    let out = OutDir::new();
    Charter::build(site, out.out()).arg("--audience").arg(audience).run().code(0);
    let tree = Tree::read(out.out());
    (out, tree)
}

#[test]
fn real_docs_give_exactly_the_expected_diagnostics() {
    let run = Charter::check(fixture("realdocs")).json().run();
    run.code(0);
    let diagnostics = run.diagnostics();
    let found: Vec<_> = diagnostics.iter().map(|d| (d.rule.as_str(), d.file.as_str(), d.line, d.column)).collect();
    assert_eq!(found, EXPECTED);
    let help = |line: usize| &diagnostics.iter().find(|d| d.line == line && d.file.contains("reference")).unwrap().help;
    assert_eq!(help(6), "did you mean `chart.svg`?");
    assert!(help(9).contains("before-you-start"), "{}", help(9));
}

#[test]
fn every_link_and_image_of_real_docs_leads_to_a_file_of_the_output() {
    for audience in ["internal", "public"] {
        let (_out, tree) = build(&fixture("realdocs"), audience);
        let followed = check_links(&tree, "/");
        assert!(followed > 100, "{audience}: only {followed} links followed");
        for published in
            ["logo.svg", "docs/guide/img/flow.svg", "docs/guide/img/screen shot.png", "roadmap/img/plan.svg"]
        {
            assert!(tree.has(published), "{audience}: {published} is not published");
        }
        assert_eq!(tree.has("backlog/internal/secret-diagram.svg"), audience == "internal", "{audience}");
        assert!(!tree.has("docs/reference/chart.svg"), "an asset no page shows is not published");
        assert!(!tree.has("backlog/tasks/notes.txt"), "an asset no page links to is not published");
    }
}

#[test]
fn links_render_as_on_github() {
    let (_out, tree) = build(&fixture("realdocs"), "internal");
    let home = tree.text("docs/index.html");
    let ids = output::attributes(home, "id");
    for id in ["wheres-the---operator", "überblick--ziele"] {
        assert!(ids.iter().any(|i| i == id), "no heading id {id}: {ids:?}");
    }
    let hrefs = output::attributes(home, "href");
    assert!(hrefs.iter().any(|h| h == "../docs/guide/index.html"), "a folder link leads to its README: {hrefs:?}");
    assert!(hrefs.iter().any(|h| h == "../docs/guide/install/index.html#before-you-start"), "{hrefs:?}");
    assert!(!hrefs.iter().any(|h| h.contains("tasks")), "a link to a folder without page is text: {hrefs:?}");
    assert!(output::text(home).contains("the tasks folder, which has no page"));
    let guide = tree.text("docs/guide/index.html");
    assert!(output::attributes(guide, "id").iter().any(|i| i == "options-1"));
    let reference = output::main(tree.text("docs/reference/index.html"));
    let text = output::text(reference);
    for kept in ["An old page", "A chart", "The API", "A site beside this one"] {
        assert!(text.contains(kept), "{kept} lost: {text}");
    }
    let hrefs = output::attributes(reference, "href");
    assert!(!hrefs.iter().any(|h| h.contains("old.html") || h.contains("api") || h.contains("valid")), "{hrefs:?}");
    let install = tree.text("docs/guide/install/index.html");
    assert!(output::attributes(install, "src").iter().any(|s| s == "../../../docs/guide/img/screen%20shot.png"));
}

#[test]
fn links_outside_the_site_lead_into_the_repository() {
    // A repository folder holding the site in docs-site/ and the file it links to beside.
    let repo = Site::bare().file("valid/charter.yaml", "title: x\n");
    let site = repo.path().join("docs-site");
    copy_dir(&fixture("realdocs"), &site);
    let config = std::fs::read_to_string(site.join("charter.yaml")).unwrap();
    let config = format!(
        "{config}repository:\n  url: https://github.com/acme/lumen/\n  branch: trunk\n  path: site/docs-site\n"
    );
    std::fs::write(site.join("charter.yaml"), config).unwrap();
    let run = Charter::check(&site).json().run();
    assert!(!run.stdout.contains("link-outside-site"), "{}", run.stdout);
    let (_out, tree) = build(&site, "internal");
    let reference = tree.text("docs/reference/index.html");
    let hrefs = output::attributes(reference, "href");
    assert!(hrefs.iter().any(|h| h == "https://github.com/acme/lumen/blob/trunk/site/valid/charter.yaml"), "{hrefs:?}");
    assert!(
        hrefs.iter().any(|h| h == "https://github.com/acme/lumen/edit/trunk/site/docs-site/docs/reference/index.md"),
        "edit this page: {hrefs:?}"
    );
    let story = tree.text("backlog/s-1/index.html");
    let edit = "https://github.com/acme/lumen/edit/trunk/site/docs-site/backlog/S-1.md";
    assert!(output::attributes(story, "href").iter().any(|h| h == edit));
    assert!(output::text(story).contains("Edit this page"));
}

#[test]
fn init_site_links_lead_somewhere_in_both_audiences() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new-site");
    Charter::new(["init", site.to_str().unwrap()]).run().code(0);
    Charter::check(&site).run().code(0);
    for audience in ["internal", "public"] {
        let (_out, tree) = build(&site, audience);
        check_links(&tree, "/");
    }
}

#[test]
fn a_site_without_docs_has_no_docs_link() {
    let (_out, tree) = build(Site::new().path(), "internal");
    for (page, html) in tree.html() {
        assert!(!output::attributes(html, "href").iter().any(|h| h.contains("docs/")), "{page} links to docs");
    }
    check_links(&tree, "/");
}
