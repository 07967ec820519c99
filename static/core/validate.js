// Forms check what the server would refuse before anything is sent, so a
// confirm dialog only ever asks about a form that can go through. The limits
// are the server's own, written by it as data- attributes (disputes/forms.py):
//   data-max + data-max-message            an amount above the limit
//   data-required-if="outcome=buyer" (+ -message)   required when another field says so
//   data-after + data-after-message        a date and time that must come later
//   <form data-one-of="preset reason" data-one-of-message="…">   one of them filled
// The browser shows the message beside the field and does not send the form;
// `required`, `min` and `maxlength` are checked by the browser itself. The
// server still checks everything.
(function () {
  "use strict";

  function text(el) { return (el.value || "").trim(); }

  function checked(form, name) {
    var fields = form.querySelectorAll("[name='" + name + "']");
    for (var i = 0; i < fields.length; i++) {
      var el = fields[i];
      if ((el.type === "radio" || el.type === "checkbox") ? el.checked : text(el) !== "") {
        return el.type === "radio" ? el.value : text(el);
      }
    }
    return "";
  }

  function problem(el) {
    var d = el.dataset, value = text(el);
    if (d.max && value !== "" && Number(value) > Number(d.max)) { return d.maxMessage || " "; }
    if (d.requiredIf && value === "") {
      var rule = d.requiredIf.split("=");
      if (checked(el.form, rule[0]) === rule[1]) { return d.requiredIfMessage || " "; }
    }
    // datetime-local values ("2026-12-07T09:30") compare as text.
    if (d.after && value !== "" && value <= d.after) { return d.afterMessage || " "; }
    return "";
  }

  function refresh(form) {
    if (!form || !form.querySelectorAll) { return; }
    var fields = form.querySelectorAll("[data-max], [data-required-if], [data-after]");
    for (var i = 0; i < fields.length; i++) { fields[i].setCustomValidity(problem(fields[i])); }
    if (form.dataset.oneOf) {
      var names = form.dataset.oneOf.split(" ");
      var filled = names.some(function (name) { return checked(form, name) !== ""; });
      var first = form.querySelector("[name='" + names[0] + "']");
      var last = form.querySelector("[name='" + names[names.length - 1] + "']");
      if (first) { first.setCustomValidity(""); }
      if (last) { last.setCustomValidity(filled ? "" : form.dataset.oneOfMessage || " "); }
    }
  }

  // Before the browser checks the form: on every change and on the click (or
  // the Enter key's implicit click) that sends it.
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) { refresh(event.target.form); }, true);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button, input[type=submit]");
    if (button && button.form) { refresh(button.form); }
  }, true);

  // A form the server sent back with errors: show the first one.
  function showFirstError() {
    var error = document.querySelector(".has-error, .form-row.errors, .errornote");
    if (!error) { return; }
    var details = error.closest("details");
    if (details) { details.open = true; }
    error.scrollIntoView({block: "center"});
    var input = error.querySelector("input:not([type=hidden]), select, textarea");
    if (input) { input.focus({preventScroll: true}); }
  }
  if (document.readyState !== "loading") { showFirstError(); } else { document.addEventListener("DOMContentLoaded", showFirstError); }
  window.formsRefresh = refresh;
})();
