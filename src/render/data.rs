//! The data files of a build: roadmap.json, the search index (search.rs), feed.xml, sitemap.xml.
//! Built with serde_json and an escaping XML writer, so no front-matter text can break them.

use super::changes::{self, ChangeEntry};
use super::fragments::{self, Fragments};
use super::memo::Same;
use super::pages::{Page, changelog_entries};
use super::plan::{ExpectedView, ForecastView};
use super::view::{InitiativeCard, StoryRow, Views};
use super::{Options, escape_markup};
use crate::history::{Field, ItemKind};
use crate::metrics::{Progress, Velocity};
use crate::model::*;
use serde::Serialize;

/// Where each data file goes as soon as it is made: (output path, bytes).
pub type Put<'a, E> = dyn FnMut(String, Vec<u8>) -> Result<(), E> + 'a;

/// Whether `path` is one of the data files [`write`] makes (a render's other files are
/// pages, attachments and theme assets): the files serve's partial snapshot lacks.
pub fn is_data_file(path: &str) -> bool {
    let shard = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    matches!(
        path,
        "roadmap.json" | "feed.xml" | "sitemap.xml" | "changes.xml" | "search-index.json" | "search-index.js"
    ) || path.strip_prefix("search-text-").and_then(|rest| rest.strip_suffix(".js")).is_some_and(shard)
}

/// Makes every data file, handing each to `put` as soon as it is made: roadmap.json
/// (with the feeds and the sitemap made beside it), then the search index's files.
/// The two large JSON parts are made one after the other, each in parallel inside, so
/// that they are never in memory at the same time (peak memory, SPEC §10). With
/// `same_paths` (an incremental render with the last one's pages), the sitemap, which
/// lists only those, is the last one's and is not made.
pub fn write<E>(
    views: &Views,
    pages: &[Page],
    options: &Options,
    (fragments, same_paths): (&Fragments, bool),
    put: &mut Put<E>,
) -> Result<(), E> {
    let (roadmap, (feed, sitemap)) = rayon::join(
        || roadmap_json(views, options, fragments),
        || rayon::join(|| feed(views, options), || (!same_paths).then(|| sitemap(views, pages, options))),
    );
    put("roadmap.json".into(), roadmap)?;
    put("feed.xml".into(), feed.into_bytes())?;
    if let Some(sitemap) = sitemap {
        put("sitemap.xml".into(), sitemap.into_bytes())?;
    }
    if let Some(entries) = &views.changes {
        put("changes.xml".into(), changes::feed(views, entries, options).into_bytes())?;
    }
    super::search::write(views, fragments, put)
}

/// The fields of `roadmap.json` before `initiatives`, `stories` and `history`, which
/// [`roadmap_json`] appends in that order (the first two from per-item fragments).
#[derive(Serialize)]
struct RoadmapHead<'a> {
    title: &'a str,
    base_url: &'a str,
    audience: Audience,
    team: Vec<PersonJson<'a>>,
    sprints: Vec<SprintJson<'a>>,
}

/// One change of the history, without links or markup.
#[derive(Serialize)]
struct HistoryJson<'a> {
    commit: &'a str,
    date: &'a str,
    kind: &'a str,
    item_kind: ItemKind,
    id: &'a str,
    title: &'a str,
    field: Field,
    before: Option<&'a str>,
    after: Option<&'a str>,
    who: &'a str,
}

fn history_json(entries: &[ChangeEntry]) -> Vec<HistoryJson<'_>> {
    entries
        .iter()
        .map(|e| HistoryJson {
            commit: &e.commit,
            date: &e.date,
            kind: e.kind,
            item_kind: e.item_kind,
            id: &e.id,
            title: &e.title,
            field: e.field,
            before: e.before.as_deref(),
            after: e.after.as_deref(),
            who: &e.who,
        })
        .collect()
}

#[derive(Serialize)]
struct PersonJson<'a> {
    id: &'a str,
    name: &'a str,
    roles: &'a [String],
    reports_to: Option<&'a str>,
}

#[derive(Serialize)]
struct SprintJson<'a> {
    id: &'a str,
    start: Date,
    end: Date,
    goal: Option<&'a str>,
    #[serde(flatten)]
    velocity: Option<&'a Velocity>,
}

#[derive(Serialize)]
struct InitiativeJson<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    product_manager: Option<&'a str>,
    product_owners: Vec<&'a str>,
    horizon: Option<Horizon>,
    status: InitiativeStatus,
    timeframe: Option<Timeframe>,
    outcome: Option<&'a str>,
    metrics: &'a [Metric],
    depends_on: Vec<&'a str>,
    shipped_on: Option<Date>,
    tags: &'a [String],
    visibility: Visibility,
    progress: Progress,
    /// Expected end (SPEC §12), null without a velocity or open stories.
    forecast: Option<&'a ForecastView>,
}

#[derive(Serialize)]
struct StoryJson<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    product_owner: Option<&'a str>,
    initiative: Option<&'a str>,
    status: StoryStatus,
    rank: Option<u32>,
    estimate: Option<f64>,
    sprint: Option<&'a str>,
    acceptance_criteria: &'a [String],
    depends_on: Vec<&'a str>,
    done_on: Option<Date>,
    tags: &'a [String],
    visibility: Visibility,
    /// Expected sprint of an open story, null without a velocity.
    expected: Option<&'a ExpectedView>,
}

/// `roadmap.json`: `{title, base_url, audience, team, sprints, initiatives, stories,
/// history}`, each initiative and story a fragment kept while its item, URL, progress
/// and forecast stay the same.
fn roadmap_json(views: &Views, options: &Options, fragments: &Fragments) -> Vec<u8> {
    let site = views.site;
    let head = RoadmapHead {
        title: &site.config.title,
        base_url: &options.base_url,
        audience: options.audience,
        team: site
            .config
            .team
            .iter()
            .map(|p| PersonJson {
                id: p.id.as_str(),
                name: &p.name,
                roles: &p.roles,
                reports_to: p.reports_to.as_ref().map(|r| r.as_str()),
            })
            .collect(),
        sprints: site
            .config
            .sprints
            .iter()
            .map(|s| SprintJson {
                id: s.id.as_str(),
                start: s.start,
                end: s.end,
                goal: s.goal.as_deref(),
                velocity: views.velocity.iter().find(|v| v.sprint == s.id.0),
            })
            .collect(),
    };
    let (initiatives, stories) = (&site.initiatives, &site.stories);
    let (cards, rows) = &views.ordered;
    let (initiatives, stories) = rayon::join(
        || {
            let key = |n: usize| (Same(initiatives[n].clone()), views.ordered.0[n].clone());
            let render = |n: usize| fragments::json(&initiative_json(&initiatives[n], &cards[n])).into();
            fragments.initiative_json.render(fragments.keep(), initiatives.len(), key, render)
        },
        || {
            let key = |n: usize| (Same(stories[n].clone()), views.ordered.1[n].clone());
            let render = |n: usize| fragments::json(&story_json(&stories[n], &rows[n])).into();
            fragments.story_json.render(fragments.keep(), stories.len(), key, render)
        },
    );
    let mut bytes = fragments::json(&head).into_bytes();
    bytes.pop(); // the head's closing brace: the object goes on
    bytes.extend_from_slice(b",\"initiatives\":");
    fragments::json_array(&mut bytes, &initiatives);
    bytes.extend_from_slice(b",\"stories\":");
    fragments::json_array(&mut bytes, &stories);
    // What changed (SPEC §11), newest first; `null` when the site has no history.
    bytes.extend_from_slice(b",\"history\":");
    bytes.extend_from_slice(fragments::json(&views.changes.as_deref().map(history_json)).as_bytes());
    bytes.extend_from_slice(b"}\n");
    bytes
}

fn initiative_json<'a>(i: &'a Initiative, card: &'a InitiativeCard) -> InitiativeJson<'a> {
    InitiativeJson {
        id: i.id.as_str(),
        title: &i.title,
        url: card.url.clone(),
        product_manager: i.product_manager.as_ref().map(|p| p.as_str()),
        product_owners: i.product_owners.iter().map(|p| p.as_str()).collect(),
        horizon: i.horizon,
        status: i.status,
        timeframe: i.timeframe,
        outcome: i.outcome.as_deref(),
        metrics: &i.metrics,
        depends_on: i.depends_on.iter().map(|d| d.as_str()).collect(),
        shipped_on: i.shipped_on,
        tags: &i.tags,
        visibility: i.visibility,
        progress: card.progress.progress.clone(),
        forecast: card.forecast.as_ref(),
    }
}

fn story_json<'a>(s: &'a Story, row: &'a StoryRow) -> StoryJson<'a> {
    StoryJson {
        id: s.id.as_str(),
        title: &s.title,
        url: row.url.clone(),
        product_owner: s.product_owner.as_ref().map(|p| p.as_str()),
        initiative: s.initiative.as_ref().map(|i| i.as_str()),
        status: s.status,
        rank: s.rank,
        estimate: s.estimate,
        sprint: s.sprint.as_ref().map(|x| x.as_str()),
        acceptance_criteria: &s.acceptance_criteria,
        depends_on: s.depends_on.iter().map(|d| d.as_str()).collect(),
        done_on: s.done_on,
        tags: &s.tags,
        visibility: s.visibility,
        expected: row.expected.as_ref(),
    }
}

/// How many entries the feed keeps.
const FEED_ENTRIES: usize = 50;

fn feed(views: &Views, options: &Options) -> String {
    let base = &options.base_url;
    let entries: Vec<_> = changelog_entries(views, FEED_ENTRIES).into_iter().filter(|e| e.date.is_some()).collect();
    let updated = entries.first().and_then(|e| e.date.clone()).unwrap_or_else(|| "1970-01-01".into());
    let title = escape_markup(&views.site.config.title);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{title} changelog</title>\n  <id>{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n  <updated>{updated}T00:00:00Z</updated>\n  <author><name>{title}</name></author>\n  <generator>charter</generator>\n",
        escape_markup(&format!("{base}changelog/")),
        escape_markup(&format!("{base}feed.xml")),
        escape_markup(&format!("{base}changelog/"))
    );
    for e in entries {
        let url = format!("{base}{}", e.link.url.trim_end_matches("index.html"));
        let what = if e.kind == "initiative" { "Shipped" } else { "Done" };
        out.push_str(&format!(
            "  <entry>\n    <title>{what}: {}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{} {}</summary>\n  </entry>\n",
            escape_markup(&e.link.title),
            escape_markup(&url),
            escape_markup(&url),
            e.date.unwrap_or_default(),
            e.kind,
            escape_markup(&e.link.id)
        ));
    }
    out.push_str("</feed>\n");
    out
}

fn sitemap(views: &Views, pages: &[Page], options: &Options) -> String {
    let mut urls: Vec<String> = pages.iter().filter(|p| !matches!(p, Page::NotFound)).map(|p| p.file(views)).collect();
    urls.sort();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for file in urls {
        let loc = format!("{}{}", options.base_url, file.trim_end_matches("index.html"));
        out.push_str(&format!("  <url><loc>{}</loc></url>\n", escape_markup(&loc)));
    }
    out.push_str("</urlset>\n");
    out
}
