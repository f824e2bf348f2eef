/* Live chat: short polling of the chat window, forms sent in place, and the floating
   "Chat with us" panel on every page. Without JavaScript the launcher is a plain link to the
   chat page, and the chat page works with ordinary form posts (see docs/contact-centre.md). */
(function () {
  "use strict";
  var PANEL_HEADER = { "X-Chat-Panel": "1" };
  var STORE_KEY = "dukkan-chat-panel";
  var timer = null;
  var active = null; // {container, panel}

  function seconds(panel, name, fallback) {
    var value = parseInt(panel.getAttribute(name), 10);
    return value > 0 ? value : fallback;
  }

  function delay(panel) {
    return 1000 * (document.hidden
      ? seconds(panel, "data-hidden-seconds", 30)
      : seconds(panel, "data-poll-seconds", 4));
  }

  function schedule(ms) {
    clearTimeout(timer);
    if (!active) { return; }
    timer = setTimeout(poll, ms === undefined ? delay(active.panel) : ms);
  }

  function scrollDown(panel) {
    var list = panel.querySelector("#chat-messages");
    if (list) { list.scrollTop = list.scrollHeight; }
  }

  function show(container, html, keepText) {
    var typed = keepText && container.querySelector("textarea[name=body]");
    var text = typed ? typed.value : "";
    container.innerHTML = html;
    var fresh = container.querySelector("textarea[name=body]");
    if (fresh && text && !fresh.value && !container.querySelector("[role=alert]")) { fresh.value = text; }
    start(container);
  }

  function load(container, url, options) {
    options = Object.assign({}, options || {});
    var keepText = options.keepText;
    delete options.keepText;
    options.headers = Object.assign({}, PANEL_HEADER, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      if (container.id === "chat-dock-body") {
        try { sessionStorage.setItem(STORE_KEY, response.url); } catch (e) { /* private mode */ }
      }
      return response.text().then(function (html) { show(container, html, keepText); });
    });
  }

  function poll() {
    if (!active) { return; }
    var panel = active.panel;
    var base = panel.getAttribute("data-poll-url");
    var url = base + (base.indexOf("?") < 0 ? "?" : "&") + "after=" + encodeURIComponent(panel.getAttribute("data-after"));
    fetch(url, { headers: PANEL_HEADER, credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!active || active.panel !== panel) { return; }
      if (response.status === 204) { schedule(); return; }
      if (!response.ok) { schedule(1000 * seconds(panel, "data-hidden-seconds", 30)); return; }
      var status = response.headers.get("X-Chat-Status");
      var last = response.headers.get("X-Chat-Last");
      return response.text().then(function (html) {
        if (status && status !== panel.getAttribute("data-status")) {
          // A person joined, the chat moved or ended: the controls change, so fetch the panel.
          return load(active.container, panel.getAttribute("data-panel-url"), { keepText: true });
        }
        var list = panel.querySelector("#chat-messages");
        var holder = document.createElement("ol");
        holder.innerHTML = html;
        Array.prototype.slice.call(holder.children).forEach(function (item) {
          if (!document.getElementById(item.id)) { list.appendChild(item); }
        });
        if (last) { panel.setAttribute("data-after", last); }
        scrollDown(panel);
        schedule();
      });
    }).catch(function () { schedule(1000 * seconds(panel, "data-hidden-seconds", 30)); });
  }

  function start(container) {
    var panel = container.querySelector("[data-chat-panel]");
    clearTimeout(timer);
    active = panel ? { container: container, panel: panel } : null;
    if (panel) { scrollDown(panel); schedule(); }
  }

  function sendInPlace(container) {
    container.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") { return; }
      event.preventDefault();
      var data = new FormData(form, event.submitter || undefined);
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
      load(container, form.action, { method: "POST", body: data }).catch(function () { form.submit(); });
    });
  }

  function openDock(url) {
    var dock = document.getElementById("chat-dock");
    var body = document.getElementById("chat-dock-body");
    if (!dock || !body) { return false; }
    dock.hidden = false;
    document.getElementById("chat-launcher").setAttribute("aria-expanded", "true");
    load(body, url).catch(function () { window.location.href = url; });
    return true;
  }

  function closeDock() {
    var dock = document.getElementById("chat-dock");
    dock.hidden = true;
    document.getElementById("chat-dock-body").innerHTML = "";
    document.getElementById("chat-launcher").setAttribute("aria-expanded", "false");
    try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* private mode */ }
    clearTimeout(timer);
    active = null;
  }

  document.addEventListener("visibilitychange", function () {
    // Slower while hidden; at once on coming back.
    if (active) { schedule(document.hidden ? undefined : 0); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.querySelector(".chat-page");
    var launcher = document.getElementById("chat-launcher");
    if (page) {
      if (launcher) { launcher.hidden = true; }
      sendInPlace(page);
      start(page);
      return;
    }
    if (!launcher) { return; }
    var body = document.getElementById("chat-dock-body");
    sendInPlace(body);
    launcher.setAttribute("aria-controls", "chat-dock");
    launcher.setAttribute("aria-expanded", "false");
    launcher.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      if (openDock(launcher.href)) { event.preventDefault(); }
    });
    document.getElementById("chat-dock-close").addEventListener("click", closeDock);
    var saved = null;
    try { saved = sessionStorage.getItem(STORE_KEY); } catch (e) { /* private mode */ }
    if (saved && saved.indexOf(window.location.origin + "/") === 0) { openDock(saved); }
  });
})();
