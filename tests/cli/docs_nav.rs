//! The docs navigation: every entry of a level in the same list, the current page and
//! its ancestors marked, a folder without a page of its own a heading over its children.

use crate::support::output::Tree;
use crate::support::{OutDir, Site};

fn built() -> (OutDir, Tree) {
    let site = Site::new()
        .file("docs/index.md", "# Home\n")
        .file("docs/a.md", "# Alpha\n")
        .file("docs/guide/index.md", "# Guide\n")
        .file("docs/guide/deep/index.md", "# Deep\n")
        .file("docs/guide/deep/leaf.md", "# Leaf\n")
        .file("docs/reference/x.md", "# X ref\n")
        .file("docs/reference/y.md", "# Y ref\n");
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let tree = Tree::read(out.out());
    (out, tree)
}

/// The navigation's list of a page.
fn nav(tree: &Tree, page: &str) -> String {
    let html = tree.text(page);
    let start = html.find("<nav class=\"docs-nav\"").unwrap();
    let list = start + html[start..].find("<ul>").unwrap();
    html[list..start + html[start..].find("</nav>").unwrap()].trim_end().to_owned()
}

#[test]
fn a_folder_without_a_page_groups_its_children_at_the_level_of_its_siblings() {
    let (_out, tree) = built();
    assert_eq!(
        nav(&tree, "docs/a/index.html"),
        "<ul><li><a href=\"../../docs/index.html\">Home</a></li>\
         <li class=\"open\"><a href=\"../../docs/a/index.html\" aria-current=\"page\">Alpha</a></li>\
         <li><a href=\"../../docs/guide/index.html\">Guide</a></li>\
         <li><span class=\"docs-nav-group\">Reference</span><ul>\
         <li><a href=\"../../docs/reference/x/index.html\">X ref</a></li>\
         <li><a href=\"../../docs/reference/y/index.html\">Y ref</a></li></ul></li></ul>"
    );
}

#[test]
fn the_current_page_and_its_ancestors_are_marked_and_open() {
    let (_out, tree) = built();
    let nav = nav(&tree, "docs/guide/deep/leaf/index.html");
    assert_eq!(nav.matches("aria-current").count(), 1, "{nav}");
    for open in [
        "<li class=\"open\"><a href=\"../../../../docs/guide/index.html\">Guide</a><ul>",
        "<li class=\"open\"><a href=\"../../../../docs/guide/deep/index.html\">Deep</a><ul>",
        "<li class=\"open\"><a href=\"../../../../docs/guide/deep/leaf/index.html\" aria-current=\"page\">Leaf</a></li>",
    ] {
        assert!(nav.contains(open), "{open} in {nav}");
    }
    assert_eq!(nav.matches("class=\"open\"").count(), 3, "only the current page and its ancestors: {nav}");
}
