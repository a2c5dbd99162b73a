//! `charter build` as a whole: where it may write, that it writes nothing on errors,
//! that a failed build leaves the previous output as it was, and that the same input
//! gives the same bytes.

use crate::support::output::{Tree, assert_same_tree};
use crate::support::serve::{WAIT, forward_lines};
use crate::support::{Charter, OutDir, SOURCE_DATE_EPOCH, Site, example_site, fixture};
use std::fs;
use std::process::{Command, Stdio};
use std::sync::mpsc::Receiver;

/// A story override whose render fails on line 3.
const FAILING_STORY: &str = "<!DOCTYPE html>\n<title>{{ page_title }}</title>\n{{ throw(message=\"boom\") }}\n";

fn valid_site() -> Site {
    Site::copy_of(&fixture("valid"))
}

#[test]
fn same_input_gives_identical_output() {
    let (a, b) = (OutDir::new(), OutDir::new());
    Charter::build(example_site(), a.out()).run().code(0);
    Charter::build(example_site(), b.out()).run().code(0);
    assert_same_tree(&Tree::read(a.out()), &Tree::read(b.out()));
    // Rebuilding over a previous output gives the same bytes again.
    Charter::build(example_site(), a.out()).run().code(0);
    assert_same_tree(&Tree::read(a.out()), &Tree::read(b.out()));
}

#[test]
fn output_does_not_depend_on_where_the_site_is() {
    let (a, b) = (OutDir::new(), OutDir::new());
    // Copies outside any git repository: in place, the example site has a history.
    let original = Site::copy_of(&example_site());
    Charter::build(original.path(), a.out()).run().code(0);
    let copy = Site::copy_of(&example_site());
    // A relative site path and output, from another working folder.
    Charter::new(["build", ".", "--out"])
        .arg(b.out())
        .current_dir(copy.path())
        .env("SOURCE_DATE_EPOCH", crate::support::SOURCE_DATE_EPOCH)
        .run()
        .code(0);
    assert_same_tree(&Tree::read(a.out()), &Tree::read(b.out()));
}

#[test]
fn output_marker_and_build_summary() {
    let out = OutDir::new();
    let run = Charter::build(fixture("valid"), out.out()).run();
    run.code(0);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("built 18 pages"), "{}", run.stderr);
    assert!(out.out().join(".charter-output").is_file());
    assert_eq!(out.siblings(), ["out"], "no temporary folder is left beside the output");
}

#[test]
fn a_failed_render_leaves_the_previous_output_untouched() {
    let site = valid_site();
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let before = Tree::read(out.out());

    let site = site.file("templates/story.html", FAILING_STORY);
    let run = site.build(out.out()).run();
    run.code(1);
    assert!(run.stderr.contains("error[template-error]"), "{}", run.stderr);
    assert!(run.stderr.contains("--> templates/story.html:3:"), "names the template and line:\n{}", run.stderr);
    assert!(run.stderr.contains("boom"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_same_tree(&Tree::read(out.out()), &before);
    assert_eq!(out.siblings(), ["out"], "no temporary folder is left beside the output");
}

#[test]
fn an_undefined_variable_is_a_template_error_at_its_line() {
    let site = valid_site().file("templates/story.html", "<p>\n  {{ story.title }} {{ no_such_thing }}\n</p>\n");
    let out = OutDir::new();
    let run = site.build(out.out()).run();
    run.code(1);
    assert!(run.stderr.contains("--> templates/story.html:2:"), "{}", run.stderr);
    assert!(run.stderr.contains("no_such_thing"), "{}", run.stderr);
    assert!(!out.out().exists());
    assert_eq!(out.siblings(), Vec::<String>::new());
}

#[test]
fn validation_errors_write_nothing() {
    let site = Site::new().file("backlog/a.md", "---\ntitle: A\nproduct_owner: nobody\n---\n");
    let out = OutDir::new();
    let run = site.build(out.out()).run();
    run.code(1);
    assert!(run.stderr.contains("error[unknown-person]"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(out.siblings(), Vec::<String>::new(), "no output folder is created");
}

#[test]
fn validation_errors_keep_the_previous_output() {
    let site = valid_site();
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let before = Tree::read(out.out());
    let site = site.file("backlog/bad.md", "---\ntitle: Bad\nproduct_owner: olga\nrank: 0\n---\n");
    site.build(out.out()).run().code(1);
    assert_same_tree(&Tree::read(out.out()), &before);
    assert_eq!(out.siblings(), ["out"]);
}

#[test]
fn deny_warnings_turns_a_warning_into_no_output() {
    let site = Site::new().file("backlog/a.md", "---\ntitle: Unranked\nproduct_owner: olga\n---\n");
    let out = OutDir::new();
    site.build(out.out()).arg("--deny-warnings").run().code(1);
    assert_eq!(out.siblings(), Vec::<String>::new());
    let run = site.build(out.out()).run();
    run.code(0);
    assert!(run.stderr.contains("warning[unranked-story]"), "warnings are printed: {}", run.stderr);
}

#[test]
fn a_foreign_non_empty_folder_is_refused_and_left_alone() {
    let site = valid_site();
    let out = OutDir::new();
    std::fs::create_dir_all(out.out().join("keep")).unwrap();
    std::fs::write(out.out().join("keep/notes.txt"), "mine").unwrap();
    let before = Tree::read(out.out());
    let run = site.build(out.out()).run();
    run.code(2);
    assert!(run.stderr.contains(".charter-output"), "says why: {}", run.stderr);
    assert_same_tree(&Tree::read(out.out()), &before);
    assert_eq!(out.siblings(), ["out"]);
}

#[test]
fn a_file_as_output_is_refused() {
    let out = OutDir::new();
    std::fs::write(out.out(), "not a folder").unwrap();
    Charter::build(fixture("valid"), out.out()).run().code(2);
    assert_eq!(std::fs::read_to_string(out.out()).unwrap(), "not a folder");
}

#[test]
fn an_empty_existing_folder_is_accepted() {
    let out = OutDir::new();
    std::fs::create_dir(out.out()).unwrap();
    Charter::build(fixture("valid"), out.out()).run().code(0);
    assert!(out.out().join("index.html").is_file());
}

#[test]
fn the_site_folder_and_its_parents_are_refused() {
    let site = valid_site();
    let before = Tree::read(site.path());
    for out in [site.path().to_path_buf(), site.path().join("."), site.path().parent().unwrap().to_path_buf()] {
        let run = site.build(&out).run();
        run.code(2);
        assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    }
    assert_same_tree(&Tree::read(site.path()), &before);
}

#[test]
fn source_folders_of_the_site_are_refused() {
    let site = valid_site();
    for folder in ["roadmap/out", "backlog", "docs/guide/out", "static/out", "templates/out"] {
        let run = site.build(site.path().join(folder)).run();
        run.code(2);
        assert!(run.stderr.contains("refusing"), "{folder}: {}", run.stderr);
    }
    assert!(!site.path().join("roadmap/out").exists());
}

#[test]
fn default_output_is_public_in_the_site_and_is_not_read_back() {
    let site = valid_site();
    let args = |site: &Site| Charter::new(["build".as_ref(), site.path().as_os_str()]);
    args(&site).env("SOURCE_DATE_EPOCH", crate::support::SOURCE_DATE_EPOCH).run().code(0);
    let first = Tree::read(site.path().join("public"));
    assert!(first.has("index.html"));
    // A second build must not take public/ for content, and replaces it whole.
    args(&site).env("SOURCE_DATE_EPOCH", crate::support::SOURCE_DATE_EPOCH).run().code(0);
    assert_same_tree(&Tree::read(site.path().join("public")), &first);
    site.check().json().run().code(0);
}

#[test]
fn files_removed_from_the_site_disappear_from_the_output() {
    let site = valid_site().file("backlog/EXTRA-1.md", "---\ntitle: Extra\nproduct_owner: olga\nrank: 9\n---\n");
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    assert!(out.out().join("backlog/extra-1/index.html").is_file());
    std::fs::remove_file(site.path().join("backlog/EXTRA-1.md")).unwrap();
    site.build(out.out()).run().code(0);
    assert!(!out.out().join("backlog/extra-1").exists(), "a stale page survived the rebuild");
    let fresh = OutDir::new();
    site.build(fresh.out()).run().code(0);
    assert_same_tree(&Tree::read(out.out()), &Tree::read(fresh.out()));
}

/// SPEC §10: an atomic build over a previous output hard-links the files whose bytes did
/// not change (the same inode survives the swap) and writes the others anew.
#[cfg(unix)]
#[test]
fn unchanged_files_are_hard_linked_from_the_previous_output() {
    use std::os::unix::fs::MetadataExt;
    let site = Site::copy_of(&fixture("valid"));
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let inode = |rel: &str| std::fs::metadata(out.out().join(rel)).unwrap().ino();
    let (style, story) = (inode("style.css"), inode("backlog/chk-2/index.html"));
    let text = std::fs::read_to_string(site.path().join("backlog/CHK-2.md")).unwrap();
    let title = text.lines().find(|l| l.starts_with("title: ")).unwrap().to_owned();
    let site = site.file("backlog/CHK-2.md", text.replacen(&title, "title: A new title", 1));
    site.build(out.out()).run().code(0);
    assert_eq!(inode("style.css"), style, "an unchanged file is linked, not written again");
    assert_ne!(inode("backlog/chk-2/index.html"), story, "a changed page is written anew");
    assert!(Tree::read(out.out()).text("backlog/chk-2/index.html").contains("A new title"));
    let fresh = OutDir::new();
    site.build(fresh.out()).run().code(0);
    assert_same_tree(&Tree::read(out.out()), &Tree::read(fresh.out()));
}

/// Replacing the previous output deletes it whole, with several threads: a symbolic link
/// someone put into it is removed, never followed, and nothing is left beside the output.
#[cfg(unix)]
#[test]
fn replacing_the_output_removes_links_in_it_without_following_them() {
    let out = OutDir::new();
    let keep = tempfile::tempdir().unwrap();
    std::fs::create_dir(keep.path().join("notes")).unwrap();
    std::fs::write(keep.path().join("notes/plan.txt"), "mine").unwrap();
    Charter::build(fixture("valid"), out.out()).run().code(0);
    std::os::unix::fs::symlink(keep.path(), out.out().join("backlog/elsewhere")).unwrap();
    std::os::unix::fs::symlink(keep.path().join("notes"), out.out().join("elsewhere")).unwrap();
    Charter::build(fixture("valid"), out.out()).run().code(0);
    assert_eq!(std::fs::read_to_string(keep.path().join("notes/plan.txt")).unwrap(), "mine");
    assert!(!out.out().join("backlog/elsewhere").exists() && !out.out().join("elsewhere").exists());
    assert_eq!(out.siblings(), ["out"], "no temporary folder is left beside the output");
}

/// The next line `build --watch` prints after `what`, that starts with "built" or
/// "build failed" (diagnostics come before it).
#[track_caller]
fn next_outcome(lines: &Receiver<String>, what: &str) -> String {
    loop {
        match lines.recv_timeout(WAIT) {
            Ok(line) if line.starts_with("built ") || line.starts_with("build failed") => return line,
            Ok(_) => {}
            Err(err) => panic!("{what}: no outcome line from build --watch ({err})"),
        }
    }
}

#[test]
fn build_watch_rebuilds_each_edit_and_keeps_the_last_good_output_on_errors() {
    let site = valid_site();
    let out = OutDir::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["build", "--watch", "--out"])
        .arg(out.out())
        .arg(site.path())
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start charter build --watch");
    let lines = forward_lines(child.stderr.take().unwrap());
    let first = next_outcome(&lines, "the first build");
    assert!(first.ends_with("; watching for changes"), "{first}");
    let story = |out: &OutDir| fs::read_to_string(out.out().join("backlog/chk-1/index.html")).unwrap();
    assert!(!story(&out).contains("Pay by bank transfer"));

    // An edit: rebuilt, and the page shows it.
    let path = site.path().join("backlog/CHK-1.md");
    let text = fs::read_to_string(&path).unwrap();
    let old_title = text.lines().find(|l| l.starts_with("title: ")).unwrap().to_string();
    fs::write(&path, text.replacen(&old_title, "title: Pay by bank transfer", 1)).unwrap();
    let line = next_outcome(&lines, "a title edited");
    assert!(line.starts_with("built "), "{line}");
    assert!(story(&out).contains("Pay by bank transfer"));
    let good = Tree::read(out.out());

    // A broken edit: the failure said, the output left as it was.
    fs::write(&path, "---\ntitle: [unclosed\n---\n").unwrap();
    let line = next_outcome(&lines, "a broken front-matter");
    assert_eq!(line, "build failed: the previous output is untouched; watching for changes");
    assert_same_tree(&Tree::read(out.out()), &good);

    // Fixed again: rebuilt.
    fs::write(&path, &text).unwrap();
    let line = next_outcome(&lines, "the front-matter fixed");
    assert!(line.starts_with("built "), "{line}");
    assert!(!story(&out).contains("Pay by bank transfer"));

    // A warning added: told once, then only counted.
    fs::write(&path, text.replacen("rank: 1\n", "", 1)).unwrap();
    let line = next_outcome(&lines, "the rank removed");
    assert!(line.ends_with("; 1 warning (1 new, above); watching for changes"), "{line}");
    fs::write(&path, text.replacen(&old_title, "title: Pay by card", 1).replacen("rank: 1\n", "", 1)).unwrap();
    let line = next_outcome(&lines, "the title edited again");
    assert!(line.ends_with("; 1 warning (none new); watching for changes"), "{line}");
    child.kill().unwrap();
    child.wait().unwrap();
}
