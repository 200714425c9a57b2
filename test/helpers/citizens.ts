// Fixtures for the citizens tests: demo channels, storing an inbound message the way the webhook
// does (without the background queue, so tests decide when the job runs), and running the job
// through the Worker's real queue handler.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { getDb } from "../../worker/db/client";
import { storeWebhookEvents } from "../../worker/intake/webhook-events";
import worker from "../../worker/index";
import { normalizeWebhook } from "../../worker/whatsapp";
import { webhookSchema } from "../../worker/whatsapp/schemas";
import { noteWebhookMessages } from "./fake-window";
import { envelope, messageValue, type MessageOpts } from "./meta";

export const db = () => getDb(env.DB);

export interface SeedChannel {
  id: string;
  name: string;
  keyword: string | null;
  defaultOn: boolean;
  position: number;
  archived?: boolean;
  description?: string;
}

export const DEMO_CHANNELS: SeedChannel[] = [
  { id: "ch_newsletter", name: "Newsletter", keyword: "NEWSLETTER", defaultOn: true, position: 0 },
  { id: "ch_adhoc", name: "Ad-hoc-Infos", keyword: "INFO", defaultOn: true, position: 1, description: "Baustellen, Straßensperren, Warnungen" },
  { id: "ch_events", name: "Events", keyword: "EVENTS", defaultOn: false, position: 2 },
  { id: "ch_freibad", name: "Freibad", keyword: "FREIBAD", defaultOn: false, position: 3 },
  { id: "ch_brueckenlauf", name: "Brückenlauf", keyword: "LAUF", defaultOn: false, position: 4 },
];

export async function seedChannels(channels: SeedChannel[] = DEMO_CHANNELS): Promise<void> {
  await env.DB.batch(
    channels.map((c) =>
      env.DB.prepare(
        "INSERT INTO channels (id, name, description, keyword, default_on, position, archived) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ).bind(c.id, c.name, c.description ?? "", c.keyword, c.defaultOn ? 1 : 0, c.position, c.archived ? 1 : 0),
    ),
  );
}

/** Stores a webhook payload like POST /webhooks/whatsapp does; returns the new message ids. */
export async function incoming(payload: unknown): Promise<string[]> {
  noteWebhookMessages(payload);
  const events = normalizeWebhook(webhookSchema.parse(payload));
  const result = await storeWebhookEvents(db(), events);
  return result.jobs.flatMap((j) => (j.type === "inbound.process" ? [j.messageId] : []));
}

export async function incomingText(text: string, o: MessageOpts = {}): Promise<string> {
  const [id] = await incoming(envelope(messageValue({ type: "text", text: { body: text } }, o)));
  if (!id) throw new Error("message was not stored");
  return id;
}

/** A tap on a list row (list_reply) or a reply button (button_reply) of our menu. */
export async function incomingTap(kind: "list_reply" | "button_reply", id: string, title: string, o: MessageOpts = {}): Promise<string> {
  const interactive = { type: kind, [kind]: { id, title } };
  const [messageId] = await incoming(envelope(messageValue({ type: "interactive", interactive }, o)));
  if (!messageId) throw new Error("message was not stored");
  return messageId;
}

/** Runs one "inbound.process" job through the Worker's queue handler; returns ack or retry. */
export async function runInboundJob(messageId: string, attempts = 1): Promise<"ack" | "retry"> {
  const batch = createMessageBatch("townwire-jobs", [
    { id: crypto.randomUUID(), timestamp: new Date(), attempts, body: { type: "inbound.process", messageId } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  if (result.retryMessages.length) return "retry";
  if (result.explicitAcks.length) return "ack";
  throw new Error("job was neither acked nor retried");
}

export async function citizenIdOf(waId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT id FROM citizens WHERE wa_id = ?").bind(waId).first<{ id: string }>();
  if (!row) throw new Error(`no citizen ${waId}`);
  return row.id;
}

export async function activeChannels(citizenId: string): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT channel_id FROM subscriptions WHERE citizen_id = ? AND active = 1 ORDER BY channel_id")
    .bind(citizenId)
    .all<{ channel_id: string }>();
  return rows.results.map((r) => r.channel_id);
}

export interface ConsentRow {
  id: number;
  channel_id: string | null;
  action: string;
  source: string;
  message_wamid: string | null;
  staff_id: string | null;
}

export async function consentRows(citizenId: string): Promise<ConsentRow[]> {
  const rows = await env.DB.prepare("SELECT id, channel_id, action, source, message_wamid, staff_id FROM consent_events WHERE citizen_id = ? ORDER BY id")
    .bind(citizenId)
    .all<ConsentRow>();
  return rows.results;
}
