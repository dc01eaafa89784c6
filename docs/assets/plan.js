/* "Plan my review": the questionnaire and the plan built from it. Vanilla JS, no dependencies.
   The page holds the questions, the filters and the buttons. The items come from plan-items.json
   (written at build time by playbook/plan.py's page_data); an item's details are taken from its
   playbook's page (pages.js) when a reader first opens it. The rule is playbook/plan.py's, in three-valued logic (yes / no /
   unknown, where "not sure" and "not answered" are unknown): an item is in the plan unless the
   answers rule it out, and an item that depends on unknown answers says so. `playbook plan` and
   this page give the same list.
   Answers live in the URL (?traits=yes,ids&unsure=ids&open=ids&product=Name: every trait not named
   is "no", as with `playbook plan --trait ... --unsure ...`) and in localStorage under
   "genai-playbook-plan:v2". Everything that depends only on the answers (the radios, the follow-up
   questions, the answers list, the controls) is set as soon as the script runs, so the page does
   not move when the items arrive. Ticks and notes are saved through checklist.js
   (window.genaiProgress), under the same keys as on every playbook page. Data never becomes a
   plain-object key or markup. */
(function () {
  "use strict";
  var ANSWERS = "genai-playbook-plan:v2", OLD_ANSWERS = "genai-playbook-plan:v1", FORMAT = "genai-playbook-review",
    TRAIT = /^[a-z0-9]+(-[a-z0-9]+)*$/, YES = "yes", NO = "no", UNSURE = "not sure", OPEN = "not answered",
    RADIO = { yes: YES, no: NO, unsure: UNSURE }, CACHE = new Map(), P = null;

  // -- small helpers ------------------------------------------------------------------------------
  function store() { try { return window.localStorage; } catch (e) { return null; } }
  function readJSON(key) {
    try { var raw = store().getItem(key); return raw && raw.length < 20000 ? JSON.parse(raw) : null; } catch (e) { return null; }
  }
  function words(text, sep) { return String(text || "").split(sep).map(function (x) { return x.trim(); }).filter(Boolean); }
  function plural(n, word) { return n + " " + word + (n == 1 ? "" : "s"); }
  function set(el, value) { if (el && el.textContent !== value) el.textContent = value; }
  function capital(text) { return text.charAt(0).toUpperCase() + text.slice(1); }
  function h(tag, props, kids) {
    var e = document.createElement(tag), k;
    for (k in props || {}) if (k in e) e[k] = props[k]; else e.setAttribute(k, props[k]);
    (kids || []).forEach(function (c) { if (c !== null && c !== undefined && c !== "") e.append(c); });
    return e;
  }
  function download(name, type, body) { // a detached link: Material's instant navigation never sees the click
    var a = h("a", { download: name, href: URL.createObjectURL(new Blob([body], { type: type })) });
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
  }
  function load(url) { // each data file once per page load, whatever the page views
    if (!CACHE.has(url)) {
      CACHE.set(url, fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }));
      CACHE.get(url).catch(function () { CACHE.delete(url); });
    }
    return CACHE.get(url);
  }
  function progress() { return window.genaiProgress || null; }
  function saved(it) {
    var s = progress() ? progress().state(it.alts) : null;
    return s || { done: false, time: "", note: "" };
  }

  // -- answers --------------------------------------------------------------------------------------
  function resolve(given) { // playbook.plan.resolve: follow-ups and their parents agree
    var a = new Map(), i, t, p;
    P.traits.forEach(function (t) { a.set(t.id, given.get(t.id) || OPEN); });
    for (i = P.traits.length - 1; i >= 0; i--) { // deepest follow-ups first
      t = P.traits[i];
      p = t.requires;
      if (!p || !a.has(p)) continue;
      if (a.get(t.id) == YES && a.get(p) != YES) a.set(p, YES);
      else if (a.get(t.id) == UNSURE && a.get(p) == NO) a.set(p, UNSURE);
    }
    P.traits.forEach(function (t) { if (t.requires && a.get(t.requires) == NO) a.set(t.id, NO); });
    return a;
  }
  function initial() { // URL first (a shared link), then this browser's last answers
    var q = new URLSearchParams(location.search), given = new Map(), s, old;
    function take(list, value) { list.forEach(function (t) { if (P.known.has(t) && !given.has(t)) given.set(t, value); }); }
    if (q.has("traits") || q.has("unsure") || q.has("open")) {
      take(words(q.get("traits"), ","), YES);
      take(words(q.get("unsure"), ","), UNSURE);
      take(words(q.get("open"), ","), OPEN);
      P.traits.forEach(function (t) { if (!given.has(t.id)) given.set(t.id, NO); });
      return { given: given, product: (q.get("product") || "").slice(0, 120), shared: true };
    }
    s = readJSON(ANSWERS);
    if (s && typeof s == "object" && s.answers && typeof s.answers == "object") {
      P.traits.forEach(function (t) {
        var v = Object.prototype.hasOwnProperty.call(s.answers, t.id) ? s.answers[t.id] : null;
        if (v === YES || v === NO || v === UNSURE) given.set(t.id, v);
      });
      return { given: given, product: typeof s.product == "string" ? s.product.slice(0, 120) : "" };
    }
    old = readJSON(OLD_ANSWERS); // the first release kept only the traits answered yes; the rest were no
    if (old && Array.isArray(old.traits) && old.traits.length) {
      take(old.traits.filter(function (t) { return typeof t == "string"; }), YES);
      P.traits.forEach(function (t) { if (!given.has(t.id)) given.set(t.id, NO); });
    }
    return { given: given, product: old && typeof old.product == "string" ? old.product.slice(0, 120) : "" };
  }
  function query(a) { // ids need no escaping
    var yes = [], unsure = [], open = [], q;
    P.traits.forEach(function (t) {
      var v = a.get(t.id);
      if (v == YES) yes.push(t.id); else if (v == UNSURE) unsure.push(t.id); else if (v == OPEN) open.push(t.id);
    });
    if (open.length == P.traits.length) return "";
    q = "?traits=" + yes.join(",");
    if (unsure.length) q += "&unsure=" + unsure.join(",");
    if (open.length) q += "&open=" + open.join(",");
    if (P.product && P.product.value.trim()) q += "&product=" + encodeURIComponent(P.product.value.trim().slice(0, 120));
    return q;
  }
  function given() { // what the radios say
    var g = new Map();
    P.questions.forEach(function (q) {
      var r = q.radios.filter(function (r) { return r.checked; })[0];
      if (r && RADIO[r.value]) g.set(q.id, RADIO[r.value]);
    });
    return g;
  }
  function show(a) { // radios and follow-ups from answers
    P.questions.forEach(function (q) {
      var v = a.get(q.id), parent = q.requires ? a.get(q.requires) : null;
      q.radios.forEach(function (r) { r.checked = RADIO[r.value] === v; });
      q.el.hidden = !!q.requires && parent !== YES && parent !== UNSURE;
    });
  }

  // -- the rule (playbook.plan.Condition.verdict) --------------------------------------------------
  function truth(a, t) { var v = a.get(t); return v == YES ? true : v == NO ? false : null; }
  function verdict(it, a) {
    var result = true, i, found, s;
    for (i = 0; i < it.all.length; i++) {
      found = it.all[i].map(function (t) { return truth(a, t); });
      if (found.indexOf(true) >= 0) continue;
      if (found.indexOf(null) < 0) return false;
      result = null;
    }
    for (i = 0; i < it.skip.length; i++) {
      s = truth(a, it.skip[i]);
      if (s === true) return false;
      if (s === null) result = null;
    }
    return result;
  }
  function openTraits(it, a) {
    var seen = [];
    it.all.forEach(function (g) { g.forEach(function (t) { if (seen.indexOf(t) < 0) seen.push(t); }); });
    it.skip.forEach(function (t) { if (seen.indexOf(t) < 0) seen.push(t); });
    return seen.filter(function (t) { return truth(a, t) === null; });
  }
  function describe(it) { // playbook.plan.describe, word for word
    function name(t) { return P.labels.get(t) || t; }
    function either(n) { return n.length == 1 ? n[0] : n.slice(0, -1).join(", ") + ", or " + n[n.length - 1]; }
    function oneOf(c) { return c.map(function (n) { return "it " + n; }).join("; "); }
    var needed = it.all.filter(function (g) { return g.length == 1; }).map(function (g) { return name(g[0]); }),
      choices = it.all.filter(function (g) { return g.length > 1; }).map(function (g) { return g.map(name); }), text = "",
      that = needed.length ? "that " + needed.join(" and ") + ", " : "";
    if (!it.all.length && !it.skip.length) return "Applies to every product.";
    if (!choices.length && needed.length) text = "Applies when the product " + needed.join(" and ") + ".";
    else if (!needed.length && choices.length == 1 && choices[0].length == 2) text = "Applies when the product either " + either(choices[0]) + ".";
    else if (choices.length == 1) text = "Applies to a product " + that + "when at least one of these is true: " + oneOf(choices[0]) + ".";
    else if (choices.length) {
      text = "Applies to a product " + that + "when each of these holds: " + choices.map(function (c, i) {
        return "(" + (i + 1) + ") at least one of: " + oneOf(c);
      }).join("; ") + ".";
    }
    if (it.skip.length) text += (text ? " Not when it " : "Applies unless the product ") + either(it.skip.map(name)) + ".";
    return text;
  }

  // -- binding the page: everything the answers decide, at once; the items when they arrive ---------------
  function bind(form) {
    var root = document.querySelector("[data-pb-plan-root]"), start, f;
    if (!root) return null;
    P = { form: form, root: root, version: form.getAttribute("data-site-version") || "",
      product: form.querySelector('input[name="product"]'),
      total: root.querySelector("[data-pb-plan-total]"), list: root.querySelector("[data-pb-plan-list]"),
      summary: root.querySelector("[data-pb-plan-answers]"), filters: root.querySelector("[data-pb-plan-filters]"),
      answersBox: root.querySelector("[data-pb-plan-answers-box]"), save: root.querySelector("[data-pb-plan-save]"),
      message: root.querySelector("[data-pb-plan-message]"), productLine: root.querySelector("[data-pb-plan-product]"),
      back: form.querySelector("[data-pb-plan-back]"),
      contents: root.querySelector("[data-pb-plan-contents]"), actions: root.querySelector("[data-pb-plan-actions]"),
      foot: document.querySelector(".pb-print-foot"), ask: document.querySelector("[data-pb-plan-ask]"),
      asked: document.querySelector("[data-pb-plan-asked]"),
      questions: [], known: new Set(), traits: [], labels: new Map(), items: [], rows: new Map(), sections: [],
      plan: [], ready: false };
    P.intro = P.total.textContent; // the build's own words for a plan with no answers
    [].forEach.call(form.querySelectorAll("fieldset[data-trait]"), function (el) {
      var id = el.getAttribute("data-trait"), legend = el.querySelector("legend"), parent = el.getAttribute("data-requires") || "";
      if (!TRAIT.test(id) || P.known.has(id)) return;
      P.known.add(id);
      P.traits.push({ id: id, requires: TRAIT.test(parent) ? parent : "" });
      P.labels.set(id, el.getAttribute("data-label") || id);
      P.questions.push({ id: id, el: el, requires: TRAIT.test(parent) ? parent : "",
        question: legend ? legend.textContent.trim() : id,
        radios: [].slice.call(el.querySelectorAll('input[type="radio"]')) });
    });
    f = P.filters;
    P.filter = { stage: f.querySelector('select[name="stage"]'), owner: f.querySelector('select[name="owner"]'),
      level: f.querySelector('select[name="level"]'), hide: f.querySelector('input[name="hide-done"]'),
      shown: f.querySelector(".pb-shown"), more: f.querySelector("[data-pb-plan-more]") };
    start = initial();
    if (P.product) P.product.value = start.product;
    show(resolve(start.given));
    apply(!!start.shared);
    if (P.ask) { // answers from a link or an earlier visit: the plan first, the questions one click away
      if (P.answered == P.traits.length) P.ask.open = false;
      P.ask.addEventListener("toggle", answersShown);
      answersShown();
    }
    if (P.back) {
      P.back.hidden = false;
      P.back.addEventListener("click", function () { // close the questions and go back to the plan
        var head = document.getElementById("your-plan");
        if (P.ask) P.ask.open = false;
        if (head) { head.setAttribute("tabindex", "-1"); head.scrollIntoView(); head.focus(); }
      });
    }
    P.contents.addEventListener("click", function (e) { // in-page links: scroll here, never a page load
      var a = e.target.closest && e.target.closest("a[href^='#']"), target;
      if (!a) return;
      target = document.getElementById(a.getAttribute("href").slice(1));
      if (!target) return;
      e.preventDefault();
      e.stopPropagation();
      target.setAttribute("tabindex", "-1");
      target.scrollIntoView();
      target.focus({ preventScroll: true });
      try { history.replaceState(history.state, "", location.pathname + location.search + "#" + target.id); } catch (x) { /* keep */ }
    }, true);
    form.addEventListener("change", changed);
    form.addEventListener("input", function (e) { if (e.target === P.product) changed(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    P.summary.addEventListener("click", change);
    restoreFilters();
    f.addEventListener("change", function () { filter(); keepFilters(); });
    if (P.filter.more) P.filter.more.addEventListener("click", function () {
      P.filter.level.value = "";
      filter();
      keepFilters();
      P.filter.level.focus(); // the button hides itself: keep the keyboard in the filters
    });
    P.actions.addEventListener("click", act);
    P.actions.querySelector("[data-pb-review-file]").addEventListener("change", function (e) {
      var file = e.target.files && e.target.files[0];
      e.target.value = "";
      if (file) loadReview(file);
    });
    P.list.addEventListener("change", tick);
    P.list.addEventListener("toggle", opened, true); // toggle does not bubble
    form.pbPlan = P;
    load(form.getAttribute("data-items")).then(function (data) {
      if (!P || P.form !== form) return; // the reader moved on
      ready(data);
    }).catch(function (e) {
      set(P.total, "The plan's data could not be loaded (" + e.message + "). Reload the page to try again.");
    });
    return P;
  }

  function ready(data) {
    var books = Array.isArray(data.playbooks) ? data.playbooks : [], stageOf = new Map();
    P.stages = (data.stages || []).map(function (s) { return { id: String(s.id), title: String(s.title) }; });
    P.stages.push({ id: "", title: "No stage" });
    P.stages.forEach(function (s) { stageOf.set(s.id, s); });
    P.owners = new Map((data.owners || []).map(function (o) { return [String(o.id), String(o.title)]; }));
    P.levels = new Map((data.levels || []).map(function (l) { return [String(l.id), String(l.title)]; }));
    (Array.isArray(data.items) ? data.items : []).forEach(function (x) {
      var book = books[x.book] || {}, list = function (v) { return Array.isArray(v) ? v.map(String) : []; };
      if (!x || typeof x.id != "string") return;
      P.items.push({ id: x.id, text: String(x.text || ""), level: String(x.level || ""), owner: String(x.owner || ""),
        stage: stageOf.has(String(x.stage || "")) ? String(x.stage || "") : "",
        all: (Array.isArray(x.all) ? x.all : []).map(list), skip: list(x.skip),
        alts: [x.id].concat(list(x.replaces)), book: String(book.id || x.id.split("/")[0]),
        seen: /^[0-9a-f]{8}$/.test(x.seen || "") ? x.seen : "",
        title: String(book.title || ""), url: typeof book.url == "string" ? book.url : "" });
    });
    P.ready = true;
    apply(false);
    P.form.setAttribute("data-pb-ready", ""); // for scripts and tests: the plan follows the answers now
  }

  function changed(e) {
    if (e && e.target && e.target.type == "radio") { // a parent's answer may hide or show its follow-ups
      if (e.target.value == "no") { // a parent answered no: its follow-ups are no longer asked
        var parent = e.target.closest("fieldset[data-trait]"), id = parent && parent.getAttribute("data-trait");
        P.questions.forEach(function (q) { if (q.requires == id) q.radios.forEach(function (r) { r.checked = false; }); });
      }
      show(resolve(given()));
    }
    apply(true);
  }

  function apply(remember) {
    var a = resolve(given()), answered = 0, q, keep;
    P.answers = a;
    P.traits.forEach(function (t) { if (a.get(t.id) != OPEN) answered++; });
    P.answered = answered;
    if (remember) {
      keep = Object.create(null);
      P.traits.forEach(function (t) { if (a.get(t.id) != OPEN) keep[t.id] = a.get(t.id); });
      try { store().setItem(ANSWERS, JSON.stringify({ answers: keep, product: P.product ? P.product.value.trim().slice(0, 120) : "" })); }
      catch (x) { /* the URL still keeps them */ }
    }
    q = query(a);
    try { history.replaceState(history.state, "", location.pathname + q + location.hash); } catch (x) { /* keep the URL */ }
    if (P.foot) P.foot.setAttribute("data-url", q);
    document.documentElement.classList.toggle("pb-plan-answered", !!answered); // room for the rows while they load
    P.contents.hidden = P.save.hidden = P.filters.hidden = !answered;
    if (P.productLine) {
      P.productLine.textContent = P.product && P.product.value.trim() ? "Product: " + P.product.value.trim().slice(0, 120) : "";
    }
    summary(a);
    if (!P.ready) {
      set(P.total, answered ? "Loading the checks…" : P.intro);
      return;
    }
    P.plan = [];
    if (answered) P.items.forEach(function (it) {
      var v = verdict(it, a);
      it.open = v === null ? openTraits(it, a) : [];
      if (v !== false) P.plan.push(it);
    });
    render();
  }

  // -- the answers: each label once, under yes, not sure, not answered or no; each opens its question --------
  function summary(a) {
    var dl = P.summary, by = new Map();
    set(P.asked, "(" + (P.answered == P.traits.length ? "all " + P.traits.length + " answered" :
      P.answered + " of " + P.traits.length + " answered") + ")");
    dl.textContent = "";
    if (!P.answered) { answersShown(); return; }
    P.questions.forEach(function (q) {
      var v = a.get(q.id);
      if (q.requires && a.get(q.requires) == NO) return; // a follow-up nobody was asked
      if (!by.has(v)) by.set(v, []);
      by.get(v).push(q);
    });
    [YES, UNSURE, OPEN, NO].forEach(function (v) {
      var qs = by.get(v), dd;
      if (!qs) return;
      dd = h("dd");
      qs.forEach(function (q, i) {
        if (i) dd.append(", ");
        dd.append(h("button", { type: "button", className: "pb-answers__change", textContent: P.labels.get(q.id),
          title: "Change the answer to: " + q.question, "data-question": "q-" + q.id,
          "aria-label": "Change the answer: " + P.labels.get(q.id) }));
      });
      dl.append(h("div", { className: "pb-answers__row pb-answers__row--" + v.replace(" ", "-") }, [
        h("dt", { textContent: capital(v) + " (" + qs.length + ")" }), dd]));
    });
    answersShown();
  }
  function answersShown() { // the answers list stands in for the questions while they are folded
    if (P.answersBox) P.answersBox.hidden = !P.answered || !!(P.ask && P.ask.open);
  }
  function change(e) { // "Change": open the questions at this one
    var b = e.target.closest && e.target.closest("button.pb-answers__change"), q, r;
    if (!b) return;
    q = document.getElementById(b.getAttribute("data-question"));
    if (P.ask) P.ask.open = true;
    if (!q) return;
    q.scrollIntoView({ block: "center" });
    r = q.querySelector("input:checked") || q.querySelector("input");
    if (r) r.focus();
  }

  // -- the rows -------------------------------------------------------------------------------------------
  function row(it) { // the box, and a disclosure whose summary is the sentence with its level and owner
    var n = P.rows.size, li, cb, meta, text = "plan-text-" + n;
    cb = h("input", { type: "checkbox", className: "pb-item__check", id: "plan-check-" + n, "aria-labelledby": text });
    meta = h("span", { className: "pb-row__meta" }, [
      it.level ? h("span", { className: "pb-badge pb-badge--" + it.level, textContent: P.levels.get(it.level) || it.level }) : null,
      it.owner ? h("span", { className: "pb-row__owner", textContent: P.owners.get(it.owner) || it.owner }) : null,
      h("span", { className: "pb-row__depends" })]);
    li = h("li", { className: "pb-item pb-row pb-item--" + (it.level || "unset") }, [cb, h("details", { className: "pb-row__details" }, [
      h("summary", {}, [h("span", { className: "pb-item__title pb-row__text", id: text, textContent: it.text }), " ", meta])])]);
    li.setAttribute("data-item-id", it.id);
    li.setAttribute("data-level", it.level);
    li.setAttribute("data-owner", it.owner);
    li.setAttribute("data-stage", it.stage);
    if (it.alts.length > 1) li.setAttribute("data-replaces", it.alts.slice(1).join(" "));
    li.pbItem = it;
    it.row = { li: li, cb: cb, depends: meta.lastChild, details: li.lastChild };
    P.rows.set(it.id, it.row);
    return it.row;
  }
  function itemOf(el) { var li = el && el.closest && el.closest("li[data-item-id]"); return li ? li.pbItem : null; }
  function tick(e) {
    var it = itemOf(e.target);
    if (!it || e.target !== it.row.cb) return;
    if (!progress() || !progress().save(it.id, { done: it.row.cb.checked, note: saved(it).note })) {
      set(P.total, "Could not save: this browser's storage is full or blocked.");
    }
    count();
  }
  function opened(e) {
    var it = itemOf(e.target);
    if (it && e.target === it.row.details && it.row.details.open) fill(it, it.row.details);
  }

  function fill(it, details) { // details on demand, from the item on its playbook's page (pages.js)
    if (details.pbFilled) return;
    details.pbFilled = 1;
    var box = h("div", { className: "pb-row__more" }, [h("p", { textContent: "Loading…" })]), own = /^(\.\.\/|[a-z0-9-]+\/)/.test(it.url);
    details.append(box);
    (window.pbPages && own ? window.pbPages.load(it.url) : Promise.reject(new Error("no page to read"))).then(function (doc) {
      var li = doc.querySelector('li[data-item-id="' + CSS.escape(it.id) + '"]'), when = li && li.querySelector(".pb-item__when"), note;
      box.textContent = "";
      box.append(h("p", { className: "pb-row__when", textContent: when ? when.textContent : describe(it) }));
      if (!li) box.append(h("p", { textContent: "No details for this check." }));
      else {
        [".pb-item__why", ".pb-item__how", ".pb-item__refs"].forEach(function (sel) { // the page's own words and links
          var part = li.querySelector(sel);
          if (!part) return;
          part = document.importNode(part, true);
          [].forEach.call(part.querySelectorAll("[id]"), function (e) { e.removeAttribute("id"); });
          box.append(part);
        });
      }
      box.append(h("p", {}, ["From the playbook ", h("a", { href: it.url + "#" + it.id.split("/")[1], textContent: it.title }), "."]));
      note = h("textarea", { className: "pb-note__text", maxLength: 500, rows: 2, id: it.row.cb.id + "-note" });
      note.value = saved(it).note;
      note.addEventListener("input", function () {
        if (progress()) progress().save(it.id, { done: it.row.cb.checked, note: note.value });
      });
      box.append(h("label", { htmlFor: note.id, className: "pb-item__label", textContent: "Note (saved in this browser)" }), note);
    }, function () {
      details.pbFilled = 0;
      box.textContent = "";
      box.append(h("p", {}, ["The details could not be loaded here; ",
        own ? h("a", { href: it.url + "#" + it.id.split("/")[1], textContent: "open the item on its playbook's page" }) :
          "open the item on its playbook's page", "."]));
    });
  }

  function render() {
    var wanted = new Set(P.plan.map(function (it) { return it.id; })), byStage = new Map(), frag = document.createDocumentFragment();
    P.sections = [];
    if (!P.answered) {
      P.list.textContent = "";
      set(P.total, P.intro);
      return;
    }
    P.plan.forEach(function (it) {
      if (!byStage.has(it.stage)) byStage.set(it.stage, []);
      byStage.get(it.stage).push(it);
    });
    P.stages.forEach(function (s) {
      var its = byStage.get(s.id), ol, head;
      if (!its) return;
      ol = h("ol", { className: "pb-checklist pb-plan__rows" });
      its.forEach(function (it) {
        var r = it.row || row(it);
        set(r.depends, it.open.length ? "Depends on: " + it.open.map(function (t) {
          return (P.labels.get(t) || t) + " (" + P.answers.get(t) + ")";
        }).join("; ") : "");
        r.li.classList.toggle("pb-row--depends", !!it.open.length);
        ol.append(r.li);
      });
      head = h("h3", { className: "pb-plan__stage-title", id: "stage-" + (s.id || "none") }, [s.title + " ", h("span", { className: "pb-plan__count" })]);
      P.sections.push({ stage: s, el: h("section", { className: "pb-plan__stage" }, [head, ol]), count: head.lastChild, items: its });
      frag.append(P.sections[P.sections.length - 1].el);
    });
    P.list.textContent = "";
    P.list.append(frag);
    P.rows.forEach(function (r, id) { if (!wanted.has(id)) r.li.remove(); });
    filter();
  }

  // -- filters and counts ----------------------------------------------------------------------------------
  function filter() {
    if (!P.ready || !P.answered) return;
    var f = P.filter, n = 0, levels = words(f.level.value, " ");
    P.plan.forEach(function (it) {
      it.state = saved(it);
      var show = (!f.stage.value || it.stage == f.stage.value) && (!f.owner.value || it.owner == f.owner.value) &&
        (!levels.length || levels.indexOf(it.level) >= 0) && !(f.hide.checked && it.state.done);
      if (it.row.li.hidden == show) it.row.li.hidden = !show;
      n += show;
    });
    P.sections.forEach(function (sec) { sec.el.hidden = !sec.items.some(function (it) { return !it.row.li.hidden; }); });
    set(f.shown, n < P.plan.length ? "Showing " + n + " of " + P.plan.length : "");
    var could = levels.length && levels.indexOf("could") < 0 ? P.plan.filter(function (it) {
      return it.level == "could" && (!f.stage.value || it.stage == f.stage.value) && (!f.owner.value || it.owner == f.owner.value) &&
        !(f.hide.checked && it.state.done);
    }).length : 0;
    if (f.more) { // good practice (could) is in the plan and the record, shown on request
      f.more.hidden = !could;
      set(f.more, "Show the " + plural(could, "good-practice check") + " (could) too");
    }
    count(true);
  }

  // The filters last while the reader goes to a playbook and back, for this tab only.
  function keepFilters() {
    var f = P.filter;
    try {
      sessionStorage.setItem("genai-playbook-plan-filters:v1", JSON.stringify({ stage: f.stage.value, owner: f.owner.value,
        level: f.level.value, hide: f.hide.checked }));
    } catch (e) { /* filters reset on the next visit */ }
  }
  function restoreFilters() {
    var f = P.filter, k;
    try { k = JSON.parse(sessionStorage.getItem("genai-playbook-plan-filters:v1") || "null"); } catch (e) { k = null; }
    if (!k || typeof k != "object") return;
    [["stage", f.stage], ["owner", f.owner], ["level", f.level]].forEach(function (pair) {
      var v = typeof k[pair[0]] == "string" ? k[pair[0]] : null;
      if (v !== null && [].some.call(pair[1].options, function (o) { return o.value === v; })) pair[1].value = v;
    });
    f.hide.checked = k.hide === true;
  }

  function tally(its) {
    var t = { n: its.length, must: 0, should: 0, could: 0, done: 0, mustDone: 0, open: 0 };
    its.forEach(function (it) {
      var s = it.state;
      t.done += s.done;
      t.open += it.open.length > 0;
      if (it.level == "should") t.should++;
      if (it.level == "could") t.could++;
      if (it.level == "must") { t.must++; t.mustDone += s.done; }
    });
    return t;
  }
  function count(fresh) {
    if (!P.ready || !P.answered) return;
    var t, s, books = new Set(), unanswered = 0, unsure = 0, shown;
    P.plan.forEach(function (it) {
      if (!fresh) it.state = saved(it);
      books.add(it.book);
      if (it.row.cb.checked != it.state.done) it.row.cb.checked = it.state.done;
      it.row.li.classList.toggle("pb-item--done", it.state.done);
    });
    t = tally(P.plan);
    shown = P.plan.filter(function (it) { return !it.row.li.hidden; });
    s = tally(shown);
    P.traits.forEach(function (x) { var v = P.answers.get(x.id); unanswered += v == OPEN; unsure += v == UNSURE; });
    P.tally = t;
    P.books = books.size;
    P.contents.textContent = "";
    P.contents.append(h("ol", {}, P.sections.filter(function (sec) { return !sec.el.hidden; }).map(function (sec) { // what the filters show
      var c = tally(sec.items.filter(function (it) { return !it.row.li.hidden; })), label = plural(c.n, "check") + ", " + c.must + " must" + (c.done ? ", " + c.done + " done" : "");
      set(sec.count, "(" + label + ")");
      return h("li", {}, [h("a", { href: "#stage-" + (sec.stage.id || "none"), textContent: sec.stage.title }), " " + label]);
    })));
    // One denominator: the checks the filters show (the print shows the same).
    set(P.total, (s.n == t.n ? plural(t.n, "check") + " in your plan" : s.n + " of " + plural(t.n, "check") + " shown") + ", " +
      s.must + " must. Done: " + s.done + " of " + s.n + "; must: " + s.mustDone + " of " + s.must + "." +
      (s.open ? " " + plural(s.open, "check") + (s.open == 1 ? " waits on " : " wait on ") +
        (unanswered ? plural(unanswered, "question") + " not answered" : "") + (unanswered && unsure ? " and " : "") +
        (unsure ? plural(unsure, "answer") + " of not sure" : "") + "." : ""));
  }

  // -- actions: the record (the same shape as `playbook plan --format json`), clearing the answers -----------
  function act(e) {
    var b = e.target.closest && e.target.closest("button"), kind = b && b.getAttribute("data-pb-download"),
      day = new Date().toISOString().slice(0, 10);
    if (!b) return;
    if (b.hasAttribute("data-pb-clear")) {
      if (!confirm("Clear every answer? Ticks and notes stay saved.")) return;
      P.questions.forEach(function (q) { q.radios.forEach(function (r) { r.checked = false; }); });
      show(resolve(given()));
      apply(true);
      if (P.ask) P.ask.open = true; // start again at the first question
      if (P.questions[0] && P.questions[0].radios[0]) P.questions[0].radios[0].focus();
      return;
    }
    if (b.hasAttribute("data-pb-load-review")) { P.actions.querySelector("[data-pb-review-file]").click(); return; }
    if (!P.ready || !kind) return;
    if (kind == "review") download(reviewName(), "application/yaml", reviewYaml(record()));
    if (kind == "md") download("review-plan-" + day + ".md", "text/markdown", markdown(record()));
    if (kind == "json") download("review-plan-" + day + ".json", "application/json", JSON.stringify(record(), null, 2) + "\n");
    if (kind == "csv") download("review-plan-" + day + ".csv", "text/csv", csv(record()));
  }
  function record() {
    var a = P.answers, t, by = function (v) { return P.traits.filter(function (x) { return a.get(x.id) == v; }).map(function (x) { return x.id; }); };
    count();
    t = P.tally;
    return {
      format: FORMAT, version: 2, site_version: P.version, created: new Date().toISOString().slice(0, 10),
      page: location.href.split("#")[0], product: P.product ? P.product.value.trim().slice(0, 120) : "",
      traits: by(YES), unsure: by(UNSURE), unanswered: by(OPEN),
      answers: P.questions.map(function (q) { return { id: q.id, question: q.question, label: P.labels.get(q.id), answer: a.get(q.id) }; }),
      counts: { items: t.n, must: t.must, depends: t.open, playbooks: P.books, done: t.done, must_done: t.mustDone },
      items: P.plan.map(function (it) {
        return { id: it.id, playbook_id: it.book, playbook_title: it.title, url: it.url.replace(/^(\.\.\/)+/, "") + "#" + it.id.split("/")[1],
          text: it.text, level: it.level || null, owner: it.owner || null, stage: it.stage || null,
          applies_when: it.all, skip_when: it.skip, when: describe(it), applies: it.open.length ? "depends" : "yes",
          depends_on: it.open.map(function (x) { return { id: x, label: P.labels.get(x), answer: a.get(x) }; }),
          done: it.state.done, note: it.state.note, time: it.state.time };
      })
    };
  }
  function dependsText(r) {
    return r.depends_on.map(function (d) { return d.label + " (" + d.answer + ")"; }).join("; ");
  }
  function markdown(r) {
    var c = r.counts, lines = ["# Review plan" + (r.product ? ": " + r.product : ""), "",
      "Created " + r.created + " from the GenAI product playbook, version " + r.site_version + ": " + c.items +
      " items from " + c.playbooks + " playbooks, " + c.must + " of them must items" +
      (c.depends ? "; " + c.depends + " depend on questions answered not sure or not answered." : "."),
      "", "Progress: " + c.done + " of " + c.items + " done; must items: " + c.must_done + " of " + c.must + ". Plan: " + r.page,
      "", "## Product answers", ""];
    r.answers.forEach(function (x) { lines.push("- " + capital(x.answer) + ": " + x.question); });
    P.sections.forEach(function (sec) {
      var its = r.items.filter(function (x) { return (x.stage || "") == sec.stage.id; }),
        must = its.filter(function (x) { return x.level == "must"; }).length;
      lines.push("", "## " + sec.stage.title + ": " + plural(its.length, "item") + ", " + must + " must", "");
      its.forEach(function (x) {
        var facts = [x.level ? "**" + x.level + "**" : "", x.owner ? P.owners.get(x.owner) || x.owner : ""].filter(Boolean);
        lines.push("- [" + (x.done ? "x" : " ") + "] " + x.text + " (" + facts.join(", ") + "; `" + x.id + "`)");
        if (x.applies != "yes") lines.push("  - Depends on: " + dependsText(x));
        if (x.done && x.time) lines.push("  - Done " + x.time.slice(0, 10));
        if (x.note) lines.push("  - Note: " + x.note.replace(/\s+/g, " "));
      });
    });
    return lines.join("\n") + "\n";
  }
  function cell(v) { // a CSV cell: quoted when needed, never a spreadsheet formula
    var s = v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function csv(r) {
    var out = [["record", "stage", "level", "owner", "id", "playbook_title", "text", "url", "when", "answer", "done", "note"]];
    r.answers.forEach(function (x) { out.push(["answer", "", "", "", x.id, "", x.question, "", "", x.answer, "", ""]); });
    r.items.forEach(function (x) {
      var st = P.stages.filter(function (s) { return s.id == (x.stage || ""); })[0];
      out.push(["item", st ? st.title : "", x.level || "", x.owner ? P.owners.get(x.owner) || "" : "", x.id, x.playbook_title,
        x.text, x.url, x.applies == "yes" ? x.when : "Depends on: " + dependsText(x), "", x.done ? "done" : "", x.note]);
    });
    return out.map(function (cells) { return cells.map(cell).join(","); }).join("\n") + "\n";
  }

  // -- review files (reviews/<id>.yaml): the same shape `playbook review new` writes --------------------------
  function reviewId() {
    var slug = (P.product && P.product.value || "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64)
      .replace(/-+$/, "");
    return slug.length >= 2 ? slug : "review-" + new Date().toISOString().slice(0, 10);
  }
  function reviewName() { return reviewId() + ".yaml"; }
  function q(v) { return JSON.stringify(String(v)); } // a JSON string is a YAML scalar: nothing in it is read as YAML
  function reviewYaml(r) {
    var lines = ["# yaml-language-server: $schema=../schemas/review.schema.json",
      "# Downloaded from Plan my review on " + r.created + ". Commit it to reviews/ and see `playbook review status`.",
      "id: " + reviewId(), "product:", "  name: " + q(r.product || "Unnamed product"), "created: " + q(r.created),
      "library:", "  version: " + q(r.site_version || "unknown"), "answers:"];
    r.answers.forEach(function (a) { lines.push("  " + a.id + ": " + q(a.answer)); });
    lines.push("items:");
    r.items.forEach(function (x, i) {
      var it = P.plan[i];
      lines.push("  " + x.id + ":", "    status: " + (x.done ? "done" : "open"));
      if (it && it.seen) lines.push("    seen: '" + it.seen + "'");
      if (x.done && /^\d{4}-\d{2}-\d{2}/.test(x.time || "")) lines.push("    done_on: " + q(x.time.slice(0, 10)));
      if (x.note) lines.push("    note: " + q(x.note));
    });
    return lines.join("\n") + "\n";
  }
  function say(text) { set(P.message, text); }
  function loadReview(file) { // a review file's answers and statuses into this page and this browser's progress
    var bad = "“" + file.name + "” is not a review file of this site; nothing was changed.";
    if (file.size > 2e6 || !progress() || !progress().yaml) return say(bad);
    Promise.all([file.text(), progress().yaml()]).then(function (got) {
      var d = null, answers, items, g = new Map(), byId = new Map(), n = 0, skipped = 0;
      try { d = got[1].load(got[0], { schema: got[1].CORE_SCHEMA, json: true }); } catch (e) { return say(bad + " (" + String(e.message).split("\n")[0] + ")"); }
      if (!d || typeof d != "object" || !d.items || typeof d.items != "object" || Array.isArray(d.items)) return say(bad);
      answers = d.answers && typeof d.answers == "object" && !Array.isArray(d.answers) ? d.answers : {};
      P.traits.forEach(function (t) {
        var v = Object.prototype.hasOwnProperty.call(answers, t.id) ? answers[t.id] : null;
        if (v === YES || v === NO || v === UNSURE) g.set(t.id, v);
      });
      show(resolve(g));
      if (P.product && d.product && typeof d.product.name == "string") P.product.value = d.product.name.slice(0, 120);
      P.items.forEach(function (it) { it.alts.forEach(function (a) { byId.set(a, it); }); });
      items = d.items;
      Object.keys(items).forEach(function (k) {
        var e = items[k], it = byId.get(k), status, note;
        if (!it || !e || typeof e != "object") { skipped++; return; }
        status = e.status;
        note = typeof e.note == "string" ? e.note : "";
        if (status == "not-applicable" || status == "risk-accepted") {
          note = (status == "not-applicable" ? "Not applicable" : "Risk accepted") +
            (typeof e.reason == "string" ? ": " + e.reason : "") + (note ? " " + note : "");
        }
        if (progress().save(it.id, { done: status == "done", note: note.slice(0, 500) })) n++;
      });
      apply(true);
      say("Loaded “" + file.name + "”: the answers and " + plural(n, "status") + (skipped ? "; " + plural(skipped, "entry") +
        " not in the playbooks were left out" : "") + ".");
    }, function (e) { say(bad + " (" + e.message + ")"); });
  }

  function run() { // once per page view
    try {
      var form = document.querySelector("form[data-pb-plan-form]");
      P = form ? form.pbPlan || bind(form) : null;
      if (P && P.ready) count();
    } catch (e) {
      P = null;
      if (window.console) console.error("checklist: plan:", e);
    }
  }
  window.addEventListener("storage", function (e) { // another tab ticked something
    if (P && P.ready && document.contains(P.form) && (!e.key || e.key.indexOf("genai-playbook:v1:") === 0)) {
      try { count(); } catch (x) { /* ignore */ }
    }
  });
  if (window.document$ && typeof window.document$.subscribe == "function") window.document$.subscribe(run);
  else if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
