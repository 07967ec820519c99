// Page behaviour that used to be inline (the Content-Security-Policy forbids
// inline scripts, handlers and style attributes): wired here by data- attributes.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    // <form data-confirm="…"> asks before it is sent; {amount} is replaced by
    // the value of the form's amount field (a counter-offer names its amount).
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var text = form.dataset.confirm;
        var amount = form.querySelector("[name=amount]");
        if (amount) { text = text.replace("{amount}", "¥" + (amount.value || "0")); }
        if (!window.confirm(text)) { event.preventDefault(); }
      });
    });
    document.querySelectorAll("[data-bar-width]").forEach(function (bar) {
      var width = parseFloat(bar.dataset.barWidth);
      bar.style.width = (isFinite(width) ? Math.max(0, Math.min(100, width)) : 0) + "%";
    });
  });

  // <button data-fill-target="id" data-fill-value="…"> fills a field (全额).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill-target]");
    if (!button) { return; }
    var field = document.getElementById(button.dataset.fillTarget);
    if (field) { field.value = button.dataset.fillValue; field.focus(); }
  });

  // Deadlines count down in the reader's language (formats from the page).
  ready(function () {
    var node = document.getElementById("portal-countdown-formats");
    var formats = node ? JSON.parse(node.textContent) : null;
    if (!formats) { return; }
    function fill(pattern, values) {
      return pattern.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
    }
    function span(ms) {
      var minutes = Math.floor(Math.abs(ms) / 60000);
      var d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
      if (d) { return fill(formats.dh, {d: d, h: h}); }
      return h ? fill(formats.hm, {h: h, m: m}) : fill(formats.m, {m: m});
    }
    function tick() {
      document.querySelectorAll("[data-countdown]").forEach(function (el) {
        var left = new Date(el.dataset.countdown) - new Date();
        el.textContent = fill(left < 0 ? formats.overdue : formats.left, {span: span(left)});
        el.className = "wb-left " + (left < 0 ? "tone-danger" : (left < 4 * 3600000 ? "tone-warn" : "tone-ok"));
      });
    }
    tick();
    setInterval(tick, 30000);
  });
})();
