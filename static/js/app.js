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

  // A customer's only unit is preselected for repairs, never for an inquiry: an inquiry
  // is tied to a unit only when the agent picks one (the server preselects nothing).
  function unitRadios() { return document.querySelectorAll("#customer-panel .unit-choices input[name=unit]"); }

  function fire(input) { input.dispatchEvent(new Event("change", { bubbles: true })); }

  function autoPickUnit() {
    var category = document.querySelector("#intake-form [name=category]");
    var radios = Array.prototype.slice.call(unitRadios());
    var units = radios.filter(function (r) { return r.value !== ""; });
    var none = radios.filter(function (r) { return r.value === ""; })[0];
    if (!category || !none) return;
    var auto = units.filter(function (r) { return r.dataset.auto === "1"; })[0];
    if (category.value === "inquiry") {
      if (auto && auto.checked) { none.checked = true; delete auto.dataset.auto; fire(none); }
    } else if (units.length === 1 && none.checked && !none.dataset.touched) {
      units[0].checked = true; units[0].dataset.auto = "1"; fire(units[0]);
    }
  }

  // The phone typed in the search box becomes the new customer's phone (until the agent
  // types another one there).
  var filledPhone = "";
  function fillPhone(term) {
    var phones = document.getElementById("id_nc-phones");
    if (!phones) return;
    var looksLikePhone = /^[\d\s+()\-]+$/.test(term) && (term.match(/\d/g) || []).length >= 3;
    if (phones.value === "" || phones.value === filledPhone) {
      filledPhone = looksLikePhone ? term.trim() : "";
      phones.value = filledPhone;
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.id === "customer-search") fillPhone(event.target.value);
  });

  document.addEventListener("change", function (event) {
    if (event.target.name === "category") { toggleAnswer(); autoPickUnit(); }
    if (event.target.name === "unit" && event.isTrusted) {
      unitRadios().forEach(function (r) { delete r.dataset.auto; r.dataset.touched = "1"; });
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    toggleAnswer();
    if (!document.querySelector("#intake-form .form-errors")) autoPickUnit();  // keep what was posted
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
      autoPickUnit();
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
