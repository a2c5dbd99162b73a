//! Measures `charter serve`'s edit-to-reload time: connects to the event stream of a
//! running server, rewrites one story's title (as an editor saving in place does),
//! and times how long the reload event takes to arrive. Prints every sample and the
//! median, in milliseconds.
//!
//! Usage: `cargo run --release --example reload_latency -- URL STORY_FILE [RUNS]`

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn connect(url: &str) -> BufReader<TcpStream> {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(url), Some(file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: reload_latency URL STORY_FILE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(7);
    let original = std::fs::read_to_string(file).expect("read the story");
    let mut reader = connect(url);
    next_message(&mut reader);
    let mut samples = vec![];
    for run in 0..runs {
        let edited = original.replacen("title: ", &format!("title: Edited {run} "), 1);
        let started = Instant::now();
        std::fs::write(file, edited).expect("save the story");
        let message = next_message(&mut reader);
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        assert!(message.contains("\"errors\":[]"), "the edit did not build: {message}");
        println!("run {run}: {elapsed:.1} ms");
        samples.push(elapsed);
        // Let the watcher settle so each sample is one edit, not a burst.
        std::thread::sleep(Duration::from_millis(300));
    }
    std::fs::write(file, &original).expect("restore the story");
    samples.sort_by(f64::total_cmp);
    println!("median: {:.1} ms over {runs} edits", samples[samples.len() / 2]);
}
