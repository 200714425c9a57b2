// Server-rendered public pages: one published broadcast (/mitteilung/:id, the feeds' entry links) and
// the info screen's shell (/anzeige; its script fills and refreshes it). Everything is escaped here.
import { escapeXml as h, feedTitle, KIND_LABELS, type FeedContext } from "./feed-meta";
import type { PublishedItem } from "./published";

const viennaDateTime = new Intl.DateTimeFormat("de-AT", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/Vienna" });

function page(title: string, bodyClass: string, body: string, script = ""): string {
  return (
    `<!doctype html><html lang="de"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${h(title)}</title><link rel="stylesheet" href="/anzeige/style.css">` +
    (script ? `<script src="${script}" defer></script>` : "") +
    `</head><body class="${bodyClass}">${body}</body></html>`
  );
}

export function renderItemPage(ctx: FeedContext, item: PublishedItem): string {
  const paragraphs = item.text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${h(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
  const photo = item.photo ? `<img class="photo" src="/feed/media/${h(item.photo.id)}" alt="">` : "";
  return page(
    `${item.title} – ${ctx.townName}`,
    "item-page",
    `<main class="item ${item.kind === "alert" ? "is-alert" : ""}">` +
      `<p class="kind">${h(KIND_LABELS[item.kind])} · <time datetime="${new Date(item.startedAt).toISOString()}">${h(viennaDateTime.format(item.startedAt))}</time></p>` +
      `<h1>${h(item.title)}</h1>${photo}${paragraphs}` +
      `<p class="from">${h(ctx.townName)} · ${h(item.channels.map((c) => c.name).join(", "))}</p>` +
      `</main>`,
  );
}

/** The info screen's shell: the script reads /feed.json and keeps the page current without reload. */
export function renderScreenPage(ctx: FeedContext, refreshSeconds: number): string {
  return page(
    feedTitle(ctx),
    "screen",
    `<header class="bar"><span class="town">${h(ctx.townName)}</span><span class="clock" id="clock"></span></header>` +
      `<main id="items" aria-live="polite" data-refresh="${refreshSeconds}"><p class="empty">Mitteilungen werden geladen …</p></main>` +
      `<footer class="bar" id="status"></footer>`,
    "/anzeige/app.js",
  );
}
