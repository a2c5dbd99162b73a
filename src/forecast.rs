//! The forecast of SPEC §12, where the product owners' order and velocity meet the
//! product managers' timeframes: per-owner velocity, the sprint each open story is
//! expected in, and each initiative's expected end. Pure functions over the model,
//! beside `metrics`; validation and the pages consume the plain data they return.

use crate::dates;
use crate::metrics::{self, Velocity};
use crate::model::{Date, PersonId, Sprint, Story, StoryId, StoryStatus, Timeframe};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One sprint of the forecast's calendar: a sprint of charter.yaml, or one after the
/// last of them, continued with its length.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSprint {
    /// The sprint's id; `LAST+n` for the nth sprint after the last one of charter.yaml.
    pub id: String,
    pub start: Date,
    pub end: Date,
    /// Listed in charter.yaml (so it has a page).
    pub defined: bool,
}

/// The sprints from the one holding today on: index 0 is the current sprint (or the
/// next one). Sprints past the last of charter.yaml are made on demand; a gap between
/// two sprints of charter.yaml is filled the same way (work goes on between them).
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    upcoming: Vec<PlanSprint>,
    last: PlanSprint,
    /// Days of each made-up sprint (the last defined sprint's length).
    length: i64,
    /// Which made-up sprint (1 = the first after `last`) is index `upcoming.len()`.
    first_extra: i64,
}

impl Calendar {
    /// The calendar at `today`; `None` without sprints.
    pub fn new(sprints: &[Sprint], today: Date) -> Option<Calendar> {
        let mut ordered: Vec<&Sprint> = sprints.iter().collect();
        ordered.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
        let last = *ordered.last()?;
        let length = dates::sprint_days(last);
        let behind = dates::days_between(last.end, today);
        let first_extra = if behind <= 0 { 1 } else { (behind + length - 1) / length };
        let upcoming = with_gaps_filled(&ordered, today).into_iter().filter(|s| s.end >= today).collect();
        Some(Calendar { upcoming, last: defined(last), length, first_extra })
    }

    /// The sprint `index` sprints from now.
    pub fn sprint(&self, index: usize) -> PlanSprint {
        if let Some(s) = self.upcoming.get(index) {
            return s.clone();
        }
        let (n, start) = self.made_up(index);
        PlanSprint {
            id: format!("{}+{n}", self.last.id),
            start,
            end: dates::add_days(start, self.length - 1),
            defined: false,
        }
    }

    /// The last day of the sprint `index` sprints from now (without naming it).
    pub fn end(&self, index: usize) -> Date {
        match self.upcoming.get(index) {
            Some(s) => s.end,
            None => dates::add_days(self.made_up(index).1, self.length - 1),
        }
    }

    /// The number (after `last`) and first day of the made-up sprint at `index`.
    fn made_up(&self, index: usize) -> (i64, Date) {
        let n = self.first_extra + (index - self.upcoming.len()) as i64;
        (n, dates::add_days(self.last.end, 1 + (n - 1) * self.length))
    }
}

/// The most sprints made up for one gap: about forty years of two-week sprints, so a
/// typo'd year cannot make millions of them.
const MAX_GAP_SPRINTS: i64 = 1000;

fn defined(s: &Sprint) -> PlanSprint {
    PlanSprint { id: s.id.0.clone(), start: s.start, end: s.end, defined: true }
}

/// The sprints of charter.yaml in order, each gap after one filled with sprints of its
/// length (`ID+1`, `ID+2`, ..., the last cut short at the next sprint's start), from the
/// one holding `today` on.
fn with_gaps_filled(ordered: &[&Sprint], today: Date) -> Vec<PlanSprint> {
    let mut out = vec![];
    for (n, s) in ordered.iter().enumerate() {
        out.push(defined(s));
        let Some(next) = ordered.get(n + 1) else { break };
        let length = dates::sprint_days(s);
        let skipped = (dates::days_between(s.end, today) / length).max(0);
        for k in skipped + 1..=skipped + MAX_GAP_SPRINTS {
            let start = dates::add_days(s.end, 1 + (k - 1) * length);
            if start >= next.start {
                break;
            }
            let end = dates::add_days(start, length - 1).min(dates::add_days(next.start, -1));
            out.push(PlanSprint { id: format!("{}+{k}", s.id), start, end, defined: false });
        }
    }
    out
}

/// When one open story is expected to be done.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StoryForecast {
    /// Calendar index of the expected sprint (0 = the current one).
    pub sprint: usize,
    /// Points of its owner's open stories up to and including this one, in backlog order.
    pub points_through: f64,
    /// An unestimated story at or before it (or before a story it waits for) makes
    /// the sprint a lower bound: "at least".
    pub lower_bound: bool,
}

/// The forecast of a whole site.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub calendar: Calendar,
    /// The team's average velocity (SPEC §7).
    pub team_velocity: f64,
    /// The velocity each product owner's backlog is forecast with.
    pub velocity: HashMap<PersonId, f64>,
    pub stories: HashMap<StoryId, StoryForecast>,
}

/// The forecast of `stories` (every story of the site, public and internal alike: the
/// work is real); `None` until a measured sprint gives a velocity above zero.
pub fn forecast(sprints: &[Sprint], stories: &[&Story], today: Date) -> Option<Forecast> {
    let velocities = metrics::velocity(sprints, stories, today);
    let team_velocity = metrics::average_velocity(&velocities).filter(|v| *v > 0.0)?;
    let calendar = Calendar::new(sprints, today)?;
    let measured: Vec<&str> = metrics::measured_sprints(&velocities).iter().map(|v| v.sprint.as_str()).collect();
    let velocity = owner_velocities(stories, &measured, team_velocity);
    let mut expected = own_order(stories, &velocity);
    after_dependencies(&mut expected, stories);
    Some(Forecast { calendar, team_velocity, velocity, stories: expected })
}

/// Each product owner's velocity: the average of their done points over the measured
/// sprints, or the team's when they did none there.
fn owner_velocities(stories: &[&Story], measured: &[&str], team: f64) -> HashMap<PersonId, f64> {
    let mut done: HashMap<&PersonId, f64> = HashMap::new();
    for s in stories {
        if let Some(po) = &s.product_owner {
            let points = done.entry(po).or_default();
            let in_measured = s.sprint.as_ref().is_some_and(|id| measured.contains(&id.as_str()));
            if s.status == StoryStatus::Done && in_measured {
                *points += s.estimate.unwrap_or(0.0);
            }
        }
    }
    let sprints = measured.len().max(1) as f64;
    done.into_iter().map(|(po, points)| (po.clone(), if points > 0.0 { points / sprints } else { team })).collect()
}

/// Each open story's sprint from its owner's order alone: the cumulative points up to
/// it, divided by the owner's velocity, rounded up to whole sprints.
fn own_order(stories: &[&Story], velocity: &HashMap<PersonId, f64>) -> HashMap<StoryId, StoryForecast> {
    // In owner order: with two stories of one id, the same one is forecast every time.
    let mut by_owner: BTreeMap<&PersonId, Vec<&Story>> = BTreeMap::new();
    for s in stories.iter().filter(|s| s.status.is_open()) {
        if let Some(po) = &s.product_owner {
            by_owner.entry(po).or_default().push(s);
        }
    }
    let mut out = HashMap::with_capacity(stories.len());
    for (po, mut backlog) in by_owner {
        let Some(&v) = velocity.get(po) else { continue };
        backlog.sort_by(|a, b| a.backlog_order(b));
        let (mut points, mut unestimated) = (0.0, false);
        for s in backlog {
            points += s.estimate.unwrap_or(0.0);
            unestimated |= s.estimate.is_none();
            let sprint = sprint_of(points, v);
            out.insert(s.id.clone(), StoryForecast { sprint, points_through: points, lower_bound: unestimated });
        }
    }
    out
}

/// The calendar index of the sprint in which `points` are done at `velocity` a sprint.
pub fn sprint_of(points: f64, velocity: f64) -> usize {
    ((points / velocity).ceil() as usize).saturating_sub(1)
}

/// Moves each story no earlier than the latest of the open stories it depends on, in
/// any backlog, following chains of dependencies (a cycle is cut where it closes).
/// Ids are borrowed from `stories`, not copied: this runs on every check.
fn after_dependencies(expected: &mut HashMap<StoryId, StoryForecast>, stories: &[&Story]) {
    // A story that waits for nothing has nothing to settle (only to wait for).
    let waiting = stories.iter().filter(|s| !s.depends_on.is_empty());
    let deps: HashMap<&str, &[StoryId]> = waiting.map(|s| (s.id.as_str(), s.depends_on.as_slice())).collect();
    let mut roots: Vec<&str> = deps.keys().copied().filter(|id| expected.contains_key(*id)).collect();
    roots.sort_unstable();
    roots.dedup();
    let mut settled: HashSet<&str> = HashSet::new();
    for root in roots {
        // Depth first with an explicit stack, so long chains cannot overflow it.
        let mut stack = vec![(root, false)];
        let mut on_path: HashSet<&str> = HashSet::new();
        while let Some((id, expanded)) = stack.pop() {
            if settled.contains(id) || (!expanded && !on_path.insert(id)) {
                continue;
            }
            let waits_for = deps.get(id).copied().unwrap_or_default();
            if expanded {
                settle(expected, id, waits_for);
                on_path.remove(id);
                settled.insert(id);
            } else {
                stack.push((id, true));
                let pending = waits_for.iter().filter(|d| expected.contains_key(*d) && !on_path.contains(d.as_str()));
                stack.extend(pending.map(|d| (d.as_str(), false)));
            }
        }
    }
}

/// Moves one story after its (already settled) dependencies.
fn settle(expected: &mut HashMap<StoryId, StoryForecast>, id: &str, waits_for: &[StoryId]) {
    let latest = waits_for.iter().filter_map(|d| expected.get(d)).fold(None, |acc: Option<StoryForecast>, f| {
        Some(acc.map_or(*f, |a| StoryForecast {
            sprint: a.sprint.max(f.sprint),
            lower_bound: a.lower_bound || f.lower_bound,
            ..a
        }))
    });
    if let (Some(latest), Some(own)) = (latest, expected.get_mut(id)) {
        own.sprint = own.sprint.max(latest.sprint);
        own.lower_bound |= latest.lower_bound;
    }
}

/// An initiative's forecast: the latest expected sprint of its open stories.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InitiativeForecast {
    pub sprint: PlanSprint,
    /// Calendar index of `sprint`.
    pub index: usize,
    /// Some open story is unestimated (or waits for one): the end is at least this.
    pub lower_bound: bool,
}

/// The forecast of an initiative from its stories; `None` when none of them is open
/// with a forecast.
pub fn initiative<'a>(forecast: &Forecast, stories: impl IntoIterator<Item = &'a Story>) -> Option<InitiativeForecast> {
    let open: Vec<&Story> = stories.into_iter().filter(|s| s.status.is_open()).collect();
    let known: Vec<&StoryForecast> = open.iter().filter_map(|s| forecast.stories.get(&s.id)).collect();
    let index = known.iter().map(|f| f.sprint).max()?;
    let lower_bound = known.len() < open.len() || known.iter().any(|f| f.lower_bound);
    Some(InitiativeForecast { sprint: forecast.calendar.sprint(index), index, lower_bound })
}

/// Whether the forecast ends after the last day of the timeframe.
pub fn at_risk(end: &InitiativeForecast, timeframe: Timeframe) -> bool {
    end.sprint.end > dates::timeframe_end(timeframe)
}

/// The product owners holding open stories of `stories` expected to end after
/// `deadline`, sorted and without repeats: whose backlogs make the initiative late.
pub fn late_owners<'a>(
    forecast: &Forecast,
    stories: impl IntoIterator<Item = &'a Story>,
    deadline: Date,
) -> Vec<&'a PersonId> {
    let mut owners: Vec<&PersonId> = stories
        .into_iter()
        .filter(|s| forecast.stories.get(&s.id).is_some_and(|f| forecast.calendar.end(f.sprint) > deadline))
        .filter_map(|s| s.product_owner.as_ref())
        .collect();
    owners.sort();
    owners.dedup();
    owners
}

/// The most points a current or future sprint may hold: 120% of the team velocity.
pub fn capacity(team_velocity: f64) -> f64 {
    team_velocity * 1.2
}

/// The current and future sprints holding more points than [`capacity`] (compared as
/// `points × 5 > velocity × 6`, exact for whole points).
pub fn overcommitted(velocities: &[Velocity], team_velocity: f64) -> impl Iterator<Item = &Velocity> {
    velocities.iter().filter(move |v| !v.finished && v.planned * 5.0 > team_velocity * 6.0)
}

#[cfg(test)]
mod tests;
