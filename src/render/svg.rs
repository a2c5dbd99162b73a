//! The velocity chart: an inline SVG bar chart of done points per sprint, with the
//! average of the last three finished sprints as a line, axes and labels.

use super::escape_markup;
use crate::metrics::{Velocity, format_points};
use std::fmt::Write;

pub(super) const WIDTH: f64 = 720.0;
pub(super) const HEIGHT: f64 = 300.0;
pub(super) const LEFT: f64 = 48.0;
pub(super) const RIGHT: f64 = 16.0;
pub(super) const TOP: f64 = 24.0;
pub(super) const BOTTOM: f64 = 56.0;

/// An accessible SVG chart (role="img" with a title and description); text colours
/// come from `currentColor` so dark mode and print work.
pub fn velocity_chart(velocities: &[Velocity], average: Option<f64>) -> String {
    let shown: Vec<&Velocity> = velocities.iter().filter(|v| v.finished || v.done > 0.0).collect();
    let mut svg = String::new();
    let description = match average {
        Some(a) => {
            format!("Done points per sprint; average of the last three finished sprints: {} points.", format_points(a))
        }
        None => "Done points per sprint; no sprint has finished yet.".to_owned(),
    };
    let _ = write!(
        svg,
        r#"<svg class="velocity-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="velocity-title velocity-desc" xmlns="http://www.w3.org/2000/svg"><title id="velocity-title">Velocity</title><desc id="velocity-desc">{description}</desc>"#
    );
    if shown.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle" fill="currentColor">No sprint data yet</text></svg>"#,
            WIDTH / 2.0,
            HEIGHT / 2.0
        );
        return svg;
    }
    let max = shown.iter().map(|v| v.done.max(v.planned)).fold(average.unwrap_or(0.0), f64::max).max(1.0);
    let step = nice_step(max);
    let top_value = (max / step).ceil() * step;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |value: f64| TOP + plot_h - value / top_value * plot_h;
    axes(&mut svg, top_value, step, &y, "Points done");
    let slot = (WIDTH - LEFT - RIGHT) / shown.len() as f64;
    let bar = (slot * 0.6).min(56.0);
    for (n, v) in shown.iter().enumerate() {
        let x = LEFT + slot * n as f64 + (slot - bar) / 2.0;
        let class = if v.finished { "bar" } else { "bar bar-current" };
        let label = format!("{}: {} of {} points done", v.sprint, format_points(v.done), format_points(v.planned));
        let _ = write!(
            svg,
            r#"<rect class="{class}" x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{:.1}"><title>{}</title></rect>"#,
            y(v.done),
            y(0.0) - y(v.done),
            escape_markup(&label)
        );
        let cx = x + bar / 2.0;
        let _ = write!(
            svg,
            r#"<text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="currentColor">{}</text>"#,
            y(v.done) - 6.0,
            format_points(v.done)
        );
        let _ = write!(
            svg,
            r#"<text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="currentColor">{}</text>"#,
            HEIGHT - BOTTOM + 18.0,
            escape_markup(&v.sprint)
        );
    }
    if let Some(a) = average {
        let _ = write!(
            svg,
            r#"<line class="average" x1="{LEFT}" x2="{}" y1="{:.1}" y2="{:.1}" stroke-dasharray="6 4"/><text x="{}" y="{:.1}" text-anchor="end" font-size="12" fill="currentColor">average {}</text>"#,
            WIDTH - RIGHT,
            y(a),
            y(a),
            WIDTH - RIGHT,
            y(a) - 6.0,
            format_points(a)
        );
    }
    let _ = write!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="currentColor">Sprint</text></svg>"#,
        LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
        HEIGHT - 12.0
    );
    svg
}

/// Grid lines with their values up to `top_value`, and the y axis title.
pub(super) fn axes(svg: &mut String, top_value: f64, step: f64, y: &dyn Fn(f64) -> f64, title: &str) {
    let mut value = 0.0;
    while value <= top_value + f64::EPSILON {
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{:.1}" y2="{:.1}"/><text x="{}" y="{:.1}" text-anchor="end" font-size="11" fill="currentColor">{}</text>"#,
            WIDTH - RIGHT,
            y(value),
            y(value),
            LEFT - 8.0,
            y(value) + 4.0,
            format_points(value)
        );
        value += step;
    }
    let _ = write!(
        svg,
        r#"<text x="14" y="{:.1}" text-anchor="middle" font-size="12" fill="currentColor" transform="rotate(-90 14 {:.1})">{title}</text>"#,
        TOP + (HEIGHT - TOP - BOTTOM) / 2.0,
        TOP + (HEIGHT - TOP - BOTTOM) / 2.0
    );
}

/// A round grid step giving about five lines.
pub(super) fn nice_step(max: f64) -> f64 {
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let unit = [1.0, 2.0, 5.0, 10.0].into_iter().find(|m| raw <= m * magnitude).unwrap_or(10.0);
    (unit * magnitude).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(sprint: &str, done: f64, finished: bool) -> Velocity {
        Velocity { sprint: sprint.into(), done, planned: done + 3.0, finished }
    }

    #[test]
    fn chart_has_a_bar_and_label_per_sprint_and_the_average() {
        let svg = velocity_chart(&[v("S1", 20.0, true), v("S2", 25.0, true), v("S3", 5.0, false)], Some(22.5));
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains(">S2</text>"));
        assert!(svg.contains("average 22.5"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("bar bar-current"));
    }

    #[test]
    fn empty_chart_says_so() {
        assert!(velocity_chart(&[], None).contains("No sprint data yet"));
    }

    #[test]
    fn grid_steps_are_round() {
        assert_eq!(nice_step(27.0), 10.0);
        assert_eq!(nice_step(9.0), 2.0);
        assert_eq!(nice_step(3.0), 1.0);
        assert_eq!(nice_step(240.0), 50.0);
    }
}
