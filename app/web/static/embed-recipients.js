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

  function names(list, key) {
    return (list || []).map(function (item) { return item[key || "name"]; });
  }

  function rows(item) {
    var x = item.expanded;
    var law = names(x.legislation).concat(
      names(x.lawful_bases, "reference").map(function (r) { return "UK GDPR " + r; }));
    return [
      ["What they receive", names(x.data_categories).join(", ") || NOT_STATED],
      ["Why", names(x.purposes).join("; ") || NOT_STATED],
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
      if (g.recipient.role === "processor") { li.appendChild(el("span", "srr-tag", "Data processor")); }
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
