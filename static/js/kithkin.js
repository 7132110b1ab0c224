// After htmx swaps part of a page, move keyboard and screen-reader focus to the new
// content's marked heading, the way a full page load would start at the top.
document.addEventListener("htmx:afterSettle", function (event) {
  var id = event.detail.target && event.detail.target.id;
  var swapped = id && document.getElementById(id);
  var heading = swapped && swapped.querySelector("[data-focus-after-swap]");
  if (heading) heading.focus();
});

// Copy buttons: shown only when the browser can copy; the text stays selectable
// and the share links work either way.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    navigator.clipboard.writeText(source.innerText.trim()).then(function () {
      button.textContent = button.getAttribute("data-copied") || "Copied";
    });
  });
});

// Installable app: the service worker keeps the offline page, the support page and
// the static files on the device (never a personal page). Its address is on the
// manifest link so it is named in one place.
(function () {
  var link = document.querySelector("link[rel=manifest][data-service-worker]");
  if (!link || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(link.getAttribute("data-service-worker"), { scope: "/" })
    .catch(function () { /* the site works without it */ });
})();

// "Try again" on the offline page.
document.querySelectorAll("[data-reload]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.location.reload(); });
});
