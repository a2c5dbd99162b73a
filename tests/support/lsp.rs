//! `charter lsp` under test: the real binary over stdio, spoken to in JSON-RPC with
//! `Content-Length` framing, as an editor would.
//!
//! Every request is answered in order after the notifications sent before it, and the
//! server publishes diagnostics before answering, so [`Lsp::sync`] (a request, then
//! everything up to its answer) leaves the diagnostics of every earlier edit in
//! [`Lsp::published`]. Waits are bounded by [`WAIT`], a watchdog, never a speed check.

use super::serve::WAIT;
use lsp_types::Url;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A running `charter lsp`, killed when dropped.
pub struct Lsp {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    stderr: Arc<Mutex<String>>,
    root: PathBuf,
    next_id: i64,
    versions: HashMap<String, i32>,
    /// The last diagnostics published for each URI.
    pub published: HashMap<String, Vec<Value>>,
    /// Every notification other than diagnostics, in order (log and show messages).
    pub notes: Vec<Value>,
}

impl Lsp {
    /// Starts the server and initializes it with `root` as the workspace folder.
    pub fn start(root: &Path) -> Lsp {
        let mut lsp = Lsp::spawn(root);
        let uri = Url::from_file_path(root).unwrap();
        let init = lsp.request("initialize", json!({ "processId": null, "rootUri": uri, "capabilities": {} }));
        assert_eq!(init["capabilities"]["textDocumentSync"], 1, "full sync: {init}");
        lsp.notify("initialized", json!({}));
        lsp
    }

    /// Starts the server without initializing it.
    pub fn spawn(root: &Path) -> Lsp {
        let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start charter lsp");
        let (tx, messages) = mpsc::channel();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            let mut stdout = stdout;
            while let Some(message) = read_frame(&mut stdout) {
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            sink.lock().unwrap().push_str(&text);
        });
        let stdin = child.stdin.take();
        Lsp {
            child,
            stdin,
            messages,
            stderr,
            root: root.canonicalize().unwrap(),
            next_id: 0,
            versions: HashMap::new(),
            published: HashMap::new(),
            notes: vec![],
        }
    }

    /// The URI of a file of the site.
    pub fn uri(&self, rel: &str) -> String {
        Url::from_file_path(self.root.join(rel)).unwrap().to_string()
    }

    /// Writes bytes as they are: framing included (for malformed input).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.next_message();
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
            self.note(message);
        }
    }

    /// Sends a request and returns its result, failing on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    fn next_message(&mut self) -> Value {
        let deadline = Instant::now() + WAIT;
        let left = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(message) => message,
            Err(e) => panic!("no message from charter lsp ({e}); stderr:\n{}", self.stderr()),
        }
    }

    fn note(&mut self, message: Value) {
        if message["method"] == "textDocument/publishDiagnostics" {
            let uri = message["params"]["uri"].as_str().unwrap().to_owned();
            let list = message["params"]["diagnostics"].as_array().unwrap().clone();
            self.published.insert(uri, list);
        } else {
            self.notes.push(message);
        }
    }

    /// Waits until the server has handled everything sent so far.
    pub fn sync(&mut self) {
        self.request("workspace/symbol", json!({ "query": "" }));
    }

    /// The diagnostics published last for a file, after [`Lsp::sync`].
    pub fn diagnostics(&mut self, rel: &str) -> Vec<Value> {
        self.sync();
        self.published.get(&self.uri(rel)).cloned().unwrap_or_default()
    }

    pub fn open(&mut self, rel: &str, text: &str) {
        self.versions.insert(rel.to_owned(), 1);
        let doc = json!({ "uri": self.uri(rel), "languageId": "markdown", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    }

    /// Replaces the whole text of an open file (full sync).
    pub fn change(&mut self, rel: &str, text: &str) {
        let version = self.versions.entry(rel.to_owned()).or_insert(1);
        *version += 1;
        let version = *version;
        let doc = json!({ "uri": self.uri(rel), "version": version });
        self.notify("textDocument/didChange", json!({ "textDocument": doc, "contentChanges": [{ "text": text }] }));
    }

    pub fn close(&mut self, rel: &str) {
        self.notify("textDocument/didClose", json!({ "textDocument": { "uri": self.uri(rel) } }));
    }

    /// `{textDocument, position}` for requests at a 0-based line and UTF-16 character.
    pub fn at(&self, rel: &str, line: u32, character: u32) -> Value {
        json!({ "textDocument": { "uri": self.uri(rel) }, "position": { "line": line, "character": character } })
    }

    /// Shuts the server down and waits for it to exit by itself.
    pub fn shutdown(mut self) -> ExitStatus {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.wait()
    }

    /// Closes stdin and waits for the server to exit by itself.
    pub fn close_stdin(mut self) -> ExitStatus {
        self.stdin = None;
        self.wait()
    }

    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(!self.stderr().contains("panicked"), "charter lsp panicked:\n{}", self.stderr());
                return status;
            }
            assert!(Instant::now() < deadline, "charter lsp did not exit");
            // Wait for output or its end rather than spinning.
            let _ = self.messages.recv_timeout(WAIT / 100);
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one `Content-Length` framed JSON message; `None` at the end of the stream.
fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("the server writes JSON"))
}

/// Applies LSP text edits (0-based lines, UTF-16 characters) to `text`.
pub fn apply(text: &str, edits: &[Value]) -> String {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| {
        std::cmp::Reverse((e["range"]["start"]["line"].as_u64(), e["range"]["start"]["character"].as_u64()))
    });
    let mut text = text.to_owned();
    for edit in edits {
        let start = offset(&text, &edit["range"]["start"]);
        let end = offset(&text, &edit["range"]["end"]);
        text.replace_range(start..end, edit["newText"].as_str().unwrap());
    }
    text
}

fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units >= character || c == '\n' {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}
