// Atom 1.0 (RFC 4287): feed id, title, updated, author and self link; each entry id, title, updated,
// published, alternate link, content (HTML, escaped) and the photo as an enclosure.
import { escapeXml as x, feedTitle, iso, itemHtml, itemId, itemUrl, KIND_LABELS, photoUrl, type FeedContext } from "./feed-meta";
import type { PublishedItem } from "./published";

export function renderAtom(ctx: FeedContext, items: PublishedItem[], selfPath: string): string {
  const self = `${ctx.origin}${selfPath}`;
  const updated = iso(ctx.updatedAt ?? items[0]?.startedAt ?? 0);
  const entries = items.map((item) => renderEntry(ctx, item)).join("");
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">` +
    `<id>${x(self)}</id>` +
    `<title>${x(feedTitle(ctx))}</title>` +
    `<updated>${updated}</updated>` +
    `<author><name>${x(ctx.townName)}</name></author>` +
    `<link rel="self" type="application/atom+xml" href="${x(self)}"/>` +
    `<link rel="alternate" type="text/html" href="${x(`${ctx.origin}/anzeige`)}"/>` +
    `<generator>townwire</generator>` +
    entries +
    `</feed>\n`
  );
}

function renderEntry(ctx: FeedContext, item: PublishedItem): string {
  const categories = [
    `<category term="${x(item.kind)}" label="${x(KIND_LABELS[item.kind])}"/>`,
    ...item.channels.map((c) => `<category term="${x(c.id)}" label="${x(c.name)}"/>`),
  ].join("");
  const enclosure = item.photo
    ? `<link rel="enclosure" type="${x(item.photo.mimeType)}" length="${item.photo.size}" href="${x(photoUrl(ctx, item.photo.id))}"/>`
    : "";
  return (
    `<entry>` +
    `<id>${x(itemId(item))}</id>` +
    `<title>${x(item.title)}</title>` +
    `<updated>${iso(item.startedAt)}</updated>` +
    `<published>${iso(item.startedAt)}</published>` +
    `<link rel="alternate" type="text/html" href="${x(itemUrl(ctx, item))}"/>` +
    enclosure +
    categories +
    `<content type="html">${x(itemHtml(ctx, item))}</content>` +
    `</entry>`
  );
}
