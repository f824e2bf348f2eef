/* The chat console: new messages of the open chat appear without reloading, and the queue
   refreshes; a poll answered 204 costs one indexed row. Slower while the tab is hidden. */
(function () {
  "use strict";
  var SECONDS = 4, HIDDEN_SECONDS = 30, LISTS_EVERY = 3;
  var timer = null, round = 0;

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(tick, ms === undefined ? 1000 * (document.hidden ? HIDDEN_SECONDS : SECONDS) : ms);
  }

  function pollChat(section) {
    var url = section.getAttribute("data-poll-url") + "?after=" + encodeURIComponent(section.getAttribute("data-after"));
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.status !== 200) { return; }
      var status = response.headers.get("X-Chat-Status");
      if (status && status !== section.getAttribute("data-status")) {
        var typing = document.querySelector("#chat-reply textarea");
        if (!typing || !typing.value) { window.location.reload(); return; }
      }
      var last = response.headers.get("X-Chat-Last");
      return response.text().then(function (html) {
        var list = section.querySelector("#chat-messages");
        var holder = document.createElement("ol");
        holder.innerHTML = html;
        Array.prototype.slice.call(holder.children).forEach(function (item) {
          if (!document.getElementById(item.id)) { list.appendChild(item); }
        });
        if (last) { section.setAttribute("data-after", last); }
        list.scrollTop = list.scrollHeight;
      });
    });
  }

  function pollLists(console_) {
    return fetch(console_.getAttribute("data-lists-url"), { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) { return; }
      return response.text().then(function (html) {
        var lists = document.getElementById("chat-lists");
        if (lists && !lists.contains(document.activeElement)) { lists.innerHTML = html; }
      });
    });
  }

  function tick() {
    var console_ = document.getElementById("chat-console");
    var section = document.querySelector("[data-chat-console-chat]");
    var work = [];
    if (section) { work.push(pollChat(section)); }
    if (console_ && round % LISTS_EVERY === 0) { work.push(pollLists(console_)); }
    round += 1;
    Promise.all(work).then(function () { schedule(); }, function () { schedule(1000 * HIDDEN_SECONDS); });
  }

  document.addEventListener("visibilitychange", function () { schedule(document.hidden ? undefined : 0); });
  document.addEventListener("DOMContentLoaded", function () {
    var list = document.querySelector("#chat-current #chat-messages");
    if (list) { list.scrollTop = list.scrollHeight; }
    if (document.getElementById("chat-console")) { schedule(); }
  });
})();
