//! Charter's pages in a real browser: headless Chromium, driven over WebDriver
//! (chromedriver + fantoccini). Under `charter serve` a page reloads by itself after an
//! edit, keeps its scroll position, shows the error overlay on a bad edit and drops it
//! after the fix. A built site opened from `file://` searches, and its code blocks'
//! copy buttons copy.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them), hence
//! `#[ignore]`: run it with `cargo test -- --include-ignored`.

use crate::support::serve::{ServeProcess, WAIT};
use crate::support::{OutDir, Site, fixture};
use fantoccini::{Client, ClientBuilder};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver on a free local port, killed when dropped.
struct Chromedriver {
    child: Child,
    url: String,
}

impl Chromedriver {
    fn start() -> Chromedriver {
        // Ask the system for a free port, then hand it to chromedriver.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("start {CHROMEDRIVER} ({err}): install chromium-driver"));
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let driver = Chromedriver { child, url: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + WAIT;
        loop {
            let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()));
            match line {
                Ok(line) if line.contains("started successfully") => return driver,
                Ok(_) => {}
                Err(err) => panic!("chromedriver did not start: {err}"),
            }
        }
    }

    async fn browser(&self, profile: &std::path::Path) -> Client {
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1024,768",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), json!({ "binary": CHROMIUM, "args": args }));
        let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(capabilities);
        builder.connect(&self.url).await.expect("a Chromium session")
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Evaluates a JavaScript expression in the page.
async fn eval(browser: &Client, expression: &str) -> serde_json::Value {
    browser
        .execute(&format!("return ({expression});"), vec![])
        .await
        .unwrap_or_else(|err| panic!("{expression}: {err}"))
}

/// Polls `condition` (a JavaScript expression) every 100 ms until it is true; fails
/// after [`WAIT`], showing what the page says.
async fn wait_until(browser: &Client, what: &str, condition: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        // A reload in progress can fail a script: that only means "not yet".
        let value = browser.execute(&format!("return ({condition});"), vec![]).await;
        if value.is_ok_and(|v| v == json!(true)) {
            return;
        }
        if Instant::now() > deadline {
            let text = eval(browser, "document.body ? document.body.innerText : ''").await;
            panic!("the page never showed {what} ({condition}); it says:\n{text}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// CHK-1 with a title and a body long enough to scroll.
fn chk_1(title: &str) -> String {
    let body: String = (1..=120).map(|n| format!("Paragraph {n} of a long story.\n\n")).collect();
    format!(
        "---\ntitle: {title}\nproduct_owner: olga\ninitiative: checkout\nstatus: in-progress\nrank: 1\nestimate: 5\nsprint: S1\nacceptance_criteria:\n  - It scrolls\n---\n{body}"
    )
}

async fn reloads_and_overlays(serve: Arc<ServeProcess>, browser: Client) {
    browser.goto(&format!("{}backlog/chk-1/", serve.url)).await.unwrap();
    wait_until(&browser, "the story", "document.body.innerText.includes('First title')").await;
    // Proof of a reload the test did not ask for: this mark goes with the old page.
    eval(&browser, "(window.charterTestMark = 1, window.scrollTo(0, 1200), window.scrollY)").await;
    assert_eq!(eval(&browser, "window.scrollY").await, json!(1200), "the page is long enough to scroll");

    serve.write("backlog/CHK-1.md", &chk_1("Second title"));
    wait_until(&browser, "the new title", "document.body.innerText.includes('Second title')").await;
    assert_eq!(eval(&browser, "window.charterTestMark === undefined").await, json!(true), "the page reloaded itself");
    wait_until(&browser, "the scroll position kept", "window.scrollY === 1200").await;

    serve.write("backlog/CHK-1.md", &chk_1("Second title").replace("rank: 1\n", "rank: [1\n"));
    let overlay = "document.getElementById('charter-overlay')";
    wait_until(&browser, "the overlay", &format!("!!{overlay} && {overlay}.innerText.includes('front-matter-syntax')"))
        .await;
    let text = eval(&browser, &format!("{overlay}.innerText")).await;
    let text = text.as_str().unwrap();
    for expected in ["backlog/CHK-1.md:7:", "invalid YAML", "help: "] {
        assert!(text.contains(expected), "the overlay lacks {expected:?}:\n{text}");
    }
    assert_eq!(eval(&browser, "document.body.innerText.includes('Second title')").await, json!(true));

    serve.write("backlog/CHK-1.md", &chk_1("Third title"));
    wait_until(&browser, "the overlay gone", &format!("{overlay} === null")).await;
    wait_until(&browser, "the fixed page", "document.body.innerText.includes('Third title')").await;
}

/// Runs `steps` in a fresh headless Chromium, ending the browser even when a step fails.
fn in_browser<F: Future<Output = ()> + Send + 'static>(steps: impl FnOnce(Client) -> F) {
    let driver = Chromedriver::start();
    let profile = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let browser = driver.browser(profile.path()).await;
        // Run the steps as a task, so that a failed assertion still ends the browser.
        let result = tokio::spawn(steps(browser.clone())).await;
        let _ = browser.close().await;
        if let Err(err) = result {
            std::panic::resume_unwind(err.into_panic());
        }
    });
}

#[test]
#[ignore = "needs chromium"]
fn a_real_browser_reloads_and_shows_the_overlay() {
    let site = Site::copy_of(&fixture("valid")).file("backlog/CHK-1.md", chk_1("First title"));
    let serve = Arc::new(ServeProcess::start(site));
    in_browser(|browser| reloads_and_overlays(serve, browser));
}

/// The `file://` URL of a page of a build.
fn file_url(out: &std::path::Path, page: &str) -> String {
    format!("file://{}/{page}", out.display())
}

const CODE_PAGE: &str = "# Install\n\n```sh\ncargo install --path . # from a clone\n```\n";

async fn copies_code(url: String, browser: Client) {
    browser.goto(&url).await.unwrap();
    let button = "document.querySelector('.code-frame > button.copy-code')";
    wait_until(&browser, "the copy button", &format!("!!{button} && {button}.textContent === 'Copy'")).await;
    // Headless Chromium's clipboard accepts writes but denies reads (tried: "Read
    // permission denied"), so a spy records the text on its way to the real clipboard;
    // "Copied" shows only once the browser has accepted it.
    let spy = "(function (write) { navigator.clipboard.writeText = function (text) { window.copied = text; \
               return write(text); }; return true; })(navigator.clipboard.writeText.bind(navigator.clipboard))";
    eval(&browser, spy).await;
    // A real click (a user gesture), as the clipboard requires.
    browser.find(fantoccini::Locator::Css(".code-frame > button.copy-code")).await.unwrap().click().await.unwrap();
    wait_until(&browser, "the button saying Copied", &format!("{button}.textContent === 'Copied'")).await;
    assert_eq!(eval(&browser, "window.copied").await, json!("cargo install --path . # from a clone\n"));
}

#[test]
#[ignore = "needs chromium"]
fn the_copy_button_copies_the_code_of_its_block() {
    let site = Site::new().file("docs/index.md", CODE_PAGE);
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let url = file_url(&out.out(), "docs/index.html");
    in_browser(|browser| copies_code(url, browser));
}

/// A story found by its title, another only by a word of its body (from a text shard).
const SEARCH_STORIES: [(&str, &str); 2] = [
    ("backlog/G-1.md", "---\ntitle: Guest address form\nproduct_owner: olga\nrank: 1\n---\nPlain body.\n"),
    ("backlog/G-2.md", "---\ntitle: Saved cards\nproduct_owner: olga\nrank: 2\n---\nMentions a zebrafish once.\n"),
];

async fn searches(url: String, browser: Client) {
    browser.goto(&url).await.unwrap();
    let input = browser.find(fantoccini::Locator::Css("#search-input")).await.unwrap();
    input.send_keys("guest addr").await.unwrap();
    let results = "document.getElementById('search-results')";
    wait_until(
        &browser,
        "the title match",
        &format!("!{results}.hidden && {results}.innerText.includes('Guest address form')"),
    )
    .await;
    input.clear().await.unwrap();
    input.send_keys("zebrafish").await.unwrap();
    wait_until(
        &browser,
        "the body match",
        &format!("!{results}.hidden && {results}.innerText.includes('Saved cards')"),
    )
    .await;
    // Keyboard: down to the first result, Enter opens it.
    input.send_keys("\u{E015}").await.unwrap();
    wait_until(&browser, "the first result focused", "document.activeElement.closest('#search-results') !== null")
        .await;
    browser.active_element().await.unwrap().send_keys("\u{E007}").await.unwrap();
    wait_until(&browser, "the story page", "location.href.endsWith('backlog/g-2/index.html')").await;
    // Escape closes the results.
    let input = browser.find(fantoccini::Locator::Css("#search-input")).await.unwrap();
    input.send_keys("saved").await.unwrap();
    wait_until(&browser, "the results again", &format!("!{results}.hidden")).await;
    input.send_keys("\u{E00C}").await.unwrap();
    wait_until(&browser, "the results closed", &format!("{results}.hidden")).await;
}

#[test]
#[ignore = "needs chromium"]
fn search_works_from_the_file_system_with_the_keyboard() {
    let site = SEARCH_STORIES
        .iter()
        .fold(Site::new().file("docs/index.md", "# Docs\n"), |site, (rel, text)| site.file(rel, text));
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let url = file_url(&out.out(), "docs/index.html");
    in_browser(|browser| searches(url, browser));
}
