// Web Push for staff (docs/staff-app.md, "Benachrichtigungen"): the public key and own settings,
// subscribe and unsubscribe this browser, and "Test senden". Sending happens in the jobs queue.
import { Hono } from "hono";
import { z } from "zod";
import type { AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import type { Env } from "../env";
import { vapidConfig, type VapidConfig } from "../push/config";
import { queueStaffNotice } from "../push/deps";
import { isPushServiceUrl } from "../push/endpoint";
import { browserLabel } from "../push/label";
import { getSettings, listSubscriptions, removeOwnSubscription, saveSettings, saveSubscription } from "../push/store";
import { InvalidState, notFound } from "../shared/errors";
import { valid } from "./validate";

const NOT_SET_UP = "Benachrichtigungen sind in dieser Gemeinde nicht eingerichtet. Bitte die Administration bitten, sie einzurichten.";
const BAD_ENDPOINT = "Dieser Browser hat keine gültige Adresse für Benachrichtigungen geliefert. Bitte Benachrichtigungen aus- und wieder einschalten oder einen anderen Browser verwenden.";
const BAD_KEYS = "Die Schlüssel des Browsers für Benachrichtigungen fehlen oder sind ungültig. Bitte Benachrichtigungen aus- und wieder einschalten.";

/** base64url of exactly `bytes` bytes (the browser's p256dh: 65, auth: 16). */
const keyOf = (bytes: number) =>
  z
    .string({ error: BAD_KEYS })
    .regex(/^[A-Za-z0-9_-]+=*$/, { error: BAD_KEYS })
    .refine((s) => Math.floor((s.replace(/=+$/, "").length * 3) / 4) === bytes, { error: BAD_KEYS });

const subscribeBody = z.object({
  endpoint: z.string({ error: BAD_ENDPOINT }).max(1000, { error: BAD_ENDPOINT }).refine(isPushServiceUrl, { error: BAD_ENDPOINT }),
  keys: z.object({ p256dh: keyOf(65), auth: keyOf(16) }, { error: BAD_KEYS }),
});
const settingsBody = z.object({
  assigned: z.boolean({ error: "Bitte „Mir zugewiesen“ ein- oder ausschalten." }),
  newReports: z.boolean({ error: "Bitte „Neue Meldung“ ein- oder ausschalten." }),
});
const idParam = valid("param", z.object({ id: z.string().min(1).max(64) }));

function requireVapid(env: Env): VapidConfig {
  const vapid = vapidConfig(env);
  if (!vapid) throw new InvalidState("push_not_configured", NOT_SET_UP);
  return vapid;
}

export const pushRoutes = new Hono<AuthedEnv>()
  .get("/push", async (c) => {
    const db = getDb(c.env.DB);
    const vapid = vapidConfig(c.env);
    return c.json({
      configured: vapid !== null,
      publicKey: vapid?.publicKey ?? null,
      settings: await getSettings(db, c.var.staff.id),
      subscriptions: await listSubscriptions(db, c.var.staff.id),
    });
  })
  .put("/push/settings", valid("json", settingsBody), async (c) => c.json({ settings: await saveSettings(getDb(c.env.DB), c.var.staff.id, c.req.valid("json")) }))
  .post("/push/subscriptions", valid("json", subscribeBody), async (c) => {
    requireVapid(c.env);
    const { endpoint, keys } = c.req.valid("json");
    const saved = await saveSubscription(getDb(c.env.DB), c.var.staff.id, { endpoint, p256dh: keys.p256dh, auth: keys.auth, label: browserLabel(c.req.header("user-agent")) });
    return c.json({ subscription: saved }, 201);
  })
  .delete("/push/subscriptions/:id", idParam, async (c) => {
    const removed = await removeOwnSubscription(getDb(c.env.DB), c.var.staff.id, c.req.valid("param").id);
    if (!removed) throw notFound("Dieses Gerät ist nicht (mehr) für Benachrichtigungen angemeldet. Bitte die Seite neu laden.");
    return c.json({ ok: true });
  })
  .post("/push/test", async (c) => {
    requireVapid(c.env);
    const db = getDb(c.env.DB);
    if ((await listSubscriptions(db, c.var.staff.id)).length === 0) {
      throw new InvalidState("no_push_subscription", "Auf keinem Gerät sind Benachrichtigungen eingeschaltet. Bitte zuerst den Schalter einschalten.");
    }
    await queueStaffNotice(c.env, { kind: "test", staffId: c.var.staff.id });
    return c.json({ queued: true }, 202);
  });
