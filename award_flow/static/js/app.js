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
    // Not while a required box is empty: the server's message says what is missing, and
    // nothing is done, so there is nothing to confirm yet.
    if (question && !form.checkValidity()) { question = null; }
    // data-confirm-off (a box to tick): switching off what it keeps on (an account, a unit)
    // locks people out, and is asked about first.
    form.querySelectorAll("input[type=checkbox][data-confirm-off]").forEach(function (box) {
      if (box.defaultChecked && !box.checked) {
        var off = box.getAttribute("data-confirm-off");
        question = question ? off + "\n\n" + question : off;
      }
    });
    // Text typed in the box of another button of the "Xử lý" card, which this one does not
    // send: a reason for sending back, and "Không phê duyệt" pressed by mistake.
    var unsent = unsentElsewhere(form, event.submitter);
    if (unsent) { question = question ? unsent + "\n\n" + question : unsent; }
    if (question && !window.confirm(question)) {
      event.preventDefault(); return;
    }
    if (refuseTooBig(form)) { event.preventDefault(); return; }
    keepComments(form);
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
    // Said once by a screen reader: the region (templates/base.html) is outside the form, and
    // nothing is marked aria-busy, which would keep the change quiet until the page left.
    if (busy) { say(busy); }
    if (form.hasAttribute("data-progress") && window.FormData && window.XMLHttpRequest) {
      event.preventDefault();
      sendWithProgress(form, pressed);
    }
  });
  // An upload sent by the page itself, to show how much of the file has gone (a scan over a
  // weak link takes minutes). The server answers {"location": …} (core/views.py go_to) and
  // the page goes there, where its message waits. Any other answer — the sign-in page after
  // a session ended, an error page — or a broken connection: the form is sent as usual, and
  // the browser shows what the server says.
  function sendWithProgress(form, button) {
    var bar = form.querySelector("progress");
    var template = form.getAttribute("data-progress");
    var request = new XMLHttpRequest();
    var fallBack = function () { HTMLFormElement.prototype.submit.call(form); };
    request.open("POST", form.action);
    request.setRequestHeader("X-Upload-Progress", "1");
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) { return; }
      var percent = Math.floor(event.loaded * 100 / event.total);
      if (bar) { bar.hidden = false; bar.value = percent; }
      if (button) { button.textContent = template.replace("{percent}", percent + "%"); }
    });
    request.addEventListener("load", function () {
      var location = null;
      if (request.status === 200 &&
          (request.getResponseHeader("Content-Type") || "").indexOf("application/json") === 0) {
        try { location = JSON.parse(request.responseText).location; } catch (ignored) {}
      }
      if (typeof location !== "string" || location.charAt(0) !== "/" ||
          location.charAt(1) === "/") {
        fallBack();
        return;
      }
      var target = new URL(location, window.location.href);
      if (target.pathname + target.search === window.location.pathname + window.location.search) {
        // Only the #fragment would change, which loads nothing: load this page again.
        window.history.replaceState(null, "", target.href);
        window.location.reload();
      } else {
        window.location.assign(target.href);
      }
    });
    request.addEventListener("error", fallBack);
    request.send(new FormData(form));
  }
  // A file over the limit (data-max-bytes) is refused here, said under its field as the
  // server would say it, before minutes are spent sending it over a weak link.
  function refuseTooBig(form) {
    var input = form.querySelector("input[type=file][data-max-bytes]");
    var file = input && input.files && input.files[0];
    if (!file || file.size <= Number(input.getAttribute("data-max-bytes"))) { return false; }
    var message = input.getAttribute("data-too-big").replace("{name}", file.name);
    var field = input.closest(".field");
    var error = document.getElementById(input.id + "-error");
    if (!error) {
      error = document.createElement("div");
      error.id = input.id + "-error";
      field.appendChild(error);
      var described = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", (described ? described + " " : "") + error.id);
    }
    error.innerHTML = "";
    var line = document.createElement("p");
    line.className = "error";
    line.textContent = message;
    error.appendChild(line);
    field.classList.add("has-error");
    input.setAttribute("aria-invalid", "true");
    input.focus();
    say(message);
    return true;
  }
  // The page's status region: what a screen reader says without moving the focus.
  function say(text) {
    var region = document.getElementById("live-status");
    if (!region) { return; }
    region.textContent = "";
    // Written a moment after being emptied, so that the same words twice are said twice.
    window.setTimeout(function () { region.textContent = text; }, 50);
  }
  // Back to a page kept in the browser's cache: its forms can be sent again, and their
  // buttons say what they do again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    var region = document.getElementById("live-status");
    if (region) { region.textContent = ""; }
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
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
  // A reason typed in a workflow box (a return, a withdrawal) is kept for this tab while a
  // form of the "Xử lý" card is sent, the box of that form and those of the others: if the
  // page comes back refusing it (someone moved the proposal meanwhile, a required box left
  // empty), each box is filled again rather than the reason lost. Kept for one page only,
  // and only given back beside an error.
  var KEPT = "award_flow.comment:";
  function commentBoxes(form) {
    var card = form.classList.contains("action-form") && form.closest(".actions-card");
    return card ? card.querySelectorAll("form.action-form textarea[name=comment]") : [];
  }
  function keepComments(form) {
    commentBoxes(form).forEach(function (box) {
      if (!box.value.trim()) { return; }
      try { window.sessionStorage.setItem(KEPT + box.form.action, box.value); } catch (ignored) {}
    });
  }
  // data-unsent (the card): what to ask when another form's box holds text ({box}: its
  // label, {button}: the button pressed).
  function unsentElsewhere(form, submitter) {
    var filled = Array.prototype.filter.call(commentBoxes(form), function (box) {
      return box.form !== form && box.value.trim();
    });
    var template = filled.length && form.closest(".actions-card").getAttribute("data-unsent");
    if (!template) { return null; }
    var button = submitter && form.contains(submitter) ? submitter
      : form.querySelector("button[type=submit]");
    var names = filled.map(function (box) {
      var label = box.id && document.querySelector("label[for='" + box.id + "']");
      return label ? label.textContent.trim() : "";
    });
    return template.replace("{box}", names.join("”, “"))
      .replace("{button}", button ? button.textContent.trim() : "");
  }
  var kept = {};
  try {
    for (var i = window.sessionStorage.length - 1; i >= 0; i--) {
      var key = window.sessionStorage.key(i);
      if (key && key.indexOf(KEPT) === 0) {
        kept[key] = window.sessionStorage.getItem(key);
        window.sessionStorage.removeItem(key);
      }
    }
  } catch (ignored) {}
  if (document.querySelector(".flash-error, .action-form .has-error")) {
    document.querySelectorAll("form.action-form textarea[name=comment]").forEach(function (box) {
      var text = kept[KEPT + box.form.action];
      if (text && !box.value) { box.value = text; }
    });
  }
  // A box with a length limit (maxlength) says how much is left near the end, and that a
  // paste was cut to fit: the browser cuts it silently, and a clerk pasting an achievement
  // report from Word would not see that its end is gone.
  var charsLeft = document.body.getAttribute("data-chars-left");
  var pasteCut = document.body.getAttribute("data-paste-cut");
  var locale = document.documentElement.lang === "vi" ? "vi-VN" : "en";
  document.querySelectorAll("textarea[maxlength], input[type=text][maxlength]").forEach(function (box) {
    var max = Number(box.getAttribute("maxlength"));
    if (!charsLeft || !pasteCut || !(max > 0)) { return; }
    var note = document.createElement("p");
    note.className = "hint chars-left";
    note.setAttribute("aria-live", "polite");
    note.hidden = true;
    box.insertAdjacentElement("afterend", note);
    var cut = false;
    function update() {
      var left = max - box.value.length;
      if (cut) {
        note.textContent = pasteCut.replace("{max}", max.toLocaleString(locale));
      } else {
        note.textContent = charsLeft.replace("{n}", left.toLocaleString(locale));
      }
      note.hidden = !cut && left > Math.max(20, max / 10);
    }
    box.addEventListener("input", function () { cut = false; update(); });
    box.addEventListener("paste", function (event) {
      var data = event.clipboardData && event.clipboardData.getData("text");
      var replaced = (box.selectionEnd || 0) - (box.selectionStart || 0);
      if (data && box.value.length - replaced + data.length > max) {
        // After the input event the paste brings, which would clear it.
        window.setTimeout(function () { cut = true; update(); }, 0);
      }
    });
  });
  // "Choose for all" on the committee's conclusion page: every outcome is still a deliberate
  // choice (nothing is preselected), without a click per nominee on a long list.
  document.querySelectorAll(".set-all").forEach(function (bar) {
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-set-all]");
      if (!button) { return; }
      var value = button.getAttribute("data-set-all");
      bar.closest("form").querySelectorAll("input[type=radio][value='" + value + "']")
        .forEach(function (radio) { radio.checked = true; });
      // "Đã chọn ‘…’ cho N trường hợp." (written by the server, in the page's language).
      say(button.getAttribute("data-done") || "");
    });
  });
  // The filters are folded on a phone, open on a wide screen.
  if (window.matchMedia("(min-width: 700px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (box) {
      box.open = true;
    });
  }
  // A proposal's phase is one of its campaign's: once a campaign is chosen, the other
  // campaigns' phases are hidden (the server refuses a mismatch all the same).
  document.querySelectorAll("select[data-phases-of]").forEach(function (phases) {
    var campaign = document.getElementById(phases.getAttribute("data-phases-of"));
    if (!campaign) { return; }
    var narrow = function () {
      phases.querySelectorAll("option[data-campaign]").forEach(function (option) {
        var other = option.getAttribute("data-campaign") !== campaign.value;
        option.hidden = other;
        option.disabled = other;
        if (other && option.selected) { phases.selectedIndex = 0; }
      });
      phases.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
    };
    campaign.addEventListener("change", narrow);
    narrow();
  });
  // A new catalogue entry is paid by a coefficient of its own or as a multiple of another
  // entry's bonus: only the fields of the way chosen are shown (the server ignores the
  // others all the same).
  document.querySelectorAll("select[data-payment]").forEach(function (choice) {
    var form = choice.closest("form");
    var show = function () {
      var multiple = choice.value !== "0";
      form.querySelectorAll("[data-paid]").forEach(function (part) {
        part.hidden = (part.getAttribute("data-paid") === "multiple") !== multiple;
      });
    };
    choice.addEventListener("change", show);
    show();
  });
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
  if (!target) { return; }
  if (window.location.hash) {
    // Sent to a section (#dossier): the browser scrolls to it once the page has loaded, and,
    // the section not being focusable, takes the focus away from what had it. The message is
    // focused after that (focus also brings it into view), so that it is read out.
    var focusLater = function () { window.setTimeout(function () { target.focus(); }, 0); };
    if (document.readyState === "complete") { focusLater(); } else {
      window.addEventListener("load", focusLater);
    }
  } else {
    target.focus();
  }
}());

// A session signed in without "remember me" ends after a while without a request
// (SESSION_IDLE_MINUTES, auth/views.py), and typing a long text sends none. While the user
// works in the page (keys, clicks), it asks the server now and then to keep the session;
// shortly before the end it says so, with a button to go on. At the end, what was typed in
// the page's forms is kept in this tab (sessionStorage), and filled in again when the same
// user, signed in again, is back on the page: never for another user of the computer.
// Tabs share the end (localStorage): work in one keeps the others' count going too.
(function () {
  "use strict";
  var body = document.body;
  var user = body.getAttribute("data-idle-user");
  var TYPED = "award_flow.typed";
  var here = window.location.pathname + window.location.search;

  // What a person fills in: text of every kind, dates and numbers, choices (a list, a
  // radio button, a box to tick); not what the page fills itself (hidden fields, the form's
  // token), a password, or a file, which a page cannot be given back.
  var NOT_KEPT = ["hidden", "password", "file", "submit", "button", "reset", "image"];
  function keptKind(field) {
    if (!field.name || field.disabled) { return null; }
    if (field.tagName === "TEXTAREA") { return "text"; }
    if (field.tagName === "SELECT") { return "select"; }
    if (field.tagName !== "INPUT" || NOT_KEPT.indexOf(field.type) >= 0) { return null; }
    return field.type === "checkbox" || field.type === "radio" ? "check" : "text";
  }
  function changed(field, kind) {
    if (kind === "check") { return field.checked !== field.defaultChecked; }
    if (kind === "select") {
      // A list with no option marked selected shows its first one (a single choice).
      var marked = Array.prototype.some.call(field.options, function (option) {
        return option.defaultSelected;
      });
      return Array.prototype.some.call(field.options, function (option, i) {
        var initial = marked || field.multiple ? option.defaultSelected : i === 0;
        return option.selected !== initial;
      });
    }
    return field.value !== field.defaultValue;
  }
  function postForms() { return document.querySelectorAll("main form[method=post]"); }
  // A form is known by where it sends (its action) and, among the page's forms sending
  // there, by its place: not by its place on the page, which changes with the state (the
  // "Xử lý" card's forms), so that a kept value never goes into another form's box.
  function formKeys() {
    var seen = {};
    return Array.prototype.map.call(postForms(), function (form) {
      seen[form.action] = (seen[form.action] || 0) + 1;
      return {form: form, action: form.action, nth: seen[form.action] - 1};
    });
  }
  function typedNow() {
    var typed = [];
    formKeys().forEach(function (key) {
      Array.prototype.forEach.call(key.form.elements, function (field) {
        var kind = keptKind(field);
        if (!kind || !changed(field, kind)) { return; }
        typed.push({action: key.action, nth: key.nth, name: field.name, kind: kind,
                    value: kind === "check" ? field.value : (kind === "select"
                      ? Array.prototype.filter.call(field.options, function (o) {
                        return o.selected; }).map(function (o) { return o.value; })
                      : field.value),
                    checked: kind === "check" ? field.checked : undefined});
      });
    });
    return typed;
  }
  function keepTyped(key) {
    var typed = typedNow();
    if (!typed.length) { return false; }
    try {
      window.sessionStorage.setItem(key || TYPED,
                                    JSON.stringify({user: user, page: here, typed: typed}));
      return true;
    } catch (e) { return false; }
  }
  // What a form sent carried is kept too, for one page: if the server sends the clerk back
  // to this page with a refusal (a form of a page opened before the session changed), it
  // is filled in again there.
  var SENT = "award_flow.sent";
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented && event.target.getAttribute("method") === "post") {
      keepTyped(SENT);
    }
  });
  // A field is given back only as the page first showed it: what the server put there
  // since (a value saved meanwhile) is not overwritten. Whether it was given anything: a
  // page the server showed again with what was sent already holds it.
  function giveBack(form, entry) {
    var fields = Array.prototype.filter.call(form.elements, function (field) {
      return field.name === entry.name && keptKind(field) === entry.kind;
    });
    if (entry.kind === "check") {
      var box = fields.filter(function (field) { return field.value === entry.value; })[0];
      if (!box || changed(box, "check") || box.checked === entry.checked) { return false; }
      box.checked = entry.checked;
      box.dispatchEvent(new Event("change", {bubbles: true}));
      return true;
    }
    var field = fields[0];
    if (!field || changed(field, entry.kind)) { return false; }
    if (entry.kind === "select") {
      var same = Array.prototype.every.call(field.options, function (option) {
        return option.selected === (entry.value.indexOf(option.value) >= 0);
      });
      if (same) { return false; }
      Array.prototype.forEach.call(field.options, function (option) {
        option.selected = entry.value.indexOf(option.value) >= 0;
      });
      field.dispatchEvent(new Event("change", {bubbles: true}));
      return true;
    }
    if (field.value === entry.value) { return false; }
    field.value = entry.value;
    field.dispatchEvent(new Event("input", {bubbles: true}));
    return true;
  }
  function giveAllBack(kept) {
    var keys = formKeys();
    var filled = 0;
    // In the page's order: a campaign is chosen before its phase (whose list it narrows).
    kept.typed.forEach(function (entry) {
      var key = keys.filter(function (k) {
        return k.action === entry.action && k.nth === entry.nth;
      })[0];
      if (key && entry.kind && giveBack(key.form, entry)) { filled += 1; }
    });
    return filled;
  }
  function sayRefilled(text) {
    var main = document.getElementById("main");
    if (!text || !main) { return; }
    var note = document.createElement("div");
    note.className = "flash flash-info";
    note.setAttribute("role", "status");
    note.textContent = text;
    main.insertBefore(note, main.firstChild);
  }
  (function fillSentAgain() {
    var kept = null;
    try { kept = JSON.parse(window.sessionStorage.getItem(SENT) || "null"); } catch (e) { return; }
    if (!kept) { return; }
    try {
      window.sessionStorage.removeItem(SENT);
      // Sent by a signed-in user once the session had ended (the server answered with the
      // sign-in page): kept as if typed before an idle sign-out, for the same user's page
      // once signed in again. (What the sign-in form itself sent is nobody's.)
      if (!user) {
        if (kept.user) { window.sessionStorage.setItem(TYPED, JSON.stringify(kept)); }
        return;
      }
    } catch (e) { return; }
    if (kept.user === user && kept.page === here && document.querySelector("main .flash-error")
        && giveAllBack(kept)) {
      sayRefilled(body.getAttribute("data-sent-refilled"));
    }
  }());
  (function fillTypedAgain() {
    var kept = null;
    try { kept = JSON.parse(window.sessionStorage.getItem(TYPED) || "null"); } catch (e) { return; }
    if (!kept || !user) { return; }
    // Another user signed in on this computer never sees it; the same user, on another page,
    // still finds it on the page it was typed on.
    if (kept.user !== user) { window.sessionStorage.removeItem(TYPED); return; }
    if (kept.page !== here) { return; }
    window.sessionStorage.removeItem(TYPED);
    if (giveAllBack(kept)) { sayRefilled(body.getAttribute("data-idle-refilled")); }
  }());

  var left = parseInt(body.getAttribute("data-idle-left"), 10);
  var total = parseInt(body.getAttribute("data-idle-total"), 10) * 1000;
  var aliveUrl = body.getAttribute("data-idle-alive");
  if (isNaN(left) || !(total > 0) || !aliveUrl || !window.fetch) { return; }
  var KEY = "award_flow.idle-end";
  var warnBefore = Math.min(120000, total / 2);
  var keepEvery = Math.min(300000, total / 4);
  var end = Date.now() + left * 1000;
  var lastKept = Date.now();
  var notice = null;
  var ended = false;

  function sharedEnd() {
    try { return parseInt(window.localStorage.getItem(KEY), 10) || 0; } catch (e) { return 0; }
  }
  function setEnd(value) {
    end = value;
    try { window.localStorage.setItem(KEY, String(value)); } catch (e) { /* private mode */ }
  }
  if (end > sharedEnd()) { setEnd(end); }

  function show(text, action) {
    if (!notice) {
      notice = document.createElement("div");
      notice.className = "idle-notice";
      notice.setAttribute("role", "alertdialog");
      notice.setAttribute("aria-labelledby", "idle-notice-text");
      document.body.appendChild(notice);
    }
    notice.innerHTML = "";
    var p = document.createElement("p");
    p.id = "idle-notice-text";
    p.textContent = text;
    notice.appendChild(p);
    notice.appendChild(action);
    action.focus();
  }
  function hide() {
    if (notice) { notice.remove(); notice = null; }
  }
  function finish() {
    ended = true;
    var again = document.createElement("a");
    again.className = "button";
    again.href = body.getAttribute("data-idle-login") + "?next=" + encodeURIComponent(here);
    again.textContent = body.getAttribute("data-idle-again");
    show(body.getAttribute(keepTyped() ? "data-idle-ended-kept" : "data-idle-ended"), again);
  }
  function keep() {
    lastKept = Date.now();
    window.fetch(aliveUrl, {credentials: "same-origin", cache: "no-store",
                            headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (response.status === 401) { finish(); return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && typeof data.seconds_left === "number") {
          setEnd(Date.now() + data.seconds_left * 1000);
          hide();
        }
      })
      .catch(function () { /* offline: the next activity asks again */ });
  }
  ["keydown", "pointerdown"].forEach(function (type) {
    document.addEventListener(type, function () {
      if (!ended && Date.now() - lastKept > keepEvery) { keep(); }
    }, true);
  });
  window.setInterval(function () {
    if (ended) { return; }
    var rest = Math.max(end, sharedEnd()) - Date.now();
    // Said ended a little after the end, so that the server, counting in whole seconds, has
    // ended it too when the user answers.
    if (rest <= -2000) {
      finish();
    } else if (rest <= warnBefore && !notice) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = body.getAttribute("data-idle-keep");
      button.addEventListener("click", keep);
      show(body.getAttribute("data-idle-warning"), button);
    } else if (rest > warnBefore && notice) {
      hide();  // another tab kept the session
    }
  }, Math.min(5000, warnBefore / 4));
}());
