// The search box's suggestions as a combobox: htmx fetches the options while the visitor types;
// this file opens and closes the list and moves through it with the keyboard (arrows, Enter,
// Escape), naming the chosen option in aria-activedescendant. Without it the form still works.
(function () {
  "use strict";
  var input = document.getElementById("site-search");
  var list = document.getElementById("search-suggestions");
  if (!input || !list) {
    return;
  }
  var form = input.form;
  var active = -1;

  function options() {
    return Array.prototype.slice.call(list.querySelectorAll('[role="option"]'));
  }

  function choose(index) {
    var all = options();
    active = index;
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open(show) {
    var visible = show && options().length > 0;
    list.hidden = !visible;
    input.setAttribute("aria-expanded", visible ? "true" : "false");
    if (!visible) {
      choose(-1);
    }
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === list) {
      choose(-1);
      open(document.activeElement === input);
    }
  });

  input.addEventListener("keydown", function (event) {
    var count = options().length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!count) {
        return;
      }
      event.preventDefault();
      open(true);
      var step = event.key === "ArrowDown" ? 1 : -1;
      choose(active < 0 && step < 0 ? count - 1 : (active + step + count) % count);
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      var link = options()[active].querySelector("a");
      if (link) {
        event.preventDefault();
        window.location.assign(link.href);
      }
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      open(false);
    }
  });

  input.addEventListener("focus", function () {
    open(true);
  });

  if (form) {
    form.addEventListener("focusout", function (event) {
      if (!form.contains(event.relatedTarget)) {
        open(false);
      }
    });
  }
})();
