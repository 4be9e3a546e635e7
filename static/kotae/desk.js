// Choosing a canned response fills the message box at once; without JavaScript the
// "Insert" button reloads the page with the text filled in.
(function () {
  "use strict";
  var select = document.querySelector("select[data-canned]");
  var body = document.querySelector("#desk-message-form textarea");
  if (!select || !body) return;
  var submit = document.querySelector("[data-canned-submit]");
  if (submit) submit.hidden = true;
  select.addEventListener("change", function () {
    var option = select.options[select.selectedIndex];
    if (option && option.dataset.body) {
      body.value = option.dataset.body;
      body.focus();
    }
  });
})();
