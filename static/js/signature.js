// Signature pads: draw with finger, pen or mouse; the drawing is kept as a PNG data URL
// in the hidden input next to the canvas, so the form posts it like any other field.
(function () {
  "use strict";
  function setup(pad) {
    var canvas = pad.querySelector("canvas"), input = pad.querySelector("input");
    var ctx = canvas.getContext("2d"), drawing = false, drawn = false;
    ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#1c2430";
    function point(e) {
      var r = canvas.getBoundingClientRect();
      return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = point(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = point(e); ctx.lineTo(p.x, p.y); ctx.stroke(); drawn = true; e.preventDefault();
    });
    function finish() { if (drawing && drawn) input.value = canvas.toDataURL("image/png"); drawing = false; }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    pad.querySelector("[data-clear]").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); input.value = ""; drawn = false;
    });
  }
  function init() { document.querySelectorAll("[data-signature]:not([data-ready])").forEach(function (pad) {
    pad.setAttribute("data-ready", ""); setup(pad); }); }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSwap", init);
})();
