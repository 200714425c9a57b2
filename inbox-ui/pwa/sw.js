// Service worker of the staff app: keeps the app shell (the page and its hashed files) so the app
// opens fast and installs as an app. It never answers for the API, the live room, photos or anything
// else of the Worker: those always go to the network, so what a clerk sees is never stale.
// scripts/build.mjs writes this file to dist/public/sw.js and fills in VERSION and PRECACHE.
const VERSION = "dev";
const PRECACHE = [];
const CACHE = `townwire-shell-${VERSION}`;

/** Only these are ever cached: the page, hashed build files, icons and the manifest. */
function cacheable(url) {
  if (url.origin !== self.location.origin) return false;
  return url.pathname.startsWith("/assets/") || url.pathname.startsWith("/icons/") || url.pathname === "/manifest.webmanifest";
}
/** Never served from the cache (and never stored). */
const LIVE = /^\/(api|parties|webhooks|__dev|cdn-cgi)(\/|$)/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(["/", ...PRECACHE]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("townwire-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || LIVE.test(url.pathname)) return;

  // Pages: always the network first (a new version shows at once); offline, the kept shell.
  if (req.mode === "navigate") {
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok) {
            const copy = res.clone();
            void caches.open(CACHE).then((cache) => cache.put("/", copy));
          }
          return res;
        })
        .catch(() => caches.match("/").then((hit) => hit ?? Response.error())),
    );
    return;
  }

  // Hashed build files never change under their name: the cache first.
  if (cacheable(url)) {
    event.respondWith(
      caches.match(req).then(
        (hit) =>
          hit ??
          fetch(req).then((res) => {
            if (res.ok && url.pathname.startsWith("/assets/")) {
              const copy = res.clone();
              void caches.open(CACHE).then((cache) => cache.put(req, copy));
            }
            return res;
          }),
      ),
    );
  }
});

// Web Push (docs/staff-app.md, "Benachrichtigungen"): the Worker sends {title, body, url, tag}, encrypted
// for this browser only. The text holds at most a citizen's name or a report's category.
self.addEventListener("push", (event) => {
  let data;
  try {
    data = (event.data && event.data.json()) || {};
  } catch {
    data = {};
  }
  const title = typeof data.title === "string" && data.title ? data.title : "townwire";
  const url = typeof data.url === "string" && data.url.startsWith("/") ? data.url : "/";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === "string" ? data.body : "",
      tag: typeof data.tag === "string" ? data.tag : undefined,
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      lang: "de-AT",
      data: { url },
    }),
  );
});

// A tap opens the conversation: in an open window of the app if there is one, else in a new one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = event.notification.data && typeof event.notification.data.url === "string" ? event.notification.data.url : "/";
  const target = new URL(path, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const same = windows.find((w) => w.url === target) ?? windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (same) {
        // The app moves to the conversation itself (no reload): inbox-ui/src/main.tsx listens.
        if (same.url !== target) same.postMessage({ type: "townwire.open", url: path });
        return same.focus();
      }
      return self.clients.openWindow(target);
    }),
  );
});
