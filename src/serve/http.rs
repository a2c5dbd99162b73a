//! The HTTP side of `serve`: requests are looked up in the in-memory site (never
//! joined onto a disk path), HTML gets the live-reload script, and
//! `/__charter/events` streams server-sent events.

use super::{Live, Snapshot, message_json};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// The reserved path of the event stream.
pub const EVENTS_PATH: &str = "/__charter/events";
const LIVE_JS: &str = include_str!("live.js");

/// The URL to print for a bound address (IPv6 in brackets).
pub fn url(addr: SocketAddr) -> String {
    format!("http://{addr}/")
}

/// All routes: the event stream, and every other path looked up in the site.
pub fn router(live: Arc<Live>) -> Router {
    Router::new().route(EVENTS_PATH, get(events)).fallback(page).with_state(live)
}

async fn events(State(live): State<Arc<Live>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = live.events.subscribe();
    // The first message is the current state, so a page that loaded just before a
    // rebuild (or while the site has errors) catches up at once.
    let first = message_json(&live.current());
    let stream = stream::unfold((Some(first), receiver, live), |(first, mut receiver, live)| async move {
        if let Some(message) = first {
            return Some((Ok(Event::default().data(message)), (None, receiver, live)));
        }
        let message = match receiver.recv().await {
            Ok(message) => message,
            // A slow client missed messages: the latest state is all it needs.
            Err(RecvError::Lagged(_)) => message_json(&live.current()),
            Err(RecvError::Closed) => return None,
        };
        Some((Ok(Event::default().data(message)), (None, receiver, live)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Why a request path cannot name a file of the site.
#[derive(Debug, PartialEq, Eq)]
pub enum BadPath {
    /// Traversal, encoded separators, backslashes, NUL or invalid encoding.
    Rejected,
}

/// Turns a request path into a key of the in-memory site, refusing anything that tries
/// to climb out or smuggle separators.
pub fn site_key(path: &str) -> Result<String, BadPath> {
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") || path.contains('\\') {
        return Err(BadPath::Rejected);
    }
    let decoded = crate::urls::percent_decode_strict(path).ok_or(BadPath::Rejected)?;
    let mut segments = vec![];
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return Err(BadPath::Rejected),
            s if s.contains('\\') || s.contains('\0') => return Err(BadPath::Rejected),
            s => segments.push(s),
        }
    }
    let mut key = segments.join("/");
    if decoded.ends_with('/') || key.is_empty() {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Ok(key)
}

async fn page(State(live): State<Arc<Live>>, uri: Uri, headers: HeaderMap) -> Response {
    let Ok(key) = site_key(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad request path\n").into_response();
    };
    let mut snapshot = live.current();
    if snapshot.partial && crate::render::is_data_file(&key) {
        // Only the pages of the newest build are made yet: wait for its data files.
        snapshot = live.whole(snapshot.generation).await;
    }
    let depth = uri.path().trim_start_matches('/').matches('/').count();
    if let Some(bytes) = snapshot.output.files.get(key.as_str()) {
        return file_response(&snapshot, &key, bytes, depth, &headers, StatusCode::OK);
    }
    let folder_index = format!("{key}/index.html");
    if snapshot.output.files.contains_key(folder_index.as_str()) {
        let name = key.rsplit('/').next().unwrap_or_default();
        return redirect(&format!("{}/", crate::urls::encode_path(name)));
    }
    if snapshot.output.files.is_empty() {
        let shell = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>charter</title></head><body><p>The site has not built yet.</p>{}</body></html>",
            live_script(&snapshot, depth)
        );
        return html_response(shell, StatusCode::SERVICE_UNAVAILABLE);
    }
    match snapshot.output.files.get("404.html") {
        Some(bytes) => file_response(&snapshot, "404.html", bytes, depth, &headers, StatusCode::NOT_FOUND),
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn file_response(
    snapshot: &Snapshot,
    key: &str,
    bytes: &Arc<[u8]>,
    depth: usize,
    headers: &HeaderMap,
    status: StatusCode,
) -> Response {
    let etag = format!("\"g{}-{}\"", snapshot.generation, bytes.len());
    if status == StatusCode::OK && headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let content_type = content_type(key);
    let body = if content_type.starts_with("text/html") {
        Body::from(inject(bytes, &live_script(snapshot, depth)))
    } else {
        // Shared, not copied: a data file is megabytes at 10,000 stories.
        Body::from(axum::body::Bytes::from_owner(bytes.clone()))
    };
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // Always revalidate: a rebuilt page must never come from a stale cache.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, value);
    }
    response
}

fn html_response(html: String, status: StatusCode) -> Response {
    let mut response = (status, html).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The script tag injected into served HTML (relative URL, so it works behind a proxy).
fn live_script(snapshot: &Snapshot, depth: usize) -> String {
    let events = format!("{}{}", "../".repeat(depth), EVENTS_PATH.trim_start_matches('/'));
    format!(
        "<script data-charter-live data-events=\"{events}\" data-generation=\"{}\">{LIVE_JS}</script>",
        snapshot.generation
    )
}

/// Inserts `script` before the last `</body>` (or at the end).
pub fn inject(html: &[u8], script: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + script.len());
    out.push_str(&text[..at]);
    out.push_str(script);
    out.push_str(&text[at..]);
    out.into_bytes()
}

/// The content type of an output file, by extension.
pub fn content_type(key: &str) -> &'static str {
    let ext = key.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => {
            if key.ends_with("feed.xml") {
                "application/atom+xml"
            } else {
                "application/xml"
            }
        }
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" | "md" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_site_keys() {
        assert_eq!(site_key("/").unwrap(), "index.html");
        assert_eq!(site_key("/roadmap/").unwrap(), "roadmap/index.html");
        assert_eq!(site_key("/roadmap/x/index.html").unwrap(), "roadmap/x/index.html");
        assert_eq!(site_key("/docs/my%20page/").unwrap(), "docs/my page/index.html");
        assert_eq!(site_key("//style.css").unwrap(), "style.css");
    }

    #[test]
    fn traversal_is_rejected_in_every_encoding() {
        for path in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "/a%2fb",
            "/a%5cb",
            "/a\\b",
            "/%00",
            "/%zz",
            "/./x",
            "/%c0%ae%c0%ae/x",
        ] {
            assert_eq!(site_key(path), Err(BadPath::Rejected), "{path}");
        }
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        assert_eq!(inject(b"<body>a</body></html>", "<s>"), b"<body>a<s></body></html>");
        assert_eq!(inject(b"no body", "<s>"), b"no body<s>");
    }

    /// A snapshot of the pages of build 2 over the files of build 1.
    fn snapshot(generation: u64, files: &[(&str, &str)], partial: bool) -> Snapshot {
        let files = files.iter().map(|(path, text)| (Arc::from(*path), Arc::from(text.as_bytes()))).collect();
        let output = Arc::new(crate::render::Output { files, assets: vec![] });
        Snapshot { output, generation, errors: vec![], partial }
    }

    async fn get(live: &Arc<Live>, path: &'static str) -> String {
        let response = page(State(live.clone()), Uri::from_static(path), HeaderMap::new()).await;
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("a body");
        String::from_utf8_lossy(&body).into_owned()
    }

    /// While only a build's pages are made (serve has told open pages to reload), a page
    /// is served at once, and a data file only when the build has made it: never the
    /// last build's.
    #[test]
    fn a_data_file_waits_for_the_build_whose_pages_are_served() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        let live = Arc::new(Live::new());
        let files = [("index.html", "new page"), ("style.css", "css"), ("roadmap.json", "old data")];
        live.publish(snapshot(2, &files, true));
        runtime.block_on(async {
            assert!(get(&live, "/").await.starts_with("new page"));
            assert_eq!(get(&live, "/style.css").await, "css", "only data files wait");
            let mut data = std::pin::pin!(get(&live, "/roadmap.json"));
            tokio::select! {
                biased;
                served = &mut data => panic!("served before the build made it: {served}"),
                () = std::future::ready(()) => {}
            }
            let files = [("index.html", "new page"), ("style.css", "css"), ("roadmap.json", "new data")];
            live.complete(snapshot(2, &files, false));
            assert_eq!(data.await, "new data");
            // A build whose pages came out before a waiting request was answered holds
            // the data files it waited for: the request does not wait for that build's.
            live.publish(snapshot(3, &[("index.html", "page 3"), ("roadmap.json", "data 2")], true));
            let mut data = std::pin::pin!(get(&live, "/roadmap.json"));
            tokio::select! {
                biased;
                served = &mut data => panic!("served before the build made it: {served}"),
                () = std::future::ready(()) => {}
            }
            live.publish(snapshot(4, &[("index.html", "page 4"), ("roadmap.json", "data 3")], true));
            assert_eq!(data.await, "data 3");
        });
    }

    #[test]
    fn data_files_are_named_by_what_render_makes() {
        for data in
            ["roadmap.json", "feed.xml", "sitemap.xml", "search-index.js", "search-text-0.js", "search-text-11.js"]
        {
            assert!(crate::render::is_data_file(data), "{data}");
        }
        for other in
            ["style.css", "search.js", "search-text-.js", "search-text-x.js", "docs/roadmap.json", "index.html"]
        {
            assert!(!crate::render::is_data_file(other), "{other}");
        }
    }

    #[test]
    fn content_types_follow_extensions() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("feed.xml"), "application/atom+xml");
        assert_eq!(content_type("favicon.SVG"), "image/svg+xml");
        assert_eq!(content_type("x.bin"), "application/octet-stream");
    }
}
