//! `charter serve` as a web server (SPEC §9): what it answers, with which headers, that
//! it serves what `build` writes, that nothing outside the site ever leaks, and that slow
//! or many clients do not get in the way of a rebuild.

use crate::support::output::Tree;
use crate::support::serve::{Events, Page, ServeProcess};
use crate::support::{Charter, OutDir, Site, fixture};
use std::ffi::OsStr;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>\n";

/// The body without the injected live-reload script.
fn without_script(body: &str) -> String {
    let start = body.find("<script data-charter-live").expect("the live script");
    let end = start + body[start..].find("</script>").unwrap() + "</script>".len();
    format!("{}{}", &body[..start], &body[end..])
}

#[test]
fn every_file_of_a_build_is_served_with_the_script_only_in_html() {
    let site = Site::copy_of(&fixture("valid")).file("static/logo.svg", SVG);
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let built = Tree::read(out.out());
    let serve = ServeProcess::start(site);
    for (rel, bytes) in built.files.iter().filter(|(rel, _)| !rel.starts_with('.')) {
        let path = rel.strip_suffix("index.html").unwrap_or(rel);
        let page = serve.get(path);
        assert_eq!(page.status, 200, "{rel}");
        assert_eq!(page.header("cache-control"), "no-cache", "{rel}");
        let expected = std::str::from_utf8(bytes).unwrap();
        if rel.ends_with(".html") {
            page.assert_live_page();
            assert_eq!(page.generation(), 1);
            assert_eq!(without_script(&page.body), expected, "{rel}: served and built differ");
        } else {
            assert!(!page.has_live_script(), "{rel}");
            assert_eq!(page.body, expected, "{rel}: served and built differ");
        }
    }
    assert!(serve.get("backlog/chk-1/").body.contains("Pay with an email only"));
}

#[test]
fn content_types_follow_the_file() {
    let serve = ServeProcess::start(Site::copy_of(&fixture("valid")).file("static/logo.svg", SVG));
    for (path, content_type) in [
        ("", "text/html; charset=utf-8"),
        ("backlog/chk-1/", "text/html; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
        ("search.js", "text/javascript; charset=utf-8"),
        ("roadmap.json", "application/json"),
        ("search-index.json", "application/json"),
        ("feed.xml", "application/atom+xml"),
        ("sitemap.xml", "application/xml"),
        ("logo.svg", "image/svg+xml"),
    ] {
        let page = serve.get(path);
        assert_eq!((page.status, page.header("content-type")), (200, content_type), "/{path}");
    }
}

#[test]
fn a_missing_page_gets_the_themes_404_page() {
    let site = Site::copy_of(&fixture("valid"));
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let not_found = Tree::read(out.out()).text("404.html").to_string();
    let serve = ServeProcess::start(site);
    for path in ["no-such-page/", "backlog/chk-404/", "a/b/c/d.html", "missing.css"] {
        let page = serve.get(path);
        assert_eq!(page.status, 404, "/{path}");
        assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
        assert!(page.has_live_script(), "/{path}");
        assert_eq!(without_script(&page.body), not_found, "/{path}");
    }
}

#[test]
fn head_redirects_and_caching() {
    let serve = ServeProcess::fixture("valid");
    let get = serve.get("backlog/");
    let head = serve.head("backlog/");
    assert_eq!(head.status, 200);
    assert_eq!(head.body, "");
    assert_eq!(head.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(head.header("cache-control"), "no-cache");
    assert_eq!(head.header("content-length"), get.body.len().to_string(), "HEAD describes the GET");
    assert_eq!(head.header("etag"), get.header("etag"));
    for (path, location) in [("roadmap", "roadmap/"), ("backlog/chk-1", "chk-1/"), ("docs/guide/setup", "setup/")] {
        let page = serve.get(path);
        assert!(matches!(page.status, 301 | 302 | 307 | 308), "/{path}: {}", page.status);
        assert_eq!(page.header("location"), location, "/{path}");
    }
}

#[test]
fn redirect_locations_are_percent_encoded() {
    let site = Site::copy_of(&fixture("valid"))
        .file("static/My Folder/index.html", "<p>spaces</p>")
        .file("static/caf\u{e9} #1/index.html", "<p>accents</p>");
    let serve = ServeProcess::start(site);
    for (path, location) in [("My%20Folder", "My%20Folder/"), ("caf%C3%A9%20%231", "caf%C3%A9%20%231/")] {
        let page = serve.get(path);
        assert_eq!(page.status, 308, "/{path}");
        assert_eq!(page.header("location"), location, "/{path}");
        assert_eq!(serve.get(location).status, 200, "the redirect leads to the folder's page");
    }
}

#[test]
fn the_live_script_is_never_in_build_output() {
    let site = Site::copy_of(&fixture("valid")).file("static/logo.svg", SVG);
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    for (rel, bytes) in &Tree::read(out.out()).files {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("data-charter-live") && !text.contains("__charter"), "{rel} has the live script");
    }
}

/// A file outside the site, which must never be served.
struct Secret {
    dir: tempfile::TempDir,
}

const SECRET: &str = "TOP-SECRET-7f3a91c2";

impl Secret {
    fn new() -> Secret {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secret.txt"), SECRET).unwrap();
        Secret { dir }
    }

    fn file(&self) -> std::path::PathBuf {
        self.dir.path().join("secret.txt")
    }
}

#[test]
fn no_path_climbs_out_of_the_site() {
    let serve = ServeProcess::fixture("valid");
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    for target in [
        "/../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2Fetc%2Fpasswd",
        "/..%2f..%2fetc/passwd",
        "/a%5c..%5c..%5cetc",
        "/static/../../charter.yaml",
        "/../charter.yaml",
        "/%2e%2e/charter.yaml",
        "/backlog/../../../../../../etc/passwd",
        "/.%2e/.%2e/etc/passwd",
        "/%252e%252e/etc/passwd",
        "/..\\..\\etc\\passwd",
        "/%00/etc/passwd",
        "//etc/passwd",
        "/charter.yaml",
        "/backlog/CHK-1.md",
    ] {
        let (status, body) = serve.raw_get(target);
        assert!(matches!(status, 400 | 404), "GET {target}: {status}");
        assert!(!body.contains("Valid fixture: a small site"), "GET {target} served charter.yaml");
        assert!(passwd.is_empty() || !body.contains(passwd.lines().next().unwrap()), "GET {target} served /etc/passwd");
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_static_is_never_served() {
    let secret = Secret::new();
    let site = Site::copy_of(&fixture("valid"))
        .symlink("static/leak.txt", secret.file())
        .symlink("static/leaks", secret.dir.path());
    let serve = ServeProcess::start(site);
    let mut events = serve.events();
    let first = events.next();
    assert!(first.errors.iter().any(|d| d.file == "static/leak.txt"), "{first:#?}");
    for path in ["leak.txt", "static/leak.txt", "leaks/secret.txt", "static/leaks/secret.txt"] {
        let page = serve.get(path);
        assert_ne!(page.status, 200, "/{path}");
        assert!(!page.body.contains(SECRET), "/{path} served a file outside the site");
    }
    // Once the links go the site builds; a link added while serving is refused too.
    std::fs::remove_file(serve.path("static/leak.txt")).unwrap();
    std::fs::remove_file(serve.path("static/leaks")).unwrap();
    events.good_build(0, "a good build without the links", || serve.get("").status == 200);
    std::os::unix::fs::symlink(secret.file(), serve.path("static/later.txt")).unwrap();
    events.until("the refused link", |m| m.errors.iter().any(|d| d.file == "static/later.txt"));
    let page = serve.get("later.txt");
    assert_eq!(page.status, 404);
    assert!(!page.body.contains(SECRET));
}

#[test]
fn binds_localhost_and_ipv6_when_asked() {
    let serve = ServeProcess::fixture("valid");
    assert!(serve.url.starts_with("http://127.0.0.1:"), "{}", serve.url);
    if TcpListener::bind("[::1]:0").is_err() {
        return; // no IPv6 loopback on this machine
    }
    let serve = ServeProcess::start_with(Site::copy_of(&fixture("valid")), &["--bind", "::1"]);
    assert!(serve.url.starts_with("http://[::1]:"), "{}", serve.url);
    serve.get("backlog/chk-1/").assert_live_page();
    assert_eq!(serve.events().next().generation, 1);
}

#[test]
fn a_port_in_use_exits_two_and_names_it() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = Site::copy_of(&fixture("valid"));
    let args = [OsStr::new("serve"), site.path().as_os_str(), OsStr::new("--port"), OsStr::new(&port)];
    let run = Charter::new(args).run();
    run.code(2);
    assert!(run.stderr.contains(&port), "{}", run.stderr);
    assert!(!run.stdout.contains("serving"), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_serve_even_with_pages_open() {
    let mut serve = ServeProcess::fixture("valid");
    let mut events = serve.events();
    events.next();
    let _stalled = serve.raw_request("/__charter/events");
    let status = serve.interrupt();
    assert_eq!(status.code(), Some(0), "stderr:\n{}", serve.stderr());
    assert!(serve.stderr().ends_with("stopping\n"), "{}", serve.stderr());
}

/// Sends the title edit of CHK-1 and waits until it is served.
fn retitle(serve: &ServeProcess, events: &mut Events, after: u64, title: &str) -> u64 {
    let text = serve.read("backlog/CHK-1.md");
    let old = text.lines().find(|l| l.starts_with("title: ")).unwrap();
    serve.write("backlog/CHK-1.md", &text.replacen(old, &format!("title: {title}"), 1));
    events.good_build(after, title, || serve.get("backlog/chk-1/").body.contains(title)).generation
}

#[test]
fn a_client_that_never_reads_events_does_not_stall_rebuilds() {
    let serve = ServeProcess::fixture("valid");
    let stalled: Vec<TcpStream> = (0..4).map(|_| serve.raw_request("/__charter/events")).collect();
    let mut events = serve.events();
    let mut generation = events.next().generation;
    for n in 1..=5 {
        let next = retitle(&serve, &mut events, generation, &format!("Pay with an email, take {n}"));
        assert!(next > generation);
        generation = next;
    }
    drop(stalled);
}

/// Checks one response taken while a rebuild may be under way: a whole page, old or new.
#[track_caller]
fn whole_page(page: &Page, path: &str) {
    page.assert_live_page();
    let (old, new) = (page.body.contains("Pay with an email only"), page.body.contains("Pay with a passkey"));
    assert!(!(old && new), "/{path} mixes two builds");
    assert!(path != "backlog/chk-1/" || old || new, "/{path} has no title");
}

#[test]
fn concurrent_requests_during_a_rebuild_get_whole_pages() {
    let serve = ServeProcess::fixture("valid");
    let mut events = serve.events();
    let before = events.next().generation;
    let done = AtomicBool::new(false);
    let paths = ["", "backlog/", "backlog/chk-1/", "roadmap/checkout/", "team/olga/"];
    std::thread::scope(|scope| {
        let requests: Vec<_> = (0..50)
            .map(|n| {
                let (serve, done, path) = (&serve, &done, paths[n % paths.len()]);
                scope.spawn(move || {
                    // At least once, and until the new site is out: so, during the rebuild.
                    loop {
                        let finished = done.load(Ordering::SeqCst);
                        whole_page(&serve.get(path), path);
                        if finished {
                            break;
                        }
                    }
                })
            })
            .collect();
        let text = serve.read("backlog/CHK-1.md").replace("Pay with an email only", "Pay with a passkey");
        serve.write("backlog/CHK-1.md", &text);
        events.good_build(before, "the new title", || serve.get("backlog/chk-1/").body.contains("Pay with a passkey"));
        done.store(true, Ordering::SeqCst);
        for request in requests {
            request.join().expect("every request got a whole page");
        }
    });
}

/// serve tells open pages to reload as soon as the new pages are made, and makes the
/// data files right after: one asked for at the reload is served once it is made,
/// never the last build's.
#[test]
fn data_files_asked_for_at_the_reload_carry_the_edit() {
    let serve = ServeProcess::fixture("valid");
    let mut events = serve.events();
    let before = events.next().generation;
    let text = serve.read("backlog/CHK-1.md").replace("Pay with an email only", "Pay with a passkey");
    serve.write("backlog/CHK-1.md", &text);
    events.good_build(before, "the new title in the page and the data files", || {
        let data = || ["roadmap.json", "search-index.json", "search-index.js"].map(|file| serve.get(file).body);
        serve.get("backlog/chk-1/").body.contains("Pay with a passkey")
            && data().iter().all(|body| body.contains("Pay with a passkey"))
    });
}
