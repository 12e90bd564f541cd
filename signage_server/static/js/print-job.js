// Print jobs: every element with data-print-job (the job page, the open jobs of the list) polls
// its job's JSON every second and moves its progress bar (aria-valuenow, a width class, the
// percentage), its state badge and its status line. When a job ends, the page is loaded again
// so that it shows what the server renders for a finished job (download, files, failures).
// Without this script the page shows the state when it was loaded, and a "Refresh" link.
(function () {
  "use strict";
  var STEP = 5;
  var INTERVAL = 1000;
  var jobs = Array.prototype.slice.call(document.querySelectorAll("[data-print-job]"));
  if (!jobs.length || !window.fetch) { return; }

  function widthClass(percent) {
    return "print-bar-" + Math.floor(Math.max(0, Math.min(100, percent)) / STEP) * STEP;
  }

  function show(element, job) {
    var progress = element.querySelector("[data-role=progress]");
    var bar = element.querySelector("[data-role=bar]");
    var badge = element.querySelector("[data-role=state]");
    var status = element.querySelector("[data-role=status]");
    if (progress && bar) {
      progress.setAttribute("aria-valuenow", String(job.percent));
      Array.prototype.slice.call(bar.classList).forEach(function (name) {
        if (name.indexOf("print-bar-") === 0) { bar.classList.remove(name); }
      });
      bar.classList.add(widthClass(job.percent));
      bar.textContent = job.percent + "%";
    }
    if (badge) {
      badge.textContent = job.state_label;
      badge.className = badge.className.replace(/print-state-\w+/, "print-state-" + job.state);
    }
    if (status) { status.textContent = job.status; }
    element.setAttribute("data-state", job.state);
  }

  var reloading = false;
  function poll(element) {
    fetch(element.getAttribute("data-print-job"), {
      credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (job) {
      if (!job) { return; }
      show(element, job);
      if (job.finished) {
        element.removeAttribute("data-print-job");
        if (!reloading) { reloading = true; window.location.reload(); }
      }
    }).catch(function () { /* offline for a moment: try again at the next tick */ });
  }

  function tick() {
    var open = jobs.filter(function (element) { return element.hasAttribute("data-print-job"); });
    open.forEach(poll);
    if (open.length) { window.setTimeout(tick, INTERVAL); }
  }
  window.setTimeout(tick, INTERVAL);
})();
