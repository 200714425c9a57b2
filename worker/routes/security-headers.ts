// Security headers for everything the Worker answers: the staff app's page (served through the Worker so
// its Content-Security-Policy can name the configured map tile server), the API and the webhook. No page
// may be framed by another site. Hashed assets and widget.js are served by the assets binding and get
// their headers from dist/public/_headers (scripts/build.mjs), with the same values.
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import { configSchema, type Env } from "../env";

/** Allowed powerful features: none, except fullscreen for videos in the inbox. */
const PERMISSIONS = { camera: [], microphone: [], geolocation: [], payment: [], usb: [], fullscreen: ["self"] };
export const HSTS = "max-age=31536000; includeSubDomains";
/** Browsers' default; keeps the Referer the OpenStreetMap tile policy asks for, but only the origin. */
const REFERRER_POLICY = "strict-origin-when-cross-origin";

/**
 * Where map tiles come from, as a CSP source: the origin of MAP_TILE_URL, with Leaflet's {s}
 * subdomain placeholder as a wildcard. A host the CSP cannot express falls back to its scheme.
 */
export function tileSource(tileUrl: string): string {
  const m = /^(https?):\/\/([^/?#]+)/.exec(tileUrl);
  if (!m) return "'none'";
  const [, scheme, host = ""] = m;
  const wildcard = host.replace(/^\{s\}\./, "*.");
  if (/^(\*\.)?[A-Za-z0-9.-]+(:\d+)?$/.test(wildcard)) return `${scheme}://${wildcard}`;
  return `${scheme}:`;
}

function tileUrlOf(env: Env): string {
  const parsed = configSchema.shape.MAP_TILE_URL.safeParse(env.MAP_TILE_URL);
  return parsed.success ? parsed.data : "";
}

/** The live room's websocket on this host (partysocket uses wss: on https pages, ws: otherwise). */
function socketSource(c: Context): string {
  const url = new URL(c.req.url);
  return `${url.protocol === "https:" ? "wss" : "ws"}://${url.host}`;
}

const common = {
  xFrameOptions: "DENY",
  referrerPolicy: REFERRER_POLICY,
  permissionsPolicy: PERMISSIONS,
  // Set below, on https only.
  strictTransportSecurity: false,
  // A route that set its own policy (photos) keeps it.
  overwrite: false,
} as const;

/** The staff app's page: scripts and styles only from here (Leaflet and Preact set styles through the CSSOM, which CSP allows). */
const appPage = secureHeaders({
  ...common,
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    // Photos from /api/media, previews of a chosen photo (blob:), Leaflet's inlined icons (data:), map tiles.
    imgSrc: ["'self'", "data:", "blob:", (c) => tileSource(tileUrlOf((c as Context<{ Bindings: Env }>).env))],
    mediaSrc: ["'self'", "blob:"],
    fontSrc: ["'self'", "data:"],
    connectSrc: ["'self'", (c) => socketSource(c as Context)],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameSrc: ["'none'"],
    frameAncestors: ["'none'"],
  },
});

/** JSON and files: nothing in them may run or be framed. */
const api = (crossOrigin: boolean) =>
  secureHeaders({
    ...common,
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    // The widget's API is read by other sites' pages (with CORS); everything else only by ours.
    crossOriginResourcePolicy: crossOrigin ? "cross-origin" : "same-origin",
  });
const staffApi = api(false);
const publicApi = api(true);

/**
 * Public pages (/anzeige, /mitteilung/:id): script and style only from here, photos from here, the feed
 * polled from here; nothing else. Not framed by other sites either.
 */
const publicPage = secureHeaders({
  ...common,
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
  crossOriginResourcePolicy: "same-origin",
});

/** Public read-only data for other sites (feeds, their photos, Open311). */
export function isPublicData(path: string): boolean {
  return path === "/feed.atom" || path === "/feed.json" || path.startsWith("/feed/") || path.startsWith("/open311/");
}

function pick(path: string): MiddlewareHandler {
  if (path === "/api/public" || path.startsWith("/api/public/") || isPublicData(path)) return publicApi;
  if (path === "/anzeige" || path.startsWith("/anzeige/") || path.startsWith("/mitteilung/")) return publicPage;
  if (path.startsWith("/api/") || path === "/api" || path.startsWith("/webhooks/")) return staffApi;
  return appPage;
}

/** Mounted on every path in app.ts. */
export const securityHeaders: MiddlewareHandler = createMiddleware(async (c, next) => {
  await pick(c.req.path)(c, next);
  if (new URL(c.req.url).protocol === "https:" && !c.res.headers.has("strict-transport-security")) {
    c.res.headers.set("Strict-Transport-Security", HSTS);
  }
});
