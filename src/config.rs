//! charter.yaml: read strictly into a [`Config`], reporting every problem at once.

use crate::diag::{Diagnostic, Overrides, Rule, Severity, did_you_mean};
use crate::error::Error;
use crate::frontmatter::{Document, Fields, Mapping, Part, Seg, scalar_text, type_name};
pub use crate::model::Config;
use crate::model::{Audience, HistoryConfig, Person, PersonId, Repository, Sprint, SprintId, is_item_id, is_person_id};
use crate::source::Source;
use std::path::Path;
use std::sync::Arc;

/// The name of the config file at the site root.
pub const CONFIG_FILE: &str = "charter.yaml";

pub(crate) const TOP: &[&str] = &[
    "title",
    "base_url",
    "description",
    "vision",
    "theme",
    "audience",
    "unsafe_html",
    "team",
    "sprints",
    "rules",
    "ignore",
    "repository",
    "history",
];
pub(crate) const REPOSITORY: &[&str] = &["url", "branch", "path"];
pub(crate) const PERSON: &[&str] = &["id", "name", "roles", "reports_to", "git"];
pub(crate) const HISTORY: &[&str] = &["window_days"];
pub(crate) const SPRINT: &[&str] = &["id", "start", "end", "goal"];

impl Config {
    /// Reads `SITE/charter.yaml`. A missing or unreadable file cannot be worked around
    /// (exit 2); everything else becomes diagnostics next to a best-effort config.
    pub fn load(site: &Path) -> Result<(Config, Vec<Diagnostic>), Error> {
        let path = site.join(CONFIG_FILE);
        if !path.is_file() {
            return Err(Error::NoConfig { site: site.to_path_buf() });
        }
        let bytes = std::fs::read(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                let source = Source::new(CONFIG_FILE, &path, String::from_utf8_lossy(err.as_bytes()).into_owned());
                let at = err.utf8_error().valid_up_to();
                let location = source.locate(at, at + 1);
                let d = Diagnostic::at(Rule::ConfigInvalid, &source, location, "charter.yaml is not valid UTF-8")
                    .help("save the file as UTF-8");
                return Ok((Config::empty(Document::whole_yaml(source)), vec![d]));
            }
        };
        Ok(Config::parse(Source::new(CONFIG_FILE, path, text)))
    }

    /// Parses config text; used by `load` and by tests.
    pub fn parse(source: Source) -> (Config, Vec<Diagnostic>) {
        let doc = Document::whole_yaml(source);
        let map = match doc.parse() {
            Ok(map) => map,
            Err(d) => return (Config::empty(doc), vec![*d]),
        };
        let doc = Arc::new(doc);
        read(&doc, &map)
    }

    fn empty(doc: Document) -> Config {
        Config {
            title: String::new(),
            base_url: "/".into(),
            description: None,
            vision: None,
            theme: "default".into(),
            audience: Audience::Internal,
            unsafe_html: false,
            team: vec![],
            sprints: vec![],
            rules: Overrides::new(),
            ignore: vec![],
            repository: None,
            history: HistoryConfig::default(),
            doc: Arc::new(doc),
        }
    }
}

fn read(doc: &Arc<Document>, map: &Mapping) -> (Config, Vec<Diagnostic>) {
    let mut f = Fields::new(doc, vec![], map, "charter.yaml", TOP);
    let title = f.required_text("title", "Lumen Pay").unwrap_or_default();
    let base_url =
        f.text("base_url").map_or_else(|| "/".to_owned(), |u| if u.ends_with('/') { u } else { format!("{u}/") });
    let config = Config {
        title,
        base_url,
        description: f.text("description"),
        vision: f.text("vision"),
        theme: read_theme(&mut f),
        audience: f.keyword("audience").unwrap_or(Audience::Internal),
        unsafe_html: f.boolean("unsafe_html").unwrap_or(false),
        team: f
            .mapping_list("team", "team member", PERSON, read_person)
            .into_iter()
            .enumerate()
            .map(|(i, p)| Person { index: i, ..p })
            .collect(),
        sprints: f
            .mapping_list("sprints", "sprint", SPRINT, read_sprint)
            .into_iter()
            .enumerate()
            .map(|(i, s)| Sprint { index: i, ..s })
            .collect(),
        rules: read_rules(&mut f),
        ignore: f.text_list("ignore"),
        repository: f.mapping_item("repository", "repository", REPOSITORY, read_repository),
        history: read_history(&mut f),
        doc: doc.clone(),
    };
    let mut diags = f.finish();
    diags.extend(check_ignore_globs(&config));
    (config, diags)
}

/// `theme`: `default` or the name of one folder under themes/ (never a path that
/// could lead out of the site).
fn read_theme(f: &mut Fields) -> String {
    let Some(theme) = f.text("theme") else { return "default".into() };
    let folder_name = !theme.is_empty()
        && !theme.starts_with('.')
        && !theme.contains(['/', '\\', ':'])
        && !theme.chars().any(char::is_control);
    if folder_name {
        return theme;
    }
    f.invalid(
        &["theme".into()],
        format!("`{theme}` is not a theme name"),
        "use `default`, or the name of a folder under themes/ (one name, not a path)".into(),
    );
    "default".into()
}

fn read_person(f: &mut Fields) -> Option<Person> {
    let id = f.id("id", is_person_id, "[a-z0-9][a-z0-9_-]*");
    if f.get("id").is_none() {
        f.missing("id", "add `id: alice` (lowercase letters, digits, `_` and `-`)".into());
    }
    let name = f.required_text("name", "Alice Chen");
    let roles = f.text_list("roles");
    let reports_to = f.id("reports_to", is_person_id, "[a-z0-9][a-z0-9_-]*").map(PersonId);
    let git = f.text_list("git");
    let id = PersonId(id?);
    Some(Person { name: name.unwrap_or_else(|| id.0.clone()), id, roles, reports_to, git, index: 0 })
}

fn read_repository(f: &mut Fields) -> Option<Repository> {
    let url = f.required_text("url", "https://github.com/acme/product")?;
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        f.invalid(
            &["url".into()],
            format!("`{url}` is not a web address"),
            "write the repository's address as it is shown in a browser, e.g. `https://github.com/acme/product`".into(),
        );
        return None;
    }
    let branch = f.text("branch").unwrap_or_else(|| "main".into());
    let path = f.text("path").map(|p| p.trim_matches('/').to_owned());
    Some(Repository { url, branch, path })
}

fn read_sprint(f: &mut Fields) -> Option<Sprint> {
    let id = f.id("id", is_item_id, "[A-Za-z0-9][A-Za-z0-9._-]*");
    if f.get("id").is_none() {
        f.missing("id", "add `id: 2026-S23`".into());
    }
    let start = f.date("start");
    let end = f.date("end");
    for (key, value) in [("start", start), ("end", end)] {
        if value.is_none() && f.get(key).is_none() {
            f.missing(key, format!("add `{key}: 2026-11-02` (YYYY-MM-DD)"));
        }
    }
    let goal = f.text("goal");
    let (start, end) = (start?, end?);
    if end < start {
        f.invalid(
            &["end".into()],
            format!("sprint ends ({end}) before it starts ({start})"),
            "swap `start` and `end`".into(),
        );
    }
    Some(Sprint { id: SprintId(id?), start, end, goal, index: 0 })
}

/// `history: false` (or `true`), or a mapping with `window_days` (a whole number of days, at least 1).
fn read_history(f: &mut Fields) -> HistoryConfig {
    let default = HistoryConfig::default();
    let Some(value) = f.get("history") else { return default };
    let Some(map) = value.as_mapping() else {
        if let Some(enabled) = value.as_bool() {
            return HistoryConfig { enabled, ..default };
        }
        let message = format!("`history` must be `false` or a mapping, found {}", type_name(value));
        f.invalid(
            &["history".into()],
            message,
            "write `history: false`, or `history:` then `  window_days: 90`".into(),
        );
        return default;
    };
    let mut sub = Fields::new(f.doc(), f.key_path("history"), map, "history", HISTORY);
    let days = sub.integer("window_days", 1).map(|d| u32::try_from(d).unwrap_or(u32::MAX));
    for d in sub.finish() {
        f.push(d);
    }
    HistoryConfig { enabled: true, window_days: days.unwrap_or(default.window_days) }
}

fn read_rules(f: &mut Fields) -> Overrides {
    let mut overrides = Overrides::new();
    let Some(map) = f.mapping("rules") else { return overrides };
    for (key, value) in map {
        let id = key.as_str().unwrap_or_default();
        let path = [Seg::Key("rules".into()), Seg::Key(id.into())];
        let Some(rule) = Rule::from_id(id) else {
            let ids = Rule::ALL.iter().map(|r| r.id());
            let help = match did_you_mean(id, ids) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "see the rule list in the docs (charter check prints rule ids in brackets)".into(),
            };
            let location = f.doc().locate(&path, Part::Key);
            let d = Diagnostic::at(
                Rule::ConfigInvalid,
                &f.doc().source,
                location,
                format!("unknown rule `{id}` in `rules`"),
            )
            .help(help);
            f.push(d);
            continue;
        };
        match value.as_str().and_then(Severity::parse) {
            Some(severity) => {
                overrides.insert(rule, severity);
            }
            None => {
                let message = match scalar_text(value) {
                    Some(written) => format!("`{written}` is not a severity"),
                    None => format!("the severity of `{id}` must be text, found {}", type_name(value)),
                };
                f.invalid(&path, message, "use error, warning or off".into());
            }
        }
    }
    overrides
}

fn check_ignore_globs(config: &Config) -> Vec<Diagnostic> {
    let mut diags = vec![];
    for (i, glob) in config.ignore.iter().enumerate() {
        if let Err(err) = globset::Glob::new(glob) {
            let location = config.doc.locate(&["ignore".into(), i.into()], Part::Value);
            diags.push(
                Diagnostic::at(
                    Rule::ConfigInvalid,
                    &config.doc.source,
                    location,
                    format!("`{glob}` is not a valid glob: {}", err.kind()),
                )
                .help("globs are relative to the site, e.g. `backlog/archive/**`"),
            );
        }
    }
    diags
}
