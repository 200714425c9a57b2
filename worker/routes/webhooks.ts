// The WhatsApp Cloud API webhook: verification handshake and signed event delivery.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getDb } from "../db/client";
import { getConfig, type Env } from "../env";
import { mayBeForTheBot } from "../citizens/keywords/filter";
import { processWebhookEvents } from "../intake/webhook-events";
import { publishToRoom } from "../inbox/publish";
import { publishProgress } from "../broadcasts/progress";
import { broadcastEnqueuer, chunkMessages } from "../broadcasts/lifecycle";
import { enqueueJobs } from "../queues/jobs";
import { Forbidden, InvalidInput, Unauthenticated } from "../shared/errors";
import { storeWebhookRejects } from "../inbox/webhook-rejects";
import { readWebhook, secretsEqual, verifySignature, webhookSchema } from "../whatsapp";
import type { z } from "zod";

/** Meta's payloads are a few KB; anything near this is not from Meta. */
export const WEBHOOK_BODY_LIMIT = 512 * 1024;

export const webhookRoutes = new Hono<{ Bindings: Env }>()
  // Meta's verification handshake when the webhook is set up in the app dashboard.
  .get("/whatsapp", async (c) => {
  const cfg = getConfig(c.env);
  const mode = c.req.query("hub.mode");
  const token = c.req.query("hub.verify_token");
  const challenge = c.req.query("hub.challenge");
  if (mode !== "subscribe" || !challenge) {
    throw new InvalidInput("bad_request", "Das ist keine Bestätigungsanfrage von WhatsApp (hub.mode=subscribe und hub.challenge fehlen).");
  }
  if (!(await secretsEqual(token ?? "", cfg.WHATSAPP_VERIFY_TOKEN))) throw new Forbidden("forbidden", "Das Bestätigungswort stimmt nicht mit WHATSAPP_VERIFY_TOKEN überein. Bitte in Meta dasselbe Wort eintragen.");
  return c.text(challenge, 200);
})
  .post(
  "/whatsapp",
  bodyLimit({
    maxSize: WEBHOOK_BODY_LIMIT,
    onError: (c) => c.json({ error: { code: "payload_too_large", message: `Die Anfrage ist zu groß (höchstens ${WEBHOOK_BODY_LIMIT / 1024} KB).` } }, 413),
  }),
  async (c) => {
    const cfg = getConfig(c.env);
    // The signature covers the bytes as sent; never parse and re-serialise before checking.
    const raw = await c.req.arrayBuffer();
    const ok = await verifySignature(raw, c.req.header("x-hub-signature-256"), cfg.WHATSAPP_APP_SECRET);
    if (!ok) throw new Unauthenticated("bad_signature", "Die Signatur (X-Hub-Signature-256) fehlt oder stimmt nicht. Bitte WHATSAPP_APP_SECRET prüfen.");

    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
    } catch {
      throw new InvalidInput("invalid_json", "Der Inhalt ist kein gültiges JSON.");
    }
    // 400 only when the body is not a WhatsApp webhook at all; a malformed part inside is kept
    // aside (webhook_rejects) and the rest stored, so Meta does not retry the whole delivery.
    const parsed = webhookSchema.safeParse(json);
    if (!parsed.success) {
      throw new InvalidInput("not_a_whatsapp_webhook", "Das ist keine Nachricht im Format der WhatsApp-Webhooks.", { problem: describe(parsed.error) });
    }
    const { events, rejects } = readWebhook(parsed.data);

    const env = c.env;
    const db = getDb(env.DB);
    if (rejects.length) {
      console.error(`webhook: ${rejects.length} unreadable part(s) kept in webhook_rejects`, rejects[0]?.path, rejects[0]?.reason);
      await storeWebhookRejects(db, rejects);
    }
    const result = await processWebhookEvents(
      {
        db,
        // Only messages that may be keywords or menu taps get a background job.
        needsProcessing: (msg) => mayBeForTheBot(db, msg),
        enqueue: (jobs) => enqueueJobs(env.JOBS_QUEUE, jobs),
        // The room gets the news after we answer Meta; it must never slow the webhook down.
        publish: async (roomEvents) => c.executionCtx.waitUntil(publishToRoom(env, roomEvents)),
        // Delivered/read counts of broadcasts stream to the staff app (throttled, after we answer).
        onBroadcastStatus: async (ids) => c.executionCtx.waitUntil(Promise.all(ids.map((id) => publishProgress(env, id, { trailing: true })))),
        // 131047 on free-form content: those recipients get the template (queued again, once).
        onBroadcastFallback: async (list) => {
          const enqueue = broadcastEnqueuer(env, db);
          for (const f of list) await enqueue(chunkMessages(f.broadcastId, f.citizenIds));
        },
      },
      events,
    );
    return c.json({
      ok: true,
      stored: result.stored,
      duplicates: result.duplicates,
      statuses: result.statusesApplied,
      rejected: rejects.length,
    });
  },
);

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "invalid";
}
