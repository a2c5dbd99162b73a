//! Rendering: the model -> every output file of SPEC §7, in memory. No I/O but
//! reading static assets; writing is `write`'s job, serving is `serve`'s.

mod affected;
mod burnup;
mod changes;
mod data;
mod docs;
mod fragments;
mod memo;
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
pub use data::is_data_file;
pub use fragments::Fragments;
pub use pages::Page;

/// What a build produces: output path (`/`-separated) -> bytes, in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// Shared paths: serve copies the map on every edit (11,600 paths at 10,000
    /// stories), which then costs no allocation per path.
    pub files: BTreeMap<Arc<str>, Arc<[u8]>>,
    /// The output paths of the site's attachments among `files` (those the pages link
    /// to or show): while they stay the same, an incremental render changes no path.
    pub assets: Vec<String>,
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
    render_changed(site, theme, options, (None, &Fragments::off()), None)
}

/// Told the new site as soon as the pages of an incremental render are made, before
/// its data files (`serve` announces it then): the last output with those pages in.
pub type PagesDone<'a> = Option<&'a (dyn Fn(Output) + Sync)>;

/// Renders the pages `affected` names and every list page and data file, taking the
/// other pages from `previous` (the output of the same site before the edit), and
/// unchanged list pages and items' parts of data files from `fragments` (which then
/// keeps this render's). When the render keeps the last one's paths, `pages_done` is
/// called between its pages and its data files (whose paths never end in `.html`).
pub fn render_changed(
    site: &Site,
    theme: &Theme,
    options: &Options,
    reuse: Reuse,
    pages_done: PagesDone,
) -> Result<Output, Vec<Diagnostic>> {
    let files: std::sync::Mutex<BTreeMap<Arc<str>, Arc<[u8]>>> = std::sync::Mutex::default();
    let made = || files.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let collect = |file: &str, bytes: Bytes| -> Result<(), std::convert::Infallible> {
        let bytes = match bytes {
            Bytes::Fresh(bytes) => Arc::from(bytes),
            Bytes::Kept(bytes) => bytes,
        };
        made().insert(Arc::from(file), bytes);
        Ok(())
    };
    let early = |handed: &Handed| {
        if let (Some(done), Some((previous, _)), true) = (pages_done, reuse.0, handed.changes_only) {
            let pages: Vec<(Arc<str>, Arc<[u8]>)> = made().iter().map(|(f, b)| (f.clone(), b.clone())).collect();
            done(Output { files: with_made(previous, pages, &handed.assets), assets: handed.assets.clone() });
        }
    };
    let handed = match render_into(site, theme, options, reuse, &collect, &early) {
        Ok(handed) => handed,
        Err(Stop::Invalid(diags)) => return Err(diags),
        Err(Stop::Sink(never)) => match never {},
    };
    let made = files.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let files = match (handed.changes_only, reuse.0) {
        (true, Some((previous, _))) => with_made(previous, made, &handed.assets),
        _ => made,
    };
    Ok(Output { files, assets: handed.assets })
}

/// The last output with the files made again replaced: the path map is copied (its
/// shared keys are not allocated again), but no kept page's path is looked up or
/// inserted.
/// Attachments win over pages and data files, as in a whole render.
fn with_made(
    previous: &Output,
    made: impl IntoIterator<Item = (Arc<str>, Arc<[u8]>)>,
    assets: &[String],
) -> BTreeMap<Arc<str>, Arc<[u8]>> {
    let mut files = previous.files.clone();
    let assets: std::collections::HashSet<&str> = assets.iter().map(String::as_str).collect();
    files.extend(made.into_iter().filter(|(file, _)| !assets.contains(&**file)));
    files
}

/// What a render handed to its sink.
#[derive(Debug)]
pub struct Handed {
    /// Only the files made again: an incremental render whose output has the same
    /// paths as the previous one (same pages, same data files, same attachments) hands
    /// over neither kept pages nor assets, which are the previous output's.
    pub changes_only: bool,
    /// The output paths of the site's attachments ([`Output::assets`]).
    pub assets: Vec<String>,
}

/// A file's bytes as a render hands them over: freshly rendered, or kept from the
/// previous output (serve), which is shared rather than copied.
pub enum Bytes {
    Fresh(Vec<u8>),
    Kept(Arc<[u8]>),
}

impl Bytes {
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Fresh(bytes) => bytes,
            Bytes::Kept(bytes) => bytes,
        }
    }
}

/// What an incremental render may take from the last one: its output with what the
/// edit affects, and the fragments it kept. A build reuses nothing (`None`, `Fragments::off`).
pub type Reuse<'a> = (Option<(&'a Output, &'a Affected)>, &'a Fragments);

/// Why a render into a sink stopped.
#[derive(Debug)]
pub enum Stop<E> {
    /// A template failed or a file could not be read: the diagnostics say why.
    Invalid(Vec<Diagnostic>),
    /// The sink refused a file (the disk is full...).
    Sink(E),
}

/// Renders every file of the site into `sink` as soon as it is made, so a build can
/// write pages out without ever holding the whole site in memory. Pages are handed
/// over from several threads at once; a later file with the same path replaces an
/// earlier one (attachments win over pages), except theme assets,
/// which never replace a file of the site. After an `Err`, what the sink received is
/// incomplete and must be thrown away. With a `previous` output whose paths this
/// render keeps, only the files made again are handed over (see [`Handed`]).
/// `pages_done` is called once every page is handed over, before the data files.
pub fn render_into<E: Send>(
    site: &Site,
    theme: &Theme,
    options: &Options,
    (previous, fragments): Reuse,
    sink: &(dyn Fn(&str, Bytes) -> Result<(), E> + Sync),
    pages_done: &(dyn Fn(&Handed) + Sync),
) -> Result<Handed, Stop<E>> {
    let plan = plan::Plan::kept(site, options.today, options.audience, (&fragments.plan, fragments.keep()));
    let mut history = options.history.as_deref().map(|h| audience::history(h, site, options.audience));
    let site = audience::filter(site, options.audience);
    let mut views = Views::new(&site, options.today, plan, (&fragments.views, fragments.keep()));
    if let Some(history) = &mut history {
        views.docs_updated = std::mem::take(&mut history.docs);
    }
    views.changes = history.map(|h| changes::entries(&views, &h));
    let common = pages::Common::new(&views, options);
    let list = pages::all(&views);
    let assets = published_assets(&views, fragments);
    let outputs: Vec<String> = assets.iter().map(|a| a.output.clone()).collect();
    // An incremental render has the pages of the last one (`Affected` asks for a full
    // render otherwise), so its paths are the same when its attachments are.
    let changes_only = previous.is_some_and(|(output, _)| output.assets == outputs);
    let handed = Handed { changes_only, assets: outputs };
    // Pages first, then the data files (pages end in `.html`, data files never do),
    // each handed over as soon as it is made. Both phases are parallel inside; running
    // them one after the other keeps the large list pages and the large data files out
    // of memory at the same time (peak memory, SPEC §10), and lets serve announce the
    // pages before the data files are made.
    let reuse = (previous, fragments);
    let mut written = render_pages(&views, &common, theme, &list, reuse, changes_only, sink)?;
    pages_done(&handed);
    let mut put = |file: String, bytes: Vec<u8>| {
        debug_assert!(data::is_data_file(&file), "{file}: a data file that data::is_data_file does not name");
        sink(&file, Bytes::Fresh(bytes))?;
        written.insert(file);
        Ok(())
    };
    data::write(&views, &list, options, (fragments, changes_only), &mut put).map_err(Stop::Sink)?;
    if !changes_only {
        write_assets(&assets, theme, &written, sink)?;
    }
    Ok(handed)
}

/// Hands over the site's attachments, then the theme's assets that no file of the
/// site replaces (`written`).
fn write_assets<E>(
    assets: &[&crate::model::StaticFile],
    theme: &Theme,
    written: &std::collections::HashSet<String>,
    sink: &(dyn Fn(&str, Bytes) -> Result<(), E> + Sync),
) -> Result<(), Stop<E>> {
    for asset in assets {
        let bytes = std::fs::read(&asset.path).map_err(|err| Stop::Invalid(vec![unreadable(&asset.rel, &err)]))?;
        sink(&asset.output, Bytes::Fresh(bytes)).map_err(Stop::Sink)?;
    }
    let site_assets: std::collections::HashSet<&str> = assets.iter().map(|a| a.output.as_str()).collect();
    for (file, asset) in &theme.assets {
        if written.contains(file) || site_assets.contains(file.as_str()) {
            continue;
        }
        let bytes = theme::asset_bytes(asset).map_err(|err| {
            Stop::Invalid(vec![
                Diagnostic::file(
                    Rule::InvalidValue,
                    format!("static/{file}"),
                    format!("cannot read static file: {err}"),
                )
                .help("check the file's permissions"),
            ])
        })?;
        sink(file, Bytes::Kept(bytes)).map_err(Stop::Sink)?;
    }
    Ok(())
}

/// Renders the pages in parallel into `sink`: those `previous` still holds are taken
/// from it, or not handed over at all with `changes_only`. Returns the paths written,
/// or every template error, sorted.
fn render_pages<E: Send>(
    views: &Views,
    common: &pages::Common,
    theme: &Theme,
    list: &[Page],
    (previous, fragments): Reuse,
    changes_only: bool,
    sink: &(dyn Fn(&str, Bytes) -> Result<(), E> + Sync),
) -> Result<std::collections::HashSet<String>, Stop<E>> {
    // One page per task: the list pages come first and take longest (the changelog,
    // the backlog), so none waits behind another on the same thread while the other
    // threads are done (serve renders a dozen pages an edit).
    let rendered: Vec<Result<Option<String>, Stop<E>>> = list
        .par_iter()
        .with_max_len(1)
        .map(|page| {
            let kept = previous.filter(|(_, affected)| !affected.includes(page));
            if kept.is_some() && changes_only {
                return Ok(None);
            }
            let file = page.file(views);
            let bytes = match kept.and_then(|(output, _)| output.files.get(file.as_str())) {
                Some(bytes) => Bytes::Kept(bytes.clone()),
                None => page.render(views, common, theme, fragments).map_err(|d| Stop::Invalid(vec![*d]))?,
            };
            sink(&file, bytes).map_err(Stop::Sink)?;
            Ok(Some(file))
        })
        .collect();
    let mut written = std::collections::HashSet::with_capacity(rendered.len());
    let mut errors = vec![];
    for result in rendered {
        match result {
            Ok(file) => {
                written.extend(file);
            }
            Err(Stop::Invalid(mut d)) => errors.append(&mut d),
            Err(stop @ Stop::Sink(_)) => return Err(stop),
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        errors.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.message == b.message);
        return Err(Stop::Invalid(errors));
    }
    Ok(written)
}

/// The assets that the pages of this build link to or show: an attachment that only
/// internal items name is not published in a public build. Each document's assets are
/// kept in `fragments` while the document is the same (the files links can lead to do
/// not change while fragments are kept).
fn published_assets<'a>(views: &Views<'a>, fragments: &Fragments) -> Vec<&'a crate::model::StaticFile> {
    let site = views.site;
    let docs: Vec<&Arc<crate::frontmatter::Document>> = site.pages().map(|p| p.shared_doc()).collect();
    let key = |n: usize| memo::Same(docs[n].clone());
    let assets = |n: usize| -> Arc<[String]> { views.links.assets_of(&docs[n].source.rel, docs[n].scan()).collect() };
    let of_each = fragments.assets.render(fragments.keep(), docs.len(), key, assets);
    let rels: std::collections::BTreeSet<&String> = of_each.iter().flat_map(|a| a.iter()).collect();
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
