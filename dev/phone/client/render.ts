// The chat as WhatsApp shows it: the town's messages (text, photos, templates, buttons, lists) and the
// citizen's. Taps on buttons and list rows go back through `reply`.
import { API, type Chat, type ChatMessage, type ImageContent, type Interactive, type OutgoingMessage } from "./api";
import { $, dayFmt, el, timeFmt } from "./dom";

/** Sends the citizen's answer, quoting the town's message with this wamid. */
export type Reply = (message: OutgoingMessage, contextWamid?: string) => void;

/** *fett*, _kursiv_, ~durchgestrichen~ as WhatsApp shows them. */
function formatted(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  const re = /(\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~)/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
    const tag = m[0][0] === "*" ? "strong" : m[0][0] === "_" ? "em" : "s";
    frag.appendChild(el(tag, "", m[0].slice(1, -1)));
    last = m.index + m[0].length;
  }
  if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
  return frag;
}

function summary(msg: ChatMessage): string {
  const c = msg.content ?? {};
  if (c.text?.body) return c.text.body;
  if (c.rendered) return c.rendered.body;
  if (c.interactive?.body) return c.interactive.body.text;
  if (c.interactive?.button_reply) return c.interactive.button_reply.title;
  if (c.interactive?.list_reply) return c.interactive.list_reply.title;
  if (c.button) return c.button.text;
  if (c.image) return "📷 Foto" + (c.image.caption ? ": " + c.image.caption : "");
  if (c.location) return "📍 " + (c.location.name || "Standort");
  return msg.type;
}

function mediaSrc(image: ImageContent | undefined): string | null {
  if (image?.id) return API + "/media/" + encodeURIComponent(image.id);
  return image?.link ?? null;
}

function renderImage(bubble: HTMLElement, image: ImageContent | undefined): void {
  const src = mediaSrc(image);
  if (src) {
    const img = el("img");
    img.src = src;
    img.alt = image?.caption || "Foto";
    bubble.appendChild(img);
  } else bubble.appendChild(el("span", "label", "📷 Foto"));
  if (image?.caption) bubble.appendChild(formatted(image.caption));
}

function choiceButton(text: string, onClick: () => void): HTMLButtonElement {
  const b = el("button", "", text);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

function renderTown(bubble: HTMLElement, msg: ChatMessage, reply: Reply): void {
  const c = msg.content ?? {};
  if (c.type === "text") bubble.appendChild(formatted(c.text?.body ?? ""));
  else if (c.type === "image") renderImage(bubble, c.image);
  else if (c.type === "template") {
    bubble.appendChild(el("span", "label", "Vorlage „" + (c.template?.name ?? "") + "“"));
    const r = c.rendered ?? { header: null, body: "", footer: null };
    if (r.header) bubble.appendChild(el("span", "hdr", r.header));
    bubble.appendChild(formatted(r.body));
    if (r.footer) bubble.appendChild(el("span", "ftr", r.footer));
    if (r.buttons?.length) {
      const quick = el("div", "choices");
      for (const b of r.buttons) {
        const qb = choiceButton(b.text, () => reply({ type: "button", payload: b.payload, text: b.text }, msg.wamid));
        qb.dataset.payload = b.payload;
        quick.appendChild(qb);
      }
      bubble.appendChild(quick);
    }
  } else if (c.type === "interactive" && c.interactive) {
    const i = c.interactive;
    if (i.header?.text) bubble.appendChild(el("span", "hdr", i.header.text));
    bubble.appendChild(formatted(i.body?.text ?? ""));
    if (i.footer?.text) bubble.appendChild(el("span", "ftr", i.footer.text));
    const choices = el("div", "choices");
    if (i.type === "button") {
      for (const b of i.action?.buttons ?? []) {
        const btn = choiceButton(b.reply.title, () => reply({ type: "button_reply", id: b.reply.id, title: b.reply.title }, msg.wamid));
        btn.dataset.replyId = b.reply.id;
        choices.appendChild(btn);
      }
    } else if (i.type === "list") {
      choices.appendChild(choiceButton("☰ " + (i.action?.button ?? ""), () => openList(i, msg.wamid, reply)));
    }
    bubble.appendChild(choices);
  } else bubble.appendChild(el("span", "label", "Nachricht vom Typ " + msg.type));
}

/** A list message's rows in a bottom sheet over the phone, as WhatsApp opens them. */
function openList(i: Interactive, wamid: string, reply: Reply): void {
  const sheet = el("div", "sheet");
  const box = el("div");
  box.appendChild(el("h3", "", i.action?.button ?? ""));
  for (const s of i.action?.sections ?? []) {
    if (s.title) box.appendChild(el("h4", "", s.title));
    for (const r of s.rows) {
      const row = el("button", "row", r.title);
      row.type = "button";
      row.dataset.replyId = r.id;
      if (r.description) row.appendChild(el("small", "", r.description));
      row.addEventListener("click", () => {
        sheet.remove();
        reply({ type: "list_reply", id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) }, wamid);
      });
      box.appendChild(row);
    }
  }
  sheet.appendChild(box);
  sheet.addEventListener("click", (e) => {
    if (e.target === sheet) sheet.remove();
  });
  document.querySelector(".phone")?.appendChild(sheet);
}

function renderCitizen(bubble: HTMLElement, msg: ChatMessage): void {
  const c = msg.content ?? {};
  if (c.type === "text") bubble.appendChild(formatted(c.text?.body ?? ""));
  else if (c.type === "image") renderImage(bubble, c.image);
  else if (c.type === "location" && c.location) {
    const { latitude, longitude, name, address } = c.location;
    const box = el("span", "loc");
    box.appendChild(el("strong", "", "📍 " + (name || "Standort")));
    if (address) box.appendChild(el("span", "ftr", address));
    const a = el("a", "", latitude.toFixed(5) + ", " + longitude.toFixed(5));
    a.href = `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=17/${latitude}/${longitude}`;
    a.target = "_blank";
    a.rel = "noopener";
    box.appendChild(el("br"));
    box.appendChild(a);
    bubble.appendChild(box);
  } else if (c.type === "interactive") {
    const r = c.interactive?.button_reply ?? c.interactive?.list_reply;
    bubble.appendChild(document.createTextNode("↩︎ " + r?.title));
  } else if (c.type === "button") {
    bubble.appendChild(document.createTextNode("↩︎ " + c.button?.text));
  } else bubble.appendChild(el("span", "label", msg.type));
}

/** The ticks on the citizen's own messages: [symbol, class, tooltip]. */
const STATUS: Record<string, [string, string, string]> = {
  sending: ["🕓", "", "wird gesendet"],
  delivered: ["✓✓", "", "bei der Gemeinde angekommen"],
  read: ["✓✓", "read", "von der Gemeinde gelesen"],
  rejected: ["⚠", "bad", "vom Webhook abgelehnt"],
};

export function renderChat(chat: Chat, reply: Reply): void {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  box.textContent = "";
  const byWamid = new Map(chat.messages.map((m) => [m.wamid, m]));
  let lastDay = "";
  for (const m of chat.messages) {
    const day = dayFmt.format(new Date(m.at));
    if (day !== lastDay) {
      box.appendChild(el("div", "day", day === dayFmt.format(new Date()) ? "Heute" : day));
      lastDay = day;
    }
    const failed = m.direction === "out" && m.status === "failed";
    const bubble = el("div", "msg " + m.direction + (failed ? " failed" : ""));
    bubble.dataset.wamid = m.wamid;
    bubble.dataset.status = m.status;
    bubble.dataset.type = m.type;
    const quoted = m.content?.context?.id ? byWamid.get(m.content.context.id) : undefined;
    if (quoted) bubble.appendChild(el("span", "quote", summary(quoted)));
    if (failed) bubble.appendChild(el("span", "err", "Nicht zugestellt: " + (m.error || "Fehler") + " (nur im Simulator sichtbar)"));
    if (m.direction === "out") renderTown(bubble, m, reply);
    else renderCitizen(bubble, m);
    const meta = el("span", "meta", timeFmt.format(new Date(m.at)) + " ");
    if (m.direction === "in") {
      const [symbol, cls, tip] = STATUS[m.status] ?? ["", "", m.status];
      const tick = el("span", "tick " + cls, symbol);
      tick.title = tip;
      meta.appendChild(tick);
      if (m.status === "rejected" && m.error) bubble.appendChild(el("span", "err", m.error));
    }
    bubble.appendChild(meta);
    box.appendChild(bubble);
  }
  if (chat.typing) box.appendChild(el("div", "typing", "Gemeinde schreibt …"));
  if (!chat.messages.length) box.appendChild(el("div", "empty", "Noch keine Nachrichten. Schreiben Sie der Gemeinde!"));
  if (atBottom) box.scrollTop = box.scrollHeight;
}
