// Queue entry point: routes each batch to the module that owns it.
import { chunk, itemsPerStatement } from "../db/chunk";
import { getDb } from "../db/client";
import { deadLetters } from "../db/schema";
import { getConfig, type Env } from "../env";
import { publishToRoom } from "../inbox/publish";
import { mediaPath } from "../inbox/views";
import { fetchInboundMedia } from "../media/fetch-inbound";
import { clientFromConfig } from "../whatsapp";
import { jobSchema, type Job } from "./jobs";
import { eq } from "drizzle-orm";
import { messages } from "../db/schema";

export type JobHandler = (env: Env, job: Job, attempts: number) => Promise<"ack" | { retryAfterSeconds: number }>;

/** Handlers other modules register (keyword processing, broadcasts). */
const extraHandlers: Partial<Record<Job["type"], JobHandler>> = {};
export function registerJobHandler(type: Job["type"], handler: JobHandler): void {
  extraHandlers[type] = handler;
}

export type BatchHandler = (batch: MessageBatch<unknown>, env: Env) => Promise<void>;
const queueHandlers: Record<string, BatchHandler> = {};
/** e.g. the broadcast fan-out consumer registers for "townwire-broadcasts". */
export function registerQueueHandler(queuePrefix: string, handler: BatchHandler): void {
  queueHandlers[queuePrefix] = handler;
}

export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue.endsWith("-dlq")) return recordDeadLetters(batch, env);
  if (batch.queue.startsWith("townwire-jobs")) return handleJobs(batch, env);
  for (const [prefix, handler] of Object.entries(queueHandlers)) {
    if (batch.queue.startsWith(prefix)) return handler(batch, env);
  }
  console.error(`no handler for queue ${batch.queue}; messages retried`);
  batch.retryAll({ delaySeconds: 30 });
}

async function handleJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    const parsed = jobSchema.safeParse(msg.body);
    if (!parsed.success) {
      console.error("dropping malformed job", msg.body);
      msg.ack();
      continue;
    }
    try {
      const outcome = await runJob(env, parsed.data, msg.attempts);
      if (outcome === "ack") msg.ack();
      else msg.retry({ delaySeconds: outcome.retryAfterSeconds });
    } catch (err) {
      console.error(`job ${parsed.data.type} failed`, err);
      msg.retry({ delaySeconds: Math.min(2 ** msg.attempts, 300) });
    }
  }
}

async function runJob(env: Env, job: Job, attempts: number): Promise<"ack" | { retryAfterSeconds: number }> {
  const extra = extraHandlers[job.type];
  if (extra) return extra(env, job, attempts);
  switch (job.type) {
    case "media.fetch":
      return fetchMediaJob(env, job.mediaId);
    case "inbound.process":
    case "outbound.scheduled":
      return "ack";
  }
}

async function fetchMediaJob(env: Env, mediaId: string): Promise<"ack" | { retryAfterSeconds: number }> {
  const db = getDb(env.DB);
  const outcome = await fetchInboundMedia(
    { db, bucket: env.MEDIA, whatsapp: clientFromConfig(getConfig(env)) },
    mediaId,
  );
  if (outcome.result === "retry") return { retryAfterSeconds: outcome.delaySeconds };
  if (outcome.result === "failed" && outcome.alert) await publishToRoom(env, [outcome.alert]);
  if (outcome.result === "stored" || outcome.result === "failed") {
    const msg = await db
      .select({ id: messages.id, conversationId: messages.conversationId })
      .from(messages)
      .where(eq(messages.mediaId, mediaId))
      .get();
    if (msg) {
      await publishToRoom(env, [
        {
          type: "media.updated",
          conversationId: msg.conversationId,
          messageId: msg.id,
          mediaStatus: outcome.result,
          mediaUrl: outcome.result === "stored" ? mediaPath(mediaId) : null,
        },
      ]);
    }
  }
  return "ack";
}

async function recordDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = getDb(env.DB);
  // Multi-row INSERTs within D1's 100 parameters, all in one transaction.
  const [first, ...rest] = chunk(batch.messages, itemsPerStatement(3)).map((part) =>
    db.insert(deadLetters).values(part.map((m) => ({ queue: batch.queue, body: m.body }))),
  );
  if (first) await db.batch([first, ...rest]);
  batch.ackAll();
}
