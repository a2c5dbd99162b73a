//! Measures `charter serve`'s edit-to-reload time: connects to the event stream of a
//! running server, rewrites one story's title (as an editor saving in place does),
//! and times how long the reload event takes to arrive. Prints every sample and the
//! median, in milliseconds.
//!
//! A sample counts only when the site it announces shows the edit: after each event
//! the story's page, and the list pages that showed its title before the edits
//! (backlog or changelog, and the home page), are fetched and must carry the new
//! title. An event from an earlier rebuild (one edit seen as two bursts by the
//! watcher) is skipped rather than timed, so no sample can be shorter than the
//! rebuild that made it.
//!
//! Usage: `cargo run --release --example reload_latency -- URL STORY_FILE [RUNS]`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

fn host(url: &str) -> &str {
    url.trim_start_matches("http://").trim_end_matches('/')
}

fn connect(url: &str) -> BufReader<TcpStream> {
    let host = host(url);
    let mut stream = TcpStream::connect(host).expect("connect to charter serve");
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("set a read timeout");
    write!(stream, "GET /__charter/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n")
        .expect("send the request");
    BufReader::new(stream)
}

/// The next `data:` line of the stream.
fn next_message(reader: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).expect("read the event stream");
        assert!(n > 0, "the event stream closed");
        if let Some(data) = line.strip_prefix("data:") {
            return data.trim().to_owned();
        }
    }
}

/// The body of the page at `path` (e.g. `backlog/index.html`), as served now.
fn fetch(url: &str, path: &str) -> String {
    let host = host(url);
    let mut stream = TcpStream::connect(host).expect("connect to charter serve");
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("set a read timeout");
    write!(stream, "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").expect("send the request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read the page");
    response
}

/// The story's `title:` as written in its front matter.
fn title(text: &str) -> &str {
    text.lines().find_map(|l| l.strip_prefix("title: ")).unwrap_or_default().trim()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(url), Some(file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: reload_latency URL STORY_FILE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(7);
    let original = std::fs::read_to_string(file).expect("read the story");
    let stem = Path::new(file).file_stem().unwrap_or_default().to_string_lossy().to_lowercase();
    // The pages that must show the edit: the story's own, and the list pages that
    // show its title now (an open story is on the backlog, a done one on the changelog).
    let lists = ["index.html", "backlog/index.html", "changelog/index.html"];
    let mut pages = vec![format!("backlog/{stem}/index.html")];
    pages.extend(lists.iter().filter(|p| fetch(url, p).contains(title(&original))).map(|p| p.to_string()));
    println!("checking {} after each event", pages.join(", "));
    let mut reader = connect(url);
    next_message(&mut reader);
    let mut samples = vec![];
    for run in 0..runs {
        let marker = format!("Edited {run} ");
        let edited = original.replacen("title: ", &format!("title: {marker}"), 1);
        let started = Instant::now();
        std::fs::write(file, edited).expect("save the story");
        let elapsed = loop {
            let message = next_message(&mut reader);
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            assert!(message.contains("\"errors\":[]"), "the edit did not build: {message}");
            let missing: Vec<&String> = pages.iter().filter(|p| !fetch(url, p).contains(&marker)).collect();
            if missing.is_empty() {
                break elapsed;
            }
            println!("run {run}: an event at {elapsed:.1} ms without the edit on {missing:?}: skipped");
        };
        println!("run {run}: {elapsed:.1} ms");
        samples.push(elapsed);
        // Let the watcher settle so each sample is one edit, not a burst.
        std::thread::sleep(Duration::from_millis(300));
    }
    std::fs::write(file, &original).expect("restore the story");
    samples.sort_by(f64::total_cmp);
    println!("median: {:.1} ms over {runs} edits", samples[samples.len() / 2]);
}
