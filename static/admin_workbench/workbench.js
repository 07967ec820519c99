// Canned replies fill the reply box (the countdowns are static/core/countdown.js).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-canned-target]");
    if (!select || !select.value) { return; }
    var box = document.getElementById(select.dataset.cannedTarget);
    box.value = box.value ? box.value + "\n" + select.value : select.value;
    box.focus();
  });
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
    part("version").textContent = rule.version_label;
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
