// ReDoc for /redoc: the document and every asset come from this service. The
// nonce (new on each load of the page) admits the stylesheets ReDoc generates.
(function () {
  var element = document.getElementById("redoc");
  Redoc.init(
    element.dataset.specUrl,
    { nonce: element.dataset.nonce, disableSearch: true, expandResponses: "" },
    element
  );
})();
