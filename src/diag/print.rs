//! The three printers over the same diagnostics: human (compiler-like), JSON and
//! GitHub workflow commands.

use super::{Counts, Diagnostic, Severity};
use std::fmt::Write;

/// Output format of `check` (and of diagnostics printed by `build`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// Renders all diagnostics with a summary, ready to print.
pub fn render(diagnostics: &[Diagnostic], format: Format, color: bool) -> String {
    match format {
        Format::Human => human(diagnostics, color),
        Format::Json => json(diagnostics),
        Format::Github => github(diagnostics),
    }
}

struct Palette {
    error: &'static str,
    warning: &'static str,
    accent: &'static str,
    bold: &'static str,
    reset: &'static str,
}

impl Palette {
    fn new(color: bool) -> Palette {
        if color {
            Palette {
                error: "\x1b[1;31m",
                warning: "\x1b[1;33m",
                accent: "\x1b[1;34m",
                bold: "\x1b[1m",
                reset: "\x1b[0m",
            }
        } else {
            Palette { error: "", warning: "", accent: "", bold: "", reset: "" }
        }
    }

    fn of(&self, severity: Severity) -> &'static str {
        if severity == Severity::Error { self.error } else { self.warning }
    }
}

fn human(diagnostics: &[Diagnostic], color: bool) -> String {
    let p = Palette::new(color);
    let mut out = human_list(diagnostics, color);
    let counts = Counts::of(diagnostics);
    if counts.errors + counts.warnings > 0 {
        let _ = writeln!(out, "{}", summary(counts, &p));
    }
    out
}

/// Diagnostics in the human format without the closing count, for a caller that
/// counts them itself (a rebuild printing only its new warnings).
pub fn human_list(diagnostics: &[Diagnostic], color: bool) -> String {
    let p = Palette::new(color);
    let mut out = String::new();
    for d in diagnostics {
        human_one(&mut out, d, &p);
    }
    out
}

fn human_one(out: &mut String, d: &Diagnostic, p: &Palette) {
    let (sev, reset, accent, bold) = (p.of(d.severity), p.reset, p.accent, p.bold);
    let _ = writeln!(out, "{sev}{}[{}]{reset}{bold}: {}{reset}", d.severity.as_str(), d.rule.id(), d.message);
    let gutter = " ".repeat(d.line.max(1).to_string().len());
    if !d.file.is_empty() {
        let position = if d.line > 0 { format!(":{}:{}", d.line, d.column) } else { String::new() };
        let _ = writeln!(out, "{gutter}{accent}-->{reset} {}{position}", d.file);
    }
    if let Some((text, width)) = &d.snippet {
        let (shown, at, width) = window(&text.replace('\t', " "), d.column.saturating_sub(1), *width);
        let pad = " ".repeat(at);
        let _ = writeln!(out, "{gutter} {accent}|{reset}");
        let _ = writeln!(out, "{accent}{}{reset} {accent}|{reset} {shown}", d.line);
        let _ = writeln!(out, "{gutter} {accent}|{reset} {pad}{sev}{}{reset}", "^".repeat(width));
    }
    if !d.help.is_empty() {
        let _ = writeln!(out, "{gutter} {accent}={reset} {bold}help{reset}: {}", d.help);
    }
    out.push('\n');
}

/// The longest snippet shown whole, in characters: a minified or generated line of
/// megabytes would otherwise flood the terminal.
const SNIPPET_WIDTH: usize = 100;

/// The part of `line` worth showing around the span at character `column` (0-based) of
/// `width` characters: the whole line when short, else a window with `…` where it was cut.
/// Returns the text, the span's column in it and the span's width within it.
fn window(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let len = line.chars().count();
    if len <= SNIPPET_WIDTH {
        return (line.to_string(), column, width);
    }
    let start = column.saturating_sub(SNIPPET_WIDTH / 3).min(len.saturating_sub(SNIPPET_WIDTH));
    let end = (start + SNIPPET_WIDTH).min(len);
    let mut shown: String = line.chars().skip(start).take(end - start).collect();
    let lead = usize::from(start > 0);
    if start > 0 {
        shown.insert(0, '…');
    }
    if end < len {
        shown.push('…');
    }
    let at = column.saturating_sub(start) + lead;
    let width = width.min((end.saturating_sub(column)).max(1));
    (shown, at, width)
}

fn summary(counts: Counts, p: &Palette) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let text = format!("{}, {}", plural(counts.errors, "error"), plural(counts.warnings, "warning"));
    let colour = if counts.errors > 0 { p.error } else { p.warning };
    format!("{colour}{}{}: {text}", if counts.errors > 0 { "failed" } else { "passed with warnings" }, p.reset)
}

fn json(diagnostics: &[Diagnostic]) -> String {
    let counts = Counts::of(diagnostics);
    let value = serde_json::json!({
        "diagnostics": diagnostics,
        "errors": counts.errors,
        "warnings": counts.warnings,
    });
    format!("{value}\n")
}

fn github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let kind = if d.severity == Severity::Error { "error" } else { "warning" };
        let mut message = d.message.clone();
        if !d.help.is_empty() {
            message = format!("{message}\nhelp: {}", d.help);
        }
        let _ = writeln!(
            out,
            "::{kind} file={},line={},col={},title={}::{}",
            escape_property(&d.file),
            d.line,
            d.column,
            escape_property(d.rule.id()),
            escape_data(&message)
        );
    }
    out
}

/// Escaping of a workflow command's message, as GitHub's toolkit does it.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping of a workflow command's property values.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Rule;

    fn sample() -> Diagnostic {
        Diagnostic {
            rule: Rule::StoryOwnerRole,
            severity: Severity::Error,
            message: "story `CHK-12`: `alice` is not a product owner".into(),
            file: "backlog/CHK-12.md".into(),
            line: 4,
            column: 16,
            help: "product owners are: bob, eve".into(),
            snippet: Some(("product_owner: alice".into(), 5)),
            provenance: None,
        }
    }

    #[test]
    fn human_looks_like_a_compiler() {
        let text = render(&[sample()], Format::Human, false);
        assert_eq!(
            text,
            "error[story-owner-role]: story `CHK-12`: `alice` is not a product owner\n \
             --> backlog/CHK-12.md:4:16\n  |\n4 | product_owner: alice\n  |                ^^^^^\n  \
             = help: product owners are: bob, eve\n\nfailed: 1 error, 0 warnings\n"
        );
    }

    #[test]
    fn a_huge_line_is_shown_around_the_span() {
        let mut d = sample();
        d.snippet = Some((format!("{}product_owner: alice{}", "x".repeat(5000), "y".repeat(5000)), 5));
        d.column = 5016;
        let text = render(&[d], Format::Human, false);
        let shown = text.lines().nth(3).unwrap();
        let caret = text.lines().nth(4).unwrap();
        assert!(shown.chars().count() < 120, "{shown}");
        assert!(shown.starts_with("4 | …x") && shown.ends_with("y…"), "{shown}");
        let at = caret.find('^').unwrap() - "  | ".len();
        let under: String = shown["4 | ".len()..].chars().skip(at).take(5).collect();
        assert_eq!(under, "alice");
    }

    #[test]
    fn json_has_the_spec_shape() {
        let value: serde_json::Value = serde_json::from_str(&render(&[sample()], Format::Json, false)).unwrap();
        assert_eq!(value["errors"], 1);
        assert_eq!(value["warnings"], 0);
        let d = &value["diagnostics"][0];
        assert_eq!(d["rule"], "story-owner-role");
        assert_eq!(d["severity"], "error");
        assert_eq!(d["line"], 4);
        assert_eq!(d["column"], 16);
        assert_eq!(d.as_object().unwrap().len(), 7);
    }

    #[test]
    fn github_escapes_properties() {
        let mut d = sample();
        d.file = "a,b:c.md".into();
        let text = render(&[d], Format::Github, false);
        assert!(text.starts_with("::error file=a%2Cb%3Ac.md,line=4,col=16,title=story-owner-role::story"));
        assert!(text.contains("%0Ahelp: product owners"));
    }
}
