// Scale an embedded screen preview (an iframe at the screen's own size) to its column.
(function () {
  "use strict";
  function fit() {
    document.querySelectorAll(".preview-frame").forEach(function (box) {
      var frame = box.querySelector("iframe");
      var width = parseInt(box.getAttribute("data-width"), 10) || 1920;
      var height = parseInt(box.getAttribute("data-height"), 10) || 1080;
      var scale = box.clientWidth / width;
      frame.style.width = width + "px";
      frame.style.height = height + "px";
      frame.style.transform = "scale(" + scale + ")";
      box.style.height = Math.ceil(height * scale) + "px";
    });
  }
  window.addEventListener("resize", fit);
  fit();
}());
