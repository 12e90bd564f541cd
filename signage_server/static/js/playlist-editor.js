// The playlist editor: reorder entries by dragging or with the ↑ ↓ buttons, add and remove
// entries and time slots in place. Without this script the same buttons submit the form and
// the server does the same; the order numbers decide the order saved either way.
(function () {
  "use strict";
  var form = document.getElementById("playlist-form");
  var list = document.getElementById("pl-entries");
  if (!form || !list) { return; }
  var status = document.getElementById("pl-status");
  var parts = document.getElementById("pl-dayparts");

  function say(text) {
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function entries() {
    return Array.prototype.slice.call(list.querySelectorAll("li.pl-entry"));
  }

  // Order numbers follow the rows; the first row cannot go up, the last not down.
  function renumber() {
    var rows = entries();
    rows.forEach(function (row, index) {
      var order = row.querySelector(".pl-order");
      if (order) { order.value = String(index + 1); }
      var up = row.querySelector(".pl-up");
      var down = row.querySelector(".pl-down");
      if (up) { up.disabled = index === 0; }
      if (down) { down.disabled = index === rows.length - 1; }
    });
  }

  function flash(row) {
    row.classList.remove("pl-moved");
    void row.offsetWidth;  // restart the animation
    row.classList.add("pl-moved");
  }

  function moved(row, button) {
    renumber();
    flash(row);
    changed();
    var place = entries().indexOf(row) + 1;
    say((form.getAttribute("data-moved") || "{n}").replace("{n}", String(place)));
    if (button) {
      // Keep the keyboard where it was; at the top or bottom, on the other arrow.
      var target = button.disabled
        ? row.querySelector(button.classList.contains("pl-up") ? ".pl-down" : ".pl-up")
        : button;
      if (target && !target.disabled) { target.focus(); }
    }
  }

  function move(row, by, button) {
    if (by < 0 && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling);
    } else if (by > 0 && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
    } else {
      return;
    }
    moved(row, button);
  }

  // A new row from its template: field numbers the form does not use yet.
  var next = 0;
  form.querySelectorAll("[name]").forEach(function (field) {
    var found = /^(?:entry|daypart)-(\d+)-/.exec(field.name);
    if (found) { next = Math.max(next, Number(found[1]) + 1); }
  });
  function fromTemplate(id) {
    var template = document.getElementById(id);
    var n = String(next++);
    var html = template.innerHTML.replace(/__n__/g, n);
    var holder = document.createElement("div");
    holder.innerHTML = html;
    return holder.firstElementChild;
  }

  // Any change after a preview makes it stale: it must be previewed again before saving.
  var confirm = document.getElementById("pl-confirm");
  function changed() {
    if (!confirm || confirm.disabled) { return; }
    confirm.disabled = true;
    var note = form.querySelector(".pl-stale");
    if (note) {
      note.textContent = form.getAttribute("data-stale") || "";
      note.hidden = false;
    }
    var preview = document.getElementById("pl-preview");
    if (preview) { preview.classList.add("opacity-50"); preview.setAttribute("data-stale", "yes"); }
  }
  form.addEventListener("input", function (event) {
    if (!event.target.classList.contains("pl-order")) { changed(); }
  });
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.classList.contains("pl-order")) { changed(); return; }
    // Typing an order number moves the row there.
    var row = target.closest("li.pl-entry");
    var rows = entries();
    var wanted = parseInt(target.value, 10);
    if (!row || isNaN(wanted)) { renumber(); return; }
    wanted = Math.max(1, Math.min(rows.length, wanted));
    var current = rows.indexOf(row) + 1;
    if (wanted === current) { renumber(); return; }
    rows.splice(current - 1, 1);
    var before = rows[wanted - 1];
    list.insertBefore(row, before || null);
    moved(row, null);
    target.focus();
  });

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !form.contains(button)) { return; }
    var row = button.closest("li.pl-entry");
    if (button.classList.contains("pl-up") && row) {
      event.preventDefault();
      move(row, -1, button);
    } else if (button.classList.contains("pl-down") && row) {
      event.preventDefault();
      move(row, 1, button);
    } else if (button.classList.contains("pl-remove")) {
      event.preventDefault();
      var gone = row || button.closest("fieldset.pl-daypart");
      if (!gone) { return; }
      var after = gone.nextElementSibling || gone.previousElementSibling;
      gone.remove();
      renumber();
      changed();
      say(form.getAttribute("data-removed") || "");
      var focus = after && after.querySelector("select, input");
      if (focus) {
        focus.focus();
      } else {
        var add = form.querySelector(row ? "[data-add='entry']" : "[data-add='daypart']");
        if (add) { add.focus(); }
      }
    } else if (button.getAttribute("data-add") === "entry") {
      event.preventDefault();
      var entry = fromTemplate("pl-entry-template");
      list.appendChild(entry);
      renumber();
      changed();
      say(form.getAttribute("data-added") || "");
      entry.querySelector("select").focus();
    } else if (button.getAttribute("data-add") === "daypart" && parts) {
      event.preventDefault();
      var part = fromTemplate("pl-daypart-template");
      parts.appendChild(part);
      changed();
      part.querySelector("input").focus();
    }
  });

  // Dragging by the handle (⠿): the row follows the pointer; dropping keeps the new place.
  var dragged = null;
  function clearMarks() {
    entries().forEach(function (row) { row.classList.remove("pl-drop-before", "pl-drop-after"); });
  }
  list.addEventListener("pointerdown", function (event) {
    var handle = event.target.closest(".pl-handle");
    var row = handle && handle.closest("li.pl-entry");
    if (row) { row.setAttribute("draggable", "true"); }
  });
  list.addEventListener("dragstart", function (event) {
    var row = event.target.closest && event.target.closest("li.pl-entry");
    if (!row || row.getAttribute("draggable") !== "true") { event.preventDefault(); return; }
    dragged = row;
    row.classList.add("pl-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "");
  });
  list.addEventListener("dragover", function (event) {
    if (!dragged) { return; }
    var row = event.target.closest("li.pl-entry");
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearMarks();
    if (!row || row === dragged) { return; }
    var box = row.getBoundingClientRect();
    row.classList.add(event.clientY < box.top + box.height / 2 ? "pl-drop-before" : "pl-drop-after");
  });
  list.addEventListener("drop", function (event) {
    if (!dragged) { return; }
    event.preventDefault();
    var row = event.target.closest("li.pl-entry");
    if (row && row !== dragged) {
      var box = row.getBoundingClientRect();
      list.insertBefore(dragged, event.clientY < box.top + box.height / 2 ? row : row.nextElementSibling);
      moved(dragged, null);
    }
  });
  list.addEventListener("dragend", function () {
    clearMarks();
    if (dragged) {
      dragged.classList.remove("pl-dragging");
      dragged.removeAttribute("draggable");
    }
    dragged = null;
  });

  renumber();
}());
