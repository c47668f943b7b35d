// One submission per form, and a word while the server works: issuing a decision renders
// its PDF, which takes seconds for a long annex; a second click would only be refused as a
// stale form.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("method") !== "post") { return; }
    if (form.dataset.submitted) { event.preventDefault(); return; }
    // A move that cannot be undone (approve, reject, withdraw, delete) is asked about first.
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    var busy = form.getAttribute("data-busy");
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
      if (busy) { button.textContent = busy; }
    });
  });
  // Back to a page kept in the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      form.querySelectorAll("button[aria-disabled]").forEach(function (button) {
        button.removeAttribute("aria-disabled");
      });
    });
  });
  // "Choose for all" on the committee's conclusion page: every outcome is still a deliberate
  // choice (nothing is preselected), without a click per nominee on a long list.
  document.querySelectorAll(".set-all").forEach(function (bar) {
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var value = event.target.getAttribute("data-set-all");
      if (!value) { return; }
      bar.closest("form").querySelectorAll("input[type=radio][value='" + value + "']")
        .forEach(function (radio) { radio.checked = true; });
    });
  });
  // The filters are folded on a phone, open on a wide screen.
  if (window.matchMedia("(min-width: 700px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (box) {
      box.open = true;
    });
  }
}());
