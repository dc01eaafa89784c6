/* Interactive checklists (issue 3): vanilla JS, no dependencies, no build step.
   Progress lives in localStorage under "genai-playbook:v1:<playbook-id>/<item-id>" as
   {"done": true|false, "time": ISO date, "note": text}. Keys are the stable item ids, so ticks
   survive rebuilds and edits to other items; `data-replaces` carries ticks over from old ids.
   Every control is made here: without JavaScript the page is a plain, complete checklist. */
(function () {
  "use strict";
  // Data (ids, attribute values) is only ever a key of a Map or Set: never of a plain object, where
  // "__proto__" or "constructor" would hit the prototype.
  var PREFIX = "genai-playbook:v1:", FORMAT = "genai-playbook-progress", MAX = 4000, NOTE = 500, IDMAX = 129,
    ID = /^[a-z0-9]+(-[a-z0-9]+)*\/[a-z0-9]+(-[a-z0-9]+)*$/,
    memory = { // stands in for localStorage where a browser refuses it (private mode, blocked)
      d: new Map(), getItem: function (k) { return this.d.has(k) ? this.d.get(k) : null; },
      setItem: function (k, v) { this.d.set(k, String(v)); }, removeItem: function (k) { this.d.delete(k); },
      key: function (i) { return Array.from(this.d.keys())[i]; }, get length() { return this.d.size; }
    },
    store = memory, lists = [], rows = [];

  try {
    store = window.localStorage;
    store.setItem(PREFIX, "1");
    store.removeItem(PREFIX);
  } catch (e) { store = memory; }

  // -- storage: every access guarded; unreadable, foreign or oversized values count as absent --
  function isId(x) { // a global item id, and a string: RegExp.test() would read ["a/b"] as "a/b"
    return typeof x == "string" && x.length <= IDMAX && ID.test(x);
  }
  function clean(o) {
    return o && typeof o == "object" && typeof o.done == "boolean" ? {
      done: o.done, time: typeof o.time == "string" ? o.time.slice(0, 40) : "",
      note: typeof o.note == "string" ? o.note.slice(0, NOTE) : ""
    } : null;
  }
  function read(id) {
    try {
      var raw = store.getItem(PREFIX + id);
      return typeof raw == "string" && raw.length <= MAX ? clean(JSON.parse(raw)) : null;
    } catch (e) { return null; }
  }
  function write(id, s) {
    var v = { done: s.done, time: s.time };
    if (s.note) v.note = s.note;
    try { store.setItem(PREFIX + id, JSON.stringify(v)); return 1; } catch (e) { return 0; }
  }
  function keys(prefix) { // saved ids starting with prefix
    var out = [], i, k;
    try {
      for (i = 0; i < store.length; i++) {
        k = store.key(i);
        if (k && k.indexOf(PREFIX + prefix) === 0) out.push(k.slice(PREFIX.length));
      }
    } catch (e) { /* nothing readable */ }
    return out;
  }
  function drop(id) { try { store.removeItem(PREFIX + id); } catch (e) { /* ignore */ } }
  function remove(prefix) { keys(prefix).forEach(drop); }
  function state(alts) { // an item's own entry first, then those of the ids it replaces
    for (var i = 0, s; i < alts.length; i++) if ((s = read(alts[i]))) return s;
    return null;
  }
  function isDone(alts) { var s = state(alts); return !!(s && s.done); }
  function done(its) { return its.filter(function (it) { return it.done; }).length; }

  // -- DOM helpers ------------------------------------------------------------------------------
  function h(tag, props, kids) {
    var e = document.createElement(tag), k;
    for (k in props || {}) if (k in e) e[k] = props[k]; else e.setAttribute(k, props[k]);
    (kids || []).forEach(function (c) { if (c) e.append(c); });
    return e;
  }
  function button(text, fn, cls) {
    return h("button", { type: "button", className: "pb-btn" + (cls ? " " + cls : ""), textContent: text, onclick: fn });
  }
  function set(el, text) { if (el.textContent !== text) el.textContent = text; }
  function say(L, text) { if (L.msg) L.msg.textContent = text; else announce(text); } // lists without a toolbar
  function all(sel) { return [].slice.call(document.querySelectorAll(sel)); }
  function now() { return new Date().toISOString(); }
  function page() { return location.href.split(/[?#]/)[0]; }
  function download(name, type, text) { // a detached link: Material's instant navigation never sees the click
    var a = h("a", { download: name, href: URL.createObjectURL(new Blob([text], { type: type })) });
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
  }

  // -- one checklist --------------------------------------------------------------------------
  function save(it) {
    if (!write(it.id, { done: it.cb.checked, time: now(), note: it.area.value.slice(0, NOTE) })) {
      say(it.L, "Could not save: this browser's storage is full or blocked.");
    }
    refresh();
  }

  function bind(ol) {
    var pid = ol.getAttribute("data-playbook-id"),
      L = { ol: ol, pid: pid, title: ol.getAttribute("data-playbook-title") || pid, items: [] };
    [].forEach.call(ol.querySelectorAll("li[data-item-id]"), function (li) {
      var id = li.getAttribute("data-item-id"), cb = li.querySelector("input.pb-item__check"),
        title = li.querySelector(".pb-item__title"), old = (li.getAttribute("data-replaces") || "").split(/\s+/), it, s;
      if (!isId(id) || !cb) return;
      it = { L: L, li: li, id: id, cb: cb, level: li.getAttribute("data-level"),
        text: (title || li).textContent.replace(/\s+/g, " ").trim(), alts: [id].concat(old.filter(isId)) };
      s = state(it.alts);
      it.area = h("textarea", { className: "pb-note__text", maxLength: NOTE, rows: 2, hidden: !(s && s.note),
        "aria-label": "Note on: " + it.text, oninput: function () { save(it); } });
      it.btn = button("", function () {
        it.area.hidden = !it.area.hidden;
        refresh();
        if (!it.area.hidden) it.area.focus();
      });
      li.append(h("div", { className: "pb-note" }, [it.btn, copyLink(it), it.area]));
      cb.addEventListener("change", function () { save(it); });
      L.items.push(it);
    });
    if (!L.items.length) return;
    L.must = L.items.filter(function (it) { return it.level == "must"; });
    // Lists of many playbooks (the plan page, data-pb-plan; a print pack's sections, under its one set
    // of print controls) get ticks and notes only.
    if (pid && !ol.closest(".pb-pack__playbook")) tools(L);
    lists.push(L);
    ol.pbList = L;
  }

  function tools(L) {
    var filters = h("div", { className: "pb-filters", role: "group", "aria-label": "Filter items" }), selects = [],
      hide = h("input", { type: "checkbox", onchange: function () { L.filter(); } }),
      progress = h("div", { className: "pb-progress", role: "status" });
    L.t1 = h("span");
    L.bar = h("progress", { max: L.items.length, value: 0, "aria-label": "Items done" });
    progress.append(L.t1, L.bar);
    if (L.must.length) {
      L.t2 = h("span");
      L.mbar = h("progress", { max: L.must.length, value: 0, "aria-label": "Must items done" });
      progress.append(L.t2, L.mbar);
    }
    ["level", "owner", "stage"].forEach(function (k) {
      var seen = new Set(), opts = [h("option", { value: "", textContent: "All" })], sel;
      L.items.forEach(function (it) {
        var v = it.li.getAttribute("data-" + k), q = it.li.querySelector(k == "level" ? ".pb-badge" : ".pb-item__" + k);
        if (v && !seen.has(v)) {
          seen.add(v);
          opts.push(h("option", { value: v, textContent: q ? q.textContent.replace(/^[^:]*:\s*/, "") : v }));
        }
      });
      if (opts.length < 3) return; // one value only: nothing to choose
      sel = h("select", { "data-filter": k, onchange: function () { L.filter(); } }, opts);
      selects.push(sel);
      filters.append(h("label", {}, [k.charAt(0).toUpperCase() + k.slice(1) + " ", sel]));
    });
    L.shown = h("span", { className: "pb-shown" });
    filters.append(h("label", {}, [hide, " Hide done"]), L.shown);
    L.filter = function () { // only hides items; saved progress is never touched
      var n = 0;
      L.items.forEach(function (it) {
        var show = !(hide.checked && it.done) && selects.every(function (s) {
          return !s.value || it.li.getAttribute("data-" + s.getAttribute("data-filter")) == s.value;
        });
        it.li.hidden = !show;
        n += show;
      });
      set(L.shown, n < L.items.length ? "Showing " + n + " of " + L.items.length + " items" : "");
    };
    L.link = h("input", { type: "text", readOnly: true, hidden: true, className: "pb-link",
      "aria-label": "Link to my ticks" });
    L.msg = h("p", { className: "pb-msg", role: "status" });
    L.ol.before(h("div", { className: "pb-tools" }, [progress, filters, menu(L), L.link, L.msg]));
    if (store === memory) say(L, "This browser does not let the page save progress: ticks last only until you leave.");
  }

  // Everything but progress and filters, in one native disclosure: keyboard, screen readers and a
  // page without JavaScript (which never sees it) work as they do for any <details>. It closes on
  // Escape and after any of its buttons has done its work; the messages go to L.msg, outside it.
  function menu(L) {
    var file = h("input", { type: "file", accept: ".json,.yaml,.yml,application/json,application/yaml", hidden: true }),
      summary = h("summary", { textContent: "Save, load, share or print" }),
      panel = h("div", { className: "pb-menu__panel" }), d = h("details", { className: "pb-menu" }, [summary, panel]);
    function group(legend, kids, cls) {
      return h("fieldset", { className: "pb-menu__group" + (cls ? " " + cls : "") },
        [h("legend", { textContent: legend })].concat(kids));
    }
    function close() {
      var inside = d.contains(document.activeElement) || document.activeElement === document.body;
      d.open = false;
      if (inside) summary.focus(); // never strand focus in a closed panel; the share field keeps it
    }
    file.onchange = function () {
      if (file.files && file.files[0]) load(L, file.files[0], L.replace);
      file.value = "";
    };
    [
      group("Save and share", [
        button("Save my progress to a file", function () {
          download(L.pid + "-progress.json", "application/json", JSON.stringify(exported(L), null, 2) + "\n");
        }),
        button("Copy a link to my ticks", function () { share(L); }),
        button("Download as a Markdown checklist", function () {
          download(L.pid + "-checklist.md", "text/markdown", markdown(L));
        }),
        button("Download a review file", function () {
          download(L.pid + "-review.yaml", "application/yaml", reviewFile(L));
        })
      ]),
      group("Load progress from a file", [
        h("p", { className: "pb-menu__hint", textContent: "A file saved with “Save my progress to a file”, or a " +
          "review file. Adding keeps whichever of each tick is newer; replacing makes this playbook match the file." }),
        h("div", { className: "pb-menu__row" }, [
          button("Load and add to my ticks…", function () { L.replace = false; file.click(); }),
          button("Load and replace my ticks…", function () { L.replace = true; file.click(); })
        ]),
        file
      ]),
      printing(L.ol),
      group("Clear saved progress", [
        button("Clear my ticks and notes for this playbook…", function () { clear(L, L.pid + "/"); }, "pb-btn--danger"),
        button("Clear my ticks and notes for every playbook…", function () { clear(L, ""); }, "pb-btn--danger")
      ], "pb-menu__group--danger")
    ].forEach(function (e) { if (e) panel.append(e); });
    panel.addEventListener("click", function (e) { // after the action has run (a dialog, a file chooser)
      if (e.target.closest && e.target.closest("button")) close();
    });
    d.addEventListener("keydown", function (e) {
      if (e.key == "Escape" && d.open) { e.preventDefault(); e.stopPropagation(); close(); }
    });
    return d;
  }
  function printing(ol) { // the page's print choices and PDF (print.js fills them), moved into the menu
    var found = [], e;
    for (e = ol.previousElementSibling; e && !/^H[1-6]$/.test(e.tagName); e = e.previousElementSibling) {
      if (e.matches("[data-pb-print], .pb-downloads")) found.unshift(e);
    }
    return found.length ? h("div", { className: "pb-menu__print" }, found) : null;
  }

  // -- an item's address: its '#' link (for readers without JavaScript) becomes a copy button ------
  function copyLink(it) {
    var a = it.li.querySelector("a.pb-item__link"), b, field;
    if (!a) return null;
    b = button("Copy link", function () {
      var url = new URL(a.getAttribute("href"), location.href);
      url.search = ""; // the item's address, not this visit's query (a shared link, say)
      try {
        navigator.clipboard.writeText(url.href).then(copied, function () { byHand(url.href); });
      } catch (e) { byHand(url.href); } // no clipboard API: an http:// site, an old browser
    }, "pb-item__copy");
    b.setAttribute("aria-label", "Copy link to: " + it.text); // the visible words first, then which item
    function copied() {
      if (field) field.hidden = true;
      set(b, "Link copied");
      announce("Link copied");
      clearTimeout(b.pbTimer);
      b.pbTimer = setTimeout(function () { set(b, "Copy link"); }, 3000);
    }
    function byHand(url) { // a read-only field holding the address, selected for Ctrl+C
      var ok = false;
      if (!field) {
        field = h("input", { type: "text", readOnly: true, className: "pb-link pb-item__url", "aria-label": "Link to: " + it.text });
        b.after(field);
      }
      field.value = url;
      field.hidden = false;
      field.focus();
      field.select();
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; } // the older way, where allowed
      if (ok) { copied(); b.focus(); } else announce("The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.");
    }
    a.remove();
    return b;
  }
  function announcer() { // the status region "Copy link" speaks through, once per page with item links
    if (document.querySelector("a.pb-item__link") && !document.querySelector(".pb-announce")) {
      (document.querySelector("main") || document.body).append(h("p", { className: "pb-announce", role: "status" }));
    }
  }
  function announce(text) { // one polite status region per page view, made empty in run()
    var box = document.querySelector(".pb-announce");
    if (!box) return;
    box.textContent = "";
    setTimeout(function () { box.textContent = text; }, 50); // the same words twice are announced twice
  }

  // -- clearing: say first what would be lost, then what was ----------------------------------
  function plural(n, word) { return n + " " + word + (n == 1 ? "" : "s"); }
  function clear(L, prefix) {
    var ids = keys(prefix), ticks = 0, notes = 0, books = new Set(), what;
    ids.forEach(function (id) {
      var s = read(id);
      if (!s) return;
      ticks += s.done;
      notes += !!s.note;
      if (s.done || s.note) books.add(id.split("/")[0]);
    });
    what = plural(ticks, "tick") + " and " + plural(notes, "note") +
      (prefix ? " for “" + L.title + "”" : " on " + plural(books.size, "playbook"));
    if (!ticks && !notes) {
      remove(prefix); // entries without a tick or a note: nothing anyone would miss
      refresh();
      return say(L, "Nothing to clear: no ticks or notes are saved in this browser" +
        (prefix ? " for “" + L.title + "”." : "."));
    }
    if (!confirm(prefix
      ? "Clear " + what + "?\n\nThey are saved only in this browser, so this cannot be undone unless you saved them " +
        "with “Save my progress to a file”. Other playbooks keep their ticks and notes."
      : "Clear every tick and note saved in this browser, for every playbook and not only this one: " + what +
        "?\n\nThis cannot be undone unless you saved each playbook with “Save my progress to a file”.")) {
      return say(L, "Nothing was cleared.");
    }
    remove(prefix);
    refresh();
    say(L, "Cleared " + what + (prefix ? "." : ": no ticks or notes are saved in this browser now."));
  }

  // -- export, import, share ------------------------------------------------------------------
  function counts(L) {
    return done(L.items) + " of " + L.items.length + " done" +
      (L.must.length ? "; must items: " + done(L.must) + " of " + L.must.length : "");
  }
  function exported(L) {
    var out = new Map(), items = [];
    L.items.forEach(function (it) { out.set(it.id, state(it.alts) || { done: false, time: "", note: "" }); });
    keys(L.pid + "/").forEach(function (k) { var s; if (!out.has(k) && isId(k) && (s = read(k))) out.set(k, s); });
    out.forEach(function (s, k) { items.push({ id: k, done: s.done, note: s.note, time: s.time }); });
    return { format: FORMAT, version: 1, siteVersion: L.ol.getAttribute("data-site-version"),
      exported: now(), page: page(), playbooks: [L.pid], items: items };
  }
  function markdown(L) {
    return "## " + L.title + "\n\n" + counts(L) + " (exported " + now().slice(0, 10) + " from " + page() + ")\n\n" +
      L.items.map(function (it) {
        var s = state(it.alts);
        return "- [" + (it.done ? "x" : " ") + "] " + it.text + " (" + it.id + ")" +
          (s && s.note ? "\n  - Note: " + s.note.replace(/\s+/g, " ") : "");
      }).join("\n") + "\n";
  }
  function q(v) { return JSON.stringify(String(v)); } // a JSON string is a YAML scalar: nothing in it is read as YAML
  function reviewFile(L) { // this playbook's progress as a review file (reviews/<id>.yaml); `playbook validate` checks it
    var day = now().slice(0, 10), lines = ["# yaml-language-server: $schema=../schemas/review.schema.json",
      "# Downloaded from " + page() + " on " + day + ". Commit it to reviews/ and see `playbook review status`.",
      "id: " + L.pid + "-review", "product:", "  name: " + q("Review against " + L.title), "created: " + q(day),
      "library:", "  version: " + q(L.ol.getAttribute("data-site-version") || "unknown"), "answers: {}", "items:"];
    L.items.forEach(function (it) {
      var s = state(it.alts), seen = it.li.getAttribute("data-seen") || "";
      lines.push("  " + it.id + ":", "    status: " + (it.done ? "done" : "open"));
      if (/^[0-9a-f]{8}$/.test(seen)) lines.push("    seen: '" + seen + "'");
      if (it.done && s && /^\d{4}-\d{2}-\d{2}/.test(s.time)) lines.push("    done_on: " + q(s.time.slice(0, 10)));
      if (s && s.note) lines.push("    note: " + q(s.note));
    });
    return lines.join("\n") + "\n";
  }
  function fromReview(d) { // a review file (reviews/<id>.yaml) as the items of a progress file; apply() checks them
    var out = [];
    if (!d || typeof d != "object" || !d.items || typeof d.items != "object" || Array.isArray(d.items)) return null;
    Object.keys(d.items).forEach(function (k) {
      var e = d.items[k], note;
      if (!e || typeof e != "object" || typeof e.status != "string") { out.push(null); return; } // apply(): invalid
      note = typeof e.note == "string" ? e.note : "";
      if (e.status == "not-applicable" || e.status == "risk-accepted") {
        note = (e.status == "not-applicable" ? "Not applicable" : "Risk accepted") +
          (typeof e.reason == "string" ? ": " + e.reason : "") + (note ? " " + note : "");
      }
      out.push({ id: k, done: e.status == "done", note: note.slice(0, NOTE),
        time: typeof e.done_on == "string" ? e.done_on : now() });
    });
    return { format: FORMAT, items: out };
  }
  function load(L, file, replace) {
    var bad = "“" + file.name + "” is not a progress or review file of this site; nothing was changed.";
    if (file.size > 1e6) return say(L, bad);
    if (/\.ya?ml$/i.test(file.name)) { // a review file: its statuses for this playbook's items
      Promise.all([file.text(), yaml()]).then(function (got) {
        var d = null;
        try { d = fromReview(got[1].load(got[0], { schema: got[1].CORE_SCHEMA, json: true })); } catch (e) { d = null; }
        if (!d) return say(L, bad);
        apply(L, d, replace, file.name);
      }, function () { say(L, bad); });
      return;
    }
    file.text().then(function (text) {
      var d = null;
      try { d = JSON.parse(text); } catch (e) { /* reported below */ }
      if (!d || d.format !== FORMAT || !Array.isArray(d.items)) return say(L, bad);
      apply(L, d, replace, file.name);
    }, function () { say(L, bad); });
  }
  function apply(L, d, replace, name) { // merge (the newer entry wins) or replace this playbook's progress
    // Only the ids of this page's items (and the ids they replace) are read from a file: a file can
    // neither touch another playbook from here nor fill the storage with ids no page shows.
    var mine = new Set(), got = new Map(), other = 0, invalid = 0, n = 0, left;
    L.items.forEach(function (it) {
      it.alts.forEach(function (a) { if (a.indexOf(L.pid + "/") === 0) mine.add(a); });
    });
    d.items.forEach(function (x) {
      var s = x && typeof x == "object" && isId(x.id) && clean(x);
      if (!s) invalid++;
      else if (!mine.has(x.id)) other++;
      else if (!got.has(x.id) || s.time >= got.get(x.id).time) got.set(x.id, s); // the file's newer entry
    });
    left = [other ? other + " item(s) not on this page" : "", invalid ? invalid + " invalid item(s)" : ""]
      .filter(Boolean).join(" and ");
    left = left ? " Left out " + left + "." : "";
    if (!got.size) { // a replace too: a file with nothing for this page must not clear it
      say(L, "“" + name + "” has no progress for “" + L.title + "”; nothing was changed." + left);
      return;
    }
    if (replace) mine.forEach(drop); // restore: this page's items lose what they had here, and nothing else does
    got.forEach(function (s, id) {
      var old = read(id);
      if ((s.done || s.note || s.time) && (replace || !old || s.time >= old.time)) n += write(id, s);
    });
    refresh();
    say(L, (replace ? "Restored " : "Merged ") + n + " saved item(s) from “" + name + "”." + left);
  }
  function share(L) {
    var ids = L.items.filter(function (it) { return it.done; }).map(function (it) { return it.id.split("/")[1]; }),
      url = page() + "?progress=" + L.pid + "&done=" + ids.join("+");
    L.link.value = url;
    L.link.hidden = false;
    L.link.select();
    say(L, "Share this link: it opens this playbook with your ticks (notes stay in your browser).");
    try {
      navigator.clipboard.writeText(url).then(function () {
        say(L, "Link copied: it opens this playbook with your ticks (notes stay in your browser).");
      }, function () { /* the link is shown for copying by hand */ });
    } catch (e) { /* no clipboard */ }
  }
  function incoming() { // ?progress=<playbook-id>&done=<item-id>+<item-id>
    var q = new URLSearchParams(location.search), pid = q.get("progress"), want, L, change, rest, n;
    if (!pid || !q.has("done")) return;
    want = q.get("done").split(/[\s,]+/).filter(Boolean).map(function (x) { return pid + "/" + x; });
    q.delete("progress");
    q.delete("done");
    rest = q.toString();
    try {
      history.replaceState(history.state, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
    } catch (e) { /* keep the URL */ }
    L = lists.filter(function (l) { return l.pid == pid; })[0];
    if (!L) return;
    function wanted(it) { return it.alts.some(function (a) { return want.indexOf(a) >= 0; }); }
    n = L.items.filter(wanted).length;
    change = L.items.filter(function (it) { return wanted(it) != it.done; });
    if (!change.length) return say(L, "The shared link matches your saved progress.");
    if (!confirm("This link shares progress for “" + L.title + "”: " + n + " of " + L.items.length +
      " done. Replace your saved ticks for this playbook (" + counts(L) + ")?")) {
      return say(L, "Kept your saved progress; the shared link was not applied.");
    }
    change.forEach(function (it) { it.cb.checked = !it.done; save(it); });
    say(L, "Loaded the shared progress: " + counts(L) + ".");
  }

  // -- tables of playbooks: a progress cell per row ----------------------------------------------
  function bindTable(t) {
    var head = t.querySelector("thead tr");
    if (!head || t.pbRows) return;
    t.pbRows = [];
    head.append(h("th", { scope: "col", textContent: "Your progress" }));
    [].forEach.call(t.querySelectorAll("tbody tr[data-playbook-id]"), function (tr) {
      var pid = tr.getAttribute("data-playbook-id"), link = tr.querySelector("a"), r;
      function ids(attr) { // "a b,old-b c": one token per item, with the ids it replaces after commas
        return (tr.getAttribute(attr) || "").split(/\s+/).filter(Boolean)
          .map(function (tok) { return tok.split(",").map(function (x) { return pid + "/" + x; }); });
      }
      r = { all: ids("data-item-ids"), must: ids("data-must-ids"), text: h("span"),
        bar: h("progress", { max: 1, value: 0, "aria-label": "Progress of " + (link ? link.textContent : pid) }) };
      tr.append(h("td", { className: "pb-row-progress" }, r.all.length ? [r.text, r.bar] : []));
      t.pbRows.push(r);
    });
  }

  function refresh() {
    lists.forEach(function (L) {
      L.items.forEach(function (it) {
        var s = state(it.alts) || { done: false, note: "" };
        it.done = s.done;
        it.cb.checked = s.done;
        it.li.classList.toggle("pb-item--done", s.done);
        if (document.activeElement !== it.area) it.area.value = s.note;
        set(it.btn, it.area.hidden ? (it.area.value ? "Show note" : "Add note") : "Hide note");
        it.btn.setAttribute("aria-expanded", String(!it.area.hidden));
      });
      if (!L.bar) return;
      set(L.t1, (L.bar.value = done(L.items)) + " of " + L.items.length + " done");
      if (L.mbar) set(L.t2, "Must items: " + (L.mbar.value = done(L.must)) + " of " + L.must.length + " done");
      L.filter();
    });
    rows.forEach(function (r) {
      var d = r.all.filter(isDone).length, m = r.must.filter(isDone).length;
      set(r.text, d + " of " + r.all.length + " done" + (r.must.length ? "\nMust: " + m + " of " + r.must.length : ""));
      r.bar.max = r.all.length || 1;
      r.bar.value = d;
    });
  }

  function run() { // once per page view
    try {
      lists = [];
      rows = [];
      announcer();
      all("ol.pb-checklist[data-playbook-id], ol.pb-checklist[data-pb-plan]").forEach(function (ol) {
        if (ol.pbList) lists.push(ol.pbList); else bind(ol);
      });
      all("table[data-pb-table]").forEach(function (t) { bindTable(t); rows = rows.concat(t.pbRows || []); });
      refresh();
      incoming();
    } catch (e) {
      if (window.console) console.error("checklist:", e); // the page stays a plain checklist
    }
  }

  document.addEventListener("pb:checklists", function () { // lists put in after load: a print pack's (print.js)
    try {
      announcer();
      all("ol.pb-checklist[data-playbook-id]").forEach(function (ol) { if (!ol.pbList) bind(ol); });
      refresh();
    } catch (e) {
      if (window.console) console.error("checklist:", e);
    }
  });

  // The one store of saved progress, for plan.js: it builds its rows from data and saves ticks and
  // notes here, so a tick on the plan is the same saved progress as on the playbook's page.
  var HERE = (document.currentScript && document.currentScript.src) || "", yamlLoading = null;
  function yaml() { // js-yaml (vendored, MIT), loaded the first time someone opens a review file
    if (!yamlLoading) {
      yamlLoading = new Promise(function (resolve, reject) {
        if (window.jsyaml) return resolve(window.jsyaml);
        var s = document.createElement("script");
        s.src = HERE.replace(/checklist\.js(\?.*)?$/, "vendor/js-yaml-4.1.1.min.js");
        s.onload = function () { window.jsyaml ? resolve(window.jsyaml) : reject(new Error("js-yaml did not load")); };
        s.onerror = function () { yamlLoading = null; reject(new Error("js-yaml could not be loaded")); };
        document.head.append(s);
      });
    }
    return yamlLoading;
  }
  window.genaiProgress = {
    yaml: yaml, // -> Promise of js-yaml, for reading review files (reviews/<id>.yaml)
    state: state, // (ids: own id first, then the ids it replaces) -> {done, time, note} or null
    save: function (id, s) { var ok = write(id, { done: !!s.done, time: now(), note: String(s.note || "").slice(0, NOTE) }); refresh(); return !!ok; },
    durable: function () { return store !== memory; }
  };

  window.addEventListener("storage", function (e) { // another tab changed progress
    if (!e.key || e.key.indexOf(PREFIX) === 0) try { refresh(); } catch (x) { /* ignore */ }
  });
  if (window.document$ && typeof window.document$.subscribe == "function") window.document$.subscribe(run);
  else if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
