//! `charter lsp`: a language server over stdio (LSP 3.17). It adapts the incremental
//! [`Session`](crate::session::Session) to the protocol: editor buffers go in, the same
//! parse, model and validate stages as `check` run, and diagnostics, completions and
//! navigation come out. It has no rules of its own.
//!
//! The message types are rust-analyzer's `lsp-server`; the reading of frames is ours so
//! that a malformed or oversized message is reported and skipped instead of ending the
//! server (or allocating whatever length a header claims).

mod actions;
mod complete;
mod navigate;
mod position;
mod workspace;

use crate::error::Error;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification as note, request as req};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc;
use workspace::Workspace;

/// What the reader thread hands over: a message, or why a frame could not be read.
type Incoming = Result<Message, String>;

/// Serves one editor over stdin and stdout until `exit` or the end of stdin.
pub fn run() -> Result<crate::Outcome, Error> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || read_messages(&tx));
    let mut server = Server { root: None, workspace: None, watch_files: false, shutdown: false, initialized: false };
    loop {
        // Edits are parsed as they come; the site is checked once the queue is empty,
        // so a burst of keystrokes costs one check, not one per keystroke.
        let incoming = match rx.try_recv() {
            Ok(incoming) => incoming,
            Err(mpsc::TryRecvError::Empty) => {
                server.refresh();
                match rx.recv() {
                    Ok(incoming) => incoming,
                    Err(_) => break,
                }
            }
            Err(mpsc::TryRecvError::Disconnected) => break,
        };
        match incoming {
            Ok(Message::Notification(n)) if n.method == note::Exit::METHOD => break,
            Ok(message) => server.handle(message),
            Err(problem) => send(log(&format!("charter lsp: skipped a malformed message: {problem}"))),
        }
    }
    Ok(crate::Outcome::Success)
}

/// Frames larger than this are skipped without being held in memory; a 50 MB buffer
/// is far below it.
const MAX_FRAME: usize = 512 << 20;

/// Reads frames from stdin until it closes; a frame that is not JSON-RPC is passed on
/// as an error and the next one is read.
fn read_messages(tx: &mpsc::Sender<Incoming>) {
    let mut stdin = BufReader::new(std::io::stdin().lock());
    while let Ok(Some(incoming)) = read_frame(&mut stdin) {
        if tx.send(incoming).is_err() {
            return;
        }
    }
}

/// One `Content-Length` framed message; `Ok(None)` at the end of the input, an `Err`
/// when the input breaks off inside a frame.
fn read_frame(input: &mut impl BufRead) -> std::io::Result<Option<Incoming>> {
    let mut length = Err("no Content-Length header".to_owned());
    loop {
        let mut line = vec![];
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&line);
        let Some((name, value)) = line.trim_end().split_once(':') else {
            if line.trim().is_empty() {
                break;
            }
            continue;
        };
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse::<usize>().map_err(|_| format!("bad Content-Length `{}`", value.trim()));
        }
    }
    let length = match length {
        Ok(length) => length,
        Err(problem) => return Ok(Some(Err(problem))),
    };
    if length > MAX_FRAME {
        std::io::copy(&mut input.take(length as u64), &mut std::io::sink())?;
        return Ok(Some(Err(format!("a message of {length} bytes is over the limit of {MAX_FRAME}"))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(serde_json::from_slice::<Message>(&body).map_err(|e| e.to_string())))
}

/// Writes one message to stdout; a closed stdout leaves nobody to talk to.
fn send(message: impl Into<Message>) {
    let mut out = std::io::stdout().lock();
    if message.into().write(&mut out).is_err() {
        std::process::exit(0);
    }
    let _ = out.flush();
}

/// A `window/logMessage` notification of an error.
fn log(text: &str) -> Notification {
    let params = lsp_types::LogMessageParams { typ: lsp_types::MessageType::ERROR, message: text.to_owned() };
    Notification::new(note::LogMessage::METHOD.to_owned(), params)
}

struct Server {
    /// The folder the editor opened, until `initialized` looks for its site.
    root: Option<std::path::PathBuf>,
    workspace: Option<Workspace>,
    /// The client can watch files for us (saves, deletions, `git checkout`).
    watch_files: bool,
    initialized: bool,
    shutdown: bool,
}

impl Server {
    /// Checks the site if edits came in since the last check, and publishes.
    fn refresh(&mut self) {
        if let Some(ws) = &mut self.workspace {
            ws.refresh();
        }
    }

    fn handle(&mut self, message: Message) {
        match message {
            Message::Request(request) => {
                let response = self.respond(request);
                send(response);
            }
            Message::Notification(n) => self.notify(n),
            Message::Response(_) => {}
        }
    }

    fn respond(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        if request.method == req::Initialize::METHOD {
            return self.initialize(id, request.params);
        }
        if !self.initialized {
            return Response::new_err(id, ErrorCode::ServerNotInitialized as i32, "initialize first".into());
        }
        if self.shutdown {
            return Response::new_err(id, ErrorCode::InvalidRequest as i32, "the server is shutting down".into());
        }
        if request.method == req::Shutdown::METHOD {
            self.shutdown = true;
            return Response::new_ok(id, ());
        }
        // Answers see every edit sent before the request, and follow its diagnostics.
        self.refresh();
        match self.answer(&request.method, request.params) {
            Ok(result) => Response::new_ok(id, result),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn initialize(&mut self, id: RequestId, params: Value) -> Response {
        let params: lsp_types::InitializeParams = match serde_json::from_value(params) {
            Ok(p) => p,
            Err(e) => return Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string()),
        };
        self.initialized = true;
        // Found now, checked on `initialized`: nothing may be published before this answer.
        self.root = workspace::root_of(&params);
        let watched = params.capabilities.workspace.and_then(|w| w.did_change_watched_files);
        self.watch_files = watched.and_then(|w| w.dynamic_registration).unwrap_or(false);
        Response::new_ok(id, capabilities())
    }

    /// Answers a request other than initialize and shutdown.
    fn answer(&mut self, method: &str, params: Value) -> Result<Value, (ErrorCode, String)> {
        let Some(ws) = &mut self.workspace else {
            // No site found: nothing to offer, but known methods still succeed.
            return match ANSWERED.contains(&method) {
                true => Ok(Value::Null),
                false => Err((ErrorCode::MethodNotFound, format!("charter lsp does not handle `{method}`"))),
            };
        };
        let result = match method {
            req::Completion::METHOD => ws.completion(parse(params)?),
            req::HoverRequest::METHOD => ws.hover(parse(params)?),
            req::GotoDefinition::METHOD => ws.definition(parse(params)?),
            req::DocumentSymbolRequest::METHOD => ws.document_symbols(parse(params)?),
            req::WorkspaceSymbolRequest::METHOD => ws.workspace_symbols(parse(params)?),
            req::CodeActionRequest::METHOD => ws.code_actions(parse(params)?),
            _ => return Err((ErrorCode::MethodNotFound, format!("charter lsp does not handle `{method}`"))),
        };
        Ok(result)
    }

    fn notify(&mut self, n: Notification) {
        if !self.initialized {
            return;
        }
        let result = match n.method.as_str() {
            note::Initialized::METHOD => {
                self.workspace = self.root.take().and_then(|root| Workspace::find(&root));
                if self.watch_files {
                    send(watch_request());
                }
                Ok(())
            }
            note::DidOpenTextDocument::METHOD => parse(n.params).map(|p| self.opened(p)),
            note::DidChangeTextDocument::METHOD => parse(n.params).map(|p| self.changed(p)),
            note::DidCloseTextDocument::METHOD => parse(n.params).map(|p| self.closed(p)),
            note::DidChangeWatchedFiles::METHOD => parse(n.params).map(|p| self.watched(p)),
            _ => Ok(()),
        };
        if let Err((_, problem)) = result {
            send(log(&format!("charter lsp: `{}` ignored: {problem}", n.method)));
        }
    }

    fn opened(&mut self, p: lsp_types::DidOpenTextDocumentParams) {
        let doc = p.text_document;
        if self.workspace.is_none() {
            self.workspace = doc.uri.to_file_path().ok().and_then(|path| Workspace::find(&path));
        }
        if let Some(ws) = &mut self.workspace {
            ws.edit(&doc.uri, Some(doc.text));
        }
    }

    fn changed(&mut self, p: lsp_types::DidChangeTextDocumentParams) {
        // Full sync: the last change holds the whole text.
        let Some(change) = p.content_changes.into_iter().last() else { return };
        if let Some(ws) = &mut self.workspace {
            ws.edit(&p.text_document.uri, Some(change.text));
        }
    }

    fn closed(&mut self, p: lsp_types::DidCloseTextDocumentParams) {
        if let Some(ws) = &mut self.workspace {
            ws.edit(&p.text_document.uri, None);
        }
    }

    fn watched(&mut self, p: lsp_types::DidChangeWatchedFilesParams) {
        if let Some(ws) = &mut self.workspace {
            ws.files_changed(p.changes.iter().filter_map(|c| c.uri.to_file_path().ok()));
        }
    }
}

/// Asks the client to report changes on disk to the files a site is made of (templates
/// included), so that files changed outside the editor are re-read too.
fn watch_request() -> Request {
    use lsp_types::{DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern, Registration};
    let watcher = |glob: &str| FileSystemWatcher { glob_pattern: GlobPattern::String(glob.into()), kind: None };
    let watchers = ["**/*.md", "**/charter.yaml", "**/templates/**", "**/themes/**"];
    let options = DidChangeWatchedFilesRegistrationOptions { watchers: watchers.map(watcher).to_vec() };
    let registration = Registration {
        id: "charter-files".into(),
        method: note::DidChangeWatchedFiles::METHOD.into(),
        register_options: serde_json::to_value(options).ok(),
    };
    let params = lsp_types::RegistrationParams { registrations: vec![registration] };
    Request::new(RequestId::from("charter-watch".to_owned()), req::RegisterCapability::METHOD.into(), params)
}

/// The requests [`Server::answer`] handles.
const ANSWERED: [&str; 6] = [
    req::Completion::METHOD,
    req::HoverRequest::METHOD,
    req::GotoDefinition::METHOD,
    req::DocumentSymbolRequest::METHOD,
    req::WorkspaceSymbolRequest::METHOD,
    req::CodeActionRequest::METHOD,
];

/// Parameters of a request or notification, or an InvalidParams error.
fn parse<P: serde::de::DeserializeOwned>(params: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

/// What the server offers: full text sync and the requests [`Server::answer`] handles.
fn capabilities() -> lsp_types::InitializeResult {
    use lsp_types::*;
    let completion = CompletionOptions {
        trigger_characters: Some(vec![":".into(), " ".into(), "(".into(), "/".into(), "-".into()]),
        ..CompletionOptions::default()
    };
    InitializeResult {
        capabilities: ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
            completion_provider: Some(completion),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            workspace_symbol_provider: Some(OneOf::Left(true)),
            code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo { name: "charter".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
    }
}
