// The sign-up widget's public API (no session): channels to show, sign-up codes, the QR image.
// CORS only for the town's sites in WIDGET_ALLOWED_ORIGINS; a foreign origin gets no CORS headers,
// and its requests to create codes are refused. Requests without Origin (not from a browser page)
// and from our own origin (the demo page) are allowed; code creation is limited per address
// (SIGNUP_LIMITER, a Workers Rate Limiting binding).
import { Hono } from "hono";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { renderSVG } from "uqr";
import { z } from "zod";
import { admitSignupRequest, isWidgetSite, issueSignupCode, publicWidgetConfig, signupLinkOf } from "../citizens/widget";
import { getDb } from "../db/client";
import type { Env } from "../env";
import { limitPerAddress } from "./rate-limit";
import { valid } from "./validate";

type PublicEnv = { Bindings: Env };

const signupSchema = z.object({
  channels: z
    .array(z.string().min(1).max(100))
    .min(1, "Bitte mindestens einen Kanal wählen.")
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, "Jeder Kanal darf nur einmal gewählt sein."),
});

/** Origin and number before the address's limit and the body, so bad requests count too. */
const admitSignup = createMiddleware<PublicEnv>(async (c, next) => {
  admitSignupRequest(c.env, { origin: c.req.header("origin"), ownOrigin: new URL(c.req.url).origin });
  await next();
});

export const publicRoutes = new Hono<PublicEnv>()
  .use(
    "/public/*",
    cors({
      origin: (origin, c) => (isWidgetSite(c.env, origin) ? origin : null),
      allowMethods: ["GET", "POST"],
      allowHeaders: ["Content-Type"],
      maxAge: 600,
      credentials: false,
    }),
  )
  .get("/public/widget-config", async (c) => {
    const config = await publicWidgetConfig(getDb(c.env.DB), c.env);
    c.header("Cache-Control", "public, max-age=60");
    return c.json(config);
  })
  .post("/public/signup-codes", admitSignup, limitPerAddress("SIGNUP_LIMITER"), valid("json", signupSchema), async (c) =>
    c.json(await issueSignupCode(getDb(c.env.DB), c.env, c.req.valid("json").channels), 201),
  )
  .get("/public/signup-codes/:code/qr.svg", async (c) => {
    const waLink = await signupLinkOf(getDb(c.env.DB), c.env, c.req.param("code"));
    const svg = renderSVG(waLink, { ecc: "M", border: 2, pixelSize: 8 });
    return c.body(svg, 200, {
      "Content-Type": "image/svg+xml; charset=utf-8",
      "Cache-Control": "public, max-age=3600",
      "X-Content-Type-Options": "nosniff",
    });
  });
