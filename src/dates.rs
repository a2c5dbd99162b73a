//! The one home of calendar arithmetic: today (or `SOURCE_DATE_EPOCH`), adding days,
//! lengths of sprints and the last day of a timeframe. The content keeps its small
//! [`Date`] value; the arithmetic is jiff's, converted at this module's edges, so no
//! other module does civil-day sums by hand.

use crate::model::{Date, Sprint, Timeframe};
use jiff::civil;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

/// Today's date in UTC, or the date of `SOURCE_DATE_EPOCH` when it is set, so a build
/// is reproducible (the convention of Debian's and Nix's tooling).
pub fn today() -> Date {
    let pinned = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok());
    let now = pinned.and_then(|s| Timestamp::from_second(s).ok()).unwrap_or_else(Timestamp::now);
    from_civil(now.to_zoned_datetime(TimeZone::UTC).date())
}

/// The date `days` after `date` (before it when negative); saturates at jiff's range
/// (years -9999 to 9999) rather than failing, far beyond any roadmap.
pub fn add_days(date: Date, days: i64) -> Date {
    from_civil(to_civil(date).saturating_add(Span::new().days(days)))
}

/// Days from `from` to `to` (negative when `to` comes first).
pub fn days_between(from: Date, to: Date) -> i64 {
    to_civil(from).duration_until(to_civil(to)).as_secs() / 86_400
}

/// A sprint's length in days, both ends included (a two-week sprint is 14); at least 1,
/// so a sprint written with its end before its start still moves the calendar on.
pub fn sprint_days(sprint: &Sprint) -> i64 {
    (days_between(sprint.start, sprint.end) + 1).max(1)
}

/// The last day of a timeframe: 31 December of a year, the last day of a quarter's
/// third month or of a half's sixth month.
pub fn timeframe_end(timeframe: Timeframe) -> Date {
    let (year, last_quarter) = timeframe.quarters().1;
    let last_month = civil::Date::new(year as i16, (last_quarter * 3) as i8, 1).unwrap_or(civil::Date::MAX);
    from_civil(last_month.last_of_month())
}

fn to_civil(date: Date) -> civil::Date {
    // A `Date` is checked when parsed (years 0-9999 and real days), so this holds;
    // MAX keeps an impossible value from panicking.
    civil::Date::new(date.year as i16, date.month as i8, date.day as i8).unwrap_or(civil::Date::MAX)
}

fn from_civil(date: civil::Date) -> Date {
    Date { year: date.year().clamp(0, 9999) as u16, month: date.month() as u8, day: date.day() as u8 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SprintId;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn days_add_across_months_leap_years_and_back() {
        assert_eq!(add_days(date("2026-11-30"), 14).to_string(), "2026-12-14");
        assert_eq!(add_days(date("2024-02-28"), 1).to_string(), "2024-02-29");
        assert_eq!(add_days(date("2026-01-01"), -1).to_string(), "2025-12-31");
        assert_eq!(add_days(date("1970-01-01"), 20_415).to_string(), "2025-11-23");
        assert_eq!(days_between(date("2026-01-05"), date("2026-01-18")), 13);
        assert_eq!(days_between(date("2026-01-18"), date("2026-01-05")), -13);
        assert_eq!(days_between(date("2000-01-01"), date("2001-01-01")), 366);
    }

    #[test]
    fn timeframes_end_on_the_last_day_of_their_period() {
        let end = |s: &str| timeframe_end(Timeframe::parse(s).unwrap()).to_string();
        assert_eq!(end("2026-Q4"), "2026-12-31");
        assert_eq!(end("2026-Q1"), "2026-03-31");
        assert_eq!(end("2027-Q2"), "2027-06-30");
        assert_eq!(end("2027-H1"), "2027-06-30");
        assert_eq!(end("2027-H2"), "2027-12-31");
        assert_eq!(end("2028"), "2028-12-31");
    }

    #[test]
    fn sprints_count_both_ends() {
        let sprint = |start: &str, end: &str| Sprint {
            id: SprintId("S".into()),
            start: date(start),
            end: date(end),
            goal: None,
            index: 0,
        };
        assert_eq!(sprint_days(&sprint("2026-11-02", "2026-11-15")), 14);
        assert_eq!(sprint_days(&sprint("2026-02-23", "2026-03-01")), 7);
        assert_eq!(sprint_days(&sprint("2026-03-01", "2026-02-23")), 1);
    }
}
