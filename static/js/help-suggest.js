// The complaint form: choosing a category fetches the help articles that may already answer
// it (crm:help_suggested, an htmx fragment) into #help-suggested. Without JS the form shows
// them when it is shown again with a category.
(function () {
  "use strict";
  function setup() {
    var box = document.getElementById("help-suggested");
    var form = document.getElementById("complaint-form");
    var select = form && form.querySelector("select[name=category]");
    if (!box || !select || !window.htmx) return;
    select.addEventListener("change", function () {
      var url = box.getAttribute("data-url") + "?category=" + encodeURIComponent(select.value);
      window.htmx.ajax("GET", url, { target: box, swap: "innerHTML" });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
