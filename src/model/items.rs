//! The items of a site, as typed values.

use crate::frontmatter::Document;
use crate::values::*;
use std::sync::Arc;

/// A team member from charter.yaml.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub roles: Vec<String>,
    pub reports_to: Option<PersonId>,
    /// Commit author emails or names that are this person (SPEC §11).
    pub git: Vec<String>,
    /// Position in `team:`, to point diagnostics at the entry.
    pub index: usize,
}

impl Person {
    /// Holds the `product_manager` role.
    pub fn is_pm(&self) -> bool {
        self.roles.iter().any(|r| r == "product_manager")
    }

    /// Holds the `product_owner` role.
    pub fn is_po(&self) -> bool {
        self.roles.iter().any(|r| r == "product_owner")
    }
}

/// A sprint from charter.yaml.
#[derive(Debug, Clone, PartialEq)]
pub struct Sprint {
    pub id: SprintId,
    pub start: Date,
    pub end: Date,
    pub goal: Option<String>,
    pub index: usize,
}

/// An outcome metric of an initiative; values keep the text the PM wrote.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Metric {
    pub name: String,
    pub baseline: Option<String>,
    pub target: Option<String>,
    pub current: Option<String>,
}

/// A roadmap initiative, owned by a product manager.
#[derive(Debug, Clone)]
pub struct Initiative {
    pub id: InitiativeId,
    pub title: String,
    pub product_manager: Option<PersonId>,
    pub horizon: Option<Horizon>,
    pub status: InitiativeStatus,
    pub timeframe: Option<Timeframe>,
    pub outcome: Option<String>,
    pub metrics: Vec<Metric>,
    pub product_owners: Vec<PersonId>,
    pub depends_on: Vec<InitiativeId>,
    pub shipped_on: Option<Date>,
    pub tags: Vec<String>,
    pub visibility: Visibility,
    pub doc: Arc<Document>,
}

/// A backlog story, owned by a product owner.
#[derive(Debug, Clone)]
pub struct Story {
    pub id: StoryId,
    pub title: String,
    pub product_owner: Option<PersonId>,
    pub initiative: Option<InitiativeId>,
    pub status: StoryStatus,
    pub rank: Option<u32>,
    pub estimate: Option<f64>,
    pub sprint: Option<SprintId>,
    pub acceptance_criteria: Vec<String>,
    pub depends_on: Vec<StoryId>,
    pub done_on: Option<Date>,
    pub tags: Vec<String>,
    pub visibility: Visibility,
    pub doc: Arc<Document>,
}

/// What the forecast reads of a story (see [`Story::forecast_inputs`]): id, status,
/// rank, estimate, product owner, sprint, initiative and dependencies.
pub type ForecastInputs<'a> = (
    &'a StoryId,
    StoryStatus,
    Option<u32>,
    Option<f64>,
    &'a Option<PersonId>,
    &'a Option<SprintId>,
    &'a Option<InitiativeId>,
    &'a [StoryId],
);

impl Story {
    /// Backlog order: open stories by rank, then unranked ones by id, then closed ones.
    /// The backlog page and the forecast both walk a product owner's stories this way.
    pub fn backlog_order(&self, other: &Story) -> std::cmp::Ordering {
        let key = |s: &Story| (!s.status.is_open(), s.rank.is_none(), s.rank);
        key(self).cmp(&key(other)).then_with(|| self.id.cmp(&other.id))
    }

    /// What the forecast (SPEC §12) reads of a story: its place in a backlog, its
    /// points, its state and what it waits for. An edit that keeps these cannot move it.
    pub fn forecast_inputs(&self) -> ForecastInputs<'_> {
        let s = self;
        (&s.id, s.status, s.rank, s.estimate, &s.product_owner, &s.sprint, &s.initiative, &s.depends_on)
    }
}

/// A documentation page of docs/.
#[derive(Debug, Clone)]
pub struct DocPage {
    /// Output folder relative to the site root, e.g. `docs/guide/rules` (no slash at the end).
    pub url: String,
    pub title: String,
    pub owner: Option<PersonId>,
    pub weight: Option<i64>,
    pub visibility: Visibility,
    pub tags: Vec<String>,
    pub doc: Arc<Document>,
}

/// The `_index.md` intro of roadmap/ or backlog/.
#[derive(Debug)]
pub struct Intro {
    pub title: Option<String>,
    pub doc: Arc<Document>,
}
