// Deadline countdowns, shared by the parties' pages and the agents' workbench.
// Every [data-countdown="<ISO 8601 time>"] shows the time left (or overdue) and
// its tone, at once and every 30 seconds, in the reader's language: the page
// gives the wording with {{ countdown_formats|json_script:"countdown-formats" }}
// (disputes.workbench.countdown_formats); without it the server's text stays.
// Elements added later (the workbench reloads parts of the case in place) are
// found on the next tick. The tones match disputes.workbench.time_left.
(function () {
  "use strict";
  var DUE_SOON_MS = 4 * 3600000;
  var EVERY_MS = 30000;

  function fill(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  function start() {
    var node = document.getElementById("countdown-formats");
    var formats = node ? JSON.parse(node.textContent) : null;
    if (!formats) { return; }
    function span(ms) {
      var minutes = Math.floor(Math.abs(ms) / 60000);
      var d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
      if (d) { return fill(formats.dh, {d: d, h: h}); }
      return h ? fill(formats.hm, {h: h, m: m}) : fill(formats.m, {m: m});
    }
    function tick() {
      document.querySelectorAll("[data-countdown]").forEach(function (el) {
        var left = new Date(el.dataset.countdown) - new Date();
        var tone = left < 0 ? "tone-danger" : (left < DUE_SOON_MS ? "tone-warn" : "tone-ok");
        el.textContent = fill(left < 0 ? formats.overdue : formats.left, {span: span(left)});
        el.className = "wb-left " + tone;
      });
    }
    tick();
    setInterval(tick, EVERY_MS);
  }

  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
