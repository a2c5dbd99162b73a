//! The file watcher shared by `serve` and `build --watch`: notify events, debounced
//! into one [`Changes`] per burst (editors' save-by-rename included); and, when the
//! site is in a git repository, the files that move HEAD.

use crate::error::Error;
use crate::session::{self, Changes};
use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// How long a burst of events may last before one rebuild starts. Short, because
/// the save-to-reload budget is 50 ms; editors' rename-saves land within a few ms.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// Poll interval with `--poll` (each poll reads every file of the site).
const POLL: Duration = Duration::from_millis(500);

/// A running watcher; dropping it stops watching.
pub struct Watch {
    _debouncer: Box<dyn std::any::Any + Send>,
    /// One message per burst of relevant changes.
    pub changes: Receiver<Changes>,
}

/// Watches `root` recursively, ignoring `out`, dot-files and editor leftovers.
pub fn start(root: &Path, out: &Path, poll: bool) -> Result<Watch, Error> {
    let root = root.canonicalize().map_err(Error::io(root))?;
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let out = out.canonicalize().unwrap_or(out);
    let (tx, rx) = channel();
    let head = crate::history::HeadFiles::of(&root);
    let (handler_root, handler_out, handler_head) = (root.clone(), out.clone(), head.clone());
    let handler = move |result: DebounceEventResult| {
        let change = match result {
            Ok(events) => {
                // Reads (access events) are ignored: the rebuild's own reads would loop.
                let paths: Vec<PathBuf> =
                    events.into_iter().filter(|e| !e.event.kind.is_access()).flat_map(|e| e.event.paths).collect();
                let moved = handler_head.as_ref().is_some_and(|h| paths.iter().any(|p| h.moved_by(p)));
                let changes = session::changes(&handler_root, &handler_out, paths);
                if moved { Some(session::with_head_moved(changes)) } else { changes }
            }
            // The watcher lost track (overflow, a watched folder vanished): start over.
            Err(_) => Some(Changes::All),
        };
        if let Some(change) = change {
            let _ = tx.send(change);
        }
    };
    let watch_error =
        |err: notify::Error| Error::Io { path: root.clone(), source: std::io::Error::other(err.to_string()) };
    let debouncer: Box<dyn std::any::Any + Send> = if poll {
        // notify's poller compares modification times in whole seconds: without comparing
        // contents, a second save within the same second would never be seen.
        let config = notify::Config::default().with_poll_interval(POLL).with_compare_contents(true);
        let mut d = new_debouncer_opt::<_, notify::PollWatcher, _>(
            DEBOUNCE,
            None,
            handler,
            notify_debouncer_full::NoCache,
            config,
        )
        .map_err(watch_error)?;
        for (folder, mode) in folders(&root, head.as_ref()) {
            d.watch(&folder, mode).map_err(watch_error)?;
        }
        Box::new(d)
    } else {
        let mut d = new_debouncer(DEBOUNCE, None, handler).map_err(watch_error)?;
        for (folder, mode) in folders(&root, head.as_ref()) {
            d.watch(&folder, mode).map_err(watch_error)?;
        }
        Box::new(d)
    };
    Ok(Watch { _debouncer: debouncer, changes: rx })
}

/// The site, recursively, and the repository's files that move HEAD: those outside
/// the site (inside it, the site's watch sees them; the refs folder may not exist yet
/// in a repository without commits).
fn folders(root: &Path, head: Option<&crate::history::HeadFiles>) -> Vec<(PathBuf, RecursiveMode)> {
    let mode = |recursive| if recursive { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
    let git = head.map(|h| h.folders()).unwrap_or_default();
    let git = git.into_iter().filter(|(f, _)| f.is_dir() && !f.starts_with(root)).map(|(f, r)| (f, mode(r)));
    std::iter::once((root.to_path_buf(), RecursiveMode::Recursive)).chain(git).collect()
}
