// Live preview: any change to the requirement form re-ranks on the server (no save) and
// shows the new top 20, who moved, and the score distribution.
(function () {
  "use strict";
  var form = document.getElementById("requirements");
  if (!form) return;
  var list = document.getElementById("preview-list");
  var stats = document.getElementById("preview-stats");
  var histogram = document.getElementById("histogram");
  var timer = null, inflight = null, seq = 0;

  function text(tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = value;  // never innerHTML: names come from CVs
    return el;
  }

  function render(data) {
    list.replaceChildren();
    data.top.forEach(function (row) {
      var li = document.createElement("li");
      li.className = "prow";
      li.dataset.application = row.id;
      li.appendChild(text("span", "prank", row.rank));
      var who = document.createElement("span");
      who.className = "pwho";
      if (row.url) {
        var a = text("a", "", row.name);
        a.href = row.url;
        who.appendChild(a);
      } else {
        who.appendChild(text("span", "", row.name));
      }
      who.appendChild(text("span", "muted small", row.headline || ""));
      li.appendChild(who);
      li.appendChild(text("span", "pscore", row.score.toFixed(1)));
      var move;
      if (row.previous_rank === null) {
        move = text("span", "move move-new", form.dataset.newLabel);
      } else if (row.moved > 0) {
        move = text("span", "move move-up", "▲ " + row.moved);
        move.setAttribute("aria-label", form.dataset.upLabel.replace("{n}", row.moved));
      } else if (row.moved < 0) {
        move = text("span", "move move-down", "▼ " + (-row.moved));
        move.setAttribute("aria-label", form.dataset.downLabel.replace("{n}", -row.moved));
      } else {
        move = text("span", "move move-same", "=");
      }
      li.appendChild(move);
      list.appendChild(li);
    });
    stats.textContent = data.summary;  // worded by the server, in the reader's language
    var peak = Math.max.apply(null, data.histogram.concat([1]));
    histogram.querySelectorAll(".hbar").forEach(function (bar, i) {
      bar.querySelector(".hfill").style.height = (100 * data.histogram[i] / peak) + "%";
      bar.querySelector(".hcount").textContent = data.histogram[i];
    });
    form.dataset.previewed = String(++seq);
  }

  function update() {
    if (inflight) inflight.abort();
    inflight = new AbortController();
    var body = new FormData(form);
    body.delete("action");
    fetch(form.dataset.preview, {
      method: "POST", body: body, credentials: "same-origin", signal: inflight.signal,
      headers: { Accept: "application/json" }
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (res) {
      if (res.ok) { render(res.data); stats.classList.remove("error"); }
      else { stats.textContent = res.data.error || "…"; stats.classList.add("error"); }
    }).catch(function () {});
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  }

  form.addEventListener("input", function (e) {
    if (e.target.classList.contains("weight")) {
      var out = document.getElementById(e.target.id + "-out");
      if (out) out.textContent = e.target.value;
    }
    schedule();
  });
  form.addEventListener("change", schedule);
  update();
})();
