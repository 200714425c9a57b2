// townwire sign-up widget: one <script src="https://<worker>/widget.js" data-…> on the town's
// website renders a small form in a shadow DOM. The citizen picks channels; the worker turns the
// choice into a short code; phones open WhatsApp with "ANMELDEN <code>" prefilled, desktops show a
// QR code of that link. It talks only to the worker it was loaded from, sets no cookies, and asks
// for no phone number: the citizen's own WhatsApp message is the opt-in.
// The answers' shapes are the server's (type only; wire-types.ts has no imports, so it fits this build).
import type { SignupCodeIssued as SignupResult, WidgetConfig } from "../../worker/shared/wire-types";
import { STRINGS, type Strings } from "./strings";
import { widgetCss } from "./styles";

const DEFAULT_COLOR = "#075e54";

type Child = Node | string | null | false;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string | boolean> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === true) el.setAttribute(k, "");
    else if (v !== false) el.setAttribute(k, v);
  }
  for (const c of children) if (c) el.append(c);
  return el;
}

const isPhone = () => /Android|iPhone|iPad|iPod|Mobile/i.test(navigator.userAgent);

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  // No cookies either way, and nothing but the worker's own origin is ever contacted.
  const res = await fetch(url, { ...init, credentials: "omit", mode: "cors" });
  if (!res.ok) throw new Error(String(res.status));
  return (await res.json()) as T;
}

function mount(script: HTMLScriptElement): void {
  const data = script.dataset;
  const origin = new URL(script.src, location.href).origin;
  const t: Strings = { ...STRINGS[data.lang === "en" ? "en" : "de"] };
  if (data.title) t.title = data.title;
  if (data.intro) t.intro = data.intro;
  if (data.buttonLabel) t.button = data.buttonLabel;
  if (data.note) t.note = data.note;
  const color = data.color && CSS.supports("color", data.color) ? data.color : DEFAULT_COLOR;
  const only = (data.channels ?? "").split(",").map((s) => s.trim()).filter(Boolean);

  const host = document.createElement("townwire-signup");
  const target = data.target ? document.getElementById(data.target) : null;
  if (target) target.append(host);
  else if (script.parentNode && script.parentNode !== document.head) script.after(host);
  else document.body.append(host);
  const root = host.attachShadow({ mode: "open" });

  const status = h("p", { class: "m", role: "status", "aria-live": "polite" }, t.loading);
  const list = h("fieldset", {}, h("legend", {}, t.intro));
  const button = h("button", { type: "submit", disabled: true }, t.button);
  const qr = h("div", { class: "q", hidden: true });
  const form = h("form", { class: "w", novalidate: true }, h("h2", {}, t.title), list, button, status, qr, h("p", { class: "n" }, t.note));
  const style = h("style", {}, widgetCss(color));
  root.append(style, form);

  let number = "";
  call<WidgetConfig>(`${origin}/api/public/widget-config`)
    .then((config) => {
      number = config.whatsappNumber;
      const shown = only.length ? config.channels.filter((c) => only.includes(c.id)) : config.channels;
      if (shown.length === 0) throw new Error("no channels");
      for (const ch of shown) {
        const box = h("input", { type: "checkbox", name: "channel", value: ch.id });
        box.checked = only.length ? true : ch.defaultOn;
        list.append(h("label", {}, box, h("span", {}, h("b", {}, ch.name), ch.description && h("small", {}, ch.description))));
      }
      button.disabled = false;
      status.textContent = "";
    })
    .catch(() => {
      button.hidden = true;
      status.textContent = t.unavailable;
    });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const channels = [...list.querySelectorAll("input")].filter((i) => i.checked).map((i) => i.value);
    if (channels.length === 0) {
      status.textContent = t.choose;
      return;
    }
    button.disabled = true;
    status.textContent = t.busy;
    call<SignupResult>(`${origin}/api/public/signup-codes`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ channels }),
    })
      .then((signup) => {
        status.textContent = "";
        const link = h("a", { href: signup.waLink, target: "_blank", rel: "noopener" }, t.open);
        const send = h("p", { class: "n" }, t.send.replace("{text}", signup.text).replace("{number}", number));
        if (isPhone()) {
          qr.replaceChildren(h("p", {}, t.opening), h("p", {}, link), send);
          qr.hidden = false;
          location.href = signup.waLink;
        } else {
          const img = h("img", { src: `${origin}${signup.qrSvgUrl}`, alt: t.qrAlt, width: "200", height: "200" });
          qr.replaceChildren(h("p", {}, t.scan), img, h("p", {}, link), send);
          qr.hidden = false;
        }
      })
      .catch(() => {
        status.textContent = t.failed;
      })
      .finally(() => {
        button.disabled = false;
      });
  });
}

const current = document.currentScript;
if (current instanceof HTMLScriptElement && current.src) {
  if (document.body || current.parentNode !== document.head) mount(current);
  else document.addEventListener("DOMContentLoaded", () => mount(current));
}
