/* Progressive enhancement only: every page works without this file.
   On the notice, typing in the search box narrows the recipient list at once
   (the form still submits to the server for the same result). */
(function () {
  "use strict";
  var input = document.getElementById("q");
  var cards = document.querySelectorAll("[data-search-text]");
  var status = document.getElementById("sharing-status");
  if (!input || !cards.length || !status) { return; }
  var initial = status.textContent;
  input.addEventListener("input", function () {
    var needle = input.value.trim().toLowerCase();
    var shown = 0;
    Array.prototype.forEach.call(cards, function (card) {
      var match = !needle || card.getAttribute("data-search-text").indexOf(needle) !== -1;
      card.hidden = !match;
      if (match) { shown += 1; }
    });
    status.textContent = needle
      ? shown + (shown === 1 ? " recipient matches " : " recipients match ") + "“" + input.value.trim() + "”"
      : initial;
  });
})();
