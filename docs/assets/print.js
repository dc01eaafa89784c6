/* Print choices for playbook pages and print packs (issue 4). Vanilla JS; without it a page still
   prints as a clean checklist (print.css), with the boxes as they are on screen.
   Classes on <html> tell print.css what to put on paper; the buttons set them just before
   window.print() and remove them after, and `playbook pdf` sets them before it prints:
     pb-print-blank     every box empty, whatever was ticked
     pb-print-progress  the ticks saved in this browser, with the day each was ticked and its note
     pb-print-details   each item's "why it matters", "how to check" and framework references
   Without pb-print-blank the boxes show what the checklist shows: checklist.js keeps every box equal
   to the saved state. Dates and notes are read here from the keys checklist.js writes:
   "genai-playbook:v1:<playbook-id>/<item-id>" -> {"done": bool, "time": ISO date, "note": text}. */
(function () {
  "use strict";
  var PREFIX = "genai-playbook:v1:", root = document.documentElement, chosen = [];

  function saved(li) { // the item's own entry first, then those of the ids it replaces
    var ids = [li.getAttribute("data-item-id")].concat((li.getAttribute("data-replaces") || "").split(/\s+/)), i, s;
    for (i = 0; i < ids.length; i++) {
      try {
        s = ids[i] ? JSON.parse(window.localStorage.getItem(PREFIX + ids[i]) || "null") : null;
        if (s && typeof s.done == "boolean") return s;
      } catch (e) { /* blocked or unreadable: nothing saved */ }
    }
    return null;
  }
  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function each(sel, fn, scope) { [].forEach.call((scope || document).querySelectorAll(sel), fn); }
  function day(d) {
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function address(rel) { // the public address: the canonical URL when the site declares one
    var canonical = document.querySelector('link[rel="canonical"]');
    try { return new URL(rel || "", canonical ? canonical.href : location.href).href.split("#")[0]; } catch (e) {
      return location.href.split("#")[0];
    }
  }

  function prepare() { // before every print: our buttons, the browser's own Print, `playbook pdf`
    var blank = root.classList.contains("pb-print-blank"), asked = root.classList.contains("pb-print-progress");
    each(".pb-print-only", function (e) { e.remove(); });
    each(".pb-print-foot__source", function (p) {
      p.textContent = "Printed " + day(new Date()) + " from " + address(p.parentNode.getAttribute("data-url"));
    });
    if (blank) return;
    var groups = new Map(); // a playbook's list, or the plan's lists of every stage together
    each("ol.pb-checklist", function (ol) {
      var key = ol.closest("[data-pb-plan-list]") || ol, g = groups.get(key);
      if (!g) groups.set(key, g = { all: 0, done: 0, must: 0, mustDone: 0 });
      each("li[data-item-id]:not(.pb-plan-out)", function (li) { // not the items the plan page leaves out
        if (key !== ol && li.hidden) return; // the plan prints what its filters show
        var cb = li.querySelector("input.pb-item__check"), s = saved(li), ticked = !!(cb && cb.checked), bits = [];
        g.all++;
        g.done += ticked;
        if (li.getAttribute("data-level") == "must") { g.must++; g.mustDone += ticked; }
        if (ticked && s && s.done && s.time) bits.push("Done " + String(s.time).slice(0, 10));
        if (s && typeof s.note == "string" && s.note.trim()) bits.push("Note: " + s.note.trim().slice(0, 500));
        if (bits.length) li.append(h("p", "pb-print-only pb-print-done", bits.join(". ")));
      }, ol);
    });
    groups.forEach(function (g, key) {
      if (!asked && !g.done) return;
      key.before(h("p", "pb-print-only pb-print-summary", "Progress saved in this browser: " + g.done + " of " + g.all +
        " done" + (g.must ? "; must items: " + g.mustDone + " of " + g.must : "") + "."));
    });
  }

  function clear() {
    chosen.forEach(function (c) { root.classList.remove(c); });
    chosen = [];
  }
  function printAs(classes) {
    clear();
    chosen = classes;
    classes.forEach(function (c) { root.classList.add(c); });
    try { window.print(); } finally { clear(); }
  }

  function controls(box) {
    var details = h("input"), label = h("label"), plan = !!box.closest("[data-pb-plan-root]");
    if (box.pbPrint) return;
    box.pbPrint = 1;
    details.type = "checkbox";
    label.append(details, " With details (why it matters, how to check)");
    if (plan) label.hidden = true; // the plan prints its compact rows; each playbook page prints the details
    function button(text, mode) {
      var b = h("button", "pb-btn", text);
      b.type = "button";
      b.onclick = function () { printAs(["pb-print-" + mode].concat(details.checked ? ["pb-print-details"] : [])); };
      return b;
    }
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Print");
    box.append(h("span", "pb-print-controls__label", "Print"), button("Print blank", "blank"),
      button("Print with my progress", "progress"), label);
    box.hidden = false;
  }

  // -- print packs: each playbook's checklist, taken from the playbook's own page ----------------
  // A pack holds, per playbook, a place `[data-pb-src]` naming that page. Its list is fetched,
  // its element ids get the playbook id as a prefix (so two playbooks never share one), its links
  // are made to work from here, and checklist.js is asked to bind it ("pb:checklists"). The print
  // choices appear once every section is in; `playbook pdf` waits for `data-pb-state` on each.
  var MAX_FETCHES = 6;
  function adopt(place, doc) {
    var section = place.closest("[data-playbook-id]"), pid = section ? section.getAttribute("data-playbook-id") : "",
      ol = pid && doc.querySelector('ol.pb-checklist[data-playbook-id="' + CSS.escape(pid) + '"]'), list;
    if (!ol) throw new Error(place.getAttribute("data-pb-src") + " holds no checklist for " + pid);
    list = document.importNode(ol, true); // its links already lead to where they did (pages.js)
    each("[id]", function (e) { e.id = pid + "--" + e.id; }, list);
    each("[for]", function (e) { e.htmlFor = pid + "--" + e.htmlFor; }, list);
    each("[aria-describedby], [aria-labelledby]", function (e) {
      ["aria-describedby", "aria-labelledby"].forEach(function (name) {
        var v = e.getAttribute(name);
        if (v) e.setAttribute(name, v.split(/\s+/).map(function (x) { return pid + "--" + x; }).join(" "));
      });
    }, list);
    place.textContent = "";
    place.append(list);
  }
  function assemble(places) {
    var queue = places.slice(), pending = places.length, failed = 0;
    return new Promise(function (resolve) {
      function next() {
        var place = queue.shift();
        if (!place) return;
        window.pbPages.load(place.getAttribute("data-pb-src")).then(function (doc) {
          adopt(place, doc);
          place.setAttribute("data-pb-state", "ready");
        }).catch(function (e) {
          failed++;
          place.setAttribute("data-pb-state", "failed");
          var p = place.querySelector(".pb-pack__wait");
          if (p) p.prepend("This checklist could not be loaded here. ");
          if (window.console) console.warn("checklist: print pack:", e); // a network failure, said on the page
        }).then(function () {
          if (--pending) return next();
          resolve(failed);
        });
      }
      for (var i = 0; i < Math.min(MAX_FETCHES, places.length); i++) next();
    });
  }

  function run() {
    try {
      var places = [].filter.call(document.querySelectorAll("[data-pb-src]"), function (p) {
        return !p.hasAttribute("data-pb-state");
      });
      if (!places.length) return each("[data-pb-print]", controls);
      places.forEach(function (p) { p.setAttribute("aria-busy", "true"); });
      assemble(places).then(function () {
        places.forEach(function (p) { p.removeAttribute("aria-busy"); });
        document.dispatchEvent(new CustomEvent("pb:checklists"));
        each("[data-pb-print]", controls);
        var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
        if (target) target.scrollIntoView(); // the section asked for has moved while the lists came in
      });
    } catch (e) { if (window.console) console.error("checklist: print:", e); }
  }
  window.addEventListener("beforeprint", function () {
    try { prepare(); } catch (e) { if (window.console) console.error("checklist: print:", e); }
  });
  window.addEventListener("afterprint", clear);
  if (window.document$ && typeof window.document$.subscribe == "function") window.document$.subscribe(run);
  else if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
