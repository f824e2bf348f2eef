// The segment builder: show only the inputs of each row's chosen condition (the server ignores
// the others); the live count itself is htmx on the form (hx-post to the count endpoint).
(function () {
  "use strict";
  function sync(row) {
    var select = row.querySelector("select[data-input='field']");
    var chosen = select ? select.value : "";
    row.querySelectorAll(".segment-input[data-for]").forEach(function (box) {
      box.hidden = box.dataset.for.split(" ").indexOf(chosen) === -1;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".segment-row").forEach(sync);
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-input='field']")) {
      var row = event.target.closest(".segment-row");
      if (row) sync(row);
    }
  });
})();
