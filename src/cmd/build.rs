//! `charter build`: validate, render, write atomically.

use crate::cli::AudienceArg;
use crate::config::Config;
use crate::diag::{self, Counts, Diagnostic, Format};
use crate::error::Error;
use crate::model::{Audience, Date};
use crate::render::{self, Options, Output};
use crate::theme::Theme;
use crate::{Outcome, pipeline, write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `build` (and `serve`) were asked for.
#[derive(Debug, Clone)]
pub struct BuildArgs {
    pub site: PathBuf,
    pub out: PathBuf,
    pub audience: Option<AudienceArg>,
    pub base_url: Option<String>,
    pub deny_warnings: bool,
}

/// The result of validating and rendering, before anything is written.
pub enum Rendered {
    Site(Output, Vec<Diagnostic>),
    Failed(Vec<Diagnostic>),
}

/// Validates and renders into memory.
pub fn render_site(args: &BuildArgs) -> Result<Rendered, Error> {
    let checked = pipeline::check(&args.site, std::slice::from_ref(&args.out))?;
    let counts = Counts::of(&checked.diagnostics);
    if counts.fails(args.deny_warnings) {
        return Ok(Rendered::Failed(checked.diagnostics));
    }
    let config = &checked.site.config;
    let theme = match Theme::load(config, &checked.inventory, &checked.site.statics) {
        Ok(theme) => theme,
        Err(diags) => return Ok(Rendered::Failed(diag::finish(diags, &config.rules))),
    };
    let options = render_options(args, config);
    match render::render(&checked.site, &theme, &options) {
        Ok(output) => Ok(Rendered::Site(output, checked.diagnostics)),
        Err(diags) => Ok(Rendered::Failed(diags)),
    }
}

/// The per-build choices: command line first, then charter.yaml (base URLs always end in `/`).
pub fn render_options(args: &BuildArgs, config: &Config) -> Options {
    let base_url = match &args.base_url {
        Some(u) if !u.ends_with('/') => format!("{u}/"),
        Some(u) => u.clone(),
        None => config.base_url.clone(),
    };
    Options { audience: audience(args.audience, config.audience), base_url, today: today() }
}

/// The audience from the command line, else charter.yaml's.
pub fn audience(arg: Option<AudienceArg>, configured: Audience) -> Audience {
    match arg {
        Some(AudienceArg::Public) => Audience::Public,
        Some(AudienceArg::Internal) => Audience::Internal,
        None => configured,
    }
}

/// Today's date, or the date of `SOURCE_DATE_EPOCH` for reproducible builds.
pub fn today() -> Date {
    let seconds =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<u64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
        });
    date_from_days((seconds / 86_400) as i64)
}

/// Days since 1970-01-01 of a date (Howard Hinnant's algorithm).
pub fn days_from_date(date: Date) -> i64 {
    let (m, d) = (i64::from(date.month), i64::from(date.day));
    let y = i64::from(date.year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
pub fn date_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date { year, month, day }
}

/// Prints diagnostics to stderr in the human format.
pub fn print_diagnostics(diagnostics: &[Diagnostic]) {
    if !diagnostics.is_empty() {
        eprint!("{}", diag::render(diagnostics, Format::Human, super::stderr_color()));
    }
}

/// Runs `charter build` once.
pub fn run(args: &BuildArgs) -> Result<Outcome, Error> {
    let started = Instant::now();
    write::check_out_dir(&args.site, &args.out)?;
    match render_site(args)? {
        Rendered::Failed(diags) => {
            print_diagnostics(&diags);
            eprintln!("nothing was written: fix the errors above and build again");
            Ok(Outcome::Invalid)
        }
        Rendered::Site(output, diags) => {
            print_diagnostics(&diags);
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
                print_diagnostics(&warnings);
                write::write_atomic(&args.site, &args.out, &output)?;
                eprintln!(
                    "built {} files into {} in {} ms; watching for changes",
                    output.files.len(),
                    args.out.display(),
                    started.elapsed().as_millis()
                );
            }
            crate::session::Outcome::Failed(diags) => {
                print_diagnostics(&diags);
                eprintln!("build failed: the previous output is untouched; watching for changes");
            }
        }
        match watcher.changes.recv() {
            Ok(next) => changes = next,
            Err(_) => return Ok(Outcome::Success),
        }
    }
}

/// The output folder: `--out`, else SITE/public.
pub fn out_dir(site: &Path, out: Option<PathBuf>) -> PathBuf {
    out.unwrap_or_else(|| site.join("public"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_dates() {
        assert_eq!(date_from_days(0).to_string(), "1970-01-01");
        assert_eq!(date_from_days(20_415).to_string(), "2025-11-23");
        assert_eq!(date_from_days(11_016).to_string(), "2000-02-29");
        for days in [0, 11_016, 20_415, 59, 60, 365 * 30 + 7] {
            assert_eq!(days_from_date(date_from_days(days)), days);
        }
    }
}
