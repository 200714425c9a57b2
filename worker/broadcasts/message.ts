// What a broadcast looks like at the Graph API (text, photo with caption, or template), and what a
// failed send means for the recipient.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { failureReason } from "../inbox/failure-reasons";
import { readStoredMedia } from "../media/serve";
import { GraphApiError, imageMessage, templateMessage, textMessage, type OutboundMessage, type WhatsAppClient } from "../whatsapp";
import type { BroadcastRow } from "./compose";
import { quickReplyButtons } from "../shared/template-rules";
import { teaserPayload } from "./delivery";
import { findTemplate, templateComponents } from "../templates/store";

/** WhatsApp keeps uploaded media 30 days; upload again well before. */
const WA_MEDIA_MAX_AGE_MS = 25 * 24 * 60 * 60_000;

type MessageSource = Pick<BroadcastRow, "id" | "text" | "mediaId" | "template" | "delivery" | "waMediaId" | "waMediaUploadedAt">;
type MessageDeps = { db: Db; bucket: R2Bucket; whatsapp: WhatsAppClient };

/** The two forms of a broadcast; a recipient gets one of them (see delivery.ts). Null: not part of it. */
export interface PreparedMessages {
  /** Text, or the photo with the text as caption: free-form, only inside the 24-hour window. */
  content: OutboundMessage | null;
  template: OutboundMessage | null;
}

/**
 * The messages of a broadcast, prepared once per consumer run: the template with its parameters
 * (quick-reply buttons carry the teaser payload naming the broadcast), and the content (the photo
 * uploaded to WhatsApp once per broadcast, remembered in D1).
 */
export async function prepareMessages(deps: MessageDeps, b: MessageSource, now = Date.now()): Promise<PreparedMessages> {
  const template = b.template ? await prepareTemplate(deps.db, b) : null;
  const hasContent = b.delivery !== "template" && (b.text.trim() !== "" || b.mediaId !== null);
  return { template, content: hasContent ? await prepareContent(deps, b, now) : null };
}

/** The content as free-form (a teaser tap, a test-send). */
export async function prepareContent(deps: MessageDeps, b: MessageSource, now = Date.now()): Promise<OutboundMessage> {
  if (b.mediaId) return imageMessage({ id: await ensureWaMedia(deps, b, now) }, b.text || undefined);
  return textMessage(b.text);
}

async function prepareTemplate(db: Db, b: MessageSource): Promise<OutboundMessage> {
  const ref = b.template!;
  const t = await findTemplate(db, ref.name, ref.language);
  const components = templateComponents(t ?? { placeholders: ref.parameters.map((_, i) => String(i + 1)) }, ref.parameters);
  // Every quick-reply button names the broadcast, so a tap on "Weiterlesen" finds its content.
  quickReplyButtons(t?.components ?? []).forEach((_, i) =>
    components.push({ type: "button", sub_type: "quick_reply", index: String(i), parameters: [{ type: "payload", payload: teaserPayload(b.id) }] }),
  );
  return templateMessage({ name: ref.name, language: ref.language, components });
}

/** What a test-send shows: the template when there is one (what most citizens get), else the content. */
export async function prepareMessage(deps: MessageDeps, b: MessageSource, now = Date.now()): Promise<OutboundMessage> {
  const m = await prepareMessages(deps, b, now);
  const out = m.template ?? m.content;
  if (!out) throw new Error("broadcast has neither template nor content");
  return out;
}

async function ensureWaMedia(
  deps: MessageDeps,
  b: Pick<BroadcastRow, "id" | "mediaId" | "waMediaId" | "waMediaUploadedAt">,
  now: number,
): Promise<string> {
  if (b.waMediaId && b.waMediaUploadedAt && now - b.waMediaUploadedAt < WA_MEDIA_MAX_AGE_MS) return b.waMediaId;
  const file = await readStoredMedia(deps, b.mediaId!);
  const id = await deps.whatsapp.uploadMedia(file.bytes, file.mimeType, file.fileName);
  await deps.db.run(sql`UPDATE broadcasts SET wa_media_id = ${id}, wa_media_uploaded_at = ${now} WHERE id = ${b.id}`);
  return id;
}

/** What to do with a recipient whose send failed. */
export type FailureAction =
  | { kind: "retry"; delayMs: number; code: number; reason: string; rateLimited: boolean }
  /** `exhausted`: transient errors used up every attempt (recorded as a dead letter too). */
  | { kind: "fail"; code: number; reason: string; optedOut: boolean; exhausted: boolean }
  /** The access token was refused: nothing can be sent until an admin fixes it. */
  | { kind: "halt"; code: number; reason: string };

/** After this many attempts with transient errors a recipient is given up (and recorded as a dead letter). */
export const MAX_SEND_ATTEMPTS = 5;
/** 131056: WhatsApp wants a pause between messages to the same person. */
export const PAIR_RATE_DELAY_MS = 15_000;

export function classifyFailure(err: unknown, attempts: number): FailureAction {
  const e = err instanceof GraphApiError ? err : null;
  const code = e?.code ?? 0;
  const reason = failureReason(code === 0 ? null : code, e ? (e.details || e.title || null) : null) ?? "Netzwerkfehler beim Senden";
  const giveUp = (r: string): FailureAction => ({ kind: "fail", code, reason: `${r} (nach ${attempts} Versuchen aufgegeben)`, optedOut: false, exhausted: true });
  if (!e) return attempts >= MAX_SEND_ATTEMPTS ? giveUp(reason) : { kind: "retry", delayMs: backoff(attempts), code, reason, rateLimited: false };
  switch (e.kind) {
    case "rate_limited":
      if (code === 131056) {
        return attempts >= MAX_SEND_ATTEMPTS
          ? giveUp(reason)
          : { kind: "retry", delayMs: PAIR_RATE_DELAY_MS, code, reason, rateLimited: false };
      }
      // Throughput limits are the pacer's business, not the recipient's: they do not use up attempts.
      return { kind: "retry", delayMs: 0, code, reason, rateLimited: true };
    case "retryable":
      return attempts >= MAX_SEND_ATTEMPTS ? giveUp(reason) : { kind: "retry", delayMs: backoff(attempts), code, reason, rateLimited: false };
    case "opted_out":
      return { kind: "fail", code, reason, optedOut: true, exhausted: false };
    case "auth":
      return { kind: "halt", code, reason };
    case "outside_window":
    case "permanent":
      return { kind: "fail", code, reason, optedOut: false, exhausted: false };
  }
}

/** 0.25 s, 0.5 s, 1 s, 2 s … capped at 30 s, with a little jitter so retries do not line up. */
export function backoff(attempts: number): number {
  const base = Math.min(30_000, 250 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
