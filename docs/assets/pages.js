/* Other pages of this site as documents, for scripts that show part of one page on another: a
   print pack takes each playbook's checklist from the playbook's page (print.js), the plan an
   item's details from its playbook's page (plan.js). The playbook pages stay the one copy of each
   item, so no other page or data file repeats it.
   window.pbPages.load(url) -> Promise of the parsed page (each page fetched once per visit), with
   every link made absolute so that it works wherever a part of the page is put. Only this site's
   own pages: a URL of another origin is refused. */
(function () {
  "use strict";
  var cache = new Map();
  function load(url) {
    var key = new URL(url, location.href), text;
    if (key.origin !== location.origin) return Promise.reject(new Error(url + " is not a page of this site"));
    key = key.href.split("#")[0];
    if (!cache.has(key)) {
      text = fetch(key, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(key + ": HTTP " + r.status);
        return r.text();
      }).then(function (body) {
        var doc = new DOMParser().parseFromString(body, "text/html");
        [].forEach.call(doc.querySelectorAll("a[href]"), function (a) {
          try { a.setAttribute("href", new URL(a.getAttribute("href"), key).href); } catch (e) { a.removeAttribute("href"); }
        });
        return doc;
      });
      text.catch(function () { cache.delete(key); }); // a failure is tried again next time
      cache.set(key, text);
    }
    return cache.get(key);
  }
  window.pbPages = { load: load };
})();
