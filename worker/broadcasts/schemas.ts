// Shapes of broadcasts at the edges: API input and queue messages (zod), and the views the API returns.
import { z } from "zod";
import { SEND_AT_LIMIT } from "./vienna-time";
import { templateRefSchema, type TemplateRef } from "../templates/schema";

export const BROADCAST_KINDS = ["newsletter", "alert", "reminder"] as const;
export type BroadcastKind = (typeof BROADCAST_KINDS)[number];
/** Staff compose newsletters and alerts; reminders are made by the calendar cron (worker/calendars). */
export const COMPOSABLE_KINDS = ["newsletter", "alert"] as const;

export const BROADCAST_STATUSES = ["draft", "scheduled", "sending", "paused", "done", "cancelled"] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/**
 * How recipients get a broadcast (decided per recipient when it is sent): `auto` – inside the 24-hour
 * window the content as free-form, outside the template; `template` – everyone the template;
 * `teaser` – outside the window the template with a "Weiterlesen" button, the content follows on a tap.
 */
export const BROADCAST_DELIVERIES = ["auto", "template", "teaser"] as const;
export type BroadcastDelivery = (typeof BROADCAST_DELIVERIES)[number];

/** WhatsApp's limits: 4096 characters for a text message, 1024 for a photo caption. */
export const TEXT_MAX = 4096;
export const CAPTION_MAX = 1024;


const channelIdsSchema = z
  .array(z.string().min(1).max(64))
  .min(1, "Mindestens einen Kanal wählen")
  .max(50)
  .transform((ids) => [...new Set(ids)]);

/** A send time: local Vienna ISO time ("2027-03-28T09:00"), ISO with offset, or epoch ms. */
export const sendAtSchema = z.union([
  z.string().min(10).max(40),
  z.number().int().positive().lt(SEND_AT_LIMIT, "Der Zeitpunkt liegt zu weit in der Zukunft (spätestens im Jahr 9999)"),
]);

export const createBroadcastSchema = z.strictObject({
  title: z.string().trim().min(1, "Titel fehlt").max(200),
  kind: z.enum(COMPOSABLE_KINDS),
  text: z.string().max(TEXT_MAX).default(""),
  channelIds: channelIdsSchema,
  sendAt: sendAtSchema.nullish(),
  mediaId: z.string().min(1).max(64).nullish(),
  template: templateRefSchema.nullish(),
  /** Default "auto"; a broadcast with a template and no content of its own defaults to "template". */
  delivery: z.enum(BROADCAST_DELIVERIES).optional(),
});
export type CreateBroadcastInput = z.infer<typeof createBroadcastSchema>;

export const updateBroadcastSchema = z
  .strictObject({
    title: z.string().trim().min(1, "Titel fehlt").max(200),
    kind: z.enum(COMPOSABLE_KINDS),
    text: z.string().max(TEXT_MAX),
    channelIds: channelIdsSchema,
    sendAt: sendAtSchema.nullable(),
    mediaId: z.string().min(1).max(64).nullable(),
    template: templateRefSchema.nullable(),
    delivery: z.enum(BROADCAST_DELIVERIES),
  })
  .partial();
export type UpdateBroadcastInput = z.infer<typeof updateBroadcastSchema>;

/** One queue message: a chunk of recipients of one broadcast. */
export const chunkMessageSchema = z.object({
  type: z.literal("broadcast.chunk"),
  broadcastId: z.string().min(1),
  citizenIds: z.array(z.string().min(1)).min(1).max(500),
});
export type ChunkMessage = z.infer<typeof chunkMessageSchema>;

export interface BroadcastCounts {
  recipients: number;
  /** Waiting to be sent now. */
  queued: number;
  /** Waiting for tomorrow: over the messaging tier. */
  deferred: number;
  sending: number;
  /** Sent, but WhatsApp's answer was lost: waiting for its status webhook (sent again only after a bound). */
  unconfirmed: number;
  /** Accepted by WhatsApp (includes delivered and read). */
  sent: number;
  /** Delivered to the phone (includes read). */
  delivered: number;
  read: number;
  failed: number;
  /** Not sent on purpose (unsubscribed or erased meanwhile, or the broadcast was cancelled). */
  skipped: number;
  /** Teaser taps on "Weiterlesen" (each citizen once). */
  opened: number;
  /** Recipients that got the template. */
  viaTemplate: number;
  /** Recipients that got the content as free-form (inside the window, or after a teaser tap). */
  freeForm: number;
}

export interface FailureReasonCount {
  reason: string;
  code: number | null;
  count: number;
}

export interface BroadcastView {
  id: string;
  title: string;
  kind: BroadcastKind;
  text: string;
  mediaId: string | null;
  mediaUrl: string | null;
  template: TemplateRef | null;
  delivery: BroadcastDelivery;
  channelIds: string[];
  status: BroadcastStatus;
  sendAt: number | null;
  /** sendAt as Vienna wall-clock time ("2027-03-28T09:00"), for the editor. */
  sendAtLocal: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  recipientCount: number;
  createdBy: string | null;
  /** Both names of four eyes: who wrote it (here) and who approved it (approval.byName). */
  createdByName: string | null;
  approval: ApprovalView;
  createdAt: number;
  updatedAt: number;
  counts: BroadcastCounts;
}

/** Four eyes (docs/trust.md). state null: approval never asked (or reset by an edit). */
export interface ApprovalView {
  state: "pending" | "approved" | "rejected" | null;
  requestedBy: string | null;
  requestedByName: string | null;
  requestedAt: number | null;
  /** Who approved or rejected. */
  by: string | null;
  byName: string | null;
  at: number | null;
  reason: string | null;
}

export interface BroadcastDetail extends BroadcastView {
  failedByReason: FailureReasonCount[];
  /** Share of recipients that are finished (sent, failed or skipped), 0..1. */
  progress: number;
  /** Four eyes is on and this (not yet started) broadcast's audience is above the threshold. */
  approvalRequired: boolean;
}

export const TEMPLATE_PRICE_CATEGORIES = ["MARKETING", "UTILITY", "AUTHENTICATION"] as const;
export type TemplatePriceCategory = (typeof TEMPLATE_PRICE_CATEGORIES)[number];

/** Meta's price per delivered template message (GET/PUT /api/settings/template-prices). */
export interface TemplatePrices {
  prices: Record<TemplatePriceCategory, number>;
  currency: "EUR";
  country: "AT";
  /** Where the prices come from (Meta's rate card, or "admin" once changed by hand). */
  source: string;
  /** Date of that source, YYYY-MM-DD. */
  sourceDate: string;
}

export interface CostEstimate {
  currency: "EUR";
  category: "MARKETING" | "UTILITY" | null;
  perMessage: number;
  /** Recipients that will get a template under this delivery. */
  templateMessages: number;
  /** Of those, the ones Meta charges for (UTILITY templates inside the 24-hour window are free). */
  billableMessages: number;
  /** billableMessages × perMessage, rounded to cents. */
  total: number;
}

/** GET /api/broadcasts/estimate. */
export interface BroadcastEstimate {
  recipients: number;
  tier: number | "unlimited";
  usedLast24h: number;
  available: number | null;
  overTier: number;
  warning: string | null;
  /** Recipients whose last message (WhatsApp timestamp) is less than 24 hours old. */
  insideWindow: number;
  outsideWindow: number;
  cost: CostEstimate;
}

/** One recipient a broadcast did not reach (GET /api/broadcasts/:id/failures). */
export interface BroadcastFailure {
  citizenId: string;
  name: string | null;
  phone: string | null;
  code: number | null;
  /** German: what went wrong. */
  reason: string;
  /** German: what to do. */
  advice: string;
  lastInboundAt: number | null;
  retryableWithTemplate: boolean;
}
