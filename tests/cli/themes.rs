//! Template lookup (SPEC §8): the site's `templates/` > `themes/NAME/` > the built-in
//! theme compiled into the binary, each layer falling back to the next; static files of
//! a theme are copied; template problems are diagnostics naming the file and line.

use crate::support::output::Tree;
use crate::support::{CONFIG, Charter, OutDir, Site};

const STORY: &str = "---\ntitle: A story\nproduct_owner: olga\nrank: 1\n---\nBody.\n";

/// A site with one story and `theme: NAME` (or the default theme for `None`).
fn site(theme: Option<&str>) -> Site {
    let config = match theme {
        Some(name) => CONFIG.replacen("title: Test site\n", &format!("title: Test site\ntheme: {name}\n"), 1),
        None => CONFIG.to_owned(),
    };
    Site::bare().file("charter.yaml", config).file("backlog/S-1.md", STORY)
}

fn build(site: &Site) -> (OutDir, Tree) {
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let tree = Tree::read(out.out());
    (out, tree)
}

/// Whether a page came from the built-in theme: it links the built-in stylesheet.
fn is_builtin(html: &str) -> bool {
    html.contains("style.css") && html.contains("<main")
}

#[test]
fn a_site_template_overrides_one_page_kind() {
    let site = site(None).file("templates/story.html", "<p>SITE STORY {{ story.id }}: {{ story.title }}</p>\n");
    let (_out, tree) = build(&site);
    assert_eq!(tree.text("backlog/s-1/index.html"), "<p>SITE STORY S-1: A story</p>\n");
    for page in ["index.html", "backlog/index.html", "roadmap/index.html", "team/olga/index.html", "404.html"] {
        assert!(is_builtin(tree.text(page)), "{page} should come from the built-in theme");
    }
    assert!(tree.has("style.css"), "the built-in static files are still copied");
}

#[test]
fn an_override_can_extend_the_builtin_base() {
    let story = "{% extends \"base.html\" %}{% block content %}<p>EXTENDED {{ story.title }}</p>{% endblock content %}";
    let (_out, tree) = build(&site(None).file("templates/story.html", story));
    let page = tree.text("backlog/s-1/index.html");
    assert!(page.contains("<p>EXTENDED A story</p>") && is_builtin(page), "{page}");
}

#[test]
fn a_site_theme_falls_back_to_the_builtin_templates() {
    let site = site(Some("mytheme"))
        .file("themes/mytheme/templates/index.html", "<h1>MYTHEME {{ site.title }}</h1>\n")
        .file("themes/mytheme/static/x.css", "body { color: teal }\n")
        .file("themes/mytheme/static/css/deep.css", "p {}\n");
    let (_out, tree) = build(&site);
    assert_eq!(tree.text("index.html"), "<h1>MYTHEME Test site</h1>\n");
    assert!(is_builtin(tree.text("backlog/s-1/index.html")), "story pages fall back to the built-in theme");
    assert_eq!(tree.text("x.css"), "body { color: teal }\n");
    assert_eq!(tree.text("css/deep.css"), "p {}\n");
    assert!(!tree.has("themes/mytheme/static/x.css") && !tree.has("mytheme/x.css"));
}

#[test]
fn site_templates_and_static_files_win_over_the_theme() {
    let site = site(Some("mytheme"))
        .file("themes/mytheme/templates/index.html", "THEME INDEX")
        .file("themes/mytheme/templates/story.html", "THEME STORY")
        .file("templates/index.html", "SITE INDEX")
        .file("themes/mytheme/static/x.css", "theme")
        .file("static/x.css", "site")
        .file("static/style.css", "site style");
    let (_out, tree) = build(&site);
    assert_eq!(tree.text("index.html"), "SITE INDEX");
    assert_eq!(tree.text("backlog/s-1/index.html"), "THEME STORY");
    assert_eq!(tree.text("x.css"), "site");
    assert_eq!(tree.text("style.css"), "site style", "a site static file replaces the built-in one");
}

#[test]
fn a_missing_theme_is_a_config_error() {
    let out = OutDir::new();
    let run = site(Some("missing")).build(out.out()).run();
    run.code(1);
    assert!(run.stderr.contains("error[config-invalid]"), "{}", run.stderr);
    assert!(run.stderr.contains("--> charter.yaml:2:8"), "points at the value: {}", run.stderr);
    assert!(run.stderr.contains("themes/missing/"), "{}", run.stderr);
    assert!(!out.out().exists());
}

#[test]
fn a_template_syntax_error_names_the_override_and_line() {
    let bad = "<p>one</p>\n<p>two</p>\n{% if story.title %}\n<p>never closed</p>\n";
    let out = OutDir::new();
    let run = site(None).file("templates/story.html", bad).build(out.out()).run();
    run.code(1);
    assert!(run.stderr.contains("error[template-error]"), "{}", run.stderr);
    assert!(run.stderr.contains("--> templates/story.html:"), "{}", run.stderr);
    assert!(run.stderr.contains("story.html"), "{}", run.stderr);
    assert!(!out.out().exists());

    // Tera reports unknown filters and functions in another shape: same diagnostic.
    for typo in ["<p>\n{{ story.title | no_such_filter }}\n</p>\n", "<p>\n{{ no_such_function() }}\n</p>\n"] {
        let run = site(None).file("templates/story.html", typo).build(out.out()).run();
        run.code(1);
        assert!(run.stderr.contains("error[template-error]: in template `story.html`: Unknown"), "{}", run.stderr);
        assert!(run.stderr.contains("--> templates/story.html:2:"), "{}", run.stderr);
    }
}

#[test]
fn a_theme_template_error_names_the_theme_file() {
    let site = site(Some("mytheme")).file("themes/mytheme/templates/index.html", "ok\n{{ oops(\n");
    let out = OutDir::new();
    let run = site.build(out.out()).run();
    run.code(1);
    assert!(run.stderr.contains("--> themes/mytheme/templates/index.html:2:"), "{}", run.stderr);
}

#[test]
fn the_builtin_theme_needs_no_files_beside_the_binary() {
    let site = site(None);
    let elsewhere = OutDir::new();
    let out = OutDir::new();
    Charter::build(site.path(), out.out()).current_dir(elsewhere.out().parent().unwrap()).run().code(0);
    let tree = Tree::read(out.out());
    assert!(is_builtin(tree.text("backlog/s-1/index.html")));
    assert!(tree.has("style.css") && tree.has("search.js"));
}

#[test]
fn check_reports_a_missing_theme_as_build_does() {
    let run = site(Some("missing")).check().json().run();
    run.code(1);
    run.single().at("config-invalid", "charter.yaml", 2, 8).message_has("themes/missing/");
}

#[test]
fn check_reports_template_errors_as_build_does() {
    let site = site(Some("mytheme"))
        .file("themes/mytheme/templates/index.html", "ok\n{{ oops(\n")
        .file("templates/story.html", "<p>\n{{ story.title | no_such_filter }}\n</p>\n");
    let run = site.check().json().run();
    run.code(1);
    let diagnostics = run.diagnostics();
    assert!(!diagnostics.is_empty() && diagnostics.iter().all(|d| d.rule == "template-error"), "{diagnostics:#?}");
    let out = OutDir::new();
    let build = site.build(out.out()).run();
    build.code(1);
    for d in &diagnostics {
        let at = format!("--> {}:{}:{}", d.file, d.line, d.column);
        assert!(build.stderr.contains(&at), "build reports {at} too: {}", build.stderr);
    }
}

/// The backlog gets each owner's rows already written by the theme's `ui.story_row`
/// (what serve keeps between rebuilds), and still every row's fields for a template
/// that writes its own.
#[test]
fn a_backlog_override_gets_the_rows_fields_and_the_rows_written() {
    let backlog = "{% for b in backlogs %}{% for s in b.stories %}<i>{{ s.id }}: {{ s.title }}</i>{% endfor %}\
                   {{ b.rows_html | safe }}{% endfor %}";
    let (_out, tree) = build(&site(None).file("templates/backlog.html", backlog));
    let page = tree.text("backlog/index.html");
    assert!(page.starts_with("<i>S-1: A story</i>\n    <tr class=\"story-row\">"), "{page}");
    assert!(page.contains("<td class=\"id\">S-1</td>"), "{page}");
}

/// A `components.html` override that defines only some components (one copied from an
/// older release, say) keeps the built-in ones it lacks: here `ui.story_row` and
/// `ui.changelog_entry`, which the backlog and the changelog are written with.
#[test]
fn a_components_override_falls_back_to_the_builtin_components_it_lacks() {
    let components = "{% component ui.badge(b: map, kind: string = \"status\") -%}\
                      <b class=\"mine\">{{ b.label }}</b>{%- endcomponent ui.badge %}\n";
    let done = "---\ntitle: Shipped story\nproduct_owner: olga\nstatus: done\ndone_on: 2026-03-02\n\
                acceptance_criteria: [It ships]\n---\nBody.\n";
    let site = site(None).file("templates/components.html", components).file("backlog/S-2.md", done);
    let (_out, tree) = build(&site);
    let backlog = tree.text("backlog/index.html");
    assert!(backlog.contains("<tr class=\"story-row\">") && backlog.contains("<b class=\"mine\">"), "{backlog}");
    let changelog = tree.text("changelog/index.html");
    assert!(changelog.contains("Shipped story") && changelog.contains("<b class=\"mine\">"), "{changelog}");
}
