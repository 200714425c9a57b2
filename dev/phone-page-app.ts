// Browser script of the phone page, part 2: state, polling the simulator's JSON API under
// /__dev/api, and sending as the citizen (plain ES2020, no build step; phone-page.ts wraps both
// parts in one function scope). Written without backticks or "${" so it can live in this string.
export const PHONE_APP_JS = `
  var API = "/__dev/api";
  var POLL_MS = 1500;
  var state = { waId: null, name: "", chatJson: "", chat: null, photo: null, seen: {}, people: [], demo: [], business: "" };
  var $ = function (id) { return document.getElementById(id); };
  var timeFmt = new Intl.DateTimeFormat("de-AT", { timeZone: "Europe/Vienna", hour: "2-digit", minute: "2-digit" });
  var dayFmt = new Intl.DateTimeFormat("de-AT", { timeZone: "Europe/Vienna", day: "2-digit", month: "2-digit", year: "numeric" });

  async function api(method, path, body) {
    var init = { method: method, headers: {} };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) { init.body = JSON.stringify(body); init.headers["content-type"] = "application/json"; }
    var res = await fetch(API + path, init);
    var data = await res.json().catch(function () { return null; });
    if (!res.ok) throw new Error((data && data.error && data.error.message) || ("Fehler " + res.status));
    return data;
  }

  function notice(text, isError) {
    var n = $("notice");
    n.textContent = text || "";
    n.className = "notice" + (isError ? " error" : "");
    n.hidden = !text;
  }

  async function markSeen(chat) {
    if (document.visibilityState !== "visible") return;
    var fresh = chat.messages.some(function (m) {
      return m.direction === "out" && ["accepted", "sent", "delivered"].indexOf(m.status) >= 0 && !state.seen[m.wamid];
    });
    if (!fresh) return;
    chat.messages.forEach(function (m) { if (m.direction === "out") state.seen[m.wamid] = true; });
    try { await api("POST", "/phones/" + state.waId + "/seen"); } catch (e) { /* next poll retries */ }
  }

  async function refresh() {
    if (!state.waId) return;
    var wa = state.waId;
    try {
      var chat = await api("GET", "/phones/" + wa + "/messages");
      if (wa !== state.waId) return;
      var json = JSON.stringify(chat);
      if (json !== state.chatJson) { state.chatJson = json; state.chat = chat; renderChat(chat); }
      markSeen(chat);
    } catch (e) { notice(e.message, true); }
  }

  async function loadPeople() {
    try {
      var data = await api("GET", "/phones");
      state.people = data.phones; state.demo = data.demoCitizens; state.business = data.business;
      renderPeople();
    } catch (e) { notice(e.message, true); }
  }

  function renderPeople() {
    var list = $("people");
    list.textContent = "";
    var seen = {};
    var all = [];
    state.demo.forEach(function (p) { seen[p.waId] = true; all.push(p); });
    state.people.forEach(function (p) { if (!seen[p.waId]) all.push(p); });
    all.forEach(function (p) {
      var li = el("li");
      var b = el("button", "", p.name);
      b.type = "button";
      b.dataset.waId = p.waId;
      b.setAttribute("aria-current", String(p.waId === state.waId));
      b.appendChild(el("span", "num", "+" + p.waId));
      b.addEventListener("click", function () { openPhone(p.waId, p.name); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  function openPhone(waId, name) {
    state.waId = waId; state.name = name; state.chatJson = ""; state.photo = null;
    try { localStorage.setItem("tw-sim-phone", JSON.stringify({ waId: waId, name: name })); } catch (e) { /* private mode */ }
    history.replaceState(null, "", "#" + waId);
    $("chat-name").textContent = "Gemeinde";
    $("chat-sub").textContent = "Sie schreiben als " + name + " (+" + waId + ")" + (state.business ? " an +" + state.business : "");
    $("phone-empty").hidden = true;
    $("phone-chat").hidden = false;
    $("messages").textContent = "";
    renderPeople();
    renderAttachment();
    notice("");
    refresh();
    $("text").focus();
  }

  async function sendJson(message, contextWamid) {
    if (!state.waId) return;
    var body = { name: state.name, message: message };
    if (contextWamid) body.contextWamid = contextWamid;
    try {
      var out = await api("POST", "/phones/" + state.waId + "/messages", body);
      reportDelivery(out);
    } catch (e) { notice(e.message, true); }
    await refresh();
  }

  function reportDelivery(out) {
    var d = out && out.delivery;
    if (d && (d.status < 200 || d.status >= 300)) notice("Der Webhook der Gemeinde hat die Nachricht abgelehnt (HTTP " + d.status + ").", true);
    else notice("");
  }

  // WhatsApp compresses photos before sending; so does the simulator (JPEG, at most 1600 px).
  function compress(file) {
    return new Promise(function (resolve) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, 1600 / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.85);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }

  function renderAttachment() {
    var box = $("attachment");
    box.textContent = "";
    box.hidden = !state.photo;
    if (!state.photo) return;
    var img = el("img");
    img.src = state.photo.preview;
    img.alt = "Ausgewähltes Foto";
    box.appendChild(img);
    box.appendChild(el("span", "", "Foto wird mit dem Text als Bildunterschrift gesendet."));
    var x = el("button", "icon", "✕");
    x.type = "button";
    x.title = "Foto entfernen";
    x.addEventListener("click", function () { state.photo = null; renderAttachment(); });
    box.appendChild(x);
  }

  async function send() {
    if (!state.waId) return;
    var text = $("text").value.trim();
    var btn = $("send");
    btn.disabled = true;
    try {
      if (state.photo) {
        var form = new FormData();
        form.append("file", state.photo.blob, "foto.jpg");
        form.append("caption", text);
        form.append("name", state.name);
        reportDelivery(await api("POST", "/phones/" + state.waId + "/photo", form));
        state.photo = null;
        renderAttachment();
      } else if (text) {
        reportDelivery(await api("POST", "/phones/" + state.waId + "/messages", { name: state.name, message: { type: "text", text: text } }));
      } else return;
      $("text").value = "";
    } catch (e) { notice(e.message, true); }
    finally { btn.disabled = false; }
    await refresh();
    var box = $("messages");
    box.scrollTop = box.scrollHeight;
  }

  var PLACES = {
    Hauptplatz: [47.07107, 15.43853, "Hauptplatz", "Hauptplatz 1"],
    Stadtpark: [47.07092, 15.44178, "Stadtpark – Spielplatz", "Stadtpark"],
    Bahnhof: [47.07272, 15.41654, "Bahnhof", "Bahnhofgürtel 1"]
  };

  function wire() {
    $("new-phone").addEventListener("submit", function (e) {
      e.preventDefault();
      var wa = $("new-wa").value.replace(/\\D/g, "");
      var name = $("new-name").value.trim() || "Bürgerin";
      if (!/^\\d{6,15}$/.test(wa)) { notice("Bitte eine Nummer mit Ländervorwahl eingeben, z. B. 436641234567.", true); return; }
      openPhone(wa, name);
    });
    $("composer").addEventListener("submit", function (e) { e.preventDefault(); send(); });
    $("text").addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); send(); }
    });
    $("photo-btn").addEventListener("click", function () { $("photo").click(); });
    $("photo").addEventListener("change", async function () {
      var file = $("photo").files[0];
      $("photo").value = "";
      if (!file) return;
      var blob = await compress(file);
      state.photo = { blob: blob, preview: URL.createObjectURL(blob) };
      renderAttachment();
    });
    $("loc-btn").addEventListener("click", function () { $("locform").hidden = !$("locform").hidden; });
    Object.keys(PLACES).forEach(function (k) {
      var b = el("button", "", k);
      b.type = "button";
      b.addEventListener("click", function () {
        var p = PLACES[k];
        $("lat").value = p[0]; $("lng").value = p[1]; $("loc-name").value = p[2]; $("loc-address").value = p[3];
      });
      $("presets").appendChild(b);
    });
    $("loc-send").addEventListener("click", async function () {
      var lat = parseFloat($("lat").value), lng = parseFloat($("lng").value);
      if (!isFinite(lat) || !isFinite(lng)) { notice("Bitte Breiten- und Längengrad angeben.", true); return; }
      var msg = { type: "location", latitude: lat, longitude: lng };
      if ($("loc-name").value.trim()) msg.name = $("loc-name").value.trim();
      if ($("loc-address").value.trim()) msg.address = $("loc-address").value.trim();
      $("locform").hidden = true;
      await sendJson(msg);
    });
    $("reset").addEventListener("click", async function () {
      if (!confirm("Alle Chats im Simulator löschen? Die Daten der Gemeinde bleiben erhalten.")) return;
      await api("POST", "/reset");
      state.chatJson = "";
      loadPeople();
      refresh();
    });
    $("log").addEventListener("toggle", loadLog);
    document.addEventListener("visibilitychange", function () { if (state.chat) markSeen(state.chat); });
  }

  async function loadLog() {
    if (!$("log").open) return;
    try {
      var data = await api("GET", "/deliveries");
      var list = $("log-list");
      list.textContent = "";
      data.deliveries.forEach(function (d) {
        var li = el("li", d.httpStatus >= 200 && d.httpStatus < 300 ? "" : "bad", timeFmt.format(new Date(d.at)) + " " + d.kind + " → " + (d.httpStatus || "nicht erreichbar"));
        li.title = d.response;
        list.appendChild(li);
      });
      $("log-pending").textContent = data.pendingStatuses ? data.pendingStatuses + " Status-Meldungen warten" : "";
    } catch (e) { /* shown on next poll */ }
  }

  wire();
  loadPeople().then(function () {
    var fromHash = location.hash.replace("#", "");
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem("tw-sim-phone") || "null"); } catch (e) { saved = null; }
    var all = state.demo.concat(state.people);
    var hit = all.filter(function (p) { return p.waId === fromHash; })[0];
    if (hit) openPhone(hit.waId, hit.name);
    else if (/^\\d{6,15}$/.test(fromHash)) openPhone(fromHash, "Bürgerin");
    else if (saved && saved.waId) openPhone(saved.waId, saved.name);
    // ?text=… prefills the composer, like a wa.me link (e.g. the widget's "ANMELDEN <code>").
    var prefill = new URLSearchParams(location.search).get("text");
    if (prefill && state.waId) $("text").value = prefill;
  });
  setInterval(refresh, POLL_MS);
  setInterval(function () { loadPeople(); loadLog(); }, 5000);
`;
