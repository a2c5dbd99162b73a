//! The forecast rules (SPEC §12): a timeframe the backlog's order and velocity cannot
//! meet, and a sprint planned beyond the team's velocity. Both judge against today
//! (or `SOURCE_DATE_EPOCH`), like the pages.

use super::{at, key, list_words};
use crate::dates;
use crate::diag::{Diagnostic, Rule};
use crate::forecast::{self, Forecast};
use crate::frontmatter::{Part, Seg};
use crate::metrics::{self, format_points};
use crate::model::{Date, Initiative, Site, Story};

/// timeframe-at-risk: an open initiative's forecast ends after its timeframe does.
pub fn timeframe_at_risk(site: &Site, out: &mut Vec<Diagnostic>) {
    let stories = all_stories(site);
    let Some(forecast) = forecast::forecast(&site.config.sprints, &stories, dates::today()) else { return };
    for i in site.initiatives.iter().filter(|i| !i.status.is_closed()) {
        let Some(timeframe) = i.timeframe else { continue };
        let Some(end) = forecast::initiative(&forecast, site.stories_of(&i.id).map(|s| &**s)) else { continue };
        if forecast::at_risk(&end, timeframe) {
            let deadline = dates::timeframe_end(timeframe);
            let at_least = if end.lower_bound { "at least " } else { "" };
            let message = format!(
                "initiative `{}` is forecast to end {at_least}in sprint {} (ending {}), after its timeframe {timeframe} ends on {deadline}",
                i.id, end.sprint.id, end.sprint.end
            );
            out.push(
                at(Rule::TimeframeAtRisk, &i.doc, &key("timeframe"), Part::Value, message)
                    .help(late_help(site, &forecast, i, deadline)),
            );
        }
    }
}

/// Names the backlogs holding the late stories, and what would bring the end back.
fn late_help(site: &Site, forecast: &Forecast, initiative: &Initiative, deadline: Date) -> String {
    let owners = forecast::late_owners(forecast, site.stories_of(&initiative.id).map(|s| &**s), deadline);
    let names: Vec<String> = owners
        .iter()
        .map(|po| site.person(po.as_str()).map_or_else(|| po.to_string(), |p| format!("{} ({po})", p.name)))
        .collect();
    format!(
        "the late stories are in the backlog of {}: rank them higher, cut scope, or move the timeframe",
        list_words(names.iter().map(String::as_str))
    )
}

/// sprint-overcommitted: the current or a future sprint of charter.yaml holds more
/// points than 120% of the team's average velocity.
pub fn sprint_overcommitted(site: &Site, out: &mut Vec<Diagnostic>) {
    let stories = all_stories(site);
    let velocities = metrics::velocity(&site.config.sprints, &stories, dates::today());
    let Some(average) = metrics::average_velocity(&velocities).filter(|v| *v > 0.0) else { return };
    let capacity = format_points(forecast::capacity(average));
    for v in forecast::overcommitted(&velocities, average) {
        let Some(sprint) = site.sprint(&v.sprint) else { continue };
        let message = format!(
            "sprint `{}` holds {} points, more than 120% of the average velocity of {} points ({capacity})",
            v.sprint,
            format_points(v.planned),
            format_points(average)
        );
        let help =
            format!("move stories out of `{}` (their `sprint:`) until it holds at most {capacity} points", v.sprint);
        let path = [Seg::Key("sprints".into()), Seg::Index(sprint.index), Seg::Key("id".into())];
        out.push(at(Rule::SprintOvercommitted, &site.config.doc, &path, Part::Value, message).help(help));
    }
}

fn all_stories(site: &Site) -> Vec<&Story> {
    site.stories.iter().map(|s| &**s).collect()
}
