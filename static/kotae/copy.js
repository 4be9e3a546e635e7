// The printable copy: a Print button for browsers with JavaScript; without it, the page
// says to use the browser's own Print.
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
