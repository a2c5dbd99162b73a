//! Who owns what: people exist and hold the role their ownership needs.

use super::{at, at_entry, key, list_words, person_path};
use crate::diag::{Diagnostic, Rule, did_you_mean};
use crate::frontmatter::{Document, Part, Seg};
use crate::model::{Page, Person, PersonId, Site};

/// A role an ownership field asks of the person it names.
#[derive(Clone, Copy)]
struct Role {
    name: &'static str,
    held_by: fn(&Person) -> bool,
}

const PRODUCT_MANAGER: Role = Role { name: "product_manager", held_by: Person::is_pm };
const PRODUCT_OWNER: Role = Role { name: "product_owner", held_by: Person::is_po };

/// Ids of the people who may fill a field: the holders of `role`, or everyone.
fn candidates(site: &Site, role: Option<Role>) -> Vec<&str> {
    let fits = |p: &&Person| role.is_none_or(|r| (r.held_by)(p));
    site.config.team.iter().filter(fits).map(|p| p.id.as_str()).collect()
}

fn holders(site: &Site, role: Role) -> String {
    list_words(candidates(site, Some(role)))
}

/// The help of a role rule: which holders of `role` to use instead of `person`, or, when
/// nobody holds it, that `person` could.
fn use_a_holder(site: &Site, role: Role, person: &PersonId) -> String {
    let holders = candidates(site, Some(role));
    if holders.is_empty() {
        return format!("nobody in `team:` holds `{}` yet: add it to the roles of `{person}`", role.name);
    }
    format!("use one of {}, or add `{}` to the roles of `{person}`", list_words(holders), role.name)
}

/// unknown-person at `path`; the help suggests only people who may fill the field.
fn unknown(site: &Site, doc: &Document, path: &[Seg], id: &PersonId, what: &str, role: Option<Role>) -> Diagnostic {
    let ids = candidates(site, role);
    let with_role = role.map(|r| format!(" with the `{}` role", r.name)).unwrap_or_default();
    let help = match did_you_mean(id.as_str(), ids.iter().copied()) {
        Some(near) => format!("did you mean `{near}`? people are listed under `team:` in charter.yaml"),
        None if ids.is_empty() => format!("add `{id}` to `team:` in charter.yaml{with_role}"),
        None => format!("add `{id}` to `team:` in charter.yaml{with_role}, or use one of: {}", list_words(ids)),
    };
    at(Rule::UnknownPerson, doc, path, Part::Value, format!("{what} `{id}` is not in the team")).help(help)
}

/// unknown-person, in charter.yaml: reports_to names somebody in `team`.
pub fn unknown_boss(site: &Site, out: &mut Vec<Diagnostic>) {
    for person in &site.config.team {
        if let Some(boss) = person.reports_to.as_ref().filter(|id| site.person(id.as_str()).is_none()) {
            let path = person_path(person.index, "reports_to");
            out.push(unknown(site, &site.config.doc, &path, boss, "reports_to", None));
        }
    }
}

/// unknown-person, in a page: owners and product_owners name somebody in `team`.
pub fn unknown_person(site: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    let mut check = |doc: &Document, path: Vec<Seg>, id: &PersonId, what: &str, role: Option<Role>| {
        if site.person(id.as_str()).is_none() {
            out.push(unknown(site, doc, &path, id, what, role));
        }
    };
    match page {
        Page::Initiative(i) => {
            if let Some(pm) = &i.product_manager {
                check(&i.doc, key("product_manager"), pm, "product_manager", Some(PRODUCT_MANAGER));
            }
            for po in &i.product_owners {
                let path = i.doc.list_entry("product_owners", po.as_str());
                check(&i.doc, path, po, "product owner", Some(PRODUCT_OWNER));
            }
        }
        Page::Story(s) => {
            if let Some(po) = &s.product_owner {
                check(&s.doc, key("product_owner"), po, "product_owner", Some(PRODUCT_OWNER));
            }
        }
        Page::Doc(d) => {
            if let Some(owner) = &d.owner {
                check(&d.doc, key("owner"), owner, "owner", None);
            }
        }
        Page::Intro(_) => {}
    }
}

/// story-owner-role: a story's product_owner holds `product_owner`.
pub fn story_owner_role(site: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    let Page::Story(s) = page else { return };
    let Some(person) = s.product_owner.as_ref().and_then(|id| site.person(id.as_str())) else { return };
    if !person.is_po() {
        let message = format!("story `{}` is owned by `{}`, who is not a product owner", s.id, person.id);
        let help = format!("stories are ordered by product owners: {}", use_a_holder(site, PRODUCT_OWNER, &person.id));
        out.push(at(Rule::StoryOwnerRole, &s.doc, &key("product_owner"), Part::Value, message).help(help));
    }
}

/// initiative-owner-role: product_manager holds `product_manager`, each product_owners entry `product_owner`.
pub fn initiative_owner_role(site: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    let Page::Initiative(i) = page else { return };
    if let Some(person) = i.product_manager.as_ref().and_then(|id| site.person(id.as_str())).filter(|p| !p.is_pm()) {
        let message = format!("initiative `{}` is owned by `{}`, who is not a product manager", i.id, person.id);
        let help =
            format!("initiatives are owned by product managers: {}", use_a_holder(site, PRODUCT_MANAGER, &person.id));
        out.push(at(Rule::InitiativeOwnerRole, &i.doc, &key("product_manager"), Part::Value, message).help(help));
    }
    for po in &i.product_owners {
        if let Some(person) = site.person(po.as_str()).filter(|p| !p.is_po()) {
            let message =
                format!("`{}` is listed in product_owners of `{}` but is not a product owner", person.id, i.id);
            let help = format!("product owners are: {}", holders(site, PRODUCT_OWNER));
            out.push(at_entry(Rule::InitiativeOwnerRole, &i.doc, "product_owners", po.as_str(), message).help(help));
        }
    }
}

/// po-not-on-initiative: a story's PO is among its initiative's product_owners, when listed.
pub fn po_not_on_initiative(site: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    let Page::Story(s) = page else { return };
    // A product owner who is not in the team is unknown-person, not also this.
    let known_po = s.product_owner.as_ref().filter(|id| site.person(id.as_str()).is_some());
    let (Some(po), Some(initiative)) = (known_po, s.initiative.as_ref().and_then(|id| site.initiative(id.as_str())))
    else {
        return;
    };
    if !initiative.product_owners.is_empty() && !initiative.product_owners.contains(po) {
        let message =
            format!("`{po}` owns this story but is not among the product owners of initiative `{}`", initiative.id);
        let help = format!(
            "add `{po}` to product_owners in {}, or hand the story to {}",
            initiative.doc.source.rel,
            list_words(initiative.product_owners.iter().map(|p| p.as_str()))
        );
        out.push(at(Rule::PoNotOnInitiative, &s.doc, &key("product_owner"), Part::Value, message).help(help));
    }
}

/// reports-to-not-pm: a product owner reports to a product manager.
pub fn reports_to_not_pm(site: &Site, out: &mut Vec<Diagnostic>) {
    for person in site.config.team.iter().filter(|p| p.is_po()) {
        let Some(boss) = person.reports_to.as_ref().and_then(|id| site.person(id.as_str())) else { continue };
        if !boss.is_pm() {
            let message =
                format!("product owner `{}` reports to `{}`, who is not a product manager", person.id, boss.id);
            let help =
                format!("product owners usually report to a product manager: {}", holders(site, PRODUCT_MANAGER));
            out.push(
                at(
                    Rule::ReportsToNotPm,
                    &site.config.doc,
                    &person_path(person.index, "reports_to"),
                    Part::Value,
                    message,
                )
                .help(help),
            );
        }
    }
}

/// dual-role: one person holds both hats (off by default; shown on the team page).
pub fn dual_role(site: &Site, out: &mut Vec<Diagnostic>) {
    for person in site.config.team.iter().filter(|p| p.is_pm() && p.is_po()) {
        let message = format!("`{}` is both a product manager and a product owner", person.id);
        let help = "allowed, and shown on the team page; turn this rule off in `rules:` if it is intended".to_owned();
        out.push(
            at(Rule::DualRole, &site.config.doc, &person_path(person.index, "roles"), Part::Value, message).help(help),
        );
    }
}
