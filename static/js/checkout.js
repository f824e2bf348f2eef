// "Place order" disables itself once pressed, so a double tap sends one request.
// The server stays the guarantee (a resubmit leads to the order it made); this only spares
// the shopper a second wait. The button's name and value must still travel with the first
// submission, so it is disabled just after the browser has taken the form's data.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || form.id !== "checkout-form") return;
    var button = event.submitter;
    if (!button || button.name !== "action" || button.value !== "place") return;
    if (form.dataset.placing === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.placing = "true";
    window.setTimeout(function () {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    }, 0);
  });
})();
