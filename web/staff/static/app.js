// Carepath: keyboard shortcuts. Every page works without this file; it only
// adds keys for people who work a long list all day. The keys (also listed
// in the dialog that "?" opens, templates/layout.html):
//
//   /        focus the search box
//   j, k     next / previous row of a list (↓ and ↑ too, also from the
//            search box); Enter opens it; Esc leaves the search box
//   n, p     next / previous page of a list
//   g w      go to my work; g p  the patient panel; g a  the audit trail
//   u        up: from a chart back to the panel
//   1 … 9    on a chart, jump to its sections
//   c, l, d  on a task row: claim, log an attempt (with the chosen outcome),
//            done; z snoozes (asks until when and why)
//   ?        show the keys; Esc closes
(function () {
  "use strict";

  function typing(t) {
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  // The rows of the page's list, each by its first link (the one Enter opens).
  function rowLinks() {
    var out = [];
    document.querySelectorAll("table.list tbody tr").forEach(function (tr) {
      var a = tr.querySelector("a[href]");
      if (a) out.push(a);
    });
    return out;
  }

  function moveRow(step) {
    var links = rowLinks();
    if (!links.length) return false;
    var i = links.indexOf(document.activeElement);
    if (i < 0 && document.activeElement) {
      // Focus inside a row but not on its first link (a tab away): start there.
      var tr = document.activeElement.closest && document.activeElement.closest("tr");
      links.forEach(function (a, j) { if (a.closest("tr") === tr) i = j; });
    }
    if (i === 0 && step < 0) {
      // Up from the first row goes back to the search box, where it came from.
      var q = document.getElementById("q");
      if (q) { q.focus(); return true; }
    }
    i = i < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, i + step));
    links[i].focus();
    links[i].closest("tr").scrollIntoView({ block: "nearest" });
    return true;
  }

  // The task row the focus is in, if any.
  function focusedRow() {
    var a = document.activeElement;
    return a && a.closest ? a.closest("tr.task") : null;
  }

  // Presses a button of the focused task row (its form goes by htmx, and
  // the row comes back in place; focus returns to the row's link).
  function rowAction(selector) {
    var tr = focusedRow();
    var b = tr && tr.querySelector(selector);
    if (!b) return false;
    var id = tr.id;
    b.click();
    document.body.addEventListener("htmx:afterSwap", function again() {
      document.body.removeEventListener("htmx:afterSwap", again);
      var row = document.getElementById(id);
      var link = row && row.querySelector("a[href]");
      if (link) link.focus();
    });
    return true;
  }

  function follow(selector) {
    var a = document.querySelector(selector);
    if (!a) return false;
    a.click();
    return true;
  }

  function dialog() { return document.getElementById("keys"); }

  function showKeys() {
    var d = dialog();
    if (d && !d.open) d.showModal();
    return !!d;
  }

  var pendingG = false;
  // The "/" that focused the search box, until its key is done: its
  // character must not land in the box. (A browser drops it with the
  // keydown's default; a key sent as separate down and char events, as
  // by remote control, brings it after the focus has moved.)
  var slashKey = false;
  document.addEventListener("beforeinput", function (e) {
    if (slashKey && e.data === "/") e.preventDefault();
    slashKey = false;
  }, true);
  document.addEventListener("keyup", function (e) {
    if (e.key === "/") slashKey = false;
  }, true);

  // In an assessment, a number chooses that answer of the question in
  // focus; a single-choice question then hands the focus to the next one
  // (or to the save button after the last).
  function answerByNumber(e) {
    var t = e.target;
    var item = t.closest && t.closest("fieldset.item");
    if (!item || !/^[1-9]$/.test(e.key)) return false;
    // In a box for a number or words, a digit is typed.
    if (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type !== "radio" && t.type !== "checkbox")) return false;
    var inputs = item.querySelectorAll("input[type=radio], input[type=checkbox]");
    var input = inputs[Number(e.key) - 1];
    if (!input) return false;
    if (input.type === "checkbox") {
      input.checked = !input.checked;
      input.focus();
      return true;
    }
    input.checked = true;
    var items = Array.prototype.slice.call(document.querySelectorAll("fieldset.item"));
    var next = items[items.indexOf(item) + 1];
    var target = next ? (next.querySelector("input:checked") || next.querySelector("input, textarea")) : document.getElementById("score");
    if (target) {
      target.focus();
      if (next) next.scrollIntoView({ block: "nearest" });
    }
    return true;
  }

  // A "Print" link prints the page (no inline script: the CSP forbids it).
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a.print");
    if (a) {
      e.preventDefault();
      window.print();
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (answerByNumber(e)) {
      e.preventDefault();
      return;
    }
    if (typing(t)) {
      // From the search box, ↓ goes down into the results.
      // Esc leaves it, so that the list's keys work. A "/" there (the
      // panel's box has the focus when it opens) is the key, not a
      // character: no name holds one.
      var search = t.id === "q" || t.id === "top-q";
      if (search && e.key === "/") { e.preventDefault(); slashKey = true; t.select(); }
      else if (t.id === "q" && e.key === "ArrowDown" && moveRow(1)) e.preventDefault();
      else if (search && e.key === "Escape") t.blur();
      return;
    }
    var d = dialog();
    if (d && d.open) return; // the dialog handles Esc itself

    var key = e.key, done = false;
    if (pendingG) {
      pendingG = false;
      if (key === "w") done = follow('.mainnav a[href="/work"]');
      else if (key === "p") done = follow('.mainnav a[href="/patients"]');
      else if (key === "a") done = follow('.mainnav a[href="/audit"]');
      if (done) e.preventDefault();
      return;
    }
    switch (key) {
    case "/":
      var q = document.getElementById("q") || document.getElementById("top-q");
      if (q) {
        // Focus after this key is done, so that the "/" never lands in the box.
        slashKey = true;
        setTimeout(function () { q.focus(); q.select(); }, 0);
        done = true;
      }
      break;
    case "j": case "ArrowDown": done = moveRow(1); break;
    case "k": case "ArrowUp": done = moveRow(-1); break;
    case "n": done = follow('a[rel="next"]'); break;
    case "p": done = follow('a[rel="prev"]'); break;
    case "u": done = follow('a[rel="up"]'); break;
    case "g": pendingG = true; setTimeout(function () { pendingG = false; }, 1500); done = true; break;
    case "?": done = showKeys(); break;
    case "c": done = rowAction('button[value="claim"], input[value="claim"] ~ button') || follow('a[data-key="c"]'); break;
    case "d": done = rowAction('button[value="complete"]'); break;
    case "l": done = rowAction('button[value="attempt"]'); break;
    case "m":
      var log = focusedRow() && focusedRow().querySelector("a[data-contact]");
      if (log) { log.click(); done = true; }
      break;
    case "z":
      var snooze = focusedRow() && focusedRow().querySelector("details.snooze");
      if (snooze) { snooze.open = true; snooze.querySelector("input").focus(); done = true; }
      break;
    default:
      if (/^[1-9]$/.test(key)) {
        var sections = document.querySelectorAll("nav.sections a");
        var a = sections[Number(key) - 1];
        if (a) {
          var target = document.querySelector(a.getAttribute("href"));
          if (target) {
            target.scrollIntoView({ block: "start" });
            // Headings are not focusable by default; tabindex=-1 lets the
            // screen reader and the next Tab start there.
            target.setAttribute("tabindex", "-1");
            target.focus({ preventScroll: true });
            done = true;
          }
        }
      }
    }
    if (done) e.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var b = document.getElementById("keys-open");
    if (b) {
      b.hidden = false;
      b.addEventListener("click", showKeys);
    }
    // A form that came back refused: to its first problem (an input the
    // problem is with, else the form's message), so that the person sees
    // it and can fix it at once.
    var bad = document.querySelector('form [aria-invalid="true"]') || document.querySelector("form .form-error");
    if (bad) {
      var open = bad.closest("details");
      if (open) open.open = true;
      bad.scrollIntoView({ block: "center" });
      bad.focus({ preventScroll: true });
    }
  });

  // The time tracker on a patient's programs page: start, pause, resume,
  // stop. Its state lives in the browser's storage under the patient, so
  // that it survives a reload; stopping fills the time form (the first
  // start, as an instant, and the seconds worked: 6 seconds are not a
  // minute) and submits it.
  function timer() {
    var box = document.getElementById("timer");
    if (!box) return;
    var key = "carepath.timer." + box.dataset.patient;
    var shown = document.getElementById("timer-elapsed");
    var start = document.getElementById("timer-start");
    var pause = document.getElementById("timer-pause");
    var stop = document.getElementById("timer-stop");
    function load() {
      try { return JSON.parse(localStorage.getItem(key)) || null; } catch (e) { return null; }
    }
    function save(t) {
      if (t) localStorage.setItem(key, JSON.stringify(t)); else localStorage.removeItem(key);
    }
    function elapsed(t) {
      return t ? t.counted + (t.since ? Date.now() - t.since : 0) : 0;
    }
    function draw() {
      var t = load(), ms = elapsed(t), s = Math.floor(ms / 1000);
      shown.textContent = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
      start.textContent = t && !t.since ? "Resume" : "Start";
      start.disabled = !!(t && t.since);
      pause.disabled = !(t && t.since);
      stop.disabled = !t;
      box.classList.toggle("running", !!(t && t.since));
    }
    start.addEventListener("click", function () {
      var t = load() || { first: Date.now(), counted: 0, since: null };
      t.since = Date.now();
      save(t);
      draw();
    });
    pause.addEventListener("click", function () {
      var t = load();
      if (!t) return;
      t.counted = elapsed(t);
      t.since = null;
      save(t);
      draw();
    });
    stop.addEventListener("click", function () {
      var t = load();
      if (!t) return;
      var form = document.getElementById("time-form");
      form.elements.minutes.value = "";
      form.elements.seconds.value = Math.floor(elapsed(t) / 1000);
      form.elements.start_epoch.value = Math.floor(t.first / 1000);
      form.elements.program.value = document.getElementById("timer-program").value;
      save(null);
      form.submit();
    });
    draw();
    setInterval(draw, 1000);
  }

  document.addEventListener("DOMContentLoaded", timer);
})();
