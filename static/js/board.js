// Dispatch board: drag a queued ticket onto an engineer's lane to assign it. Clicking
// a suggestion or choosing an engineer does the same without drag and drop.
(function () {
  "use strict";
  var dragging = false;

  window.boardIdle = function () {
    var active = document.activeElement;
    var busy = active && active.closest && active.closest("#board-body") && active.matches("input, select, textarea");
    var open = document.querySelector("#board-body details[open]");
    return !dragging && !busy && !open;
  };

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  document.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest(".qcard");
    if (!card) return;
    dragging = true;
    e.dataTransfer.setData("text/plain", card.dataset.ticket);
    e.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
  });
  document.addEventListener("dragend", function (e) {
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
