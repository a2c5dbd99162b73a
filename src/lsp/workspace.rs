//! One site seen by the editor: the session with the open buffers layered over the
//! disk, the last checked model, and the diagnostics published per file.

use super::{actions, complete, navigate, position, send};
use crate::config::CONFIG_FILE;
use crate::diag::{Diagnostic, Severity};
use crate::model::Site;
use crate::session::{self, BuildArgs, Changes, Session};
use lsp_server::Notification;
use lsp_types::notification::{Notification as _, PublishDiagnostics, ShowMessage};
use lsp_types::{PublishDiagnosticsParams, Url};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The site under edit.
pub struct Workspace {
    root: PathBuf,
    out: PathBuf,
    session: Session,
    /// The model of the last check that could run.
    site: Option<Arc<Site>>,
    /// The diagnostics of that check by site path, as charter and as published.
    diagnostics: HashMap<String, Vec<Diagnostic>>,
    published: HashMap<String, Vec<lsp_types::Diagnostic>>,
    /// Files were re-read since the last check.
    stale: bool,
    /// What stops the templates from loading; `None` after a change that may have
    /// touched them (charter.yaml, templates/, themes/), until the next check.
    theme_problems: Option<Vec<Diagnostic>>,
    /// The URI each open file was opened with, so diagnostics name it the same way.
    uris: HashMap<PathBuf, Url>,
}

/// The folder the editor opened: the first workspace folder, else the root URI.
pub fn root_of(params: &lsp_types::InitializeParams) -> Option<PathBuf> {
    let folder = params.workspace_folders.as_ref().and_then(|f| f.first()).map(|f| &f.uri);
    #[allow(deprecated)] // rootUri is what LSP 3.17 clients without workspace folders send
    let uri = folder.or(params.root_uri.as_ref())?;
    uri.to_file_path().ok()
}

/// `path` with its folders resolved as the session resolves the site (the file itself
/// may not exist yet).
fn real_path(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    match (path.parent().and_then(|p| p.canonicalize().ok()), path.file_name()) {
        (Some(parent), Some(name)) => parent.join(name),
        _ => path.to_path_buf(),
    }
}

impl Workspace {
    /// The site whose charter.yaml is nearest at or above `path`, checked once.
    pub fn find(path: &Path) -> Option<Workspace> {
        let path = real_path(path);
        let root = path.ancestors().find(|dir| dir.join(CONFIG_FILE).is_file())?.to_path_buf();
        let out = crate::session::out_dir(&root, None);
        let args =
            BuildArgs { site: root.clone(), out: out.clone(), audience: None, base_url: None, deny_warnings: false };
        let mut ws = Workspace {
            root,
            out,
            session: Session::new(args),
            site: None,
            diagnostics: HashMap::new(),
            published: HashMap::new(),
            uris: HashMap::new(),
            stale: false,
            theme_problems: None,
        };
        ws.reload(&Changes::All);
        Some(ws)
    }

    /// An editor opened (`Some`), changed or closed (`None`) the buffer of `uri`.
    pub fn edit(&mut self, uri: &Url, text: Option<String>) {
        let Some(path) = self.path_of(uri) else { return };
        match text.is_some() {
            true => self.uris.insert(path.clone(), uri.clone()),
            false => self.uris.remove(&path),
        };
        self.session.set_buffer(&path, text);
        self.files_changed([path]);
    }

    /// Files changed on disk (or their buffers did): re-read them and check again.
    pub fn files_changed(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        let paths = paths.into_iter().map(|p| real_path(&p));
        if let Some(changes) = session::changes(&self.root, &self.out, paths) {
            self.reload(&changes);
        }
    }

    /// Re-reads what changed; the check waits for [`Workspace::refresh`].
    fn reload(&mut self, changes: &Changes) {
        if !matches!(changes, Changes::Content(_)) {
            self.theme_problems = None;
        }
        match self.session.reload(changes) {
            Ok(()) => self.stale = true,
            Err(e) => show_error(&format!("charter: {e}")),
        }
    }

    /// Validates the site if files were re-read since the last check, and publishes.
    pub fn refresh(&mut self) {
        if !std::mem::take(&mut self.stale) {
            return;
        }
        match self.session.check() {
            Ok((site, mut diagnostics)) => {
                let session = &self.session;
                diagnostics.extend(self.theme_problems.get_or_insert_with(|| session.theme_problems(&site)).clone());
                self.publish(diagnostics);
                self.site = Some(site);
            }
            Err(e) => show_error(&format!("charter: {e}")),
        }
    }

    /// Publishes the diagnostics of every file whose list changed, and clears fixed files.
    fn publish(&mut self, diagnostics: Vec<Diagnostic>) {
        let mut by_file: HashMap<String, Vec<Diagnostic>> = HashMap::new();
        for d in diagnostics {
            let file = if d.file.is_empty() { CONFIG_FILE.to_owned() } else { d.file.clone() };
            by_file.entry(file).or_default().push(d);
        }
        let now: HashMap<String, Vec<lsp_types::Diagnostic>> =
            by_file.iter().map(|(file, list)| (file.clone(), list.iter().map(to_lsp).collect())).collect();
        let cleared = self.published.keys().filter(|f| !now.contains_key(*f)).cloned().collect::<Vec<_>>();
        for file in cleared {
            self.send_diagnostics(&file, vec![]);
        }
        for (file, list) in &now {
            if self.published.get(file) != Some(list) {
                self.send_diagnostics(file, list.clone());
            }
        }
        self.published = now;
        self.diagnostics = by_file;
    }

    fn send_diagnostics(&self, file: &str, diagnostics: Vec<lsp_types::Diagnostic>) {
        let params = PublishDiagnosticsParams { uri: self.uri(file), diagnostics, version: None };
        send(Notification::new(PublishDiagnostics::METHOD.to_owned(), params));
    }

    /// The URI of a site path: as the editor opened it, else a `file:` URI.
    pub fn uri(&self, rel: &str) -> Url {
        let path = self.root.join(rel);
        self.uris.get(&path).cloned().unwrap_or_else(|| Url::from_file_path(&path).unwrap_or_else(|()| fallback()))
    }

    /// The absolute path of a URI inside the site; `None` for anything outside it.
    fn path_of(&self, uri: &Url) -> Option<PathBuf> {
        let path = real_path(&uri.to_file_path().ok()?);
        path.starts_with(&self.root).then_some(path)
    }

    /// The site path and current text (buffer, else disk) of a file of the site.
    fn document(&self, uri: &Url) -> Option<(String, String)> {
        let path = self.path_of(uri)?;
        let rel = path
            .strip_prefix(&self.root)
            .ok()?
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let text = match self.session.buffer(&path) {
            Some(text) => text.to_owned(),
            None => std::fs::read_to_string(&path).ok()?,
        };
        Some((rel, text))
    }

    /// A file's site path, text and checked model, for the requests below.
    fn context(&self, uri: &Url) -> Option<(&Site, String, String)> {
        let (rel, text) = self.document(uri)?;
        Some((self.site.as_deref()?, rel, text))
    }

    pub fn completion(&self, p: lsp_types::CompletionParams) -> Value {
        let at = p.text_document_position;
        let Some((site, rel, text)) = self.context(&at.text_document.uri) else { return Value::Null };
        let offset = position::offset(&text, at.position);
        json(complete::items(site, &rel, &text, offset))
    }

    pub fn hover(&self, p: lsp_types::HoverParams) -> Value {
        let at = p.text_document_position_params;
        let Some((site, rel, text)) = self.context(&at.text_document.uri) else { return Value::Null };
        json(navigate::hover(site, &rel, &text, position::offset(&text, at.position)))
    }

    pub fn definition(&self, p: lsp_types::GotoDefinitionParams) -> Value {
        let at = p.text_document_position_params;
        let Some((site, rel, text)) = self.context(&at.text_document.uri) else { return Value::Null };
        let target = navigate::definition(site, &rel, &text, position::offset(&text, at.position));
        json(target.map(|(file, range)| lsp_types::Location::new(self.uri(&file), range)))
    }

    pub fn document_symbols(&self, p: lsp_types::DocumentSymbolParams) -> Value {
        let Some((_, text)) = self.document(&p.text_document.uri) else { return Value::Null };
        json(navigate::document_symbols(&text))
    }

    pub fn workspace_symbols(&self, p: lsp_types::WorkspaceSymbolParams) -> Value {
        let Some(site) = &self.site else { return Value::Null };
        let symbols = navigate::workspace_symbols(site, &p.query);
        let symbols: Vec<lsp_types::WorkspaceSymbol> = symbols
            .into_iter()
            .map(|s| lsp_types::WorkspaceSymbol {
                name: s.name,
                kind: s.kind,
                tags: None,
                container_name: None,
                location: lsp_types::OneOf::Left(lsp_types::Location::new(self.uri(&s.file), s.range)),
                data: None,
            })
            .collect();
        json(symbols)
    }

    pub fn code_actions(&self, p: lsp_types::CodeActionParams) -> Value {
        let Some((site, rel, text)) = self.context(&p.text_document.uri) else { return Value::Null };
        let diagnostics = self.diagnostics.get(&rel).map_or(&[][..], Vec::as_slice);
        json(actions::for_range(site, &rel, &text, diagnostics, p.range, &p.text_document.uri))
    }
}

/// A charter diagnostic as an editor shows it: the rule as code, the help after the message.
fn to_lsp(d: &Diagnostic) -> lsp_types::Diagnostic {
    let severity = match d.severity {
        Severity::Error => lsp_types::DiagnosticSeverity::ERROR,
        Severity::Warning | Severity::Off => lsp_types::DiagnosticSeverity::WARNING,
    };
    let message = if d.help.is_empty() { d.message.clone() } else { format!("{}\nhelp: {}", d.message, d.help) };
    lsp_types::Diagnostic {
        range: position::diagnostic_range(d),
        severity: Some(severity),
        code: Some(lsp_types::NumberOrString::String(d.rule.id().to_owned())),
        source: Some("charter".into()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}

fn json(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A URI for a path that has none (not absolute): never expected, but never a panic.
fn fallback() -> Url {
    Url::parse("file:///").expect("a constant URI")
}

/// Tells the user about a failure that is not a diagnostic (no charter.yaml any more).
fn show_error(text: &str) {
    let params = lsp_types::ShowMessageParams { typ: lsp_types::MessageType::ERROR, message: text.to_owned() };
    send(Notification::new(ShowMessage::METHOD.to_owned(), params));
}
