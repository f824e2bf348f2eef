// A category link focused by keyboard in the sideways-scrolling menu is scrolled fully into
// view, clear of the faded edges (the list's scroll-padding); browsers leave a link that is
// only just visible where it is.
(function () {
  "use strict";
  document.addEventListener("focusin", function (event) {
    var link = event.target;
    if (!link.closest || !link.closest(".category-menu")) return;
    link.scrollIntoView({ block: "nearest", inline: "nearest" });
  });
})();
