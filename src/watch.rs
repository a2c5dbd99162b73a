//! The file watcher shared by `serve` and `build --watch`: notify events, debounced
//! into one [`Changes`] per burst (editors' save-by-rename included); and, when the
//! site is in a git repository, the files that move HEAD.

use crate::error::Error;
use crate::session::{self, Changes};
use notify::{Event, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long the site must be quiet after an event before one rebuild starts: the
/// events of one save (an editor's write, or its rename of a temporary file over the
/// original) land within a millisecond or two of each other, and the save-to-reload
/// budget is 50 ms.
const QUIET: Duration = Duration::from_millis(10);
/// The longest a burst may last: a file written again and again (a log inside the
/// site) must not hold back the rebuild of an edit forever.
const LONGEST_BURST: Duration = Duration::from_millis(500);
/// Poll interval with `--poll` (each poll reads every file of the site).
const POLL: Duration = Duration::from_millis(500);

/// A running watcher; dropping it stops watching.
pub struct Watch {
    _watcher: Box<dyn Watcher + Send>,
    /// One message per burst of relevant changes.
    pub changes: Receiver<Changes>,
}

/// Watches `root` recursively, ignoring `out`, dot-files and editor leftovers.
pub fn start(root: &Path, out: &Path, poll: bool) -> Result<Watch, Error> {
    let root = root.canonicalize().map_err(Error::io(root))?;
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let out = out.canonicalize().unwrap_or(out);
    let head = crate::history::HeadFiles::of(&root);
    let (events, raw) = channel();
    // Reads (access events) are dropped here, before they can stretch a burst: the
    // rebuild's own reads, or an editor's, would otherwise loop or delay it.
    let events = move |event: notify::Result<Event>| {
        if !event.as_ref().is_ok_and(|e| e.kind.is_access()) {
            let _ = events.send(event);
        }
    };
    let watch_error =
        |err: notify::Error| Error::Io { path: root.clone(), source: std::io::Error::other(err.to_string()) };
    let mut watcher: Box<dyn Watcher + Send> = if poll {
        // notify's poller compares modification times in whole seconds: without comparing
        // contents, a second save within the same second would never be seen.
        let config = notify::Config::default().with_poll_interval(POLL).with_compare_contents(true);
        Box::new(notify::PollWatcher::new(events, config).map_err(watch_error)?)
    } else {
        Box::new(notify::recommended_watcher(events).map_err(watch_error)?)
    };
    for (folder, mode) in folders(&root, head.as_ref()) {
        watcher.watch(&folder, mode).map_err(watch_error)?;
    }
    let (tx, changes) = channel();
    std::thread::spawn(move || {
        for burst in Bursts(raw) {
            let change = match burst {
                Ok(events) => {
                    let paths = lasting_paths(events);
                    let moved = head.as_ref().is_some_and(|h| paths.iter().any(|p| h.moved_by(p)));
                    let changes = session::changes(&root, &out, paths);
                    if moved { Some(session::with_head_moved(changes)) } else { changes }
                }
                // The watcher lost track (overflow, a watched folder vanished): start over.
                Err(_) => Some(Changes::All),
            };
            if let Some(change) = change
                && tx.send(change).is_err()
            {
                return;
            }
        }
    });
    Ok(Watch { _watcher: watcher, changes })
}

/// The paths a burst changed, in the order first seen, without the files it created
/// that are gone again by its end (a temporary file an editor or a tool such as
/// `sed -i` wrote, then renamed over the real one): those change nothing, and a
/// temporary name in a content folder would otherwise count as a new attachment.
fn lasting_paths(events: Vec<Event>) -> Vec<PathBuf> {
    use notify::EventKind;
    use notify::event::{ModifyKind, RenameMode};
    let mut seen = std::collections::HashSet::new();
    let mut paths = vec![];
    for event in events {
        let created = matches!(event.kind, EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(RenameMode::To)));
        for path in event.paths {
            // A path's first event says whether it existed before the burst.
            if seen.insert(path.clone()) && (!created || path.exists()) {
                paths.push(path);
            }
        }
    }
    paths
}

/// The watcher's events, in bursts: a burst ends when no event came for [`QUIET`]
/// (or it lasted [`LONGEST_BURST`]), so it starts its rebuild exactly that long after
/// its last event, with no polling in between. A burst in which the watcher failed is
/// an `Err`. Ends when the watcher is dropped.
struct Bursts(Receiver<notify::Result<Event>>);

impl Iterator for Bursts {
    type Item = Result<Vec<Event>, notify::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let first = self.0.recv().ok()?;
        let started = Instant::now();
        let mut burst = first.map(|e| vec![e]);
        while started.elapsed() < LONGEST_BURST {
            match self.0.recv_timeout(QUIET) {
                Ok(event) => {
                    burst = match (burst, event) {
                        (Ok(mut events), Ok(event)) => {
                            events.push(event);
                            Ok(events)
                        }
                        (Err(err), _) | (_, Err(err)) => Err(err),
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(burst)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use notify::EventKind;
    use notify::event::{CreateKind, ModifyKind};

    fn event(kind: EventKind, path: &str) -> notify::Result<Event> {
        Ok(Event::new(kind).add_path(PathBuf::from(path)))
    }

    /// `sed -i` (and editors' safe saves) write a temporary file and rename it over
    /// the real one: only the real one changed.
    #[test]
    fn a_file_created_and_gone_within_the_burst_changed_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("S-1.md");
        std::fs::write(&real, "x").unwrap();
        let temp = dir.path().join("sedX1y2Z3");
        let gone = dir.path().join("S-2.md");
        let renamed = notify::event::ModifyKind::Name(notify::event::RenameMode::Both);
        let events = vec![
            Event::new(EventKind::Create(CreateKind::File)).add_path(temp.clone()),
            Event::new(EventKind::Modify(ModifyKind::Any)).add_path(temp.clone()),
            Event::new(EventKind::Modify(renamed)).add_path(temp).add_path(real.clone()),
            Event::new(EventKind::Remove(notify::event::RemoveKind::File)).add_path(gone.clone()),
        ];
        assert_eq!(lasting_paths(events), [real, gone], "a file deleted in the burst existed before it");
    }

    #[test]
    fn events_already_there_make_one_burst_and_a_failure_spoils_its_burst() {
        let (tx, rx) = channel();
        let mut bursts = Bursts(rx);
        tx.send(event(EventKind::Create(CreateKind::File), "a.md.tmp")).unwrap();
        tx.send(event(EventKind::Modify(ModifyKind::Any), "a.md")).unwrap();
        let burst = bursts.next().expect("a burst").expect("no failure");
        assert_eq!(burst.iter().flat_map(|e| &e.paths).collect::<Vec<_>>(), ["a.md.tmp", "a.md"]);
        tx.send(event(EventKind::Modify(ModifyKind::Any), "b.md")).unwrap();
        tx.send(Err(notify::Error::generic("queue overflow"))).unwrap();
        assert!(bursts.next().expect("a burst").is_err(), "the watcher lost track: rebuild everything");
        drop(tx);
        assert!(bursts.next().is_none(), "the watcher is gone");
    }
}
