// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): version, title, items with id, content_text and
// content_html, date_published; the photo as `image` and as an attachment. `_townwire.kind` (an
// extension, as the spec allows with a leading underscore) tells the info screen which items are alerts.
import { feedTitle, iso, itemHtml, itemId, itemUrl, photoUrl, type FeedContext } from "./feed-meta";
import type { PublishedItem } from "./published";

export interface JsonFeedItem {
  id: string;
  url: string;
  title: string;
  content_text: string;
  content_html: string;
  date_published: string;
  date_modified: string;
  image?: string;
  attachments?: { url: string; mime_type: string; size_in_bytes: number }[];
  tags: string[];
  _townwire: { kind: PublishedItem["kind"]; channels: string[] };
}

export interface JsonFeed {
  version: "https://jsonfeed.org/version/1.1";
  title: string;
  home_page_url: string;
  feed_url: string;
  language: "de";
  authors: { name: string }[];
  items: JsonFeedItem[];
}

export function renderJsonFeed(ctx: FeedContext, items: PublishedItem[], selfPath: string): JsonFeed {
  return {
    version: "https://jsonfeed.org/version/1.1",
    title: feedTitle(ctx),
    home_page_url: `${ctx.origin}/anzeige`,
    feed_url: `${ctx.origin}${selfPath}`,
    language: "de",
    authors: [{ name: ctx.townName }],
    items: items.map((item) => ({
      id: itemId(item),
      url: itemUrl(ctx, item),
      title: item.title,
      content_text: item.text,
      content_html: itemHtml(ctx, item),
      date_published: iso(item.startedAt),
      date_modified: iso(item.startedAt),
      ...(item.photo
        ? {
            image: photoUrl(ctx, item.photo.id),
            attachments: [{ url: photoUrl(ctx, item.photo.id), mime_type: item.photo.mimeType, size_in_bytes: item.photo.size }],
          }
        : {}),
      tags: item.channels.map((c) => c.name),
      _townwire: { kind: item.kind, channels: item.channels.map((c) => c.id) },
    })),
  };
}
