// One place that bounds every request body before anything reads it: /api/* and the webhook get a
// size per route (small for sign-in, the image size for uploads, Meta's webhook size), and anything
// bigger is refused with 413 — by Content-Length at once, or by counting the stream as it arrives.
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { ICS_MAX_BYTES } from "../calendars/schemas";
import { MAX_UPLOAD_BYTES } from "../media/uploads";
import { WEBHOOK_BODY_LIMIT } from "./webhooks";

const KiB = 1024;

export interface BodyRule {
  maxSize: number;
  code: string;
  message: string;
}

const tooLarge = (maxSize: number): BodyRule => ({
  maxSize,
  code: "payload_too_large",
  message: `Die Anfrage ist zu groß (höchstens ${Math.round(maxSize / KiB)} KB). Bitte kürzen und noch einmal senden.`,
});

export const BODY_LIMITS = {
  /** Email (≤ 320) and password (≤ 200 characters) — or two passwords —, JSON-escaped at worst six bytes each. */
  login: tooLarge(8 * KiB),
  /** A 5 MB image plus multipart overhead. */
  mediaUpload: { maxSize: MAX_UPLOAD_BYTES + 64 * KiB, code: "file_too_large", message: "Das Bild ist größer als 5 MB. Bitte ein kleineres Bild wählen." },
  /** The webhook's own limit (Meta's payloads are a few KB). */
  webhook: tooLarge(WEBHOOK_BODY_LIMIT),
  /**
   * A channel calendar's ICS file (up to ICS_MAX_BYTES characters) inside JSON: escaped line ends and
   * umlauts make the body up to about twice the file, plus the other fields.
   */
  calendar: {
    maxSize: 2 * ICS_MAX_BYTES + 16 * KiB,
    code: "payload_too_large",
    message: `Die Kalenderdatei ist zu groß (höchstens ${ICS_MAX_BYTES / KiB} KB). Bitte nur die Termine einer Zone hochladen oder die Adresse (URL) des Kalenders angeben.`,
  },
  /** Every other JSON body of the staff and widget API (the largest, 20 template parameters of 1024 characters, fits). */
  api: tooLarge(256 * KiB),
} satisfies Record<string, BodyRule>;

export function bodyRuleFor(method: string, path: string): BodyRule {
  if (path === "/api/auth/login" || path === "/api/auth/password") return BODY_LIMITS.login;
  if (method === "POST" && path === "/api/media") return BODY_LIMITS.mediaUpload;
  if (path.startsWith("/webhooks/")) return BODY_LIMITS.webhook;
  if (method === "PUT" && /^\/api\/channels\/[^/]+\/calendar$/.test(path)) return BODY_LIMITS.calendar;
  return BODY_LIMITS.api;
}

const limiters = new Map(
  Object.values(BODY_LIMITS).map((rule) => [
    rule,
    bodyLimit({ maxSize: rule.maxSize, onError: (c) => c.json({ error: { code: rule.code, message: rule.message } }, 413) }),
  ]),
);

/** Mounted on /api/* and /webhooks/* in app.ts. */
export const requestBodyLimit: MiddlewareHandler = createMiddleware(async (c, next) => {
  const limiter = limiters.get(bodyRuleFor(c.req.method, c.req.path));
  if (!limiter) return next();
  return limiter(c, next);
});
