// The card step of the payment page. Stripe.js collects the card in the browser and sends it
// to Stripe only; our server receives the SetupIntent id and charges it, then 3-D Secure is
// finished here and read back by the server.
(function () {
  "use strict";

  var form = document.getElementById("card-form");
  if (form) {
    var stripe = Stripe(form.dataset.stripeKey);
    var card = stripe.elements().create("card");
    var errors = document.getElementById("card-errors");
    var button = document.getElementById("card-pay");
    card.mount("#card-element");
    form.addEventListener("submit", function (event) {
      if (form.dataset.ready === "1") {
        return; // the card is set up: let the form post
      }
      event.preventDefault();
      button.disabled = true;
      errors.textContent = "";
      stripe
        .confirmCardSetup(form.dataset.clientSecret, { payment_method: { card: card } })
        .then(function (result) {
          if (result.error) {
            errors.textContent = result.error.message || String(result.error);
            button.disabled = false;
            var refused = result.error.type === "card_error" || result.error.code === "card_declined";
            if (refused && form.dataset.reportRefusals === "1") {
              // The server reads the refusal from Stripe and keeps it in the order's history.
              form.elements.action.value = "refused";
              document.getElementById("setup-intent").value =
                form.dataset.clientSecret.split("_secret_")[0];
              form.dataset.ready = "1";
              form.submit();
            }
            return;
          }
          document.getElementById("setup-intent").value = result.setupIntent.id;
          form.dataset.ready = "1";
          form.submit();
        });
    });
  }

  var action = document.getElementById("card-action");
  if (action) {
    Stripe(action.dataset.stripeKey)
      .confirmCardPayment(action.dataset.clientSecret)
      .then(function () {
        action.submit(); // the server reads the outcome from Stripe, not from the browser
      });
  }
})();
