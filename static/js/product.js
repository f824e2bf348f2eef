// Choosing an option swaps the product block in place (htmx). Each option has a stable id, so
// htmx puts focus back on the chosen option; this script says what changed (option, price,
// stock) through a live region that stays on the page, since the block itself is replaced.
(function () {
  "use strict";
  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var block = document.getElementById("product-main");
    var status = document.getElementById("variant-announcement");
    if (!block || !status || !block.contains(event.target)) return;
    var chosen = block.querySelector(".variant-picker a[aria-current=true]");
    if (!chosen) return;
    if (document.activeElement === document.body) chosen.focus();
    var parts = [
      text(chosen),
      text(block.querySelector("#variant-price strong")),
      text(block.querySelector("#variant-stock")),
    ].filter(Boolean);
    status.textContent = "";
    // A fresh text node a moment later, so choosing the same option twice is still announced.
    window.setTimeout(function () {
      status.textContent = status.dataset.label + ": " + parts.join(", ");
    }, 50);
  });
})();
