// What happens to a verified webhook: store messages, apply statuses, then hand slow work to the
// queue and news to the InboxRoom. Storage is the only step that may fail the webhook (Meta then
// redelivers, and the wamid makes that a no-op); everything after it is best-effort and recoverable.
import { sql } from "drizzle-orm";
import { applyRecipientStatuses } from "../broadcasts/statuses";
import { erasedPastCheck } from "../citizens/erasure-tombstones";
import type { Db } from "../db/client";
import type { Job } from "../queues/jobs";
import type { RoomEvent } from "../shared/events";
import type { InboundMessage, StatusUpdate, TemplateEvent, WebhookEvent } from "../whatsapp/normalize";
import { applyTemplateEvents } from "../templates/lifecycle";
import { storeInbound, type ProcessingDecision } from "../inbox/ingest";
import { failureReason } from "../inbox/failure-reasons";
import { applyMessageStatuses } from "../inbox/statuses";

export interface IntakeDeps {
  db: Db;
  enqueue: (jobs: Job[]) => Promise<void>;
  publish: (events: RoomEvent[]) => Promise<unknown>;
  /** Whether a message needs the background "inbound.process" job (keywords); default: all do. */
  needsProcessing?: (msg: InboundMessage) => Promise<ProcessingDecision>;
  /** Broadcast ids whose counts changed (the broadcasts module streams progress). */
  onBroadcastStatus?: (broadcastIds: string[]) => Promise<void>;
  /** Broadcast recipients queued again for the template after a 131047 (the broadcasts module enqueues them). */
  onBroadcastFallback?: (fallbacks: { broadcastId: string; citizenIds: string[] }[]) => Promise<void>;
}

export interface IntakeResult {
  stored: number;
  duplicates: number;
  statusesApplied: number;
  roomEvents: RoomEvent[];
  jobs: Job[];
  touchedBroadcasts: string[];
  fallbacks: { broadcastId: string; citizenIds: string[] }[];
}

/** Stores, then hands off. Throws only if storage fails. */
export async function processWebhookEvents(deps: IntakeDeps, events: WebhookEvent[]): Promise<IntakeResult> {
  const result = await storeWebhookEvents(deps.db, events, deps.needsProcessing);
  try {
    await deps.enqueue(result.jobs);
  } catch (err) {
    // Stored media stays "pending" and the cron sweep re-enqueues it; nothing is lost.
    console.error("could not enqueue background jobs", err);
  }
  await deps.publish(result.roomEvents);
  if (result.touchedBroadcasts.length && deps.onBroadcastStatus) {
    await deps.onBroadcastStatus(result.touchedBroadcasts).catch((err) => console.error(err));
  }
  if (result.fallbacks.length && deps.onBroadcastFallback) {
    // Should this fail, the cron finds the queued recipients of a sending broadcast (recovery.ts).
    await deps.onBroadcastFallback(result.fallbacks).catch((err) => console.error("could not enqueue template fallbacks", err));
  }
  return result;
}

export async function storeWebhookEvents(
  db: Db,
  events: WebhookEvent[],
  needsProcessing: (msg: InboundMessage) => Promise<ProcessingDecision> = async () => true,
): Promise<IntakeResult> {
  const result: IntakeResult = {
    stored: 0,
    duplicates: 0,
    statusesApplied: 0,
    roomEvents: [],
    jobs: [],
    touchedBroadcasts: [],
    fallbacks: [],
  };
  const broadcastStatuses: StatusUpdate[] = [];
  const messageStatuses: StatusUpdate[] = [];
  const fromErasedPast = erasedPastCheck(db);
  const templateEvents: TemplateEvent[] = [];
  for (const event of events) {
    if (event.kind === "template") {
      templateEvents.push(event);
      continue;
    }
    if (event.kind === "message") {
      // A late or redelivered message of a person erased since must not bring their data back.
      if (await fromErasedPast(event)) {
        result.duplicates++;
        continue;
      }
      const process = await needsProcessing(event);
      const stored = await storeInbound(db, event, process);
      if (!stored) {
        result.duplicates++;
        continue;
      }
      result.stored++;
      result.roomEvents.push({
        type: "message.created",
        conversationId: stored.conversationId,
        citizenName: stored.citizenName,
        message: stored.view,
      });
      if (stored.mediaPending && stored.mediaId) result.jobs.push({ type: "media.fetch", mediaId: stored.mediaId });
      // Whatever the filter said, a message stored unprocessed gets its job (and the cron finds it).
      if (stored.needsProcessing) result.jobs.push({ type: "inbound.process", messageId: stored.messageId });
    } else if (event.callbackData?.startsWith("b:")) {
      broadcastStatuses.push(event);
    } else {
      messageStatuses.push(event);
    }
  }
  // Our callback data names the kind of send ("b:" broadcast, "m:" inbox message); without it (sends
  // from elsewhere) both tables are tried. A webhook's message statuses take one D1 round trip.
  const applied = await applyMessageStatuses(db, messageStatuses);
  messageStatuses.forEach((event, i) => {
    const hit = applied[i];
    if (hit) {
      result.statusesApplied++;
      result.roomEvents.push({
        type: "message.status",
        conversationId: hit.conversationId,
        messageId: hit.messageId,
        status: hit.status,
        errorCode: hit.errorCode,
        errorReason: hit.status === "failed" ? failureReason(hit.errorCode, hit.errorTitle) : null,
      });
    } else if (!event.callbackData?.startsWith("m:")) {
      broadcastStatuses.push(event);
    }
  });
  // A fan-out brings statuses by the hundred: all of one webhook in one D1 round trip.
  const broadcasts = await applyRecipientStatuses(db, broadcastStatuses);
  result.statusesApplied += broadcasts.applied;
  result.touchedBroadcasts = broadcasts.broadcastIds;
  result.fallbacks = broadcasts.fallbacks;
  if (templateEvents.length) result.roomEvents.push(...(await applyTemplateEvents(db, templateEvents)));
  return result;
}

/** Inbound messages whose "inbound.process" job was lost (e.g. the queue send failed after storing). */
export async function staleUnprocessedMessages(db: Db, olderThanMs: number): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    sql`SELECT id FROM messages WHERE processed_at IS NULL AND direction = 'in' AND created_at < ${Date.now() - olderThanMs} ORDER BY created_at LIMIT 100`,
  );
  return rows.map((r) => r.id);
}
