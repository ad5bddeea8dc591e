// Dispatch board: drag a queued ticket onto an engineer's lane to assign it. Clicking
// a suggestion or choosing an engineer in the picker does the same without drag and drop.
// The poll sends the board's version (ETag) and keeps the page as it is on 304.
(function () {
  "use strict";
  var dragging = false;

  function picker() { return document.getElementById("picker"); }

  window.boardIdle = function () {
    var active = document.activeElement;
    var busy = active && active.closest && active.closest("#board-body") && active.matches("input, select, textarea");
    var open = document.querySelector("#board-body details[open]");
    var dialog = picker();
    return !dragging && !busy && !open && !(dialog && dialog.open);
  };

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  // --- the poll: If-None-Match, and nothing swapped on 304 ---------------------------------
  document.addEventListener("htmx:configRequest", function (e) {
    var elt = e.detail.elt;
    if (elt && elt.id === "board-body" && e.detail.verb === "get" && elt.dataset.etag) {
      e.detail.headers["If-None-Match"] = elt.dataset.etag;
    }
  });
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr && e.detail.xhr.status === 304) { e.detail.shouldSwap = false; e.detail.isError = false; }
  });

  // --- the one engineer picker (a dialog filled when opened) -------------------------------
  document.addEventListener("htmx:afterSwap", function (e) {
    var dialog = picker();
    if (!dialog) return;
    if (e.detail.target && e.detail.target.id === "picker-body") {
      if (!dialog.open) dialog.showModal();
      var field = dialog.querySelector("[autofocus]") || dialog.querySelector("select");
      if (field) field.focus();
    }
  });
  // The picker's form was answered with the board (done, or refused with a message on
  // the board): close the dialog. An override refusal answers with the picker again.
  document.addEventListener("htmx:afterRequest", function (e) {
    var dialog = picker(), elt = e.detail.elt, xhr = e.detail.xhr;
    if (!dialog || !dialog.open || !elt || elt.tagName !== "FORM" || !dialog.contains(elt)) return;
    if (xhr && xhr.getResponseHeader("HX-Retarget") !== "#picker-body") dialog.close();
  });

  // --- a lane's jobs, loaded the first time its <details> opens (toggle does not bubble) ----
  document.addEventListener("toggle", function (e) {
    var box = e.target;
    if (!box.matches || !box.matches("#board-body details.jobs") || !box.open || box.dataset.loaded) return;
    var lane = box.closest(".lane"), body = document.getElementById("board-body");
    var holder = document.createElement("div");
    box.appendChild(holder);
    box.dataset.loaded = "1";
    htmx.ajax("GET", body.dataset.laneUrl.replace("/0/", "/" + lane.dataset.engineer + "/"),
              { target: holder, swap: "innerHTML" });
  }, true);

  // --- engineer status: one select per lane, posted on change ------------------------------
  document.addEventListener("change", function (e) {
    var select = e.target;
    if (!select.matches || !select.matches("#board-body select.est")) return;
    var lane = select.closest(".lane");
    var form = document.getElementById("status-form");
    htmx.ajax("POST", form.getAttribute("action"), {
      target: "#board-body", swap: "outerHTML", headers: { "X-CSRFToken": csrf() },
      values: { engineer: lane.dataset.engineer, status: select.value }
    });
  });

  // --- drag and drop -------------------------------------------------------------------------
  document.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest(".qcard");
    if (!card) return;
    dragging = true;
    e.dataTransfer.setData("text/plain", card.dataset.ticket);
    e.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
  });
  document.addEventListener("dragend", function () {
    dragging = false;
    document.querySelectorAll(".dragging, .drop-target").forEach(function (el) {
      el.classList.remove("dragging", "drop-target");
    });
  });
  document.addEventListener("dragover", function (e) {
    var lane = e.target.closest && e.target.closest(".lane");
    if (lane) { e.preventDefault(); lane.classList.add("drop-target"); }
  });
  document.addEventListener("dragleave", function (e) {
    var lane = e.target.closest && e.target.closest(".lane");
    if (lane && !lane.contains(e.relatedTarget)) lane.classList.remove("drop-target");
  });
  document.addEventListener("drop", function (e) {
    var lane = e.target.closest && e.target.closest(".lane");
    if (!lane) return;
    e.preventDefault();
    var number = e.dataTransfer.getData("text/plain");
    var card = document.querySelector('.qcard[data-ticket="' + number + '"]');
    var travel = card && card.querySelector(".travel");
    var body = document.getElementById("board-body");
    var values = { ticket: number, engineer: lane.dataset.engineer };
    if (travel) values.travel_minutes = travel.value;
    dragging = false;
    htmx.ajax("POST", body.dataset.assignUrl, {
      target: "#board-body", swap: "outerHTML", values: values, headers: { "X-CSRFToken": csrf() }
    });
  });
})();
