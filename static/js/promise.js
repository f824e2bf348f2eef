// The delivery promise's countdown: "Order before 15:00" becomes "Order within 3 h 20 min" while
// the cut-off is less than a day away. The page (cached for every visitor) carries the cut-off
// instant and the words in its language; without this script the "before 15:00" text stands.
(function () {
  "use strict";
  var DAY = 24 * 60 * 60 * 1000;
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, name) {
      return String(values[name]);
    });
  }
  function tick() {
    var promise = document.querySelector(".delivery-promise[data-order-by]");
    if (!promise) return;
    var target = promise.querySelector(".promise-order-by");
    var left = Date.parse(promise.dataset.orderBy) - Date.now();
    if (!target || isNaN(left) || left >= DAY) return;
    if (left <= 0) {
      target.textContent = promise.dataset.passed;
      return;
    }
    var minutes = Math.max(1, Math.ceil(left / 60000));
    var hours = Math.floor(minutes / 60);
    target.textContent = hours
      ? fill(promise.dataset.withinHours, { hours: hours, minutes: minutes % 60 })
      : fill(promise.dataset.withinMinutes, { minutes: minutes });
  }
  tick();
  window.setInterval(tick, 30000);
  // Choosing another option swaps the block that holds the promise in place (htmx).
  document.addEventListener("htmx:afterSettle", tick);
})();
