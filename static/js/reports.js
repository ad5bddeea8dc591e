/* Report charts (Chart.js, served from static/vendor): data from the page's JSON block. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("report-chart-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var blue = "#2563eb", green = "#15803d", red = "#b91c1c", amber = "#b45309";
    var common = { responsive: true, maintainAspectRatio: false, animation: false };
    function bar(id, labels, sets) {
      var canvas = document.getElementById(id);
      if (!canvas || !labels.length) { return; }
      new window.Chart(canvas, { type: "bar", data: { labels: labels, datasets: sets }, options: common });
    }
    bar("chart-models", data.models.labels, [
      { label: data.models.titles[0], data: data.models.received, backgroundColor: blue },
      { label: data.models.titles[1], data: data.models.completed, backgroundColor: green }]);
    bar("chart-sla", data.sla.labels, [
      { label: data.sla.titles[0], data: data.sla.met, backgroundColor: green },
      { label: data.sla.titles[1], data: data.sla.breached, backgroundColor: red }]);
    if (data.parts) {
      bar("chart-parts", data.parts.labels, [{ label: data.parts.title, data: data.parts.cost, backgroundColor: amber, maxBarThickness: 48 }]);
    }
    var trend = document.getElementById("chart-trend");
    if (trend) {
      new window.Chart(trend, {
        data: { labels: data.trend.labels, datasets: [
          { type: "bar", label: data.trend.titles[0], data: data.trend.received, backgroundColor: blue, yAxisID: "y" },
          { type: "bar", label: data.trend.titles[1], data: data.trend.completed, backgroundColor: green, yAxisID: "y" },
          { type: "line", label: data.trend.titles[2], data: data.trend.success, borderColor: amber, yAxisID: "rate" },
          { type: "line", label: data.trend.titles[3], data: data.trend.ftf, borderColor: red, yAxisID: "rate" }] },
        options: Object.assign({}, common, { scales: {
          y: { beginAtZero: true, position: "left" },
          rate: { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false } } } })
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();

/* A month or a date range, not both: choosing one clears the other. */
(function () {
  "use strict";
  function wire() {
    var month = document.getElementById("id_month");
    var from = document.getElementById("id_date_from"), to = document.getElementById("id_date_to");
    if (!month || !from || !to) { return; }
    month.addEventListener("change", function () { if (month.value) { from.value = ""; to.value = ""; } });
    [from, to].forEach(function (input) {
      input.addEventListener("change", function () { if (input.value) { month.value = ""; } });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", wire); } else { wire(); }
})();
