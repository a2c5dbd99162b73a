//! `charter serve`: build in memory, serve over HTTP, watch the site, rebuild what
//! changed, and tell open pages to reload (or to show the errors) over server-sent events.

mod http;

use crate::config::CONFIG_FILE;
use crate::diag::{self, Diagnostic, Rule};
use crate::error::Error;
use crate::render::Output;
use crate::session::{BuildArgs, Changes, Outcome, Session};
use crate::{Outcome as CommandOutcome, watch};
use serde::Serialize;
use std::sync::{Arc, RwLock};
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
}

/// The message pages receive on the event stream.
#[derive(Debug, Clone, Serialize)]
pub struct Message<'a> {
    pub generation: u64,
    pub errors: &'a [Diagnostic],
}

/// State shared by the HTTP handlers and the rebuild loop.
pub struct Live {
    snapshot: RwLock<Arc<Snapshot>>,
    events: broadcast::Sender<String>,
}

impl Live {
    fn new() -> Live {
        Live { snapshot: RwLock::new(Arc::new(Snapshot::default())), events: broadcast::channel(64).0 }
    }

    /// The current snapshot (cheap: one `Arc` clone).
    pub fn current(&self) -> Arc<Snapshot> {
        self.snapshot.read().map_or_else(|poisoned| poisoned.into_inner().clone(), |s| s.clone())
    }

    /// Swaps in a new snapshot, then tells every open page.
    fn publish(&self, snapshot: Snapshot) {
        let message = message_json(&snapshot);
        let snapshot = Arc::new(snapshot);
        match self.snapshot.write() {
            Ok(mut guard) => *guard = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
        // Sent only after the swap: a reloading page always gets the new site.
        let _ = self.events.send(message);
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
    rebuild(&mut session, &live, &Changes::All)?;
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
            if let Err(err) = rebuild(&mut session, &rebuild_live, &changes) {
                publish(&rebuild_live, Outcome::Failed(vec![unbuildable(&err)]), Instant::now());
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
fn rebuild(session: &mut Session, live: &Live, changes: &Changes) -> Result<(), Error> {
    let started = Instant::now();
    let outcome = session.rebuild(changes)?;
    publish(live, outcome, started);
    Ok(())
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

/// Publishes a rebuild's outcome (a failure keeps the last good site) and prints it.
fn publish(live: &Live, outcome: Outcome, started: Instant) {
    let previous = live.current();
    match outcome {
        Outcome::Built(output, warnings) => {
            live.publish(Snapshot { output: output.clone(), generation: previous.generation + 1, errors: vec![] });
            let elapsed = started.elapsed().as_millis();
            // Told after the reload event: printing warnings is no reason to keep the
            // browser waiting.
            diag::eprint(&warnings);
            eprintln!("built in {elapsed} ms ({} files made again)", made_again(&previous.output, &output));
        }
        Outcome::Failed(errors) => {
            diag::eprint(&errors);
            eprintln!("build failed: still serving the last good site");
            live.publish(Snapshot { output: previous.output.clone(), generation: previous.generation, errors });
        }
    }
}

/// How many files of `new` are not the bytes `old` had at the same path. A render
/// shares the bytes of what it keeps, so no file is compared byte by byte (megabytes
/// of data files); both maps are in path order, so they are walked side by side.
fn made_again(old: &Output, new: &Output) -> usize {
    let mut old = old.files.iter().peekable();
    let mut kept = |file: &String, bytes: &Arc<[u8]>| {
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
