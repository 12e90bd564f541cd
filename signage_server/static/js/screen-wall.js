// The screen wall: live updates from the /admin namespace (online state, acknowledged version).
(function () {
  "use strict";
  var wall = document.getElementById("wall");
  var badge = document.getElementById("wall-live");
  if (!wall || typeof io === "undefined") { return; }
  var lang = document.documentElement.lang || "zh-CN";
  var zh = lang.indexOf("zh") === 0;
  var words = zh
    ? {online: "在线", offline: "离线", live: "实时", off: "未连接", fresh: "已更新", updating: "更新中…", revoked: "令牌已撤销"}
    : {online: "online", offline: "offline", live: "live", off: "not connected", fresh: "up to date", updating: "updating…", revoked: "token revoked"};

  var socket = io("/admin", {path: "/socket.io", transports: ["websocket", "polling"]});
  socket.on("connect", function () { badge.textContent = words.live; badge.className = "badge text-bg-success"; });
  socket.on("disconnect", function () { badge.textContent = words.off; badge.className = "badge text-bg-secondary"; });
  socket.on("screen", function (screen) {
    var card = wall.querySelector('[data-screen="' + screen.id + '"]');
    if (!card) { return; }
    card.setAttribute("data-online", screen.online ? "yes" : "no");
    var online = card.querySelector(".screen-online");
    online.textContent = screen.online ? words.online : words.offline;
    online.className = "badge screen-online " + (screen.online ? "text-bg-success" : "text-bg-secondary");
    if (screen.last_seen_at) {
      var seen = new Date(screen.last_seen_at);
      card.querySelector(".screen-seen").textContent = seen.toLocaleString(lang, {hour12: false});
    }
    var version = card.querySelector(".screen-version");
    var state = screen.revoked ? words.revoked : (screen.up_to_date ? words.fresh : words.updating);
    version.textContent = state + " " + (screen.manifest_version || "").slice(0, 8);
  });
}());
