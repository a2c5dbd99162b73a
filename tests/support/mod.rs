//! The harness: runs the real `charter` binary on a fixture site or on a temporary
//! site built file by file, and reads back its exit code, output and diagnostics.
//!
//! Every run is checked for what must never happen whatever the input: a panic, or an
//! exit code other than 0, 1 or 2.

pub mod git;
pub mod lsp;
pub mod output;
pub mod serve;

use serde::Deserialize;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

/// A watchdog, not a performance check: a hung run fails instead of hanging the suite.
const WATCHDOG: Duration = Duration::from_secs(120);

/// A small valid charter.yaml: product manager `pat`, product owner `olga` (reporting to
/// pat), stakeholder `sam`, and sprint `S1`.
pub const CONFIG: &str = "\
title: Test site
team:
  - id: pat
    name: Pat Park
    roles: [product_manager]
  - id: olga
    name: Olga Ortiz
    roles: [product_owner]
    reports_to: pat
  - id: sam
    name: Sam Stone
    roles: [stakeholder]
sprints:
  - id: S1
    start: 2026-01-05
    end: 2026-01-18
";

/// "Today" for every build of the tests (2026-11-20, inside the example site's sprint
/// 2026-S21), so which sprints are finished does not depend on the clock.
pub const SOURCE_DATE_EPOCH: &str = "1795132800";

/// A temporary folder to build into: `out()` does not exist until a build writes it,
/// and nothing else is in its parent, so leftovers beside it show.
pub struct OutDir {
    parent: TempDir,
}

impl OutDir {
    pub fn new() -> OutDir {
        OutDir { parent: tempfile::tempdir().expect("create a temporary folder") }
    }

    /// The output folder.
    pub fn out(&self) -> PathBuf {
        self.parent.path().join("out")
    }

    /// The names in the output's parent folder (`out` once a build succeeded).
    pub fn siblings(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.parent.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// The folder of a fixture site under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The repository's example site.
pub fn example_site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site")
}

/// A site in a temporary folder, deleted when dropped.
pub struct Site {
    dir: TempDir,
    /// The site folder: `dir` unless [`Site::inside`] moved it to a subfolder.
    path: PathBuf,
}

impl Site {
    /// A site with the standard [`CONFIG`].
    pub fn new() -> Site {
        Site::bare().file("charter.yaml", CONFIG)
    }

    /// An empty folder: no charter.yaml.
    pub fn bare() -> Site {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        Site { path: dir.path().to_path_buf(), dir }
    }

    /// The site is the subfolder `rel` of this temporary folder (a repository that
    /// holds its site in a subfolder).
    pub fn inside(mut self, rel: &str) -> Site {
        self.path = self.dir.path().join(rel);
        std::fs::create_dir_all(&self.path).unwrap();
        self
    }

    /// The temporary folder that holds the site.
    pub fn folder(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (any bytes), creating its folders.
    pub fn file(self, rel: &str, contents: impl AsRef<[u8]>) -> Site {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        self
    }

    /// Creates a folder.
    pub fn dir(self, rel: &str) -> Site {
        std::fs::create_dir_all(self.path().join(rel)).unwrap();
        self
    }

    /// Creates a symbolic link at `rel` pointing to `target` (written as given).
    #[cfg(unix)]
    pub fn symlink(self, rel: &str, target: impl AsRef<Path>) -> Site {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, path).unwrap();
        self
    }

    /// The site folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `charter check` on this site.
    pub fn check(&self) -> Charter {
        Charter::check(self.path())
    }

    /// `charter build` of this site into `out`.
    pub fn build(&self, out: impl AsRef<Path>) -> Charter {
        Charter::build(self.path(), out)
    }
}

/// One run of the binary, built fluently: `Charter::check(site).json().run()`.
pub struct Charter {
    cmd: assert_cmd::Command,
}

impl Charter {
    /// `charter ARGS...`, with colour left to the binary's own rules (NO_COLOR unset).
    pub fn new<I, S>(args: I) -> Charter
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = assert_cmd::Command::cargo_bin("charter").expect("the charter binary is built");
        cmd.args(args).env_remove("NO_COLOR").timeout(WATCHDOG);
        Charter { cmd }
    }

    /// `charter check SITE`, with a fixed [`SOURCE_DATE_EPOCH`] (the forecast rules judge
    /// sprints against today).
    pub fn check(site: impl AsRef<Path>) -> Charter {
        Charter::new([OsStr::new("check"), site.as_ref().as_os_str()]).env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    }

    /// `charter build SITE --out OUT`, with a fixed [`SOURCE_DATE_EPOCH`].
    pub fn build(site: impl AsRef<Path>, out: impl AsRef<Path>) -> Charter {
        let args = [OsStr::new("build"), site.as_ref().as_os_str(), OsStr::new("--out"), out.as_ref().as_os_str()];
        Charter::new(args).env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    }

    /// Adds an argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Charter {
        self.cmd.arg(arg);
        self
    }

    /// `--format json`.
    pub fn json(self) -> Charter {
        self.arg("--format").arg("json")
    }

    /// Runs in this working folder (by default the package's, which has `themes/`).
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Charter {
        self.cmd.current_dir(dir);
        self
    }

    /// Sets an environment variable for the run.
    pub fn env(mut self, key: &str, value: &str) -> Charter {
        self.cmd.env(key, value);
        self
    }

    /// Runs the binary and checks it neither panicked nor left the 0 / 1 / 2 contract.
    pub fn run(mut self) -> Run {
        let output = self.cmd.output().expect("run charter");
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        };
        assert!(!run.stderr.contains("panicked"), "charter panicked:\n{}", run.stderr);
        assert!(matches!(run.code, Some(0..=2)), "exit code {:?} (killed by the watchdog?)\n{run:?}", run.code);
        run
    }
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    /// `None` when killed by a signal (or the watchdog).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// One diagnostic as `--format json` prints it; unknown or missing fields fail the parse.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diag {
    pub rule: String,
    pub severity: String,
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub help: String,
    /// `charter audit` only: the commit's full hash, its author and date (SPEC §6).
    #[serde(default)]
    pub commit: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    diagnostics: Vec<Diag>,
    errors: usize,
    warnings: usize,
}

impl Run {
    /// Asserts the exit code.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Run {
        assert_eq!(self.code, Some(code), "unexpected exit code\n{self:?}");
        self
    }

    /// The diagnostics of a `--format json` run, after checking the counts add up.
    #[track_caller]
    pub fn diagnostics(&self) -> Vec<Diag> {
        let report: Report = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("stdout is not the JSON report ({err}):\n{}", self.stdout));
        let count = |severity: &str| report.diagnostics.iter().filter(|d| d.severity == severity).count();
        assert_eq!(report.errors, count("error"), "errors count");
        assert_eq!(report.warnings, count("warning"), "warnings count");
        report.diagnostics
    }

    /// The only diagnostic of a `--format json` run.
    #[track_caller]
    pub fn single(&self) -> Diag {
        let mut diagnostics = self.diagnostics();
        assert_eq!(diagnostics.len(), 1, "expected exactly one diagnostic: {diagnostics:#?}");
        diagnostics.remove(0)
    }
}

impl Diag {
    /// Asserts rule, file, line and column at once.
    #[track_caller]
    pub fn at(&self, rule: &str, file: &str, line: usize, column: usize) -> &Diag {
        let found = (self.rule.as_str(), self.file.as_str(), self.line, self.column);
        assert_eq!(found, (rule, file, line, column), "{self:#?}");
        self
    }

    /// Asserts the message contains `text`.
    #[track_caller]
    pub fn message_has(&self, text: &str) -> &Diag {
        assert!(self.message.contains(text), "message {:?} lacks {text:?}", self.message);
        self
    }

    /// Asserts the help line contains `text`.
    #[track_caller]
    pub fn help_has(&self, text: &str) -> &Diag {
        assert!(self.help.contains(text), "help {:?} lacks {text:?}", self.help);
        self
    }
}

/// splitmix64: a tiny seeded PRNG, so a random sequence is the same on every run and
/// machine and a failure names the seed that reproduces it.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True half of the time.
    pub fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

impl Site {
    /// A temporary copy of a site folder (symbolic links are copied as links).
    pub fn copy_of(from: &Path) -> Site {
        let site = Site::bare();
        copy_dir(from, site.path());
        site
    }
}

/// Copies a folder tree (symbolic links are copied as links).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_dir(&source, &target);
        } else if kind.is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(std::fs::read_link(&source).unwrap(), &target).unwrap();
        } else {
            std::fs::copy(&source, &target).unwrap();
        }
    }
}
