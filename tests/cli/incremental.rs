//! Incremental correctness: after every step of a long, seeded sequence of edits,
//! adds, deletes, renames, editor-style saves and breakages, the incremental session
//! (what `serve` and `build --watch` run) gives exactly what a clean build gives.

use crate::support::Rng;
use charter::cmd::build::{Rendered, render_site};
use charter::diag::Diagnostic;
use charter::session::{self, BuildArgs, Outcome, Session};
use std::fs;
use std::path::{Path, PathBuf};

fn markdown_files(root: &Path, section: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join(section))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && !p.ends_with("_index.md")
                && !p.to_string_lossy().contains("archive")
        })
        .collect();
    files.sort();
    files
}

/// Replaces (or adds) a front-matter line `key: value`.
fn set_field(text: &str, key: &str, value: &str) -> String {
    let prefix = format!("{key}:");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    match lines.iter().position(|l| l.starts_with(&prefix)) {
        Some(i) => lines[i] = format!("{key}: {value}"),
        None => lines.insert(1, format!("{key}: {value}")),
    }
    lines.join("\n") + "\n"
}

fn field(text: &str, key: &str) -> Option<String> {
    let prefix = format!("{key}: ");
    text.lines().find_map(|l| l.strip_prefix(&prefix)).map(str::to_owned)
}

fn delete(p: PathBuf) -> (String, Vec<PathBuf>) {
    fs::remove_file(&p).expect("delete story");
    (format!("delete {}", p.display()), vec![p])
}

fn rename(p: PathBuf, n: usize) -> (String, Vec<PathBuf>) {
    let to = p.with_file_name(format!("REN-{n}.md"));
    fs::rename(&p, &to).expect("rename story");
    (format!("rename {} to {}", p.display(), to.display()), vec![p, to])
}

/// One random change to the site; returns what it did and the paths it touched.
fn step(root: &Path, rng: &mut Rng, n: usize) -> (String, Vec<PathBuf>) {
    let stories = markdown_files(root, "backlog");
    let initiatives = markdown_files(root, "roadmap");
    let docs = markdown_files(root, "docs");
    let pick = |rng: &mut Rng, files: &[PathBuf]| files[rng.below(files.len())].clone();
    let read = |p: &Path| fs::read_to_string(p).unwrap_or_default();
    let write = |p: &Path, text: &str| fs::write(p, text).expect("write site file");
    match rng.below(16) {
        0 | 1 => {
            let p = pick(rng, &stories);
            write(&p, &set_field(&read(&p), "title", &format!("Edited story title {n}")));
            (format!("retitle {}", p.display()), vec![p])
        }
        2 => {
            let p = pick(rng, &stories);
            write(&p, &set_field(&read(&p), "estimate", &(rng.below(13)).to_string()));
            (format!("re-estimate {}", p.display()), vec![p])
        }
        3 => {
            let p = pick(rng, &stories);
            let status = ["backlog", "ready", "in-progress", "done", "dropped"][rng.below(5)];
            write(&p, &set_field(&read(&p), "status", status));
            (format!("status {status} on {}", p.display()), vec![p])
        }
        4 => {
            let p = pick(rng, &initiatives);
            write(&p, &set_field(&read(&p), "title", &format!("Edited initiative {n}")));
            (format!("retitle {}", p.display()), vec![p])
        }
        5 => {
            let (p, target) = (pick(rng, &stories), pick(rng, &initiatives));
            let id = field(&read(&target), "id")
                .unwrap_or_else(|| target.file_stem().unwrap_or_default().to_string_lossy().into_owned());
            write(&p, &set_field(&read(&p), "initiative", &id));
            (format!("move {} to {id}", p.display()), vec![p])
        }
        6 => {
            let template = read(&pick(rng, &stories));
            let p = root.join(format!("backlog/NEW-{n}.md"));
            let text =
                set_field(&set_field(&template, "title", &format!("New story {n}")), "rank", &(500 + n).to_string());
            write(&p, &text);
            (format!("add {}", p.display()), vec![p])
        }
        7 => delete(pick(rng, &stories)),
        8 => rename(pick(rng, &stories), n),
        9 => {
            let p = pick(rng, &docs);
            write(&p, &format!("{}\nAn added paragraph {n}.\n", read(&p)));
            (format!("append to {}", p.display()), vec![p])
        }
        12 => {
            // Reorders a backlog: the kept rows of the backlog page move.
            let p = pick(rng, &stories);
            write(&p, &set_field(&read(&p), "rank", &(1 + rng.below(9)).to_string()));
            (format!("re-rank {}", p.display()), vec![p])
        }
        13 => {
            // Moves the row to another owner's backlog.
            let p = pick(rng, &stories);
            let owner = ["bob", "eve", "dan", "farid"][rng.below(4)];
            write(&p, &set_field(&read(&p), "product_owner", owner));
            (format!("owner {owner} of {}", p.display()), vec![p])
        }
        14 => {
            // Done in another month: the changelog entry moves between months.
            let p = pick(rng, &stories);
            let date = format!("2026-0{}-1{}", 1 + rng.below(9), rng.below(10));
            write(&p, &set_field(&set_field(&read(&p), "status", "done"), "done_on", &date));
            (format!("done on {date}: {}", p.display()), vec![p])
        }
        15 => {
            let p = pick(rng, &docs);
            toggle_attachment(root, &p);
            (format!("toggle an attachment link in {}", p.display()), vec![p])
        }
        10 => {
            let p = pick(rng, &stories);
            let original = read(&p);
            write(&p, &original.replacen("title:", "title: [unclosed", 1));
            (format!("break YAML of {}", p.display()), vec![p])
        }
        _ => {
            // An editor's safe save: write a temporary file, then rename it over the original.
            let p = pick(rng, &stories);
            let temp = p.with_file_name(format!(".{}.swp", p.file_name().unwrap_or_default().to_string_lossy()));
            let text = read(&p).replace("title: [unclosed", "title:");
            write(&temp, &set_field(&text, "title", &format!("Saved by rename {n}")));
            fs::rename(&temp, &p).expect("rename temp file over the story");
            (format!("safe-save {}", p.display()), vec![temp, p])
        }
    }
}

/// Links an attachment that no other page links from the page `p`, or stops linking
/// it: the published assets change, so the output gains or loses a file.
fn toggle_attachment(root: &Path, p: &Path) {
    let text = fs::read_to_string(p).unwrap_or_default();
    let rel = p.strip_prefix(root).expect("in the site").to_string_lossy().replace('\\', "/");
    let link = format!("\n[The screenshot]({})\n", charter::links::relative(&rel, "docs/guide/img/changes-page.png"));
    let text = if text.contains(&link) { text.replace(&link, "") } else { format!("{text}{link}") };
    fs::write(p, text).expect("write site file");
}

/// What a clean `charter build` of the same files gives.
enum CleanBuild {
    Built(std::collections::BTreeMap<std::sync::Arc<str>, std::sync::Arc<[u8]>>, Vec<charter::diag::Diagnostic>),
    Failed(Vec<charter::diag::Diagnostic>),
}

fn clean_build(args: &BuildArgs) -> CleanBuild {
    match render_site(args).expect("the site can be read") {
        Rendered::Site(output, diags) => CleanBuild::Built(output.files, diags),
        Rendered::Failed(diags) => CleanBuild::Failed(diags),
    }
}

/// A copy of the example site in a temporary folder (deleted with the `TempDir`), its
/// output folder and the build arguments for it.
fn example_copy(audience: Option<charter::model::Audience>) -> (tempfile::TempDir, PathBuf, PathBuf, BuildArgs) {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("site")).expect("site folder");
    let root = dir.path().join("site").canonicalize().expect("canonical site");
    super::support::copy_dir(&super::support::example_site(), &root);
    let out = root.join("public");
    let args = BuildArgs { site: root.clone(), out: out.clone(), audience, base_url: None, deny_warnings: false };
    (dir, root, out, args)
}

#[test]
fn incremental_rebuilds_equal_clean_builds_after_every_step() {
    rebuilds_equal_clean_builds(None);
}

/// The same in a public build: list pages and data files kept from one render to the
/// next never bring back an internal item.
#[test]
fn public_incremental_rebuilds_equal_clean_builds_after_every_step() {
    rebuilds_equal_clean_builds(Some(charter::model::Audience::Public));
}

fn rebuilds_equal_clean_builds(audience: Option<charter::model::Audience>) {
    let (_dir, root, out, args) = example_copy(audience);
    let mut session = Session::new(args.clone());
    assert!(matches!(session.rebuild(&session::Changes::All).expect("first build"), Outcome::Built(..)));
    let mut rng = Rng(0x5eed);
    for n in 0..60 {
        let (what, paths) = step(&root, &mut rng, n);
        let Some(changes) = session::changes(&root, &out, paths) else { continue };
        let incremental = session.rebuild(&changes).expect("rebuild");
        assert_clean(incremental, &args, n, &what);
    }
}

/// Linking an attachment no other page links, then unlinking it: the output gains and
/// loses a file, so the incremental render cannot keep the last output's paths.
#[test]
fn linking_and_unlinking_an_attachment_rebuilds_equal_clean_builds() {
    let (_dir, root, out, args) = example_copy(None);
    let mut session = Session::new(args.clone());
    assert!(matches!(session.rebuild(&session::Changes::All).expect("first build"), Outcome::Built(..)));
    let page = root.join("docs/guide/rules.md");
    for n in 0..2 {
        toggle_attachment(&root, &page);
        let changes = session::changes(&root, &out, [page.clone()]).expect("a content change");
        let incremental = session.rebuild(&changes).expect("rebuild");
        let Outcome::Built(output, _) = &incremental else { panic!("step {n}: the edit did not build") };
        assert_eq!(output.files.contains_key("docs/guide/img/changes-page.png"), n == 0, "step {n}");
        assert_clean(incremental, &args, n, "toggle an attachment link");
    }
}

/// Asserts that `incremental` is what a clean build gives, diagnostics included.
fn assert_clean(incremental: Outcome, args: &BuildArgs, n: usize, what: &str) {
    match (incremental, clean_build(args)) {
        (Outcome::Built(output, warnings), CleanBuild::Built(clean, clean_warnings)) => {
            let differing: std::collections::BTreeSet<&std::sync::Arc<str>> =
                clean.keys().chain(output.files.keys()).filter(|k| clean.get(*k) != output.files.get(*k)).collect();
            assert!(differing.is_empty(), "step {n} ({what}): these files differ from a clean build: {differing:?}");
            assert_eq!(warnings, clean_warnings, "step {n} ({what}): warnings differ");
        }
        (Outcome::Failed(errors), CleanBuild::Failed(clean_errors)) => {
            assert_eq!(errors, clean_errors, "step {n} ({what}): diagnostics differ");
        }
        (Outcome::Built(..), CleanBuild::Failed(errors)) => {
            panic!("step {n} ({what}): incremental built, clean build failed: {errors:?}")
        }
        (Outcome::Failed(errors), CleanBuild::Built(..)) => {
            panic!("step {n} ({what}): incremental failed, clean build built: {errors:?}")
        }
    }
}

/// Replaces the `roles:` line of the team member `id` in charter.yaml.
fn set_roles(config: &str, id: &str, roles: &str) -> String {
    let mut lines: Vec<String> = config.lines().map(str::to_owned).collect();
    let start = lines.iter().position(|l| l.trim() == format!("- id: {id}")).unwrap_or(lines.len());
    if let Some(i) = (start..lines.len()).find(|&i| lines[i].trim_start().starts_with("roles:")) {
        lines[i] = format!("    roles: [{roles}]");
    }
    lines.join("\n") + "\n"
}

/// The id of a story or initiative file (its stem, or its `id:`).
fn id_of(path: &Path) -> String {
    field(&fs::read_to_string(path).unwrap_or_default(), "id")
        .unwrap_or_else(|| path.file_stem().unwrap_or_default().to_string_lossy().into_owned())
}

/// One random edit of what rules read across files: owners, ranks, initiatives,
/// dependencies, visibility, links and the headings they name, files and ids added,
/// removed or renamed, and the team. Returns what it did and the paths it touched.
fn cross_file_step(root: &Path, rng: &mut Rng, n: usize) -> (String, Vec<PathBuf>) {
    let stories = markdown_files(root, "backlog");
    let initiatives = markdown_files(root, "roadmap");
    let pages: Vec<PathBuf> =
        [&stories, &initiatives, &markdown_files(root, "docs")].into_iter().flatten().cloned().collect();
    let pick = |rng: &mut Rng, files: &[PathBuf]| files[rng.below(files.len())].clone();
    let read = |p: &Path| fs::read_to_string(p).unwrap_or_default();
    let write = |p: &Path, text: &str| fs::write(p, text).expect("write site file");
    let edit = |p: PathBuf, key: &str, value: &str| {
        write(&p, &set_field(&read(&p), key, value));
        (format!("{key}: {value} in {}", p.display()), vec![p])
    };
    let people = ["bob", "eve", "farid", "dan", "alice", "nobody"];
    match rng.below(16) {
        0 => edit(pick(rng, &stories), "product_owner", people[rng.below(people.len())]),
        1 => edit(pick(rng, &stories), "rank", &(1 + rng.below(4)).to_string()),
        2 => {
            let id = if rng.below(4) == 0 { "no-such-initiative".to_owned() } else { id_of(&pick(rng, &initiatives)) };
            edit(pick(rng, &stories), "initiative", &id)
        }
        3 => edit(pick(rng, &stories), "status", ["backlog", "ready", "in-progress", "done", "dropped"][rng.below(5)]),
        4 => {
            // Among a few stories, so that cycles come and go.
            let few = &stories[..4.min(stories.len())];
            let deps = if rng.below(4) == 0 { String::new() } else { id_of(&pick(rng, few)) };
            edit(pick(rng, few), "depends_on", &format!("[{deps}]"))
        }
        5 => {
            let files = if rng.coin() { &stories } else { &initiatives };
            edit(pick(rng, files), "visibility", ["internal", "public"][rng.below(2)])
        }
        6 => {
            let (from, to) = (pick(rng, &pages), pick(rng, &pages));
            let rel = |p: &Path| p.strip_prefix(root).expect("in the site").to_string_lossy().replace('\\', "/");
            let link = charter::links::relative(&rel(&from), &rel(&to));
            let text = format!("{}\nSee [another page]({link}#anchor-{}).\n", read(&from), rng.below(3));
            write(&from, &text);
            (format!("link {} to {link}", from.display()), vec![from])
        }
        7 => {
            let p = pick(rng, &pages);
            let heading = format!("## Anchor {}", rng.below(3));
            let text = read(&p);
            let text = match text.contains(&heading) {
                true => text.replace(&heading, "Not a heading"),
                false => format!("{text}\n{heading}\n"),
            };
            write(&p, &text);
            (format!("toggle `{heading}` in {}", p.display()), vec![p])
        }
        8 => {
            let owners = format!("[{}]", people[rng.below(3)]);
            edit(pick(rng, &initiatives), "product_owners", &owners)
        }
        9 => {
            let (key, values) = match rng.below(3) {
                0 => ("status", &["planned", "in-progress", "shipped"][..]),
                1 => ("horizon", &["now", "next", "later"][..]),
                _ => ("timeframe", &["2026-Q4", "2027-Q1", "2030"][..]),
            };
            edit(pick(rng, &initiatives), key, values[rng.below(values.len())])
        }
        10 => {
            let template = read(&pick(rng, &stories));
            let p = root.join(format!("backlog/ADD-{n}.md"));
            write(&p, &set_field(&template, "title", &format!("Added story {n}")));
            (format!("add {}", p.display()), vec![p])
        }
        11 => delete(pick(rng, &stories)),
        12 => rename(pick(rng, &stories), n),
        13 => {
            let id = if rng.coin() { id_of(&pick(rng, &stories)) } else { format!("SET-{n}") };
            edit(pick(rng, &stories), "id", &id)
        }
        14 => {
            let p = root.join("charter.yaml");
            let roles = ["product_owner", "stakeholder", "product_manager, product_owner"][rng.below(3)];
            let who = people[rng.below(4)];
            write(&p, &set_roles(&read(&p), who, roles));
            (format!("roles of {who}: {roles}"), vec![p])
        }
        _ => {
            let p = pick(rng, &stories);
            let text = read(&p);
            let text = match text.contains("title: [unclosed") {
                true => text.replace("title: [unclosed", "title:"),
                false => text.replacen("title:", "title: [unclosed", 1),
            };
            write(&p, &text);
            (format!("break or mend the YAML of {}", p.display()), vec![p])
        }
    }
}

/// What a fresh session (a full check) finds in the site.
fn full_check(args: &BuildArgs) -> Vec<Diagnostic> {
    let mut session = Session::new(args.clone());
    session.reload(&session::Changes::All).expect("the site can be read");
    session.check().expect("the site can be checked").1
}

#[test]
fn incremental_checks_equal_full_checks_after_every_step() {
    let (_dir, root, out, args) = example_copy(None);
    let mut session = Session::new(args.clone());
    session.reload(&session::Changes::All).expect("first read");
    session.check().expect("first check");
    let mut rng = Rng(0xc0ffee);
    let mut findings = std::collections::BTreeSet::new();
    for n in 0..250 {
        let (what, paths) = cross_file_step(&root, &mut rng, n);
        let Some(changes) = session::changes(&root, &out, paths) else { continue };
        session.reload(&changes).expect("reload");
        let incremental = session.check().expect("check").1;
        let full = full_check(&args);
        let only =
            |a: &[Diagnostic], b: &[Diagnostic]| a.iter().filter(|d| !b.contains(d)).cloned().collect::<Vec<_>>();
        assert!(
            incremental == full,
            "step {n} ({what}): diagnostics differ from a full check; only incremental: {:#?}; only full: {:#?}",
            only(&incremental, &full),
            only(&full, &incremental)
        );
        findings.extend(incremental.iter().map(|d| d.rule.id()));
    }
    // The edits reached the cross-file rules.
    for rule in ["unknown-person", "duplicate-rank", "broken-anchor", "visibility-leak", "dependency-cycle"] {
        assert!(findings.contains(rule), "no step made a {rule} finding: {findings:?}");
    }
}
