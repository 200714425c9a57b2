// The phone page's script (/__dev/phone): state, polling the simulator's JSON API and sending as the
// citizen. Bundled with style.css by scripts/build-phone.mjs; dev/phone/page.tsx inlines both.
import "./style.css";
import {
  api,
  errorText,
  type Chat,
  type DeliveriesResponse,
  type OutgoingMessage,
  type Person,
  type PhonesResponse,
  type SendResult,
} from "./api";
import { $, el, input, timeFmt } from "./dom";
import { renderChat } from "./render";

const POLL_MS = 1500;
const STORAGE_KEY = "tw-sim-phone";

const state = {
  waId: null as string | null,
  name: "",
  chatJson: "",
  chat: null as Chat | null,
  photo: null as { blob: Blob; preview: string } | null,
  seen: new Set<string>(),
  people: [] as Person[],
  demo: [] as Person[],
  business: "",
};

function notice(text: string, isError = false): void {
  const n = $("notice");
  n.textContent = text;
  n.className = "notice" + (isError ? " error" : "");
  n.hidden = !text;
}

async function markSeen(chat: Chat): Promise<void> {
  if (document.visibilityState !== "visible") return;
  const fresh = chat.messages.some((m) => m.direction === "out" && ["accepted", "sent", "delivered"].includes(m.status) && !state.seen.has(m.wamid));
  if (!fresh) return;
  for (const m of chat.messages) if (m.direction === "out") state.seen.add(m.wamid);
  try {
    await api("POST", `/phones/${state.waId}/seen`);
  } catch {
    /* the next poll retries */
  }
}

async function refresh(): Promise<void> {
  const wa = state.waId;
  if (!wa) return;
  try {
    const chat = await api<Chat>("GET", `/phones/${wa}/messages`);
    if (wa !== state.waId) return;
    const json = JSON.stringify(chat);
    if (json !== state.chatJson) {
      state.chatJson = json;
      state.chat = chat;
      renderChat(chat, (message, contextWamid) => void sendJson(message, contextWamid));
    }
    void markSeen(chat);
  } catch (e) {
    notice(errorText(e), true);
  }
}

async function loadPeople(): Promise<void> {
  try {
    const data = await api<PhonesResponse>("GET", "/phones");
    state.people = data.phones;
    state.demo = data.demoCitizens;
    state.business = data.business;
    renderPeople();
  } catch (e) {
    notice(errorText(e), true);
  }
}

/** The demo citizens first, then every other number that has a chat. */
function renderPeople(): void {
  const list = $("people");
  list.textContent = "";
  const demo = new Set(state.demo.map((p) => p.waId));
  for (const p of [...state.demo, ...state.people.filter((p) => !demo.has(p.waId))]) {
    const li = el("li");
    const b = el("button", "", p.name);
    b.type = "button";
    b.dataset.waId = p.waId;
    b.setAttribute("aria-current", String(p.waId === state.waId));
    b.appendChild(el("span", "num", "+" + p.waId));
    b.addEventListener("click", () => openPhone(p.waId, p.name));
    li.appendChild(b);
    list.appendChild(li);
  }
}

function openPhone(waId: string, name: string): void {
  state.waId = waId;
  state.name = name;
  state.chatJson = "";
  state.photo = null;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ waId, name }));
  } catch {
    /* private mode */
  }
  history.replaceState(null, "", "#" + waId);
  $("chat-name").textContent = "Gemeinde";
  $("chat-sub").textContent = `Sie schreiben als ${name} (+${waId})` + (state.business ? ` an +${state.business}` : "");
  $("phone-empty").hidden = true;
  $("phone-chat").hidden = false;
  $("messages").textContent = "";
  renderPeople();
  renderAttachment();
  notice("");
  void refresh();
  $("text").focus();
}

async function sendJson(message: OutgoingMessage, contextWamid?: string): Promise<void> {
  if (!state.waId) return;
  try {
    const body = { name: state.name, message, ...(contextWamid ? { contextWamid } : {}) };
    reportDelivery(await api<SendResult>("POST", `/phones/${state.waId}/messages`, body));
  } catch (e) {
    notice(errorText(e), true);
  }
  await refresh();
}

function reportDelivery(out: SendResult): void {
  const d = out.delivery;
  if (d && (d.status < 200 || d.status >= 300)) notice(`Der Webhook der Gemeinde hat die Nachricht abgelehnt (HTTP ${d.status}).`, true);
  else notice("");
}

/** WhatsApp compresses photos before sending; so does the simulator (JPEG, at most 1600 px). */
function compress(file: File): Promise<Blob> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      const scale = Math.min(1, 1600 / Math.max(img.naturalWidth, img.naturalHeight));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
      canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
      canvas.getContext("2d")?.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob((blob) => resolve(blob ?? file), "image/jpeg", 0.85);
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      resolve(file);
    };
    img.src = url;
  });
}

function renderAttachment(): void {
  const box = $("attachment");
  box.textContent = "";
  box.hidden = !state.photo;
  if (!state.photo) return;
  const img = el("img");
  img.src = state.photo.preview;
  img.alt = "Ausgewähltes Foto";
  box.appendChild(img);
  box.appendChild(el("span", "", "Foto wird mit dem Text als Bildunterschrift gesendet."));
  const x = el("button", "icon", "✕");
  x.type = "button";
  x.title = "Foto entfernen";
  x.addEventListener("click", () => {
    state.photo = null;
    renderAttachment();
  });
  box.appendChild(x);
}

async function send(): Promise<void> {
  if (!state.waId) return;
  const textBox = $("text", HTMLTextAreaElement);
  const text = textBox.value.trim();
  const btn = $("send", HTMLButtonElement);
  btn.disabled = true;
  try {
    if (state.photo) {
      const form = new FormData();
      form.append("file", state.photo.blob, "foto.jpg");
      form.append("caption", text);
      form.append("name", state.name);
      reportDelivery(await api<SendResult>("POST", `/phones/${state.waId}/photo`, form));
      state.photo = null;
      renderAttachment();
    } else if (text) {
      reportDelivery(await api<SendResult>("POST", `/phones/${state.waId}/messages`, { name: state.name, message: { type: "text", text } }));
    } else return;
    textBox.value = "";
  } catch (e) {
    notice(errorText(e), true);
  } finally {
    btn.disabled = false;
  }
  await refresh();
  const box = $("messages");
  box.scrollTop = box.scrollHeight;
}

/** Places for the location form: [latitude, longitude, name, address]. */
const PLACES: Record<string, [number, number, string, string]> = {
  Hauptplatz: [47.07107, 15.43853, "Hauptplatz", "Hauptplatz 1"],
  Stadtpark: [47.07092, 15.44178, "Stadtpark – Spielplatz", "Stadtpark"],
  Bahnhof: [47.07272, 15.41654, "Bahnhof", "Bahnhofgürtel 1"],
};

async function loadLog(): Promise<void> {
  const log = $("log", HTMLDetailsElement);
  if (!log.open) return;
  try {
    const data = await api<DeliveriesResponse>("GET", "/deliveries");
    const list = $("log-list");
    list.textContent = "";
    for (const d of data.deliveries) {
      const ok = d.httpStatus >= 200 && d.httpStatus < 300;
      const li = el("li", ok ? "" : "bad", `${timeFmt.format(new Date(d.at))} ${d.kind} → ${d.httpStatus || "nicht erreichbar"}`);
      li.title = d.response;
      list.appendChild(li);
    }
    $("log-pending").textContent = data.pendingStatuses ? `${data.pendingStatuses} Status-Meldungen warten` : "";
  } catch {
    /* shown on the next poll */
  }
}

function wire(): void {
  $("new-phone").addEventListener("submit", (e) => {
    e.preventDefault();
    const wa = input("new-wa").value.replace(/\D/g, "");
    const name = input("new-name").value.trim() || "Bürgerin";
    if (!/^\d{6,15}$/.test(wa)) {
      notice("Bitte eine Nummer mit Ländervorwahl eingeben, z. B. 436641234567.", true);
      return;
    }
    openPhone(wa, name);
  });
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    void send();
  });
  $("text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  });
  const photo = input("photo");
  $("photo-btn").addEventListener("click", () => photo.click());
  photo.addEventListener("change", async () => {
    const file = photo.files?.[0];
    photo.value = "";
    if (!file) return;
    const blob = await compress(file);
    state.photo = { blob, preview: URL.createObjectURL(blob) };
    renderAttachment();
  });
  const locform = $("locform");
  $("loc-btn").addEventListener("click", () => {
    locform.hidden = !locform.hidden;
  });
  for (const [label, [lat, lng, name, address]] of Object.entries(PLACES)) {
    const b = el("button", "", label);
    b.type = "button";
    b.addEventListener("click", () => {
      input("lat").value = String(lat);
      input("lng").value = String(lng);
      input("loc-name").value = name;
      input("loc-address").value = address;
    });
    $("presets").appendChild(b);
  }
  $("loc-send").addEventListener("click", async () => {
    const latitude = parseFloat(input("lat").value);
    const longitude = parseFloat(input("lng").value);
    if (!isFinite(latitude) || !isFinite(longitude)) {
      notice("Bitte Breiten- und Längengrad angeben.", true);
      return;
    }
    const name = input("loc-name").value.trim();
    const address = input("loc-address").value.trim();
    locform.hidden = true;
    await sendJson({ type: "location", latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) });
  });
  $("reset").addEventListener("click", async () => {
    if (!confirm("Alle Chats im Simulator löschen? Die Daten der Gemeinde bleiben erhalten.")) return;
    await api("POST", "/reset");
    state.chatJson = "";
    void loadPeople();
    void refresh();
  });
  $("log").addEventListener("toggle", () => void loadLog());
  document.addEventListener("visibilitychange", () => {
    if (state.chat) void markSeen(state.chat);
  });
}

function savedPhone(): Person | null {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null");
    if (typeof saved !== "object" || saved === null || !("waId" in saved) || !("name" in saved)) return null;
    const { waId, name } = saved;
    return typeof waId === "string" && waId && typeof name === "string" ? { waId, name } : null;
  } catch {
    return null;
  }
}

/** Opens the phone named in the URL (#waId), else the one open last time. */
function openInitialPhone(): void {
  const fromHash = location.hash.replace("#", "");
  const hit = [...state.demo, ...state.people].find((p) => p.waId === fromHash);
  const saved = savedPhone();
  if (hit) openPhone(hit.waId, hit.name);
  else if (/^\d{6,15}$/.test(fromHash)) openPhone(fromHash, "Bürgerin");
  else if (saved) openPhone(saved.waId, saved.name);
  // ?text=… prefills the composer, like a wa.me link (e.g. the widget's "ANMELDEN <code>").
  const prefill = new URLSearchParams(location.search).get("text");
  if (prefill && state.waId) $("text", HTMLTextAreaElement).value = prefill;
}

wire();
void loadPeople().then(openInitialPhone);
setInterval(() => void refresh(), POLL_MS);
setInterval(() => {
  void loadPeople();
  void loadLog();
}, 5000);
