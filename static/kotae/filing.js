// Progressive enhancement of filing forms. Without JavaScript the same buttons submit
// the page and the server adds or removes the row; nothing here is required.
(function () {
  "use strict";
  // The review page sends once: a second click while the first is on its way is ignored
  // (without JavaScript, the page's submission key files it once all the same).
  var review = document.querySelector("form[data-review]");
  if (review) {
    var sending = false;
    review.addEventListener("submit", function (event) {
      if (sending) event.preventDefault();
      if (event.submitter && event.submitter.hasAttribute("data-send")) sending = true;
    });
  }
})();

(function () {
  "use strict";
  var form = document.querySelector("form[data-filing]");
  if (!form) return;

  function visibleRows(container) {
    return Array.prototype.filter.call(
      container.querySelectorAll("[data-rows-list] > [data-row]"),
      function (row) { return !row.hidden; });
  }
  function renumber(container) {
    visibleRows(container).forEach(function (row, i) {
      row.querySelectorAll("[data-row-number]").forEach(function (n) {
        n.textContent = String(i + 1);
      });
    });
  }
  function firstInput(row) {
    return row.querySelector("input:not([type=hidden]), select, textarea");
  }

  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    var remove = event.target.closest("[data-remove-row]");
    if (add) {
      event.preventDefault();
      var container = add.closest("[data-rows]");
      var prefix = container.getAttribute("data-rows");
      var total = form.querySelector("#id_" + prefix + "-TOTAL_FORMS");
      var index = parseInt(total.value, 10);
      var html = container.querySelector("template[data-row-template]").innerHTML
        .replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      container.querySelector("[data-rows-list]").appendChild(row);
      total.value = String(index + 1);
      renumber(container);
      var input = firstInput(row);
      if (input) input.focus();
    } else if (remove) {
      event.preventDefault();
      var rowToRemove = remove.closest("[data-row]");
      var rows = rowToRemove.closest("[data-rows]");
      var del = rowToRemove.querySelector("input[name$='-DELETE']");
      if (del) del.value = "on";
      rowToRemove.hidden = true;
      renumber(rows);
      rows.querySelector("[data-add-row]").focus();
    }
  });

  // Agent fields only matter when filing as an agent.
  var agentFields = form.querySelector("[data-agent-fields]");
  function syncAgent() {
    var checked = form.querySelector("input[name=filed_as]:checked");
    if (agentFields) agentFields.hidden = !(checked && checked.value === "agent");
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "filed_as") syncAgent();
  });
  if (agentFields && !agentFields.querySelector(".has-error")) syncAgent();

  var summary = document.getElementById("error-summary");
  var focusPrefix = form.getAttribute("data-focus");
  if (summary) {
    summary.focus();
  } else if (focusPrefix) {
    var target = form.querySelector("[id^='" + focusPrefix + "']");
    if (target) target.focus();
  }
})();
