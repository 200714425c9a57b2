// The sign-up widget's public API (no session): channels to show, sign-up codes, the QR image.
// CORS only for the town's sites in WIDGET_ALLOWED_ORIGINS; a foreign origin gets no CORS headers,
// and its requests to create codes are refused. Requests without Origin (not from a browser page)
// and from our own origin (the demo page) are allowed; code creation is rate-limited per IP.
import { Hono, type Context } from "hono";
import { cors } from "hono/cors";
import { renderSVG } from "uqr";
import { z } from "zod";
import { channelKeywords, listChannels } from "../citizens/channels";
import { looksLikeCode } from "../citizens/codes-shape";
import { loadKeywordConfig } from "../citizens/keywords/settings";
import { displayKeyword } from "../citizens/keywords/rule";
import { createSignupCode, findValidCode, signupLinks } from "../citizens/signup-codes";
import { hitSignupLimit } from "../citizens/signup-rate-limit";
import { getDb } from "../db/client";
import { configSchema, ConfigError, type Env } from "../env";
import { AppError, notFound } from "../shared/errors";
import { jsonBody } from "./validate";

const widgetConfigSchema = configSchema.pick({ WIDGET_ALLOWED_ORIGINS: true, WHATSAPP_DISPLAY_NUMBER: true });
type WidgetConfig = z.infer<typeof widgetConfigSchema>;
const configCache = new WeakMap<Env, WidgetConfig>();

/** Only what the widget needs, so it works even while other variables are still missing. */
function widgetConfig(env: Env): WidgetConfig {
  const hit = configCache.get(env);
  if (hit) return hit;
  const parsed = widgetConfigSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  configCache.set(env, parsed.data);
  return parsed.data;
}

function displayNumber(env: Env): string {
  const number = widgetConfig(env).WHATSAPP_DISPLAY_NUMBER.replace(/[^\d]/g, "");
  if (!number) throw new AppError(503, "widget_not_configured", "WHATSAPP_DISPLAY_NUMBER ist nicht gesetzt");
  return number;
}

function isAllowedOrigin(c: Context<{ Bindings: Env }>, origin: string | undefined): boolean {
  if (!origin) return true;
  return origin === new URL(c.req.url).origin || widgetConfig(c.env).WIDGET_ALLOWED_ORIGINS.includes(origin);
}

const signupSchema = z.object({
  channels: z
    .array(z.string().min(1).max(100))
    .min(1, "Bitte mindestens einen Kanal wählen")
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, "Jeder Kanal nur einmal"),
});

export const publicRoutes = new Hono<{ Bindings: Env }>();

publicRoutes.use(
  "/public/*",
  cors({
    origin: (origin, c) => (origin && widgetConfig(c.env).WIDGET_ALLOWED_ORIGINS.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST"],
    allowHeaders: ["Content-Type"],
    maxAge: 600,
    credentials: false,
  }),
);

publicRoutes.get("/public/widget-config", async (c) => {
  const db = getDb(c.env.DB);
  const [channels, keywords] = await Promise.all([listChannels(db), loadKeywordConfig(db)]);
  const withKeyword = new Map((await channelKeywords(db)).map((k) => [k.channelId, k.keyword]));
  c.header("Cache-Control", "public, max-age=60");
  return c.json({
    channels: channels.map((ch) => ({
      id: ch.id,
      name: ch.name,
      description: ch.description,
      defaultOn: ch.defaultOn,
      keyword: withKeyword.get(ch.id) ?? null,
    })),
    whatsappNumber: displayNumber(c.env),
    signupKeyword: displayKeyword(keywords, "subscribe", "de"),
  });
});

publicRoutes.post("/public/signup-codes", async (c) => {
  if (!isAllowedOrigin(c, c.req.header("origin"))) {
    throw new AppError(403, "origin_not_allowed", "Diese Website darf das Anmelde-Widget nicht verwenden");
  }
  const db = getDb(c.env.DB);
  const number = displayNumber(c.env);
  const ip = c.req.header("cf-connecting-ip") ?? "unknown";
  const limit = await hitSignupLimit(db, ip);
  if (limit.blocked) {
    c.header("Retry-After", String(limit.retryAfterSeconds));
    return c.json(
      { error: { code: "rate_limited", message: "Zu viele Anfragen – bitte in ein paar Minuten noch einmal versuchen" } },
      429,
    );
  }
  const { channels } = await jsonBody(c, signupSchema);
  const code = await createSignupCode(db, channels);
  const keyword = displayKeyword(await loadKeywordConfig(db), "subscribe", "de");
  return c.json(
    { code: code.code, channels: code.channelIds, expiresAt: code.expiresAt, ...signupLinks({ code: code.code, keyword, displayNumber: number }) },
    201,
  );
});

publicRoutes.get("/public/signup-codes/:code/qr.svg", async (c) => {
  const raw = c.req.param("code");
  const db = getDb(c.env.DB);
  const code = looksLikeCode(raw) ? await findValidCode(db, raw) : null;
  if (!code) throw notFound("Unbekannter oder abgelaufener Code");
  const keyword = displayKeyword(await loadKeywordConfig(db), "subscribe", "de");
  const { waLink } = signupLinks({ code: code.code, keyword, displayNumber: displayNumber(c.env) });
  const svg = renderSVG(waLink, { ecc: "M", border: 2, pixelSize: 8 });
  return c.body(svg, 200, {
    "Content-Type": "image/svg+xml; charset=utf-8",
    "Cache-Control": "public, max-age=3600",
    "X-Content-Type-Options": "nosniff",
  });
});
