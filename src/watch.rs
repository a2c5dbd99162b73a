//! The file watcher shared by `serve` and `build --watch`: notify events, debounced
//! into one [`Changes`] per burst (editors' save-by-rename included).

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
    let (handler_root, handler_out) = (root.clone(), out.clone());
    let handler = move |result: DebounceEventResult| {
        let change = match result {
            Ok(events) => {
                // Reads (access events) are ignored: the rebuild's own reads would loop.
                let paths: Vec<PathBuf> =
                    events.into_iter().filter(|e| !e.event.kind.is_access()).flat_map(|e| e.event.paths).collect();
                session::changes(&handler_root, &handler_out, paths)
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
        d.watch(&root, RecursiveMode::Recursive).map_err(watch_error)?;
        Box::new(d)
    } else {
        let mut d = new_debouncer(DEBOUNCE, None, handler).map_err(watch_error)?;
        d.watch(&root, RecursiveMode::Recursive).map_err(watch_error)?;
        Box::new(d)
    };
    Ok(Watch { _debouncer: debouncer, changes: rx })
}
