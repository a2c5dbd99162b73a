//! `charter build`: validate, render, write atomically.

use crate::config::Config;
use crate::diag::{self, Counts, Diagnostic};
use crate::error::Error;
use crate::history::{self, HistoryError};
use crate::render::{self, Output, Stop};
use crate::session::BuildArgs;
use crate::theme::Theme;
use crate::{Outcome, pipeline, write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The result of validating and rendering, before anything is written.
pub enum Rendered {
    Site(Output, Vec<Diagnostic>),
    Failed(Vec<Diagnostic>),
}

/// A site ready to render: validated, its theme loaded, its options set.
struct Ready {
    checked: pipeline::Checked,
    theme: Theme,
    options: render::Options,
}

/// Validates the site and loads its theme; the diagnostics when it cannot be built.
/// The history's commits and changed files are read from git while the site is read
/// and parsed (both need only charter.yaml); its file versions are then parsed and
/// compared while the rules run, taking those the work tree holds from the model.
fn prepare(args: &BuildArgs) -> Result<Result<Ready, Vec<Diagnostic>>, Error> {
    let (modelled, changed) = rayon::join(
        || pipeline::model(&args.site, std::slice::from_ref(&args.out)),
        || Config::load(&args.site).ok().map(|(config, _)| history::for_site(&args.site, &config)),
    );
    let modelled = modelled?;
    let read = |changed: Option<Result<Option<history::Changed>, HistoryError>>| {
        changed.transpose()?.flatten().map(|changed| changed.parse(Some(&modelled.site))).transpose()
    };
    let (findings, history) = rayon::join(|| pipeline::findings(&modelled), || read(changed));
    let mut checked = modelled.checked(findings);
    let counts = Counts::of(&checked.diagnostics);
    let theme = checked.theme.take();
    let Some(theme) = theme.filter(|_| !counts.fails(args.deny_warnings)) else {
        return Ok(Err(checked.diagnostics));
    };
    let mut options = args.options(&checked.site.config);
    options.history = history?.map(std::sync::Arc::new);
    Ok(Ok(Ready { checked, theme, options }))
}

/// Validates and renders into memory.
pub fn render_site(args: &BuildArgs) -> Result<Rendered, Error> {
    let ready = match prepare(args)? {
        Ok(ready) => ready,
        Err(diags) => return Ok(Rendered::Failed(diags)),
    };
    match render::render(&ready.checked.site, &ready.theme, &ready.options) {
        Ok(output) => Ok(Rendered::Site(output, ready.checked.diagnostics)),
        Err(diags) => Ok(Rendered::Failed(diags)),
    }
}

/// Runs `charter build` once: pages are written into the staging folder as they are
/// rendered (never the whole site in memory), which replaces the output only when
/// everything is written.
pub fn run(args: &BuildArgs) -> Result<Outcome, Error> {
    let started = Instant::now();
    write::check_out_dir(&args.site, &args.out)?;
    let ready = match prepare(args)? {
        Ok(ready) => ready,
        Err(diags) => return Ok(nothing_written(&diags)),
    };
    let Ready { checked, theme, options } = ready;
    diag::eprint(&checked.diagnostics);
    let staging = write::Staging::new(&args.site, &args.out)?;
    let counted = Counted::default();
    let put = |file: &str, bytes: render::Bytes| {
        counted.add(file);
        staging.put(file, bytes.as_slice())
    };
    match render::render_into(&checked.site, &theme, &options, (None, &render::Fragments::off()), &put, &|_| {}) {
        Ok(_) => {}
        Err(Stop::Invalid(diags)) => return Ok(nothing_written(&diags)),
        Err(Stop::Sink(err)) => return Err(err),
    }
    staging.finish()?;
    let (files, pages) = counted.totals();
    eprintln!(
        "built {pages} pages ({files} files) into {} in {} ms",
        args.out.display(),
        started.elapsed().as_millis()
    );
    // The process exits next (`charter build` runs once): freeing the model and the
    // theme piece by piece would only delay the exit, by 15 ms of one core at
    // N = 10,000 (perf). The operating system takes the memory back whole.
    std::mem::forget((checked, theme, options));
    Ok(Outcome::Success)
}

fn nothing_written(diags: &[Diagnostic]) -> Outcome {
    diag::eprint(diags);
    eprintln!("nothing was written: fix the errors above and build again");
    Outcome::Invalid
}

/// How many files and pages a streamed build wrote, counted as they go.
#[derive(Default)]
struct Counted {
    files: AtomicUsize,
    pages: AtomicUsize,
}

impl Counted {
    fn add(&self, file: &str) {
        self.files.fetch_add(1, Ordering::Relaxed);
        if file.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn totals(&self) -> (usize, usize) {
        (self.files.load(Ordering::Relaxed), self.pages.load(Ordering::Relaxed))
    }
}

/// `charter build --watch`: the same incremental pipeline as `serve`, each good
/// rebuild written atomically; runs until interrupted.
pub fn watch(args: &BuildArgs, poll: bool) -> Result<Outcome, Error> {
    write::check_out_dir(&args.site, &args.out)?;
    let mut session = crate::session::Session::new(args.clone());
    let watcher = crate::watch::start(&args.site, &args.out, poll)?;
    let mut changes = crate::session::Changes::All;
    let mut console = diag::Console::default();
    loop {
        let started = Instant::now();
        match session.rebuild(&changes)? {
            crate::session::Outcome::Built(output, warnings) => {
                let warned = console.warnings(&warnings);
                write::write_atomic(&args.site, &args.out, &output)?;
                eprintln!(
                    "built {} files into {} in {} ms{warned}; watching for changes",
                    output.files.len(),
                    args.out.display(),
                    started.elapsed().as_millis()
                );
            }
            crate::session::Outcome::Failed(diags) => {
                diag::eprint(&diags);
                eprintln!("build failed: the previous output is untouched; watching for changes");
            }
        }
        match watcher.changes.recv() {
            Ok(next) => changes = next,
            Err(_) => return Ok(Outcome::Success),
        }
    }
}
