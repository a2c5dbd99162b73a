//! `charter serve`: build in memory, serve over HTTP, watch the site, rebuild what
//! changed, and tell open pages to reload (or to show the errors) over server-sent events.

mod http;

use crate::config::CONFIG_FILE;
use crate::diag::{self, Console, Diagnostic, Rule};
use crate::error::Error;
use crate::render::Output;
use crate::session::{BuildArgs, Changes, Outcome, Session};
use crate::{Outcome as CommandOutcome, watch};
use serde::Serialize;
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tokio::sync::broadcast;

/// What `serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeArgs {
    pub build: BuildArgs,
    pub bind: String,
    pub port: u16,
    pub open: bool,
    pub poll: bool,
}

/// The site being served: swapped whole, so a request sees one build, never half of two.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The last good build (empty until the first one succeeds).
    pub output: Arc<Output>,
    /// Counts good builds; pages carry it so a stale page reloads.
    pub generation: u64,
    /// Diagnostics of the last build when it failed.
    pub errors: Vec<Diagnostic>,
    /// Whether only the pages of this build are in `output` yet: its data files
    /// ([`crate::render::is_data_file`]) are the last build's until the snapshot is
    /// completed, so a request for one waits for that ([`Live::whole`]) instead of
    /// getting a stale file.
    pub partial: bool,
}

/// The message pages receive on the event stream.
#[derive(Debug, Clone, Serialize)]
pub struct Message<'a> {
    pub generation: u64,
    pub errors: &'a [Diagnostic],
}

/// State shared by the HTTP handlers and the rebuild loop.
pub struct Live {
    /// A channel rather than a lock: requests can wait for a partial snapshot's end.
    snapshot: tokio::sync::watch::Sender<Arc<Snapshot>>,
    events: broadcast::Sender<String>,
}

impl Live {
    fn new() -> Live {
        Live {
            snapshot: tokio::sync::watch::Sender::new(Arc::new(Snapshot::default())),
            events: broadcast::channel(64).0,
        }
    }

    /// The current snapshot (cheap: one `Arc` clone).
    pub fn current(&self) -> Arc<Snapshot> {
        self.snapshot.borrow().clone()
    }

    /// The snapshot once build `seen` (partial) is whole: it, or a newer one (a newer
    /// partial snapshot holds the data files of `seen`, so a stream of edits never
    /// keeps a request waiting).
    pub async fn whole(&self, seen: u64) -> Arc<Snapshot> {
        let mut changes = self.snapshot.subscribe();
        let whole = changes.wait_for(|s| !s.partial || s.generation > seen).await.map(|s| s.clone());
        whole.unwrap_or_else(|_| self.current())
    }

    /// Makes a partial snapshot whole as it is (its data files the last build's): the
    /// build that was to finish it is gone (it panicked), and no request may wait
    /// for it forever.
    fn abandon(&self) {
        let current = self.current();
        if current.partial {
            self.snapshot.send_replace(Arc::new(Snapshot { partial: false, ..(*current).clone() }));
        }
    }

    /// Swaps in a new snapshot, then tells every open page.
    fn publish(&self, snapshot: Snapshot) {
        let message = message_json(&snapshot);
        self.snapshot.send_replace(Arc::new(snapshot));
        // Sent only after the swap: a reloading page always gets the new site.
        let _ = self.events.send(message);
    }

    /// Swaps in the whole snapshot for a partial one of the same build: open pages
    /// were told already, and requests waiting for it go on.
    fn complete(&self, snapshot: Snapshot) {
        self.snapshot.send_replace(Arc::new(snapshot));
    }
}

/// The JSON message for a snapshot.
pub fn message_json(snapshot: &Snapshot) -> String {
    serde_json::to_string(&Message { generation: snapshot.generation, errors: &snapshot.errors }).unwrap_or_default()
}

/// Runs the server until Ctrl-C.
pub fn run(args: ServeArgs) -> Result<CommandOutcome, Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::io("tokio runtime"))?;
    runtime.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> Result<CommandOutcome, Error> {
    let addr = format!("{}:{}", args.bind, args.port);
    let listener =
        tokio::net::TcpListener::bind(&addr).await.map_err(|source| Error::Bind { addr: addr.clone(), source })?;
    let local = listener.local_addr().map_err(Error::io(&addr))?;
    let live = Arc::new(Live::new());
    let mut session = Session::new(args.build.clone());
    let mut console = Console::default();
    rebuild(&mut session, &live, &Changes::All, &mut console)?;
    let watch = watch::start(&args.build.site, &args.build.out, args.poll)?;
    let url = http::url(local);
    println!("serving {} at {url} (Ctrl-C to stop)", args.build.site.display());
    if args.open {
        open_browser(&url);
    }
    let rebuild_live = live.clone();
    std::thread::spawn(move || {
        while let Ok(changes) = watch.changes.recv() {
            let changes = merge_pending(changes, &watch.changes);
            // An unreadable site is shown as a failed build; serving goes on.
            let rebuilt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let _ = rebuild(&mut session, &rebuild_live, &changes, &mut console);
            }));
            if let Err(panic) = rebuilt {
                rebuild_live.abandon();
                std::panic::resume_unwind(panic);
            }
        }
    });
    // Not a graceful shutdown: it would wait for every open page's event stream, which
    // never ends, so Ctrl-C would hang while a tab is open. Dropping the server is fine:
    // nothing is written to disk.
    tokio::select! {
        served = axum::serve(listener, http::router(live)) => served.map_err(Error::io(&addr))?,
        _ = tokio::signal::ctrl_c() => eprintln!("stopping"),
    }
    Ok(CommandOutcome::Success)
}

/// Folds changes that queued up during the last rebuild into one.
fn merge_pending(mut changes: Changes, queue: &std::sync::mpsc::Receiver<Changes>) -> Changes {
    while let Ok(next) = queue.try_recv() {
        changes = match (changes, next) {
            (Changes::Content(mut a), Changes::Content(b)) => {
                a.extend(b);
                Changes::Content(a)
            }
            (Changes::Static, Changes::Static) => Changes::Static,
            (Changes::Head, Changes::Head) => Changes::Head,
            _ => Changes::All,
        };
    }
    changes
}

/// Rebuilds and publishes the result; an `Err` when the site cannot be read at all.
/// Open pages are told to reload as soon as the new pages are made (a partial
/// snapshot); the data files follow.
fn rebuild(session: &mut Session, live: &Live, changes: &Changes, console: &mut Console) -> Result<(), Error> {
    let started = Instant::now();
    let before = live.current();
    let generation = before.generation + 1;
    let announced = OnceLock::new();
    let pages_done = |output: Output| {
        live.publish(Snapshot { output: Arc::new(output), generation, errors: vec![], partial: true });
        let _ = announced.set(started.elapsed().as_millis());
    };
    let outcome = session.rebuild_announcing(changes, Some(&pages_done));
    let (outcome, result) = match outcome {
        Ok(outcome) => (outcome, Ok(())),
        Err(err) => (Outcome::Failed(vec![unbuildable(&err)]), Err(err)),
    };
    publish(live, outcome, &before, console, announced.into_inner(), started);
    result
}

/// A site that cannot be read at all while serving (charter.yaml deleted or unreadable)
/// as one diagnostic, so open pages show it in the overlay like any failed build.
fn unbuildable(err: &Error) -> Diagnostic {
    let message = match err {
        Error::NoConfig { .. } => "charter.yaml is missing".to_owned(),
        other => other.to_string(),
    };
    Diagnostic::file(Rule::ConfigInvalid, CONFIG_FILE, message)
        .help("restore charter.yaml: the site is built again as soon as it is back")
}

/// Publishes a rebuild's outcome (a failure keeps the last good site, `before`) and
/// prints it (the warnings `console` has not shown). After the rebuild's pages were
/// announced (`announced`, ms after the start), a good build completes their snapshot.
fn publish(
    live: &Live,
    outcome: Outcome,
    before: &Snapshot,
    console: &mut Console,
    announced: Option<u128>,
    started: Instant,
) {
    match outcome {
        Outcome::Built(output, warnings) => {
            let snapshot =
                Snapshot { output: output.clone(), generation: before.generation + 1, errors: vec![], partial: false };
            if announced.is_some() {
                live.complete(snapshot)
            } else {
                live.publish(snapshot)
            }
            let elapsed = started.elapsed().as_millis();
            // Told after the reload event: printing warnings is no reason to keep the
            // browser waiting.
            let warned = console.warnings(&warnings);
            let made = made_again(&before.output, &output);
            match announced {
                Some(ms) => {
                    eprintln!("built in {elapsed} ms ({made} files made again; pages reloaded after {ms} ms){warned}")
                }
                None => eprintln!("built in {elapsed} ms ({made} files made again){warned}"),
            }
        }
        Outcome::Failed(errors) => {
            diag::eprint(&errors);
            eprintln!("build failed: still serving the last good site");
            let snapshot =
                Snapshot { output: before.output.clone(), generation: before.generation, errors, partial: false };
            live.publish(snapshot);
        }
    }
}

/// How many files of `new` are not the bytes `old` had at the same path. A render
/// shares the bytes of what it keeps, so no file is compared byte by byte (megabytes
/// of data files); both maps are in path order, so they are walked side by side.
fn made_again(old: &Output, new: &Output) -> usize {
    let mut old = old.files.iter().peekable();
    let mut kept = |file: &Arc<str>, bytes: &Arc<[u8]>| {
        while old.next_if(|(o, _)| *o < file).is_some() {}
        old.peek().is_some_and(|(o, b)| *o == file && Arc::ptr_eq(b, bytes))
    };
    new.files.iter().filter(|(file, bytes)| !kept(file, bytes)).count()
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(err) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("could not open a browser ({opener}: {err}); open {url} yourself");
    }
}
