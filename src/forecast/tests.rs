//! Hand-computed cases: two-week sprints S1-S4 in January and February 2026, product
//! owners olga and pia, and small backlogs whose sums can be checked on paper.

use super::*;
use crate::frontmatter::Document;
use crate::model::SprintId;
use crate::model::Visibility;
use crate::source::Source;
use std::sync::Arc;

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn sprint(id: &str, start: &str, end: &str) -> Sprint {
    Sprint { id: SprintId(id.into()), start: date(start), end: date(end), goal: None, index: 0 }
}

/// S1 2026-01-05..18, S2 01-19..02-01, S3 02-02..15, S4 02-16..03-01.
fn sprints() -> Vec<Sprint> {
    vec![
        sprint("S1", "2026-01-05", "2026-01-18"),
        sprint("S2", "2026-01-19", "2026-02-01"),
        sprint("S3", "2026-02-02", "2026-02-15"),
        sprint("S4", "2026-02-16", "2026-03-01"),
    ]
}

fn story(id: &str, po: &str, status: StoryStatus, rank: Option<u32>, estimate: Option<f64>) -> Story {
    Story {
        id: StoryId(id.into()),
        title: id.into(),
        product_owner: Some(PersonId(po.into())),
        initiative: None,
        status,
        rank,
        estimate,
        sprint: None,
        acceptance_criteria: vec![],
        depends_on: vec![],
        done_on: None,
        tags: vec![],
        visibility: Visibility::Public,
        doc: Arc::new(Document::body_only(Source::new("b.md", "b.md", String::new()))),
    }
}

fn done(id: &str, po: &str, points: f64, sprint: &str) -> Story {
    Story { sprint: Some(SprintId(sprint.into())), ..story(id, po, StoryStatus::Done, None, Some(points)) }
}

fn open(id: &str, po: &str, rank: Option<u32>, estimate: Option<f64>) -> Story {
    story(id, po, StoryStatus::Backlog, rank, estimate)
}

/// Done work: S1 olga 10; S2 olga 6 + pia 4; S3 olga 8; S4 olga 4 + pia 2.
/// Measured: S2-S4, so the team does (10 + 8 + 6) / 3 = 8, olga (6 + 8 + 4) / 3 = 6,
/// pia (4 + 0 + 2) / 3 = 2 points a sprint.
fn history() -> Vec<Story> {
    vec![
        done("D1", "olga", 10.0, "S1"),
        done("D2", "olga", 6.0, "S2"),
        done("D3", "pia", 4.0, "S2"),
        done("D4", "olga", 8.0, "S3"),
        done("D5", "olga", 4.0, "S4"),
        done("D6", "pia", 2.0, "S4"),
    ]
}

fn run(extra: Vec<Story>, today: &str) -> Forecast {
    let all: Vec<Story> = history().into_iter().chain(extra).collect();
    let refs: Vec<&Story> = all.iter().collect();
    forecast(&sprints(), &refs, date(today)).expect("a velocity")
}

#[test]
fn owners_forecast_with_their_own_velocity_else_the_teams() {
    let f = run(vec![open("Q1", "quinn", Some(1), Some(3.0))], "2026-03-02");
    assert_eq!(f.team_velocity, 8.0);
    assert_eq!(f.velocity[&PersonId("olga".into())], 6.0);
    assert_eq!(f.velocity[&PersonId("pia".into())], 2.0);
    assert_eq!(f.velocity[&PersonId("quinn".into())], 8.0, "no done work of their own: the team's");
}

#[test]
fn cumulative_points_in_rank_order_give_the_sprint() {
    // olga at 6 a sprint: A 3 (3: sprint 0), B 5 (8: 1), C ? (8: 1, at least),
    // D 4 (12: exactly 2 sprints, so 1), E unranked 1 (13: 2).
    let f = run(
        vec![
            open("E", "olga", None, Some(1.0)),
            open("D", "olga", Some(4), Some(4.0)),
            open("B", "olga", Some(2), Some(5.0)),
            open("A", "olga", Some(1), Some(3.0)),
            open("C", "olga", Some(3), None),
        ],
        "2026-03-02",
    );
    let got = |id: &str| {
        let s = f.stories[&StoryId(id.into())];
        (s.sprint, s.points_through, s.lower_bound)
    };
    assert_eq!(got("A"), (0, 3.0, false));
    assert_eq!(got("B"), (1, 8.0, false));
    assert_eq!(got("C"), (1, 8.0, true));
    assert_eq!(got("D"), (1, 12.0, true));
    assert_eq!(got("E"), (2, 13.0, true));
    assert!(!f.stories.contains_key(&StoryId("D1".into())), "done stories have no forecast");
}

#[test]
fn a_story_waits_for_its_dependencies_in_other_backlogs() {
    // olga: A 3 (sprint 0), B 9 (12 at 6: sprint 1). pia: P 1 (1 at 2: sprint 0) needs B,
    // so 1; R 1 (2 at 2: sprint 0) needs P, so 1 too; S needs the done D1: sprint 1 by rank.
    let mut p = open("P", "pia", Some(1), Some(1.0));
    p.depends_on = vec![StoryId("B".into())];
    let mut r = open("R", "pia", Some(2), Some(1.0));
    r.depends_on = vec![StoryId("P".into()), StoryId("ghost".into())];
    let mut s = open("S", "pia", Some(3), Some(1.0));
    s.depends_on = vec![StoryId("D1".into())];
    let f =
        run(vec![open("A", "olga", Some(1), Some(3.0)), open("B", "olga", Some(2), Some(9.0)), p, r, s], "2026-03-02");
    let sprint = |id: &str| f.stories[&StoryId(id.into())].sprint;
    assert_eq!([sprint("A"), sprint("B"), sprint("P"), sprint("R"), sprint("S")], [0, 1, 1, 1, 1]);
}

#[test]
fn a_dependency_cycle_ends_without_looping() {
    let mut x = open("X", "olga", Some(1), Some(3.0));
    x.depends_on = vec![StoryId("Y".into())];
    let mut y = open("Y", "olga", Some(2), Some(9.0));
    y.depends_on = vec![StoryId("X".into())];
    let f = run(vec![x, y], "2026-03-02");
    assert_eq!(f.stories[&StoryId("Y".into())].sprint, 1);
    assert_eq!(f.stories[&StoryId("X".into())].sprint, 1);
}

#[test]
fn future_sprints_continue_with_the_last_ones_length() {
    let during = Calendar::new(&sprints(), date("2026-02-20")).unwrap();
    assert_eq!(during.sprint(0).id, "S4");
    let next = during.sprint(1);
    assert_eq!(
        (next.id.as_str(), next.start.to_string(), next.end.to_string()),
        ("S4+1", "2026-03-02".into(), "2026-03-15".into())
    );
    assert!(!next.defined);
    assert_eq!(during.sprint(2).start.to_string(), "2026-03-16");
    // Long after the last sprint, index 0 is the made-up sprint holding today.
    let later = Calendar::new(&sprints(), date("2026-03-20")).unwrap();
    let now = later.sprint(0);
    assert_eq!(
        (now.id.as_str(), now.start.to_string(), now.end.to_string()),
        ("S4+2", "2026-03-16".into(), "2026-03-29".into())
    );
    let boundary = Calendar::new(&sprints(), date("2026-03-15")).unwrap();
    assert_eq!(boundary.sprint(0).id, "S4+1", "a sprint's last day is still in it");
    assert_eq!(Calendar::new(&sprints(), date("2026-03-01")).unwrap().sprint(0).id, "S4");
    assert_eq!(Calendar::new(&[], date("2026-03-01")), None);
}

#[test]
fn gaps_between_sprints_are_filled_with_sprints_of_the_one_before() {
    // S4 ends 03-01; the next sprint of charter.yaml, S9, starts 04-06 (a gap of 35 days).
    let mut with_gap = sprints();
    with_gap.push(sprint("S9", "2026-04-06", "2026-04-12"));
    let calendar = Calendar::new(&with_gap, date("2026-03-10")).unwrap();
    let got: Vec<(String, String, String)> =
        (0..4).map(|k| calendar.sprint(k)).map(|s| (s.id, s.start.to_string(), s.end.to_string())).collect();
    let want = [
        ("S4+1", "2026-03-02", "2026-03-15"),
        ("S4+2", "2026-03-16", "2026-03-29"),
        ("S4+3", "2026-03-30", "2026-04-05"), // cut short where S9 starts
        ("S9", "2026-04-06", "2026-04-12"),
    ];
    assert_eq!(got, want.map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned())));
    assert_eq!(calendar.sprint(4).id, "S9+1", "then S9's length: 7 days");
    assert_eq!(calendar.sprint(4).end.to_string(), "2026-04-19");
}

#[test]
fn no_velocity_means_no_forecast() {
    let a = open("A", "olga", Some(1), Some(3.0));
    assert_eq!(forecast(&sprints(), &[&a], date("2026-03-02")), None, "nothing done yet");
    assert_eq!(forecast(&sprints(), &[&a], date("2026-01-10")), None, "no sprint finished yet");
}

#[test]
fn an_initiative_ends_with_its_latest_open_story() {
    // olga at 6 from 2026-03-02 (first made-up sprint S4+1, 03-02..03-15): A 3 (sprint
    // 0), B 15 (18: sprint 2, S4+3 from 03-30 to 04-12), U unestimated (18: 2, at least).
    let stories = vec![open("A", "olga", Some(1), Some(3.0)), open("B", "olga", Some(2), Some(15.0))];
    let f = run(stories.clone(), "2026-03-02");
    let end = initiative(&f, &stories).unwrap();
    let got = (end.index, end.sprint.id.as_str(), end.sprint.end.to_string(), end.lower_bound);
    assert_eq!(got, (2, "S4+3", "2026-04-12".into(), false));
    assert!(at_risk(&end, Timeframe::parse("2026-Q1").unwrap()));
    assert!(!at_risk(&end, Timeframe::parse("2026-H1").unwrap()));
    let mut with_unestimated = stories.clone();
    with_unestimated.push(open("U", "olga", Some(3), None));
    let f = run(with_unestimated.clone(), "2026-03-02");
    let end = initiative(&f, &with_unestimated).unwrap();
    assert_eq!((end.index, end.lower_bound), (2, true));
    assert_eq!(initiative(&f, &history()), None, "only done stories");
}

#[test]
fn late_owners_are_named_once_in_order() {
    let stories = vec![
        open("A", "olga", Some(1), Some(3.0)),
        open("B", "olga", Some(2), Some(9.0)),
        open("P", "pia", Some(1), Some(3.0)),
    ];
    let f = run(stories.clone(), "2026-03-02");
    // Deadline 03-15 (end of sprint 0): B (sprint 1) and P (3 at 2: sprint 1) are late.
    let late: Vec<&str> = late_owners(&f, &stories, date("2026-03-15")).iter().map(|p| p.as_str()).collect();
    assert_eq!(late, ["olga", "pia"]);
    assert!(late_owners(&f, &stories, date("2026-03-29")).is_empty());
}

#[test]
fn a_sprint_is_overcommitted_above_120_percent_of_velocity() {
    let v =
        |sprint: &str, planned: f64, finished: bool| Velocity { sprint: sprint.into(), done: 0.0, planned, finished };
    let velocities = [v("past", 30.0, true), v("at", 12.0, false), v("over", 12.5, false), v("under", 3.0, false)];
    let over: Vec<&str> = overcommitted(&velocities, 10.0).map(|v| v.sprint.as_str()).collect();
    assert_eq!(over, ["over"]);
    assert_eq!(capacity(10.0), 12.0);
}

#[test]
fn sprints_round_up_to_whole_sprints() {
    assert_eq!(sprint_of(0.0, 5.0), 0);
    assert_eq!(sprint_of(5.0, 5.0), 0);
    assert_eq!(sprint_of(5.5, 5.0), 1);
    assert_eq!(sprint_of(10.0, 5.0), 1);
}
