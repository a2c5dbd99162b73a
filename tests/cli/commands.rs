//! `charter init` and `charter new`: what they write checks clean, they refuse to
//! overwrite, and `new` picks the next free id and rank.

use crate::support::{Charter, OutDir, Site, copy_dir, example_site};
use std::fs;

fn init_site() -> (OutDir, std::path::PathBuf) {
    let dir = OutDir::new();
    let site = dir.out();
    Charter::new(["init".as_ref(), site.as_os_str()]).run().code(0);
    (dir, site)
}

#[test]
fn init_writes_a_site_that_checks_clean_and_builds() {
    let (_dir, site) = init_site();
    let report = Charter::check(&site).json().run();
    report.code(0);
    assert!(report.diagnostics().is_empty(), "{report:?}");
    let out = site.join("public");
    Charter::build(&site, &out).run().code(0);
    assert!(out.join("backlog/app-2/index.html").is_file());
}

#[test]
fn init_refuses_a_non_empty_folder_and_changes_nothing() {
    let site = Site::bare().file("notes.txt", "mine");
    let run = Charter::new(["init".as_ref(), site.path().as_os_str()]).run();
    run.code(2);
    assert!(run.stderr.contains("not empty"), "{run:?}");
    assert_eq!(fs::read_to_string(site.path().join("notes.txt")).expect("kept"), "mine");
    assert!(!site.path().join("charter.yaml").exists());
}

fn new(site: &std::path::Path, args: &[&str]) -> crate::support::Run {
    let mut cmd = Charter::new(["new"]);
    for arg in args {
        cmd = cmd.arg(arg);
    }
    cmd.arg(site).run()
}

#[test]
fn new_story_initiative_and_doc_check_clean() {
    let (_dir, site) = init_site();
    let story = new(&site, &["story", "Reset the \"password\": now", "--initiative", "easy-signup"]);
    story.code(0);
    assert_eq!(story.stdout.trim(), site.join("backlog/APP-4.md").display().to_string());
    let text = fs::read_to_string(site.join("backlog/APP-4.md")).expect("story written");
    assert!(text.contains("rank: 3"), "next free rank of otto's backlog:\n{text}");
    assert!(text.contains("initiative: easy-signup"), "{text}");
    new(&site, &["initiative", "Team accounts"]).code(0);
    assert!(site.join("roadmap/team-accounts-2.md").is_file(), "team-accounts is taken, so -2");
    new(&site, &["doc", "How to: write", "--owner", "pam"]).code(0);
    assert!(site.join("docs/how-to-write.md").is_file());
    let report = Charter::check(&site).json().run();
    report.code(0);
    assert!(report.diagnostics().is_empty(), "{report:?}");
}

#[test]
fn new_follows_the_sites_id_prefix_and_the_owners_ranks() {
    let dir = OutDir::new();
    let site = dir.out();
    copy_dir(&example_site(), &site);
    let run = new(&site, &["story", "Split payouts", "--owner", "bob"]);
    run.code(0);
    let path = std::path::PathBuf::from(run.stdout.trim());
    let text = fs::read_to_string(&path).expect("story written");
    assert!(text.contains("product_owner: bob"), "{text}");
    let report = Charter::check(&site).json().run();
    report.code(0);
    let diagnostics = report.diagnostics();
    let found = crate::forecast::positions(&diagnostics);
    assert_eq!(found, crate::forecast::EXAMPLE_WARNINGS, "the new story must not collide with any rank or id");
}

#[test]
fn new_refuses_an_owner_without_the_role() {
    let (_dir, site) = init_site();
    let run = new(&site, &["story", "X", "--owner", "pam"]);
    run.code(2);
    assert!(run.stderr.contains("not a product owner"), "{run:?}");
}
