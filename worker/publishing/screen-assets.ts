// The info screen's script and the public pages' style, served by the Worker (worker/routes/anzeige.ts)
// so the page needs nothing from the staff app's build. The script polls /feed.json with its ETag
// (a 304 costs next to nothing) and builds the page with textContent only: no HTML from the feed runs.

/** An alert stays pinned on top for this long after it started. */
export const ALERT_PIN_HOURS = 24;

export const SCREEN_SCRIPT = `"use strict";
(function () {
  var main = document.getElementById("items");
  var statusBar = document.getElementById("status");
  var clock = document.getElementById("clock");
  var refresh = Math.max(2, Number(main.getAttribute("data-refresh")) || 30) * 1000;
  var timeFmt = new Intl.DateTimeFormat("de-AT", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Vienna" });
  var dateFmt = new Intl.DateTimeFormat("de-AT", { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Vienna" });
  var lastEtag = null;
  var lastOk = null;
  var PIN_MS = ${ALERT_PIN_HOURS} * 3600 * 1000;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function card(item, big) {
    var alert = item._townwire && item._townwire.kind === "alert";
    var c = el("article", "card" + (alert ? " is-alert" : "") + (big ? " is-top" : ""));
    c.setAttribute("data-id", item.id.replace("urn:townwire:broadcast:", ""));
    c.appendChild(el("p", "kind", (alert ? "Warnung" : "Mitteilung") + " · " + dateFmt.format(new Date(item.date_published))));
    c.appendChild(el("h2", "", item.title));
    if (big && item.image) {
      var img = el("img", "photo");
      img.src = item.image;
      img.alt = "";
      c.appendChild(img);
    }
    var text = item.content_text || "";
    if (!big && text.length > 280) text = text.slice(0, 277) + " …";
    c.appendChild(el("p", "text", text));
    return c;
  }

  function render(feed) {
    var items = feed.items || [];
    var now = Date.now();
    var pinned = null;
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      if (it._townwire && it._townwire.kind === "alert" && now - Date.parse(it.date_published) < PIN_MS) { pinned = it; break; }
    }
    var rest = items.filter(function (x) { return x !== pinned; }).slice(0, pinned ? 3 : 4);
    main.textContent = "";
    if (!pinned && rest.length === 0) { main.appendChild(el("p", "empty", "Derzeit keine Mitteilungen.")); return; }
    if (pinned) main.appendChild(card(pinned, true));
    rest.forEach(function (x, n) { main.appendChild(card(x, !pinned && n === 0)); });
  }

  function showStatus() {
    if (!lastOk) return;
    statusBar.textContent = "Stand: " + timeFmt.format(lastOk) + " Uhr";
    statusBar.className = "bar";
  }

  function poll() {
    var headers = lastEtag ? { "If-None-Match": lastEtag } : {};
    fetch("/feed.json", { cache: "no-store", headers: headers })
      .then(function (res) {
        if (res.status === 304) return null;
        if (!res.ok) throw new Error("HTTP " + res.status);
        lastEtag = res.headers.get("ETag");
        return res.json();
      })
      .then(function (feed) {
        if (feed) render(feed);
        lastOk = new Date();
        showStatus();
      })
      .catch(function () {
        statusBar.textContent = "Keine Verbindung" + (lastOk ? " seit " + timeFmt.format(lastOk) + " Uhr" : "") + " – die Anzeige versucht es weiter.";
        statusBar.className = "bar is-offline";
      })
      .then(function () { setTimeout(poll, refresh); });
  }

  function tick() { clock.textContent = timeFmt.format(new Date()) + " Uhr"; }
  tick();
  setInterval(tick, 10000);
  poll();
})();
`;

export const PUBLIC_STYLE = `
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#0f1720;color:#f4f6f8;line-height:1.35}
.screen{display:flex;flex-direction:column;min-height:100vh;overflow:hidden}
.bar{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:1.2vh 3vw;font-size:clamp(1rem,2.6vh,2.2rem);background:#1d2935}
.bar.is-offline{background:#7a4b00}
.town{font-weight:700}
.clock{font-variant-numeric:tabular-nums;font-weight:700}
#items{flex:1;display:flex;flex-direction:column;gap:2vh;padding:2.5vh 3vw;overflow:hidden}
.card{background:#fff;color:#101418;border-radius:12px;padding:2vh 2vw;overflow:hidden}
.card h2{margin:.2em 0;font-size:clamp(1.4rem,4.5vh,4rem);line-height:1.15}
.card .text{margin:.3em 0 0;font-size:clamp(1.1rem,3vh,2.6rem);white-space:pre-line;overflow-wrap:anywhere}
.card .kind{margin:0;font-size:clamp(.9rem,2.2vh,1.8rem);color:#3d4a57;font-weight:600}
.card.is-top h2{font-size:clamp(1.8rem,7vh,6rem)}
.card.is-top .text{font-size:clamp(1.2rem,4vh,3.4rem)}
.card.is-alert{background:#b00020;color:#fff;border:.6vh solid #ffd400}
.card.is-alert .kind{color:#ffe98a}
.photo{display:block;max-width:100%;max-height:35vh;margin:1vh 0;border-radius:8px}
.empty{font-size:clamp(1.4rem,5vh,4rem);text-align:center;margin:auto}
.item-page{background:#f4f6f8;color:#101418}
.item{max-width:44rem;margin:0 auto;padding:1.5rem 1rem;font-size:1.15rem}
.item h1{font-size:2rem;line-height:1.2;margin:.3rem 0 1rem}
.item .kind,.item .from{color:#3d4a57;font-size:1rem}
.item.is-alert h1{color:#b00020}
.item .photo{max-height:60vh}
`;
