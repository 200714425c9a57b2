// Shapes of broadcasts at the edges: API input and queue messages (zod), and the views the API returns.
import { z } from "zod";
import { SEND_AT_LIMIT } from "./vienna-time";

export const BROADCAST_KINDS = ["newsletter", "alert"] as const;
export type BroadcastKind = (typeof BROADCAST_KINDS)[number];

export const BROADCAST_STATUSES = ["draft", "scheduled", "sending", "paused", "done", "cancelled"] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/** WhatsApp's limits: 4096 characters for a text message, 1024 for a photo caption. */
export const TEXT_MAX = 4096;
export const CAPTION_MAX = 1024;

export const templateRefSchema = z.strictObject({
  name: z.string().trim().min(1).max(512),
  language: z.string().trim().min(2).max(15),
  parameters: z.array(z.string().trim().min(1, "Platzhalter dürfen nicht leer sein").max(1024)).max(20).default([]),
});
export type TemplateRef = z.infer<typeof templateRefSchema>;

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
  kind: z.enum(BROADCAST_KINDS),
  text: z.string().max(TEXT_MAX).default(""),
  channelIds: channelIdsSchema,
  sendAt: sendAtSchema.nullish(),
  mediaId: z.string().min(1).max(64).nullish(),
  template: templateRefSchema.nullish(),
});
export type CreateBroadcastInput = z.infer<typeof createBroadcastSchema>;

export const updateBroadcastSchema = z
  .strictObject({
    title: z.string().trim().min(1, "Titel fehlt").max(200),
    kind: z.enum(BROADCAST_KINDS),
    text: z.string().max(TEXT_MAX),
    channelIds: channelIdsSchema,
    sendAt: sendAtSchema.nullable(),
    mediaId: z.string().min(1).max(64).nullable(),
    template: templateRefSchema.nullable(),
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
  /** Accepted by WhatsApp (includes delivered and read). */
  sent: number;
  /** Delivered to the phone (includes read). */
  delivered: number;
  read: number;
  failed: number;
  /** Not sent on purpose (unsubscribed or erased meanwhile, or the broadcast was cancelled). */
  skipped: number;
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
  channelIds: string[];
  status: BroadcastStatus;
  sendAt: number | null;
  /** sendAt as Vienna wall-clock time ("2027-03-28T09:00"), for the editor. */
  sendAtLocal: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  recipientCount: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  counts: BroadcastCounts;
}

export interface BroadcastDetail extends BroadcastView {
  failedByReason: FailureReasonCount[];
  /** Share of recipients that are finished (sent, failed or skipped), 0..1. */
  progress: number;
}
