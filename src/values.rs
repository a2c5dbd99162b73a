//! Small typed values of the content format: ids, statuses, horizons, dates, timeframes.
//! A leaf module: the front-matter reader parses into these and the model re-exports
//! them, so neither of the two needs the other's types.

use serde::Serialize;
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as written in the content.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// A person of `team` in charter.yaml.
    PersonId
);
id_type!(
    /// An initiative of roadmap/.
    InitiativeId
);
id_type!(
    /// A story of backlog/.
    StoryId
);
id_type!(
    /// A sprint of `sprints` in charter.yaml.
    SprintId
);

/// Whether `s` is a valid item or sprint id: `[A-Za-z0-9][A-Za-z0-9._-]*`.
pub fn is_item_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Whether `s` is a valid person id: `[a-z0-9][a-z0-9_-]*`.
pub fn is_person_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
}

/// A closed set of words written in front-matter, with its parser and labels.
pub trait Keyword: Sized + Copy + 'static {
    /// Every value with the word that spells it.
    const WORDS: &'static [(&'static str, Self)];

    /// Parses the word written in the content.
    fn parse(word: &str) -> Option<Self> {
        Self::WORDS.iter().find(|(w, _)| *w == word).map(|(_, v)| *v)
    }

    /// The word as written in the content (and in CSS classes and JSON).
    fn key(self) -> &'static str
    where
        Self: PartialEq,
    {
        Self::WORDS.iter().find(|(_, v)| *v == self).map_or("", |(w, _)| w)
    }

    /// The accepted words, for help lines.
    fn choices() -> String {
        Self::WORDS.iter().map(|(w, _)| *w).collect::<Vec<_>>().join(", ")
    }
}

macro_rules! keyword {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $word:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),* }

        impl Keyword for $name {
            const WORDS: &'static [(&'static str, Self)] = &[$(($word, $name::$variant)),*];
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.key())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

keyword!(
    /// Where an initiative sits on the roadmap board.
    Horizon { Now = "now", Next = "next", Later = "later" }
);
keyword!(
    /// The life of an initiative.
    InitiativeStatus { Proposed = "proposed", Planned = "planned", InProgress = "in-progress", Shipped = "shipped", Dropped = "dropped" }
);
keyword!(
    /// The life of a story.
    StoryStatus { Backlog = "backlog", Ready = "ready", InProgress = "in-progress", Done = "done", Dropped = "dropped" }
);
keyword!(
    /// Who may see an item: public items are published by `--audience public`.
    Visibility { Public = "public", Internal = "internal" }
);
keyword!(
    /// Which build a reader gets: everything, or only public items.
    Audience { Internal = "internal", Public = "public" }
);

impl InitiativeStatus {
    /// Shipped or dropped: off the Now / Next / Later board.
    pub fn is_closed(self) -> bool {
        matches!(self, InitiativeStatus::Shipped | InitiativeStatus::Dropped)
    }
}

impl StoryStatus {
    /// Backlog, ready or in progress: a story its PO still orders.
    pub fn is_open(self) -> bool {
        matches!(self, StoryStatus::Backlog | StoryStatus::Ready | StoryStatus::InProgress)
    }

    /// Ready, in progress or done: the definition of ready must hold.
    pub fn needs_criteria(self) -> bool {
        matches!(self, StoryStatus::Ready | StoryStatus::InProgress | StoryStatus::Done)
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking the day exists in that month.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year: u16 = s[0..4].parse().ok()?;
        let month: u8 = s[5..7].parse().ok()?;
        let day: u8 = s[8..10].parse().ok()?;
        let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&day).then_some(Date { year, month, day })
    }

    /// The quarter (1-4) the date falls in.
    pub fn quarter(self) -> u8 {
        (self.month - 1) / 3 + 1
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// When an initiative is planned to land: a year, a quarter or a half.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timeframe {
    Year(u16),
    Quarter(u16, u8),
    Half(u16, u8),
}

impl Timeframe {
    /// Parses `YYYY`, `YYYY-Qn` (n 1-4) or `YYYY-Hn` (n 1-2).
    pub fn parse(s: &str) -> Option<Timeframe> {
        let year = |y: &str| (y.len() == 4).then(|| y.parse::<u16>().ok()).flatten();
        match s.split_once('-') {
            None => year(s).map(Timeframe::Year),
            Some((y, rest)) => {
                let y = year(y)?;
                let n: u8 = rest.get(1..)?.parse().ok()?;
                match (rest.get(..1)?, n) {
                    ("Q", 1..=4) => Some(Timeframe::Quarter(y, n)),
                    ("H", 1..=2) => Some(Timeframe::Half(y, n)),
                    _ => None,
                }
            }
        }
    }

    /// The quarters it covers, as (year, quarter) from first to last.
    pub fn quarters(self) -> ((u16, u8), (u16, u8)) {
        match self {
            Timeframe::Year(y) => ((y, 1), (y, 4)),
            Timeframe::Quarter(y, q) => ((y, q), (y, q)),
            Timeframe::Half(y, h) => ((y, h * 2 - 1), (y, h * 2)),
        }
    }
}

impl fmt::Display for Timeframe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timeframe::Year(y) => write!(f, "{y}"),
            Timeframe::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Timeframe::Half(y, h) => write!(f, "{y}-H{h}"),
        }
    }
}

impl Serialize for Timeframe {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_check_the_calendar() {
        assert_eq!(Date::parse("2024-02-29").map(|d| d.to_string()), Some("2024-02-29".into()));
        assert_eq!(Date::parse("2026-02-29"), None);
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(Date::parse("2026-1-01"), None);
        assert_eq!(Date::parse("26-01-01x"), None);
    }

    #[test]
    fn timeframes_parse_and_cover_quarters() {
        assert_eq!(Timeframe::parse("2027-H2").unwrap().quarters(), ((2027, 3), (2027, 4)));
        assert_eq!(Timeframe::parse("2026-Q4"), Some(Timeframe::Quarter(2026, 4)));
        assert_eq!(Timeframe::parse("2027"), Some(Timeframe::Year(2027)));
        assert_eq!(Timeframe::parse("2027-Q5"), None);
        assert_eq!(Timeframe::parse("2027-H3"), None);
        assert_eq!(Timeframe::parse("Q4"), None);
    }

    #[test]
    fn ids_follow_the_spec_patterns() {
        assert!(is_item_id("CHK-12"));
        assert!(is_item_id("2026-S23"));
        assert!(!is_item_id("-x"));
        assert!(!is_item_id("a/b"));
        assert!(!is_item_id("a b"));
        assert!(!is_item_id("é"));
        assert!(is_person_id("alice_2"));
        assert!(!is_person_id("Alice"));
    }

    #[test]
    fn keywords_round_trip() {
        assert_eq!(StoryStatus::parse("in-progress"), Some(StoryStatus::InProgress));
        assert_eq!(StoryStatus::InProgress.key(), "in-progress");
        assert_eq!(Horizon::choices(), "now, next, later");
    }
}
