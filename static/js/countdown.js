// Keeps SLA countdowns (<time class="due" data-due="epoch seconds">) ticking between
// server refreshes; past-due ones turn red. The server remains the source of truth.
(function () {
  "use strict";
  function human(seconds) {
    var sign = seconds < 0 ? "-" : "", minutes = Math.floor(Math.abs(seconds) / 60);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    if (days) return sign + days + "d " + hours + "h";
    if (hours) return sign + hours + "h " + (mins < 10 ? "0" : "") + mins + "m";
    return sign + mins + "m";
  }
  function tick() {
    var now = Date.now() / 1000;
    document.querySelectorAll("time.due[data-due]").forEach(function (el) {
      var left = parseInt(el.dataset.due, 10) - now;
      el.textContent = human(left);
      if (left <= 0) { el.classList.remove("due-ok", "due-warned"); el.classList.add("due-breached"); }
    });
  }
  setInterval(tick, 30000);
  document.addEventListener("htmx:afterSwap", tick);
})();
