// A filter <select class="autosubmit"> submits its form when changed (no inline handlers:
// the pages run under a strict Content-Security-Policy). The Filter button works without JS.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select.autosubmit") && target.form) target.form.submit();
  });
})();
