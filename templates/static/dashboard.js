// Refresh the dashboard counts every few seconds from a small JSON endpoint.
(function () {
  "use strict";
  var table = document.getElementById("dashboard");
  if (!table) return;
  var url = table.dataset.progress;
  function apply(rows) {
    rows.forEach(function (s) {
      var tr = table.querySelector('tr[data-opening="' + s.id + '"]');
      if (!tr) return;
      var r = s.reading;
      var queued = r.queued + r.reading, review = r.needs_review + r.error;
      var total = queued + review + r.ok || 1;
      var values = { applications: s.applications, "new": s["new"], ok: r.ok, queued: queued, needs_review: review };
      Object.keys(values).forEach(function (k) {
        var el = tr.querySelector('[data-k="' + k + '"]');
        if (el) el.textContent = values[k];
      });
      var bars = { ok: r.ok, needs_review: review, queued: queued };
      Object.keys(bars).forEach(function (k) {
        var el = tr.querySelector('[data-bar="' + k + '"]');
        if (el) el.style.width = (100 * bars[k] / total) + "%";
      });
    });
  }
  function tick() {
    if (document.hidden) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (rows) { if (rows) apply(rows); })
      .catch(function () {});
  }
  setInterval(tick, 4000);
})();
