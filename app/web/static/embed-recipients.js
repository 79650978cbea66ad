/* Data Sharing Register: renders who a controller shares data with into a
   host page, from the register's JSON API.

   <div data-sharing-register-recipients data-controller="..." data-service="..."
        data-data-subject="..." data-data-category="..."></div>
   <script src="https://REGISTER/embed/recipients.js" defer></script>

   Text only (textContent, never innerHTML); no styles are injected: class
   names start with "srr-" for the host page to style. */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = new URL(script && script.src ? script.src : "/", window.location.href).origin;
  var NOT_STATED = "Not stated in the notice";
  var FILTERS = [
    ["controller", "controller"],
    ["service", "service"],
    ["dataSubject", "data_subject"],
    ["dataCategory", "data_category"]
  ];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var REDACTED = "[email protected]";
  var WITHHELD = "e-mail address not published in the notice";

  function shown(text) { return String(text).split(REDACTED).join(WITHHELD); }

  function lower(text) { return text.charAt(0).toLowerCase() + text.slice(1); }

  /* "our reading: ..." for an inferred fact, as the register's pages say it. */
  function note(item, key) {
    var b = (item.basis || {})[key];
    if (!b || b.basis !== "inferred") { return ""; }
    return "our reading: " + shown(b.reasoning || "not stated in so many words");
  }

  function bySlug(list) {
    return (list || []).slice().sort(function (a, b) { return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0; });
  }

  /* A linked list in words: readings marked, an open list "Including ...". */
  function listText(item, key, list, sep, label) {
    if (!list.length) { return NOT_STATED; }
    var text = list.map(function (x) {
      var n = note(item, key + "/" + x.slug);
      var name = label ? label(x) : x.name;
      return n ? name + " (" + n + ")" : name;
    }).join(sep);
    var whole = (item.basis || {})[key];
    if (whole && whole.exhaustive === false) { text = "Including " + text; }
    var n = note(item, key);
    return n ? text + " (" + lower(n) + ")" : text;
  }

  function rows(item) {
    var x = item.expanded;
    var law = [];
    if ((x.legislation || []).length) { law.push(listText(item, "legislation", bySlug(x.legislation), "; ")); }
    if ((x.lawful_bases || []).length) {
      law.push(listText(item, "lawful_bases", bySlug(x.lawful_bases), "; ",
        function (b) { return "UK GDPR " + b.reference; }));
    }
    return [
      ["What they receive", listText(item, "data_categories", bySlug(x.data_categories), ", ")],
      ["Why", listText(item, "purposes", bySlug(x.purposes), "; ")],
      ["The law", law.join("; ") || NOT_STATED]
    ];
  }

  function group(items) {
    var order = [];
    var byRecipient = {};
    items.forEach(function (item) {
      var r = item.expanded.recipient;
      if (!byRecipient[r.slug]) { byRecipient[r.slug] = { recipient: r, items: [] }; order.push(r.slug); }
      byRecipient[r.slug].items.push(item);
    });
    return order.map(function (slug) { return byRecipient[slug]; });
  }

  function render(host, items) {
    var groups = group(items);
    var box = el("div", "srr");
    box.appendChild(el("p", "srr-count", groups.length + (groups.length === 1 ? " recipient" : " recipients")));
    var list = el("ul", "srr-list");
    groups.forEach(function (g) {
      var li = el("li", "srr-recipient");
      li.appendChild(el("strong", "srr-name", g.recipient.name));
      if (g.recipient.role === "processor") {
        li.appendChild(el("span", "srr-tag",
          g.recipient.role_basis === "inferred" ? "Data processor (our reading)" : "Data processor"));
      }
      g.items.forEach(function (item) {
        if (g.items.length > 1) { li.appendChild(el("p", "srr-arrangement", item.name)); }
        var dl = el("dl", "srr-rows");
        rows(item).forEach(function (row) {
          dl.appendChild(el("dt", "", row[0]));
          dl.appendChild(el("dd", "", row[1]));
        });
        li.appendChild(dl);
      });
      list.appendChild(li);
    });
    box.appendChild(list);
    host.replaceChildren(box);
    host.setAttribute("data-state", "loaded");
  }

  function fetchAll(url, offset, items) {
    return fetch(url + "&offset=" + offset, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (page) {
        items = items.concat(page.items);
        if (page.items.length && items.length < page.total) {
          return fetchAll(url, offset + page.items.length, items);
        }
        return items;
      });
  }

  function load(host) {
    var params = new URLSearchParams();
    FILTERS.forEach(function (f) {
      var value = host.dataset[f[0]];
      if (value) { params.set(f[1], value); }
    });
    params.set("limit", "500");
    var api = (host.dataset.register || origin).replace(/\/$/, "");
    host.setAttribute("aria-busy", "true");
    fetchAll(api + "/api/v1/sharing?" + params.toString(), 0, [])
      .then(function (items) { render(host, items); })
      .catch(function () {
        host.replaceChildren(el("p", "srr-error", "The list of recipients could not be loaded."));
        host.setAttribute("data-state", "error");
      })
      .then(function () { host.removeAttribute("aria-busy"); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sharing-register-recipients]"), load);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
