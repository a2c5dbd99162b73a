//! The one place that filters a site for `--audience public`: internal items and
//! every reference to them disappear before anything is rendered.

use crate::history::{History, ItemChange, ItemKind};
use crate::model::{Audience, Initiative, Parts, Site, Story, Visibility};
use std::collections::HashSet;
use std::sync::Arc;

/// The site as `audience` may see it.
pub fn filter(site: &Site, audience: Audience) -> Site {
    if audience == Audience::Internal {
        return site.clone();
    }
    let public = |v: Visibility| v == Visibility::Public;
    let initiatives: Vec<&Arc<Initiative>> = site.initiatives.iter().filter(|i| public(i.visibility)).collect();
    let stories: Vec<&Arc<Story>> = site.stories.iter().filter(|s| public(s.visibility)).collect();
    let initiative_ids: HashSet<&str> = initiatives.iter().map(|i| i.id.as_str()).collect();
    let story_ids: HashSet<&str> = stories.iter().map(|s| s.id.as_str()).collect();
    let parts = Parts {
        initiatives: initiatives.into_iter().map(|i| without_hidden_initiative_refs(i, &initiative_ids)).collect(),
        stories: stories.into_iter().map(|s| without_hidden_story_refs(s, &initiative_ids, &story_ids)).collect(),
        docs: site.docs.iter().filter(|d| public(d.visibility)).cloned().collect(),
        roadmap_intro: site.roadmap_intro.clone(),
        backlog_intro: site.backlog_intro.clone(),
        statics: site.statics.clone(),
        assets: site.assets.clone(),
        disk: site.disk.clone(),
    };
    Site::new(site.root.clone(), site.config.clone(), parts)
}

fn without_hidden_initiative_refs(i: &Arc<Initiative>, visible: &HashSet<&str>) -> Arc<Initiative> {
    if i.depends_on.iter().all(|d| visible.contains(d.as_str())) {
        return i.clone();
    }
    let depends_on = i.depends_on.iter().filter(|d| visible.contains(d.as_str())).cloned().collect();
    Arc::new(Initiative { depends_on, ..(**i).clone() })
}

fn without_hidden_story_refs(s: &Arc<Story>, initiatives: &HashSet<&str>, stories: &HashSet<&str>) -> Arc<Story> {
    let initiative_ok = s.initiative.as_ref().is_none_or(|i| initiatives.contains(i.as_str()));
    if initiative_ok && s.depends_on.iter().all(|d| stories.contains(d.as_str())) {
        return s.clone();
    }
    let mut story = (**s).clone();
    story.initiative = s.initiative.clone().filter(|i| initiatives.contains(i.as_str()));
    story.depends_on.retain(|d| stories.contains(d.as_str()));
    Arc::new(story)
}

/// The history as `audience` may see it: a public build drops every change of an item
/// that is internal now or was internal on either side of the change, and forgets the
/// initiative of a story when that initiative is not public.
pub fn history(history: &History, site: &Site, audience: Audience) -> History {
    if audience == Audience::Internal {
        return history.clone();
    }
    let internal_now = |c: &ItemChange| match c.kind {
        ItemKind::Initiative => site.initiative(&c.id).is_some_and(|i| i.visibility == Visibility::Internal),
        ItemKind::Story => site.story(&c.id).is_some_and(|s| s.visibility == Visibility::Internal),
    };
    let public_initiative = |id: &String| site.initiative(id).is_some_and(|i| i.visibility == Visibility::Public);
    let changes = history
        .changes
        .iter()
        .filter(|c| !c.internal && !internal_now(c))
        .map(|c| ItemChange { initiative: c.initiative.clone().filter(public_initiative), ..c.clone() })
        .collect();
    History { changes, ..history.clone() }
}
