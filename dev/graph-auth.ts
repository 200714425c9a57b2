// Bearer-token check of the fake Graph API, and Meta-like short-lived media download URLs
// ("lookaside" URLs that expire after five minutes and also need the bearer token).
import { Hono, type MiddlewareHandler } from "hono";
import { getConfig, type Env } from "./env";
import { graphError } from "./graph-schemas";
import { simulator, type StoredMedia } from "./simulator";

export const MEDIA_URL_TTL_SECONDS = 300;

export const requireGraphToken: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  const expected = getConfig(c.env).WHATSAPP_ACCESS_TOKEN;
  const header = c.req.header("authorization") ?? "";
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (token !== expected) {
    return c.json(graphError(190, "Invalid OAuth access token - Cannot parse access token"), 401);
  }
  // The right token, but "expired" by POST /__dev/api/access-token (to try the admin alert locally).
  if (await simulator(c.env).tokenExpired()) {
    return c.json(graphError(190, "Error validating access token: Session has expired.", { subcode: 463 }), 401);
  }
  await next();
};

async function urlHash(env: Env, mediaId: string, expires: number): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(getConfig(env).WHATSAPP_ACCESS_TOKEN),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${mediaId}.${expires}`));
  return [...new Uint8Array(sig)].slice(0, 16).map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function mediaDownloadUrl(env: Env, origin: string, media: StoredMedia): Promise<string> {
  const expires = Math.floor(Date.now() / 1000) + MEDIA_URL_TTL_SECONDS;
  const url = new URL("/__dev/lookaside/whatsapp_business/attachments/", origin);
  url.searchParams.set("mid", media.id);
  url.searchParams.set("ext", String(expires));
  url.searchParams.set("hash", await urlHash(env, media.id, expires));
  return url.toString();
}

/** GET /__dev/lookaside/whatsapp_business/attachments/?mid=&ext=&hash= → the file bytes. */
export const lookasideRoutes = new Hono<{ Bindings: Env }>();
lookasideRoutes.use("*", requireGraphToken);
lookasideRoutes.get("/whatsapp_business/attachments/", async (c) => {
  const mid = c.req.query("mid") ?? "";
  const ext = Number(c.req.query("ext"));
  const hash = c.req.query("hash") ?? "";
  const valid = /^\d+$/.test(mid) && Number.isInteger(ext) && ext * 1000 >= Date.now() && hash === (await urlHash(c.env, mid, ext));
  const media = valid ? await simulator(c.env).mediaBytes(mid) : null;
  if (!media) return c.json(graphError(100, "URL signature expired or media not found", { subcode: 33 }), 404);
  return new Response(media.bytes, {
    headers: {
      "content-type": media.info.mimeType,
      "content-length": String(media.info.size),
      "content-disposition": `attachment; filename=${media.info.fileName ? JSON.stringify(media.info.fileName) : mid}`,
    },
  });
});
