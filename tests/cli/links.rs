//! Every link of a built site leads somewhere: each relative `href` and `src` of every
//! page names a file of the output (and an element id for `#fragment`s), and no page
//! loads anything from another host.

use crate::support::output::{self, Tree};
use crate::support::{Charter, OutDir, example_site};
use percent_encoding::percent_decode_str;

/// The file a link from `page` leads to, and its fragment; `None` for links that
/// leave the site (other schemes).
fn target(page: &str, link: &str, base_path: &str) -> Option<(String, String)> {
    let (path, fragment) = link.split_once('#').map_or((link, ""), |(p, f)| (p, f));
    let path = path.split('?').next().unwrap();
    let fragment = percent_decode_str(fragment).decode_utf8_lossy();
    if path.contains(':') || path.starts_with("//") {
        return None;
    }
    if path.is_empty() {
        return Some((page.to_owned(), fragment.to_string()));
    }
    // Only the 404 page links from the site root: it is served at any depth.
    let (mut parts, rest): (Vec<&str>, &str) = if page == "404.html" {
        let rest = path.strip_prefix(base_path).unwrap_or_else(|| panic!("404.html: {link} is not under {base_path}"));
        (vec![], rest)
    } else {
        assert!(!path.starts_with('/'), "{page}: link {link} is not relative");
        let mut folder: Vec<&str> = page.split('/').collect();
        folder.pop();
        (folder, path)
    };
    for segment in rest.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop().unwrap_or_else(|| panic!("{page}: link {link} climbs above the site"));
            }
            s => parts.push(s),
        }
    }
    let mut file = percent_decode_str(&parts.join("/")).decode_utf8_lossy().into_owned();
    if path.ends_with('/') || file.is_empty() {
        file = if file.is_empty() { "index.html".into() } else { format!("{file}/index.html") };
    }
    Some((file, fragment.to_string()))
}

/// Asserts every link of every page resolves; returns how many were followed.
#[track_caller]
pub fn check_links(tree: &Tree, base_path: &str) -> usize {
    let mut broken = vec![];
    let mut followed = 0;
    for (page, html) in tree.html() {
        let links = output::attributes(html, "href").into_iter().chain(output::attributes(html, "src"));
        for link in links {
            let Some((file, fragment)) = target(page, &link, base_path) else { continue };
            followed += 1;
            if !tree.has(&file) {
                broken.push(format!("{page}: {link} -> missing {file}"));
            } else if !fragment.is_empty() && file.ends_with(".html") {
                let ids = output::attributes(tree.text(&file), "id");
                if !ids.contains(&fragment) {
                    broken.push(format!("{page}: {link} -> {file} has no id {fragment:?}"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{} broken links:\n{}", broken.len(), broken.join("\n"));
    followed
}

/// Asserts no page loads a script, style, image or frame from another host.
#[track_caller]
pub fn check_nothing_remote(tree: &Tree) {
    for (page, html) in tree.html() {
        for src in output::attributes(html, "src") {
            assert!(target(page, &src, "/").is_some(), "{page} loads {src}");
        }
        for tag in html.split('<').filter(|t| t.starts_with("link ")) {
            for href in output::attributes(&format!("<{tag}"), "href") {
                let alternate = tag.contains("rel=\"alternate\"") || tag.contains("rel=\"canonical\"");
                assert!(alternate || target(page, &href, "/").is_some(), "{page} loads {href}");
            }
        }
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("url(http") && !lower.contains("@import"), "{page} pulls in remote CSS");
    }
}

#[test]
fn every_link_of_the_example_site_resolves() {
    for audience in ["internal", "public"] {
        let out = OutDir::new();
        Charter::build(example_site(), out.out()).arg("--audience").arg(audience).run().code(0);
        let tree = Tree::read(out.out());
        let followed = check_links(&tree, "/roadmap/");
        assert!(followed > 1000, "{audience}: only {followed} links followed");
        check_nothing_remote(&tree);
    }
}

#[test]
fn links_resolve_under_another_base_url() {
    let out = OutDir::new();
    Charter::build(example_site(), out.out()).arg("--base-url").arg("https://x.example/a/b").run().code(0);
    let tree = Tree::read(out.out());
    check_links(&tree, "/a/b/");
    let sitemap = tree.text("sitemap.xml");
    assert!(sitemap.contains("<loc>https://x.example/a/b/roadmap/</loc>"), "{sitemap}");
    assert_eq!(tree.json("roadmap.json")["base_url"], "https://x.example/a/b/");
}

#[test]
fn the_link_checker_sees_broken_links() {
    assert_eq!(target("a/b/index.html", "../c/index.html#x", "/"), Some(("a/c/index.html".into(), "x".into())));
    assert_eq!(target("a/index.html", "../", "/"), Some(("index.html".into(), String::new())));
    assert_eq!(target("a/index.html", "#top", "/"), Some(("a/index.html".into(), "top".into())));
    assert_eq!(target("404.html", "/r/a/index.html", "/r/"), Some(("a/index.html".into(), String::new())));
    assert_eq!(target("index.html", "https://e.example/", "/"), None);
    assert_eq!(target("index.html", "mailto:a@e.example", "/"), None);
    assert_eq!(
        target("a/index.html", "img/my%20shot.png#caf%C3%A9", "/"),
        Some(("a/img/my shot.png".into(), "café".into()))
    );
}
