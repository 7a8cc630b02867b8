/* reslog static site: search over every exported entry, in the browser, from file:// too.
 *
 * The entries come from search-index.js (loaded by a <script src>, since fetch() of a
 * file is blocked on file://): window.RESLOG_SEARCH = [[date, line, time, kind, text], ...]
 * in date order. A query is words; an entry matches when every word starts a word of its
 * kind or text, case-insensitively ("rate" finds "rate" and "rates", not "accurate"). The query is read from the address (search.html?q=...), so a
 * search can be linked to and bookmarked. Results are built with text nodes only: entry
 * text is never parsed as HTML. */
(function () {
  "use strict";
  var data = window.RESLOG_SEARCH || [];
  var LIMIT = 200;
  var input = document.getElementById("q");
  var status = document.getElementById("status");
  var list = document.getElementById("results");
  var more = document.getElementById("more");
  var hay = null;
  var shown = LIMIT;

  function words(query) {
    return query.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function escapeRe(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  var START = "(?<![\\p{L}\\p{N}_])";  // a word starts here: no letter, digit or _ before it

  function starts(word) { return new RegExp(START + escapeRe(word), "u"); }

  function marked(text, re) {
    var span = document.createElement("span");
    var last = 0;
    text.replace(re, function (match, offset) {
      if (offset > last) { span.appendChild(document.createTextNode(text.slice(last, offset))); }
      var mark = document.createElement("mark");
      mark.textContent = match;
      span.appendChild(mark);
      last = offset + match.length;
      return match;
    });
    if (last < text.length) { span.appendChild(document.createTextNode(text.slice(last))); }
    return span;
  }

  function clip(text, max) { return text.length > max ? text.slice(0, max - 1) + "\u2026" : text; }

  function result(entry, tests, re) {
    var lines = entry[4].split("\n");
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = "days/" + entry[0] + ".html#L" + entry[1];
    link.textContent = entry[0] + (entry[2] ? " " + entry[2] : "");
    li.appendChild(link);
    li.appendChild(document.createTextNode(" "));
    var kind = document.createElement("span");
    kind.className = "kind k-" + entry[3];
    kind.textContent = entry[3];
    li.appendChild(kind);
    var snippet = marked(clip(lines[0], 240), re);
    snippet.className = "snippet";
    li.appendChild(snippet);
    var first = lines[0].toLowerCase();
    for (var i = 1; i < lines.length; i++) {
      var lower = lines[i].toLowerCase();
      var adds = tests.some(function (t) { return !t.test(first) && t.test(lower); });
      if (adds) {
        var later = marked(clip(lines[i].trim(), 200), re);
        later.className = "later";
        li.appendChild(later);
        break;
      }
    }
    return li;
  }

  function run(query) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    more.hidden = true;
    var ws = words(query);
    if (ws.length === 0) {
      status.textContent = data.length + " entries. Type words: an entry matches when it holds all of them.";
      return;
    }
    if (hay === null) {
      hay = data.map(function (e) { return (e[3] + " " + e[4]).toLowerCase(); });
    }
    var tests = ws.map(starts);
    var found = [];
    for (var i = data.length - 1; i >= 0; i--) {
      var h = hay[i];
      var ok = true;
      for (var j = 0; j < ws.length; j++) {
        if (h.indexOf(ws[j]) < 0 || !tests[j].test(h)) { ok = false; break; }
      }
      if (ok) { found.push(data[i]); }
    }
    var re = new RegExp(START + "(?:" + ws.map(escapeRe).join("|") + ")", "giu");
    var count = Math.min(found.length, shown);
    for (var k = 0; k < count; k++) { list.appendChild(result(found[k], tests, re)); }
    status.textContent = found.length === 0 ? "No entries match." :
      (found.length === 1 ? "1 entry matches." : found.length + " entries match, newest first.");
    if (found.length > count) {
      more.hidden = false;
      more.textContent = "Show all " + found.length;
    }
  }

  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  run(input.value);
  input.addEventListener("input", function () {
    shown = LIMIT;
    run(input.value);
    try {
      window.history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    } catch (e) { /* some browsers refuse to change a file:// address; the search still works */ }
  });
  more.addEventListener("click", function () { shown = Infinity; run(input.value); });
})();
