//! Who owns what: people exist and hold the role their ownership needs.

use super::{at, at_entry, key, list_words, person_path};
use crate::diag::{Diagnostic, Rule, did_you_mean};
use crate::frontmatter::{Document, Part, Seg};
use crate::model::{Person, PersonId, Site};

fn holders(site: &Site, has_role: fn(&Person) -> bool) -> String {
    list_words(site.config.team.iter().filter(|p| has_role(p)).map(|p| p.id.as_str()))
}

fn unknown(site: &Site, doc: &Document, path: &[Seg], id: &PersonId, what: &str) -> Diagnostic {
    let ids = site.config.team.iter().map(|p| p.id.as_str());
    let help = match did_you_mean(id.as_str(), ids) {
        Some(near) => format!("did you mean `{near}`? people are listed under `team:` in charter.yaml"),
        None => format!(
            "add `{id}` to `team:` in charter.yaml, or use one of: {}",
            list_words(site.config.team.iter().map(|p| p.id.as_str()))
        ),
    };
    at(Rule::UnknownPerson, doc, path, Part::Value, format!("{what} `{id}` is not in the team")).help(help)
}

/// unknown-person: owners, product_owners and reports_to name somebody in `team`.
pub fn unknown_person(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut check = |doc: &Document, path: Vec<Seg>, id: &PersonId, what: &str| {
        if site.person(id.as_str()).is_none() {
            out.push(unknown(site, doc, &path, id, what));
        }
    };
    for person in &site.config.team {
        if let Some(boss) = &person.reports_to {
            check(&site.config.doc, person_path(person.index, "reports_to"), boss, "reports_to");
        }
    }
    for i in &site.initiatives {
        if let Some(pm) = &i.product_manager {
            check(&i.doc, key("product_manager"), pm, "product_manager");
        }
        for po in &i.product_owners {
            check(&i.doc, i.doc.list_entry("product_owners", po.as_str()), po, "product owner");
        }
    }
    for s in &site.stories {
        if let Some(po) = &s.product_owner {
            check(&s.doc, key("product_owner"), po, "product_owner");
        }
    }
    for d in &site.docs {
        if let Some(owner) = &d.owner {
            check(&d.doc, key("owner"), owner, "owner");
        }
    }
}

/// story-owner-role: a story's product_owner holds `product_owner`.
pub fn story_owner_role(site: &Site, out: &mut Vec<Diagnostic>) {
    for s in &site.stories {
        let Some(person) = s.product_owner.as_ref().and_then(|id| site.person(id.as_str())) else { continue };
        if !person.is_po() {
            let message = format!("story `{}` is owned by `{}`, who is not a product owner", s.id, person.id);
            let help = format!(
                "stories are ordered by product owners: use one of {}, or add `product_owner` to the roles of `{}`",
                holders(site, Person::is_po),
                person.id
            );
            out.push(at(Rule::StoryOwnerRole, &s.doc, &key("product_owner"), Part::Value, message).help(help));
        }
    }
}

/// initiative-owner-role: product_manager holds `product_manager`, each product_owners entry `product_owner`.
pub fn initiative_owner_role(site: &Site, out: &mut Vec<Diagnostic>) {
    for i in &site.initiatives {
        if let Some(person) = i.product_manager.as_ref().and_then(|id| site.person(id.as_str())).filter(|p| !p.is_pm())
        {
            let message = format!("initiative `{}` is owned by `{}`, who is not a product manager", i.id, person.id);
            let help = format!(
                "initiatives are owned by product managers: use one of {}, or add `product_manager` to the roles of `{}`",
                holders(site, Person::is_pm),
                person.id
            );
            out.push(at(Rule::InitiativeOwnerRole, &i.doc, &key("product_manager"), Part::Value, message).help(help));
        }
        for po in &i.product_owners {
            if let Some(person) = site.person(po.as_str()).filter(|p| !p.is_po()) {
                let message =
                    format!("`{}` is listed in product_owners of `{}` but is not a product owner", person.id, i.id);
                let help = format!("product owners are: {}", holders(site, Person::is_po));
                out.push(
                    at_entry(Rule::InitiativeOwnerRole, &i.doc, "product_owners", po.as_str(), message).help(help),
                );
            }
        }
    }
}

/// po-not-on-initiative: a story's PO is among its initiative's product_owners, when listed.
pub fn po_not_on_initiative(site: &Site, out: &mut Vec<Diagnostic>) {
    for s in &site.stories {
        let (Some(po), Some(initiative)) =
            (&s.product_owner, s.initiative.as_ref().and_then(|id| site.initiative(id.as_str())))
        else {
            continue;
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
}

/// reports-to-not-pm: a product owner reports to a product manager.
pub fn reports_to_not_pm(site: &Site, out: &mut Vec<Diagnostic>) {
    for person in site.config.team.iter().filter(|p| p.is_po()) {
        let Some(boss) = person.reports_to.as_ref().and_then(|id| site.person(id.as_str())) else { continue };
        if !boss.is_pm() {
            let message =
                format!("product owner `{}` reports to `{}`, who is not a product manager", person.id, boss.id);
            let help = format!("product owners usually report to a product manager: {}", holders(site, Person::is_pm));
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
