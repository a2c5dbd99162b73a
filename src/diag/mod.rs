//! Diagnostics as data: what went wrong, where, and how to fix it.
//!
//! Every stage pushes [`Diagnostic`]s into a list; severities from `rules:` are applied
//! once at the end ([`finish`]) and one of the printers in [`print`] renders them.

mod console;
mod print;
mod rule;

pub use console::Console;
pub use print::{Format, render};

/// Prints diagnostics to stderr in the human format, then their count (colour only on
/// a terminal).
pub fn eprint(diagnostics: &[Diagnostic]) {
    if !diagnostics.is_empty() {
        eprint!("{}", render(diagnostics, Format::Human, stderr_color()));
    }
}

/// Prints diagnostics like [`eprint`], without the count: the caller says it.
pub fn eprint_list(diagnostics: &[Diagnostic]) {
    eprint!("{}", print::human_list(diagnostics, stderr_color()));
}

/// Whether stderr takes colour: a terminal, and `NO_COLOR` unset or empty.
fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}
pub use rule::{Rule, Severity};

use crate::source::{Location, Source};
use serde::Serialize;
use std::collections::HashMap;

/// One problem found in the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    #[serde(serialize_with = "serialize_rule")]
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    /// Path relative to the site root with `/` separators; empty for site-wide problems.
    pub file: String,
    /// 1-based; 0 when the problem has no position (e.g. an unreadable file).
    pub line: usize,
    pub column: usize,
    pub help: String,
    /// The source line and underline width, for the human printer.
    #[serde(skip)]
    pub snippet: Option<(String, usize)>,
    /// The commit an audit diagnostic is about; absent for every other command.
    #[serde(flatten)]
    pub provenance: Option<Provenance>,
}

/// The commit behind an audit diagnostic: JSON `commit` (full hash), `author` (as the
/// commit names them) and `date` (YYYY-MM-DD), SPEC §6.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub commit: String,
    pub author: String,
    pub date: String,
}

fn serialize_rule<S: serde::Serializer>(rule: &Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.id())
}

impl Diagnostic {
    /// A diagnostic pointing at `location` in `source`.
    pub fn at(rule: Rule, source: &Source, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            file: source.rel.clone(),
            line: location.line,
            column: location.column,
            help: String::new(),
            snippet: Some((location.line_text, location.width)),
            provenance: None,
        }
    }

    /// A diagnostic at a location already resolved in the file `file` (a version of a
    /// file that is not on disk, such as one from a commit).
    pub fn located(rule: Rule, file: impl Into<String>, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            line: location.line,
            column: location.column,
            snippet: Some((location.line_text, location.width)),
            ..Diagnostic::file(rule, file, message)
        }
    }

    /// A diagnostic about a whole file (or, with an empty `file`, the whole site).
    pub fn file(rule: Rule, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            file: file.into(),
            line: 0,
            column: 0,
            help: String::new(),
            snippet: None,
            provenance: None,
        }
    }

    /// Names the commit the diagnostic is about.
    pub fn provenance(mut self, provenance: Provenance) -> Self {
        self.provenance = Some(provenance);
        self
    }

    /// Adds the line that tells the user how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }
}

/// Severity overrides from `rules:` in charter.yaml.
pub type Overrides = HashMap<Rule, Severity>;

/// Applies overrides, drops rules that are off, and sorts by file, line and column.
pub fn finish(mut diagnostics: Vec<Diagnostic>, overrides: &Overrides) -> Vec<Diagnostic> {
    for d in &mut diagnostics {
        if let Some(severity) = overrides.get(&d.rule) {
            d.severity = *severity;
        }
    }
    diagnostics.retain(|d| d.severity != Severity::Off);
    // A total order: the rules' findings come in no fixed order (see `validate::Findings`).
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule, &a.message, &a.help, &a.snippet)
            .cmp(&(&b.file, b.line, b.column, b.rule, &b.message, &b.help, &b.snippet))
    });
    diagnostics.dedup();
    diagnostics
}

/// Counts of errors and warnings, for summaries and exit codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

impl Counts {
    /// Counts the diagnostics by severity.
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        let warnings = diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
        Counts { errors, warnings }
    }

    /// Whether the run must fail: errors, or warnings under `--deny-warnings`.
    pub fn fails(self, deny_warnings: bool) -> bool {
        self.errors > 0 || (deny_warnings && self.warnings > 0)
    }
}

/// The nearest candidate by edit distance, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&word_lower, &c.to_lowercase()), c))
        .filter(|(distance, c)| *distance <= (c.chars().count() / 3).max(2) && *distance < word.chars().count().max(2))
        .min_by_key(|(distance, c)| (*distance, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_typos_and_declines_strangers() {
        let fields = ["title", "product_owner", "acceptance_criteria", "status"];
        assert_eq!(did_you_mean("titel", fields), Some("title"));
        assert_eq!(did_you_mean("product_ownr", fields), Some("product_owner"));
        assert_eq!(did_you_mean("acceptance_criterias", fields), Some("acceptance_criteria"));
        assert_eq!(did_you_mean("Status", fields), Some("status"));
        assert_eq!(did_you_mean("colour", fields), None);
        assert_eq!(did_you_mean("x", fields), None);
    }

    #[test]
    fn finish_applies_overrides_and_sorts() {
        let a = Diagnostic::file(Rule::UnrankedStory, "b.md", "x");
        let b = Diagnostic::file(Rule::DualRole, "a.md", "y");
        let c = Diagnostic::file(Rule::BrokenLink, "a.md", "z");
        let overrides = Overrides::from([(Rule::UnrankedStory, Severity::Error)]);
        let out = finish(vec![a, b, c], &overrides);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].file, "a.md");
        assert_eq!(out[1].severity, Severity::Error);
    }
}
