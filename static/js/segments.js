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
  // A button that submits the page (Save, Count, Add condition) leaves it: a live count started
  // after that would only be cut off by the navigation, so none starts.
  document.addEventListener("submit", function (event) {
    if (event.target.id === "segment-builder") event.target.dataset.submitting = "1";
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.dataset && form.dataset.submitting) event.preventDefault();
  });
  window.addEventListener("pageshow", function () {
    var form = document.getElementById("segment-builder");
    if (form) delete form.dataset.submitting;
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-input='field']")) {
      var row = event.target.closest(".segment-row");
      if (row) sync(row);
    }
  });
})();
