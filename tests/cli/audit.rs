//! `charter audit` (SPEC §11) over real repositories built with git: each audit rule
//! allowed and refused, co-authors, renames and moves, unparsable versions, merges,
//! name-only identities, sites in a subfolder and at the root, --since / --until,
//! shallow clones, no repository, and the pull-request recipe of the README.
//!
//! The team (see [`CONFIG`]): director `dana` above PM `pat`, above POs `olga` and
//! `oscar`; engineer `eve` (matched by email), `nina` listed by name only.

use crate::support::git::{Repo, run_git};
use crate::support::{Charter, Diag, Run};

const CONFIG: &str = "\
title: Audit site
team:
  - id: dana
    name: Dana Diaz
    roles: [director]
    git: [dana@acme.example]
  - id: pat
    name: Pat Park
    roles: [product_manager]
    reports_to: dana
    git: [pat@acme.example]
  - id: olga
    name: Olga Ortiz
    roles: [product_owner]
    reports_to: pat
    git: [OLGA@acme.example]
  - id: oscar
    name: Oscar Owen
    roles: [product_owner]
    reports_to: pat
    git: [oscar@acme.example]
  - id: eve
    name: Eve Engineer
    roles: [engineer]
    git: [eve@acme.example]
  - id: nina
    name: Nina Noor
    roles: [engineer]
    git: [Nina Noor]
";

const DANA: &str = "Dana Diaz <dana@acme.example>";
const PAT: &str = "Pat Park <pat@acme.example>";
const OLGA: &str = "Olga Ortiz <olga@acme.example>";
const OSCAR: &str = "Oscar Owen <oscar@acme.example>";
const EVE: &str = "Eve Engineer <eve@acme.example>";
const NINA: &str = "Nina Noor <nina@home.example>";

const INITIATIVE: &str = "---\ntitle: Guest checkout\nproduct_manager: pat\nhorizon: now\ntimeframe: 2026-Q4\n---\n";
const STORY_1: &str = "---\ntitle: Address form\nproduct_owner: olga\ninitiative: INI-1\nrank: 1\n---\n";
const STORY_2: &str = "---\ntitle: Card form\nproduct_owner: olga\ninitiative: INI-1\nrank: 2\n---\n";

/// A repository whose first commit, by the PM, holds the config, one initiative and two
/// stories: a clean start.
fn repo() -> Repo {
    let mut repo = Repo::new();
    seed(&mut repo);
    repo
}

fn seed(repo: &mut Repo) {
    repo.write("charter.yaml", CONFIG)
        .write("roadmap/INI-1.md", INITIATIVE)
        .write("backlog/A-1.md", STORY_1)
        .write("backlog/A-2.md", STORY_2);
    repo.commit(PAT, "Start the roadmap");
}

fn audit(repo: &Repo) -> Charter {
    Charter::new(["audit".as_ref(), repo.site().as_os_str()]).json()
}

fn clean(run: &Run) {
    run.code(0);
    assert_eq!(run.diagnostics(), vec![], "{}", run.stderr);
}

/// Asserts the JSON extras of an audit diagnostic: full hash, author, date.
fn from_commit(d: &Diag, commit: &str, author: &str) {
    assert_eq!(d.commit.as_deref(), Some(commit), "{d:#?}");
    assert_eq!(d.author.as_deref(), Some(author), "{d:#?}");
    assert!(d.date.as_deref().is_some_and(|date| date.len() == 10 && date.starts_with("2026-")), "{d:#?}");
    assert!(d.message.contains(&commit[..7]), "the message names the short commit: {}", d.message);
}

#[test]
#[ignore = "needs git"]
fn rank_changed_by_its_owner_is_allowed_and_by_anyone_else_refused() {
    let mut repo = repo();
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 3");
    repo.commit(OLGA, "Olga re-ranks her backlog");
    clean(&audit(&repo).run());

    repo.edit("backlog/A-1.md", "rank: 3", "rank: 1");
    let eve = repo.commit(EVE, "Eve moves her favourite story up");
    let run = audit(&repo).run();
    run.code(1);
    let d = run.single();
    d.at("rank-changed-by-non-owner", "backlog/A-1.md", 5, 7)
        .message_has("story `A-1` from `3` to `1`")
        .message_has("team member `eve`, matched by email")
        .help_has("`olga`");
    from_commit(&d, &eve, EVE);
}

#[test]
#[ignore = "needs git"]
fn roadmap_moves_by_the_pm_or_above_are_allowed_and_by_others_refused() {
    let mut repo = repo();
    repo.edit("roadmap/INI-1.md", "horizon: now", "horizon: next");
    repo.commit(PAT, "PM moves it to next");
    repo.edit("roadmap/INI-1.md", "timeframe: 2026-Q4", "timeframe: 2027-Q1");
    repo.commit(DANA, "The director slips it a quarter");
    clean(&audit(&repo).run());

    repo.edit("roadmap/INI-1.md", "horizon: next", "horizon: later");
    let olga = repo.commit(OLGA, "PO parks it");
    repo.write("roadmap/INI-2.md", "---\ntitle: Wallets\nproduct_manager: pat\nhorizon: later\n---\n");
    let created = repo.commit(EVE, "Engineer adds an initiative");
    let run = audit(&repo).run();
    run.code(1);
    let diagnostics = run.diagnostics();
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
    diagnostics[0]
        .at("roadmap-changed-by-non-pm", "roadmap/INI-1.md", 4, 10)
        .message_has("`horizon` of initiative `INI-1` from `next` to `later`")
        .help_has("pat");
    from_commit(&diagnostics[0], &olga, OLGA);
    diagnostics[1].at("roadmap-changed-by-non-pm", "roadmap/INI-2.md", 1, 1).message_has("created initiative `INI-2`");
    from_commit(&diagnostics[1], &created, EVE);
}

#[test]
#[ignore = "needs git"]
fn deleting_an_initiative_is_the_pms_call() {
    let mut repo = repo();
    std::fs::remove_file(repo.site().join("roadmap/INI-1.md")).unwrap();
    let deleted = repo.commit(OSCAR, "Remove it");
    let run = audit(&repo).run();
    run.code(1);
    let d = run.single();
    d.at("roadmap-changed-by-non-pm", "roadmap/INI-1.md", 1, 1).message_has("deleted initiative `INI-1`");
    from_commit(&d, &deleted, OSCAR);
}

#[test]
#[ignore = "needs git"]
fn a_story_changes_hands_by_its_owners_or_the_initiatives_pm() {
    let mut repo = repo();
    repo.edit("backlog/A-1.md", "product_owner: olga", "product_owner: oscar");
    repo.commit(OLGA, "Olga hands A-1 to Oscar");
    repo.edit("backlog/A-1.md", "product_owner: oscar", "product_owner: olga");
    repo.commit(PAT, "The PM hands it back");
    repo.edit("backlog/A-2.md", "product_owner: olga", "product_owner: oscar");
    repo.commit(OSCAR, "Oscar takes A-2");
    clean(&audit(&repo).run());

    repo.edit("backlog/A-1.md", "product_owner: olga", "product_owner: oscar");
    let eve = repo.commit(EVE, "Eve reassigns");
    let run = audit(&repo).run();
    run.code(1);
    let d = run.single();
    d.at("owner-changed-by-outsider", "backlog/A-1.md", 3, 16).message_has("from `olga` to `oscar`").help_has("pat");
    from_commit(&d, &eve, EVE);
}

#[test]
#[ignore = "needs git"]
fn a_co_author_may_make_the_change() {
    let mut repo = repo();
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 3");
    repo.commit(EVE, "Pairing on the backlog\n\nCo-authored-by: Olga Ortiz <olga@acme.example>");
    clean(&audit(&repo).run());
}

#[test]
#[ignore = "needs git"]
fn unknown_authors_are_named_once_with_their_commits() {
    let mut repo = repo();
    repo.edit("backlog/A-1.md", "title: Address form", "title: Address form v2");
    let first = repo.commit("Mallory <mallory@elsewhere.example>", "Retitle");
    repo.edit("backlog/A-2.md", "title: Card form", "title: Card form v2");
    let second = repo.commit("Mallory <mallory@elsewhere.example>", "Retitle again");
    let run = audit(&repo).run();
    run.code(0);
    let d = run.single();
    d.at("unknown-author", "charter.yaml", 2, 1)
        .message_has("Mallory <mallory@elsewhere.example>")
        .message_has(&format!("2 commits: {}, {}", &second[..7], &first[..7]));
    audit(&repo).arg("--deny-warnings").run().code(1);
}

#[test]
#[ignore = "needs git"]
fn an_author_matched_by_name_only_says_so() {
    let mut repo = repo();
    repo.edit("backlog/A-2.md", "rank: 2", "rank: 5");
    repo.commit(NINA, "Nina re-ranks");
    let run = audit(&repo).run();
    run.code(1);
    run.single().at("rank-changed-by-non-owner", "backlog/A-2.md", 5, 7).message_has("`nina`, matched by name only");
}

#[test]
#[ignore = "needs git"]
fn renaming_or_moving_a_file_is_not_a_change() {
    let mut repo = repo();
    repo.git(["mv", "site/backlog/A-1.md", "site/backlog/address.md"]);
    repo.edit("backlog/address.md", "rank: 1", "id: A-1\nrank: 1");
    repo.commit(EVE, "Rename a story file");
    std::fs::create_dir_all(repo.site().join("roadmap/2026")).unwrap();
    repo.git(["mv", "site/roadmap/INI-1.md", "site/roadmap/2026/INI-1.md"]);
    repo.commit(EVE, "Group initiatives by year");
    clean(&audit(&repo).run());
}

#[test]
#[ignore = "needs git"]
fn an_unparsable_version_is_skipped_with_a_note() {
    let mut repo = repo();
    repo.write("roadmap/INI-1.md", "---\ntitle: [unclosed\nproduct_manager: pat\n---\n");
    let broken = repo.commit(PAT, "Break the YAML");
    repo.write("roadmap/INI-1.md", INITIATIVE);
    repo.commit(EVE, "Fix the YAML");
    let run = audit(&repo).run();
    clean(&run);
    assert!(run.stderr.contains(&format!("note: commit {}: roadmap/INI-1.md", &broken[..7])), "{}", run.stderr);
    assert!(run.stderr.contains("does not parse"), "{}", run.stderr);
}

#[test]
#[ignore = "needs git"]
fn a_merge_counts_only_its_conflict_resolution() {
    let mut repo = repo();
    repo.git(["checkout", "-q", "-b", "feature"]);
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 3");
    repo.commit(OLGA, "Olga on the branch");
    repo.git(["checkout", "-q", "main"]);
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 4");
    repo.commit(OLGA, "Olga on main");
    let merge = repo.merge(EVE, "feature", |r| {
        r.write("backlog/A-1.md", &STORY_1.replace("rank: 1", "rank: 9"));
    });
    let run = audit(&repo).run();
    run.code(1);
    let d = run.single();
    d.at("rank-changed-by-non-owner", "backlog/A-1.md", 5, 7).message_has("from `4` to `9`");
    from_commit(&d, &merge, EVE);

    let mut clean_merge = self::repo();
    clean_merge.git(["checkout", "-q", "-b", "feature"]);
    clean_merge.edit("backlog/A-1.md", "rank: 1", "rank: 3");
    clean_merge.commit(OLGA, "Olga on the branch");
    clean_merge.git(["checkout", "-q", "main"]);
    clean_merge.merge(EVE, "feature", |_| panic!("no conflict expected"));
    clean(&audit(&clean_merge).run());
}

#[test]
#[ignore = "needs git"]
fn a_site_at_the_repository_root_works_too() {
    let mut repo = Repo::with_site("");
    seed(&mut repo);
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 2");
    repo.commit(EVE, "Re-rank");
    let run = audit(&repo).run();
    run.code(1);
    run.single().at("rank-changed-by-non-owner", "backlog/A-1.md", 5, 7);
}

#[test]
#[ignore = "needs git"]
fn files_outside_the_site_are_not_history() {
    let mut repo = repo();
    let other = repo.root().join("other/backlog");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("A-1.md"), STORY_1.replace("rank: 1", "rank: 7")).unwrap();
    repo.commit(EVE, "Another site in the same repository");
    clean(&audit(&repo).run());
}

#[test]
#[ignore = "needs git"]
fn since_and_until_bound_the_commits() {
    let mut repo = repo();
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 3");
    let old = repo.commit(EVE, "An old violation");
    repo.git(["tag", "reviewed"]);
    repo.edit("backlog/A-2.md", "rank: 2", "rank: 4");
    let new = repo.commit(EVE, "A new violation");
    repo.edit("backlog/A-2.md", "rank: 4", "rank: 5");
    repo.commit(EVE, "A newer violation");

    let since = audit(&repo).arg("--since").arg("reviewed").run();
    assert_eq!(since.diagnostics().len(), 2, "only the two commits after the tag");
    let window = audit(&repo).arg("--since").arg("reviewed").arg("--until").arg(&new).run();
    from_commit(&window.single(), &new, EVE);
    let until = audit(&repo).arg("--until").arg(&old).run();
    from_commit(&until.single(), &old, EVE);

    let unknown = audit(&repo).arg("--since").arg("no-such-branch").run();
    unknown.code(2);
    assert!(unknown.stderr.contains("`no-such-branch` names no commit"), "{}", unknown.stderr);
}

#[test]
#[ignore = "needs git"]
fn a_pull_request_is_audited_against_its_base_branch() {
    let mut repo = repo();
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 3");
    repo.commit(EVE, "An old violation already on main");
    repo.git(["checkout", "-q", "-b", "pr"]);
    repo.edit("backlog/A-2.md", "rank: 2", "rank: 6");
    let pr = repo.commit(OSCAR, "Oscar re-ranks Olga's story in a pull request");
    let run = Charter::new(["audit".as_ref(), repo.site().as_os_str()])
        .arg("--since")
        .arg("main")
        .arg("--format")
        .arg("github")
        .run();
    run.code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(
        lines[0].starts_with("::error file=backlog/A-2.md,line=5,col=7,title=rank-changed-by-non-owner::commit "),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains(&pr[..7]));
}

#[test]
#[ignore = "needs git"]
fn a_shallow_clone_starts_history_at_its_boundary() {
    let mut repo = repo();
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 3");
    repo.commit(EVE, "A violation outside the shallow history");
    repo.edit("backlog/A-2.md", "title: Card form", "title: Card payment form");
    repo.commit(OLGA, "The tip");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.root().display());
    run_git(clone.path(), ["clone", "-q", "--depth", "1", url.as_str(), "."], &[]);
    let site = clone.path().join("site");

    let run = Charter::new(["audit".as_ref(), site.as_os_str(), "--format".as_ref(), "json".as_ref()]).run();
    run.code(0);
    assert_eq!(run.diagnostics(), vec![], "the boundary commit creates nothing: history starts there");
    assert!(run.stderr.contains("shallow clone: history starts at commit"), "{}", run.stderr);

    let since = Charter::new(["audit".as_ref(), site.as_os_str(), "--since".as_ref(), "origin/old".as_ref()]).run();
    since.code(2);
    assert!(since.stderr.contains("shallow") && since.stderr.contains("fetch-depth: 0"), "{}", since.stderr);
    let base = run_git(repo.root(), ["rev-parse", "HEAD~1"], &[]);
    let behind = Charter::new(["audit".as_ref(), site.as_os_str(), "--since".as_ref(), base.trim().as_ref()]).run();
    behind.code(2);
    assert!(behind.stderr.contains("fetch-depth: 0"), "{}", behind.stderr);
}

#[test]
#[ignore = "needs git"]
fn rules_severities_are_overridable() {
    let mut repo = Repo::new();
    let config = format!("{CONFIG}rules:\n  rank-changed-by-non-owner: warning\n  unknown-author: off\n");
    repo.write("charter.yaml", &config).write("backlog/A-1.md", STORY_1).write("roadmap/INI-1.md", INITIATIVE);
    repo.commit(PAT, "Start");
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 2");
    repo.commit("Mallory <mallory@elsewhere.example>", "Re-rank");
    let run = audit(&repo).run();
    run.code(0);
    let d = run.single();
    assert_eq!((d.rule.as_str(), d.severity.as_str()), ("rank-changed-by-non-owner", "warning"));
}

#[test]
fn a_site_outside_any_repository_cannot_be_audited() {
    let site = crate::support::Site::new();
    let run = Charter::new(["audit".as_ref(), site.path().as_os_str()]).run();
    run.code(2);
    assert!(run.stderr.contains("is not inside a git repository"), "{}", run.stderr);
}

#[test]
fn git_and_history_keys_are_checked_like_the_others() {
    let config =
        "title: T\nteam:\n  - id: pat\n    name: Pat\n    gti: [pat@acme.example]\nhistory:\n  windows_days: 30\n";
    let run = crate::support::Site::bare().file("charter.yaml", config).check().json().run();
    run.code(1);
    let diagnostics = run.diagnostics();
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
    diagnostics[0].at("unknown-field", "charter.yaml", 5, 5).help_has("did you mean `git`?");
    diagnostics[1].at("unknown-field", "charter.yaml", 7, 3).help_has("did you mean `window_days`?");
    let off = crate::support::Site::new().file("charter.yaml", format!("{}history: false\n", crate::support::CONFIG));
    off.check().json().run().code(0);
}

#[test]
#[ignore = "needs git"]
fn history_follows_the_site_folder_through_a_rename() {
    let mut repo = Repo::with_site("web");
    seed(&mut repo);
    repo.edit("backlog/A-2.md", "rank: 2", "rank: 3");
    let earliest = repo.commit(EVE, "A violation two commits before the move");
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 2");
    let before = repo.commit(EVE, "A violation while the site was in web/");
    repo.git(["mv", "web", "site"]);
    repo.commit(EVE, "Move the site to site/");
    let site = repo.root().join("site");
    let run = Charter::new(["audit".as_ref(), site.as_os_str(), "--format".as_ref(), "json".as_ref()]).run();
    run.code(1);
    // Both commits before the move are read at the folder's old place, not only the
    // move's parent.
    let diagnostics = run.diagnostics();
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
    diagnostics[0].at("rank-changed-by-non-owner", "backlog/A-1.md", 5, 7);
    from_commit(&diagnostics[0], &before, EVE);
    diagnostics[1].at("rank-changed-by-non-owner", "backlog/A-2.md", 5, 7);
    from_commit(&diagnostics[1], &earliest, EVE);
}

/// A second site created beside the first (a new folder, the first one still there) is
/// no rename: its history starts at its creation, without the first site's commits.
#[test]
#[ignore = "needs git"]
fn a_new_site_beside_another_does_not_take_its_history() {
    let mut repo = Repo::with_site("web");
    seed(&mut repo);
    repo.edit("backlog/A-1.md", "rank: 1", "rank: 2");
    repo.commit(EVE, "A violation in the first site");
    for (rel, text) in [("charter.yaml", CONFIG), ("roadmap/INI-1.md", INITIATIVE), ("backlog/A-1.md", STORY_1)] {
        let path = repo.root().join("site").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    repo.commit(PAT, "Start a second site");
    let site = repo.root().join("site");
    let run = Charter::new(["audit".as_ref(), site.as_os_str(), "--format".as_ref(), "json".as_ref()]).run();
    clean(&run);
    let first = Charter::new(["audit".as_ref(), repo.site().as_os_str(), "--format".as_ref(), "json".as_ref()]).run();
    first.code(1);
    first.single().at("rank-changed-by-non-owner", "backlog/A-1.md", 5, 7);
}

#[test]
#[ignore = "needs git"]
fn the_demo_history_of_the_example_site_has_one_violation() {
    let dest = tempfile::tempdir().unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/demo_history.sh");
    let status = std::process::Command::new("bash").arg(script).arg(dest.path()).output().expect("run bash");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let site = dest.path().join("example-site");
    let run = Charter::new(["audit".as_ref(), site.as_os_str(), "--format".as_ref(), "json".as_ref()]).run();
    run.code(1);
    run.single()
        .at("roadmap-changed-by-non-pm", "roadmap/checkout/guest-checkout.md", 6, 12)
        .message_has("Grace Lindqvist")
        .message_has("`timeframe` of initiative `guest-checkout` from `2026-Q3`");
}

#[test]
#[ignore = "needs git"]
fn a_config_the_audit_cannot_read_well_is_reported_but_not_checks_other_rules() {
    let mut repo = Repo::new();
    let config = CONFIG.replace("    git: [eve@acme.example]\n", "    git: eve@acme.example\n");
    repo.write("charter.yaml", &config).write("roadmap/INI-1.md", INITIATIVE).write("backlog/A-1.md", STORY_1);
    repo.write("roadmap/EMPTY.md", "---\ntitle: Empty\nproduct_manager: pat\nhorizon: now\n---\n");
    repo.commit(PAT, "Start");
    let run = audit(&repo).run();
    run.code(1);
    let d = run.single();
    d.at("config-invalid", "charter.yaml", 25, 10).message_has("`git` must be a list");
    assert_eq!(d.commit, None, "not about a commit");
}
