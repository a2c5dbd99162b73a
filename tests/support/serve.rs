//! `charter serve` under test: a server on a free port over a temporary copy of a site,
//! HTTP requests (plain ones through ureq, raw ones for paths a client would normalise),
//! and the event stream read line by line in a background thread.
//!
//! Nothing here sleeps: waits are for a line, a message or a condition, each bounded by
//! the generous [`WAIT`], a watchdog for a hung server rather than a speed check.

use super::{Diag, Site};
use serde::Deserialize;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The longest wait for the server to come up, for an event, or for a condition.
pub const WAIT: Duration = Duration::from_secs(30);

/// A running `charter serve SITE --port 0`, killed when dropped (with its site).
pub struct ServeProcess {
    /// `None` once [`ServeProcess::interrupt`] has ended it.
    child: Option<Child>,
    /// The printed URL, `http://127.0.0.1:PORT/`.
    pub url: String,
    /// `127.0.0.1:PORT`, for raw requests.
    pub addr: String,
    stderr: Arc<Printed>,
    stderr_reader: Option<JoinHandle<()>>,
    agent: ureq::Agent,
    site: Site,
}

impl ServeProcess {
    /// Serves `site` and waits for the `serving SITE at URL` line.
    #[track_caller]
    pub fn start(site: Site) -> ServeProcess {
        ServeProcess::start_with(site, &[])
    }

    /// Serves `site` with more options (`--poll`, `--bind ::1`...).
    #[track_caller]
    pub fn start_with(site: Site, args: &[&str]) -> ServeProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
            .arg("serve")
            .arg(site.path())
            .args(["--port", "0"])
            .args(args)
            .env_remove("NO_COLOR")
            .env("SOURCE_DATE_EPOCH", super::SOURCE_DATE_EPOCH)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start charter serve");
        let stderr = Arc::new(Printed::default());
        let stderr_reader = Some(collect(child.stderr.take().unwrap(), stderr.clone()));
        let lines = forward_lines(child.stdout.take().unwrap());
        let mut serve = ServeProcess {
            child: Some(child),
            url: String::new(),
            addr: String::new(),
            stderr,
            stderr_reader,
            agent: agent(),
            site,
        };
        let line = match lines.recv_timeout(WAIT) {
            Ok(line) => line,
            Err(err) => panic!("no `serving` line ({err}); stderr:\n{}", serve.stderr()),
        };
        let expected = format!("serving {} at http://", serve.site.path().display());
        assert!(line.starts_with(&expected) && line.ends_with("/ (Ctrl-C to stop)"), "first line: {line:?}");
        serve.url = line[expected.len() - "http://".len()..].split(' ').next().unwrap().to_string();
        serve.addr = serve.url.trim_start_matches("http://").trim_end_matches('/').to_string();
        let port = serve.addr.rsplit(':').next().unwrap();
        assert!(port.parse::<u16>().is_ok_and(|p| p != 0), "the URL names the real port: {line}");
        serve
    }

    /// Serves a temporary copy of `tests/fixtures/NAME`.
    #[track_caller]
    pub fn fixture(name: &str) -> ServeProcess {
        ServeProcess::start(Site::copy_of(&super::fixture(name)))
    }

    /// Everything the server printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.text.lock().unwrap().clone()
    }

    /// Waits until what the server printed on stderr satisfies `done`, and returns it;
    /// fails after [`WAIT`].
    #[track_caller]
    pub fn stderr_when(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let text = self.stderr.text.lock().unwrap();
        let (text, waited) = self.stderr.grew.wait_timeout_while(text, WAIT, |text| !done(text)).unwrap();
        assert!(!waited.timed_out(), "waiting for {what} on stderr:\n{text}");
        text.clone()
    }

    /// A path inside the served site.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.site.path().join(rel)
    }

    /// The site folder.
    pub fn site(&self) -> &Path {
        self.site.path()
    }

    /// Reads a file of the site.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Writes a file of the site in place, as most editors do, creating its folders.
    pub fn write(&self, rel: &str, contents: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// `GET /PATH` (no redirect followed).
    #[track_caller]
    pub fn get(&self, path: &str) -> Page {
        self.request("GET", path)
    }

    /// `HEAD /PATH`.
    #[track_caller]
    pub fn head(&self, path: &str) -> Page {
        self.request("HEAD", path)
    }

    /// `GET /PATH` with `If-None-Match: ETAG`, as a browser revalidating its cache.
    #[track_caller]
    pub fn revalidate(&self, path: &str, etag: &str) -> Page {
        self.request_with("GET", path, Some(etag))
    }

    #[track_caller]
    fn request(&self, method: &str, path: &str) -> Page {
        self.request_with(method, path, None)
    }

    #[track_caller]
    fn request_with(&self, method: &str, path: &str, etag: Option<&str>) -> Page {
        let url = format!("{}{}", self.url, path.trim_start_matches('/'));
        let result = match (method, etag) {
            ("HEAD", _) => self.agent.head(&url).call(),
            (_, Some(etag)) => self.agent.get(&url).header("If-None-Match", etag).call(),
            _ => self.agent.get(&url).call(),
        };
        let mut response = result.unwrap_or_else(|err| panic!("{method} {url}: {err}\nstderr:\n{}", self.stderr()));
        let body = response.body_mut().with_config().limit(64 << 20).read_to_string();
        let body = body.unwrap_or_else(|err| panic!("{method} {url}: reading the body: {err}"));
        Page { status: response.status().as_u16(), headers: response.headers().clone(), body }
    }

    /// Sends `GET TARGET` exactly as written (no normalising of `..` or `%2e`) and
    /// returns the status and everything after the headers.
    #[track_caller]
    pub fn raw_get(&self, target: &str) -> (u16, String) {
        let mut stream = self.raw_request(target);
        let mut response = Vec::new();
        stream.read_to_end(&mut response).expect("read the raw response");
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response.split(' ').nth(1).and_then(|s| s.parse().ok());
        let status = status.unwrap_or_else(|| panic!("GET {target}: not an HTTP response: {response:?}"));
        let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, body)
    }

    /// A connection that has sent `GET TARGET` and read nothing yet.
    pub fn raw_request(&self, target: &str) -> TcpStream {
        let mut stream = TcpStream::connect(&self.addr).expect("connect to serve");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let request = format!("GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr);
        stream.write_all(request.as_bytes()).unwrap();
        stream
    }

    /// Sends SIGINT (what Ctrl-C sends) and waits for the server to end.
    #[cfg(unix)]
    #[track_caller]
    pub fn interrupt(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("still running");
        let pid = child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status().expect("run kill");
        assert!(sent.success(), "kill -INT {pid}");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        match rx.recv_timeout(WAIT) {
            Ok(status) => {
                // Its stderr closed with it: read to the end before anyone looks.
                if let Some(reader) = self.stderr_reader.take() {
                    let _ = reader.join();
                }
                status.expect("wait for charter serve")
            }
            Err(_) => {
                let _ = Command::new("kill").args(["-KILL", &pid]).status();
                panic!("charter serve did not stop on Ctrl-C; stderr:\n{}", self.stderr())
            }
        }
    }

    /// Connects to the event stream; the first message is the current state.
    #[track_caller]
    pub fn events(&self) -> Events {
        let url = format!("{}__charter/events", self.url);
        // No overall timeout here: the stream stays open for the whole test.
        let request = self.agent.get(&url).config().timeout_global(None).build();
        let response = request.call().unwrap_or_else(|err| panic!("GET {url}: {err}"));
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let (tx, rx) = mpsc::channel();
        let reader = BufReader::new(response.into_body().into_reader());
        std::thread::spawn(move || {
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if let Some(data) = line.strip_prefix("data:")
                    && tx.send(data.trim_start().to_string()).is_err()
                {
                    break;
                }
            }
        });
        Events { rx, stderr: self.stderr.clone(), seen: vec![] }
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
        if !std::thread::panicking() {
            let stderr = self.stderr();
            assert!(!stderr.contains("panicked"), "charter serve panicked:\n{stderr}");
        }
    }
}

fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(WAIT))
        .build();
    config.into()
}

/// Forwards each line of `from` to the returned channel, and keeps reading (so the
/// child never blocks on a full pipe) after the receiver is gone.
pub fn forward_lines(from: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line);
        }
    });
    rx
}

/// What a process printed on a stream so far, and a signal for each line added.
#[derive(Default)]
struct Printed {
    text: Mutex<String>,
    grew: Condvar,
}

fn collect(from: impl Read + Send + 'static, into: Arc<Printed>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            let mut text = into.text.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
            into.grew.notify_all();
        }
    })
}

/// One response, body read whole.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl Page {
    /// A header's value, or "" when absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", |v| v.to_str().unwrap())
    }

    /// Whether the live-reload script was injected.
    pub fn has_live_script(&self) -> bool {
        self.body.contains("<script data-charter-live")
    }

    /// The generation the injected script carries.
    #[track_caller]
    pub fn generation(&self) -> u64 {
        let (_, rest) = self.body.split_once("data-generation=\"").expect("the live script");
        rest.split('"').next().unwrap().parse().unwrap()
    }

    /// Asserts a 200 HTML page with the live script before `</body></html>`.
    #[track_caller]
    pub fn assert_live_page(&self) -> &Page {
        assert_eq!(self.status, 200, "{}", self.body);
        assert_eq!(self.header("content-type"), "text/html; charset=utf-8");
        let script = self.body.rfind("<script data-charter-live").expect("the live script is injected");
        let end = self.body.rfind("</html>").expect("the page is complete");
        assert!(script < end && self.body.trim_end().ends_with("</html>"), "a cut page:\n{}", self.body);
        self
    }
}

/// One message of the event stream.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub generation: u64,
    pub errors: Vec<Diag>,
}

/// An open event stream.
pub struct Events {
    rx: Receiver<String>,
    stderr: Arc<Printed>,
    seen: Vec<String>,
}

impl Events {
    /// The next message.
    #[track_caller]
    pub fn next(&mut self) -> Message {
        self.until("any message", |_| true)
    }

    /// Reads messages until one satisfies `done` (which may also look at the site) and
    /// returns it; fails after [`WAIT`] in all.
    #[track_caller]
    pub fn until(&mut self, what: &str, mut done: impl FnMut(&Message) -> bool) -> Message {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let data = match self.rx.recv_timeout(left) {
                Ok(data) => data,
                Err(err) => panic!(
                    "waiting for {what}: {err}\nmessages so far: {:#?}\nstderr:\n{}",
                    self.seen,
                    self.stderr.text.lock().unwrap()
                ),
            };
            let message: Message =
                serde_json::from_str(&data).unwrap_or_else(|err| panic!("not a message ({err}): {data}"));
            self.seen.push(data);
            if done(&message) {
                return message;
            }
        }
    }

    /// Waits for a good build newer than `after` after which `served` holds (a single
    /// edit may land in two bursts, so a first rebuild may still see part of it).
    #[track_caller]
    pub fn good_build(&mut self, after: u64, what: &str, mut served: impl FnMut() -> bool) -> Message {
        self.until(what, |m| m.generation > after && m.errors.is_empty() && served())
    }
}
