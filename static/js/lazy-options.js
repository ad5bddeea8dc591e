// Lazy pickers (spares.forms.LazySelect): a <select data-options="URL"> is sent with its
// empty option only; its options are fetched once per URL when the <details> holding it is
// opened (or at once when it is not inside a closed one), keeping any value already chosen.
(function () {
  "use strict";

  var pending = {};

  function options(url) {
    if (!pending[url]) {
      pending[url] = fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .catch(function (error) { delete pending[url]; throw error; });
    }
    return pending[url];
  }

  function fill(select) {
    if (select.dataset.loaded) return;
    select.dataset.loaded = "1";
    options(select.dataset.options).then(function (html) {
      var chosen = select.value;
      select.innerHTML = html;
      if (chosen) select.value = chosen;
    }, function () { delete select.dataset.loaded; });
  }

  function fillWithin(root) {
    var selects = root.querySelectorAll("select[data-options]:not([data-loaded])");
    Array.prototype.forEach.call(selects, function (select) {
      var closed = select.closest("details:not([open])");
      if (!closed) fill(select);
    });
  }

  // "toggle" does not bubble: listen in the capture phase
  document.addEventListener("toggle", function (event) {
    if (event.target.tagName === "DETAILS" && event.target.open) fillWithin(event.target);
  }, true);
  document.addEventListener("DOMContentLoaded", function () { fillWithin(document); });
  document.addEventListener("htmx:load", function (event) { fillWithin(event.target); });
})();
