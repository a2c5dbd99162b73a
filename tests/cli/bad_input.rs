//! The bad-input catalogue, continued from `inputs.rs`: more kinds of broken YAML (bad
//! indentation, very deep nesting, anchors and aliases, a 10,000-line front-matter),
//! mixed line endings, ids that look like paths, and links that lead out of the site.
//! Wrong types for every field are in `wrong_types.rs`.
//!
//! Each test asserts the exact outcome: the rule, file, line and column, and for builds
//! that nothing was written. The harness checks every run for a panic.

use crate::support::output::{self, Tree};
use crate::support::{OutDir, Site};
use crate::write_safety::{changes, snapshot};

/// A valid story with `extra` as its fields from line 5 on.
fn story_with(extra: &str) -> String {
    format!("---\ntitle: A story\nproduct_owner: olga\nrank: 1\n{extra}---\nBody\n")
}

/// Builds `site` expecting exit 1, and asserts nothing was written anywhere.
#[track_caller]
fn build_fails_writing_nothing(site: &Site) -> String {
    let out = OutDir::new();
    let before = snapshot(site.path());
    let run = site.build(out.out()).run();
    run.code(1);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(out.siblings(), Vec::<String>::new(), "no output folder, no temporary folder");
    assert_eq!(changes(&before, &snapshot(site.path())), Vec::<String>::new(), "the site folder changed");
    run.stderr.clone()
}

mod yaml {
    use super::*;

    #[test]
    fn a_key_indented_under_a_scalar() {
        let site = Site::new().file("backlog/a.md", "---\ntitle: A story\n  rank: 1\nproduct_owner: olga\n---\n");
        let run = site.check().json().run();
        run.code(1);
        // The `:` of `rank:`, which cannot start a mapping inside the title's text.
        run.single().at("front-matter-syntax", "backlog/a.md", 3, 7).message_has("mapping values are not allowed");
        build_fails_writing_nothing(&site);
    }

    #[test]
    fn a_key_indented_under_a_list_entry() {
        let run = Site::new().file("backlog/a.md", story_with("tags:\n  - a\n    b: 1\n")).check().json().run();
        run.code(1);
        run.single().at("front-matter-syntax", "backlog/a.md", 7, 6).message_has("mapping values are not allowed");
    }

    #[test]
    fn a_key_dedented_inside_a_list_entry() {
        let initiative =
            "---\ntitle: Plan\nproduct_manager: pat\nhorizon: later\nmetrics:\n  - name: a\n   target: 3\n---\n";
        let run = Site::new().file("roadmap/a.md", initiative).check().json().run();
        run.code(1);
        // The message names where the list began, counted in the file.
        run.single()
            .at("front-matter-syntax", "roadmap/a.md", 7, 4)
            .message_has("did not find expected '-' indicator")
            .message_has("at line 6");
    }

    /// serde_yaml stops at 128 levels of nesting, so 10,000 never reach a recursive
    /// parser (and positions are only looked up for documents that parsed).
    #[test]
    fn very_deep_nesting_is_a_syntax_error_not_a_stack_overflow() {
        let deep = [
            // 10,000 flow lists: `[` number 128 is in column 6 + 128 of line 5.
            (format!("tags: {}\n", "[".repeat(10_000)), (5, 134)),
            (format!("tags: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)), (5, 134)),
            // 10,000 flow mappings, `{a: ` each: the 128th starts in column 7 + 127 * 4.
            (format!("tags: {}\n", "{a: ".repeat(10_000)), (5, 515)),
            // 10,000 compact block lists, `- - - ... x`, on the line after `tags:`.
            (format!("tags:\n{}x\n", "- ".repeat(10_000)), (6, 255)),
        ];
        for (fields, (line, column)) in deep {
            let run = Site::new().file("backlog/a.md", story_with(&fields)).check().json().run();
            run.code(1);
            run.single()
                .at("front-matter-syntax", "backlog/a.md", line, column)
                .message_has("recursion limit")
                .help_has("nested too deeply");
        }
    }

    #[test]
    fn very_deep_nesting_in_the_config() {
        let config = format!("title: T\nteam: {}\n", "[".repeat(10_000));
        let run = Site::bare().file("charter.yaml", config).check().json().run();
        run.code(1);
        run.single().at("config-invalid", "charter.yaml", 2, 134).help_has("nested too deeply");
    }

    /// Anchors and aliases are plain YAML: a list written once and reused is accepted,
    /// and the values show up wherever the alias stands.
    #[test]
    fn anchors_and_aliases_used_normally_are_accepted() {
        let fields = "status: ready\ntags: &shared [Crit-One, Crit-Two]\nacceptance_criteria: *shared\n";
        let site = Site::new().file("backlog/S-1.md", story_with(fields));
        let run = site.check().json().run();
        run.code(0);
        assert_eq!(run.diagnostics(), vec![]);
        let out = OutDir::new();
        site.build(out.out()).run().code(0);
        let tree = Tree::read(out.out());
        let story = &tree.json("roadmap.json")["stories"][0];
        assert_eq!(story["acceptance_criteria"], serde_json::json!(["Crit-One", "Crit-Two"]));
        assert_eq!(story["tags"], story["acceptance_criteria"]);
        let page = output::text(output::main(tree.text("backlog/s-1/index.html")));
        assert!(page.contains("Crit-One") && page.contains("Crit-Two"), "{page}");
    }

    #[test]
    fn an_alias_to_a_value_of_the_wrong_type_is_reported_at_the_alias() {
        let run = Site::new().file("backlog/a.md", story_with("tags: &t [a]\nestimate: *t\n")).check().json().run();
        run.code(1);
        run.single()
            .at("invalid-value", "backlog/a.md", 6, 11)
            .message_has("`estimate` must be a number, found a list");
    }

    #[test]
    fn an_alias_to_no_anchor() {
        let run = Site::new().file("backlog/a.md", story_with("tags: *nowhere\n")).check().json().run();
        run.code(1);
        run.single().at("front-matter-syntax", "backlog/a.md", 5, 7).message_has("unknown anchor");
    }

    /// YAML 1.1 merge keys are not part of the front-matter format: `<<` is a key
    /// like any other, and not a known one.
    #[test]
    fn a_merge_key_is_an_unknown_field() {
        let run = Site::new().file("backlog/a.md", story_with("<<: {estimate: 3}\n")).check().json().run();
        run.code(1);
        run.single().at("unknown-field", "backlog/a.md", 5, 1).message_has("`<<`");
    }

    /// Positions of many diagnostics in one big file are found from a line index, so
    /// reporting all 10,000 stays linear (no timing is asserted: the harness watchdog
    /// only turns a hang into a failure).
    #[test]
    fn ten_thousand_unknown_keys_are_all_reported() {
        let keys: String = (0..10_000).map(|i| format!("extra_{i}: {i}\n")).collect();
        let site = Site::new().file("backlog/a.md", story_with(&keys));
        let run = site.check().json().run();
        run.code(1);
        let diagnostics = run.diagnostics();
        assert_eq!(diagnostics.len(), 10_000);
        for (i, d) in diagnostics.iter().enumerate() {
            d.at("unknown-field", "backlog/a.md", 5 + i, 1).message_has(&format!("`extra_{i}`"));
        }
        let human = site.check().run();
        human.code(1);
        assert!(
            human.stdout.ends_with("failed: 10000 errors, 0 warnings\n"),
            "{}",
            &human.stdout[human.stdout.len() - 200..]
        );
    }

    /// Each unknown id is found in the file by its text, after invalid entries; the
    /// block is parsed again once, not once per diagnostic, so this stays linear (no
    /// timing is asserted: the harness watchdog only turns a hang into a failure).
    #[test]
    fn ten_thousand_unknown_dependencies_each_point_at_their_entry() {
        let ids: String = (0..10_000).map(|i| format!("  - \"bad id {i}\"\n  - X-{i}\n")).collect();
        let site = Site::new().file("backlog/a.md", story_with(&format!("depends_on:\n{ids}")));
        let run = site.check().json().run();
        run.code(1);
        let unknown: Vec<_> = run.diagnostics().into_iter().filter(|d| d.rule == "unknown-dependency").collect();
        assert_eq!(unknown.len(), 10_000);
        for (i, d) in unknown.iter().enumerate() {
            d.at("unknown-dependency", "backlog/a.md", 7 + 2 * i, 5).message_has(&format!("`X-{i}`"));
        }
    }

    #[test]
    fn ten_thousand_acceptance_criteria_are_fine() {
        let criteria: String = (0..10_000).map(|i| format!("  - Criterion {i}\n")).collect();
        let site =
            Site::new().file("backlog/a.md", story_with(&format!("status: ready\nacceptance_criteria:\n{criteria}")));
        let run = site.check().json().run();
        run.code(0);
        assert_eq!(run.diagnostics(), vec![]);
    }
}

mod line_endings {
    use super::*;

    /// LF and CRLF in one file: lines are counted by `\n`, and `\r` never shows.
    #[test]
    fn an_error_on_a_crlf_line_after_lf_lines() {
        let text = "---\ntitle: A story\r\nproduct_owner: olga\nrank: 1\r\nestimate: lots\r\ntags: [a]\n---\r\nBody\n";
        let site = Site::new().file("backlog/a.md", text);
        site.check().json().run().code(1).single().at("invalid-value", "backlog/a.md", 5, 11);
        let human = site.check().run();
        assert!(
            human.stdout.contains(" --> backlog/a.md:5:11\n  |\n5 | estimate: lots\n  |           ^^^^\n"),
            "{}",
            human.stdout
        );
        assert!(!human.stdout.contains('\r'), "{:?}", human.stdout);
    }

    /// Columns count characters, not bytes, on a CRLF line after non-ASCII text.
    #[test]
    fn columns_count_characters_on_a_crlf_line() {
        let text = "---\r\ntitle: A story\nproduct_owner: olga\r\nrank: 1\ntags: [é, \"ü\", {x: y}]\r\n---\nBody\r\n";
        let site = Site::new().file("backlog/a.md", text);
        let run = site.check().json().run();
        run.code(1);
        run.single()
            .at("invalid-value", "backlog/a.md", 5, 16)
            .message_has("entries of `tags` must be text, found a mapping");
        let human = site.check().run();
        assert!(human.stdout.contains("5 | tags: [é, \"ü\", {x: y}]\n  |                ^\n"), "{}", human.stdout);
    }

    #[test]
    fn a_syntax_error_on_a_crlf_line_after_lf_lines() {
        let text = "---\r\ntitle: A story\nproduct_owner: olga\r\nrank: 1\nstatus: \"ready\r\n---\nBody\r\n";
        let run = Site::new().file("backlog/a.md", text).check().json().run();
        run.code(1);
        // The parser gives up at the end of the block and names where the quote opened.
        run.single().at("front-matter-syntax", "backlog/a.md", 6, 1).message_has("quoted scalar at line 5 column 9");
    }
}

mod ids {
    use super::*;

    /// Ids that would make a path (`/`, `..`, `\`), spaces, and non-ASCII letters:
    /// ids match `[A-Za-z0-9][A-Za-z0-9._-]*`.
    const BAD_IDS: &[&str] = &["a/b", "../../../tmp/pwned", "..", "a b", "Ünïcode", "a\\b", ".hidden", "-x", "/etc"];

    #[test]
    fn bad_id_values_are_named_and_nothing_is_written() {
        for id in BAD_IDS {
            let quoted = format!("id: '{id}'\n");
            for (rel, text) in [
                ("backlog/ok.md", story_with(&quoted)),
                ("roadmap/ok.md", format!("---\ntitle: Plan\nproduct_manager: pat\nhorizon: later\n{quoted}---\n")),
            ] {
                let site = Site::new().file(rel, &text);
                let run = site.check().json().run();
                run.code(1);
                run.single().at("invalid-value", rel, 5, 5).message_has(&format!("`{id}` is not a valid id"));
                build_fails_writing_nothing(&site);
            }
        }
    }

    #[test]
    fn bad_file_names_are_named_and_nothing_is_written() {
        for stem in ["a b", "é-1", "-x", "Ünï"] {
            let rel = format!("backlog/{stem}.md");
            let site = Site::new().file(&rel, story_with(""));
            let run = site.check().json().run();
            run.code(1);
            run.single()
                .at("invalid-value", &rel, 1, 1)
                .message_has(&format!("the file name `{stem}` is not a valid id"));
            build_fails_writing_nothing(&site);
        }
    }

    #[test]
    fn references_that_look_like_paths() {
        let fields = "initiative: ../plan\nsprint: a/b\ndepends_on: [../../x]\n";
        let run = Site::new().file("backlog/a.md", story_with(fields)).check().json().run();
        run.code(1);
        let found: Vec<_> =
            run.diagnostics().iter().map(|d| (d.rule.clone(), d.line, d.column, d.message.clone())).collect();
        let expected = [
            (5, 13, "`../plan` is not a valid id"),
            (6, 9, "`a/b` is not a valid id"),
            (7, 14, "`../../x` is not a valid id"),
        ];
        let expected: Vec<_> =
            expected.iter().map(|&(l, c, m)| ("invalid-value".to_owned(), l, c, m.to_owned())).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn people_and_sprints_with_path_ids() {
        let config = "title: T\nteam:\n  - id: ../pat\n    name: Pat\nsprints:\n  - id: ../S1\n    start: 2026-01-05\n    end: 2026-01-18\n";
        let run = Site::bare().file("charter.yaml", config).check().json().run();
        run.code(1);
        let diagnostics = run.diagnostics();
        assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
        diagnostics[0].at("config-invalid", "charter.yaml", 3, 9).message_has("`../pat` is not a valid id");
        diagnostics[1].at("config-invalid", "charter.yaml", 6, 9).message_has("`../S1` is not a valid id");
    }

    /// `theme:` names one folder under themes/: a path would read (and publish) files
    /// from anywhere.
    #[test]
    fn a_theme_that_is_a_path() {
        for theme in ["../../outside", "a/b", ".hidden", "/etc"] {
            let config = format!("{}theme: '{theme}'\n", crate::support::CONFIG);
            let site = Site::bare().file("charter.yaml", config).dir("themes");
            let run = site.check().json().run();
            run.code(1);
            run.single()
                .at("config-invalid", "charter.yaml", 17, 8)
                .message_has(&format!("`{theme}` is not a theme name"));
        }
    }
}

mod links_out {
    use super::*;

    const MARKER: &str = "OUTSIDE-SECRET-7d41";

    /// A folder beside the site, holding files a link could climb to.
    fn outside() -> Site {
        Site::bare().file("secret.md", format!("# {MARKER}\n")).file("secret.txt", MARKER)
    }

    fn name(site: &Site) -> String {
        site.path().file_name().unwrap().to_string_lossy().into_owned()
    }

    #[test]
    fn links_that_climb_out_are_reported_and_never_read() {
        let outside = outside();
        let body = format!(
            "[up](../../../../etc/hostname.md)\n\n[beside](../../{}/secret.md)\n\n[encoded](..%2F..%2F..%2Fetc%2Fhostname.md)\n",
            name(&outside)
        );
        let site =
            Site::new().file("backlog/S-1.md", format!("---\ntitle: A\nproduct_owner: olga\nrank: 1\n---\n{body}"));
        let run = site.check().json().run();
        run.code(1);
        let diagnostics = run.diagnostics();
        let positions: Vec<_> =
            diagnostics.iter().map(|d| (d.rule.as_str(), d.file.as_str(), d.line, d.column)).collect();
        assert_eq!(
            positions,
            [
                ("broken-link", "backlog/S-1.md", 6, 1),
                ("link-outside-site", "backlog/S-1.md", 8, 1),
                ("broken-link", "backlog/S-1.md", 10, 1)
            ]
        );
        diagnostics[0].message_has("is not in the site");
        diagnostics[1].message_has("leads outside the site folder").help_has("repository:");
        assert!(!run.stdout.contains(MARKER));
        let stderr = build_fails_writing_nothing(&site);
        assert!(!stderr.contains(MARKER));
    }

    /// Links out of the site never publish what they name: a file beside the site is a
    /// warning and renders as text, absolute paths and other schemes stay as written,
    /// and no byte of /etc/hostname or of the file beside the site reaches the output.
    #[test]
    fn links_out_of_the_site_never_publish_what_they_name() {
        let outside = outside();
        let beside = format!("../../{}/secret.txt", name(&outside));
        let body =
            format!("[host](/etc/hostname) ![img](/etc/hostname) [file](file:///etc/hostname) [beside]({beside})\n");
        let site =
            Site::new().file("backlog/S-1.md", format!("---\ntitle: A\nproduct_owner: olga\nrank: 1\n---\n{body}"));
        let out = OutDir::new();
        let run = site.build(out.out()).run();
        run.code(0);
        assert!(run.stderr.contains("warning[link-outside-site]"), "{}", run.stderr);
        let tree = Tree::read(out.out());
        assert_eq!(tree.files_containing(MARKER), Vec::<&str>::new());
        let hostname = std::fs::read("/etc/hostname").ok();
        for (path, bytes) in &tree.files {
            assert!(!path.contains("hostname") && !path.contains("secret"), "{path}");
            assert!(hostname.as_ref() != Some(bytes), "{path} is a copy of /etc/hostname");
        }
        let page = tree.text("backlog/s-1/index.html");
        let hrefs = output::attributes(page, "href");
        assert!(hrefs.iter().any(|h| h == "/etc/hostname"), "{hrefs:?}");
        assert!(!hrefs.iter().any(|h| h.contains("secret")), "a link out of the site without repository: {hrefs:?}");
        assert!(output::text(page).contains("beside"));
        assert!(output::attributes(page, "src").iter().any(|s| s == "/etc/hostname"));
        assert!(!hrefs.iter().any(|h| h.starts_with("file:")), "file: URLs are dropped: {hrefs:?}");
    }
}

/// A link above the folders charter walks (a theme folder, `static/`) is checked like
/// any other: one pointing outside the site is reported and nothing under it is read.
#[cfg(unix)]
#[test]
fn theme_and_static_folders_linked_outside_are_never_read() {
    let outside = Site::bare()
        .file("theme/templates/base.html", "<html>OUTSIDE-TEMPLATE-5c2e</html>\n")
        .file("theme/static/leak.txt", "OUTSIDE-STATIC-5c2e")
        .file("static/leak.txt", "OUTSIDE-STATIC-5c2e");
    let config = format!("{}theme: x\n", crate::support::CONFIG);
    let site = Site::bare()
        .file("charter.yaml", config)
        .symlink("themes/x", outside.path().join("theme"))
        .symlink("static", outside.path().join("static"));
    let run = site.check().json().run();
    run.code(1);
    let found: Vec<_> = run.diagnostics().into_iter().map(|d| (d.rule, d.file, d.message)).collect();
    let expected = ["static", "themes/x"].map(|link| {
        let message = format!("symbolic link `{link}` points outside the site; it is not published");
        ("invalid-value".to_owned(), link.to_owned(), message)
    });
    assert_eq!(found, expected);
    let stderr = build_fails_writing_nothing(&site);
    assert!(!stderr.contains("5c2e"), "{stderr}");
}
