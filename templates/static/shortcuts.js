// Keyboard shortcuts for staff lists: j/k move, x ticks, s changes status, ? shows the help.
// On the shortlist j/k move between rows; on a candidate page they open the next/previous one.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#shortlist tbody tr"));
  var help = document.getElementById("shortcuts");
  var current = -1;

  function typing(target) {
    var tag = (target && target.tagName) || "";
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable);
  }

  function move(to) {
    if (!rows.length) return;
    to = Math.max(0, Math.min(rows.length - 1, to));
    if (current >= 0) rows[current].classList.remove("current");
    current = to;
    var row = rows[current];
    row.classList.add("current");
    var link = row.querySelector("a.cand-name");
    if (link) link.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function box(row) { return row && row.querySelector('input[name="ids"]'); }

  function changeStatus() {
    var select = document.getElementById("bulk-status") || document.getElementById("status");
    if (!select) return;
    if (rows.length) {
      if (current < 0) move(0);
      // Only the row in hand: s acts on one candidate, as on the candidate page.
      rows.forEach(function (row, i) { var b = box(row); if (b) b.checked = i === current; });
    }
    select.focus();
  }

  function go(id) {
    var link = document.getElementById(id);
    if (link) window.location.href = link.href;
  }

  function toggleHelp() {
    if (!help) return;
    if (help.open) help.close(); else help.showModal();
  }

  // Focus moved by mouse or Tab into a row: continue from there.
  rows.forEach(function (row, i) {
    row.addEventListener("focusin", function () {
      if (current >= 0 && current !== i) rows[current].classList.remove("current");
      current = i;
      row.classList.add("current");
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key;
    if (key === "?") { toggleHelp(); }
    else if (help && help.open) { return; }
    else if (key === "j") { if (rows.length) move(current + 1); else go("next-candidate"); }
    else if (key === "k") { if (rows.length) move(current < 0 ? 0 : current - 1); else go("previous-candidate"); }
    else if (key === "x" && rows.length) { if (current < 0) move(0); var b = box(rows[current]); if (b) b.checked = !b.checked; }
    else if (key === "s") { changeStatus(); }
    else if (key === "u") { go("back-to-list"); }
    else { return; }
    event.preventDefault();
  });

  var close = document.getElementById("shortcuts-close");
  if (close && help) close.addEventListener("click", function () { help.close(); });
  var open = document.getElementById("shortcuts-open");
  if (open) open.addEventListener("click", toggleHelp);
})();
