//! Incremental correctness: after every step of a long, seeded sequence of edits,
//! adds, deletes, renames, editor-style saves and breakages, the incremental session
//! (what `serve` and `build --watch` run) gives exactly what a clean build gives.

use crate::support::Rng;
use charter::cmd::build::{Rendered, render_site};
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

/// One random change to the site; returns what it did and the paths it touched.
fn step(root: &Path, rng: &mut Rng, n: usize) -> (String, Vec<PathBuf>) {
    let stories = markdown_files(root, "backlog");
    let initiatives = markdown_files(root, "roadmap");
    let docs = markdown_files(root, "docs");
    let pick = |rng: &mut Rng, files: &[PathBuf]| files[rng.below(files.len())].clone();
    let read = |p: &Path| fs::read_to_string(p).unwrap_or_default();
    let write = |p: &Path, text: &str| fs::write(p, text).expect("write site file");
    match rng.below(12) {
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
        7 => {
            let p = pick(rng, &stories);
            fs::remove_file(&p).expect("delete story");
            (format!("delete {}", p.display()), vec![p])
        }
        8 => {
            let p = pick(rng, &stories);
            let to = p.with_file_name(format!("REN-{n}.md"));
            fs::rename(&p, &to).expect("rename story");
            (format!("rename {} to {}", p.display(), to.display()), vec![p, to])
        }
        9 => {
            let p = pick(rng, &docs);
            write(&p, &format!("{}\nAn added paragraph {n}.\n", read(&p)));
            (format!("append to {}", p.display()), vec![p])
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

/// What a clean `charter build` of the same files gives.
enum CleanBuild {
    Built(std::collections::BTreeMap<String, std::sync::Arc<[u8]>>, Vec<charter::diag::Diagnostic>),
    Failed(Vec<charter::diag::Diagnostic>),
}

fn clean_build(args: &BuildArgs) -> CleanBuild {
    match render_site(args).expect("the site can be read") {
        Rendered::Site(output, diags) => CleanBuild::Built(output.files, diags),
        Rendered::Failed(diags) => CleanBuild::Failed(diags),
    }
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
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("site")).expect("site folder");
    let root = dir.path().join("site").canonicalize().expect("canonical site");
    super::support::copy_dir(&super::support::example_site(), &root);
    let out = root.join("public");
    let args = BuildArgs { site: root.clone(), out: out.clone(), audience, base_url: None, deny_warnings: false };
    let mut session = Session::new(args.clone());
    assert!(matches!(session.rebuild(&session::Changes::All).expect("first build"), Outcome::Built(..)));
    let mut rng = Rng(0x5eed);
    for n in 0..60 {
        let (what, paths) = step(&root, &mut rng, n);
        let Some(changes) = session::changes(&root, &out, paths) else { continue };
        let incremental = session.rebuild(&changes).expect("rebuild");
        match (incremental, clean_build(&args)) {
            (Outcome::Built(output, warnings), CleanBuild::Built(clean, clean_warnings)) => {
                let differing: std::collections::BTreeSet<&String> =
                    clean.keys().chain(output.files.keys()).filter(|k| clean.get(*k) != output.files.get(*k)).collect();
                assert!(
                    differing.is_empty(),
                    "step {n} ({what}): these files differ from a clean build: {differing:?}"
                );
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
}
