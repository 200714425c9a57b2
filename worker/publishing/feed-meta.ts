// What every public format shares: titles, links and the photo URL.
import type { PublishedItem } from "./published";

export interface FeedContext {
  /** https://gemeinde.example, from the request. */
  origin: string;
  townName: string;
  /** Set for a per-channel feed. */
  channel?: { id: string; name: string };
  /** Newest change of what is published (epoch ms), or null when nothing ever was. */
  updatedAt: number | null;
}

export const feedTitle = (ctx: FeedContext) =>
  ctx.channel ? `${ctx.townName}: ${ctx.channel.name}` : `${ctx.townName}: Mitteilungen`;

/** Public, cacheable URL of a published photo (worker/routes/feeds.ts). */
export const photoUrl = (ctx: FeedContext, mediaId: string) => `${ctx.origin}/feed/media/${mediaId}`;

/** The entry's own page (readable without an account). */
export const itemUrl = (ctx: FeedContext, item: PublishedItem) => `${ctx.origin}/mitteilung/${item.id}`;

/** A stable, unique id that never changes with the host name the feed was read from. */
export const itemId = (item: PublishedItem) => `urn:townwire:broadcast:${item.id}`;

export const KIND_LABELS: Record<PublishedItem["kind"], string> = {
  alert: "Warnung",
  newsletter: "Mitteilung",
  reminder: "Erinnerung",
};

export const iso = (ms: number) => new Date(ms).toISOString();

/** Text as HTML paragraphs (escaped), with the photo first. */
export function itemHtml(ctx: FeedContext, item: PublishedItem): string {
  const img = item.photo ? `<p><img src="${escapeXml(photoUrl(ctx, item.photo.id))}" alt="${escapeXml(item.title)}"></p>` : "";
  const paragraphs = item.text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeXml(p).replace(/\n/g, "<br>")}</p>`);
  return img + paragraphs.join("");
}

/** Escapes for XML text and attribute values; drops characters XML 1.0 forbids (a control character would break the whole feed). */
export function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
