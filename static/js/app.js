// Keyboard helpers for the intake page; everything works without this file too.
(function () {
  "use strict";

  function firstResult() { return document.querySelector("#search-results .result"); }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.id === "customer-search") {
      if (event.key === "Enter") {             // never submit the intake form from the search box
        event.preventDefault();
        var first = firstResult();
        if (first) first.focus();
      } else if (event.key === "ArrowDown") {
        var result = firstResult();
        if (result) { event.preventDefault(); result.focus(); }
      }
    } else if (target.classList && target.classList.contains("result")) {
      var item = target.closest("li");
      var next = event.key === "ArrowDown" ? item.nextElementSibling : event.key === "ArrowUp" ? item.previousElementSibling : null;
      if (event.key === "ArrowUp" && !item.previousElementSibling) {
        event.preventDefault(); document.getElementById("customer-search").focus(); return;
      }
      if (next) { event.preventDefault(); next.querySelector(".result").focus(); }
    }
  });

  function toggleAnswer() {
    var category = document.querySelector("#intake-form [name=category]");
    var box = document.getElementById("answer-box");
    var button = document.getElementById("resolve-button");
    if (!category || !box) return;
    var inquiry = category.value === "inquiry";
    box.hidden = !inquiry && !box.querySelector(".errorlist");
    if (button) button.hidden = box.hidden;
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "category") toggleAnswer();
  });
  document.addEventListener("DOMContentLoaded", function () {
    toggleAnswer();
    // After a refused submit, start at the first field that needs fixing.
    var wrong = document.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (wrong) wrong.focus();
    // "Complete…" on My jobs links to #action-complete: open that form.
    var target = location.hash && document.querySelector("details" + location.hash);
    if (target) { target.open = true; var field = target.querySelector("select, input:not([type=hidden]), textarea"); if (field) field.focus(); }
  });

  // After a customer is picked, put the cursor on the unit choice; when the search finds
  // nobody, open the new-customer fields.
  document.addEventListener("htmx:afterSettle", function (event) {
    var id = event.target.id;
    if (id === "customer-panel") {
      var unit = document.querySelector("#customer-panel .unit-choices input:checked") ||
        document.querySelector("#customer-panel .unit-choices input");
      if (unit) unit.focus();
    } else if (id === "search-results") {
      var results = event.target;
      if (!results.querySelector(".result") && results.textContent.trim()) {
        var details = document.querySelector("#customer-panel details.new-block");
        if (details) details.open = true;
      }
    }
  });
})();

// Selects marked data-autosubmit send their form on change (no inline handlers: the
// Content-Security-Policy forbids them).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
