//! Themes: the built-in `default` theme compiled into the binary, a site-local
//! `themes/NAME/`, and the site's `templates/` overrides, looked up in that order:
//! site templates/ > themes/NAME/templates/ > built-in.
//!
//! The built-in templates are always there, under `BUILTIN`, as Tera's fallback: a
//! name no layer above defines is the built-in one, and so is a component that an
//! overriding file does not define. A `components.html` copied from an older release
//! keeps working when the theme gains a component (`ui.changelog_entry`).

use crate::config::Config;
use crate::diag::{Diagnostic, Rule};
use crate::frontmatter::{Part, Seg};
use crate::load::{Inventory, TemplateFile};
use crate::model::StaticFile;
use crate::source::Source;
use std::collections::BTreeMap;
use std::sync::Arc;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));
}

/// Where a template's text came from, for diagnostics.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Shown in diagnostics: `templates/story.html`, `themes/x/templates/a.html` or
    /// `(built-in theme) story.html`.
    pub label: String,
    pub text: String,
}

/// A static file to copy: embedded bytes or a file of the site.
#[derive(Debug, Clone)]
pub enum Asset {
    Embedded(&'static [u8]),
    File(std::path::PathBuf),
}

/// The templates (compiled once) and static files of a build.
#[derive(Debug)]
pub struct Theme {
    pub tera: tera::Tera,
    pub sources: BTreeMap<String, TemplateSource>,
    /// Output path -> asset, later layers overriding earlier ones.
    pub assets: BTreeMap<String, Asset>,
}

/// The prefix of the built-in templates' names in Tera, which looks a name up under it
/// when no other layer has it, and gives components of other layers precedence.
const BUILTIN: &str = "(built-in)/";

/// The built-in templates by name (relative to `templates/`).
pub fn builtin_templates() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    embedded::FILES.iter().filter_map(|(path, bytes)| path.strip_prefix("templates/").map(|name| (name, *bytes)))
}

fn builtin_statics() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    embedded::FILES.iter().filter_map(|(path, bytes)| path.strip_prefix("static/").map(|name| (name, *bytes)))
}

impl Theme {
    /// Loads and compiles every template layer. Problems (unknown theme, unreadable or
    /// invalid templates) are diagnostics.
    pub fn load(config: &Config, inventory: &Inventory, site_statics: &[StaticFile]) -> Result<Theme, Vec<Diagnostic>> {
        let mut diags = vec![];
        if config.theme != "default" && inventory.theme_templates.is_empty() && !inventory.theme_dir_exists {
            let location = config.doc.locate(&[Seg::Key("theme".into())], Part::Value);
            let message = format!("theme `{}` not found: no folder themes/{}/ in the site", config.theme, config.theme);
            diags.push(
                Diagnostic::at(Rule::ConfigInvalid, &config.doc.source, location, message)
                    .help("use `theme: default` (built in), or create themes/NAME/templates/"),
            );
        }
        let mut sources = BTreeMap::new();
        for (name, bytes) in builtin_templates() {
            let text = String::from_utf8_lossy(bytes).into_owned();
            sources
                .insert(format!("{BUILTIN}{name}"), TemplateSource { label: format!("(built-in theme) {name}"), text });
        }
        for file in inventory.theme_templates.iter().chain(&inventory.templates) {
            match read_template(file) {
                Ok(source) => {
                    sources.insert(file.name.clone(), source);
                }
                Err(d) => diags.push(*d),
            }
        }
        let mut assets = BTreeMap::new();
        for (name, bytes) in builtin_statics() {
            assets.insert(name.to_owned(), Asset::Embedded(bytes));
        }
        for file in site_statics {
            assets.insert(file.output.clone(), Asset::File(file.path.clone()));
        }
        let mut tera = tera::Tera::new();
        let templates = sources.iter().map(|(name, s)| (name.as_str(), s.text.as_str()));
        let added = tera.set_fallback_prefixes([BUILTIN]).and_then(|()| tera.add_raw_templates(templates));
        if let Err(err) = added {
            diags.push(template_diagnostic(&err, &sources));
        }
        if diags.is_empty() { Ok(Theme { tera, sources, assets }) } else { Err(diags) }
    }

    /// Renders one template, turning a Tera error into a diagnostic at the template line.
    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String, Box<Diagnostic>> {
        self.tera.render(template, context).map_err(|err| Box::new(template_diagnostic(&err, &self.sources)))
    }
}

impl Theme {
    /// Renders one component (`ui.story_row`) with `args`, and `root` for the
    /// components that read it from their caller: the same HTML a template calling it
    /// writes. Serve keeps such pieces of the longest list pages between rebuilds.
    pub fn render_component(&self, name: &str, args: &tera::Context, root: &str) -> Result<String, Box<Diagnostic>> {
        let mut implicits = tera::Context::new();
        implicits.insert("root", root);
        self.tera
            .render_component_with_implicits(name, args, &implicits, None, true)
            .map_err(|err| Box::new(template_diagnostic(&err, &self.sources)))
    }
}

fn read_template(file: &TemplateFile) -> Result<TemplateSource, Box<Diagnostic>> {
    let label = file.rel.clone();
    let text = std::fs::read_to_string(&file.path).map_err(|err| {
        Box::new(
            Diagnostic::file(Rule::TemplateError, label.clone(), format!("cannot read template: {err}"))
                .help("templates must be readable UTF-8 text"),
        )
    })?;
    Ok(TemplateSource { label, text })
}

/// A Tera error as a diagnostic naming the template, line and what is at fault.
pub fn template_diagnostic(err: &tera::Error, sources: &BTreeMap<String, TemplateSource>) -> Diagnostic {
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => Some(report),
        _ => None,
    };
    let located = match report {
        Some(report) => {
            let span = report.span();
            let width = if span.start_line == span.end_line { span.end_col.saturating_sub(span.start_col) } else { 1 };
            let at = (span.start_line, span.start_col + 1, width);
            Some((report.message().to_owned(), report.filename().to_owned(), at))
        }
        None => match err.kind() {
            tera::ErrorKind::Msg(text) => parse_report(text),
            _ => None,
        },
    };
    let Some((message, name, (line, column, width))) = located else {
        let message = format!("template error: {err}");
        return Diagnostic::file(Rule::TemplateError, "", message)
            .help("check the site's templates/ and themes/ folders");
    };
    let (label, text) = sources.get(&name).map_or((name.clone(), String::new()), |s| (s.label.clone(), s.text.clone()));
    let source = Source::new(label, &name, text);
    let location = source.locate_line_col(line, column, width.max(1));
    let help = "fix the template, or remove the override to fall back to the built-in theme";
    let shown = name.strip_prefix(BUILTIN).unwrap_or(&name);
    Diagnostic::at(Rule::TemplateError, &source, location, format!("in template `{shown}`: {message}")).help(help)
}

/// Tera reports unknown filters, tests and functions (and blocks missing from the
/// parent) as a plain message holding its own formatted report, `error: MESSAGE`,
/// ` --> NAME:LINE:COLUMN`, the source line, then carets. The first report, as
/// (message, template name, (line, column, width)).
fn parse_report(text: &str) -> Option<(String, String, (usize, usize, usize))> {
    let mut lines = text.lines();
    let message = lines.next()?.strip_prefix("error: ")?.to_owned();
    let mut location = lines.next()?.trim_start().strip_prefix("--> ")?.rsplitn(3, ':');
    let column = location.next()?.parse().ok()?;
    let line = location.next()?.parse().ok()?;
    let name = location.next()?.to_owned();
    let width = lines.nth(2).map_or(1, |carets| carets.matches('^').count());
    Some((message, name, (line, column, width)))
}

/// Reads an asset's bytes.
pub fn asset_bytes(asset: &Asset) -> std::io::Result<Arc<[u8]>> {
    match asset {
        Asset::Embedded(bytes) => Ok(Arc::from(*bytes)),
        Asset::File(path) => std::fs::read(path).map(Arc::from),
    }
}
