//! Bad input: every run ends with a diagnostic or a clean exit 2, never a panic (the
//! harness checks that on every run), and every diagnostic names its file.

use crate::support::{Charter, Site};

/// A valid story whose line 2 is the title, 3 the owner and 4 the rank.
const STORY: &str = "---\ntitle: A story\nproduct_owner: olga\nrank: 1\n---\nBody\n";

#[test]
fn missing_charter_yaml_exits_two_naming_the_folder() {
    let site = Site::bare().file("backlog/a.md", STORY);
    for run in [site.check().run(), site.check().json().run()] {
        run.code(2);
        assert_eq!(run.stdout, "");
        assert!(run.stderr.contains("no charter.yaml"), "{}", run.stderr);
        assert!(run.stderr.contains(&site.path().display().to_string()), "names the folder: {}", run.stderr);
    }
}

#[test]
fn missing_site_folder_exits_two() {
    let site = Site::bare();
    let run = Charter::check(site.path().join("nope")).run();
    run.code(2);
    assert!(run.stderr.contains("nope"), "{}", run.stderr);
}

#[test]
fn non_utf8_file() {
    let run = Site::new().file("backlog/a.md", b"---\ntitle: Caf\xe9\nproduct_owner: olga\n---\n").check().json().run();
    run.code(1);
    run.single().at("invalid-value", "backlog/a.md", 2, 11).message_has("UTF-8");
}

#[test]
fn non_utf8_config() {
    let run = Site::bare().file("charter.yaml", b"title: Caf\xe9\n").check().json().run();
    run.code(1);
    run.single().at("config-invalid", "charter.yaml", 1, 11).message_has("UTF-8");
}

#[test]
fn empty_file() {
    let run = Site::new().file("backlog/a.md", "").check().json().run();
    run.code(1);
    run.single().at("front-matter-missing", "backlog/a.md", 1, 1).message_has("empty");
}

#[test]
fn whitespace_only_file() {
    let run = Site::new().file("roadmap/a.md", "  \n\t\n\n").check().json().run();
    run.code(1);
    run.single().at("front-matter-missing", "roadmap/a.md", 1, 1).message_has("empty");
}

#[test]
fn empty_config_is_missing_its_title() {
    let run = Site::bare().file("charter.yaml", "").check().json().run();
    run.code(1);
    run.single().at("missing-field", "charter.yaml", 1, 1).message_has("`title`");
}

#[test]
fn front_matter_that_never_closes() {
    let run = Site::new().file("backlog/a.md", "---\ntitle: x\nproduct_owner: olga\n").check().json().run();
    run.code(1);
    run.single().at("front-matter-syntax", "backlog/a.md", 1, 1).message_has("never closes");
}

#[test]
fn yaml_that_is_a_list() {
    let run = Site::new().file("backlog/a.md", "---\n- title\n- x\n---\n").check().json().run();
    run.code(1);
    run.single().at("front-matter-syntax", "backlog/a.md", 2, 1).message_has("found a list");
}

#[test]
fn yaml_that_is_a_scalar() {
    let run = Site::new().file("backlog/a.md", "---\njust some text\n---\n").check().json().run();
    run.code(1);
    run.single().at("front-matter-syntax", "backlog/a.md", 2, 1).message_has("found a string");
}

#[test]
fn config_that_is_a_list() {
    let run = Site::bare().file("charter.yaml", "- title: T\n").check().json().run();
    run.code(1);
    run.single().at("config-invalid", "charter.yaml", 1, 1).message_has("found a list");
}

#[test]
fn tabs_in_yaml_indentation() {
    let text = "---\ntitle: x\nproduct_owner: olga\ntags:\n\t- a\n---\n";
    let run = Site::new().file("backlog/a.md", text).check().json().run();
    run.code(1);
    run.single().at("front-matter-syntax", "backlog/a.md", 5, 1).message_has("tab");
}

#[test]
fn toml_front_matter_asks_for_yaml() {
    let run = Site::new().file("backlog/a.md", "+++\ntitle = 'x'\n+++\n").check().json().run();
    run.code(1);
    run.single().at("front-matter-syntax", "backlog/a.md", 1, 1).message_has("TOML").help_has("YAML").help_has("`---`");
}

#[test]
fn bom_and_crlf_are_accepted() {
    let text = "\u{feff}---\r\ntitle: A story\r\nproduct_owner: olga\r\nrank: 1\r\n---\r\nBody\r\n";
    let run = Site::new().file("backlog/a.md", text).check().json().run();
    run.code(0);
    assert_eq!(run.diagnostics(), vec![]);
}

#[test]
fn bom_and_crlf_keep_positions_right() {
    let text = "\u{feff}---\r\ntitle: A story\r\nproduct_owner: nobody\r\nrank: 1\r\n---\r\nBody\r\n";
    let site = Site::new().file("backlog/a.md", text);
    site.check().json().run().code(1).single().at("unknown-person", "backlog/a.md", 3, 16);
    let human = site.check().run();
    assert!(
        human.stdout.contains(" --> backlog/a.md:3:16\n  |\n3 | product_owner: nobody\n  |                ^^^^^^\n")
    );
    assert!(!human.stdout.contains('\r') && !human.stdout.contains('\u{feff}'), "{:?}", human.stdout);
}

#[test]
fn lone_cr_line_endings_keep_positions_right() {
    let story = "---\rtitle: A story\rproduct_owner: olga\rrank: 1\restimate: lots\r---\rBody\r";
    let run = Site::new().file("backlog/a.md", story).check().json().run();
    run.code(1);
    run.single().at("invalid-value", "backlog/a.md", 5, 11);
}

#[test]
fn duplicate_keys_point_at_the_second_one() {
    let text = "---\ntitle: A story\nproduct_owner: olga\ntitle: Again\nrank: 1\n---\n";
    let run = Site::new().file("backlog/a.md", text).check().json().run();
    run.code(1);
    run.single().at("front-matter-syntax", "backlog/a.md", 4, 1).message_has("duplicate").message_has("title");
}

#[test]
fn unclosed_quote_names_where_it_opened() {
    let text = "---\ntitle: \"A story\nproduct_owner: olga\nrank: 1\n---\n";
    let run = Site::new().file("backlog/a.md", text).check().json().run();
    run.code(1);
    run.single().at("front-matter-syntax", "backlog/a.md", 5, 1).message_has("quoted scalar at line 2 column 8");
}

#[test]
fn nul_byte() {
    let run = Site::new().file("backlog/a.md", "---\ntitle: a\0b\nproduct_owner: olga\n---\n").check().json().run();
    run.code(1);
    run.single().at("front-matter-syntax", "backlog/a.md", 2, 9).message_has("control characters");
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::new().file("backlog/a.md", STORY);
    let path = site.path().join("backlog/a.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = site.check().json().run();
    // Root (as in CI) reads the file anyway; the run must still end cleanly.
    if std::fs::read(&path).is_ok() {
        run.code(0);
        return;
    }
    run.code(1);
    let d = run.single();
    assert_eq!((d.rule.as_str(), d.file.as_str()), ("invalid-value", "backlog/a.md"));
    d.message_has("cannot read");
}

#[test]
fn directory_named_like_a_page_is_a_folder() {
    let site = Site::new().dir("backlog/x.md").file("docs/y.md/index.md", "# Y\n");
    let run = site.check().json().run();
    run.code(0);
    assert_eq!(run.diagnostics(), vec![]);
}

#[test]
fn estimate_written_as_text() {
    let story = "---\ntitle: A story\nproduct_owner: olga\nrank: 1\nestimate: lots\n---\n";
    let run = Site::new().file("backlog/a.md", story).check().json().run();
    run.code(1);
    run.single().at("invalid-value", "backlog/a.md", 5, 11).message_has("must be a number");
}

#[test]
fn alias_bomb_ends_with_a_diagnostic() {
    let mut text = String::from(
        "---\ntitle: Bomb\nproduct_owner: olga\nrank: 1\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h"]) {
        let aliases = vec![format!("*{prev}"); 9].join(", ");
        text.push_str(&format!("{name}: &{name} [{aliases}]\n"));
    }
    text.push_str("---\n");
    let run = Site::new().file("backlog/bomb.md", text).check().json().run();
    run.code(1);
    let d = run.single();
    assert_eq!((d.rule.as_str(), d.file.as_str()), ("front-matter-syntax", "backlog/bomb.md"));
    d.help_has("aliases");
}

mod cycles {
    use crate::support::Site;

    fn story(id: &str, rank: u32, depends_on: &str) -> String {
        format!("---\ntitle: Story {id}\nproduct_owner: olga\nrank: {rank}\ndepends_on: [{depends_on}]\n---\n")
    }

    fn initiative(depends_on: &str) -> String {
        format!("---\ntitle: An initiative\nproduct_manager: pat\nhorizon: next\ndepends_on: [{depends_on}]\n---\n")
    }

    #[test]
    fn a_story_that_depends_on_itself() {
        let run = Site::new().file("backlog/A-1.md", story("A-1", 1, "A-1")).check().json().run();
        run.code(1);
        run.single().at("dependency-cycle", "backlog/A-1.md", 5, 14).message_has("A-1 -> A-1");
    }

    #[test]
    fn two_stories() {
        let site =
            Site::new().file("backlog/A-1.md", story("A-1", 1, "A-2")).file("backlog/A-2.md", story("A-2", 2, "A-1"));
        let run = site.check().json().run();
        run.code(1);
        run.single().at("dependency-cycle", "backlog/A-1.md", 5, 14).message_has("A-1 -> A-2 -> A-1");
    }

    #[test]
    fn three_initiatives() {
        let site = Site::new()
            .file("roadmap/a.md", initiative("b"))
            .file("roadmap/b.md", initiative("c"))
            .file("roadmap/c.md", initiative("a"));
        let run = site.check().json().run();
        run.code(1);
        run.single().at("dependency-cycle", "roadmap/a.md", 5, 14).message_has("a -> b -> c -> a");
    }
}

mod dependencies {
    use crate::support::Site;

    const A_1: &str = "---\ntitle: Story A-1\nproduct_owner: olga\nrank: 1\n---\n";

    fn story(depends_on: &str) -> String {
        format!("---\ntitle: Story B\nproduct_owner: olga\nrank: 2\ndepends_on: {depends_on}\n---\n")
    }

    #[test]
    fn unknown_dependency_after_a_valid_and_an_invalid_entry_points_at_the_unknown_id() {
        let site = Site::new().file("backlog/A-1.md", A_1).file("backlog/B.md", story("[A-1, \"no good\", nope]"));
        let run = site.check().json().run();
        run.code(1);
        let diagnostics = run.diagnostics();
        assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
        diagnostics[0].at("invalid-value", "backlog/B.md", 5, 19);
        diagnostics[1].at("unknown-dependency", "backlog/B.md", 5, 30).message_has("`nope`");
    }

    #[test]
    fn unknown_dependency_in_a_block_list_after_an_invalid_entry_points_at_the_unknown_id() {
        let site = Site::new().file("backlog/B.md", story("\n  - 12.5.x!\n  - [nested]\n  - nope"));
        let run = site.check().json().run();
        run.code(1);
        let unknown: Vec<_> = run.diagnostics().into_iter().filter(|d| d.rule == "unknown-dependency").collect();
        assert_eq!(unknown.len(), 1, "{unknown:#?}");
        unknown[0].at("unknown-dependency", "backlog/B.md", 8, 5);
    }

    #[test]
    fn dependency_cycle_after_an_invalid_entry_points_at_the_entry_that_closes_it() {
        let site = Site::new().file("backlog/B.md", story("[\"no good\", B]"));
        let run = site.check().json().run();
        run.code(1);
        let cycle: Vec<_> = run.diagnostics().into_iter().filter(|d| d.rule == "dependency-cycle").collect();
        cycle[0].at("dependency-cycle", "backlog/B.md", 5, 25);
    }
}

mod collisions {
    use crate::support::Site;

    const STORY_2: &str = "---\ntitle: Another story\nproduct_owner: olga\nrank: 2\n---\n";

    #[test]
    fn ids_differing_only_in_case() {
        let site = Site::new().file("backlog/Story-1.md", super::STORY).file("backlog/story-1.md", STORY_2);
        if std::fs::read_dir(site.path().join("backlog")).unwrap().count() < 2 {
            return; // a case-insensitive file system holds only one of them
        }
        let run = site.check().json().run();
        run.code(1);
        run.single().at("duplicate-url", "backlog/story-1.md", 1, 1).message_has("backlog/Story-1.md");
    }

    #[test]
    fn docs_index_and_underscore_index() {
        let site = Site::new().file("docs/index.md", "# Home\n").file("docs/_index.md", "# Also home\n");
        let run = site.check().json().run();
        run.code(1);
        run.single().at("duplicate-url", "docs/index.md", 1, 1).message_has("docs/_index.md");
    }

    /// Found at `check`, not as an I/O error of `build`: a static file on a page's path.
    #[test]
    fn a_static_file_on_the_path_of_a_page() {
        let site = Site::new().file("backlog/S-1.md", super::STORY).file("static/backlog/s-1/index.html", "<p>x</p>");
        let run = site.check().json().run();
        run.code(1);
        run.single()
            .at("duplicate-url", "static/backlog/s-1/index.html", 0, 0)
            .message_has("the page of backlog/S-1.md");
        let generated = Site::new().file("static/roadmap.json", "{}").check().json().run();
        generated.single().at("duplicate-url", "static/roadmap.json", 0, 0).message_has("charter's own `roadmap.json`");
    }

    #[test]
    fn assets_differing_only_in_case() {
        let site = Site::new().file("docs/img/Flow.png", "a").file("docs/img/flow.png", "b");
        if std::fs::read_dir(site.path().join("docs/img")).unwrap().count() < 2 {
            return; // a case-insensitive file system holds only one of them
        }
        let run = site.check().json().run();
        run.code(1);
        run.single().at("duplicate-url", "docs/img/flow.png", 0, 0).message_has("like `docs/img/Flow.png`");
    }
}

#[cfg(unix)]
mod symlinks {
    use crate::support::Site;

    #[test]
    fn loop_of_folders() {
        let site = Site::new().file("backlog/a.md", super::STORY).symlink("backlog/again", ".");
        let run = site.check().json().run();
        run.code(1);
        let d = run.single();
        assert_eq!((d.rule.as_str(), d.file.as_str()), ("invalid-value", "backlog/again"));
        d.message_has("loop");
    }

    #[test]
    fn link_to_itself_is_a_loop_not_dangling() {
        let run = Site::new().symlink("backlog/self.md", "self.md").check().json().run();
        run.code(1);
        let d = run.single();
        assert_eq!((d.rule.as_str(), d.file.as_str()), ("invalid-value", "backlog/self.md"));
        d.message_has("loop");
    }

    #[test]
    fn links_to_each_other_are_a_loop_not_dangling() {
        let site = Site::new().symlink("docs/a.md", "./b.md").symlink("docs/b.md", "../docs/a.md");
        let run = site.check().json().run();
        run.code(1);
        let diagnostics = run.diagnostics();
        assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
        for d in &diagnostics {
            d.message_has("symbolic link loop");
        }
    }

    #[test]
    fn dangling() {
        let run = Site::new().symlink("backlog/gone.md", "nowhere.md").check().json().run();
        run.code(1);
        let d = run.single();
        assert_eq!((d.rule.as_str(), d.file.as_str()), ("invalid-value", "backlog/gone.md"));
        d.message_has("dangling");
    }

    #[test]
    fn editor_leftovers_are_ignored_even_an_emacs_lock_link() {
        let broken = "not a story: no front-matter\n";
        let mut site =
            Site::new().file("backlog/a.md", super::STORY).symlink("backlog/.#a.md", "olga@host.4242:1700000000");
        for name in ["#a.md#", "a.md~", "a.md.vsctmp", ".a.md.kate-swp", "a.md.kate-swp", ".goutputstream-Q2ZJ4Z"] {
            site = site.file(&format!("backlog/{name}"), broken);
        }
        let run = site.check().json().run();
        run.code(0);
        assert_eq!(run.diagnostics(), vec![]);
    }

    #[test]
    fn pointing_outside_the_site_is_never_read() {
        let outside = Site::bare().file("secret.md", "# SECRET-MARKER\n").file("dir/x.md", "# SECRET-MARKER\n");
        let mut site = Site::new()
            .symlink("docs/secret.md", outside.path().join("secret.md"))
            .symlink("docs/dir", outside.path().join("dir"));
        if std::path::Path::new("/etc/hostname").exists() {
            site = site.symlink("docs/hostname.md", "/etc/hostname");
        }
        let run = site.check().json().run();
        run.code(1);
        assert!(!run.stdout.contains("SECRET-MARKER"), "{}", run.stdout);
        let mut files = vec![];
        for d in run.diagnostics() {
            assert_eq!(d.rule, "invalid-value");
            d.message_has("outside the site");
            files.push(d.file);
        }
        let human = site.check().run();
        assert!(!human.stdout.contains("SECRET-MARKER"), "{}", human.stdout);
        assert!(files.contains(&"docs/secret.md".to_owned()) && files.contains(&"docs/dir".to_owned()), "{files:?}");
        let expected = if site.path().join("docs/hostname.md").exists() { 3 } else { 2 };
        assert_eq!(files.len(), expected, "{files:?}");
    }

    #[test]
    fn pointing_inside_the_site_is_followed() {
        let site = Site::new().file("shared/a.md", super::STORY).symlink("backlog/a.md", "../shared/a.md");
        let run = site.check().json().run();
        run.code(0);
        assert_eq!(run.diagnostics(), vec![]);
    }
}
