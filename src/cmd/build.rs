//! `charter build`: validate, render, write atomically.

use crate::config::Config;
use crate::diag::{self, Counts, Diagnostic};
use crate::error::Error;
use crate::render::{self, Output};
use crate::session::BuildArgs;
use crate::{Outcome, pipeline, write};
use std::time::Instant;

/// The result of validating and rendering, before anything is written.
pub enum Rendered {
    Site(Output, Vec<Diagnostic>),
    Failed(Vec<Diagnostic>),
}

/// Validates and renders into memory. The history is read from git while the site is
/// checked: both need only charter.yaml, and the history's commits are independent.
pub fn render_site(args: &BuildArgs) -> Result<Rendered, Error> {
    let (checked, history) = rayon::join(
        || pipeline::check(&args.site, std::slice::from_ref(&args.out)),
        || Config::load(&args.site).ok().map(|(config, _)| crate::history::for_site(&args.site, &config)),
    );
    let checked = checked?;
    let counts = Counts::of(&checked.diagnostics);
    if counts.fails(args.deny_warnings) {
        return Ok(Rendered::Failed(checked.diagnostics));
    }
    let Some(theme) = &checked.theme else { return Ok(Rendered::Failed(checked.diagnostics)) };
    let mut options = args.options(&checked.site.config);
    options.history = history.transpose()?.flatten().map(std::sync::Arc::new);
    match render::render(&checked.site, theme, &options) {
        Ok(output) => Ok(Rendered::Site(output, checked.diagnostics)),
        Err(diags) => Ok(Rendered::Failed(diags)),
    }
}

/// Runs `charter build` once.
pub fn run(args: &BuildArgs) -> Result<Outcome, Error> {
    let started = Instant::now();
    write::check_out_dir(&args.site, &args.out)?;
    match render_site(args)? {
        Rendered::Failed(diags) => {
            diag::eprint(&diags);
            eprintln!("nothing was written: fix the errors above and build again");
            Ok(Outcome::Invalid)
        }
        Rendered::Site(output, diags) => {
            diag::eprint(&diags);
            write::write_atomic(&args.site, &args.out, &output)?;
            let pages = output.files.keys().filter(|f| f.ends_with(".html")).count();
            eprintln!(
                "built {pages} pages ({} files) into {} in {} ms",
                output.files.len(),
                args.out.display(),
                started.elapsed().as_millis()
            );
            Ok(Outcome::Success)
        }
    }
}

/// `charter build --watch`: the same incremental pipeline as `serve`, each good
/// rebuild written atomically; runs until interrupted.
pub fn watch(args: &BuildArgs, poll: bool) -> Result<Outcome, Error> {
    write::check_out_dir(&args.site, &args.out)?;
    let mut session = crate::session::Session::new(args.clone());
    let watcher = crate::watch::start(&args.site, &args.out, poll)?;
    let mut changes = crate::session::Changes::All;
    loop {
        let started = Instant::now();
        match session.rebuild(&changes)? {
            crate::session::Outcome::Built(output, warnings) => {
                diag::eprint(&warnings);
                write::write_atomic(&args.site, &args.out, &output)?;
                eprintln!(
                    "built {} files into {} in {} ms; watching for changes",
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
