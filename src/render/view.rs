//! View data for templates (see themes/default/CONTEXT.md), computed once per build:
//! cards, rows, figures and indexes that many pages share.

use super::memo::{Memo, Same};
use super::plan::{ExpectedView, ForecastView, Plan};
use crate::links::Resolver;
use crate::markdown;
use crate::metrics::{self, Health, Progress, Velocity, format_points};
use crate::model::*;
use crate::urls;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

/// A status or horizon word with its label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Badge {
    pub key: &'static str,
    pub label: String,
}

impl Badge {
    /// The badge of a keyword: `in-progress` -> "in progress".
    pub fn of<K: Keyword + PartialEq>(k: K) -> Badge {
        Badge { key: k.key(), label: k.key().replace('-', " ") }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonRef {
    pub id: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub id: String,
    pub title_html: String,
    pub title: String,
    pub url: String,
    pub internal: bool,
}

impl Link {
    /// A link from the parts of a row or card (which show the same as a link).
    pub fn to(id: &str, title_html: &str, title: &str, url: &str, internal: bool) -> Link {
        Link {
            id: id.to_owned(),
            title_html: title_html.to_owned(),
            title: title.to_owned(),
            url: url.to_owned(),
            internal,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgressView {
    #[serde(flatten)]
    pub progress: Progress,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InitiativeCard {
    pub id: String,
    pub title_html: String,
    pub title: String,
    pub url: String,
    pub status: Badge,
    pub horizon: Option<Badge>,
    pub timeframe: Option<String>,
    pub pm: Option<PersonRef>,
    pub outcome_html: Option<String>,
    pub progress: ProgressView,
    pub story_count: usize,
    pub internal: bool,
    pub shipped_on: Option<String>,
    /// Expected end, when there is a velocity and open work.
    pub forecast: Option<ForecastView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryRow {
    pub id: String,
    pub title_html: String,
    pub title: String,
    pub url: String,
    pub status: Badge,
    pub rank: Option<u32>,
    pub estimate: Option<String>,
    pub sprint: Option<Link>,
    pub initiative: Option<Link>,
    pub po: Option<PersonRef>,
    pub ready: bool,
    pub open: bool,
    pub internal: bool,
    /// Expected sprint of an open story, when there is a velocity.
    pub expected: Option<ExpectedView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthView {
    pub stories: usize,
    pub ready: usize,
    pub ready_points: String,
    pub sprints_of_ready_work: Option<String>,
    pub with_criteria_percent: u32,
    pub estimated_percent: u32,
    pub unranked: usize,
}

impl From<Health> for HealthView {
    fn from(h: Health) -> Self {
        HealthView {
            stories: h.stories,
            ready: h.ready,
            ready_points: format_points(h.ready_points),
            sprints_of_ready_work: h.sprints_of_ready_work.map(|s| format!("{s:.1}")),
            with_criteria_percent: h.with_criteria_percent,
            estimated_percent: h.estimated_percent,
            unranked: h.unranked,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SprintView {
    pub id: String,
    pub url: String,
    pub start: String,
    pub end: String,
    pub goal: Option<String>,
    pub done: String,
    pub planned: String,
    pub finished: bool,
    pub current: bool,
    pub story_count: usize,
}

/// An entry of the changelog (and of the feed): a done story or a shipped initiative.
#[derive(Clone, PartialEq, Serialize)]
pub struct ChangelogEntry {
    pub date: Option<String>,
    pub kind: &'static str,
    pub link: Link,
    pub status: Badge,
}

/// What a changelog entry shows besides its date: a story's row or an initiative's card.
#[derive(PartialEq)]
pub enum Shown {
    Row(Option<Shared<StoryRow>>),
    Card(Option<Shared<InitiativeCard>>),
}

/// A view many pages show (a story's row, an initiative's card), made once and kept
/// between serve rebuilds while what it shows is the same: clones share it, and equal
/// copies compare by address before field by field. A kept view also keeps its Tera
/// value (made on first use, never serialized again); a one-time build's does not, so
/// the build holds no second copy of every row.
#[derive(Debug)]
pub struct Shared<T>(Arc<(T, Option<OnceLock<tera::Value>>)>);

impl<T> Shared<T> {
    /// A view; `keep` (serve) also keeps its Tera value.
    pub fn new(view: T, keep: bool) -> Shared<T> {
        Shared(Arc::new((view, keep.then(OnceLock::new))))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0.0
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.0 == other.0.0
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0.1 {
            Some(value) => value.get_or_init(|| tera::Value::from_serializable(&self.0.0)).serialize(serializer),
            None => self.0.0.serialize(serializer),
        }
    }
}

/// What a story's row shows besides the story: its initiative (title, visibility)
/// and its expected sprint, as the forecast gives it (a calendar index, and whether it
/// is a lower bound: no strings are made to compare it, and a story whose sprint stays
/// keeps its row when an earlier one is re-estimated). People, sprints and today, hence
/// the calendar, do not change while rows are kept (the session drops them when
/// charter.yaml or the date change).
type RowKey = (Same<Story>, Option<Same<Initiative>>, Option<(usize, bool)>);

/// What an initiative's card shows besides the initiative: its stories' progress and
/// count, and its forecast.
type CardKey = (Same<Initiative>, Progress, usize, Option<ForecastView>);

/// The rows and cards of the last render, for the next.
#[derive(Default)]
pub struct Kept {
    rows: Memo<RowKey, Shared<StoryRow>>,
    cards: Memo<CardKey, Shared<InitiativeCard>>,
}

/// Everything shared between pages, computed once.
pub struct Views<'a> {
    pub site: &'a Site,
    pub today: Date,
    /// Where the relative links of bodies lead.
    pub links: Resolver<'a>,
    /// The cards and rows, in the site's order of initiatives and stories: walks over
    /// every item (data files) need no lookup, and one by id goes through the site's
    /// index ([`Views::card_of`], [`Views::row_of`]).
    pub ordered: (Vec<Shared<InitiativeCard>>, Vec<Shared<StoryRow>>),
    pub stories_by_po: HashMap<&'a str, Vec<&'a Arc<Story>>>,
    /// Sprint id -> the stories that name it (dropped ones too), in site order.
    pub stories_by_sprint: HashMap<&'a str, Vec<&'a Arc<Story>>>,
    pub velocity: Vec<Velocity>,
    pub average_velocity: Option<f64>,
    /// Story id -> stories that depend on it.
    pub story_dependents: HashMap<&'a str, Vec<&'a str>>,
    /// Initiative id -> initiatives that depend on it.
    pub initiative_dependents: HashMap<&'a str, Vec<&'a str>>,
    /// The forecast, computed over the whole site before filtering.
    pub plan: Arc<Plan>,
    /// What changed (SPEC §11), newest first, when the site has a history.
    pub changes: Option<super::changes::Changes>,
    /// The last commit that changed each docs page (by site path), from the history.
    pub docs_updated: BTreeMap<String, Arc<crate::history::Commit>>,
    /// Whether views are kept for the next render (serve), not one build's.
    keep: bool,
}

impl<'a> Views<'a> {
    /// Computes the shared views of a (filtered) site, taking the rows and cards whose
    /// inputs did not change from `kept` (which then keeps this render's).
    pub fn new(site: &'a Site, today: Date, plan: Arc<Plan>, (kept, keep): (&Kept, bool)) -> Views<'a> {
        let mut stories_by_po: HashMap<&str, Vec<&Arc<Story>>> = HashMap::new();
        let mut stories_by_sprint: HashMap<&str, Vec<&Arc<Story>>> = HashMap::new();
        for s in &site.stories {
            if let Some(po) = &s.product_owner {
                stories_by_po.entry(po.as_str()).or_default().push(s);
            }
            if let Some(sprint) = &s.sprint {
                stories_by_sprint.entry(sprint.as_str()).or_default().push(s);
            }
        }
        for list in stories_by_po.values_mut() {
            list.sort_by(|a, b| backlog_order(a, b));
        }
        let all: Vec<&Story> = site.stories.iter().map(|s| &**s).collect();
        let velocity = metrics::velocity(&site.config.sprints, &all, today);
        let average_velocity = metrics::average_velocity(&velocity);
        let mut story_dependents: HashMap<&str, Vec<&str>> = HashMap::new();
        for s in &site.stories {
            for d in &s.depends_on {
                story_dependents.entry(d.as_str()).or_default().push(s.id.as_str());
            }
        }
        let mut initiative_dependents: HashMap<&str, Vec<&str>> = HashMap::new();
        for i in &site.initiatives {
            for d in &i.depends_on {
                initiative_dependents.entry(d.as_str()).or_default().push(i.id.as_str());
            }
        }
        let mut views = Views {
            site,
            story_dependents,
            initiative_dependents,
            today,
            links: Resolver::new(site),
            ordered: (vec![], vec![]),
            stories_by_po,
            stories_by_sprint,
            velocity,
            average_velocity,
            plan,
            changes: None,
            docs_updated: BTreeMap::new(),
            keep,
        };
        views.ordered = (views.kept_cards(&kept.cards, keep), views.kept_rows(&kept.rows, keep));
        views
    }

    fn kept_rows(&self, memo: &Memo<RowKey, Shared<StoryRow>>, keep: bool) -> Vec<Shared<StoryRow>> {
        let stories = &self.site.stories;
        let key = |n: usize| {
            let s = &stories[n];
            let initiative = s.initiative.as_ref().and_then(|id| self.site.initiative(id.as_str()));
            let expected = self.plan.story_forecast(s).map(|f| (f.sprint, f.lower_bound));
            (Same(s.clone()), initiative.map(|i| Same(i.clone())), expected)
        };
        memo.render(keep, stories.len(), key, |n| Shared::new(self.story_row(&stories[n]), keep))
    }

    fn kept_cards(&self, memo: &Memo<CardKey, Shared<InitiativeCard>>, keep: bool) -> Vec<Shared<InitiativeCard>> {
        let initiatives = &self.site.initiatives;
        let key = |n: usize| {
            let i = &initiatives[n];
            let progress = metrics::progress(self.site.stories_of(&i.id).map(|s| &**s));
            (Same(i.clone()), progress, self.site.stories_of(&i.id).count(), self.plan.initiative(i))
        };
        memo.render(keep, initiatives.len(), key, |n| Shared::new(self.initiative_card(&initiatives[n]), keep))
    }

    /// A view shared by the pages of this render (see [`Shared`]).
    pub fn shared<T>(&self, view: T) -> Shared<T> {
        Shared::new(view, self.keep)
    }

    pub fn unsafe_html(&self) -> bool {
        self.site.config.unsafe_html
    }

    pub fn person_ref(&self, id: &PersonId) -> Option<PersonRef> {
        let p = self.site.person(id.as_str())?;
        Some(PersonRef {
            id: p.id.0.clone(),
            name: p.name.clone(),
            url: urls::page_file(&urls::item_folder("team", p.id.as_str())),
        })
    }

    pub fn initiative_link(&self, id: &InitiativeId) -> Option<Link> {
        let i = self.site.initiative(id.as_str())?;
        Some(self.link(i.id.as_str(), &i.title, "roadmap", i.visibility))
    }

    pub fn story_link(&self, id: &StoryId) -> Option<Link> {
        let s = self.site.story(id.as_str())?;
        Some(self.link(s.id.as_str(), &s.title, "backlog", s.visibility))
    }

    pub fn sprint_link(&self, id: &SprintId) -> Option<Link> {
        let s = self.site.sprint(id.as_str())?;
        let url = urls::page_file(&urls::item_folder("sprints", s.id.as_str()));
        Some(Link { id: s.id.0.clone(), title_html: s.id.0.clone(), title: s.id.0.clone(), url, internal: false })
    }

    fn link(&self, id: &str, title: &str, section: &str, visibility: Visibility) -> Link {
        Link {
            id: id.to_owned(),
            title_html: markdown::inline(title, self.unsafe_html()),
            title: markdown::plain(title),
            url: urls::page_file(&urls::item_folder(section, id)),
            internal: visibility == Visibility::Internal,
        }
    }

    fn story_row(&self, s: &Story) -> StoryRow {
        StoryRow {
            id: s.id.0.clone(),
            title_html: markdown::inline(&s.title, self.unsafe_html()),
            title: markdown::plain(&s.title),
            url: urls::page_file(&urls::item_folder("backlog", s.id.as_str())),
            status: Badge::of(s.status),
            rank: s.rank,
            estimate: s.estimate.map(format_points),
            sprint: s.sprint.as_ref().and_then(|id| self.sprint_link(id)),
            initiative: s.initiative.as_ref().and_then(|id| self.initiative_link(id)),
            po: s.product_owner.as_ref().and_then(|id| self.person_ref(id)),
            ready: !s.acceptance_criteria.is_empty(),
            open: s.status.is_open(),
            internal: s.visibility == Visibility::Internal,
            expected: self.plan.story(s),
        }
    }

    fn initiative_card(&self, i: &Initiative) -> InitiativeCard {
        let stories: Vec<&Arc<Story>> = self.site.stories_of(&i.id).collect();
        let progress = metrics::progress(stories.iter().map(|s| &***s));
        let label = progress_label(&progress);
        InitiativeCard {
            id: i.id.0.clone(),
            title_html: markdown::inline(&i.title, self.unsafe_html()),
            title: markdown::plain(&i.title),
            url: urls::page_file(&urls::item_folder("roadmap", i.id.as_str())),
            status: Badge::of(i.status),
            horizon: i.horizon.map(Badge::of),
            timeframe: i.timeframe.map(|t| t.to_string()),
            pm: i.product_manager.as_ref().and_then(|id| self.person_ref(id)),
            outcome_html: i.outcome.as_ref().map(|o| markdown::inline(o, self.unsafe_html())),
            progress: ProgressView { progress, label },
            story_count: stories.len(),
            internal: i.visibility == Visibility::Internal,
            shipped_on: i.shipped_on.map(|d| d.to_string()),
            forecast: self.plan.initiative(i),
        }
    }

    /// The card of the initiative with this id, if the site has one.
    pub fn card_of(&self, id: &str) -> Option<&Shared<InitiativeCard>> {
        self.ordered.0.get(self.site.initiative_at(id)?)
    }

    /// The row of the story with this id, if the site has one.
    pub fn row_of(&self, id: &str) -> Option<&Shared<StoryRow>> {
        self.ordered.1.get(self.site.story_at(id)?)
    }

    /// The card of an initiative of the site.
    pub fn card(&self, id: &str) -> Shared<InitiativeCard> {
        self.card_of(id).expect("every initiative of the site has a card").clone()
    }

    /// The row of a story of the site.
    pub fn row(&self, id: &str) -> Shared<StoryRow> {
        self.row_of(id).expect("every story of the site has a row").clone()
    }

    pub fn sprint_view(&self, sprint: &Sprint) -> SprintView {
        let v = self.velocity.iter().find(|v| v.sprint == sprint.id.0);
        let story_count = self.stories_by_sprint.get(sprint.id.as_str()).map_or(0, Vec::len);
        SprintView {
            id: sprint.id.0.clone(),
            url: urls::page_file(&urls::item_folder("sprints", sprint.id.as_str())),
            start: sprint.start.to_string(),
            end: sprint.end.to_string(),
            goal: sprint.goal.clone(),
            done: v.map_or("0".into(), |v| format_points(v.done)),
            planned: v.map_or("0".into(), |v| format_points(v.planned)),
            finished: sprint.end < self.today,
            current: sprint.start <= self.today && self.today <= sprint.end,
            story_count,
        }
    }
}

/// "14 of 21 points", "3 of 5 stories", "no stories yet".
pub fn progress_label(p: &Progress) -> String {
    if p.total_stories == 0 {
        return "no stories yet".into();
    }
    format!("{} of {} {}", format_points(p.done), format_points(p.total), p.unit)
}

/// Backlog order: open stories by rank, then unranked by id, then closed ones.
pub fn backlog_order(a: &Story, b: &Story) -> std::cmp::Ordering {
    a.backlog_order(b)
}
