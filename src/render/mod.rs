//! Rendering: the model -> every output file of SPEC §7, in memory. No I/O but
//! reading static assets; writing is `write`'s job, serving is `serve`'s.

mod affected;
mod burnup;
mod changes;
mod data;
mod docs;
mod fragments;
mod pages;
mod panel;
mod plan;
mod search;
mod svg;
pub mod view;

use crate::audience;
use crate::diag::{Diagnostic, Rule};
use crate::history::History;
use crate::model::{Audience, Date, Site};
use crate::theme::{self, Theme};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use view::Views;

pub use affected::Affected;
pub use fragments::Fragments;
pub use pages::Page;

/// What a build produces: output path (`/`-separated) -> bytes, in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub files: BTreeMap<String, Arc<[u8]>>,
}

/// Per-build choices that are not in the content.
#[derive(Debug, Clone)]
pub struct Options {
    pub audience: Audience,
    /// Absolute URL of the site root, ending in `/` (feed and sitemap only).
    pub base_url: String,
    /// The date sprints are judged finished or current against.
    pub today: Date,
    /// The site's git history, when it has one (SPEC §11): the changes pages.
    pub history: Option<Arc<History>>,
}

/// Renders the whole site. Any template error fails the whole render.
pub fn render(site: &Site, theme: &Theme, options: &Options) -> Result<Output, Vec<Diagnostic>> {
    render_changed(site, theme, options, None, &Fragments::off())
}

/// Renders the pages `affected` names and every list page and data file, taking the
/// other pages from `previous` (the output of the same site before the edit), and
/// unchanged list pages and items' parts of data files from `fragments` (which then
/// keeps this render's).
pub fn render_changed(
    site: &Site,
    theme: &Theme,
    options: &Options,
    previous: Option<(&Output, &Affected)>,
    fragments: &Fragments,
) -> Result<Output, Vec<Diagnostic>> {
    let plan = plan::Plan::new(site, options.today, options.audience);
    let history = options.history.as_deref().map(|h| audience::history(h, site, options.audience));
    let site = audience::filter(site, options.audience);
    let mut views = Views::new(&site, options.today, plan);
    if let Some(history) = &history {
        views.docs_updated = history.docs.clone();
    }
    views.changes = history.map(|h| changes::entries(&views, &h));
    let common = pages::Common::new(&views, options);
    let list = pages::all(&views);
    type Rendered = Result<(String, Arc<[u8]>), Box<Diagnostic>>;
    // Pages and data files are independent: render both at once.
    let (rendered, data): (Vec<Rendered>, _) = rayon::join(
        || {
            list.par_iter()
                .map(|page| {
                    let kept = previous.and_then(|(output, affected)| {
                        (!affected.includes(page)).then(|| output.files.get(&page.file(&views))).flatten()
                    });
                    if let Some(bytes) = kept {
                        return Ok((page.file(&views), bytes.clone()));
                    }
                    let html = page.render(&views, &common, theme, fragments)?;
                    Ok((page.file(&views), html))
                })
                .collect()
        },
        || data::files(&views, &list, options, fragments),
    );
    let mut output = Output::default();
    let mut errors = vec![];
    for result in rendered {
        match result {
            Ok((file, bytes)) => {
                output.files.insert(file, bytes);
            }
            Err(d) => errors.push(*d),
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        errors.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.message == b.message);
        return Err(errors);
    }
    for (file, bytes) in data {
        output.files.insert(file, Arc::from(bytes));
    }
    for asset in published_assets(&views) {
        let bytes = std::fs::read(&asset.path).map_err(|err| vec![unreadable(&asset.rel, &err)])?;
        output.files.insert(asset.output.clone(), Arc::from(bytes));
    }
    for (file, asset) in &theme.assets {
        let bytes = theme::asset_bytes(asset).map_err(|err| {
            vec![
                Diagnostic::file(
                    Rule::InvalidValue,
                    format!("static/{file}"),
                    format!("cannot read static file: {err}"),
                )
                .help("check the file's permissions"),
            ]
        })?;
        output.files.entry(file.clone()).or_insert(bytes);
    }
    Ok(output)
}

/// The assets that the pages of this build link to or show: an attachment that only
/// internal items name is not published in a public build.
fn published_assets<'a>(views: &Views<'a>) -> Vec<&'a crate::model::StaticFile> {
    let site = views.site;
    let mut rels = std::collections::BTreeSet::new();
    for doc in site.documents() {
        rels.extend(views.links.assets_of(&doc.source.rel, doc.scan()));
    }
    rels.iter()
        .filter_map(|rel| site.assets.binary_search_by(|a| a.rel.as_str().cmp(rel)).ok().map(|i| &site.assets[i]))
        .collect()
}

fn unreadable(rel: &str, err: &std::io::Error) -> Diagnostic {
    Diagnostic::file(Rule::InvalidValue, rel, format!("cannot read file: {err}")).help("check the file's permissions")
}

/// Escapes text for HTML and XML content and attribute values (the pages charter
/// writes itself: feed, sitemap, chart, docs navigation).
pub(crate) fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
