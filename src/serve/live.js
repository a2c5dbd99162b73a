// Injected by `charter serve` only (never in `charter build` output): reloads the page
// after each good rebuild, keeping the scroll position, and shows diagnostics in an
// overlay while the site has errors.
(function () {
  "use strict";
  var script = document.currentScript;
  var generation = script.getAttribute("data-generation");
  var scrollKey = "charter-scroll:" + location.pathname;

  var saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
  }

  function reload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  function text(tag, value, className) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (className) el.className = className;
    return el;
  }

  function hideOverlay() {
    var old = document.getElementById("charter-overlay");
    if (old) old.remove();
  }

  function showOverlay(diagnostics) {
    hideOverlay();
    var box = document.createElement("div");
    box.id = "charter-overlay";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-label", "Build errors");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
      "background:rgba(20,20,24,.94);color:#f5f5f5;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace";
    box.appendChild(text("h2", "charter: the last change did not build — showing the last good site", ""));
    diagnostics.forEach(function (d) {
      var item = document.createElement("section");
      item.className = "charter-diagnostic";
      item.style.cssText = "margin:1rem 0;padding:1rem;border-left:4px solid " + (d.severity === "error" ? "#ff6b6b" : "#ffd166");
      item.appendChild(text("div", d.severity + "[" + d.rule + "]: " + d.message, "charter-message"));
      var where = d.file + (d.line ? ":" + d.line + ":" + d.column : "");
      if (d.file) item.appendChild(text("div", "--> " + where, "charter-location"));
      if (d.help) item.appendChild(text("div", "help: " + d.help, "charter-help"));
      box.appendChild(item);
    });
    document.body.appendChild(box);
  }

  var events = new EventSource(script.getAttribute("data-events"));
  events.onmessage = function (e) {
    var message = JSON.parse(e.data);
    if (message.errors && message.errors.length) {
      showOverlay(message.errors);
    } else if (String(message.generation) !== generation) {
      reload();
    } else {
      hideOverlay();
    }
  };
})();
