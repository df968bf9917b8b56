// Check the CV's size and type in the browser before it is sent, so a candidate on a slow
// phone line never waits for an upload the server would refuse. The server checks again.
(function () {
  "use strict";
  var input = document.querySelector("input[type=file][data-max-bytes]");
  if (!input) return;
  var form = input.form;
  var max = parseInt(input.getAttribute("data-max-bytes"), 10);
  var note = document.getElementById(input.id + "-check");
  var problem = "";

  function show(message) {
    problem = message;
    note.textContent = message;
    note.hidden = !message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
    if (message) input.value = "";  // not sent: the candidate chooses another
  }

  // The same marks the server's sniffer (recruit/core/media.py) starts from: "%PDF-" in the
  // first kilobyte, a zip package (a .docx; the server looks inside it), or a PNG or JPEG
  // picture (a photo of a paper CV, read by OCR).
  function looksLikeCv(bytes) {
    var head = String.fromCharCode.apply(null, bytes);
    return head.indexOf("%PDF-") >= 0 || head.indexOf("PK\u0003\u0004") === 0 ||
      head.indexOf("\u0089PNG") === 0 || head.indexOf("\u00ff\u00d8\u00ff") === 0;
  }

  function check() {
    var file = input.files && input.files[0];
    if (!file) { show(""); return; }
    if (file.size > max) { show(input.getAttribute("data-too-large")); return; }
    if (file.size === 0) { show(input.getAttribute("data-empty")); return; }
    if (!file.slice || !window.FileReader) { show(""); return; }
    var reader = new FileReader();
    reader.onload = function () {
      show(looksLikeCv(new Uint8Array(reader.result)) ? "" : input.getAttribute("data-wrong-type"));
    };
    reader.readAsArrayBuffer(file.slice(0, 1024));
  }

  input.addEventListener("change", check);
  form.addEventListener("submit", function (event) {
    if (problem) { event.preventDefault(); input.focus(); }
  });
})();
