//! The rule table of SPEC §5: every rule id with its default severity and a summary.
//!
//! Adding a rule means adding one row here (and, for model rules, one check in
//! `validate::CHECKS`); the id strings are part of the contract.

use serde::Serialize;
use std::fmt;

/// How serious a diagnostic is; `Off` rules are dropped before printing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Off,
    Warning,
    Error,
}

impl Severity {
    /// Parses a severity as written in `rules:` of charter.yaml.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "off" => Some(Severity::Off),
            _ => None,
        }
    }

    /// The lowercase name used by every printer.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! rules {
    ($($variant:ident => $id:literal, $severity:ident, $summary:literal;)*) => {
        /// A validation rule of SPEC §5.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(#[doc = $summary] $variant,)*
        }

        impl Rule {
            /// Every rule, in the order of SPEC §5.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The rule id as written in diagnostics and in `rules:`.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// The severity a rule has unless `rules:` overrides it.
            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            /// One line saying when the rule fires.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)* }
            }
        }
    };
}

rules! {
    ConfigInvalid => "config-invalid", Error, "charter.yaml is unreadable, not YAML, or has a value of the wrong type";
    FrontMatterMissing => "front-matter-missing", Error, "a roadmap/ or backlog/ file has no `---` block";
    FrontMatterSyntax => "front-matter-syntax", Error, "the front-matter is not valid YAML";
    UnknownField => "unknown-field", Error, "a key that charter does not know";
    MissingField => "missing-field", Error, "a required field is absent";
    InvalidValue => "invalid-value", Error, "a value of the wrong type, enum value, date or id";
    DuplicateId => "duplicate-id", Error, "two initiatives, stories or people share an id";
    DuplicateUrl => "duplicate-url", Error, "two pages would be written to the same output path";
    UnknownPerson => "unknown-person", Error, "an owner names nobody in the team";
    StoryOwnerRole => "story-owner-role", Error, "a story's product_owner lacks the product_owner role";
    InitiativeOwnerRole => "initiative-owner-role", Error, "an initiative's owners lack the matching role";
    UnknownInitiative => "unknown-initiative", Error, "a story's initiative does not exist";
    UnknownSprint => "unknown-sprint", Error, "a story's sprint is not in `sprints`";
    UnknownDependency => "unknown-dependency", Error, "depends_on names a missing item";
    DependencyCycle => "dependency-cycle", Error, "depends_on forms a cycle";
    DuplicateRank => "duplicate-rank", Error, "two open stories of one product owner share a rank";
    MissingAcceptanceCriteria => "missing-acceptance-criteria", Error, "a ready, in-progress or done story without acceptance criteria";
    BrokenLink => "broken-link", Error, "a relative link or image whose target is not published";
    BrokenAnchor => "broken-anchor", Warning, "a `#fragment` that names no heading or id of its page";
    LinkOutsideSite => "link-outside-site", Warning, "a link to a file outside the site, and no `repository:` to send it to";
    ImageWithoutAlt => "image-without-alt", Warning, "an image without alt text";
    VisibilityLeak => "visibility-leak", Error, "a public item names an internal item";
    UnrankedStory => "unranked-story", Warning, "an open story without rank";
    PoNotOnInitiative => "po-not-on-initiative", Warning, "a story's product owner is not among its initiative's product_owners";
    ReportsToNotPm => "reports-to-not-pm", Warning, "a product owner reports to someone who is not a product manager";
    EmptyInitiative => "empty-initiative", Warning, "a `now` initiative with no stories";
    ShippedWithOpenStories => "shipped-with-open-stories", Warning, "a shipped initiative with stories not done or dropped";
    TimeframeAtRisk => "timeframe-at-risk", Warning, "the forecast of an initiative's open stories ends after its timeframe";
    SprintOvercommitted => "sprint-overcommitted", Warning, "the current or a future sprint holds more than 120% of the average velocity";
    DualRole => "dual-role", Off, "one person holds both product_manager and product_owner";
    TemplateError => "template-error", Error, "a template of the theme or the site fails to compile or render";
    RankChangedByNonOwner => "rank-changed-by-non-owner", Error, "a commit changed a story's rank and none of its authors is the story's product owner";
    RoadmapChangedByNonPm => "roadmap-changed-by-non-pm", Error, "a commit changed an initiative's place on the roadmap and none of its authors is its product manager or above them";
    OwnerChangedByOutsider => "owner-changed-by-outsider", Error, "a commit changed a story's product owner and none of its authors is the old or new owner or the initiative's product manager";
    UnknownAuthor => "unknown-author", Warning, "a commit author matches no `git:` entry of the team";
}

impl Rule {
    /// Looks a rule up by its id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.id()), Some(*rule));
        }
        assert_eq!(Rule::ALL.len(), 35);
        assert_eq!(Rule::DualRole.default_severity(), Severity::Off);
        assert_eq!(Rule::UnrankedStory.default_severity(), Severity::Warning);
    }
}
