//! The pages of the site: which exist, where each is written, and the context each
//! template receives (themes/default/CONTEXT.md).

use super::docs::DocsNav;
use super::fragments::Fragments;
use super::view::{
    Badge, ChangelogEntry, InitiativeCard, Link, PersonRef, Shared, Shown, StoryRow, Views, backlog_order,
};
use super::{Bytes, Options, svg};
use crate::diag::Diagnostic;
use crate::links;
use crate::markdown::{self, Context as MdContext};
use crate::metrics::{self, format_points};
use crate::model::*;
use crate::theme::Theme;
use crate::urls;
use serde::Serialize;
use std::sync::Arc;
use tera::Context;

/// One HTML page of the site.
#[derive(Debug, Clone)]
pub enum Page<'a> {
    Home,
    Roadmap,
    Initiative(&'a Arc<Initiative>),
    Backlog,
    Story(&'a Arc<Story>),
    Team,
    Person(&'a Person),
    Sprints,
    Sprint(&'a Sprint),
    Doc(usize),
    Changelog,
    /// What changed on the roadmap (SPEC §11); only when the site has a history.
    Changes,
    NotFound,
}

/// Every page of a site, in a stable order.
pub fn all<'a>(views: &Views<'a>) -> Vec<Page<'a>> {
    let site = views.site;
    let mut pages =
        vec![Page::Home, Page::Roadmap, Page::Backlog, Page::Team, Page::Sprints, Page::Changelog, Page::NotFound];
    if views.changes.is_some() {
        pages.push(Page::Changes);
    }
    pages.extend(site.initiatives.iter().map(Page::Initiative));
    pages.extend(site.stories.iter().map(Page::Story));
    pages.extend(site.config.team.iter().map(Page::Person));
    pages.extend(site.config.sprints.iter().map(Page::Sprint));
    pages.extend((0..site.docs.len()).map(Page::Doc));
    pages
}

/// The parts of every page's context that do not depend on the page.
pub struct Common {
    site: SiteInfo,
    /// The path of base_url, used as the 404 page's root.
    base_path: String,
    docs_nav: DocsNav,
}

#[derive(Clone, PartialEq, Serialize)]
struct SiteInfo {
    title: String,
    description: Option<String>,
    audience: Audience,
    /// The page the Docs menu entry leads to (the docs home, else the first docs page).
    docs_url: Option<String>,
    /// Whether the build has a changes page (the menu links it).
    has_changes: bool,
    source_root: &'static str,
}

impl Common {
    pub fn new(views: &Views, options: &Options) -> Common {
        let config = &views.site.config;
        let docs_nav = DocsNav::new(&views.site.docs);
        let site = SiteInfo {
            title: config.title.clone(),
            description: config.description.clone(),
            audience: options.audience,
            docs_url: docs_nav.first().map(urls::page_file),
            has_changes: views.changes.is_some(),
            source_root: "",
        };
        Common { site, base_path: base_path(&options.base_url), docs_nav }
    }
}

/// The path part of a base URL (`https://x.example/roadmap/` -> `/roadmap/`).
fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    if path.ends_with('/') { path.to_owned() } else { format!("{path}/") }
}

impl<'a> Page<'a> {
    /// The output file of the page.
    pub fn file(&self, views: &Views) -> String {
        let folder = |section: &str, id: &str| urls::page_file(&urls::item_folder(section, id));
        match self {
            Page::Home => "index.html".into(),
            Page::Roadmap => "roadmap/index.html".into(),
            Page::Initiative(i) => folder("roadmap", i.id.as_str()),
            Page::Backlog => "backlog/index.html".into(),
            Page::Story(s) => folder("backlog", s.id.as_str()),
            Page::Team => "team/index.html".into(),
            Page::Person(p) => folder("team", p.id.as_str()),
            Page::Sprints => "sprints/index.html".into(),
            Page::Sprint(s) => folder("sprints", s.id.as_str()),
            Page::Doc(i) => urls::page_file(&views.site.docs[*i].url),
            Page::Changelog => "changelog/index.html".into(),
            Page::Changes => "changes/index.html".into(),
            Page::NotFound => "404.html".into(),
        }
    }

    /// The Markdown file the page is made from, if one.
    fn source<'s>(&'s self, views: &'s Views) -> Option<&'s str> {
        match self {
            Page::Initiative(i) => Some(&i.doc.source.rel),
            Page::Story(s) => Some(&s.doc.source.rel),
            Page::Doc(i) => Some(&views.site.docs[*i].doc.source.rel),
            _ => None,
        }
    }

    fn template(&self) -> &'static str {
        match self {
            Page::Home => "index.html",
            Page::Roadmap => "roadmap.html",
            Page::Initiative(_) => "initiative.html",
            Page::Backlog => "backlog.html",
            Page::Story(_) => "story.html",
            Page::Team => "team.html",
            Page::Person(_) => "person.html",
            Page::Sprints => "sprints.html",
            Page::Sprint(_) => "sprint.html",
            Page::Doc(_) => "doc.html",
            Page::Changelog => "changelog.html",
            Page::Changes => "changes.html",
            Page::NotFound => "404.html",
        }
    }

    fn section(&self) -> &'static str {
        match self {
            Page::Home => "home",
            Page::Roadmap | Page::Initiative(_) => "roadmap",
            Page::Backlog | Page::Story(_) => "backlog",
            Page::Team | Page::Person(_) => "team",
            Page::Sprints | Page::Sprint(_) => "sprints",
            Page::Doc(_) => "docs",
            Page::Changelog => "changelog",
            Page::Changes => "changes",
            Page::NotFound => "404",
        }
    }

    /// Whether the page lists items of the whole site (rendered on every rebuild).
    pub fn is_list(&self) -> bool {
        !matches!(self, Page::Initiative(_) | Page::Story(_) | Page::Person(_) | Page::Sprint(_) | Page::Doc(_))
    }

    /// Renders the page with its template; a list page is taken from `fragments` when
    /// its context is the last render's.
    pub fn render(
        &self,
        views: &Views,
        common: &Common,
        theme: &Theme,
        fragments: &Fragments,
    ) -> Result<Bytes, Box<Diagnostic>> {
        let file = self.file(views);
        let page = |title| self.page_vars(views, common, &file, title);
        let pieces = Pieces {
            theme,
            fragments,
            file: &file,
            root: urls::root_prefix(&file),
            has_forecast: views.plan.forecast.is_some(),
        };
        if let Some((title, vars)) = self.list_vars(views, pieces.file, fragments)? {
            let cx = ListContext { page: page(title), vars };
            let render = |cx: &mut ListContext| {
                cx.vars.make_pieces(&pieces)?;
                theme.render(self.template(), &cx.context())
            };
            return fragments.page(&file, cx, render).map(Bytes::Kept);
        }
        let mut cx = Context::new();
        let title = self.fill(&mut cx, (views, common), &pieces)?;
        cx.extend(Context::from_serialize(&page(title)).unwrap_or_default());
        Ok(Bytes::Fresh(theme.render(self.template(), &cx)?.into_bytes()))
    }

    /// The variables every page has.
    fn page_vars(&self, views: &Views, common: &Common, file: &str, page_title: String) -> PageVars {
        let root = if matches!(self, Page::NotFound) { common.base_path.clone() } else { urls::root_prefix(file) };
        PageVars {
            root,
            section: self.section(),
            site: common.site.clone(),
            edit_url: self.source(views).and_then(|rel| links::edit_url(views.site, rel)),
            page_title,
        }
    }

    /// A list page's plain-text title and own variables; `None` for item pages.
    fn list_vars(
        &self,
        views: &Views,
        file: &str,
        fragments: &Fragments,
    ) -> Result<Option<(String, ListVars)>, Box<Diagnostic>> {
        Ok(Some(match self {
            Page::Home => home(views),
            Page::Roadmap => roadmap(views, file)?,
            Page::Backlog => backlog(views, file)?,
            Page::Team => ("Team".into(), team(views)),
            Page::Sprints => ("Sprints".into(), sprints(views)),
            Page::Changelog => ("Changelog".into(), changelog(views, fragments)),
            Page::Changes => {
                let weeks = super::changes::weeks(views.changes.as_deref().unwrap_or_default());
                ("What changed".into(), ListVars::Changes { weeks, window_days: views.site.config.history.window_days })
            }
            Page::NotFound => ("Page not found".into(), ListVars::NotFound {}),
            Page::Initiative(_) | Page::Story(_) | Page::Person(_) | Page::Sprint(_) | Page::Doc(_) => return Ok(None),
        }))
    }

    /// Inserts an item page's own variables; returns its plain-text title.
    /// An error when a build cannot read the page's file again.
    fn fill(
        &self,
        cx: &mut Context,
        (views, common): (&Views, &Common),
        pieces: &Pieces,
    ) -> Result<String, Box<Diagnostic>> {
        let file = pieces.file;
        let site = views.site;
        Ok(match self {
            Page::Initiative(i) => initiative(cx, views, i, file)?,
            Page::Story(s) => story(cx, views, s, file)?,
            Page::Person(p) => person(cx, views, p),
            Page::Sprint(s) => sprint(cx, views, s, pieces)?,
            Page::Doc(i) => doc(cx, views, common, &site.docs[*i], file)?,
            _ => String::new(),
        })
    }
}

/// What a list page needs to render its items' HTML: each item through a component
/// of the theme (which a site may override), kept in `fragments` while its view is the
/// same.
struct Pieces<'a> {
    theme: &'a Theme,
    fragments: &'a Fragments,
    file: &'a str,
    root: String,
    has_forecast: bool,
}

impl Pieces<'_> {
    /// The HTML of every item (`(id, view)`) the page shows, each made by `component`
    /// from the arguments `args` gives.
    fn render<K: PartialEq + Clone + Send + Sync + 'static>(
        &self,
        component: &str,
        items: Vec<(String, K)>,
        args: impl Fn(&K) -> Context + Sync,
    ) -> Result<Vec<(K, Arc<str>)>, Box<Diagnostic>> {
        let render = |view: &K| self.theme.render_component(component, &args(view), &self.root);
        self.fragments.snippets(self.file, items, render)
    }
}

/// What is made from the items beside it in a page's context (their pieces), only when
/// the page is rendered: no part of the comparison that tells whether the page
/// changed, since those items are.
#[derive(Default, Serialize)]
#[serde(transparent)]
struct Made<T>(T);

impl<T> PartialEq for Made<T> {
    fn eq(&self, _: &Made<T>) -> bool {
        true
    }
}

impl ListVars {
    /// Makes the pieces of the items of a page about to be rendered.
    fn make_pieces(&mut self, pieces: &Pieces) -> Result<(), Box<Diagnostic>> {
        match self {
            ListVars::Backlog { backlogs, .. } => backlog_rows(backlogs, pieces),
            ListVars::Changelog { entries, months } => changelog_months(entries, months, pieces),
            _ => Ok(()),
        }
    }
}

/// Pieces as one string: each on a new line, indented as the default theme's lists are.
fn join<'p, K: 'p>(pieces: impl Iterator<Item = &'p (K, Arc<str>)> + Clone) -> String {
    let mut html = String::with_capacity(pieces.clone().map(|(_, p)| p.len() + 5).sum());
    for (_, piece) in pieces {
        html.push_str("\n    ");
        html.push_str(piece);
    }
    html
}

/// The variables every page's template gets.
#[derive(PartialEq, Serialize)]
struct PageVars {
    root: String,
    section: &'static str,
    site: SiteInfo,
    edit_url: Option<String>,
    page_title: String,
}

/// A list page's whole context, typed: serve compares it with the last render's to
/// know whether the page changed, field by field (and shared rows and cards by
/// address), which costs far less than comparing Tera values.
#[derive(PartialEq)]
pub struct ListContext {
    page: PageVars,
    vars: ListVars,
}

impl ListContext {
    fn context(&self) -> Context {
        let mut cx = Context::from_serialize(&self.vars).unwrap_or_default();
        cx.extend(Context::from_serialize(&self.page).unwrap_or_default());
        cx
    }
}

/// The own variables of each list page (themes/default/CONTEXT.md).
#[derive(PartialEq, Serialize)]
#[serde(untagged)]
enum ListVars {
    Home {
        vision_html: Option<String>,
        counts: Counts,
        now: Vec<Shared<InitiativeCard>>,
        shipped: Vec<Shared<InitiativeCard>>,
        latest_changes: Option<Vec<super::changes::ChangeEntry>>,
    },
    Roadmap {
        #[serde(flatten)]
        intro: IntroVars,
        columns: Vec<Column>,
        timeline: Option<Timeline>,
        shipped: Vec<Shared<InitiativeCard>>,
        dropped: Vec<Shared<InitiativeCard>>,
    },
    Backlog {
        #[serde(flatten)]
        intro: IntroVars,
        backlogs: Vec<PoBacklog>,
        has_forecast: bool,
    },
    Team {
        pms: Vec<PersonView>,
        pos: Vec<PersonView>,
        others: Vec<PersonView>,
    },
    Sprints {
        sprints: Vec<super::view::SprintView>,
        average_velocity: Option<String>,
        chart_svg: String,
    },
    Changelog {
        entries: Vec<Shared<ChangelogEntry>>,
        months: Made<Vec<Month>>,
    },
    Changes {
        weeks: Vec<super::changes::Week>,
        window_days: u32,
    },
    NotFound {},
}

/// The body of `doc` as HTML; an error when a build cannot read its file again.
fn body_html(
    views: &Views,
    doc: &crate::frontmatter::Document,
    file: &str,
) -> Result<markdown::Rendered, Box<Diagnostic>> {
    let from = &doc.source.rel;
    let links = |dest: &str, _| views.links.output_href(from, file, dest);
    let body = doc.body_to_render()?;
    let rendered = markdown::render(&body, &MdContext { links: &links, unsafe_html: views.unsafe_html() });
    doc.take_excerpt(&rendered.excerpt);
    Ok(rendered)
}

/// A section's intro (`_index.md`) on its list page.
#[derive(PartialEq, Serialize)]
struct IntroVars {
    intro_html: Option<String>,
    intro_title: Option<String>,
}

fn intro(views: &Views, intro: Option<&Arc<Intro>>, file: &str) -> Result<IntroVars, Box<Diagnostic>> {
    let html = intro.map(|i| body_html(views, &i.doc, file)).transpose()?.map(|r| r.html);
    Ok(IntroVars {
        intro_html: html.filter(|h| !h.trim().is_empty()),
        intro_title: intro.and_then(|i| i.title.clone()),
    })
}

fn cards<'a>(views: &Views, items: impl Iterator<Item = &'a Arc<Initiative>>) -> Vec<Shared<InitiativeCard>> {
    items.map(|i| views.card(i.id.as_str())).collect()
}

/// Board order: in progress first, then by timeframe and title.
fn board_order(a: &Initiative, b: &Initiative) -> std::cmp::Ordering {
    let key = |i: &Initiative| {
        (
            i.status != InitiativeStatus::InProgress,
            i.timeframe.is_none(),
            i.timeframe.map(|t| t.quarters().0),
            i.title.to_lowercase(),
        )
    };
    key(a).cmp(&key(b))
}

fn shipped_newest_first(site: &Site) -> Vec<&Arc<Initiative>> {
    let mut shipped: Vec<&Arc<Initiative>> =
        site.initiatives.iter().filter(|i| i.status == InitiativeStatus::Shipped).collect();
    shipped.sort_by(|a, b| (b.shipped_on, &a.id).cmp(&(a.shipped_on, &b.id)));
    shipped
}

fn is_now(i: &Initiative) -> bool {
    i.horizon == Some(Horizon::Now) && !i.status.is_closed()
}

#[derive(PartialEq, Serialize)]
struct Counts {
    initiatives: usize,
    now: usize,
    stories: usize,
    open_stories: usize,
    velocity: Option<String>,
}

fn home(views: &Views) -> (String, ListVars) {
    let site = views.site;
    let counts = Counts {
        initiatives: site.initiatives.len(),
        now: site.initiatives.iter().filter(|i| is_now(i)).count(),
        stories: site.stories.len(),
        open_stories: site.stories.iter().filter(|s| s.status.is_open()).count(),
        velocity: views.average_velocity.map(format_points),
    };
    let mut now: Vec<&Arc<Initiative>> = site.initiatives.iter().filter(|i| is_now(i)).collect();
    now.sort_by(|a, b| board_order(a, b));
    let vars = ListVars::Home {
        vision_html: site.config.vision.as_ref().map(|v| markdown::inline(v, views.unsafe_html())),
        counts,
        now: cards(views, now.into_iter()),
        shipped: cards(views, shipped_newest_first(site).into_iter().take(5)),
        latest_changes: views.changes.as_deref().map(|all| super::changes::latest(all, 5)),
    };
    (site.config.title.clone(), vars)
}

#[derive(PartialEq, Serialize)]
struct Column {
    key: &'static str,
    label: &'static str,
    initiatives: Vec<Shared<InitiativeCard>>,
}

#[derive(PartialEq, Serialize)]
struct Timeline {
    periods: Vec<String>,
    rows: Vec<TimelineRow>,
}

#[derive(PartialEq, Serialize)]
struct TimelineRow {
    initiative: Shared<InitiativeCard>,
    start: usize,
    span: usize,
}

fn roadmap(views: &Views, file: &str) -> Result<(String, ListVars), Box<Diagnostic>> {
    let site = views.site;
    let columns: Vec<Column> = [(Horizon::Now, "Now"), (Horizon::Next, "Next"), (Horizon::Later, "Later")]
        .into_iter()
        .map(|(horizon, label)| {
            let mut items: Vec<&Arc<Initiative>> =
                site.initiatives.iter().filter(|i| i.horizon == Some(horizon) && !i.status.is_closed()).collect();
            items.sort_by(|a, b| board_order(a, b));
            Column { key: horizon.key(), label, initiatives: cards(views, items.into_iter()) }
        })
        .collect();
    let vars = ListVars::Roadmap {
        intro: intro(views, site.roadmap_intro.as_ref(), file)?,
        columns,
        timeline: timeline(views),
        shipped: cards(views, shipped_newest_first(site).into_iter()),
        dropped: cards(views, site.initiatives.iter().filter(|i| i.status == InitiativeStatus::Dropped)),
    };
    Ok((site.roadmap_intro.as_ref().and_then(|i| i.title.clone()).unwrap_or_else(|| "Roadmap".into()), vars))
}

fn timeline(views: &Views) -> Option<Timeline> {
    type Quarter = (u16, u8);
    let mut items: Vec<(&Arc<Initiative>, (Quarter, Quarter))> = views
        .site
        .initiatives
        .iter()
        .filter(|i| i.status != InitiativeStatus::Dropped)
        .filter_map(|i| i.timeframe.map(|t| (i, t.quarters())))
        .collect();
    let first = items.iter().map(|(_, (a, _))| *a).min()?;
    let last = items.iter().map(|(_, (_, b))| *b).max()?;
    let index = |(y, q): (u16, u8)| (usize::from(y) - usize::from(first.0)) * 4 + usize::from(q) - usize::from(first.1);
    let periods = (0..=index(last)).map(|n| {
        let q = usize::from(first.1) - 1 + n;
        format!("{}-Q{}", usize::from(first.0) + q / 4, q % 4 + 1)
    });
    items.sort_by(|(a, ra), (b, rb)| (ra, &a.title).cmp(&(rb, &b.title)));
    let rows = items
        .into_iter()
        .map(|(i, (a, b))| TimelineRow {
            initiative: views.card(i.id.as_str()),
            start: index(a) + 1,
            span: index(b) - index(a) + 1,
        })
        .collect();
    Some(Timeline { periods: periods.collect(), rows })
}

#[derive(Serialize)]
struct StoryGroup {
    status: Badge,
    stories: Vec<Shared<StoryRow>>,
}

#[derive(Serialize)]
struct InitiativePage {
    #[serde(flatten)]
    card: InitiativeCard,
    pos: Vec<PersonRef>,
    metrics: Vec<Metric>,
    body_html: String,
    stories_by_status: Vec<StoryGroup>,
    depends_on: Vec<Link>,
    dependents: Vec<Link>,
    tags: Vec<String>,
    source: String,
    forecast: super::panel::ForecastPanel,
}

fn initiative(cx: &mut Context, views: &Views, i: &Initiative, file: &str) -> Result<String, Box<Diagnostic>> {
    let stories: Vec<&Arc<Story>> = views.site.stories_of(&i.id).collect();
    let order =
        [StoryStatus::InProgress, StoryStatus::Ready, StoryStatus::Backlog, StoryStatus::Done, StoryStatus::Dropped];
    let groups = order
        .into_iter()
        .map(|status| {
            let mut of_status: Vec<&Arc<Story>> = stories.iter().copied().filter(|s| s.status == status).collect();
            of_status.sort_by(|a, b| backlog_order(a, b));
            StoryGroup {
                status: Badge::of(status),
                stories: of_status.iter().map(|s| views.row(s.id.as_str())).collect(),
            }
        })
        .filter(|g| !g.stories.is_empty())
        .collect();
    let dependents = views.initiative_dependents.get(i.id.as_str()).into_iter().flatten();
    let page = InitiativePage {
        card: (*views.card(i.id.as_str())).clone(),
        pos: i.product_owners.iter().filter_map(|p| views.person_ref(p)).collect(),
        metrics: i.metrics.clone(),
        body_html: body_html(views, &i.doc, file)?.html,
        stories_by_status: groups,
        depends_on: i.depends_on.iter().filter_map(|d| views.initiative_link(d)).collect(),
        dependents: dependents.filter_map(|d| views.initiative_link(&InitiativeId((*d).to_owned()))).collect(),
        tags: i.tags.clone(),
        source: i.doc.source.rel.clone(),
        forecast: super::panel::panel(views, i),
    };
    cx.insert("initiative", &page);
    cx.insert("history", &views.changes.as_ref().map(|all| all.of_initiative(i.id.as_str())));
    Ok(markdown::plain(&i.title))
}

#[derive(PartialEq, Serialize)]
struct PoBacklog {
    po: PersonRef,
    reports_to: Option<PersonRef>,
    health: super::view::HealthView,
    stories: Vec<Shared<StoryRow>>,
    /// The stories' rows, each as `ui.story_row` writes it.
    rows_html: Made<String>,
}

fn backlog(views: &Views, file: &str) -> Result<(String, ListVars), Box<Diagnostic>> {
    let site = views.site;
    let mut owners: Vec<&Person> =
        site.config.team.iter().filter(|p| p.is_po() || views.stories_by_po.contains_key(p.id.as_str())).collect();
    owners.sort_by(|a, b| (a.name.to_lowercase(), &a.id).cmp(&(b.name.to_lowercase(), &b.id)));
    let backlogs: Vec<PoBacklog> = owners
        .into_iter()
        .filter_map(|p| {
            let stories = views.stories_by_po.get(p.id.as_str()).map(Vec::as_slice).unwrap_or_default();
            Some(PoBacklog {
                po: views.person_ref(&p.id)?,
                reports_to: p.reports_to.as_ref().and_then(|b| views.person_ref(b)),
                health: metrics::health(stories.iter().map(|s| &***s), views.average_velocity).into(),
                stories: stories.iter().filter(|s| s.status.is_open()).map(|s| views.row(s.id.as_str())).collect(),
                rows_html: Made::default(),
            })
        })
        .collect();
    let has_forecast = views.plan.forecast.is_some();
    let vars = ListVars::Backlog { intro: intro(views, site.backlog_intro.as_ref(), file)?, backlogs, has_forecast };
    Ok((site.backlog_intro.as_ref().and_then(|i| i.title.clone()).unwrap_or_else(|| "Backlog".into()), vars))
}

/// Each backlog's rows, as `ui.story_row` writes them in the backlog's table.
fn backlog_rows(backlogs: &mut [PoBacklog], pieces: &Pieces) -> Result<(), Box<Diagnostic>> {
    let row_args = |row: &Shared<StoryRow>| {
        let mut args = Context::new();
        args.insert("s", row);
        args.insert("expected", &pieces.has_forecast);
        args
    };
    let rows = backlogs.iter().flat_map(|b| &b.stories).map(|r| (r.url.clone(), r.clone())).collect();
    let html = pieces.render("ui.story_row", rows, row_args)?;
    let mut start = 0;
    for b in backlogs {
        b.rows_html = Made(join(html[start..start + b.stories.len()].iter()));
        start += b.stories.len();
    }
    Ok(())
}

#[derive(Serialize)]
struct Criterion {
    html: String,
    done: bool,
}

#[derive(Serialize)]
struct StoryPage {
    #[serde(flatten)]
    row: StoryRow,
    criteria: Vec<Criterion>,
    body_html: String,
    depends_on: Vec<Link>,
    blocks: Vec<Link>,
    done_on: Option<String>,
    tags: Vec<String>,
    source: String,
}

fn story(cx: &mut Context, views: &Views, s: &Story, file: &str) -> Result<String, Box<Diagnostic>> {
    let done = s.status == StoryStatus::Done;
    let blocks = views.story_dependents.get(s.id.as_str()).into_iter().flatten();
    let page = StoryPage {
        row: (*views.row(s.id.as_str())).clone(),
        criteria: s
            .acceptance_criteria
            .iter()
            .map(|c| Criterion { html: markdown::inline(c, views.unsafe_html()), done })
            .collect(),
        body_html: body_html(views, &s.doc, file)?.html,
        depends_on: s.depends_on.iter().filter_map(|d| views.story_link(d)).collect(),
        blocks: blocks.filter_map(|d| views.story_link(&StoryId((*d).to_owned()))).collect(),
        done_on: s.done_on.map(|d| d.to_string()),
        tags: s.tags.clone(),
        source: s.doc.source.rel.clone(),
    };
    cx.insert("story", &page);
    Ok(format!("{}: {}", s.id, markdown::plain(&s.title)))
}

#[derive(PartialEq, Serialize)]
struct PersonView {
    id: String,
    name: String,
    url: String,
    roles: Vec<String>,
    is_pm: bool,
    is_po: bool,
    both_hats: bool,
    reports_to: Option<PersonRef>,
    reports: Vec<PersonRef>,
    initiatives: Vec<Shared<InitiativeCard>>,
    stories_open: usize,
    stories_total: usize,
}

fn person_view(views: &Views, p: &Person) -> PersonView {
    let site = views.site;
    let stories = views.stories_by_po.get(p.id.as_str()).map(Vec::as_slice).unwrap_or_default();
    let mut owned: Vec<&Arc<Initiative>> =
        site.initiatives.iter().filter(|i| i.product_manager.as_ref() == Some(&p.id)).collect();
    owned.sort_by(|a, b| board_order(a, b));
    PersonView {
        id: p.id.0.clone(),
        name: p.name.clone(),
        url: urls::page_file(&urls::item_folder("team", p.id.as_str())),
        roles: p.roles.clone(),
        is_pm: p.is_pm(),
        is_po: p.is_po(),
        both_hats: p.is_pm() && p.is_po(),
        reports_to: p.reports_to.as_ref().and_then(|b| views.person_ref(b)),
        reports: site
            .config
            .team
            .iter()
            .filter(|r| r.reports_to.as_ref() == Some(&p.id))
            .filter_map(|r| views.person_ref(&r.id))
            .collect(),
        initiatives: cards(views, owned.into_iter()),
        stories_open: stories.iter().filter(|s| s.status.is_open()).count(),
        stories_total: stories.len(),
    }
}

fn team(views: &Views) -> ListVars {
    let team = &views.site.config.team;
    let of =
        |keep: fn(&Person) -> bool| team.iter().filter(|p| keep(p)).map(|p| person_view(views, p)).collect::<Vec<_>>();
    ListVars::Team { pms: of(Person::is_pm), pos: of(Person::is_po), others: of(|p| !p.is_pm() && !p.is_po()) }
}

fn person(cx: &mut Context, views: &Views, p: &Person) -> String {
    #[derive(Serialize)]
    struct PersonPage {
        #[serde(flatten)]
        view: PersonView,
        stories: Vec<Shared<StoryRow>>,
        docs: Vec<Link>,
    }
    let stories = views.stories_by_po.get(p.id.as_str()).map(Vec::as_slice).unwrap_or_default();
    let docs = views.site.docs.iter().filter(|d| d.owner.as_ref() == Some(&p.id));
    let page = PersonPage {
        view: person_view(views, p),
        stories: stories.iter().map(|s| views.row(s.id.as_str())).collect(),
        docs: docs
            .map(|d| Link {
                id: d.url.clone(),
                title_html: markdown::inline(&d.title, views.unsafe_html()),
                title: markdown::plain(&d.title),
                url: urls::page_file(&d.url),
                internal: d.visibility == Visibility::Internal,
            })
            .collect(),
    };
    cx.insert("person", &page);
    p.name.clone()
}

fn sprints(views: &Views) -> ListVars {
    let mut sprints: Vec<&Sprint> = views.site.config.sprints.iter().collect();
    sprints.sort_by(|a, b| (b.start, &b.id).cmp(&(a.start, &a.id)));
    ListVars::Sprints {
        sprints: sprints.into_iter().map(|s| views.sprint_view(s)).collect(),
        average_velocity: views.average_velocity.map(format_points),
        chart_svg: svg::velocity_chart(&views.velocity, views.average_velocity),
    }
}

fn sprint(cx: &mut Context, views: &Views, s: &Sprint, pieces: &Pieces) -> Result<String, Box<Diagnostic>> {
    #[derive(Serialize)]
    struct SprintPage {
        #[serde(flatten)]
        view: super::view::SprintView,
        stories: Vec<Shared<StoryRow>>,
        /// The stories' rows, each as `ui.story_row` writes it in the sprint's table.
        rows_html: String,
    }
    let mut stories: Vec<&Arc<Story>> = views.stories_by_sprint.get(s.id.as_str()).cloned().unwrap_or_default();
    stories.sort_by_key(|st| (st.status, st.rank, st.id.clone()));
    let row_args = |row: &Shared<StoryRow>| {
        let mut args = Context::new();
        args.insert("s", row);
        args.insert("rank", &false);
        args.insert("po", &true);
        args.insert("sprint", &false);
        args
    };
    let rows = stories.iter().map(|st| views.row(st.id.as_str())).map(|r| (r.url.clone(), r)).collect();
    let rows = pieces.render("ui.story_row", rows, row_args)?;
    let page = SprintPage {
        view: views.sprint_view(s),
        rows_html: join(rows.iter()),
        stories: rows.into_iter().map(|(row, _)| row).collect(),
    };
    cx.insert("sprint", &page);
    Ok(format!("Sprint {}", s.id))
}

fn doc(cx: &mut Context, views: &Views, common: &Common, d: &DocPage, file: &str) -> Result<String, Box<Diagnostic>> {
    #[derive(Serialize)]
    struct DocView {
        title: String,
        url: String,
        body_html: String,
        headings: Vec<markdown::Heading>,
        owner: Option<PersonRef>,
        source: String,
        tags: Vec<String>,
        /// When the page's file last changed in git, and by whom (team names only).
        updated: Option<Updated>,
    }
    #[derive(Serialize)]
    struct Updated {
        date: String,
        who: String,
    }
    let rendered = body_html(views, &d.doc, file)?;
    let commit = views.docs_updated.get(&d.doc.source.rel);
    let view = DocView {
        title: d.title.clone(),
        url: urls::page_file(&d.url),
        body_html: rendered.html,
        headings: rendered.headings,
        owner: d.owner.as_ref().and_then(|o| views.person_ref(o)),
        source: d.doc.source.rel.clone(),
        tags: d.tags.clone(),
        updated: commit.map(|c| Updated { date: c.date.to_string(), who: super::changes::who(views, c) }),
    };
    cx.insert("doc", &view);
    let (prev, next) = common.docs_nav.neighbours(&d.url);
    cx.insert("nav_html", &common.docs_nav.html(&d.url, &urls::root_prefix(file)));
    cx.insert("prev", &prev);
    cx.insert("next", &next);
    Ok(d.title.clone())
}

/// The changelog's entries of one month (`YYYY-MM`, or `undated`), newest first.
#[derive(PartialEq, Serialize)]
struct Month {
    month: String,
    /// The entries, each as `ui.changelog_entry` writes it.
    entries_html: String,
}

/// Every entry of the changelog, each kept from the last render while its row or card
/// (a kept one is the same allocation) and its date are the same: the page and its
/// pieces then compare thousands of entries by address.
fn changelog(views: &Views, fragments: &Fragments) -> ListVars {
    let done = changelog_order(views);
    let key = |n: usize| {
        let (date, kind, id) = done[n];
        let shown = match kind {
            "initiative" => Shown::Card(views.card_of(id).cloned()),
            _ => Shown::Row(views.row_of(id).cloned()),
        };
        (date, shown)
    };
    let entry = |n: usize| changelog_entry(views, done[n]).map(|e| views.shared(e));
    let entries = fragments.changelog.render(fragments.keep(), done.len(), key, entry).into_iter().flatten().collect();
    ListVars::Changelog { entries, months: Made::default() }
}

/// The entries by month, each as `ui.changelog_entry` writes it; the entries become
/// the ones kept with their HTML (whose Tera values are made already).
fn changelog_months(
    entries: &mut Vec<Shared<ChangelogEntry>>,
    months: &mut Made<Vec<Month>>,
    pieces: &Pieces,
) -> Result<(), Box<Diagnostic>> {
    let args = |e: &Shared<ChangelogEntry>| {
        let mut args = Context::new();
        args.insert("e", e);
        args
    };
    let items = entries.iter().map(|e| (e.link.url.clone(), e.clone())).collect();
    let made = pieces.render("ui.changelog_entry", items, args)?;
    let month = |e: &ChangelogEntry| e.date.as_ref().map_or("undated", |d| d.get(..7).unwrap_or(d)).to_owned();
    let mut start = 0;
    for (n, (e, _)) in made.iter().enumerate() {
        if made.get(n + 1).is_none_or(|(next, _)| month(next) != month(e)) {
            months.0.push(Month { month: month(e), entries_html: join(made[start..=n].iter()) });
            start = n + 1;
        }
    }
    *entries = made.into_iter().map(|(e, _)| e).collect();
    Ok(())
}

/// Shipped initiatives and done stories, newest first (undated ones last), at most
/// `limit` (the feed's few are made without making all the others).
pub fn changelog_entries(views: &Views, limit: usize) -> Vec<ChangelogEntry> {
    changelog_order(views).into_iter().filter_map(|done| changelog_entry(views, done)).take(limit).collect()
}

/// A changelog entry's place: its date, kind and id.
type Done<'a> = (Option<Date>, &'static str, &'a str);

/// Shipped initiatives and done stories in the changelog's order: newest first,
/// undated ones last.
fn changelog_order<'a>(views: &Views<'a>) -> Vec<Done<'a>> {
    let site = views.site;
    let mut done: Vec<Done> = vec![];
    for i in site.initiatives.iter().filter(|i| i.status == InitiativeStatus::Shipped) {
        done.push((i.shipped_on, "initiative", i.id.as_str()));
    }
    for s in site.stories.iter().filter(|s| s.status == StoryStatus::Done) {
        let date = s.done_on.or_else(|| s.sprint.as_ref().and_then(|id| site.sprint(id.as_str())).map(|sp| sp.end));
        done.push((date, "story", s.id.as_str()));
    }
    done.sort_by_key(|&(date, kind, id)| (std::cmp::Reverse(date.is_some()), std::cmp::Reverse(date), kind, id));
    done
}

/// The entry of a done story or shipped initiative, from its row or card.
fn changelog_entry(views: &Views, (date, kind, id): Done) -> Option<ChangelogEntry> {
    let (link, status) = match kind {
        "initiative" => {
            let card = views.card_of(id)?;
            (Link::to(&card.id, &card.title_html, &card.title, &card.url, card.internal), card.status.clone())
        }
        _ => {
            let row = views.row_of(id)?;
            (Link::to(&row.id, &row.title_html, &row.title, &row.url, row.internal), row.status.clone())
        }
    };
    Some(ChangelogEntry { date: date.map(|d| d.to_string()), kind, link, status })
}
