// One submission per form, and a word while the server works: issuing a decision renders
// its PDF, which takes seconds for a long annex, and a scan uploaded over a weak link takes
// minutes; a second click would only be refused as a stale form.
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
    // data-busy="Đang tải lên…" (any form): the button pressed says so while the page waits.
    var busy = form.getAttribute("data-busy");
    var buttons = form.querySelectorAll("button[type=submit]");
    var pressed = event.submitter && form.contains(event.submitter) ? event.submitter : buttons[0];
    buttons.forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
      if (busy && button === pressed) {
        button.dataset.idleLabel = button.innerHTML;
        button.textContent = busy;
        button.classList.add("is-busy");
      }
    });
    if (busy) { form.setAttribute("aria-busy", "true"); }
  });
  // Back to a page kept in the browser's cache: its forms can be sent again, and their
  // buttons say what they do again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button[aria-disabled]").forEach(function (button) {
        button.removeAttribute("aria-disabled");
        if (button.dataset.idleLabel !== undefined) {
          button.innerHTML = button.dataset.idleLabel;
          delete button.dataset.idleLabel;
          button.classList.remove("is-busy");
        }
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
  // A page that comes back with errors takes the keyboard to the first one: the first field
  // marked invalid (aria-invalid, templates/macros.html), or else the error message itself,
  // so that a keyboard or screen-reader user starts where the problem is, not at the top.
  var main = document.getElementById("main");
  if (!main) { return; }
  var target = main.querySelector("[aria-invalid='true']");
  if (target && !target.matches("input, select, textarea, button")) {
    // A group (a fieldset of radios): its first choice.
    target = target.querySelector("input, select, textarea") || target;
  }
  if (!target) {
    // The message of the section the page was sent to (#dossier), else the first one.
    var section = window.location.hash && document.getElementById(window.location.hash.slice(1));
    target = (section && section.querySelector(".flash-error, [role=alert]")) ||
      main.querySelector(".flash-error, [role=alert]");
    if (target && !target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
  }
  if (target) { target.focus(); }
}());
