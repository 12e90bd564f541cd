// The screen wall: live updates from the /admin namespace. Each "screens" event (a list) rewrites what
// its tile says, in the words the page was rendered with (data-* of #wall): online or
// "last shown … (offline since …)", the title it shows, last seen, whether it is up to date,
// and its power by schedule ("off by schedule until 07:00" instead of "offline").
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

  function update(card, screen) {
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
