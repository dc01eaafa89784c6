/* "Plan my review" (issue 9): the questionnaire of the plan page. Vanilla JS, no dependencies.
   The page lists every item of the library; each <li> carries its condition, computed by the
   package (playbook/plan.py, the same rule as `playbook plan`):
     data-applies-when="a b;c"  the product has a or b, and has c (groups split by ";")
     data-skip-when="d e"       the product has neither d nor e
   This script evaluates that rule for the answers given and hides what does not apply. Answers live
   in the URL (?traits=a,b&product=Name, so a link shares them) and in localStorage under
   "genai-playbook-plan:v1". Ticks and notes are checklist.js's: it binds the lists (data-pb-plan)
   and saves under "genai-playbook:v1:<playbook-id>/<item-id>" as everywhere on the site; this
   script only reads those entries, for its counts and the review record it exports. */
(function () {
  "use strict";
  var PREFIX = "genai-playbook:v1:", ANSWERS = "genai-playbook-plan:v1", FORMAT = "genai-playbook-review",
    TRAIT = /^[a-z0-9]+(-[a-z0-9]+)*$/, P = null; // P: the plan page on screen, once bound

  function store() { try { return window.localStorage; } catch (e) { return null; } }
  function readJSON(key) {
    try {
      var raw = store().getItem(key);
      return raw && raw.length < 10000 ? JSON.parse(raw) : null;
    } catch (e) { return null; }
  }
  function saved(it) { // the item's own entry first, then those of the ids it replaces
    for (var i = 0, s; i < it.alts.length; i++) {
      s = readJSON(PREFIX + it.alts[i]);
      if (s && typeof s == "object" && typeof s.done == "boolean") {
        return { done: s.done, time: typeof s.time == "string" ? s.time.slice(0, 40) : "",
          note: typeof s.note == "string" ? s.note.slice(0, 500) : "" };
      }
    }
    return { done: false, time: "", note: "" };
  }
  function words(text, sep) { return (text || "").split(sep).map(function (x) { return x.trim(); }).filter(Boolean); }
  function text(el) { return el ? el.textContent.replace(/\s+/g, " ").trim() : ""; }
  function set(el, value) { if (el && el.textContent !== value) el.textContent = value; }
  function plural(n, word) { return n + " " + word + (n == 1 ? "" : "s"); }
  function h(tag, props, kids) {
    var e = document.createElement(tag), k;
    for (k in props || {}) e[k] = props[k];
    (kids || []).forEach(function (c) { e.append(c); });
    return e;
  }
  function download(name, type, body) { // a detached link: Material's instant navigation never sees the click
    var a = h("a", { download: name, href: URL.createObjectURL(new Blob([body], { type: type })) });
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
  }

  // -- the rule (playbook.plan.Condition.holds) -------------------------------------------------
  function holds(it, has) {
    return it.groups.every(function (g) { return g.some(function (t) { return has[t]; }); }) &&
      !it.skip.some(function (t) { return has[t]; });
  }

  // -- answers: URL first (a shared link), then this browser's last answers ---------------------
  function initial(known) {
    var q = new URLSearchParams(location.search), a = null;
    if (q.has("traits")) a = { traits: words(q.get("traits"), ","), product: q.get("product") || "", shared: 1 };
    else a = readJSON(ANSWERS);
    if (!a || typeof a != "object" || !Array.isArray(a.traits)) a = { traits: [], product: "" };
    return { traits: a.traits.filter(function (t) { return typeof t == "string" && known[t]; }),
      product: typeof a.product == "string" ? a.product.slice(0, 120) : "", shared: !!a.shared };
  }
  function query(a) { // readable: trait ids need no escaping
    return "?traits=" + a.traits.join(",") + (a.product ? "&product=" + encodeURIComponent(a.product) : "");
  }

  function bind(form) {
    var root = document.querySelector("[data-pb-plan-root]"), known = {}, start;
    if (!root) return null;
    P = { form: form, root: root, version: form.getAttribute("data-site-version") || "",
      boxes: [].slice.call(form.querySelectorAll('input[type=checkbox][name="trait"]')),
      product: form.querySelector('input[name="product"]'),
      total: root.querySelector("[data-pb-plan-total]"), said: root.querySelector("[data-pb-plan-answers]"),
      items: [], groups: [] };
    P.boxes.forEach(function (b) { if (TRAIT.test(b.value)) known[b.value] = 1; });
    [].forEach.call(root.querySelectorAll("ol[data-pb-plan] > li[data-item-id]"), function (li) {
      var from = li.querySelector("a.pb-item__from");
      li.pbPlan = { li: li, id: li.getAttribute("data-item-id"), level: li.getAttribute("data-level") || "",
        owner: li.getAttribute("data-owner") || "", stage: li.getAttribute("data-stage") || "",
        groups: words(li.getAttribute("data-applies-when"), ";").map(function (g) { return words(g, " "); }),
        skip: words(li.getAttribute("data-skip-when"), " "),
        alts: [li.getAttribute("data-item-id")].concat(words(li.getAttribute("data-replaces"), " ")),
        text: text(li.querySelector(".pb-item__title")), title: text(from), url: from ? from.href : "" };
      P.items.push(li.pbPlan);
    });
    [].forEach.call(root.querySelectorAll("[data-pb-plan-group]"), function (el) {
      P.groups.push({ el: el, title: el.getAttribute("data-title") || "", count: el.querySelector("[data-pb-plan-count]"),
        owner: el.classList.contains("pb-plan__owner"),
        items: [].map.call(el.querySelectorAll("li[data-item-id]"), function (li) { return li.pbPlan; }) });
    });
    start = initial(known);
    P.boxes.forEach(function (b) { b.checked = start.traits.indexOf(b.value) >= 0; });
    if (P.product) P.product.value = start.product;
    form.addEventListener("change", changed);
    form.addEventListener("input", changed);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    root.addEventListener("change", function (e) { // a tick: checklist.js saved it already (its listener is on the box)
      if (e.target && e.target.classList && e.target.classList.contains("pb-item__check")) count();
    });
    tools();
    form.pbPlan = P;
    if (start.shared) changed(); else apply(false); // answers from a link become this browser's answers
    return P;
  }

  function answers() {
    return { traits: P.boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }),
      product: P.product ? P.product.value.trim().slice(0, 120) : "" };
  }
  function changed() {
    var a = answers();
    try { store().setItem(ANSWERS, JSON.stringify(a)); } catch (e) { /* the URL still keeps them */ }
    apply(true);
  }
  function apply(remember) {
    var a = answers(), has = {};
    a.traits.forEach(function (t) { has[t] = 1; });
    if (remember || new URLSearchParams(location.search).has("traits") || a.traits.length || a.product) {
      try { history.replaceState(history.state, "", location.pathname + query(a) + location.hash); } catch (e) { /* keep the URL */ }
    }
    P.items.forEach(function (it) {
      it.on = holds(it, has);
      it.li.hidden = !it.on;
      it.li.classList.toggle("pb-plan-out", !it.on);
    });
    set(P.said, "Product: " + (a.product || "(no name given)") + ". Answered yes: " +
      (a.traits.length ? a.traits.join(", ") : "none") + ".");
    count();
  }

  // -- counts: per group and in total, must items and progress ----------------------------------
  function tally(its) {
    var on = its.filter(function (it) { return it.on; }), must = on.filter(function (it) { return it.level == "must"; });
    on.forEach(function (it) { it.state = saved(it); });
    return { on: on, must: must, done: on.filter(function (it) { return it.state.done; }).length,
      mustDone: must.filter(function (it) { return it.state.done; }).length };
  }
  function count() {
    var t = tally(P.items), books = {};
    P.groups.forEach(function (g) {
      var n = tally(g.items);
      g.el.hidden = !n.on.length;
      set(g.count, "(" + plural(n.on.length, "item") + ", " + n.must.length + " must" +
        (n.done ? "; " + n.done + " done" : "") + ")");
    });
    t.on.forEach(function (it) { books[it.id.split("/")[0]] = 1; });
    P.tally = t;
    P.books = Object.keys(books).length;
    set(P.total, plural(t.on.length, "item") + " from " + plural(P.books, "playbook") + " apply to this product, " +
      t.must.length + " of them must items. Done: " + t.done + " of " + t.on.length + "; must items: " +
      t.mustDone + " of " + t.must.length + ".");
  }

  // -- the review record ------------------------------------------------------------------------
  function record() {
    var a = answers(), t;
    count();
    t = P.tally;
    return {
      format: FORMAT, version: 1, site_version: P.version, created: new Date().toISOString(),
      page: location.href.split("#")[0], product: a.product, traits: a.traits,
      answers: P.boxes.map(function (b) {
        return { id: b.value, question: text(P.form.querySelector('label[for="' + b.id + '"]')), answer: b.checked };
      }),
      counts: { items: t.on.length, must: t.must.length, playbooks: P.books, done: t.done, must_done: t.mustDone },
      items: t.on.map(function (it) {
        return { id: it.id, playbook_id: it.id.split("/")[0], playbook_title: it.title, url: it.url, text: it.text,
          level: it.level || null, owner: it.owner || null, stage: it.stage || null, applies_when: it.groups,
          skip_when: it.skip, done: it.state.done, note: it.state.note, time: it.state.time };
      })
    };
  }
  function markdown(r) {
    var lines = ["# Review record: " + (r.product || "unnamed product"), "",
      "- Date: " + r.created.slice(0, 10), "- Site version: " + r.site_version, "- Plan: " + r.page,
      "- Progress: " + r.counts.done + " of " + r.counts.items + " items done; must items: " + r.counts.must_done +
        " of " + r.counts.must + " done", "", "## Product answers", ""], stage = null, owner = null;
    r.answers.forEach(function (x) { lines.push("- " + (x.answer ? "Yes" : "No") + ": " + x.question + " (`" + x.id + "`)"); });
    P.groups.forEach(function (g) { // the page's own grouping: stage sections, owner sections inside
      var its = g.items.filter(function (it) { return it.on; }), must = its.filter(function (it) { return it.level == "must"; });
      if (!its.length) return;
      lines.push("", (g.owner ? "### " : "## ") + g.title + ": " + plural(its.length, "item") + ", " + must.length + " must");
      if (!g.owner) return;
      lines.push("");
      its.forEach(function (it) {
        var s = it.state;
        lines.push("- [" + (s.done ? "x" : " ") + "] " + it.text + " (`" + it.id + "`)" + (it.level ? " **" + it.level + "**" : "") +
          ": " + (s.done ? "done" + (s.time ? " " + s.time.slice(0, 10) : "") : "not done"));
        if (s.note) lines.push("  - Note: " + s.note.replace(/\s+/g, " "));
      });
    });
    return lines.join("\n") + "\n";
  }
  function tools() {
    var box = P.root.querySelector("[data-pb-plan-actions]"), day = function () { return new Date().toISOString().slice(0, 10); };
    if (!box) return;
    box.append(
      h("button", { type: "button", className: "pb-btn", textContent: "Download record (Markdown)", onclick: function () {
        var r = record();
        download("review-record-" + day() + ".md", "text/markdown", markdown(r));
      } }),
      h("button", { type: "button", className: "pb-btn", textContent: "Download record (JSON)", onclick: function () {
        download("review-record-" + day() + ".json", "application/json", JSON.stringify(record(), null, 2) + "\n");
      } }),
      h("button", { type: "button", className: "pb-btn", textContent: "Clear answers", onclick: function () {
        P.boxes.forEach(function (b) { b.checked = false; });
        changed();
      } }));
    box.hidden = false;
  }

  function run() { // once per page view
    try {
      var form = document.querySelector("form[data-pb-plan-form]");
      P = form ? form.pbPlan || bind(form) : null;
    } catch (e) {
      P = null;
      if (window.console) console.error("checklist: plan:", e); // the page stays a full list
    }
  }
  window.addEventListener("storage", function (e) { // another tab ticked something
    if (P && document.contains(P.form) && (!e.key || e.key.indexOf(PREFIX) === 0)) try { count(); } catch (x) { /* ignore */ }
  });
  if (window.document$ && typeof window.document$.subscribe == "function") window.document$.subscribe(run);
  else if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
