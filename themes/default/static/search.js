/* Charter default theme: the search box.
 *
 * Loads the index as scripts from the site root (the root prefix is the form's
 * `data-root` attribute, so it works from any sub-path; scripts load from `file://` as
 * well as over HTTP, which fetched JSON does not): `search-index.js` (kind, id,
 * title, status and URL of every entry) the first time the box is used, then the text
 * shards `search-text-N.js`. Title and id matches show at once; text matches join them
 * as the shards arrive. Keyboard: type, ArrowDown / ArrowUp to move through the results,
 * Enter to open, Escape to close. Without JavaScript every page is still fully readable.
 * No dependencies, no requests to other hosts.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.search[data-root]");
  if (!form) return;
  var input = form.querySelector("input[type=search]");
  var panel = form.querySelector(".search-results");
  if (!input || !panel) return;

  var root = form.getAttribute("data-root") || "";
  var MAX = 12;
  var KIND = { initiative: "Initiative", story: "Story", doc: "Doc", person: "Person" };

  var index = null;      // the loaded entries, each with lower-cased fields for matching
  var loading = null;    // the pending load, so it happens once
  var failed = false;
  var timer = 0;

  // A live region tells screen-reader users how many results there are.
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.appendChild(status);

  // Adds a script of the site root to the page; calls back with whether it loaded.
  function script(name, done) {
    var el = document.createElement("script");
    el.src = root + name;
    el.onload = function () { done(true); };
    el.onerror = function () { done(false); };
    document.head.appendChild(el);
  }

  // The URL of an entry written without one (see src/render/search.rs).
  var SECTION = { initiative: "roadmap/", story: "backlog/", person: "team/" };
  function impliedUrl(kind, id) {
    return (kind === "doc" ? id : SECTION[kind] + id.toLowerCase()) + "/index.html";
  }

  function load() {
    if (loading) return loading;
    loading = new Promise(function (resolve) {
      script("search-index.js", function (ok) {
        var data = window.charterSearch;
        if (!ok || !data || !Array.isArray(data.entries)) {
          failed = true;
          return resolve();
        }
        index = data.entries.map(function (r) {
          var kind = data.kinds[r[0]];
          var e = { kind: kind, id: r[1], title: r[2], url: r[3] || impliedUrl(kind, r[1]),
                    status: r[4] === null ? null : data.statuses[r[4]], text: "" };
          return { e: e, title: String(e.title || "").toLowerCase(), id: String(e.id || "").toLowerCase(), text: "" };
        });
        resolve();
        loadText(data.shards, data.shardEntries);
      });
    });
    return loading;
  }

  // The text shards, one after another; each joins the open results as it arrives
  // (unless the reader is moving through them: the list is not rebuilt under their
  // focus, and results closed with Escape stay closed).
  function loadText(shards, size) {
    var n = 0;
    (function next() {
      if (n >= shards) return;
      var shard = n++;
      script("search-text-" + shard + ".js", function (ok) {
        var texts = ok && window.charterSearchText && window.charterSearchText[shard];
        if (texts) {
          for (var i = 0; i < texts.length && shard * size + i < index.length; i++) {
            var it = index[shard * size + i];
            it.e.text = String(texts[i] || "");
            it.text = it.e.text.toLowerCase();
          }
          if (!panel.hidden && document.activeElement === input) render();
        }
        next();
      });
    })();
  }

  function terms(q) {
    return q.toLowerCase().split(/\s+/).filter(Boolean);
  }

  // Every term must appear in the title, id or text; title and id matches rank first.
  function search(q) {
    var ts = terms(q);
    if (!ts.length || !index) return [];
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var it = index[i];
      var score = 0;
      for (var j = 0; j < ts.length; j++) {
        var t = ts[j];
        var s = 0;
        if (it.id === t) s += 50;
        else if (it.id.indexOf(t) === 0) s += 20;
        var p = it.title.indexOf(t);
        if (p === 0) s += 30;
        else if (p > 0) s += 15;
        if (it.text.indexOf(t) !== -1) s += 1;
        if (!s) { score = 0; break; }
        score += s;
      }
      if (score) hits.push({ it: it, score: score, order: i });
    }
    hits.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    return hits.slice(0, MAX);
  }

  // A short piece of the text around the first matching term.
  function snippet(it, ts) {
    var text = String(it.e.text || "");
    var at = -1;
    for (var j = 0; j < ts.length && at < 0; j++) at = it.text.indexOf(ts[j]);
    if (at < 0) return text.slice(0, 110);
    var start = Math.max(0, at - 40);
    return (start > 0 ? "…" : "") + text.slice(start, start + 120);
  }

  // Text with the query terms wrapped in <mark>, built from DOM nodes (never innerHTML).
  function highlighted(text, ts) {
    var frag = document.createDocumentFragment();
    var lower = text.toLowerCase();
    var pos = 0;
    while (pos < text.length) {
      var best = -1, len = 0;
      for (var j = 0; j < ts.length; j++) {
        var k = lower.indexOf(ts[j], pos);
        if (k !== -1 && (best === -1 || k < best)) { best = k; len = ts[j].length; }
      }
      if (best === -1) break;
      if (best > pos) frag.appendChild(document.createTextNode(text.slice(pos, best)));
      var m = document.createElement("mark");
      m.textContent = text.slice(best, best + len);
      frag.appendChild(m);
      pos = best + len;
    }
    if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
    return frag;
  }

  function span(cls, content) {
    var s = document.createElement("span");
    s.className = cls;
    if (typeof content === "string") s.textContent = content;
    else s.appendChild(content);
    return s;
  }

  function open() { panel.hidden = false; }

  function close() {
    panel.hidden = true;
  }

  function render() {
    var q = input.value.trim();
    panel.textContent = "";
    if (!q) { close(); status.textContent = ""; return; }
    if (failed) {
      var err = document.createElement("p");
      err.className = "sr-empty";
      err.textContent = "The search index could not be loaded.";
      panel.appendChild(err);
      status.textContent = err.textContent;
      open();
      return;
    }
    if (!index) return; // still loading: render() runs again when it arrives
    var ts = terms(q);
    var hits = search(q);
    if (!hits.length) {
      var none = document.createElement("p");
      none.className = "sr-empty";
      none.textContent = "No results for “" + q + "”.";
      panel.appendChild(none);
    } else {
      var ul = document.createElement("ul");
      ul.setAttribute("aria-label", "Search results");
      hits.forEach(function (h) {
        var e = h.it.e;
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + e.url;
        a.appendChild(span("sr-title", highlighted(String(e.title || e.id || ""), ts)));
        var meta = (KIND[e.kind] || e.kind || "");
        if (e.id && e.kind !== "doc" && e.kind !== "person") meta += " · " + e.id;
        if (e.status) meta += " · " + String(e.status).replace(/-/g, " ");
        a.appendChild(span("sr-meta", meta));
        var snip = snippet(h.it, ts);
        if (snip) a.appendChild(span("sr-snippet", highlighted(snip, ts)));
        li.appendChild(a);
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
    status.textContent = hits.length
      ? hits.length + (hits.length === MAX ? " or more" : "") + " result" + (hits.length === 1 ? "" : "s") + ", use the down arrow to reach them"
      : "No results";
    open();
  }

  function links() {
    return Array.prototype.slice.call(panel.querySelectorAll("a"));
  }

  function focusResult(step) {
    var ls = links();
    if (!ls.length) return;
    var i = ls.indexOf(document.activeElement);
    var next = i + step;
    if (next < 0) { input.focus(); return; }
    if (next >= ls.length) next = ls.length - 1;
    ls[next].focus();
  }

  input.addEventListener("focus", function () { load(); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (index || failed) render();
      else load().then(render);
    }, 80);
  });

  form.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") {
      if (panel.hidden && input.value.trim()) render();
      ev.preventDefault();
      focusResult(1);
    } else if (ev.key === "ArrowUp") {
      if (document.activeElement !== input) { ev.preventDefault(); focusResult(-1); }
    } else if (ev.key === "Escape") {
      if (!panel.hidden) {
        ev.preventDefault();
        close();
        input.focus();
      } else if (document.activeElement === input && input.value) {
        input.value = "";
      }
    }
  });

  // Enter in the box opens the first result; there is no server to submit to.
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var first = links()[0];
    if (first) location.href = first.href;
  });

  // Close when focus or a click goes elsewhere.
  document.addEventListener("click", function (ev) {
    if (!form.contains(ev.target)) close();
  });
  form.addEventListener("focusout", function (ev) {
    if (ev.relatedTarget && !form.contains(ev.relatedTarget)) close();
  });
  input.addEventListener("click", function () {
    if (input.value.trim() && panel.hidden && (index || failed)) render();
  });
})();
