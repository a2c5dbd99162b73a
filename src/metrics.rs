//! The figures of the site, computed once in pure functions: initiative progress,
//! sprint velocity and backlog health (SPEC §7).

use crate::model::{Date, Sprint, Story, StoryStatus};
use serde::Serialize;
use std::collections::HashMap;

/// How far an initiative is: done points of all points of its non-dropped stories,
/// or story counts when no story has an estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub done: f64,
    pub total: f64,
    /// "points" or "stories".
    pub unit: &'static str,
    /// 0-100, rounded down so "100" means really done.
    pub percent: u32,
    pub done_stories: usize,
    pub total_stories: usize,
}

/// Progress over a set of stories.
pub fn progress<'a>(stories: impl IntoIterator<Item = &'a Story>) -> Progress {
    let live: Vec<&Story> = stories.into_iter().filter(|s| s.status != StoryStatus::Dropped).collect();
    let done_stories = live.iter().filter(|s| s.status == StoryStatus::Done).count();
    let estimated = live.iter().any(|s| s.estimate.is_some());
    let (done, total, unit) = if estimated {
        let points = |s: &&Story| s.estimate.unwrap_or(0.0);
        let done = sum(live.iter().filter(|s| s.status == StoryStatus::Done).map(points));
        (done, sum(live.iter().map(points)), "points")
    } else {
        (done_stories as f64, live.len() as f64, "stories")
    };
    let percent = if total > 0.0 { ((done / total) * 100.0).floor() as u32 } else { 0 };
    Progress { done, total, unit, percent, done_stories, total_stories: live.len() }
}

/// A sum that is `0`, not `-0`, when empty (`Iterator::sum` of floats starts at -0.0,
/// which JSON and the pages would print as `-0`).
fn sum(points: impl Iterator<Item = f64>) -> f64 {
    points.fold(0.0, |a, b| a + b)
}

/// One sprint's delivery.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Velocity {
    pub sprint: String,
    /// Points of stories done in the sprint.
    pub done: f64,
    /// Points of all non-dropped stories planned into the sprint.
    pub planned: f64,
    /// The sprint ended before `today`.
    pub finished: bool,
}

/// Velocity of every sprint, in sprint order (by start date, then id).
pub fn velocity(sprints: &[Sprint], stories: &[&Story], today: Date) -> Vec<Velocity> {
    // One pass over the stories (not one per sprint: 10,000 stories, 26 sprints), each
    // sprint's points added in story order, so the sums are a per-sprint loop's.
    let mut points: HashMap<&str, (f64, f64)> = sprints.iter().map(|s| (s.id.as_str(), (0.0, 0.0))).collect();
    for s in stories.iter().filter(|s| s.status != StoryStatus::Dropped) {
        let Some((done, planned)) = s.sprint.as_ref().and_then(|id| points.get_mut(id.as_str())) else { continue };
        let estimate = s.estimate.unwrap_or(0.0);
        *planned += estimate;
        if s.status == StoryStatus::Done {
            *done += estimate;
        }
    }
    let mut ordered: Vec<&Sprint> = sprints.iter().collect();
    ordered.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    ordered
        .into_iter()
        .map(|sprint| {
            let (done, planned) = points[sprint.id.as_str()];
            Velocity { sprint: sprint.id.0.clone(), done, planned, finished: sprint.end < today }
        })
        .collect()
}

/// The last three finished sprints, in sprint order: the sprints velocity is measured over.
pub fn measured_sprints(velocities: &[Velocity]) -> Vec<&Velocity> {
    let finished: Vec<&Velocity> = velocities.iter().filter(|v| v.finished).collect();
    finished[finished.len().saturating_sub(3)..].to_vec()
}

/// Average done points of the last three finished sprints; `None` before the first.
pub fn average_velocity(velocities: &[Velocity]) -> Option<f64> {
    let last = measured_sprints(velocities);
    (!last.is_empty()).then(|| sum(last.iter().map(|v| v.done)) / last.len() as f64)
}

/// The health of one product owner's backlog (its open stories).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    pub stories: usize,
    pub ready: usize,
    pub ready_points: f64,
    /// Ready points divided by the team's average velocity.
    pub sprints_of_ready_work: Option<f64>,
    /// Share of open stories with acceptance criteria, 0-100.
    pub with_criteria_percent: u32,
    /// Share of open stories with an estimate, 0-100.
    pub estimated_percent: u32,
    pub unranked: usize,
}

/// Backlog health over one product owner's stories.
pub fn health<'a>(stories: impl IntoIterator<Item = &'a Story>, average_velocity: Option<f64>) -> Health {
    let open: Vec<&Story> = stories.into_iter().filter(|s| s.status.is_open()).collect();
    let ready: Vec<&&Story> = open.iter().filter(|s| s.status == StoryStatus::Ready).collect();
    let ready_points = sum(ready.iter().map(|s| s.estimate.unwrap_or(0.0)));
    let share = |n: usize| if open.is_empty() { 100 } else { (n * 100 / open.len()) as u32 };
    Health {
        stories: open.len(),
        ready: ready.len(),
        ready_points,
        sprints_of_ready_work: average_velocity.filter(|v| *v > 0.0).map(|v| ready_points / v),
        with_criteria_percent: share(open.iter().filter(|s| !s.acceptance_criteria.is_empty()).count()),
        estimated_percent: share(open.iter().filter(|s| s.estimate.is_some()).count()),
        unranked: open.iter().filter(|s| s.rank.is_none()).count(),
    }
}

/// A number of points as people write it: `5`, `2.5`.
pub fn format_points(points: f64) -> String {
    if points.fract() == 0.0 {
        format!("{points:.0}")
    } else {
        format!("{:.1}", points).trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::Document;
    use crate::model::{SprintId, StoryId, Visibility};
    use crate::source::Source;
    use std::sync::Arc;

    fn story(status: StoryStatus, estimate: Option<f64>, sprint: Option<&str>) -> Story {
        Story {
            id: StoryId("S".into()),
            title: "t".into(),
            product_owner: None,
            initiative: None,
            status,
            rank: if status.is_open() { Some(1) } else { None },
            estimate,
            sprint: sprint.map(|s| SprintId(s.into())),
            acceptance_criteria: if status == StoryStatus::Backlog { vec![] } else { vec!["ac".into()] },
            depends_on: vec![],
            done_on: None,
            tags: vec![],
            visibility: Visibility::Public,
            doc: Arc::new(Document::body_only(Source::new("b.md", "b.md", String::new()))),
        }
    }

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn progress_counts_points_of_live_stories() {
        use StoryStatus::*;
        let stories = [
            story(Done, Some(5.0), None),
            story(Ready, Some(3.0), None),
            story(Dropped, Some(8.0), None),
            story(Backlog, None, None),
        ];
        let p = progress(&stories);
        assert_eq!((p.done, p.total, p.unit, p.percent), (5.0, 8.0, "points", 62));
        assert_eq!((p.done_stories, p.total_stories), (1, 3));
    }

    #[test]
    fn progress_falls_back_to_story_counts() {
        use StoryStatus::*;
        let stories = [story(Done, None, None), story(Ready, None, None), story(Backlog, None, None)];
        let p = progress(&stories);
        assert_eq!((p.done, p.total, p.unit, p.percent), (1.0, 3.0, "stories", 33));
        assert_eq!(progress(&[]).percent, 0);
    }

    #[test]
    fn velocity_averages_the_last_three_finished_sprints() {
        let sprint = |id: &str, start: &str, end: &str| Sprint {
            id: SprintId(id.into()),
            start: date(start),
            end: date(end),
            goal: None,
            index: 0,
        };
        let sprints = [
            sprint("S4", "2026-02-09", "2026-02-22"),
            sprint("S1", "2026-01-01", "2026-01-11"),
            sprint("S2", "2026-01-12", "2026-01-25"),
            sprint("S3", "2026-01-26", "2026-02-08"),
        ];
        use StoryStatus::*;
        let stories = [
            story(Done, Some(10.0), Some("S1")),
            story(Done, Some(20.0), Some("S2")),
            story(Done, Some(30.0), Some("S3")),
            story(Done, Some(5.0), Some("S4")),
            story(InProgress, Some(3.0), Some("S4")),
            story(Dropped, Some(13.0), Some("S4")),
        ];
        let refs: Vec<&Story> = stories.iter().collect();
        let v = velocity(&sprints, &refs, date("2026-02-10"));
        assert_eq!(v.iter().map(|v| v.sprint.as_str()).collect::<Vec<_>>(), ["S1", "S2", "S3", "S4"]);
        assert_eq!((v[3].done, v[3].planned, v[3].finished), (5.0, 8.0, false));
        assert_eq!(average_velocity(&v), Some(20.0));
        assert_eq!(average_velocity(&v[..1]), Some(10.0));
        assert_eq!(average_velocity(&[]), None);
    }

    #[test]
    fn health_summarises_open_stories() {
        use StoryStatus::*;
        let mut unranked = story(Backlog, None, None);
        unranked.rank = None;
        let stories =
            [story(Ready, Some(8.0), None), story(Ready, Some(2.0), None), unranked, story(Done, Some(5.0), None)];
        let h = health(&stories, Some(4.0));
        assert_eq!((h.stories, h.ready, h.ready_points, h.sprints_of_ready_work), (3, 2, 10.0, Some(2.5)));
        assert_eq!((h.with_criteria_percent, h.estimated_percent, h.unranked), (66, 66, 1));
        assert_eq!(health(&stories, None).sprints_of_ready_work, None);
    }

    #[test]
    fn points_format_like_people_write_them() {
        assert_eq!(format_points(5.0), "5");
        assert_eq!(format_points(2.5), "2.5");
        assert_eq!(format_points(1.25), "1.2");
        assert_eq!(format_points(21.96), "22", "no dangling point when rounding lands on a whole number");
    }
}
