//! Dates: today (or `SOURCE_DATE_EPOCH`) and calendar-day arithmetic, in one place
//! outside the commands.

use crate::model::Date;

/// Today's date, or the date of `SOURCE_DATE_EPOCH` for reproducible builds.
pub fn today() -> Date {
    let seconds =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<u64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
        });
    date_from_days((seconds / 86_400) as i64)
}

/// Days since 1970-01-01 of a date (Howard Hinnant's algorithm).
pub fn days_from_date(date: Date) -> i64 {
    let (m, d) = (i64::from(date.month), i64::from(date.day));
    let y = i64::from(date.year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
pub fn date_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date { year, month, day }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_dates() {
        assert_eq!(date_from_days(0).to_string(), "1970-01-01");
        assert_eq!(date_from_days(20_415).to_string(), "2025-11-23");
        assert_eq!(date_from_days(11_016).to_string(), "2000-02-29");
        for days in [0, 11_016, 20_415, 59, 60, 365 * 30 + 7] {
            assert_eq!(days_from_date(date_from_days(days)), days);
        }
    }
}
