//! Real git repositories for the history and audit tests, built with the `git` program
//! (tests that use it are `#[ignore = "needs git"]`; `.ci/run` installs git).
//!
//! Every commit gets a fixed author (given), a fixed committer and a date one day after
//! the previous commit's, so hashes and dates are the same on every run. No global or
//! system git config is read.

use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// The author date of the first commit: 2026-09-01 12:00 UTC.
const FIRST_COMMIT: i64 = 1_788_264_000;

/// A temporary repository whose site lives in a subfolder (`site/` unless told).
pub struct Repo {
    /// The folder, when the repository owns it (see [`Repo::at`]).
    _dir: Option<TempDir>,
    root: PathBuf,
    site: String,
    commits: i64,
}

impl Repo {
    /// An empty repository on branch `main`, with the site in `site/`.
    pub fn new() -> Repo {
        Repo::with_site("site")
    }

    /// An empty repository with the site at `site` ("" for the repository's root).
    pub fn with_site(site: &str) -> Repo {
        let dir = tempfile::tempdir().expect("temporary folder");
        let repo = Repo { root: dir.path().to_path_buf(), _dir: Some(dir), site: site.into(), commits: 0 };
        repo.git(["init", "-q", "-b", "main", "."]);
        repo
    }

    /// An empty repository in a folder someone else owns (a served site), with the
    /// site at `site` ("" for the root).
    pub fn at(folder: &Path, site: &str) -> Repo {
        let repo = Repo { _dir: None, root: folder.to_path_buf(), site: site.into(), commits: 0 };
        repo.git(["init", "-q", "-b", "main", "."]);
        repo
    }

    /// The repository's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The site's folder.
    pub fn site(&self) -> PathBuf {
        self.root().join(&self.site)
    }

    /// Writes a file of the site (path relative to the site), creating its folders.
    pub fn write(&self, rel: &str, text: &str) -> &Repo {
        let path = self.site().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Replaces `from` with `to` in a file of the site (which must contain it).
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Repo {
        let text = std::fs::read_to_string(self.site().join(rel)).unwrap();
        assert!(text.contains(from), "{rel} lacks {from:?}");
        self.write(rel, &text.replacen(from, to, 1))
    }

    /// Sets every file of the site an hour back and has git record that in its index, as
    /// a checkout some time ago leaves it (no entry "racy"), so that a test shows the
    /// work tree's files are judged by their content, not by their stat.
    pub fn settle(&self) -> &Repo {
        let back = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for entry in walkdir::WalkDir::new(self.site()).into_iter().map(Result::unwrap) {
            if entry.file_type().is_file() {
                std::fs::File::options().write(true).open(entry.path()).unwrap().set_modified(back).unwrap();
            }
        }
        self.git(["update-index", "--really-refresh"]);
        self
    }

    /// Where charter keeps what each commit changed (history's cache).
    pub fn history_cache(&self) -> PathBuf {
        self.root().join(".git/charter")
    }

    /// Deletes history's cache: the next run reads every commit again.
    pub fn forget_history_cache(&self) -> &Repo {
        match std::fs::remove_dir_all(self.history_cache()) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => panic!("delete the cache: {err}"),
            _ => self,
        }
    }

    /// Runs git in the repository and returns its stdout; a failure fails the test.
    pub fn git<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        run_git(self.root(), args, &[])
    }

    /// Commits everything as `author` ("Name <email>") with `message`; returns the hash.
    pub fn commit(&mut self, author: &str, message: &str) -> String {
        self.git(["add", "-A"]);
        self.commit_staged(author, &["commit", "-q", "--allow-empty", "-m", message])
    }

    /// Merges `branch` into the current branch as `author`; when git reports a conflict,
    /// `resolve` writes the resolution before the merge commit is made.
    pub fn merge(&mut self, author: &str, branch: &str, resolve: impl FnOnce(&Repo)) -> String {
        let env = self.env(author);
        let merged = git_command(self.root(), &env).args(["merge", "-q", "--no-ff", "--no-edit", branch]).output();
        if merged.expect("run git").status.success() {
            return self.git(["rev-parse", "HEAD"]).trim().to_owned();
        }
        resolve(self);
        self.git(["add", "-A"]);
        self.commits -= 1;
        self.commit_staged(author, &["commit", "-q", "--no-edit"])
    }

    fn commit_staged(&mut self, author: &str, args: &[&str]) -> String {
        let env = self.env(author);
        run_git(self.root(), args, &env);
        self.git(["rev-parse", "HEAD"]).trim().to_owned()
    }

    /// Author and committer for the next commit, one day after the previous one.
    fn env(&mut self, author: &str) -> Vec<(String, String)> {
        let (name, email) = author.split_once(" <").expect("author as `Name <email>`");
        let date = format!("@{} +0000", FIRST_COMMIT + self.commits * 86_400);
        self.commits += 1;
        [
            ("GIT_AUTHOR_NAME", name),
            ("GIT_AUTHOR_EMAIL", email.trim_end_matches('>')),
            ("GIT_AUTHOR_DATE", &date),
            ("GIT_COMMITTER_NAME", "CI Bot"),
            ("GIT_COMMITTER_EMAIL", "ci@acme.example"),
            ("GIT_COMMITTER_DATE", &date),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }
}

/// Runs git in `dir` with `env`, isolated from the user's and the system's config.
pub fn run_git<I, S>(dir: &Path, args: I, env: &[(String, String)]) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let output = git_command(dir, env).args(args).output().expect("run git (is it installed?)");
    assert!(output.status.success(), "git failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("git output is UTF-8")
}

/// `git` in `dir`, isolated from the user's and the system's config, with `env` set.
fn git_command(dir: &Path, env: &[(String, String)]) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Setup")
        .env("GIT_AUTHOR_EMAIL", "setup@acme.example")
        .env("GIT_COMMITTER_NAME", "Setup")
        .env("GIT_COMMITTER_EMAIL", "setup@acme.example")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    cmd
}
