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
    // The browser fires "submit" only for a valid form (static/core/validate.js
    // checks the server's limits first), so nothing invalid is ever confirmed.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var text = form.dataset.confirm;
        var amount = form.querySelector("[name=amount]");
        if (amount) {
          var value = Number(amount.value || 0);
          text = text.replace("{amount}", "¥" + value.toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2}));
        }
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
})();
