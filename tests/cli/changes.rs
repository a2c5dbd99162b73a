//! History in the site (SPEC §11): `changes/index.html`, `changes.xml`, the Changes menu
//! entry and `history` in roadmap.json, built from a real repository (git program).
//!
//! The repository below makes one commit per day from 2026-09-01 (a Tuesday, so the
//! first week is that of Monday 2026-08-31), each with one kind of change: created,
//! moved, slipped, pulled in, story done and added, shipped, new PM, dropped, and
//! changes of internal items whose old versions hold a marker that a public build must
//! not show.

use crate::support::git::Repo;
use crate::support::output::{self, Tree, assert_same_tree};
use crate::support::serve::ServeProcess;
use crate::support::{Charter, OutDir, Site};

const CONFIG: &str = "\
title: Changes site
team:
  - id: pat
    name: Pat Park
    roles: [product_manager]
    git: [pat@acme.example]
  - id: pam
    name: Pam Poole
    roles: [product_manager]
    git: [pam@acme.example]
  - id: olga
    name: Olga Ortiz
    roles: [product_owner]
    reports_to: pat
    git: [olga@acme.example]
";

const PAT: &str = "Pat Park <pat@acme.example>";
const OLGA: &str = "Olga Ortiz <olga@acme.example>";
const MALLORY: &str = "Mallory <mallory@elsewhere.example>";

fn initiative(title: &str, horizon: &str, timeframe: &str, extra: &str) -> String {
    format!("---\ntitle: {title}\nproduct_manager: pat\nhorizon: {horizon}\ntimeframe: {timeframe}\n{extra}---\n")
}

/// The repository of the module comment.
fn history() -> Repo {
    let mut repo = Repo::new();
    let secret = initiative("SECRET-MARKER plans", "later", "2027", "visibility: internal\n");
    repo.write("charter.yaml", CONFIG)
        .write("roadmap/INI-1.md", &initiative("Guest checkout", "now", "2026-Q4", ""))
        .write("roadmap/INI-2.md", &initiative("Wallets", "next", "2027-Q1", ""))
        .write("roadmap/SECRET.md", &secret)
        .write("roadmap/LATER.md", &initiative("OLD-MARKER name", "later", "2027", "visibility: internal\n"))
        .write("backlog/A-1.md", "---\ntitle: Address form\nproduct_owner: olga\ninitiative: INI-1\nrank: 1\n---\n");
    repo.commit(PAT, "Start MESSAGE-MARKER");
    repo.edit("roadmap/INI-1.md", "horizon: now", "horizon: next");
    repo.commit(PAT, "Move guest checkout");
    repo.edit("roadmap/INI-1.md", "timeframe: 2026-Q4", "timeframe: 2027-Q2");
    repo.commit(PAT, "Slip guest checkout");
    repo.edit("roadmap/INI-2.md", "timeframe: 2027-Q1", "timeframe: 2026-Q4");
    repo.commit(PAT, "Pull wallets in");
    repo.edit("backlog/A-1.md", "rank: 1", "status: done\ndone_on: 2026-09-05\nacceptance_criteria: [Works]");
    repo.write("backlog/A-2.md", "---\ntitle: Card form\nproduct_owner: olga\ninitiative: INI-1\nrank: 1\n---\n");
    repo.commit(OLGA, "Done one, add one");
    repo.edit("roadmap/INI-2.md", "horizon: next", "status: shipped\nshipped_on: 2026-09-06");
    repo.commit(PAT, "Ship wallets");
    repo.edit("roadmap/INI-1.md", "product_manager: pat", "product_manager: pam");
    repo.commit(PAT, "Hand over to Pam");
    repo.write("roadmap/INI-3.md", &initiative("Loyalty", "later", "2027", ""));
    repo.commit(MALLORY, "An outsider adds an initiative");
    repo.edit("roadmap/INI-3.md", "horizon: later", "status: dropped");
    repo.commit(PAT, "Drop loyalty");
    repo.edit("roadmap/SECRET.md", "horizon: later", "horizon: now");
    repo.edit("roadmap/LATER.md", "OLD-MARKER name", "Partner portal");
    repo.edit("roadmap/LATER.md", "visibility: internal\n", "");
    repo.commit(PAT, "Move the secret one; publish the portal");
    repo.edit("roadmap/LATER.md", "horizon: later", "horizon: next");
    repo.commit(PAT, "Portal next");
    repo
}

fn build(repo: &Repo, audience: &str) -> (OutDir, Tree) {
    let out = OutDir::new();
    Charter::build(repo.site(), out.out()).arg("--audience").arg(audience).run().code(0);
    let tree = Tree::read(out.out());
    (out, tree)
}

/// The entries of the changes page as (kind class, text).
fn entries(tree: &Tree) -> Vec<(String, String)> {
    let page = output::main(tree.text("changes/index.html"));
    page.split("<li class=\"change change-")
        .skip(1)
        .map(|part| {
            let kind = part.split('"').next().unwrap().to_owned();
            let body = part.split_once('>').unwrap().1.split("</li>").next().unwrap();
            let text = output::text(body);
            (kind, text)
        })
        .collect()
}

#[test]
#[ignore = "needs git"]
fn every_kind_of_change_is_shown_distinctly_with_who_and_when() {
    let repo = history();
    let (_out, tree) = build(&repo, "internal");
    let found = entries(&tree);
    let kinds: Vec<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "horizon",
            "horizon",
            "dropped",
            "created",
            "product-manager",
            "shipped",
            "story-done",
            "story-added",
            "pulled-in",
            "slipped",
            "horizon",
            "created",
            "created",
            "created",
            "created",
            "story-added"
        ],
        "{found:#?}"
    );
    let text = |kind: &str| found.iter().find(|(k, _)| k == kind).map(|(_, t)| t.clone()).unwrap();
    assert_eq!(text("slipped"), "Slipped Guest checkout timeframe from 2026-Q4 to 2027-Q2 Pat Park, 2026-09-03");
    assert_eq!(text("pulled-in"), "Pulled in Wallets timeframe from 2027-Q1 to 2026-Q4 Pat Park, 2026-09-04");
    assert_eq!(text("story-done"), "Story done Address form in Guest checkout story done Olga Ortiz, 2026-09-05");
    assert_eq!(
        text("product-manager"),
        "New PM Guest checkout product manager from Pat Park to Pam Poole Pat Park, 2026-09-07"
    );
    assert_eq!(text("dropped"), "Dropped Loyalty dropped Pat Park, 2026-09-09");
    let outsider = &found[3].1;
    assert_eq!(outsider, "New Loyalty added to the roadmap someone outside the team, 2026-09-08");
    let page = tree.text("changes/index.html");
    assert!(page.contains("Week of <time datetime=\"2026-08-31\">"), "the first week starts on Monday 2026-08-31");
    assert!(page.contains("Week of <time datetime=\"2026-09-07\">"));
    let history_of = |file: &str| {
        let page = output::main(tree.text(file));
        let section = page.split("id=\"history-title\"").nth(1).unwrap_or_else(|| panic!("{file} has no History"));
        section.matches("<li class=\"change ").count()
    };
    assert_eq!(history_of("roadmap/ini-1/index.html"), 7, "its own 4 changes and 3 of its stories");
    assert_eq!(history_of("roadmap/ini-2/index.html"), 3);
    let home = output::main(tree.text("index.html"));
    let latest = home.split("id=\"home-changes\"").nth(1).expect("the home page shows the latest changes");
    assert_eq!(latest.matches("<li class=\"change ").count(), 5);
    for file in ["index.html", "roadmap/index.html", "backlog/a-1/index.html"] {
        assert!(tree.text(file).contains("changes/index.html\">Changes</a>"), "{file} links Changes in the menu");
    }
}

#[test]
#[ignore = "needs git"]
fn the_feed_and_roadmap_json_carry_the_same_history() {
    let repo = history();
    let (_out, tree) = build(&repo, "internal");
    let feed_text = tree.text("changes.xml");
    let feed = output::xml("changes.xml", feed_text);
    let entries: Vec<_> = feed.descendants().filter(|n| n.has_tag_name("entry")).collect();
    assert_eq!(entries.len(), 16);
    let first_title = entries[0].children().find(|n| n.has_tag_name("title")).unwrap().text().unwrap();
    assert_eq!(first_title, "Partner portal: moved from later to next");
    let json = tree.json("roadmap.json");
    let history = json["history"].as_array().unwrap();
    assert_eq!(history.len(), 16);
    assert_eq!(history[9]["kind"], "slipped");
    assert_eq!(history[9]["before"], "2026-Q4");
    assert_eq!(history[9]["after"], "2027-Q2");
    assert_eq!(history[9]["who"], "Pat Park");
    assert_eq!(history[9]["date"], "2026-09-03");
}

#[test]
#[ignore = "needs git"]
fn no_email_or_commit_message_reaches_any_output() {
    let repo = history();
    let (_out, tree) = build(&repo, "internal");
    for needle in ["@acme.example", "@elsewhere.example", "MESSAGE-MARKER", "Mallory", "Move guest checkout"] {
        assert_eq!(tree.files_containing(needle), Vec::<&str>::new(), "{needle} leaked");
    }
}

#[test]
#[ignore = "needs git"]
fn a_public_build_drops_every_change_of_an_internal_item() {
    let repo = history();
    let (_out, internal) = build(&repo, "internal");
    assert!(!internal.files_containing("SECRET-MARKER").is_empty(), "the internal build shows it");
    let (_out, public) = build(&repo, "public");
    for marker in ["SECRET-MARKER", "OLD-MARKER"] {
        assert_eq!(public.files_containing(marker), Vec::<&str>::new(), "{marker} reached a public file");
    }
    let found = entries(&public);
    assert_eq!(found.len(), 13, "16 less the secret's creation and move and the portal's creation: {found:#?}");
    assert!(found.iter().any(|(_, t)| t.starts_with("Moved Partner portal")), "a change made once public stays");
    assert_eq!(public.json("roadmap.json")["history"].as_array().unwrap().len(), 13);
}

#[test]
#[ignore = "needs git"]
fn history_output_is_deterministic_and_windowed_from_the_newest_commit() {
    let repo = history();
    let (_a, first) = build(&repo, "internal");
    let (_b, second) = build(&repo, "internal");
    assert_same_tree(&first, &second);
    insta::assert_snapshot!("changes_page", output::main(first.text("changes/index.html")));

    let mut windowed = history();
    let config = format!("{CONFIG}history:\n  window_days: 2\n");
    windowed.write("charter.yaml", &config);
    windowed.commit(PAT, "A two-day window");
    let (_c, tree) = build(&windowed, "internal");
    let found = entries(&tree);
    let kinds: Vec<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["horizon", "horizon"], "only changes less than 2 days before the newest commit: {found:#?}");
}

#[test]
#[ignore = "needs git"]
fn versions_the_work_tree_holds_give_the_same_history_and_an_uncommitted_edit_none() {
    let repo = history();
    let (_a, read) = build(&repo, "internal");
    repo.settle();
    // Without history's cache, which would hold every commit's result by now.
    repo.forget_history_cache();
    let (_b, reused) = build(&repo, "internal");
    assert_same_tree(&read, &reused);
    // The same size as the committed file, and git's index still names that one.
    repo.edit("roadmap/INI-2.md", "title: Wallets", "title: Purses!");
    repo.forget_history_cache();
    let (_c, edited) = build(&repo, "internal");
    let history = |tree: &Tree| tree.json("roadmap.json")["history"].clone();
    assert_eq!(history(&edited), history(&read), "history stays the commits' until the edit is committed");
    assert!(output::main(edited.text("roadmap/ini-2/index.html")).contains("Purses!"), "the edit is built");
}

#[test]
#[ignore = "needs git"]
fn history_false_and_no_repository_mean_no_changes_page() {
    let mut repo = history();
    repo.write("charter.yaml", &format!("{CONFIG}history: false\n"));
    repo.commit(PAT, "No history on the site");
    let (_out, tree) = build(&repo, "internal");
    assert!(!tree.has("changes/index.html") && !tree.has("changes.xml"));
    assert!(!tree.text("index.html").contains(">Changes</a>"), "no menu entry");
    assert!(tree.json("roadmap.json")["history"].is_null());
}

#[test]
#[ignore = "needs git"]
fn serve_shows_a_commit_without_waiting_for_an_edit() {
    // The repository's folder inside the site, and outside it (watched on its own).
    for inside in ["", "site"] {
        serve_sees_a_commit(inside);
    }
}

fn serve_sees_a_commit(inside: &str) {
    let site = Site::bare().inside(inside);
    let mut repo = Repo::at(site.folder(), inside);
    repo.write("charter.yaml", CONFIG).write("roadmap/INI-1.md", &initiative("Guest checkout", "now", "2026-Q4", ""));
    repo.commit(PAT, "Start");
    // Edited before serving and committed while serving: only the commit (which
    // touches no file of the site, only the repository) changes what is served.
    repo.edit("roadmap/INI-1.md", "horizon: now", "horizon: next");
    let serve = ServeProcess::start(site);
    let mut events = serve.events();
    let first = events.next();
    let moved = || serve.get("changes/").body.contains("class=\"change change-horizon\"");
    assert!(!moved(), "an uncommitted edit has no history");
    repo.commit(PAT, "Move guest checkout");
    events.good_build(first.generation, "the commit on the changes page", moved);
}

/// A built docs page's "last updated" line, if it has one.
fn last_updated(tree: &Tree, page: &str) -> Option<String> {
    let html = output::main(tree.text(page));
    let line = html.split("<p class=\"updated\">").nth(1)?.split("</p>").next()?;
    Some(output::text(line))
}

#[test]
#[ignore = "needs git"]
fn docs_pages_say_when_their_own_file_last_changed_and_by_whom() {
    let mut repo = Repo::new();
    repo.write("charter.yaml", CONFIG)
        .write("docs/guide.md", "# Guide\n\nFirst.\n")
        .write("docs/faq.md", "# FAQ\n\nQ?\n")
        .write("roadmap/INI-1.md", &initiative("Guest checkout", "now", "2026-Q4", ""));
    repo.commit(PAT, "Start MESSAGE-MARKER");
    repo.edit("docs/guide.md", "First.", "Second.");
    repo.commit(MALLORY, "An outsider edits the guide");
    repo.edit("docs/faq.md", "Q?", "A.");
    repo.commit(OLGA, "Olga answers");
    // Later commits that touch other files do not make a page newer.
    repo.edit("roadmap/INI-1.md", "horizon: now", "horizon: next");
    repo.commit(PAT, "Move guest checkout");
    repo.write("docs/draft.md", "# Draft\n\nNot committed.\n");
    let (_out, tree) = build(&repo, "public");
    assert_eq!(
        last_updated(&tree, "docs/guide/index.html").as_deref(),
        Some("Last updated on 2026-09-02 by someone outside the team")
    );
    assert_eq!(last_updated(&tree, "docs/faq/index.html").as_deref(), Some("Last updated on 2026-09-03 by Olga Ortiz"));
    assert_eq!(last_updated(&tree, "docs/draft/index.html"), None, "an uncommitted page has no history yet");
    let guide = tree.text("docs/guide/index.html");
    assert!(
        !guide.contains("acme.example") && !guide.contains("elsewhere.example") && !guide.contains("MESSAGE-MARKER")
    );

    // Outside a repository: no line at all.
    let copy = Site::copy_of(&repo.site());
    let out = OutDir::new();
    Charter::build(copy.path(), out.out()).run().code(0);
    assert_eq!(last_updated(&Tree::read(out.out()), "docs/guide/index.html"), None);
}
