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
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });
    document.querySelectorAll("[data-bar-width]").forEach(function (bar) {
      var width = parseFloat(bar.dataset.barWidth);
      bar.style.width = (isFinite(width) ? Math.max(0, Math.min(100, width)) : 0) + "%";
    });
  });
})();
