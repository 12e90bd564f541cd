/* The screen form: the "other size" field only while "other size" is chosen (without a
   script it simply stays visible); choosing it puts the cursor there. */
(function () {
  "use strict";
  var select = document.getElementById("resolution");
  var row = document.getElementById("resolution-custom-row");
  if (!select || !row) { return; }
  function custom() { return select.value === row.getAttribute("data-shown-for"); }
  function update() { row.hidden = !custom(); }
  select.addEventListener("change", function () {
    update();
    var input = row.querySelector("input");
    if (custom() && input) { input.focus(); }
  });
  update();
})();
