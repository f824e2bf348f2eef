// The analytics dashboard's charts: each <canvas data-chart="ID"> is drawn from the JSON in
// <script type="application/json" id="ID"> (never run, so the content security policy allows
// it). The same numbers are in the table under each chart.
(function () {
  "use strict";
  var COLOURS = ["#1f6fb2", "#d9822b", "#2f9e44", "#c2255c", "#7048e8", "#0b7285", "#868e96"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var datasets = data.series.map(function (series, n) {
      var colour = COLOURS[n % COLOURS.length];
      return {
        label: series.label,
        data: series.values.map(function (value) {
          return value === null ? null : parseFloat(value);
        }),
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: 2,
        pointRadius: data.labels.length > 60 ? 0 : 2,
        spanGaps: true
      };
    });
    new Chart(canvas, {
      type: data.kind,
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: data.stacked },
          y: { stacked: data.stacked, beginAtZero: true }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
    canvas.dataset.drawn = "true";
  }

  function start() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
