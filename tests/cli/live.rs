//! `charter serve` while the site changes (SPEC §9): every kind of edit sends an event
//! with a new generation, after which the new content is served; a broken edit sends the
//! diagnostics and keeps the last good site; a fix clears them.

use crate::support::serve::{Events, ServeProcess};
use crate::support::{Charter, Site, fixture};
use std::fs;

/// A served copy of the valid fixture and its event stream, past the first message.
struct Live {
    serve: ServeProcess,
    events: Events,
    generation: u64,
}

impl Live {
    #[track_caller]
    fn start() -> Live {
        Live::start_with(&[])
    }

    #[track_caller]
    fn start_with(args: &[&str]) -> Live {
        let serve = ServeProcess::start_with(Site::copy_of(&fixture("valid")), args);
        let mut events = serve.events();
        let first = events.next();
        assert_eq!((first.generation, first.errors.len()), (1, 0), "the first message is the current state");
        Live { serve, events, generation: 1 }
    }

    /// Makes a change, then waits for a good build with a new generation after which
    /// `served` holds, and checks pages carry at least that generation.
    #[track_caller]
    fn change(&mut self, what: &str, edit: impl FnOnce(&ServeProcess), served: impl Fn(&ServeProcess) -> bool) {
        edit(&self.serve);
        let serve = &self.serve;
        let message = self.events.good_build(self.generation, what, || served(serve));
        assert!(served(serve), "{what}: no longer served");
        assert!(serve.get("").generation() >= message.generation, "{what}: a page older than the event");
        self.generation = message.generation;
    }

    fn body(&self, path: &str) -> String {
        self.serve.get(path).body
    }

    fn status(&self, path: &str) -> u16 {
        self.serve.get(path).status
    }
}

const NEW_STORY: &str = "---\ntitle: Refund a payment\nproduct_owner: olga\ninitiative: checkout\nrank: 3\n---\n";

/// CHK-1 with another title.
fn chk_1(serve: &ServeProcess, title: &str) -> String {
    let text = serve.read("backlog/CHK-1.md");
    let old = text.lines().find(|l| l.starts_with("title: ")).expect("a title line").to_string();
    text.replacen(&old, &format!("title: {title}"), 1)
}

#[test]
fn editing_a_title() {
    let mut live = Live::start();
    assert!(live.body("backlog/chk-1/").contains("Pay with an email only"));
    let text = chk_1(&live.serve, "Pay with a passkey");
    live.change(
        "the new title",
        |s| s.write("backlog/CHK-1.md", &text),
        |s| s.get("backlog/chk-1/").body.contains("Pay with a passkey"),
    );
    live.serve.get("backlog/chk-1/").assert_live_page();
    for page in ["backlog/chk-1/", "backlog/", "roadmap/checkout/"] {
        let body = live.body(page);
        assert!(body.contains("Pay with a passkey") && !body.contains("Pay with an email only"), "/{page}");
    }
}

#[test]
fn adding_a_story() {
    let mut live = Live::start();
    assert_eq!(live.status("backlog/chk-3/"), 404);
    live.change("the new story", |s| s.write("backlog/CHK-3.md", NEW_STORY), |s| s.get("backlog/chk-3/").status == 200);
    assert!(live.body("backlog/chk-3/").contains("Refund a payment"));
    assert!(live.body("backlog/").contains("Refund a payment"));
}

#[test]
fn deleting_a_story() {
    let mut live = Live::start();
    assert!(live.body("backlog/").contains("Remember the buyer"));
    live.change(
        "the story gone",
        |s| fs::remove_file(s.path("backlog/CHK-2.md")).unwrap(),
        |s| s.get("backlog/chk-2/").status == 404,
    );
    assert!(!live.body("backlog/").contains("Remember the buyer"), "the backlog still lists the deleted story");
}

#[test]
fn renaming_a_story_file() {
    let mut live = Live::start();
    live.change(
        "the renamed story",
        |s| fs::rename(s.path("backlog/INS-1.md"), s.path("backlog/INS-2.md")).unwrap(),
        |s| s.get("backlog/ins-2/").status == 200,
    );
    assert_eq!(live.status("backlog/ins-1/"), 404);
    assert!(live.body("backlog/ins-2/").contains("Daily sales chart"));
}

#[test]
fn editors_saving_by_rename() {
    let mut live = Live::start();
    // Write a temporary file, then rename it over the real one (VS Code, many tools).
    let text = chk_1(&live.serve, "Saved through a temporary file");
    live.change(
        "a temp-and-rename save",
        |s| {
            s.write("backlog/.CHK-1.md.tmp", &text);
            fs::rename(s.path("backlog/.CHK-1.md.tmp"), s.path("backlog/CHK-1.md")).unwrap();
        },
        |s| s.get("backlog/chk-1/").body.contains("Saved through a temporary file"),
    );
    // vim with backupcopy=no: move the file to a backup, write anew, delete the backup.
    let text = chk_1(&live.serve, "Saved like vim");
    live.change(
        "a vim save",
        |s| {
            fs::rename(s.path("backlog/CHK-1.md"), s.path("backlog/CHK-1.md~")).unwrap();
            s.write("backlog/CHK-1.md", &text);
            fs::remove_file(s.path("backlog/CHK-1.md~")).unwrap();
        },
        |s| s.get("backlog/chk-1/").body.contains("Saved like vim"),
    );
    // JetBrains safe-write: write a temp, move the original aside, move the temp in.
    let text = chk_1(&live.serve, "Saved like JetBrains");
    live.change(
        "a JetBrains save",
        |s| {
            s.write("backlog/CHK-1.md___jb_tmp___", &text);
            fs::rename(s.path("backlog/CHK-1.md"), s.path("backlog/CHK-1.md___jb_old___")).unwrap();
            fs::rename(s.path("backlog/CHK-1.md___jb_tmp___"), s.path("backlog/CHK-1.md")).unwrap();
            fs::remove_file(s.path("backlog/CHK-1.md___jb_old___")).unwrap();
        },
        |s| s.get("backlog/chk-1/").body.contains("Saved like JetBrains"),
    );
    // VS Code's atomic write: `NAME.vsctmp` beside the file, renamed over it; Emacs
    // locks the file being edited with a dangling link `.#NAME` meanwhile.
    let text = chk_1(&live.serve, "Saved like VS Code");
    live.change(
        "a VS Code atomic save under an Emacs lock",
        |s| {
            #[cfg(unix)]
            std::os::unix::fs::symlink("olga@host.4242:1700000000", s.path("backlog/.#CHK-1.md")).unwrap();
            s.write("backlog/CHK-1.md.vsctmp", &text);
            fs::rename(s.path("backlog/CHK-1.md.vsctmp"), s.path("backlog/CHK-1.md")).unwrap();
        },
        |s| s.get("backlog/chk-1/").body.contains("Saved like VS Code"),
    );
    assert!(!live.body("backlog/chk-1/").contains("Saved like vim"));
}

#[test]
fn a_new_folder_that_goes_and_comes_back() {
    let mut live = Live::start();
    live.change(
        "a story in a new folder",
        |s| s.write("backlog/payments/PAY-1.md", &NEW_STORY.replace("rank: 3", "rank: 4")),
        |s| s.get("backlog/pay-1/").status == 200,
    );
    assert!(live.body("backlog/").contains("Refund a payment"));
    live.change(
        "the folder removed",
        |s| fs::remove_dir_all(s.path("backlog/payments")).unwrap(),
        |s| s.get("backlog/pay-1/").status == 404,
    );
    live.change(
        "the folder back",
        |s| s.write("backlog/payments/PAY-2.md", &NEW_STORY.replace("a payment", "twice")),
        |s| s.get("backlog/pay-2/").body.contains("Refund twice"),
    );
    // A whole section folder (nothing outside docs/ links into it) goes and comes back.
    live.change("docs/ removed", |s| fs::remove_dir_all(s.path("docs")).unwrap(), |s| s.get("docs/").status == 404);
    live.change(
        "docs/ back",
        |s| s.write("docs/index.md", "# Docs again\n"),
        |s| s.get("docs/").body.contains("Docs again"),
    );
    live.change(
        "an edit in the new docs/",
        |s| s.write("docs/index.md", "# Docs edited\n"),
        |s| s.get("docs/").body.contains("Docs edited"),
    );
}

#[test]
fn a_burst_of_saves_ends_on_the_last_one() {
    let mut live = Live::start();
    let texts: Vec<String> = (1..=20).map(|n| chk_1(&live.serve, &format!("Save number {n}"))).collect();
    live.change(
        "the last save",
        |s| texts.iter().for_each(|text| s.write("backlog/CHK-1.md", text)),
        |s| s.get("backlog/chk-1/").body.contains("Save number 20<"),
    );
}

#[test]
fn polling_sees_edits_too() {
    let mut live = Live::start_with(&["--poll"]);
    let text = chk_1(&live.serve, "Seen by polling");
    live.change(
        "the polled edit",
        |s| s.write("backlog/CHK-1.md", &text),
        |s| s.get("backlog/chk-1/").body.contains("Seen by polling"),
    );
    live.change(
        "a polled new story",
        |s| s.write("backlog/CHK-3.md", NEW_STORY),
        |s| s.get("backlog/chk-3/").status == 200,
    );
}

#[test]
fn editing_the_config() {
    let mut live = Live::start();
    assert!(live.body("team/").contains("Olga Ortiz"));
    let config = live.serve.read("charter.yaml").replace("Olga Ortiz", "Olga Okafor");
    live.change("the new name", |s| s.write("charter.yaml", &config), |s| s.get("team/").body.contains("Olga Okafor"));
    for page in ["team/", "team/olga/", "backlog/chk-1/"] {
        let body = live.body(page);
        assert!(body.contains("Olga Okafor") && !body.contains("Olga Ortiz"), "/{page}");
    }
}

#[test]
fn adding_and_editing_a_static_file() {
    let mut live = Live::start();
    live.change(
        "the new file",
        |s| s.write("static/extra.css", "p { color: red }\n"),
        |s| s.get("extra.css").body == "p { color: red }\n",
    );
    live.change(
        "the edited file",
        |s| s.write("static/extra.css", "p { color: blue }\n"),
        |s| s.get("extra.css").body == "p { color: blue }\n",
    );
}

#[test]
fn a_cached_page_is_never_stale_after_a_rebuild() {
    let mut live = Live::start();
    let old = live.serve.get("backlog/chk-1/");
    let etag = old.header("etag").to_string();
    assert_eq!(live.serve.revalidate("backlog/chk-1/", &etag).status, 304);
    let text = chk_1(&live.serve, "Pay with a passkey");
    live.change(
        "the new title",
        |s| s.write("backlog/CHK-1.md", &text),
        |s| s.get("backlog/chk-1/").body.contains("Pay with a passkey"),
    );
    let page = live.serve.revalidate("backlog/chk-1/", &etag);
    assert_eq!(page.status, 200, "a browser's cached copy would be shown");
    assert!(page.body.contains("Pay with a passkey"));
}

/// CHK-2 with a YAML error at line 6, column 11 (nothing depends on CHK-2).
/// What serve printed for each build so far (its `built in` lines).
fn build_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("built in ")).collect()
}

/// Serve prints every warning of the first build, then only the warnings a rebuild
/// added, with a count on the build's line: a save shows what it caused, not the whole
/// list again.
#[test]
fn a_rebuild_prints_only_the_warnings_it_added() {
    let mut live = Live::start();
    let unranked = |s: &ServeProcess| s.write("backlog/CHK-9.md", &NEW_STORY.replace("rank: 3\n", ""));
    live.change("an unranked story", unranked, |s| s.get("backlog/chk-9/").status == 200);
    let printed = live.serve.stderr_when("the second build's line", |text| build_lines(text).len() == 2);
    assert_eq!(printed.matches("unranked-story").count(), 1, "{printed}");
    assert!(build_lines(&printed)[1].ends_with("; 1 warning (1 new, above)"), "{printed}");
    assert!(!printed.contains("passed with warnings"), "the build's line counts them, once: {printed}");

    live.change(
        "a retitled story",
        |s| s.write("backlog/CHK-1.md", &chk_1(s, "Pay fast")),
        |s| s.get("backlog/chk-1/").body.contains("Pay fast"),
    );
    let printed = live.serve.stderr_when("the third build's line", |text| build_lines(text).len() == 3);
    assert_eq!(printed.matches("unranked-story").count(), 1, "a known warning is not printed again: {printed}");
    assert!(build_lines(&printed)[2].ends_with("; 1 warning (none new)"), "{printed}");

    live.change(
        "the rank given",
        |s| s.write("backlog/CHK-9.md", NEW_STORY),
        |s| s.get("backlog/").body.contains("Refund a payment"),
    );
    let printed = live.serve.stderr_when("the fourth build's line", |text| build_lines(text).len() == 4);
    assert!(build_lines(&printed)[3].ends_with("; no warnings (1 gone)"), "{printed}");
}

fn break_chk_2(serve: &ServeProcess) {
    serve.write("backlog/CHK-2.md", &serve.read("backlog/CHK-2.md").replace("rank: 2\n", "rank: [2\n"));
}

#[test]
fn a_broken_edit_sends_the_errors_and_keeps_the_last_good_site() {
    let mut live = Live::start();
    let before = live.serve.get("backlog/chk-2/");
    let original = live.serve.read("backlog/CHK-2.md");
    break_chk_2(&live.serve);
    let broken = live.events.until("the YAML error", |m| m.errors.iter().any(|d| d.rule == "front-matter-syntax"));
    assert_eq!(broken.generation, 1, "a failed build is not a new generation");
    let [error] = &broken.errors[..] else { panic!("one error expected: {broken:#?}") };
    error
        .at("front-matter-syntax", "backlog/CHK-2.md", 6, 11)
        .message_has("invalid YAML")
        .help_has("check quotes, colons and indentation");
    assert_eq!(error.severity, "error");
    let check = Charter::check(live.serve.site()).json().run();
    assert_eq!(broken.errors, check.diagnostics(), "serve and check report the same diagnostics");
    let after = live.serve.get("backlog/chk-2/");
    assert_eq!((after.status, after.body), (200, before.body), "the last good page is still served");

    let fixed = original.replace("Remember the buyer's address", "Remember the address");
    live.change(
        "the fix",
        |s| s.write("backlog/CHK-2.md", &fixed),
        |s| s.get("backlog/chk-2/").body.contains("Remember the address"),
    );
    assert_eq!(live.generation, 2);
}

#[test]
fn deleting_charter_yaml_shows_the_overlay_and_restoring_it_clears_it() {
    let mut live = Live::start();
    let config = live.serve.read("charter.yaml");
    let before = live.serve.get("team/");
    fs::remove_file(live.serve.path("charter.yaml")).unwrap();
    let gone = live.events.until("the error about charter.yaml", |m| !m.errors.is_empty());
    assert_eq!(gone.generation, 1, "a failed build is not a new generation");
    let [error] = &gone.errors[..] else { panic!("one error expected: {gone:#?}") };
    error.at("config-invalid", "charter.yaml", 0, 0).message_has("charter.yaml is missing").help_has("restore");
    let after = live.serve.get("team/");
    assert_eq!((after.status, after.body), (200, before.body), "the last good site is still served");

    live.change(
        "charter.yaml restored",
        |s| s.write("charter.yaml", &config.replace("Olga Ortiz", "Olga Okafor")),
        |s| s.get("team/").body.contains("Olga Okafor"),
    );
    assert_eq!(live.generation, 2);
}

#[test]
fn serve_comes_up_when_the_first_build_fails() {
    let site = Site::copy_of(&fixture("valid"));
    let original = fs::read_to_string(site.path().join("backlog/CHK-2.md")).unwrap();
    fs::write(site.path().join("backlog/CHK-2.md"), original.replace("rank: 2\n", "rank: [2\n")).unwrap();
    let serve = ServeProcess::start(site);
    for path in ["", "backlog/chk-1/", "style.css"] {
        let page = serve.get(path);
        assert_eq!(page.status, 503, "/{path}");
        assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
        assert!(page.has_live_script(), "/{path}");
        assert_eq!(page.generation(), 0);
    }
    let mut events = serve.events();
    let first = events.next();
    assert_eq!(first.generation, 0);
    assert_eq!(first.errors, Charter::check(serve.site()).json().run().diagnostics());
    first.errors[0].at("front-matter-syntax", "backlog/CHK-2.md", 6, 11);

    serve.write("backlog/CHK-2.md", &original);
    let good = events.good_build(0, "the first good build", || serve.get("").status == 200);
    assert_eq!(good.generation, 1);
    serve.get("").assert_live_page();
    assert_eq!(serve.get("").generation(), 1);
    assert!(serve.get("backlog/chk-2/").body.contains("Remember the buyer"));
}

/// Assets (images beside the pages) are picked up like pages: added, changed, and
/// deleted (a broken link the overlay reports, the last good site kept).
#[test]
fn adding_changing_and_deleting_an_asset() {
    let mut live = Live::start();
    let page = format!("{}\n![The flow](img/flow.svg)\n", live.serve.read("docs/index.md"));
    live.change(
        "a new image shown by a page",
        |s| {
            s.write("docs/img/flow.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- one --></svg>");
            s.write("docs/index.md", &page);
        },
        |s| s.get("docs/img/flow.svg").body.contains("one") && s.get("docs/").body.contains("img/flow.svg"),
    );
    live.change(
        "the image changed",
        |s| s.write("docs/img/flow.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- two --></svg>"),
        |s| s.get("docs/img/flow.svg").body.contains("two"),
    );
    fs::remove_file(live.serve.path("docs/img/flow.svg")).unwrap();
    let broken = live.events.until("the broken image", |m| m.errors.iter().any(|d| d.rule == "broken-link"));
    broken.errors[0].at("broken-link", "docs/index.md", page.lines().count(), 1);
    assert!(live.body("docs/img/flow.svg").contains("two"), "the last good site is kept");
}
