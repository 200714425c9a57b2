// Broadcasts (newsletters and alerts): compose, schedule, send, watch. Reading is open to all staff;
// everything that changes a broadcast needs an editor (or admin).
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { createBroadcast, duplicateBroadcast, updateBroadcast } from "../broadcasts/compose";
import { timelineOf } from "../broadcasts/counts";
import { estimateBroadcast } from "../broadcasts/estimate";
import { listFailures, retryWithTemplate } from "../broadcasts/failures";
import { pricesInputSchema, saveTemplatePrices, templatePrices } from "../broadcasts/prices";
import { cancelBroadcast, lifecycleDeps, pauseBroadcast, resumeBroadcast, sendNow } from "../broadcasts/lifecycle";
import { BROADCAST_DELIVERIES, BROADCAST_KINDS, BROADCAST_STATUSES, createBroadcastSchema, updateBroadcastSchema } from "../broadcasts/schemas";
import { testSend } from "../broadcasts/test-send";
import { messagingTier, reachedLast24h, saveMessagingTier, tierSchema } from "../broadcasts/tier";
import { broadcastDetail, listBroadcasts } from "../broadcasts/views";
import { approveAndContinue, askForApproval, rejectWithReason } from "../broadcasts/approval-flow";
import { getDb } from "../db/client";
import { getConfig } from "../env";
import { jsonBody, parseWith, queryOf } from "./validate";

export const broadcastRoutes = new Hono<AuthedEnv>();

const editor = requireRole("editor");
const idParam = z.object({ id: z.string().regex(/^[0-9a-z]{1,40}$/, "Ungültige Kennung") });
const idOf = (c: { req: { param: (k: "id") => string } }) => parseWith(idParam, { id: c.req.param("id") }).id;

broadcastRoutes.get("/broadcasts", async (c) => {
  const q = queryOf(
    c,
    z.object({
      status: z.enum(BROADCAST_STATUSES).optional(),
      approval: z.enum(["pending", "approved", "rejected"]).optional(),
      cursor: z.string().max(80).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(30),
    }),
  );
  return c.json(await listBroadcasts(getDb(c.env.DB), q));
});

broadcastRoutes.post("/broadcasts", editor, async (c) => {
  const input = await jsonBody(c, createBroadcastSchema);
  const db = getDb(c.env.DB);
  const row = await createBroadcast(db, input, c.var.staff.id);
  return c.json({ broadcast: await broadcastDetail(db, row.id) }, 201);
});

broadcastRoutes.get("/broadcasts/estimate", async (c) => {
  const q = queryOf(
    c,
    z.object({
      channelIds: z
        .string()
        .default("")
        .transform((s) => [...new Set(s.split(",").map((x) => x.trim()).filter(Boolean))])
        .pipe(z.array(z.string().max(64)).max(50)),
      delivery: z.enum(BROADCAST_DELIVERIES).default("auto"),
      kind: z.enum(BROADCAST_KINDS).default("newsletter"),
      template: z.string().trim().min(1).max(512).optional(),
      language: z.string().trim().min(2).max(15).default("de"),
    }),
  );
  const db = getDb(c.env.DB);
  const tier = await messagingTier(db, getConfig(c.env).MESSAGING_TIER);
  const template = q.template ? { name: q.template, language: q.language } : null;
  return c.json(await estimateBroadcast(db, q.channelIds, tier, { delivery: q.delivery, kind: q.kind, template }));
});

broadcastRoutes.get("/settings/template-prices", async (c) => c.json(await templatePrices(getDb(c.env.DB))));

broadcastRoutes.put("/settings/template-prices", requireRole("admin"), async (c) => {
  const input = await jsonBody(c, pricesInputSchema);
  return c.json(await saveTemplatePrices(getDb(c.env.DB), input));
});

broadcastRoutes.get("/broadcasts/settings", async (c) => {
  const db = getDb(c.env.DB);
  const cfg = getConfig(c.env);
  return c.json({
    tier: await messagingTier(db, cfg.MESSAGING_TIER),
    tierFromEnvironment: cfg.MESSAGING_TIER,
    ratePerSecond: cfg.BROADCAST_RATE_PER_SECOND,
    usedLast24h: await reachedLast24h(db),
  });
});

broadcastRoutes.put("/broadcasts/settings", requireRole("admin"), async (c) => {
  const { tier } = await jsonBody(c, z.strictObject({ tier: tierSchema }));
  const db = getDb(c.env.DB);
  await saveMessagingTier(db, tier);
  return c.json({ tier: await messagingTier(db, getConfig(c.env).MESSAGING_TIER) });
});

broadcastRoutes.get("/broadcasts/:id", async (c) => c.json({ broadcast: await broadcastDetail(getDb(c.env.DB), idOf(c)) }));

broadcastRoutes.patch("/broadcasts/:id", editor, async (c) => {
  const id = idOf(c);
  const patch = await jsonBody(c, updateBroadcastSchema);
  const db = getDb(c.env.DB);
  await updateBroadcast(db, id, patch);
  return c.json({ broadcast: await broadcastDetail(db, id) });
});

broadcastRoutes.get("/broadcasts/:id/timeline", async (c) => {
  const id = idOf(c);
  const { bucket } = queryOf(c, z.object({ bucket: z.coerce.number().int().min(1000).max(86_400_000).optional() }));
  const db = getDb(c.env.DB);
  await broadcastDetail(db, id); // 404 for an unknown broadcast
  return c.json({ timeline: await timelineOf(db, id, bucket) });
});

const actions = {
  send: sendNow,
  cancel: cancelBroadcast,
  pause: pauseBroadcast,
  resume: resumeBroadcast,
} as const;

for (const [name, run] of Object.entries(actions)) {
  broadcastRoutes.post(`/broadcasts/:id/${name}`, editor, async (c) => {
    const id = idOf(c);
    const deps = lifecycleDeps(c.env);
    await run(deps, id);
    return c.json({ broadcast: await broadcastDetail(deps.db, id) });
  });
}

// Four eyes (docs/trust.md): ask, approve, reject. Only editors and admins decide, never on their own.
const reasonSchema = z.strictObject({
  reason: z.string({ error: "Bitte einen Grund angeben" }).trim().min(1, { error: "Bitte einen Grund angeben" }).max(500, { error: "Der Grund darf höchstens 500 Zeichen lang sein" }),
});

broadcastRoutes.post("/broadcasts/:id/request-approval", editor, async (c) => {
  const id = idOf(c);
  const deps = lifecycleDeps(c.env);
  await askForApproval(deps, id, c.var.staff.id);
  return c.json({ broadcast: await broadcastDetail(deps.db, id) });
});

broadcastRoutes.post("/broadcasts/:id/approve", editor, async (c) => {
  const id = idOf(c);
  const deps = lifecycleDeps(c.env);
  await approveAndContinue(deps, id, c.var.staff.id);
  return c.json({ broadcast: await broadcastDetail(deps.db, id) });
});

broadcastRoutes.post("/broadcasts/:id/reject", editor, async (c) => {
  const id = idOf(c);
  const { reason } = await jsonBody(c, reasonSchema);
  const deps = lifecycleDeps(c.env);
  await rejectWithReason(deps, id, c.var.staff.id, reason);
  return c.json({ broadcast: await broadcastDetail(deps.db, id) });
});

/** Who was not reached, why, and what to do (German). */
broadcastRoutes.get("/broadcasts/:id/failures", async (c) => c.json({ failures: await listFailures(getDb(c.env.DB), idOf(c)) }));

broadcastRoutes.post("/broadcasts/:id/retry-with-template", editor, async (c) => {
  const id = idOf(c);
  const { citizenIds } = await jsonBody(c, z.strictObject({ citizenIds: z.array(z.string().min(1).max(64)).min(1).max(1000).optional() }));
  const deps = lifecycleDeps(c.env);
  return c.json({ queued: await retryWithTemplate(deps, id, citizenIds ?? null) });
});

broadcastRoutes.post("/broadcasts/:id/test", editor, async (c) => {
  const result = await testSend(c.env, idOf(c), c.var.staff.id);
  return c.json({ ok: true, ...result });
});

broadcastRoutes.post("/broadcasts/:id/duplicate", editor, async (c) => {
  const db = getDb(c.env.DB);
  const row = await duplicateBroadcast(db, idOf(c), c.var.staff.id);
  return c.json({ broadcast: await broadcastDetail(db, row.id) }, 201);
});
