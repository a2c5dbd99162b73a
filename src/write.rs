//! Writing a build to disk atomically: everything goes into a temporary sibling
//! folder, which then replaces the output in one rename. A folder charter did not
//! write is never deleted.

use crate::error::Error;
use crate::render::Output;
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The marker file that says charter wrote (and may replace) a folder.
pub const MARKER: &str = ".charter-output";
const MARKER_TEXT: &str = "This folder is written by charter build and replaced on every build.\n";

/// Refuses output folders that would destroy the site or someone else's files.
pub fn check_out_dir(site: &Path, out: &Path) -> Result<(), Error> {
    let site_abs = absolute(site);
    let out_abs = absolute(out);
    if site_abs.starts_with(&out_abs) {
        let reason = "it is the site folder or contains it; pick a folder inside or beside the site, e.g. SITE/public"
            .to_owned();
        return Err(Error::OutputRefused { path: out.to_path_buf(), reason });
    }
    for content in ["roadmap", "backlog", "docs", "static", "templates", "themes"] {
        if out_abs.starts_with(site_abs.join(content)) {
            let reason = format!("it is inside the site's {content}/ folder, which holds sources");
            return Err(Error::OutputRefused { path: out.to_path_buf(), reason });
        }
    }
    if is_foreign(out) {
        let reason = format!(
            "it is not empty and was not written by charter (no {MARKER} file); empty it or choose another --out"
        );
        return Err(Error::OutputRefused { path: out.to_path_buf(), reason });
    }
    Ok(())
}

/// A canonical path when the folder exists, else its parent's canonical path joined
/// with its name (so not-yet-created outputs compare correctly).
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => absolute(parent).join(name),
        _ => abs,
    }
}

/// A non-empty folder (or a file) without charter's marker.
fn is_foreign(out: &Path) -> bool {
    match fs::read_dir(out) {
        Ok(mut entries) => entries.next().is_some() && !out.join(MARKER).is_file(),
        Err(err) => err.kind() != std::io::ErrorKind::NotFound,
    }
}

/// Writes `output` to `out` atomically: the previous output stays whole until the
/// new one is complete.
pub fn write_atomic(site: &Path, out: &Path, output: &Output) -> Result<(), Error> {
    let staging = Staging::new(site, out)?;
    output.files.par_iter().try_for_each(|(rel, bytes)| staging.put(rel, bytes))?;
    staging.finish()
}

/// A build being written: files go into a temporary sibling folder of the output as
/// they are rendered, and `finish` swaps it in with one rename. Dropped unfinished (a
/// render failed, a write failed), it deletes its folder, so the previous output
/// stays as it was and nothing is left behind.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    parent: PathBuf,
    name: String,
    /// The current output, when charter wrote it: the source of hard links.
    previous: Option<PathBuf>,
    /// Folders already made, so each file costs no extra system call.
    folders: Mutex<HashSet<PathBuf>>,
    finished: bool,
}

impl Staging {
    /// Checks `out` and makes an empty staging folder beside it.
    pub fn new(site: &Path, out: &Path) -> Result<Staging, Error> {
        check_out_dir(site, out)?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(Error::io(&parent))?;
        let name = out.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let dir = parent.join(format!(".{name}.charter-new-{}", std::process::id()));
        if dir.exists() {
            remove_tree(&dir).map_err(Error::io(&dir))?;
        }
        fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        let previous = out.join(MARKER).is_file().then(|| out.to_path_buf());
        let folders = Mutex::new(HashSet::from([dir.clone()]));
        Ok(Staging { dir, out: out.to_path_buf(), parent, name, previous, folders, finished: false })
    }

    /// Writes one file (`rel` is `/`-separated); one whose bytes equal the same file of
    /// the previous output is hard-linked from it instead of written again, which is
    /// what makes rebuilding a large site on a real disk cheap (SPEC §10). The previous
    /// output is never written to: a file already in the staging folder (perhaps a
    /// link to it) is removed, not overwritten. Safe to call from several threads.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = self.dir.join(rel);
        if let Some(folder) = path.parent() {
            self.make_folder(folder)?;
        }
        let unchanged = self.previous.as_ref().map(|p| p.join(rel)).filter(|old| holds(old, bytes));
        let linked = |path: &Path| unchanged.as_ref().is_some_and(|old| fs::hard_link(old, path).is_ok());
        if linked(&path) {
            return Ok(());
        }
        let created = match fs::File::create_new(&path) {
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                fs::remove_file(&path).map_err(Error::io(&path))?;
                if linked(&path) {
                    return Ok(());
                }
                fs::File::create_new(&path)
            }
            other => other,
        };
        created.and_then(|mut file| file.write_all(bytes)).map_err(Error::io(&path))
    }

    /// Makes `folder` once. One thread at a time: many page folders share a parent
    /// (backlog/), and making them from several threads at once made the kernel spin
    /// on the parent's lock (system time on a real disk tripled).
    fn make_folder(&self, folder: &Path) -> Result<(), Error> {
        let mut made = self.folders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !made.contains(folder) {
            fs::create_dir_all(folder).map_err(Error::io(folder))?;
            made.insert(folder.to_path_buf());
        }
        Ok(())
    }

    /// Marks the folder as charter's and swaps it in for the output.
    pub fn finish(mut self) -> Result<(), Error> {
        let marker = self.dir.join(MARKER);
        fs::write(&marker, MARKER_TEXT).map_err(Error::io(&marker))?;
        swap_in(&self.dir, &self.out, &self.parent, &self.name)?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = remove_tree(&self.dir);
        }
    }
}

/// Whether `path` is a regular file holding exactly `bytes`: its size first, then its
/// content.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    let same_size = fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    same_size && fs::File::open(path).is_ok_and(|file| reads_as(file, bytes))
}

/// The size of the block `reads_as` reads at a time: most pages fit in one.
const BLOCK: usize = 64 * 1024;

thread_local! {
    /// Each thread's block for `reads_as`, kept between files so comparing allocates
    /// and clears nothing.
    static BLOCK_BUF: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; BLOCK]);
}

/// Whether reading `file` from its start gives `bytes` (whose length is the file's
/// size), compared a block at a time and stopping at the first difference.
fn reads_as(mut file: fs::File, mut bytes: &[u8]) -> bool {
    BLOCK_BUF.with_borrow_mut(|block| {
        while !bytes.is_empty() {
            let read = match file.read(block) {
                Ok(0) => return false,
                Ok(read) => read,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return false,
            };
            let Some((head, rest)) = bytes.split_at_checked(read) else { return false };
            if block[..read] != *head {
                return false;
            }
            bytes = rest;
        }
        true
    })
}

/// Replaces `out` with `staging`: rename the old output aside, rename the new one in,
/// then delete the old one.
fn swap_in(staging: &Path, out: &Path, parent: &Path, name: &str) -> Result<(), Error> {
    let old = parent.join(format!(".{name}.charter-old-{}", std::process::id()));
    let had_old = out.exists();
    if had_old {
        if old.exists() {
            remove_tree(&old).map_err(Error::io(&old))?;
        }
        fs::rename(out, &old).map_err(Error::io(out))?;
    }
    if let Err(err) = fs::rename(staging, out) {
        if had_old {
            let _ = fs::rename(&old, out);
        }
        return Err(Error::Io { path: out.to_path_buf(), source: err });
    }
    if had_old {
        remove_tree(&old).map_err(Error::io(&old))?;
    }
    Ok(())
}

/// How many threads delete a tree at once. Deleting is waiting more than working: on
/// ext4 without a journal and mounted with `discard` (the benchmark machine's disk),
/// every removed folder waits for the disk to discard its block, about 3 ms each, and
/// those waits overlap (2,000 empty folders: 6.8 s one at a time, 0.6 s sixteen at a
/// time); deleting a 10,000-story output took 15 to 41 s with one thread, 5 to 17 s with
/// eight, and no less with 32 or 64, which only spin more on the parent folder's lock.
const REMOVERS: usize = 8;

/// Deletes the folder `root` and everything in it (symbolic links are removed, never
/// followed). The entries of its subfolders (a site's page folders: `backlog/S-1/`) are
/// spread over `REMOVERS` threads, then what is left is removed.
fn remove_tree(root: &Path) -> std::io::Result<()> {
    let parts = tree_parts(root)?;
    let next = AtomicUsize::new(0);
    let failed = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..REMOVERS.min(parts.len()) {
            scope.spawn(|| {
                while let Some(part) = parts.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if let Err(err) = remove_part(part) {
                        failed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(err);
                    }
                }
            });
        }
    });
    match failed.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        Some(err) => Err(err),
        None => fs::remove_dir_all(root),
    }
}

/// One entry to delete, and whether it is a folder (known from the listing, so it
/// costs no extra system call).
struct Part {
    path: PathBuf,
    folder: bool,
}

/// The entries of `root`'s subfolders: the units of a parallel deletion.
fn tree_parts(root: &Path) -> std::io::Result<Vec<Part>> {
    let mut parts = Vec::new();
    for entry in fs::read_dir(root)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            for inner in fs::read_dir(entry.path())? {
                let inner = inner?;
                parts.push(Part { folder: inner.file_type()?.is_dir(), path: inner.path() });
            }
        }
    }
    Ok(parts)
}

/// Removes a file, a symbolic link or a whole folder.
fn remove_part(part: &Part) -> std::io::Result<()> {
    if part.folder { fs::remove_dir_all(&part.path) } else { fs::remove_file(&part.path) }
}
