// Scale 1920×1080 screen previews to the width of their frame.
(function () {
  "use strict";
  function fit() {
    document.querySelectorAll(".screen-frame").forEach(function (frame) {
      var screen = frame.querySelector(".screen");
      if (!screen) { return; }
      var scale = frame.clientWidth / 1920;
      screen.style.transform = "scale(" + scale + ")";
      frame.style.height = Math.ceil(1080 * scale) + "px";
    });
  }
  window.signageFitPreviews = fit;
  window.addEventListener("resize", fit);
  fit();
}());
