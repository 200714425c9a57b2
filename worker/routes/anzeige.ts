// The public pages: the info screen (/anzeige) with its script and style, and one published broadcast
// (/mitteilung/:id, where the feeds' entries link to).
import { Hono } from "hono";
import { z } from "zod";
import { getDb } from "../db/client";
import type { Env } from "../env";
import { renderItemPage, renderScreenPage } from "../publishing/pages";
import { listPublished } from "../publishing/published";
import { PUBLIC_STYLE, SCREEN_SCRIPT } from "../publishing/screen-assets";
import { notFound } from "../shared/errors";
import { publicConfig } from "./public-config";

/** How often the screen asks for news, in seconds (`?sekunden=` changes it, e.g. for a slow line). */
export const SCREEN_REFRESH_SECONDS = 15;

const screenQuery = z.object({ sekunden: z.coerce.number().int().min(2).max(600).catch(SCREEN_REFRESH_SECONDS) });
const html = { "Content-Type": "text/html; charset=utf-8" };
const asset = (type: string) => ({ "Content-Type": type, "Cache-Control": "public, max-age=300" });

export const anzeigeRoutes = new Hono<{ Bindings: Env }>()
  .get("/anzeige", (c) => {
    const { sekunden } = screenQuery.parse({ sekunden: c.req.query("sekunden") ?? SCREEN_REFRESH_SECONDS });
    const ctx = { origin: new URL(c.req.url).origin, townName: publicConfig(c.env).TOWN_NAME, updatedAt: null };
    return c.body(renderScreenPage(ctx, sekunden), 200, { ...html, "Cache-Control": "no-cache" });
  })
  .get("/anzeige/app.js", (c) => c.body(SCREEN_SCRIPT, 200, asset("text/javascript; charset=utf-8")))
  .get("/anzeige/style.css", (c) => c.body(PUBLIC_STYLE, 200, asset("text/css; charset=utf-8")))
  .get("/mitteilung/:id", async (c) => {
    const id = c.req.param("id");
    if (!/^[0-9a-z]{1,40}$/.test(id)) throw notFound("Diese Mitteilung gibt es nicht (mehr)");
    const [item] = await listPublished(getDb(c.env.DB), { id, limit: 1 });
    if (!item) throw notFound("Diese Mitteilung gibt es nicht (mehr)");
    const ctx = { origin: new URL(c.req.url).origin, townName: publicConfig(c.env).TOWN_NAME, updatedAt: null };
    return c.body(renderItemPage(ctx, item), 200, { ...html, "Cache-Control": "public, max-age=60" });
  });
