// The public feeds (no session): Atom for everything and per channel, JSON Feed 1.1, and the photos of
// published broadcasts. Only what worker/publishing/published.ts calls published is ever here.
import { Hono, type Context } from "hono";
import { getDb } from "../db/client";
import type { Env } from "../env";
import { renderAtom } from "../publishing/atom";
import type { FeedContext } from "../publishing/feed-meta";
import { renderJsonFeed } from "../publishing/json-feed";
import { lastPublicChange, listPublicChannels, listPublished, openPublishedPhoto } from "../publishing/published";
import { notFound } from "../shared/errors";
import { etagOf, notModified, publicConfig } from "./public-config";

/** Feeds: a minute in shared caches, so a withdrawn (cancelled) broadcast is gone everywhere within a minute. */
export const FEED_CACHE_CONTROL = "public, max-age=60";
/** A published photo never changes under its id; a withdrawn one is gone from caches within an hour. */
export const PHOTO_CACHE_CONTROL = "public, max-age=3600";

type C = Context<{ Bindings: Env }>;

async function feedContext(c: C, channel?: FeedContext["channel"]): Promise<FeedContext> {
  return {
    origin: new URL(c.req.url).origin,
    townName: publicConfig(c.env).TOWN_NAME,
    updatedAt: await lastPublicChange(getDb(c.env.DB)),
    ...(channel ? { channel } : {}),
  };
}

/** Sends a body with its ETag (or 304), Last-Modified and CORS for any site (nothing here is private). */
async function cacheable(c: C, body: string, contentType: string, updatedAt: number | null): Promise<Response> {
  const etag = await etagOf(body);
  const headers: Record<string, string> = {
    "Content-Type": contentType,
    "Cache-Control": FEED_CACHE_CONTROL,
    ETag: etag,
    "Access-Control-Allow-Origin": "*",
  };
  if (updatedAt !== null) headers["Last-Modified"] = new Date(updatedAt).toUTCString();
  if (notModified(c.req.header("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  return new Response(body, { headers });
}

async function atom(c: C, channelId?: string): Promise<Response> {
  const db = getDb(c.env.DB);
  let channel: FeedContext["channel"];
  if (channelId) {
    channel = (await listPublicChannels(db)).find((ch) => ch.id === channelId);
    // A channel that is not public has no feed: the same answer as one that does not exist.
    if (!channel) throw notFound("Diesen öffentlichen Kanal gibt es nicht");
  }
  const ctx = await feedContext(c, channel);
  const items = await listPublished(db, channelId ? { channelId } : {});
  return cacheable(c, renderAtom(ctx, items, new URL(c.req.url).pathname), "application/atom+xml; charset=utf-8", ctx.updatedAt);
}

export const feedRoutes = new Hono<{ Bindings: Env }>()
  .get("/feed.atom", (c) => atom(c))
  .get("/feed.json", async (c) => {
    const ctx = await feedContext(c);
    const items = await listPublished(getDb(c.env.DB));
    return cacheable(c, JSON.stringify(renderJsonFeed(ctx, items, "/feed.json")), "application/feed+json; charset=utf-8", ctx.updatedAt);
  })
  .get("/feed/media/:id", async (c) => {
    const file = await openPublishedPhoto({ db: getDb(c.env.DB), bucket: c.env.MEDIA }, c.req.param("id"));
    const etag = file.sha256 ? `"${file.sha256}"` : null;
    const headers: Record<string, string> = {
      "Content-Type": file.contentType,
      "Cache-Control": PHOTO_CACHE_CONTROL,
      "Access-Control-Allow-Origin": "*",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    };
    if (etag) headers.ETag = etag;
    if (etag && notModified(c.req.header("if-none-match"), etag)) {
      await file.body.cancel();
      return new Response(null, { status: 304, headers });
    }
    return new Response(file.body, { headers: { ...headers, "Content-Length": String(file.size) } });
  })
  .get("/feed/:file", (c) => {
    const m = /^(.+)\.atom$/.exec(c.req.param("file"));
    if (!m?.[1]) throw notFound("Diesen Feed gibt es nicht");
    return atom(c, m[1]);
  });
