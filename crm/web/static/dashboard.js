// The dashboard follows the network: when its figures change (server-sent events from the
// statsChanged subscription), the page is fetched again and its figures swapped in. Without
// scripts the page shows the figures of when it was loaded.
(function () {
  "use strict";
  var figures = document.querySelector("[data-live]");
  if (!figures || !window.EventSource) return;
  var source = new EventSource(figures.getAttribute("data-live"));
  source.addEventListener("changed", function () {
    fetch(window.location.href, { headers: { accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-live]");
        var current = document.querySelector("[data-live]");
        if (fresh && current) current.replaceWith(document.importNode(fresh, true));
      });
  });
})();
