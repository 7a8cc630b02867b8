// reslog serve: the little the pages need beyond htmx. No inline script anywhere (the CSP forbids it).
// - errors (422) and conflicts (409) are shown next to the form that caused them;
// - the capture box is cleared and focused again after a save;
// - text typed and not saved in a box that a swap redraws is kept, and so is the focus on a to-do;
// - a running timer ticks; "↳" puts a thought under an entry;
// - keys: c capture, [ ] previous/next day, t today, / search (not away from an editor's changes);
// - live refresh: a page changed on disk (CLI, editor, sync) is shown within about a second.
(function () {
  "use strict";

  // one line of error in a message slot, replacing what it said
  function showError(slot, text) {
    if (!slot) return;
    slot.textContent = "";
    var p = document.createElement("p");
    p.className = "msg-error";
    p.textContent = text;
    slot.appendChild(p);
  }

  function slotFor(elt) {
    var form = elt && elt.closest ? (elt.closest("form") || elt) : null;
    if (form) {
      var slot = form.querySelector(".msg");
      if (slot) return slot;
      // a form of a to-do's "⋯" menu, each one line: the menu's one slot, moved under that form
      // (the menu stays open with what was typed, the reason beside it)
      var menu = form.closest(".menu");
      slot = menu ? menu.querySelector(":scope > .msg") : null;
      if (slot) { menu.insertBefore(slot, form.nextSibling); return slot; }
    }
    return document.getElementById("page-msg") || document.getElementById("capture-msg");
  }

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if (status === 422 || status === 409 || status === 403 || status === 401) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
      evt.detail.target = slotFor(evt.detail.requestConfig.elt);
      evt.detail.swapOverride = "innerHTML";
    }
  });

  // Text typed but not saved in a box that a swap redraws (a week's other section, after a save or
  // a rating replaced the whole week) is put back in the box drawn in its place, with the hash it
  // was typed over: saved later, it is refused if that section changed meanwhile, never written
  // over the change. The form that was sent is not kept: what it held is saved.
  var unsaved = [];
  document.addEventListener("htmx:beforeSwap", function (evt) {
    unsaved = [];
    var target = evt.detail.target;
    if (!evt.detail.shouldSwap || !target || !target.querySelectorAll) return;
    var elt = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    var sent = elt && elt.closest ? elt.closest("form") : null;
    target.querySelectorAll("form textarea[name]").forEach(function (ta) {
      if (ta.value === ta.defaultValue || ta.form === sent || !ta.form.getAttribute("action")) return;
      var hash = ta.form.querySelector("input[name=hash]");
      unsaved.push({ action: ta.form.getAttribute("action"), name: ta.name, value: ta.value,
                     hash: hash ? hash.value : null, focused: document.activeElement === ta,
                     start: ta.selectionStart, end: ta.selectionEnd });
    });
  });
  document.addEventListener("htmx:afterSwap", function () {
    var kept = unsaved;
    unsaved = [];
    kept.forEach(function (k) {
      var form = Array.prototype.filter.call(document.querySelectorAll("form[action]"), function (f) {
        return f.getAttribute("action") === k.action;
      })[0];
      var ta = form ? form.querySelector("textarea[name=\"" + k.name + "\"]") : null;
      if (!ta) return;
      ta.value = k.value;
      var hash = form.querySelector("input[name=hash]");
      if (hash && k.hash !== null) hash.value = k.hash;
      var shut = ta.closest("details");
      if (shut) shut.open = true;
      if (k.focused) { ta.focus(); ta.setSelectionRange(k.start, k.end); }
    });
  });

  // A to-do's control in focus (its box ticked with Space, "start", "reopen") when the page is
  // redrawn: the focus goes back to the same control of the same to-do (its line, L<n>, is kept),
  // or to its box when that control is gone (a ticked box is a mark then, focusable by script
  // only), not to the page's body, from where a keyboard starts again at the top.
  var focused = null;
  document.addEventListener("htmx:beforeSwap", function (evt) {
    focused = null;
    var active = document.activeElement;
    var target = evt.detail.target;
    if (!evt.detail.shouldSwap || !active || !target || !target.contains || !target.contains(active)) return;
    var entry = active.closest("li.entry[id]");
    if (!entry) return;
    var control = active.classList.contains("act")  // "start", "stop", "reopen", "↳"
      ? Array.prototype.filter.call(active.classList, function (c) { return c !== "act"; })
          .map(function (c) { return ".act." + c; }).join("")
      : null;
    focused = { entry: entry.id, control: control };
  });
  document.addEventListener("htmx:afterSwap", function () {
    var was = focused;
    focused = null;
    var entry = was ? document.getElementById(was.entry) : null;
    if (!entry || (document.activeElement && document.activeElement !== document.body)) return;
    var line = entry.querySelector(":scope > .line");
    var again = (was.control && line.querySelector(was.control)) || line.querySelector(".box");
    if (again) again.focus({ preventScroll: true });
  });

  document.addEventListener("htmx:sendError", function (evt) {
    showError(slotFor(evt.detail.requestConfig && evt.detail.requestConfig.elt),
              "The server did not answer; is reslog serve still running? Nothing was written.");
  });

  document.addEventListener("htmx:afterRequest", function (evt) {
    var elt = evt.detail.elt;
    var ok = evt.detail.xhr && evt.detail.xhr.status >= 200 && evt.detail.xhr.status < 300;
    if (elt && elt.id === "capture" && ok) {
      var input = document.getElementById("capture-text");
      input.value = "";
      input.focus();
      var msg = document.getElementById("capture-msg");
      if (msg) msg.textContent = "";
      var on = document.getElementById("capture-on");
      if (on) on.value = "";
    }
  });

  // the editor's Save of a page larger than the server takes: refused here, the text kept in the
  // editor (the server refuses it whole too, 413, but the page it answers with replaces the editor)
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form || !form.getAttribute || !form.getAttribute("data-max-body")) return;
    var most = parseInt(form.getAttribute("data-max-body"), 10);
    var body = new URLSearchParams(new FormData(form)).toString();
    var size = body.length + 3 * (body.match(/%0A/g) || []).length;  // a browser sends "\n" as %0D%0A
    if (size <= most) return;
    evt.preventDefault();
    var msg = document.getElementById("edit-msg");
    if (msg) {
      msg.textContent = form.getAttribute("data-too-large") + " (this page: " +
        (size / 1048576).toFixed(1) + " MB as sent.)";
      msg.hidden = false;
      msg.scrollIntoView({ block: "nearest" });
    }
  });

  // The editor with changes not saved: leaving asks first (the browser's own question), and a key
  // (t, c, /...) leaves nothing, it says why. A Save is not leaving. The editor shown again after a
  // refused save (data-unsaved) holds text that is not on disk even before a key is typed.
  var saving = false;
  function unsavedEdit() {
    var form = document.querySelector("form.editor-form");
    var text = form ? form.querySelector("textarea.source") : null;
    if (saving || !text || text.readOnly) return false;
    return text.value !== text.defaultValue || form.hasAttribute("data-unsaved");
  }
  document.addEventListener("submit", function (evt) {
    if (!evt.defaultPrevented && evt.target.classList && evt.target.classList.contains("editor-form")) saving = true;
  });
  window.addEventListener("beforeunload", function (evt) {
    if (!unsavedEdit()) return;
    evt.preventDefault();
    evt.returnValue = "";  // older browsers ask only when this is set
  });

  // a running timer
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".clock[data-since]").forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-since"));
      if (isNaN(since)) return;
      var s = Math.max(0, Math.floor((now - since) / 1000));
      var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
      var text = (h ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(sec).padStart(2, "0");
      var out = el.querySelector(".elapsed");
      if (out) out.textContent = text;
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);

  // "↳": a thought under this entry
  document.addEventListener("click", function (evt) {
    var btn = evt.target.closest ? evt.target.closest("button.nest[data-on]") : null;
    if (!btn) return;
    var on = document.getElementById("capture-on");
    var input = document.getElementById("capture-text");
    if (on && input) {
      on.value = btn.getAttribute("data-on");
      input.focus();
    }
  });

  // close an open "⋯" menu when clicking elsewhere
  document.addEventListener("click", function (evt) {
    document.querySelectorAll("details.more[open]").forEach(function (d) {
      if (!d.contains(evt.target)) d.removeAttribute("open");
    });
  });

  // keys
  // an <input> a person types into; a focused checkbox, radio or button takes no characters
  var NOT_TEXT = ["checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "image"];
  function typingIn(t) {
    if (!t || !t.tagName) return false;
    if (t.tagName === "INPUT") return NOT_TEXT.indexOf((t.type || "text").toLowerCase()) < 0;
    return t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable;
  }
  document.addEventListener("keydown", function (evt) {
    if (evt.ctrlKey || evt.metaKey || evt.altKey) return;
    var t = evt.target;
    var typing = typingIn(t);
    var menu = evt.key === "Escape" ? document.querySelector("details.more[open]") : null;
    if (menu) {  // Escape closes an open "⋯" menu, and leaves the focus on its button
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
      return;
    }
    if (evt.key === "Escape" && typing) { t.blur(); return; }
    if (typing) return;
    if (["c", "t", "/", "[", "]"].indexOf(evt.key) >= 0 && unsavedEdit()) {
      evt.preventDefault();
      var note = document.getElementById("edit-msg");
      if (note) {
        note.textContent = "This page has changes that are not saved: Save them, or leave by a link " +
          "(the browser asks first).";
        note.hidden = false;
      }
      return;
    }
    var go = function (sel) { var a = document.querySelector(sel); if (a) { evt.preventDefault(); window.location.href = a.href; } };
    if (evt.key === "c") {
      var input = document.getElementById("capture-text");
      if (input) { evt.preventDefault(); input.focus(); } else { evt.preventDefault(); window.location.href = "/"; }
    } else if (evt.key === "[") { go('a[data-key="prev"], a[rel="prev"]'); }
    else if (evt.key === "]") { go('a[data-key="next"], a[rel="next"]'); }
    else if (evt.key === "t") { evt.preventDefault(); window.location.href = "/"; }
    else if (evt.key === "/") {
      // the search box is on the Search page, which focuses it on arrival (autofocus)
      var q = document.getElementById("q");
      evt.preventDefault();
      if (q) { q.focus(); q.select(); } else window.location.href = "/search";
    }
  });

  // live refresh
  var source = null;
  function busy(root) {
    var active = document.activeElement;
    if (active && root.contains(active) && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT")) return true;
    if (root.querySelector("details.more[open]")) return true;
    var dirty = false;
    root.querySelectorAll("textarea").forEach(function (ta) { if (ta.value !== ta.defaultValue) dirty = true; });
    return dirty;
  }
  function refresh(root) {
    var kind = root.getAttribute("data-kind");
    if (kind === "day") {
      // a message shown on the page (why an action was refused) outlives the refresh
      var msg = document.getElementById("page-msg");
      var kept = msg ? msg.innerHTML : "";
      // or the one shown in a to-do's menu, which the page drawn again closes (or no longer has)
      var told = kept.trim() ? null : root.querySelector("details.more .msg:not(:empty)");
      if (told) kept = told.innerHTML;
      // and so does the entry chosen in "where it goes", found by its words (its number may shift)
      var on = document.getElementById("capture-on");
      var chosen = on ? on.value : "";
      htmx.ajax("GET", "/fragment/day/" + root.getAttribute("data-date"), { target: "#page", swap: "outerHTML" })
        .then(function () {
          var now = document.getElementById("page-msg");
          if (now && kept && !now.innerHTML.trim()) now.innerHTML = kept;
          var select = document.getElementById("capture-on");
          if (!select || !chosen) return;
          var words = chosen.slice(chosen.indexOf(" ") + 1);
          var same = Array.prototype.filter.call(select.options, function (o) {
            return o.value === chosen;
          })[0] || Array.prototype.filter.call(select.options, function (o) {
            return o.value && o.value.slice(o.value.indexOf(" ") + 1) === words;
          })[0];
          if (same) { select.value = same.value; return; }
          showError(document.getElementById("capture-msg"),
                    "The entry chosen in the menu is no longer on the page; choose where it goes again.");
        });
    } else if (kind === "week") {
      htmx.ajax("GET", "/week/" + root.getAttribute("data-week"), { target: "#week", select: "#week", swap: "outerHTML" });
    } else if (kind === "edit") {
      var note = document.getElementById("edit-changed");
      if (note) note.hidden = false;
    }
  }
  // a page changed on disk: refresh it now, or once the person is done with what they are doing
  var pending = false;
  function changed(file, hash) {
    var current = document.querySelector("[data-file][data-kind]");
    if (!current || current.getAttribute("data-file") !== file || current.getAttribute("data-hash") === hash) return;
    if (current.getAttribute("data-kind") !== "edit" && busy(current)) {
      if (!pending) {
        pending = true;
        var again = function () {
          var now = document.querySelector("[data-file][data-kind]");
          if (now && busy(now)) { setTimeout(again, 800); return; }
          pending = false;
          if (now && now.getAttribute("data-file") === file && now.getAttribute("data-hash") !== hash) refresh(now);
        };
        setTimeout(again, 800);
      }
      return;
    }
    refresh(current);
  }
  // One stream for all the tabs of this server: a browser opens at most six connections to it, and
  // six tabs, each with its own stream, hung the seventh and every click in them. The tab that
  // holds the lock "reslog-events" (the leader; the next tab takes over when it goes) watches the
  // pages of every tab, which tell it theirs on a BroadcastChannel, and passes each change on.
  // Without Web Locks: a tab's own stream, closed while the tab is hidden.
  var TAB = String(Math.random()).slice(2);
  var channel = window.BroadcastChannel && navigator.locks && window.EventSource
    ? new BroadcastChannel("reslog-events") : null;
  var leader = false, pages = {}, watching = null, soon = null;
  function mine() {
    var root = document.querySelector("[data-file][data-kind]");
    return { tab: TAB, file: root ? root.getAttribute("data-file") : null,
             hash: root ? root.getAttribute("data-hash") || "" : "" };
  }
  function open(files, seen, heard) {
    if (source) source.close();
    // seen=: a page that changed while nobody watched it (a hidden tab, a new leader) is told at once
    var query = files.map(function (f, i) {
      return "file=" + encodeURIComponent(f) + "&seen=" + encodeURIComponent(seen[i]);
    }).join("&");
    source = new EventSource("/events?" + query);
    source.addEventListener("changed", function (evt) {
      var parts = evt.data.split("\n");
      heard(parts[1], parts[0]);
    });
  }
  function lead() {
    soon = null;
    var files = [], seen = [];
    Object.keys(pages).forEach(function (tab) {
      var p = pages[tab];
      if (p.file && files.indexOf(p.file) < 0) { files.push(p.file); seen.push(p.hash); }
    });
    var key = files.join("\n");
    if (key === watching && source) return;
    watching = key;
    if (source) { source.close(); source = null; }
    if (!files.length) return;
    open(files, seen, function (file, hash) {
      channel.postMessage({ changed: true, file: file, hash: hash });
      changed(file, hash);
    });
  }
  function leadSoon() { if (soon) clearTimeout(soon); soon = setTimeout(lead, 30); }
  if (channel) {
    channel.onmessage = function (evt) {
      var d = evt.data || {};
      if (d.changed) changed(d.file, d.hash);
      else if (d.who) channel.postMessage(mine());
      else if (leader) {
        if (d.bye) delete pages[d.bye]; else pages[d.tab] = d;
        leadSoon();
      }
    };
    navigator.locks.request("reslog-events", function () {
      leader = true;
      pages = {};
      pages[TAB] = mine();
      channel.postMessage({ who: true });
      leadSoon();
      return new Promise(function () {});  // held while this page lives
    });
  }
  function watch() {
    if (channel) {
      var me = mine();
      if (leader) { pages[TAB] = me; leadSoon(); } else channel.postMessage(me);
      return;
    }
    var root = document.querySelector("[data-file][data-kind]");
    var file = root ? root.getAttribute("data-file") : null;
    if (!file || !window.EventSource || document.visibilityState === "hidden") return;
    if (source && source.reslogFile === file) return;
    open([file], [root.getAttribute("data-hash") || ""], changed);
    source.reslogFile = file;
  }
  document.addEventListener("visibilitychange", function () {
    if (channel) return;
    if (document.visibilityState === "hidden") { if (source) { source.close(); source = null; } }
    else watch();
  });
  document.addEventListener("DOMContentLoaded", watch);
  // the year's heatmap on a narrow screen: show the latest months first
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".heat-wrap").forEach(function (w) { w.scrollLeft = w.scrollWidth; });
  });
  document.addEventListener("htmx:afterSettle", watch);
  window.addEventListener("pagehide", function () {
    if (source) { source.close(); source = null; }
    if (channel && !leader) channel.postMessage({ bye: TAB });
  });
  window.addEventListener("pageshow", function (evt) { if (evt.persisted) watch(); });
})();
