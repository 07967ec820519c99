// The agents' flow on the case page and the queue, without leaving the page:
// actions open in a side panel and submit in place (the case is then reloaded
// in place), evidence images open in a zoomable viewer, and keyboard
// shortcuts (press ?) move between cases. Without JavaScript every link and
// form still works as a normal page.
(function () {
  "use strict";
  var PANEL_FORM = ".wb-action-box";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function parse(html) { return new DOMParser().parseFromString(html, "text/html"); }
  function typing(event) {
    var el = event.target;
    return el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
  }

  // Replace the case (and the messages) with a freshly rendered copy.
  function swapCase(doc) {
    var fresh = $("#content-main", doc), here = $("#content-main");
    if (fresh && here) { here.replaceWith(fresh); }
    var messages = $(".messagelist", doc), old = $(".messagelist");
    if (old) { old.remove(); }
    if (messages) {
      var content = $("#content");
      content.parentNode.insertBefore(messages, content);
    }
    document.title = doc.title;
    document.body.classList.remove("wb-panel-open");
    document.dispatchEvent(new CustomEvent("wb:case-updated"));
  }

  function reloadCase() {
    return fetch(window.location.pathname, {credentials: "same-origin"})
      .then(function (r) { return r.text(); })
      .then(function (html) { swapCase(parse(html)); });
  }

  // --- The action panel -------------------------------------------------
  function panel() { return $("#wb-panel"); }

  function closePanel() {
    var p = panel();
    if (!p) { return; }
    p.hidden = true;
    $("[data-panel-body]", p).textContent = "";
    document.body.classList.remove("wb-panel-open");
  }

  function showInPanel(doc, title, url) {
    var p = panel(), box = $(PANEL_FORM, doc);
    if (!p || !box) { return false; }
    var body = $("[data-panel-body]", p);
    body.textContent = "";
    body.appendChild(document.importNode(box, true));
    // The form posts to the page it came from, not to the case page.
    $all("form", body).forEach(function (form) {
      if (!form.getAttribute("action")) { form.setAttribute("action", url.pathname); }
    });
    $("[data-panel-title]", p).textContent = title;
    p.hidden = false;
    document.body.classList.add("wb-panel-open");
    var cancel = $(".wb-cancel", body);
    if (cancel) { cancel.setAttribute("data-panel-close", ""); }
    if (window.wbRuleGuidance) { window.wbRuleGuidance(body); }
    var first = $("input:not([type=hidden]), select, textarea", body);
    if (first) { first.focus(); }
    return true;
  }

  function openAction(link) {
    fetch(link.href, {credentials: "same-origin"})
      .then(function (r) {
        var url = new URL(r.url);
        return r.text().then(function (html) { return {url: url, doc: parse(html)}; });
      })
      .then(function (res) {
        // Refused before the form (not available now): the case page says why.
        if (res.url.pathname === window.location.pathname) { swapCase(res.doc); return; }
        if (!showInPanel(res.doc, link.textContent.trim(), res.url)) { window.location = link.href; }
      })
      .catch(function () { window.location = link.href; });
  }

  function submitInPlace(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var buttons = $all("button, input[type=submit]", form);
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.getAttribute("action") || window.location.href, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (r) {
        var url = new URL(r.url);
        return r.text().then(function (html) { return {url: url, doc: parse(html)}; });
      })
      .then(function (res) {
        if (res.url.pathname === window.location.pathname) {
          closePanel();
          swapCase(res.doc);
        } else if (!showInPanel(res.doc, $("[data-panel-title]", panel()).textContent, res.url)) {
          document.open(); document.write(res.doc.documentElement.outerHTML); document.close();
        }
      })
      .catch(function () { form.submit(); })
      .finally(function () { buttons.forEach(function (b) { b.disabled = false; }); });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-panel]");
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      openAction(link);
      return;
    }
    if (event.target.closest("[data-panel-close]")) {
      event.preventDefault();
      closePanel();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var inPanel = form.closest("#wb-panel");
    var inCase = form.closest(".wb-reply, .wb-macro");
    if (!inPanel && !inCase) { return; }
    event.preventDefault();
    submitInPlace(form, event.submitter);
  });

  // --- The evidence viewer -----------------------------------------------
  var scale = 1;
  function zoom(to) {
    var img = $("[data-viewer-image]");
    scale = Math.min(8, Math.max(0.25, to));
    if (img) { img.style.transform = "scale(" + scale + ")"; }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-viewer=image]");
    var viewer = $("#wb-viewer");
    if (link && viewer && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      $("[data-viewer-image]", viewer).src = link.href;
      $("[data-viewer-image]", viewer).alt = ($("img", link) || {}).alt || "";
      $("[data-viewer-open]", viewer).href = link.href;
      zoom(1);
      viewer.showModal();
      return;
    }
    var button = event.target.closest("[data-zoom]");
    if (button) {
      var how = button.dataset.zoom;
      zoom(how === "in" ? scale * 1.5 : how === "out" ? scale / 1.5 : 1);
      return;
    }
    if (event.target.matches("[data-viewer-image]")) { zoom(scale === 1 ? 2 : 1); return; }
    if (event.target.closest("[data-viewer-close]")) { $("#wb-viewer").close(); }
  });
  document.addEventListener("wheel", function (event) {
    if (!event.target.closest(".wb-viewer-stage")) { return; }
    event.preventDefault();
    zoom(event.deltaY < 0 ? scale * 1.2 : scale / 1.2);
  }, {passive: false});

  // --- The queue remembers its order so j/k work on the case page too ----
  var ROWS = "#result_list tbody tr";
  function listCases() {
    return $all(ROWS + " th a, " + ROWS + " td.field-number a").map(function (a) { return a.pathname; });
  }
  if ($("#changelist")) {
    try { sessionStorage.setItem("wb-queue", JSON.stringify(listCases())); } catch (e) { /* private mode */ }
  }
  function queue() {
    try { return JSON.parse(sessionStorage.getItem("wb-queue") || "[]"); } catch (e) { return []; }
  }
  function stepCase(delta) {
    var cases = queue(), at = cases.indexOf(window.location.pathname);
    var next = cases[at + delta];
    if (at >= 0 && next) { window.location = next; }
  }
  var selected = -1;
  function selectRow(delta) {
    var rows = $all(ROWS);
    if (!rows.length) { return; }
    selected = Math.min(rows.length - 1, Math.max(0, selected + delta));
    rows.forEach(function (row, i) { row.classList.toggle("wb-selected", i === selected); });
    rows[selected].scrollIntoView({block: "nearest"});
  }

  // --- Keyboard shortcuts ------------------------------------------------
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closePanel(); return; }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var keys = $("#wb-keys"), onList = !!$("#changelist");
    var actions = $all("#content-main .wb-actions a[data-panel]");
    switch (event.key) {
    case "?":
      if (keys) { if (keys.open) { keys.close(); } else { keys.showModal(); } }
      break;
    case "n":
      var take = $(".wb-take-next");
      if (take) { take.requestSubmit(); }
      break;
    case "j": if (onList) { selectRow(1); } else { stepCase(1); } break;
    case "k": if (onList) { selectRow(-1); } else { stepCase(-1); } break;
    case "Enter": case "o":
      if (!onList) { return; }
      var row = $all(ROWS)[selected], link = row && $("th a, td a", row);
      if (link) { window.location = link.href; }
      break;
    case "/":
      var search = $("#searchbar");
      if (search) { search.focus(); }
      break;
    case "r": case "i":
      var box = $(".wb-reply textarea");
      if (!box) { return; }
      box.focus();
      box.dataset.kind = event.key === "i" ? "internal" : "public";
      $(".wb-reply").classList.toggle("wb-writing-note", event.key === "i");
      break;
    case "a":
      if (actions[0]) { openAction(actions[0]); }
      break;
    default:
      if (/^[1-9]$/.test(event.key) && actions[Number(event.key) - 1]) {
        openAction(actions[Number(event.key) - 1]);
      } else { return; }
    }
    event.preventDefault();
  });
})();
