// Canned replies fill the reply box; countdowns tick every minute.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-canned-target]");
    if (!select || !select.value) { return; }
    var box = document.getElementById(select.dataset.cannedTarget);
    box.value = box.value ? box.value + "\n" + select.value : select.value;
    box.focus();
  });
  var formats = JSON.parse(
    (document.getElementById("wb-countdown-formats") || {}).textContent || "null"
  ) || {left: "{span} left", overdue: "overdue {span}", dh: "{d}d {h}h", hm: "{h}h {m}min", m: "{m}min"};
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
  setInterval(tick, 60000);
})();

// The ruling forms: the text of the chosen rule and its reasoning templates
// beside the reasoning box (on the action page and in the case page's panel).
window.wbRuleGuidance = function (root) {
  "use strict";
  var data = root.querySelector("#wb-rule-guidance");
  var panel = root.querySelector("#wb-rule-panel");
  if (!data || !panel) { return; }
  var rules = JSON.parse(data.textContent);
  var select = root.querySelector("select[name=rule]");
  var reasoning = root.querySelector("textarea[name=reasoning]");
  function part(name) { return panel.querySelector("[data-rule-" + name + "]"); }
  function show() {
    var rule = select && rules[select.value];
    part("empty").hidden = !!rule;
    part("body").hidden = !rule;
    if (!rule) { return; }
    part("title").textContent = rule.title;
    part("version").textContent = "v" + rule.version;
    part("link").href = rule.url;
    part("text").textContent = rule.text;
    var box = part("templates");
    box.textContent = "";
    rule.templates.forEach(function (template) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button wb-template";
      button.textContent = template.title;
      button.addEventListener("click", function () {
        if (!reasoning) { return; }
        reasoning.value = template.text;
        reasoning.focus();
      });
      box.appendChild(button);
    });
    part("templates-box").hidden = rule.templates.length === 0;
  }
  if (select) { select.addEventListener("change", show); }
  show();
};
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  window.wbRuleGuidance(document);
});
