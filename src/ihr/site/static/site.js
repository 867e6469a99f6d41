// Filters for the timeline and the network, and the search page. Plain DOM, no dependencies.
(function () {
  "use strict";
  function root() { return document.querySelector('link[rel="stylesheet"]').getAttribute("href").replace("assets/site.css", ""); }

  var tl = document.getElementById("timeline-filters");
  if (tl) {
    var apply = function () {
      var actor = tl.actor.value, type = tl.type.value, from = +tl.from.value || 0, to = +tl.to.value || 9999, shown = 0;
      document.querySelectorAll("svg.timeline rect.event, #timeline-list tbody tr").forEach(function (el) {
        var y = +el.dataset.year, ok = (!type || el.dataset.type === type) && y >= from && y <= to &&
          (!actor || (" " + el.dataset.actors + " ").indexOf(" " + actor + " ") >= 0);
        el.classList.toggle("hidden", !ok);
        if (ok && el.tagName.toLowerCase() === "rect") shown++;
      });
      document.getElementById("timeline-count").textContent = shown + " events";
    };
    tl.addEventListener("input", apply); tl.addEventListener("change", apply);
  }

  var nw = document.getElementById("network-filters");
  if (nw) {
    nw.addEventListener("input", function () {
      var year = +nw.year.value, shown = 0;
      document.querySelectorAll("svg.network line.edge").forEach(function (el) {
        var ok = !year || (+el.dataset.firstYear <= year && year <= +el.dataset.lastYear);
        el.classList.toggle("hidden", !ok); if (ok) shown++;
      });
      document.getElementById("network-count").textContent = shown + " links";
    });
  }

  var form = document.getElementById("search-form");
  if (form) {
    var index = null, input = document.getElementById("search-input"), list = document.getElementById("search-results");
    fetch(root() + "search-index.json").then(function (r) { return r.json(); }).then(function (data) { index = data; run(); });
    var run = function () {
      if (!index) return;
      var q = input.value.trim().toLowerCase(); list.innerHTML = "";
      if (q.length < 2) { document.getElementById("search-count").textContent = ""; return; }
      var hits = index.filter(function (e) { return e.text.indexOf(q) >= 0; }).slice(0, 200);
      hits.forEach(function (e) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = root() + e.url; a.textContent = e.label; li.appendChild(a);
        li.appendChild(document.createTextNode(" · " + e.kind)); list.appendChild(li);
      });
      document.getElementById("search-count").textContent = hits.length + " result" + (hits.length === 1 ? "" : "s");
    };
    input.addEventListener("input", run);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  }
})();
