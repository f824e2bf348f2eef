/* Consented tracking: included only for visitors who allowed analytics cookies (a visitor part
   of the page). Posts small form-data beacons, with the page's CSRF token in their body, for the
   page view, a product page, a search with results, an add to cart and a checkout step. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-track-url]");
  if (!script || !navigator.sendBeacon || !window.FormData) {
    return;
  }
  var url = script.getAttribute("data-track-url");
  var token = script.getAttribute("data-csrf");

  function send(fields) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    Object.keys(fields).forEach(function (name) {
      data.append(name, fields[name]);
    });
    navigator.sendBeacon(url, data);
  }

  function referrer() {
    // Another site as its host only, this site as its path (the server checks again).
    if (!document.referrer) {
      return "";
    }
    try {
      var from = new URL(document.referrer);
      return from.host === location.host ? from.pathname : from.hostname;
    } catch (error) {
      return "";
    }
  }

  function marked(attribute) {
    return document.querySelector("[" + attribute + "]");
  }

  function onLoad() {
    send({ kind: "page_view", path: location.pathname, referrer: referrer() });
    var product = marked("data-track-product");
    if (product) {
      send({ kind: "product_view", product: product.getAttribute("data-track-product") });
    }
    var search = marked("data-track-search");
    if (search && Number(search.getAttribute("data-track-results")) > 0) {
      send({
        kind: "search",
        query: search.getAttribute("data-track-search"),
        results: search.getAttribute("data-track-results"),
      });
    }
    var step = marked("data-track-checkout-step");
    if (step) {
      send({ kind: "checkout_step", step: step.getAttribute("data-track-checkout-step") });
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.hasAttribute && form.hasAttribute("data-track-add-to-cart")) {
      send({ kind: "add_to_cart", product: form.getAttribute("data-track-add-to-cart") });
    }
  }, true);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onLoad);
  } else {
    onLoad();
  }
})();
