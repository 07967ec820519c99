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
  function span(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
    return d ? d + "d " + h + "h" : (h ? h + "h " + m + "min" : m + "min");
  }
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = new Date(el.dataset.countdown) - new Date();
      if (document.documentElement.lang.indexOf("en") === 0) {
        el.textContent = left < 0 ? "overdue " + span(left) : span(left) + " left";
      }
      el.className = "wb-left " + (left < 0 ? "tone-danger" : (left < 4 * 3600000 ? "tone-warn" : "tone-ok"));
    });
  }
  setInterval(tick, 60000);
})();
