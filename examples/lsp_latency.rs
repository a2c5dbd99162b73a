//! Measures `charter lsp` on a site as an editor drives it: from `didChange` of one
//! story to the `publishDiagnostics` for it (each edit flips the product owner between
//! the real one and an unknown id, so every edit changes what is published), and from a
//! completion request after `product_owner:` to its answer. Prints every sample, the
//! medians in milliseconds, and the server's peak memory.
//!
//! Usage: `cargo run --release --example lsp_latency -- CHARTER SITE STORY_REL [RUNS]`

use lsp_types::Url;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

struct Client {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl Client {
    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to charter lsp");
        self.stdin.flush().expect("flush");
    }

    fn read(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(self.stdout.read_line(&mut line).expect("read charter lsp") > 0, "charter lsp closed its output");
            match line.trim_end() {
                "" => break,
                header => {
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = n.parse().expect("a length");
                    }
                }
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).expect("read a message");
        serde_json::from_slice(&body).expect("JSON")
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.read();
            if message["id"] == id {
                return message["result"].clone();
            }
        }
    }

    /// Waits for the diagnostics of `uri`; returns how many there are.
    fn published(&mut self, uri: &str) -> usize {
        loop {
            let message = self.read();
            if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
                return message["params"]["diagnostics"].as_array().map_or(0, Vec::len);
            }
        }
    }
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// The server's peak resident memory (VmHWM), in MiB.
fn peak_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok());
    kib.unwrap_or(0.0) / 1024.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(charter), Some(site), Some(story)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: lsp_latency CHARTER SITE STORY_REL [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(21);
    let site = Path::new(site).canonicalize().expect("the site exists");
    let mut child = Command::new(charter)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start charter lsp");
    let stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut client = Client { stdin, stdout, next_id: 0 };
    let started = Instant::now();
    client.request(
        "initialize",
        json!({ "processId": null, "rootUri": Url::from_file_path(&site).unwrap(), "capabilities": {} }),
    );
    client.notify("initialized", json!({}));
    client.request("workspace/symbol", json!({ "query": "no symbol is called this" }));
    println!("first check of the site: {:.0} ms", started.elapsed().as_secs_f64() * 1000.0);
    let uri = Url::from_file_path(site.join(story)).unwrap().to_string();
    let original = std::fs::read_to_string(site.join(story)).expect("read the story");
    let owner_line = original.lines().position(|l| l.starts_with("product_owner:")).expect("a product_owner line");
    let owner = original.lines().nth(owner_line).unwrap().to_owned();
    let broken = original.replacen(&owner, "product_owner: nobody-at-all", 1);
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": original } }),
    );
    client.request("workspace/symbol", json!({ "query": "no symbol is called this" }));
    let mut changes = vec![];
    for run in 0..runs {
        let text = if run % 2 == 0 { &broken } else { &original };
        let started = Instant::now();
        let params =
            json!({ "textDocument": { "uri": uri, "version": run + 2 }, "contentChanges": [{ "text": text }] });
        client.notify("textDocument/didChange", params);
        let count = client.published(&uri);
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(count > 0, run % 2 == 0, "the edit was checked");
        println!("didChange {run}: {elapsed:.1} ms ({count} diagnostics)");
        changes.push(elapsed);
    }
    let mut completions = vec![];
    let position = json!({ "line": owner_line, "character": "product_owner: ".len() });
    for run in 0..runs {
        let started = Instant::now();
        let items =
            client.request("textDocument/completion", json!({ "textDocument": { "uri": uri }, "position": position }));
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        let count = items.as_array().map_or(0, Vec::len);
        assert!(count > 0, "product owners are offered");
        println!("completion {run}: {elapsed:.1} ms ({count} items)");
        completions.push(elapsed);
    }
    let peak = peak_mib(child.id());
    println!("median didChange -> publishDiagnostics: {:.1} ms over {runs} edits", median(changes));
    println!("median completion: {:.1} ms over {runs} requests", median(completions));
    println!("peak memory of charter lsp: {peak:.0} MiB");
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    child.wait().expect("charter lsp exits");
}
