//! The Forecast panel of an initiative page: expected sprint and date, on track or at
//! risk, which product owners' backlogs drive it, and the burn-up chart's figures.

use super::burnup::{self, BurnUp};
use super::plan::ForecastView;
use super::view::{Link, PersonRef, Views};
use crate::dates;
use crate::model::{Initiative, PersonId, Sprint, Story, StoryStatus};
use serde::Serialize;
use std::sync::Arc;

/// What the panel shows.
#[derive(Serialize)]
pub struct ForecastPanel {
    /// `forecast`, `no-velocity` (no measured sprint yet), `nothing-open` (no open
    /// stories), or `closed` (shipped or dropped).
    state: &'static str,
    forecast: Option<ForecastView>,
    /// Last day of the timeframe, when there is one.
    timeframe_end: Option<String>,
    drivers: Vec<DriverView>,
    burnup_svg: Option<String>,
}

/// One product owner's backlog driving the end.
#[derive(Serialize)]
struct DriverView {
    po: Option<PersonRef>,
    story: Option<Link>,
    rank: Option<u32>,
    /// Points of the owner's open stories up to and including `story`.
    points_through: String,
    sprint: String,
    /// Points a sprint (internal builds only: it counts internal work).
    velocity: Option<String>,
}

/// The panel of initiative `i`, from the stories the build shows.
pub fn panel(views: &Views, i: &Initiative) -> ForecastPanel {
    let stories: Vec<&Arc<Story>> = views.site.stories_of(&i.id).collect();
    let forecast = views.plan.initiative(i);
    let state = if i.status.is_closed() {
        "closed"
    } else if views.plan.forecast.is_none() {
        "no-velocity"
    } else if forecast.is_none() {
        "nothing-open"
    } else {
        "forecast"
    };
    let drivers = views.plan.drivers(stories.iter().map(|s| &***s));
    ForecastPanel {
        state,
        forecast,
        timeframe_end: i.timeframe.map(|t| dates::timeframe_end(t).to_string()),
        drivers: drivers
            .into_iter()
            .map(|d| DriverView {
                po: views.person_ref(&PersonId(d.po.to_owned())),
                story: views.story_link(&d.story.id),
                rank: d.story.rank,
                points_through: d.points_through,
                sprint: d.sprint,
                velocity: d.velocity,
            })
            .collect(),
        burnup_svg: burn_up(views, i, &stories).map(|b| burnup::chart(&b)),
    }
}

/// Scope and done points over the sprints that have started since the initiative's
/// first planned story, then the forecast sprints to its expected end.
fn burn_up(views: &Views, i: &Initiative, stories: &[&Arc<Story>]) -> Option<BurnUp> {
    let live: Vec<&Story> = stories.iter().map(|s| &***s).filter(|s| s.status != StoryStatus::Dropped).collect();
    let scope = points(live.iter().copied());
    if scope <= 0.0 {
        return None;
    }
    let (labels, done) = done_by_sprint(views, &live);
    let (ahead, lower_bound) = match views.plan.end_index(&i.id) {
        Some((end, lower_bound)) => {
            let sprints = (0..=end).filter_map(|k| views.plan.sprint(k));
            (sprints.filter(|s| s.start > views.today).map(|s| s.id).collect(), lower_bound)
        }
        None => (vec![], false),
    };
    Some(BurnUp { labels, done, scope, ahead, lower_bound })
}

/// Done points at the end of each started sprint, from the first holding a story of
/// the initiative. A done story outside those sprints counts from the start, and the
/// latest sprint shows every done point, as the progress bar does.
fn done_by_sprint(views: &Views, live: &[&Story]) -> (Vec<String>, Vec<f64>) {
    let mut started: Vec<&Sprint> = views.site.config.sprints.iter().filter(|s| s.start <= views.today).collect();
    started.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    let planned = |s: &&Sprint| live.iter().any(|story| story.sprint.as_ref() == Some(&s.id));
    let started = &started[started.iter().position(planned).unwrap_or(started.len().saturating_sub(1))..];
    let done: Vec<&Story> = live.iter().copied().filter(|s| s.status == StoryStatus::Done).collect();
    let sprint_of = |s: &Story| s.sprint.as_ref().and_then(|id| started.iter().position(|sprint| sprint.id == *id));
    let mut labels = vec![];
    let mut sums = vec![];
    for (n, sprint) in started.iter().enumerate() {
        let last = n + 1 == started.len();
        labels.push(sprint.id.0.clone());
        sums.push(points(done.iter().copied().filter(|s| last || sprint_of(s).is_none_or(|k| k <= n))));
    }
    if labels.is_empty() {
        labels.push("now".to_owned());
        sums.push(points(done.iter().copied()));
    }
    (labels, sums)
}

fn points<'a>(stories: impl Iterator<Item = &'a Story>) -> f64 {
    stories.map(|s| s.estimate.unwrap_or(0.0)).fold(0.0, |a, b| a + b)
}
