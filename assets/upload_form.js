/* The /data page's file field. Dash has no file input that a plain form posts (dcc.Upload
   reads the file into base64 and sends it through a callback, which a 50 MB file should not
   go through), so the page draws an empty box (.data-file-box, with the input's attributes as
   data-*) and this puts the browser's own file input in it: picked or dropped, the file then
   goes with the form's multipart POST to /data/upload. */
(function () {
  "use strict";
  function fill(box) {
    if (box.querySelector("input[type=file]")) { return; }
    var input = document.createElement("input");
    input.type = "file";
    input.name = "file";
    input.id = box.getAttribute("data-input-id") || "data-file";
    input.accept = box.getAttribute("data-accept") || "";
    input.required = true;
    box.appendChild(input);
  }
  /* A file dropped anywhere on the dashed box (not only on the small native button) is the
     file the form sends. */
  function dropTarget(box) {
    var area = box.closest(".data-drop") || box;
    if (area.getAttribute("data-drop-ready")) { return; }
    area.setAttribute("data-drop-ready", "1");
    area.addEventListener("dragover", function (event) {
      event.preventDefault();
      area.classList.add("dragging");
    });
    area.addEventListener("dragleave", function () { area.classList.remove("dragging"); });
    area.addEventListener("drop", function (event) {
      event.preventDefault();
      area.classList.remove("dragging");
      var input = box.querySelector("input[type=file]");
      if (input && event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        input.dispatchEvent(new Event("change", {bubbles: true}));
      }
    });
  }
  function scan() {
    var boxes = document.querySelectorAll(".data-file-box");
    for (var i = 0; i < boxes.length; i += 1) { fill(boxes[i]); dropTarget(boxes[i]); }
  }
  new MutationObserver(scan).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", scan);
}());
