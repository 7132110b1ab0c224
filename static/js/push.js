// "Send reminders to this device": shown only where Web Push works, and the browser's
// permission question is asked only after the button is pressed.
(function () {
  var box = document.querySelector("[data-push]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !window.Notification) return;
  box.hidden = false;
  var button = box.querySelector("[data-push-button]");
  var status = box.querySelector("[data-push-status]");

  function csrf() {
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    return headers["X-CSRFToken"] || "";
  }

  function keyBytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function say(text) { status.textContent = text; }

  button.addEventListener("click", function () {
    button.disabled = true;
    Notification.requestPermission().then(function (answer) {
      if (answer !== "granted") throw new Error("denied");
      return navigator.serviceWorker.register(box.getAttribute("data-sw-url"), { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return fetch(box.getAttribute("data-key-url"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          return registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(data.key)
          });
        });
    }).then(function (subscription) {
      return fetch(box.getAttribute("data-subscribe-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify(subscription)
      });
    }).then(function (response) {
      if (!response.ok) throw new Error("refused");
      window.location.reload();
    }).catch(function (error) {
      button.disabled = false;
      say(error && error.message === "denied" ? box.getAttribute("data-denied") : box.getAttribute("data-unavailable"));
    });
  });
})();
