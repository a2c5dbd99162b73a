/* Charter default theme: a "Copy" button on each code block of a page body.
 *
 * Progressive: the button is added here, so without JavaScript the blocks read and
 * select as usual and no dead button shows. The button copies the block's text (not
 * its highlighting markup) and says "Copied" for two seconds; screen readers hear
 * the same through a live region.
 */
(function () {
  "use strict";

  if (!navigator.clipboard || !navigator.clipboard.writeText) return;
  var blocks = document.querySelectorAll(".prose pre > code");
  if (!blocks.length) return;

  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  function say(button, word) {
    button.textContent = word;
    status.textContent = word === "Copied" ? "Code copied to the clipboard" : word;
    clearTimeout(button.charterTimer);
    button.charterTimer = setTimeout(function () { button.textContent = "Copy"; }, 2000);
  }

  Array.prototype.forEach.call(blocks, function (code) {
    var pre = code.parentNode;
    var frame = document.createElement("div");
    frame.className = "code-frame";
    pre.parentNode.insertBefore(frame, pre);
    frame.appendChild(pre);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(code.textContent).then(
        function () { say(button, "Copied"); },
        function () { say(button, "Copy failed"); }
      );
    });
    frame.appendChild(button);
  });
})();
