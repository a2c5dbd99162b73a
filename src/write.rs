//! Writing a build to disk atomically: everything goes into a temporary sibling
//! folder, which then replaces the output in one rename. A folder charter did not
//! write is never deleted.

use crate::error::Error;
use crate::render::Output;
use rayon::prelude::*;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

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
    check_out_dir(site, out)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(Error::io(&parent))?;
    let name = out.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.charter-new-{}", std::process::id()));
    let previous = out.join(MARKER).is_file().then_some(out);
    let result = write_tree(&staging, output, previous).and_then(|()| swap_in(&staging, out, &parent, &name));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// Writes every file into `dir`; a file whose bytes equal the same file of `previous`
/// (the current output) is hard-linked from it instead of written again, which is what
/// makes rebuilding a large site on a real disk cheap (SPEC §10). The previous output
/// is never written to, so a failed build still leaves it as it was.
fn write_tree(dir: &Path, output: &Output, previous: Option<&Path>) -> Result<(), Error> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(Error::io(dir))?;
    }
    let folders: std::collections::BTreeSet<PathBuf> =
        output.files.keys().filter_map(|rel| dir.join(rel).parent().map(Path::to_path_buf)).collect();
    fs::create_dir_all(dir).map_err(Error::io(dir))?;
    for folder in &folders {
        fs::create_dir_all(folder).map_err(Error::io(folder))?;
    }
    // Files are independent once their folders exist: write them in parallel.
    output.files.par_iter().try_for_each(|(rel, bytes)| {
        let path = dir.join(rel);
        let unchanged = previous.map(|p| p.join(rel)).filter(|old| holds(old, bytes));
        if unchanged.is_some_and(|old| fs::hard_link(old, &path).is_ok()) {
            return Ok(());
        }
        let mut file = fs::File::create(&path).map_err(Error::io(&path))?;
        file.write_all(bytes).map_err(Error::io(&path))
    })?;
    fs::write(dir.join(MARKER), MARKER_TEXT).map_err(Error::io(dir.join(MARKER)))
}

/// Whether `path` is a regular file holding exactly `bytes`.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    let same_size = fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    same_size && fs::read(path).is_ok_and(|old| old == bytes)
}

/// Replaces `out` with `staging`: rename the old output aside, rename the new one in,
/// then delete the old one.
fn swap_in(staging: &Path, out: &Path, parent: &Path, name: &str) -> Result<(), Error> {
    let old = parent.join(format!(".{name}.charter-old-{}", std::process::id()));
    let had_old = out.exists();
    if had_old {
        if old.exists() {
            fs::remove_dir_all(&old).map_err(Error::io(&old))?;
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
        fs::remove_dir_all(&old).map_err(Error::io(&old))?;
    }
    Ok(())
}
