//! The forecast as the pages show it: computed once per build over the whole site
//! (internal stories count, the work is real), then read for the items a page shows.
//! Public builds never name internal stories nor show a velocity that includes them.

use crate::forecast::{self, Forecast, InitiativeForecast, PlanSprint, StoryForecast};
use crate::metrics::format_points;
use crate::model::{Audience, Date, Initiative, InitiativeId, Site, Sprint, Story};
use crate::urls;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The forecast of a build.
pub struct Plan {
    pub forecast: Option<Forecast>,
    initiatives: HashMap<InitiativeId, InitiativeForecast>,
    /// Velocities include internal work: shown in internal builds only.
    show_velocity: bool,
}

/// An initiative's expected end, as cards, the timeline and roadmap.json show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastView {
    /// Expected sprint id (`LAST+n` beyond charter.yaml).
    pub sprint: String,
    /// Its page, when charter.yaml lists it.
    pub sprint_url: Option<String>,
    /// Last day of the expected sprint.
    pub end: String,
    /// "at least": unestimated open stories.
    pub lower_bound: bool,
    /// The end falls after the last day of the timeframe.
    pub at_risk: bool,
    /// Ready-made words: "2026-S24, ending 2027-01-10" (with "at least" first when so).
    pub label: String,
}

/// When an open story is expected done, for the backlog's "Expected" column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectedView {
    pub sprint: String,
    pub end: String,
    pub lower_bound: bool,
}

/// The last render's forecast and what it was made from, so that a render after an
/// edit that cannot move it (a title, a body) takes it instead of forecasting every
/// story again (serve).
#[derive(Default)]
pub struct KeptPlan(Mutex<Option<(Inputs, Arc<Plan>)>>);

/// What a forecast is made from: the date, the audience (velocities shown or not),
/// the sprints, the stories and the initiatives (held, so an unchanged one compares by
/// address).
pub struct Inputs {
    today: Date,
    audience: Audience,
    sprints: Vec<Sprint>,
    stories: Vec<Arc<Story>>,
    initiatives: Vec<Arc<Initiative>>,
}

impl Inputs {
    fn of(site: &Site, today: Date, audience: Audience) -> Inputs {
        Inputs {
            today,
            audience,
            sprints: site.config.sprints.clone(),
            stories: site.stories.clone(),
            initiatives: site.initiatives.clone(),
        }
    }

    /// Whether both give the same forecast: each story and initiative in the same
    /// place is the same, or equal in what the forecast reads of it.
    fn same_forecast(&self, other: &Inputs) -> bool {
        let story =
            |(a, b): (&Arc<Story>, &Arc<Story>)| Arc::ptr_eq(a, b) || a.forecast_inputs() == b.forecast_inputs();
        let initiative = |(a, b): (&Arc<Initiative>, &Arc<Initiative>)| {
            Arc::ptr_eq(a, b) || (&a.id, a.status.is_closed()) == (&b.id, b.status.is_closed())
        };
        (self.today, self.audience, &self.sprints) == (other.today, other.audience, &other.sprints)
            && self.stories.len() == other.stories.len()
            && self.stories.iter().zip(&other.stories).all(story)
            && self.initiatives.len() == other.initiatives.len()
            && self.initiatives.iter().zip(&other.initiatives).all(initiative)
    }
}

impl Plan {
    /// The forecast of `site` (unfiltered) at `today`, the last render's when its
    /// inputs are the same (`keep`: `kept` then holds this one).
    pub fn kept(site: &Site, today: Date, audience: Audience, (kept, keep): (&KeptPlan, bool)) -> Arc<Plan> {
        if !keep {
            return Arc::new(Plan::new(site, today, audience));
        }
        let inputs = Inputs::of(site, today, audience);
        let mut last = kept.0.lock().unwrap_or_else(|p| p.into_inner());
        let plan = match last.take() {
            Some((known, plan)) if known.same_forecast(&inputs) => plan,
            _ => Arc::new(Plan::new(site, today, audience)),
        };
        *last = Some((inputs, plan.clone()));
        plan
    }

    /// The forecast of `site` (unfiltered) at `today`.
    pub fn new(site: &Site, today: Date, audience: Audience) -> Plan {
        let stories: Vec<&Story> = site.stories.iter().map(|s| &**s).collect();
        let forecast = forecast::forecast(&site.config.sprints, &stories, today);
        let initiatives = forecast
            .as_ref()
            .map(|f| {
                let ends = site.initiatives.iter().filter(|i| !i.status.is_closed());
                ends.filter_map(|i| {
                    Some((i.id.clone(), forecast::initiative(f, site.stories_of(&i.id).map(|s| &**s))?))
                })
                .collect()
            })
            .unwrap_or_default();
        Plan { forecast, initiatives, show_velocity: audience == Audience::Internal }
    }

    /// The expected end of an initiative with this timeframe.
    pub fn initiative(&self, i: &Initiative) -> Option<ForecastView> {
        let end = self.initiatives.get(&i.id)?;
        let at_risk = i.timeframe.is_some_and(|t| forecast::at_risk(end, t));
        Some(ForecastView {
            sprint: end.sprint.id.clone(),
            sprint_url: sprint_url(&end.sprint),
            end: end.sprint.end.to_string(),
            lower_bound: end.lower_bound,
            at_risk,
            label: format!(
                "{}{}, ending {}",
                if end.lower_bound { "at least " } else { "" },
                end.sprint.id,
                end.sprint.end
            ),
        })
    }

    /// The expected sprint of an open story.
    pub fn story(&self, s: &Story) -> Option<ExpectedView> {
        let f = self.forecast.as_ref()?;
        let expected = self.story_forecast(s)?;
        let sprint = f.calendar.sprint(expected.sprint);
        Some(ExpectedView { sprint: sprint.id, end: sprint.end.to_string(), lower_bound: expected.lower_bound })
    }

    /// The forecast of an open story as computed: its sprint's index in the calendar.
    pub fn story_forecast(&self, s: &Story) -> Option<StoryForecast> {
        self.forecast.as_ref()?.stories.get(&s.id).copied()
    }

    /// What drives an initiative's end: per product owner, the latest of its visible
    /// open stories in their backlog, with the points up to it.
    pub fn drivers<'a>(&self, stories: impl IntoIterator<Item = &'a Story>) -> Vec<Driver<'a>> {
        let Some(f) = &self.forecast else { return vec![] };
        let mut latest: HashMap<&str, (&Story, forecast::StoryForecast)> = HashMap::new();
        for s in stories.into_iter().filter(|s| s.status.is_open()) {
            let (Some(po), Some(e)) = (&s.product_owner, f.stories.get(&s.id)) else { continue };
            let later = |(_, old): &(&Story, forecast::StoryForecast)| {
                (e.sprint, e.points_through) > (old.sprint, old.points_through)
            };
            if latest.get(po.as_str()).is_none_or(later) {
                latest.insert(po.as_str(), (s, *e));
            }
        }
        let mut drivers: Vec<Driver> = latest
            .into_iter()
            .map(|(po, (story, e))| Driver {
                po,
                story,
                points_through: format_points(e.points_through),
                sprint: f.calendar.sprint(e.sprint).id,
                index: e.sprint,
                velocity: self.show_velocity.then(|| f.velocity.get(po).map(|v| format_points(*v))).flatten(),
            })
            .collect();
        drivers.sort_by(|a, b| (b.index, a.po).cmp(&(a.index, b.po)));
        drivers
    }

    /// The sprint index of an initiative's end, for the burn-up chart.
    pub fn end_index(&self, id: &InitiativeId) -> Option<(usize, bool)> {
        self.initiatives.get(id).map(|e| (e.index, e.lower_bound))
    }

    /// The calendar's sprint `index` sprints from now.
    pub fn sprint(&self, index: usize) -> Option<PlanSprint> {
        self.forecast.as_ref().map(|f| f.calendar.sprint(index))
    }
}

/// One product owner's share in an initiative's forecast.
pub struct Driver<'a> {
    pub po: &'a str,
    pub story: &'a Story,
    pub points_through: String,
    pub sprint: String,
    pub index: usize,
    /// Points a sprint (internal builds only).
    pub velocity: Option<String>,
}

fn sprint_url(sprint: &PlanSprint) -> Option<String> {
    sprint.defined.then(|| urls::page_file(&urls::item_folder("sprints", &sprint.id)))
}
