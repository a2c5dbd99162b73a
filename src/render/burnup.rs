//! The burn-up chart of an initiative, drawn by charter like the velocity chart: done
//! points per started sprint against the scope, and the forecast line from today's done
//! points to the scope at the expected end.

use super::escape_markup;
use super::svg::{BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, axes, nice_step};
use crate::metrics::format_points;
use std::fmt::Write;

/// The figures of one chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnUp {
    /// Started sprints (or "now"), one per point of `done`.
    pub labels: Vec<String>,
    /// Done points at the end of each of `labels`.
    pub done: Vec<f64>,
    /// Points of the initiative's live stories.
    pub scope: f64,
    /// Forecast sprints after today, up to the expected end (empty without a forecast).
    pub ahead: Vec<String>,
    /// The end is a lower bound.
    pub lower_bound: bool,
}

/// An accessible SVG (role="img", title and description in words); colours from CSS
/// classes `grid`, `scope`, `done`, `forecast`, text from `currentColor`.
pub fn chart(b: &BurnUp) -> String {
    let slots = (b.labels.len() + b.ahead.len()).max(1);
    let max = b.done.iter().copied().fold(b.scope, f64::max).max(1.0);
    let step = nice_step(max);
    let top_value = (max / step).ceil() * step;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |value: f64| TOP + plot_h - value / top_value * plot_h;
    let slot = (WIDTH - LEFT - RIGHT) / slots as f64;
    let x = |n: usize| LEFT + slot * (n as f64 + 0.5);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="burnup-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="burnup-title burnup-desc" xmlns="http://www.w3.org/2000/svg"><title id="burnup-title">Burn-up</title><desc id="burnup-desc">{}</desc>"#,
        escape_markup(&description(b))
    );
    axes(&mut svg, top_value, step, &y, "Points");
    let _ = write!(
        svg,
        r#"<line class="scope" x1="{LEFT}" x2="{}" y1="{:.1}" y2="{:.1}"/><text x="{LEFT}" y="{:.1}" font-size="12" fill="currentColor">scope {}</text>"#,
        WIDTH - RIGHT,
        y(b.scope),
        y(b.scope),
        y(b.scope) - 6.0,
        format_points(b.scope)
    );
    done_line(&mut svg, b, &x, &y);
    forecast_line(&mut svg, b, &x, &y);
    x_labels(&mut svg, b, &x, slots);
    svg.push_str("</svg>");
    svg
}

/// The chart in words, for screen readers and for the text beside it.
pub fn description(b: &BurnUp) -> String {
    let done = b.done.last().copied().unwrap_or(0.0);
    let mut text = format!("{} of {} points done", format_points(done), format_points(b.scope));
    if let Some(end) = b.ahead.last() {
        let at_least = if b.lower_bound { "at least " } else { "" };
        let _ = write!(text, "; all done {at_least}by {end} at the forecast pace");
    }
    text + "."
}

fn done_line(svg: &mut String, b: &BurnUp, x: &dyn Fn(usize) -> f64, y: &dyn Fn(f64) -> f64) {
    let points: Vec<String> = b.done.iter().enumerate().map(|(n, d)| format!("{:.1},{:.1}", x(n), y(*d))).collect();
    let _ = write!(svg, r#"<polyline class="done" fill="none" points="{}"/>"#, points.join(" "));
    for (n, (label, d)) in b.labels.iter().zip(&b.done).enumerate() {
        let title = format!("{label}: {} of {} points done", format_points(*d), format_points(b.scope));
        let _ = write!(
            svg,
            r#"<circle class="done" cx="{:.1}" cy="{:.1}" r="4"><title>{}</title></circle>"#,
            x(n),
            y(*d),
            escape_markup(&title)
        );
    }
}

fn forecast_line(svg: &mut String, b: &BurnUp, x: &dyn Fn(usize) -> f64, y: &dyn Fn(f64) -> f64) {
    let (Some(end), Some(now)) = (b.ahead.last(), b.done.last()) else { return };
    let (from, to) = (b.done.len() - 1, b.labels.len() + b.ahead.len() - 1);
    let title = format!(
        "expected end {}{end}: {} points",
        if b.lower_bound { "at least " } else { "" },
        format_points(b.scope)
    );
    let _ = write!(
        svg,
        r#"<line class="forecast" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke-dasharray="6 4"/><circle class="forecast" cx="{:.1}" cy="{:.1}" r="4"><title>{}</title></circle>"#,
        x(from),
        y(*now),
        x(to),
        y(b.scope),
        x(to),
        y(b.scope),
        escape_markup(&title)
    );
}

/// Sprint names under the axis: every few when there are many, always the last one
/// (the expected end), which ends at the plot's edge so it is never cut off.
fn x_labels(svg: &mut String, b: &BurnUp, x: &dyn Fn(usize) -> f64, slots: usize) {
    let every = slots.div_ceil(7);
    for (n, label) in b.labels.iter().chain(&b.ahead).enumerate() {
        let last = n + 1 == slots;
        if !last && (n % every != 0 || n + every > slots) {
            continue;
        }
        let (at, anchor) = if last && slots > 1 { (WIDTH - RIGHT, "end") } else { (x(n), "middle") };
        let _ = write!(
            svg,
            r#"<text x="{at:.1}" y="{:.1}" text-anchor="{anchor}" font-size="11" fill="currentColor">{}</text>"#,
            HEIGHT - BOTTOM + 18.0,
            escape_markup(label)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart_of(ahead: &[&str], lower_bound: bool) -> String {
        let b = BurnUp {
            labels: vec!["S1".into(), "S2".into()],
            done: vec![5.0, 12.0],
            scope: 20.0,
            ahead: ahead.iter().map(|s| s.to_string()).collect(),
            lower_bound,
        };
        chart(&b)
    }

    #[test]
    fn points_sit_where_their_numbers_say() {
        // Scope 20: grid step 5 (max 20 / 5 = 4, a round 5), top 20. The plot is 220 high
        // from y = 24: 0 points at y 244, 20 at y 24, 5 at 189, 12 at 112. Four slots of
        // (720 - 48 - 16) / 4 = 164: centres at 130, 294, 458, 622.
        let svg = chart_of(&["S2+1", "S2+2"], false);
        assert!(svg.contains(r#"<polyline class="done" fill="none" points="130.0,189.0 294.0,112.0"/>"#), "{svg}");
        assert!(svg.contains(r#"<line class="scope" x1="48" x2="704" y1="24.0" y2="24.0"/>"#));
        assert!(svg.contains(r#"x1="294.0" y1="112.0" x2="622.0" y2="24.0""#), "forecast from S2's 12 to S2+2's 20");
        assert!(svg.contains("<title>S2: 12 of 20 points done</title>"));
        assert!(svg.contains("<title>expected end S2+2: 20 points</title>"));
        assert!(
            svg.contains(
                "<desc id=\"burnup-desc\">12 of 20 points done; all done by S2+2 at the forecast pace.</desc>"
            )
        );
        assert_eq!(svg.matches(">20</text>").count(), 1, "the top grid line is 20");
    }

    #[test]
    fn no_forecast_draws_no_forecast_line_and_lower_bounds_say_so() {
        let svg = chart_of(&[], false);
        assert!(!svg.contains(r#"class="forecast""#));
        assert!(svg.contains("<desc id=\"burnup-desc\">12 of 20 points done.</desc>"));
        assert!(chart_of(&["S3"], true).contains("<title>expected end at least S3: 20 points</title>"));
    }
}
