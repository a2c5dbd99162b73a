//! History's cache (SPEC §11): what each commit changed is kept in the repository's git
//! folder (`.git/charter/`), and a run that finds it (warm) gives byte for byte what a
//! run without it (cold) gives: after a new commit, a rewritten history, changed
//! `ignore:` globs, a renamed site folder, and for a second site of the same
//! repository. A corrupt cache, or one that cannot be written, changes nothing.
//!
//! Also the work tree's files: history takes `check`'s parse of a file for the version
//! git's index records only when the bytes `check` read are that version, never for a
//! file edited since, even one whose stat does not show the edit.

use crate::support::git::Repo;
use crate::support::output::{Tree, assert_same_tree};
use crate::support::{Charter, OutDir};
use std::path::{Path, PathBuf};

const CONFIG: &str = "\
title: Cached site
team:
  - id: pat
    name: Pat Park
    roles: [product_manager]
    git: [pat@acme.example]
  - id: olga
    name: Olga Ortiz
    roles: [product_owner]
    reports_to: pat
    git: [olga@acme.example]
";

const PAT: &str = "Pat Park <pat@acme.example>";
const OLGA: &str = "Olga Ortiz <olga@acme.example>";
/// Not on the team: an `unknown-author` and, re-ranking, a `rank-changed-by-non-owner`.
const EVE: &str = "Eve Engineer <eve@acme.example>";

fn story(title: &str, rank: u32) -> String {
    format!("---\ntitle: {title}\nproduct_owner: olga\ninitiative: INI-1\nrank: {rank}\n---\n")
}

/// A history with every kind of result a commit can have: created items, field
/// changes, an unparsable version (a note), a docs page, a change by an outsider.
fn history() -> Repo {
    history_in(Repo::new())
}

/// [`history`] in `repo`, whose first commit also takes what `repo` holds already.
fn history_in(mut repo: Repo) -> Repo {
    repo.write("charter.yaml", CONFIG)
        .write(
            "roadmap/INI-1.md",
            "---\ntitle: Guest checkout\nproduct_manager: pat\nhorizon: now\ntimeframe: 2026-Q4\n---\n",
        )
        .write("backlog/A-1.md", &story("Address form", 1))
        .write("backlog/A-2.md", &story("Card form", 2))
        .write("backlog/drafts/D-1.md", &story("Draft idea", 3))
        .write("docs/guide.md", "# Guide\n\nHow we plan.\n");
    repo.commit(PAT, "Start");
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 4");
    repo.edit("backlog/drafts/D-1.md", "Draft idea", "Draft plan");
    repo.commit(OLGA, "Re-rank");
    repo.write("backlog/A-3.md", "---\ntitle: [\n---\n");
    repo.commit(EVE, "A broken story");
    repo.write("backlog/A-3.md", &story("Receipt", 5));
    repo.edit("docs/guide.md", "How we plan.", "How we plan, and when.");
    repo.commit(OLGA, "Fix the story; the guide");
    repo.edit("roadmap/INI-1.md", "timeframe: 2026-Q4", "timeframe: 2027-Q1");
    repo.commit(PAT, "Slip guest checkout");
    repo.edit("backlog/A-2.md", "rank: 2", "rank: 1");
    repo.commit(EVE, "An outsider re-ranks");
    repo
}

fn build(site: &Path) -> (OutDir, Tree) {
    let out = OutDir::new();
    Charter::build(site, out.out()).arg("--audience").arg("internal").run().code(0);
    let tree = Tree::read(out.out());
    (out, tree)
}

/// The history `roadmap.json` carries, as JSON text.
fn history_of(tree: &Tree) -> String {
    tree.json("roadmap.json")["history"].to_string()
}

/// The cache's files.
fn cache_files(repo: &Repo) -> Vec<PathBuf> {
    let files = std::fs::read_dir(repo.history_cache()).map(|d| d.map(|e| e.unwrap().path()).collect());
    files.unwrap_or_default()
}

/// Builds `site` with whatever cache there is (warm), then without one (cold), then
/// with the cache the cold build wrote: all three the same. The cold output.
#[track_caller]
fn assert_warm_is_cold(repo: &Repo, site: &Path) -> Tree {
    let (_warm, warm) = build(site);
    repo.forget_history_cache();
    let (_cold, cold) = build(site);
    assert!(!cache_files(repo).is_empty(), "a build writes the cache");
    assert_same_tree(&cold, &warm);
    let (_again, again) = build(site);
    assert_same_tree(&cold, &again);
    cold
}

/// What `charter audit` printed and how it ended.
fn audit(repo: &Repo, format: &str) -> (Option<i32>, String, String) {
    let run = Charter::new(["audit"]).arg(repo.site()).arg("--format").arg(format).run();
    (run.code, run.stdout, run.stderr)
}

#[test]
#[ignore = "needs git"]
fn a_warm_build_and_audit_give_what_a_cold_one_does() {
    let repo = history();
    let (_cold, cold) = build(&repo.site());
    let files = cache_files(&repo);
    assert_eq!(files.len(), 1, "one cache file, in the git folder: {files:?}");
    assert!(history_of(&cold).contains("2027-Q1"), "the history is on the pages");
    let (_warm, warm) = build(&repo.site());
    assert_same_tree(&cold, &warm);
    repo.forget_history_cache();
    let (_deleted, deleted) = build(&repo.site());
    assert_same_tree(&cold, &deleted);
    for format in ["human", "json", "github"] {
        repo.forget_history_cache();
        let cold = audit(&repo, format);
        assert_eq!(cold.0, Some(1), "the outsider's re-ranking is an error: {cold:?}");
        assert!(cold.2.contains("does not parse"), "the broken version is a note: {}", cold.2);
        assert_eq!(audit(&repo, format), cold, "--format {format}, warm");
    }
    // A warm run takes each commit's changes from the cache: one changed by hand shows.
    let file = &cache_files(&repo)[0];
    let text = std::fs::read_to_string(file).unwrap();
    std::fs::write(file, text.replace("Guest checkout", "Tampered checkout")).unwrap();
    let (_tampered, tampered) = build(&repo.site());
    assert!(history_of(&tampered).contains("Tampered checkout"), "the warm build read the cache");
}

/// A build's cache does not say where each changed field sits (the pages never show
/// it): an audit after a build reads those commits again, and points at the fields as
/// an audit without the cache does.
#[test]
#[ignore = "needs git"]
fn an_audit_after_a_build_points_at_the_fields_as_a_cold_one() {
    let repo = history();
    let cold = audit(&repo, "json");
    assert!(cold.1.contains("\"line\":"), "the audit's diagnostics have positions: {}", cold.1);
    repo.forget_history_cache();
    build(&repo.site());
    assert_eq!(audit(&repo, "json"), cold, "after a build");
    assert_eq!(audit(&repo, "json"), cold, "warm");
}

#[test]
#[ignore = "needs git"]
fn after_a_new_commit_and_a_rewritten_history_warm_is_cold() {
    let mut repo = history();
    build(&repo.site());
    repo.edit("roadmap/INI-1.md", "horizon: now", "horizon: next");
    repo.commit(OLGA, "Move guest checkout");
    let added = history_of(&assert_warm_is_cold(&repo, &repo.site()));
    assert!(added.contains("\"field\":\"horizon\"") && added.contains("Olga"), "the new commit's change: {added}");
    // The same trees by another author (an amended commit): only the commit tells.
    repo.git(["reset", "-q", "--soft", "HEAD~1"]);
    let amend = repo.commit(PAT, "Move guest checkout, as Pat");
    // An audit of part of the history forgets no entry: the amended commit's is still there.
    let since = |repo: &Repo| {
        let run = Charter::new(["audit"]).arg(repo.site()).arg("--since").arg("HEAD~1").arg("--format").arg("json");
        let run = run.run();
        (run.code, run.stdout)
    };
    let warm = since(&repo);
    repo.forget_history_cache();
    assert_eq!(warm, since(&repo), "Pat moved it: no violation");
    let amended = history_of(&assert_warm_is_cold(&repo, &repo.site()));
    assert!(amended.contains("\"field\":\"horizon\"") && !amended.contains("Olga"), "Pat moved it: {amended}");
    // Two commits dropped and another made in their place (a rebase).
    repo.git(["reset", "-q", "--hard", "HEAD~2"]);
    repo.edit("roadmap/INI-1.md", "timeframe: 2027-Q1", "timeframe: 2027-Q2");
    repo.commit(PAT, "Slip further");
    let rebased = history_of(&assert_warm_is_cold(&repo, &repo.site()));
    assert!(rebased.contains("2027-Q2") && !rebased.contains("horizon"), "the move is gone: {rebased}");
    let cached = || std::fs::read_to_string(&cache_files(&repo)[0]).unwrap();
    assert!(!cached().contains(&amend), "a build forgets the commits it no longer reaches");
    // An audit of part of the history adds to the cache and forgets nothing.
    let first = repo.git(["rev-list", "--max-parents=0", "HEAD"]).trim().to_owned();
    assert!(cached().contains(&first));
    let since = Charter::new(["audit"]).arg(repo.site()).arg("--since").arg("HEAD~1").run();
    assert!(since.code.is_some() && cached().contains(&first), "{since:?}");
}

#[test]
#[ignore = "needs git"]
fn changed_ignore_globs_and_a_renamed_site_folder_warm_is_cold() {
    let mut repo = history();
    let (_all, all) = build(&repo.site());
    assert!(history_of(&all).contains("Draft idea"));
    repo.write("charter.yaml", &format!("{CONFIG}ignore: [\"backlog/drafts/**\"]\n"));
    let ignoring = assert_warm_is_cold(&repo, &repo.site());
    assert!(!history_of(&ignoring).contains("Draft idea"), "ignored files have no history");
    repo.commit(PAT, "Ignore the drafts");
    repo.git(["mv", "site", "portal"]);
    repo.commit(PAT, "Rename the site's folder");
    let renamed = assert_warm_is_cold(&repo, &repo.root().join("portal"));
    assert!(history_of(&renamed).contains("2027-Q1"), "history follows the rename");
}

#[test]
#[ignore = "needs git"]
fn two_sites_of_one_repository_keep_their_own_caches_and_changes() {
    let repo = Repo::new();
    let other = repo.root().join("other");
    let files = [
        ("charter.yaml", CONFIG.replace("Cached site", "Other site")),
        ("roadmap/INI-1.md", "---\ntitle: Other initiative\nproduct_manager: pat\nhorizon: later\n---\n".into()),
    ];
    for (rel, text) in files {
        std::fs::create_dir_all(other.join(rel).parent().unwrap()).unwrap();
        std::fs::write(other.join(rel), text).unwrap();
    }
    let repo = history_in(repo);
    build(&repo.site());
    let first = cache_files(&repo);
    let first_cache = std::fs::read(&first[0]).unwrap();
    build(&other);
    assert_eq!(cache_files(&repo).len(), 2, "a cache file per site");
    assert_eq!(std::fs::read(&first[0]).unwrap(), first_cache, "the other site's build leaves it alone");
    let second = history_of(&assert_warm_is_cold(&repo, &other));
    assert!(second.contains("Other initiative") && !second.contains("Guest"), "only its own changes: {second}");
}

#[test]
#[ignore = "needs git"]
fn a_corrupt_truncated_or_unwritable_cache_gives_the_cold_result() {
    let repo = history();
    let (_cold, cold) = build(&repo.site());
    let file = cache_files(&repo).pop().expect("the cache file");
    let text = std::fs::read(&file).unwrap();
    let foreign = String::from_utf8(text.clone()).unwrap().replacen("\"charter\":\"", "\"charter\":\"0.0.0 ", 1);
    let broken: [(&str, Vec<u8>); 4] = [
        ("corrupt", b"{\"header\": nonsense".to_vec()),
        ("truncated", text[..text.len() / 2].to_vec()),
        ("empty", vec![]),
        ("another charter's", foreign.replace("Guest checkout", "Tampered checkout").into_bytes()),
    ];
    for (what, bytes) in broken {
        std::fs::write(&file, bytes).unwrap();
        let (_out, tree) = build(&repo.site());
        assert_same_tree(&cold, &tree);
        assert_eq!(std::fs::read(&file).unwrap(), text, "a {what} cache is written anew");
    }
    // A file where the cache's folder should be: nothing can be written there.
    repo.forget_history_cache();
    std::fs::write(repo.history_cache(), "not a folder").unwrap();
    let (_out, tree) = build(&repo.site());
    assert_same_tree(&cold, &tree);
    assert_eq!(audit(&repo, "json").0, Some(1));
    assert_eq!(std::fs::read_to_string(repo.history_cache()).unwrap(), "not a folder");
}

/// A repository whose one story was re-ranked from 1 to 2, settled: git's index
/// records the work tree's file as the last commit's version.
fn re_ranked() -> Repo {
    let mut repo = Repo::new();
    repo.write("charter.yaml", CONFIG).write("backlog/A-1.md", &story("Address form", 1));
    repo.commit(OLGA, "Start");
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 2");
    repo.commit(OLGA, "Re-rank");
    repo.settle();
    repo
}

/// The one rank change history reads (before, after), `between` running after its first
/// half looked at the work tree and before `check` reads it.
#[track_caller]
fn rank_change(repo: &Repo, between: impl FnOnce()) -> (Option<String>, Option<String>) {
    use charter::history::{self, Field, Keep, Range};
    let site = repo.site();
    let (config, _) = charter::config::Config::load(&site).unwrap();
    let changed = history::changed(&site, &Range::default(), &Keep::of(&config), history::Locate::No).unwrap();
    between();
    let checked = charter::pipeline::check(&site, &[]).unwrap();
    let history = changed.parse(Some(&checked.site)).unwrap();
    let ranks: Vec<_> = history.changes.iter().filter(|c| c.field == Field::Rank).collect();
    assert_eq!(ranks.len(), 1, "{ranks:#?}");
    (ranks[0].before.clone(), ranks[0].after.clone())
}

#[test]
#[ignore = "needs git"]
fn a_file_edited_after_the_first_half_looked_at_the_index_is_read_from_git() {
    let repo = re_ranked();
    // The first half: git's index records the work tree's A-1.md as rank 2, which is
    // edited before `check` reads it.
    let edit = || {
        repo.edit("backlog/A-1.md", "rank: 2", "rank: 3");
    };
    assert_eq!(rank_change(&repo, edit), (Some("1".into()), Some("2".into())), "the commit's rank");
}

/// A file written in the second git's index was written is "racy": its stat cannot
/// tell an edit made in that second. Here the work tree's A-1.md is edited keeping its
/// size, inode and modification time (the repository trusts no change time), with the
/// index as new as the file: only its content shows the edit, and history must read
/// the committed version from git, not take `check`'s.
#[test]
#[ignore = "needs git"]
fn a_file_edited_keeping_its_stat_is_read_from_git() {
    let repo = re_ranked();
    repo.git(["config", "core.trustCTime", "false"]);
    let file = repo.site().join("backlog/A-1.md");
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    repo.edit("backlog/A-1.md", "rank: 2", "rank: 3");
    std::fs::File::options().write(true).open(&file).unwrap().set_modified(modified).unwrap();
    let index = repo.root().join(".git/index");
    std::fs::File::options().write(true).open(&index).unwrap().set_modified(modified).unwrap();
    assert_eq!(rank_change(&repo, || {}), (Some("1".into()), Some("2".into())), "the commit's rank");
}

/// A run killed between writing the cache's temporary file and renaming it leaves that
/// file behind; the next run that saves the cache removes it once it is an hour old (a
/// run still writing its own is never that old).
#[test]
#[ignore = "needs git"]
fn temporary_files_of_killed_runs_are_removed() {
    let repo = history();
    std::fs::create_dir_all(repo.history_cache()).unwrap();
    let temp = |name: &str, age: u64| {
        let path = repo.history_cache().join(name);
        let file = std::fs::File::create(&path).unwrap();
        file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(age)).unwrap();
        path
    };
    let stale = temp(".history-v1-0badc0de.json.4242.tmp", 2 * 3600);
    let fresh = temp(".history-v1-0badc0de.json.4343.tmp", 60);
    audit(&repo, "json");
    assert!(!stale.exists(), "a temporary file two hours old is left behind");
    assert!(fresh.exists(), "a temporary file a minute old may be a running charter's");
    assert_eq!(cache_files(&repo).len(), 2, "the cache and the fresh temporary file: {:?}", cache_files(&repo));
}

#[test]
#[ignore = "needs git"]
fn a_packed_repository_gives_what_its_loose_objects_give() {
    // A backlog whose tree git stores as deltas once packed: many versions of one large
    // folder, each a few entries from the last, with long chains (git's default depth).
    let mut repo = history();
    for n in 1..=60 {
        repo.write(&format!("backlog/B-{n}.md"), &story(&format!("Backlog story {n}"), 10 + n));
        if n % 3 == 0 {
            repo.edit(
                &format!("backlog/B-{}.md", n / 3),
                &format!("rank: {}", 10 + n / 3),
                &format!("rank: {}", 100 + n),
            );
        }
        repo.commit(if n % 2 == 0 { OLGA } else { EVE }, &format!("Story {n}"));
    }
    let cold = |repo: &Repo| {
        repo.forget_history_cache();
        let (_out, tree) = build(&repo.site());
        repo.forget_history_cache();
        (tree, audit(repo, "json"))
    };
    let (loose, loose_audit) = cold(&repo);
    assert!(history_of(&loose).contains("Backlog story 60"), "the history is on the pages");
    repo.git(["repack", "-q", "-a", "-d", "-f"]);
    let count = repo.git(["count-objects", "-v"]);
    assert!(count.lines().any(|l| l == "count: 0"), "every object is in the pack: {count}");
    let pack = std::fs::read_dir(repo.root().join(".git/objects/pack")).unwrap().map(|e| e.unwrap().path());
    let idx = pack.filter(|p| p.extension().is_some_and(|e| e == "idx")).collect::<Vec<_>>();
    let verify = repo.git([std::ffi::OsStr::new("verify-pack"), "-v".as_ref(), idx[0].as_os_str()]);
    // `id tree size packed offset depth base`: a tree stored as a delta.
    let deltas =
        verify.lines().filter(|l| l.split_whitespace().nth(1) == Some("tree") && l.split_whitespace().count() == 7);
    assert!(deltas.count() >= 40, "the backlog's versions are deltas:\n{verify}");
    let (packed, packed_audit) = cold(&repo);
    assert_same_tree(&loose, &packed);
    assert_eq!(packed_audit, loose_audit);
}

#[test]
#[ignore = "needs git"]
fn a_commit_of_hundreds_of_files_has_each_change_read() {
    use charter::history::{self, Field, Keep, Range};
    // Enough versions in one commit that history reads them on all cores.
    let mut repo = Repo::new();
    repo.write("charter.yaml", CONFIG);
    for n in 1..=400 {
        repo.write(&format!("backlog/C-{n}.md"), &story(&format!("Bulk story {n}"), n));
    }
    repo.commit(OLGA, "Import");
    for n in 1..=400 {
        repo.edit(&format!("backlog/C-{n}.md"), &format!("Bulk story {n}\n"), &format!("Bulk story {n}, revised\n"));
    }
    repo.commit(OLGA, "Revise every title");
    let (config, _) = charter::config::Config::load(&repo.site()).unwrap();
    let changed = history::changed(&repo.site(), &Range::default(), &Keep::of(&config), history::Locate::No).unwrap();
    let history = changed.parse(None).unwrap();
    let mut titles: Vec<_> = history.changes.iter().filter(|c| c.field == Field::Title).collect();
    titles.sort_by_key(|c| c.id[2..].parse::<u32>().unwrap());
    assert_eq!(titles.len(), 400);
    for (n, change) in (1..).zip(titles) {
        let expected = (format!("Bulk story {n}"), format!("Bulk story {n}, revised"));
        assert_eq!((change.before.clone().unwrap(), change.after.clone().unwrap()), expected, "C-{n}");
    }
}
