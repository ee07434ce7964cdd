/* After a form is sent, the result it produced gets the focus (keyboard and screen-reader
 * users start there), and is scrolled into view. Without JavaScript the form's #fragment
 * already scrolls to it. */
(function () {
  "use strict";
  function focusResult() {
    var target = document.querySelector("[data-focus-on-load]");
    if (target) {
      target.focus({ preventScroll: false });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusResult);
  } else {
    focusResult();
  }
})();
