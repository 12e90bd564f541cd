/* The screen form: the "other size" field only while "other size" is chosen (without a
   script it simply stays visible). */
(function () {
  "use strict";
  var select = document.getElementById("resolution");
  var row = document.getElementById("resolution-custom-row");
  if (!select || !row) { return; }
  function update() {
    var custom = select.value === row.getAttribute("data-shown-for");
    row.hidden = !custom;
    if (custom && document.activeElement === select) {
      var input = row.querySelector("input");
      if (input) { input.focus(); }
    }
  }
  select.addEventListener("change", update);
  update();
})();
