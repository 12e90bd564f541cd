// The screen wall: live updates from the /admin namespace. Each "screens" event (a list) rewrites what
// its tile says, in the words the page was rendered with (data-* of #wall): online or
// "last shown … (offline since …)", the title it shows, last seen, whether it is up to date,
// its power by schedule ("off by schedule until 07:00" instead of "offline"), and its box's
// news: a new snapshot, a change of the reasons it needs attention.
(function () {
  "use strict";
  var wall = document.getElementById("wall");
  var badge = document.getElementById("wall-live");
  if (!wall || typeof io === "undefined") { return; }
  var lang = document.documentElement.lang || "zh-CN";
  var zh = lang.indexOf("zh") === 0;
  var words = zh ? {live: "实时", off: "未连接"} : {live: "live", off: "not connected"};
  var text = wall.dataset;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // "yyyy-MM-dd HH:mm" in the site's time zone, as the server writes it.
  function formatWhen(iso) {
    var moment = new Date(iso);
    if (isNaN(moment.getTime())) { return ""; }
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-GB", {
        timeZone: text.tz || undefined, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23"
      }).formatToParts(moment).forEach(function (p) { parts[p.type] = p.value; });
      return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
    } catch (e) {
      return moment.getFullYear() + "-" + pad(moment.getMonth() + 1) + "-" + pad(moment.getDate()) +
        " " + pad(moment.getHours()) + ":" + pad(moment.getMinutes());
    }
  }

  function freshnessText(key) {
    // data-fresh-up-to-date → dataset.freshUpToDate
    var name = "fresh" + key.split("_").map(function (w) {
      return w.charAt(0).toUpperCase() + w.slice(1);
    }).join("");
    return text[name] || "";
  }

  // data-flag-disk-full → dataset.flagDiskFull
  function flagText(key) {
    return text["flag" + key.split("_").map(function (w) {
      return w.charAt(0).toUpperCase() + w.slice(1);
    }).join("")] || key;
  }

  // The box's news (fleet.news): a new snapshot, or a change of its health flags.
  function updateFleet(card, screen, fleet) {
    var tile = card.querySelector(".fleet-tile");
    if (!tile) { return; }
    if (fleet.attention) {
      var line = tile.querySelector(".fleet-attention-line");
      if (!line && fleet.attention.length) {
        var badge = document.createElement("span");
        badge.className = "badge text-bg-warning fleet-attention";
        badge.textContent = text.textNeedsAttention || "";
        var reasons = document.createElement("span");
        reasons.className = "small fleet-reasons";
        line = document.createElement("p");
        line.className = "mb-2 fleet-attention-line";
        line.append(badge, " ", reasons);
        tile.prepend(line);
      }
      if (line) {
        line.querySelector(".fleet-reasons").textContent = fleet.attention.map(flagText).join("; ");
        line.hidden = fleet.attention.length === 0;
      }
    }
    if (typeof fleet.agent === "boolean") {
      tile.setAttribute("data-agent", fleet.agent ? "yes" : "no");
    }
    // The image only for those who may see the screen's content (the image route says so too).
    if (fleet.snapshot && tile.getAttribute("data-visible") === "yes") {
      var shot = fleet.snapshot;
      var url = (text.snapshotUrl || "").replace("{screen}", screen.id).replace("{snapshot}", shot.id);
      var name = card.querySelector("h2 a") ? card.querySelector("h2 a").textContent : "";
      var img = document.createElement("img");
      img.src = url;
      img.alt = (text.textSnapshotOf || "").replace("{name}", name);
      img.width = shot.width;
      img.height = shot.height;
      var link = document.createElement("a");
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener";
      link.appendChild(img);
      var when = document.createElement("span");
      when.className = "fleet-snapshot-time";
      when.textContent = formatWhen(shot.taken_at);
      var caption = document.createElement("figcaption");
      caption.className = "small text-secondary";
      caption.append((text.textSnapshot || "") + " · ", when);
      var figure = document.createElement("figure");
      figure.className = "fleet-snapshot mb-0";
      figure.append(link, caption);
      tile.querySelector(".fleet-shot").replaceChildren(figure);
    }
  }

  function update(card, screen) {
    if (screen.fleet) { updateFleet(card, screen, screen.fleet); }
    if (screen.presence === undefined && screen.online === undefined) { return; }
    var presence = screen.presence || (screen.online ? "online" : (screen.last_seen_at ? "offline" : "never"));
    card.setAttribute("data-online", screen.online ? "yes" : "no");
    card.setAttribute("data-presence", presence);
    var online = card.querySelector(".screen-online");
    online.textContent = screen.online ? text.textOnline : text.textOffline;
    online.className = "badge screen-online " + (screen.online ? "text-bg-success" : "text-bg-secondary");
    // 定时开关屏: a screen off by its schedule reads "off by schedule until 07:00", not "offline".
    var power = screen.power ? screen.power.state : "on";
    var badge = card.querySelector(".screen-power");
    if (badge) {
      badge.setAttribute("data-power", power);
      badge.className = "badge screen-power power-" + power;
      badge.hidden = power === "on";
      badge.textContent = power === "woken" ? text.textPowerWoken
        : power === "off" ? (screen.power.until_text
          ? (text.textPowerOffUntil || "").replace("{time}", screen.power.until_text)
          : text.textPowerOff)
        : "";
    }
    online.hidden = power === "off" && !screen.online;

    card.querySelector(".screen-showing-label").textContent =
      presence === "online" ? text.textShowing : text.textLastShown;
    card.querySelector(".screen-current").textContent = screen.current_title || "—";
    var since = card.querySelector(".screen-offline-since");
    if (presence === "offline") {
      since.textContent = (text.textOfflineSince || "").replace("{when}", formatWhen(screen.last_seen_at));
      since.hidden = false;
    } else if (presence === "never") {
      since.textContent = text.textNever || "";
      since.hidden = false;
    } else {
      since.textContent = "";
      since.hidden = true;
    }

    if (screen.last_seen_at) {
      var seen = card.querySelector(".screen-seen");
      var time = document.createElement("time");
      time.setAttribute("datetime", screen.last_seen_at);
      time.textContent = formatWhen(screen.last_seen_at);
      seen.replaceChildren(time);
    }
    var fresh = card.querySelector(".screen-freshness");
    if (fresh && screen.freshness) {
      fresh.textContent = freshnessText(screen.freshness);
      fresh.className = "screen-freshness fresh-" + screen.freshness;
    }
    var code = card.querySelector(".version-code");
    if (code && screen.manifest_version) {
      code.textContent = screen.manifest_version.slice(0, 8);
    }
  }

  var socket = io("/admin", {path: "/socket.io", transports: ["websocket", "polling"]});
  socket.on("connect", function () { badge.textContent = words.live; badge.className = "badge text-bg-success"; });
  socket.on("disconnect", function () { badge.textContent = words.off; badge.className = "badge text-bg-secondary"; });
  socket.on("screens", function (screens) {
    screens.forEach(function (screen) {
      var card = wall.querySelector('[data-screen="' + screen.id + '"]');
      if (card) { update(card, screen); }
    });
  });
}());
