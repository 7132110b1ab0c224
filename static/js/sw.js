// Kithkin's service worker.
//
// What it keeps on the device: the offline page, the "Need support now?" page and
// files under /static/. Both pages are fetched without cookies, so the copies hold
// nothing about anyone. Nothing else is ever cached: pages are always asked of the
// network first, and the API and everything personal go straight to the network.
var VERSION = "1";
var PAGES = "kithkin-pages-" + VERSION;
var STATIC = "kithkin-static-" + VERSION;
var OFFLINE_URL = "/offline/";
var SUPPORT_URL = "/support/";

function anonymous(url) {
  return fetch(url, { credentials: "omit", cache: "no-store" }).then(function (response) {
    if (!response.ok) throw new Error(url + " answered " + response.status);
    return response;
  });
}

// The /static/ files a kept page links to, so it looks right offline.
function staticLinks(html) {
  var found = [];
  var pattern = /(?:href|src)="(\/static\/[^"#?]+)"/g;
  var match;
  while ((match = pattern.exec(html)) !== null) {
    if (found.indexOf(match[1]) === -1) found.push(match[1]);
  }
  return found;
}

function keepPage(pages, url, required) {
  return anonymous(url).then(function (response) {
    return response.clone().text().then(function (html) {
      return pages.put(url, response).then(function () { return staticLinks(html); });
    });
  }).catch(function (error) {
    if (required) throw error;
    return [];
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(PAGES).then(function (pages) {
    return Promise.all([keepPage(pages, OFFLINE_URL, true), keepPage(pages, SUPPORT_URL, false)]);
  }).then(function (lists) {
    var assets = lists[0].concat(lists[1]).filter(function (url, i, all) { return all.indexOf(url) === i; });
    return caches.open(STATIC).then(function (cache) { return cache.addAll(assets); });
  }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("kithkin-") === 0 && name !== PAGES && name !== STATIC;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () {
    return self.clients.claim();
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    // Network first; the kept pages only when the network can't be reached.
    event.respondWith(fetch(request).catch(function () {
      var kept = url.pathname === SUPPORT_URL ? SUPPORT_URL : OFFLINE_URL;
      return caches.open(PAGES).then(function (pages) {
        return pages.match(kept).then(function (page) { return page || pages.match(OFFLINE_URL); });
      }).then(function (page) { return page || Response.error(); });
    }));
    return;
  }

  if (url.pathname.indexOf("/static/") === 0) {
    // Cache first for static files (their names change when their content does).
    event.respondWith(caches.open(STATIC).then(function (cache) {
      return cache.match(request).then(function (hit) {
        if (hit) return hit;
        return fetch(request).then(function (response) {
          if (response.ok && response.type === "basic") cache.put(request, response.clone());
          return response;
        });
      });
    }));
  }
  // Anything else: left to the network, never kept.
});

// Reminders sent by Web Push, and opening the page they point to (Today by default)
// when one is tapped.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data.text() }; }
  event.waitUntil(self.registration.showNotification(data.title || "Kithkin", {
    body: data.body || "",
    icon: "/static/img/kithkin.svg",
    data: { url: data.url || "/today/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/today/";
  if (url.charAt(0) !== "/") url = "/today/";
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if ("focus" in list[i]) return list[i].navigate(url).then(function (c) { return c && c.focus(); });
    }
    return self.clients.openWindow(url);
  }));
});
