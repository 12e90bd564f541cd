// Item editor: show the fields of the chosen body type, keep the screen preview up to date.
(function () {
  "use strict";
  var form = document.getElementById("item-form");
  var preview = document.getElementById("preview");
  if (!form || !preview) { return; }

  function showBody() {
    var kind = form.elements.body_type.value;
    form.querySelectorAll("[data-body]").forEach(function (section) {
      var kinds = section.getAttribute("data-body").split(" ");
      section.classList.toggle("d-none", kinds.indexOf(kind) < 0);
    });
  }

  function fit() { window.signageFitPreviews(); }

  var timer = null;
  var pending = null;
  function refresh() {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var data = new FormData(form);
    data.delete("file");
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST", body: data, signal: pending.signal, credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null) { preview.innerHTML = html; fit(); }
    }).catch(function () { /* superseded or offline: keep the last preview */ });
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 350);
  }

  var entries = JSON.parse(form.getAttribute("data-entries") || "{}");
  function applyEntry() {
    var chosen = entries[form.elements.catalog_entry.value];
    if (!chosen) { return; }
    ["category", "timing", "scope"].forEach(function (name) {
      if (name !== "scope" || form.elements.scope.value === "public" || chosen.scope !== "public") {
        form.elements[name].value = chosen[name];
      }
    });
  }

  form.addEventListener("input", later);
  form.addEventListener("change", function (event) {
    if (event.target.name === "body_type") { showBody(); }
    if (event.target.name === "catalog_entry") { applyEntry(); }
    if (event.target.name === "org" && !form.hasAttribute("data-item")) {
      window.location.search = "?org=" + encodeURIComponent(event.target.value);
      return;
    }
    later();
  });
  showBody();
  fit();
}());
