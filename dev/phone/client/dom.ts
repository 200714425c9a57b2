// DOM helpers of the phone page. All text goes in via textContent (never innerHTML).

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls = "", text?: string | number | null): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

/** The element with this id, which the server-rendered page (dev/phone/page.tsx) always has. */
export function $<T extends HTMLElement = HTMLElement>(id: string, type?: new () => T): T {
  const e = document.getElementById(id);
  if (!e || (type && !(e instanceof type))) throw new Error(`phone page: #${id} missing`);
  return e as T;
}

export const input = (id: string) => $(id, HTMLInputElement);

export const timeFmt = new Intl.DateTimeFormat("de-AT", { timeZone: "Europe/Vienna", hour: "2-digit", minute: "2-digit" });
export const dayFmt = new Intl.DateTimeFormat("de-AT", { timeZone: "Europe/Vienna", day: "2-digit", month: "2-digit", year: "numeric" });
