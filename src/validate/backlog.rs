//! Backlog and roadmap hygiene: ranks, definition of ready, empty or unfinished initiatives.

use super::{at, key};
use crate::diag::{Diagnostic, Rule};
use crate::frontmatter::Part;
use crate::model::{Horizon, InitiativeStatus, Page, Site, StoryStatus};
use std::collections::HashMap;

/// duplicate-rank: ranks are unique among one PO's open stories.
pub fn duplicate_rank(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<(&str, u32), &str> = HashMap::new();
    for s in site.stories.iter().filter(|s| s.status.is_open()) {
        let (Some(po), Some(rank)) = (&s.product_owner, s.rank) else { continue };
        match seen.get(&(po.as_str(), rank)) {
            Some(first) => {
                let message = format!("rank {rank} is already taken in {po}'s backlog by `{first}`");
                let help = format!(
                    "each product owner orders one backlog: give `{}` a rank no other open story of {po} has",
                    s.id
                );
                out.push(at(Rule::DuplicateRank, &s.doc, &key("rank"), Part::Value, message).help(help));
            }
            None => {
                seen.insert((po.as_str(), rank), s.id.as_str());
            }
        }
    }
}

/// missing-acceptance-criteria: ready, in-progress and done stories have criteria.
pub fn missing_acceptance_criteria(_: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    let Page::Story(s) = page else { return };
    if s.status.needs_criteria() && s.acceptance_criteria.is_empty() {
        let message = format!("story `{}` is {} but has no acceptance criteria", s.id, s.status);
        let help = "add `acceptance_criteria:` with at least one entry (definition of ready), or set `status: backlog`";
        out.push(at(Rule::MissingAcceptanceCriteria, &s.doc, &key("status"), Part::Value, message).help(help));
    }
}

/// unranked-story: open stories have a rank. A missing key has no place of its own: the
/// diagnostic marks the story's first line of fields, where it starts (pointing at
/// `title:` made the title look at fault).
pub fn unranked_story(_: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    let Page::Story(s) = page else { return };
    if s.status.is_open() && s.rank.is_none() {
        let message = format!("open story `{}` has no rank", s.id);
        let help = "add `rank: N` (1 is the top of its product owner's backlog)";
        let location = s.doc.first_entry_location();
        out.push(Diagnostic::at(Rule::UnrankedStory, &s.doc.source, location, message).help(help));
    }
}

/// empty-initiative: a `now` initiative that is not closed has stories.
pub fn empty_initiative(site: &Site, out: &mut Vec<Diagnostic>) {
    for i in site.initiatives.iter().filter(|i| i.horizon == Some(Horizon::Now) && !i.status.is_closed()) {
        if site.stories_of(&i.id).next().is_none() {
            let message = format!("initiative `{}` is on the Now horizon but has no stories", i.id);
            let help = "add stories with `initiative: ".to_owned() + i.id.as_str() + "`, or move it to `horizon: next`";
            out.push(at(Rule::EmptyInitiative, &i.doc, &key("horizon"), Part::Value, message).help(help));
        }
    }
}

/// shipped-with-open-stories: a shipped initiative's stories are done or dropped.
pub fn shipped_with_open_stories(site: &Site, out: &mut Vec<Diagnostic>) {
    for i in site.initiatives.iter().filter(|i| i.status == InitiativeStatus::Shipped) {
        let open: Vec<&str> = site
            .stories_of(&i.id)
            .filter(|s| !matches!(s.status, StoryStatus::Done | StoryStatus::Dropped))
            .map(|s| s.id.as_str())
            .collect();
        if !open.is_empty() {
            let (count, verb) = if open.len() == 1 {
                ("1 of its stories".to_owned(), "is")
            } else {
                (format!("{} of its stories", open.len()), "are")
            };
            let message = format!("initiative `{}` is shipped but {count} {verb} not done: {}", i.id, open.join(", "));
            let help = "finish or drop those stories, or move them to another initiative".to_owned();
            out.push(at(Rule::ShippedWithOpenStories, &i.doc, &key("status"), Part::Value, message).help(help));
        }
    }
}
