// Item editor: show the fields of the chosen body type; preview the content on every layout of
// the screens it would reach, each page as the real player paginates it (one frame per layout:
// /items/preview/player?all_pages=1, handed its manifest by this page).
(function () {
  "use strict";
  var form = document.getElementById("item-form");
  var section = document.getElementById("preview");
  if (!form || !section) { return; }
  var list = document.getElementById("preview-layouts");
  var summary = document.getElementById("preview-summary");
  var problem = document.getElementById("preview-problem");

  function showBody() {
    var kind = form.elements.body_type.value;
    form.querySelectorAll("[data-body]").forEach(function (part) {
      var kinds = part.getAttribute("data-body").split(" ");
      part.classList.toggle("d-none", kinds.indexOf(kind) < 0);
    });
  }

  // layout name -> {figure, iframe, caption, count, manifest}
  var frames = {};

  function adopt(figure) {
    var frame = {
      figure: figure,
      iframe: figure.querySelector("iframe"),
      caption: figure.querySelector("figcaption strong"),
      count: figure.querySelector(".preview-count"),
      manifest: null
    };
    frames[figure.getAttribute("data-layout")] = frame;
    return frame;
  }

  function create(layout) {
    var figure = document.createElement("figure");
    figure.className = "preview-layout";
    figure.setAttribute("data-layout", layout.name);
    var caption = document.createElement("figcaption");
    caption.className = "small mb-1";
    caption.appendChild(document.createElement("strong"));
    caption.appendChild(document.createTextNode(" · "));
    var count = document.createElement("span");
    count.className = "preview-count";
    caption.appendChild(count);
    figure.appendChild(caption);
    var iframe = document.createElement("iframe");
    iframe.src = layout.player_url;
    iframe.title = layout.caption;
    figure.appendChild(iframe);
    return adopt(figure);
  }

  // Sent whenever it changes, and again when the frame's player says it listens (a message
  // sent before is lost, but then the player was not listening yet and will say so).
  function send(frame) {
    if (frame.manifest && frame.iframe.contentWindow) {
      frame.iframe.contentWindow.postMessage(
        { type: "signage-preview-manifest", manifest: frame.manifest }, location.origin);
    }
  }

  function countText(pages, layout) {
    if (layout === "ticker") { return section.getAttribute("data-ticker"); }
    if (pages === 1) { return section.getAttribute("data-one-page"); }
    return section.getAttribute("data-pages").replace("{n}", String(pages));
  }

  function show(data) {
    summary.textContent = data.summary;
    summary.className = data.reached ? "small mb-2 text-secondary"
      : "small mb-2 alert alert-warning py-2";
    problem.textContent = data.problem || "";
    problem.classList.toggle("d-none", !data.problem);
    var wanted = data.layouts.map(function (layout) { return layout.name; });
    Object.keys(frames).forEach(function (name) {
      if (wanted.indexOf(name) < 0) {
        list.removeChild(frames[name].figure);
        delete frames[name];
      }
    });
    data.layouts.forEach(function (layout, index) {
      var frame = frames[layout.name];
      if (!frame) {
        // In the server's order; figures already there stay put (moving a frame reloads it).
        frame = create(layout);
        var next = null;
        for (var i = index + 1; i < wanted.length && !next; i++) {
          next = frames[wanted[i]] ? frames[wanted[i]].figure : null;
        }
        list.insertBefore(frame.figure, next);
      }
      frame.caption.textContent = layout.caption;
      frame.manifest = layout.manifest;
      send(frame);
    });
  }

  // The players tell when they listen, and how many pages and how much height they need.
  window.addEventListener("message", function (event) {
    var d = event.data;
    if (event.origin !== location.origin || !d) { return; }
    Object.keys(frames).forEach(function (name) {
      var frame = frames[name];
      if (frame.iframe.contentWindow !== event.source) { return; }
      if (d.type === "signage-preview-ready") {
        send(frame);
      } else if (d.type === "signage-preview-pages") {
        frame.iframe.style.height = d.height + "px";
        frame.figure.setAttribute("data-pages", String(d.pages));
        frame.count.textContent = countText(d.pages, name);
      }
    });
  });

  list.querySelectorAll("figure[data-layout]").forEach(adopt);
  var initial = JSON.parse(section.getAttribute("data-initial") || "null");
  if (initial) { show(initial); }

  var timer = null;
  var pending = null;
  function refresh() {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var data = new FormData(form);
    data.delete("file");
    data.delete("sheet_file");
    if (form.hasAttribute("data-item")) { data.set("item", form.getAttribute("data-item")); }
    fetch(section.getAttribute("data-url"), {
      method: "POST", body: data, signal: pending.signal, credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (found) {
      if (found) { show(found); }
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

  // Saving: no preview may still be on its way. Its answer would carry the session cookie as
  // it was before the save, and the browser would keep that one: the "draft saved" message
  // of the save's answer would be lost.
  form.addEventListener("submit", function () {
    clearTimeout(timer);
    if (pending) { pending.abort(); }
  });
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
}());
