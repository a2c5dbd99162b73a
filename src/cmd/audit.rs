//! `charter audit`: the site's git history against the ownership rules.

use crate::config::Config;
use crate::diag::{self, Counts, Diagnostic, Format, Rule};
use crate::error::Error;
use crate::history::{self, History, Range};
use crate::{Outcome, pipeline, validate};
use std::path::Path;

/// Reads the history of the site over `range`, prints every audit diagnostic to stdout
/// and the notes (skipped versions, a shallow start) to stderr. The site is read into
/// its model while the history's commits are read (both need only charter.yaml); the
/// versions the work tree holds are then taken from the model.
pub fn run(site: &Path, range: &Range, format: Format, deny_warnings: bool) -> Result<Outcome, Error> {
    let changed = || -> Result<history::Changed, Error> {
        Ok(history::changed(site, range, &history::Keep::of(&Config::load(site)?.0), history::Locate::Fields)?)
    };
    // The site's model only: the audit's rules are not `check`'s, and need no theme.
    let (modelled, changed) = rayon::join(|| pipeline::model(site, &[site.join("public")]), changed);
    let modelled = modelled?;
    let history: History = changed?.parse(Some(&modelled.site))?;
    // A charter.yaml that cannot be read well leaves the team (and so the audit) unsure.
    let reading = |d: &Diagnostic| matches!(d.rule, Rule::ConfigInvalid | Rule::UnknownField | Rule::MissingField);
    let mut diagnostics: Vec<Diagnostic> =
        modelled.diagnostics.into_iter().filter(|d| d.file == crate::config::CONFIG_FILE && reading(d)).collect();
    diagnostics.extend(validate::audit(&modelled.site, &history));
    let diagnostics = diag::finish(diagnostics, &modelled.site.config.rules);
    eprint!("{}", notes(&history));
    print!("{}", diag::render(&diagnostics, format, super::stdout_color()));
    let counts = Counts::of(&diagnostics);
    if format == Format::Human && counts.errors + counts.warnings == 0 {
        let (c, n) = (history.commits.len(), history.changes.len());
        println!("ok: {c} commits with {n} item changes audited, no problems");
    }
    Ok(if counts.fails(deny_warnings) { Outcome::Invalid } else { Outcome::Success })
}

/// What the audit could not see, one `note:` line each.
fn notes(history: &History) -> String {
    let mut out = String::new();
    if let Some(boundary) = &history.shallow_boundary {
        out.push_str(&format!(
            "note: shallow clone: history starts at commit {boundary} and is unknown before it (fetch with `fetch-depth: 0`)\n"
        ));
    }
    for note in &history.notes {
        out.push_str(&format!("note: commit {}: {}: {}\n", note.commit.short(), note.file, note.message));
    }
    out
}
