// What the public sign-up widget may do and show: its allowed sites, the public number, the channels
// on offer, and who may ask for a sign-up code (allowed site). No HTTP here; the per-address limit
// is the HTTP layer's (routes/rate-limit.ts).
import type { z } from "zod";
import type { Db } from "../db/client";
import { configSchema, ConfigError, type Env } from "../env";
import { Forbidden, NotFound, Unavailable } from "../shared/errors";
import type { SignupCodeIssued, WidgetConfig as PublicWidgetConfig } from "../shared/wire-types";
import { channelKeywords, listChannels } from "./channels";
import { loadKeywordConfig } from "./keywords/settings";
import { displayKeyword } from "./keywords/rule";
import { looksLikeCode } from "./codes-shape";
import { createSignupCode, findValidCode, signupLinks } from "./signup-codes";

const widgetConfigSchema = configSchema.pick({ WIDGET_ALLOWED_ORIGINS: true, WHATSAPP_DISPLAY_NUMBER: true });
type WidgetConfig = z.infer<typeof widgetConfigSchema>;
const configCache = new WeakMap<Env, WidgetConfig>();

/** Only what the widget needs, so it works even while other variables are still missing (parsed once per isolate). */
export function widgetConfig(env: Env): WidgetConfig {
  const hit = configCache.get(env);
  if (hit) return hit;
  const parsed = widgetConfigSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  configCache.set(env, parsed.data);
  return parsed.data;
}

/** The number citizens write to, digits only; Unavailable until WHATSAPP_DISPLAY_NUMBER is set. */
export function displayNumber(env: Env): string {
  const number = widgetConfig(env).WHATSAPP_DISPLAY_NUMBER.replace(/[^\d]/g, "");
  if (!number) {
    throw new Unavailable(
      "widget_not_configured",
      "Die Anmeldung über WhatsApp ist noch nicht eingerichtet (WHATSAPP_DISPLAY_NUMBER fehlt). Bitte die Betreuung von townwire verständigen.",
    );
  }
  return number;
}

/** A town site listed in WIDGET_ALLOWED_ORIGINS (these get CORS headers). */
export const isWidgetSite = (env: Env, origin: string | undefined): origin is string =>
  Boolean(origin && widgetConfig(env).WIDGET_ALLOWED_ORIGINS.includes(origin));

/**
 * Before a sign-up code is made: the asking page must be ours, a listed town site, or no page at all
 * (not a browser), and the number must be set.
 */
export function admitSignupRequest(env: Env, from: { origin: string | undefined; ownOrigin: string }): void {
  if (from.origin && from.origin !== from.ownOrigin && !isWidgetSite(env, from.origin)) {
    throw new Forbidden("origin_not_allowed", "Diese Website darf das Anmelde-Widget nicht verwenden. Bitte die Gemeinde bitten, sie freizuschalten.");
  }
  displayNumber(env);
}

/** The widget's public configuration: open channels (with their keyword), the number and the sign-up word. */
export async function publicWidgetConfig(db: Db, env: Env): Promise<PublicWidgetConfig> {
  const [channels, keywords, withKeyword] = await Promise.all([listChannels(db), loadKeywordConfig(db), channelKeywords(db)]);
  const keywordOf = new Map(withKeyword.map((k) => [k.channelId, k.keyword]));
  return {
    channels: channels.map((ch) => ({
      id: ch.id,
      name: ch.name,
      description: ch.description,
      defaultOn: ch.defaultOn,
      keyword: keywordOf.get(ch.id) ?? null,
    })),
    whatsappNumber: displayNumber(env),
    signupKeyword: displayKeyword(keywords, "subscribe", "de"),
  };
}

/** A new sign-up code for `channelIds`, with the WhatsApp link and text citizens use to redeem it. */
export async function issueSignupCode(db: Db, env: Env, channelIds: string[]): Promise<SignupCodeIssued> {
  const number = displayNumber(env);
  const [code, keywords] = await Promise.all([createSignupCode(db, channelIds), loadKeywordConfig(db)]);
  const keyword = displayKeyword(keywords, "subscribe", "de");
  return { code: code.code, channels: code.channelIds, expiresAt: code.expiresAt, ...signupLinks({ code: code.code, keyword, displayNumber: number }) };
}

/** The wa.me link a QR code of a valid sign-up code points to; NotFound for an unknown or expired code. */
export async function signupLinkOf(db: Db, env: Env, raw: string): Promise<string> {
  const code = looksLikeCode(raw) ? await findValidCode(db, raw) : null;
  if (!code) throw new NotFound("not_found", "Diesen Code gibt es nicht oder er ist abgelaufen. Bitte im Widget einen neuen erzeugen.");
  const keyword = displayKeyword(await loadKeywordConfig(db), "subscribe", "de");
  return signupLinks({ code: code.code, keyword, displayNumber: displayNumber(env) }).waLink;
}
