// Broadcasts (newsletters and alerts): compose, schedule, send, watch. Reading is open to all staff;
// everything that changes a broadcast needs an editor (or admin).
import { Hono } from "hono";
import { createFactory } from "hono/factory";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { createBroadcast, duplicateBroadcast, updateBroadcast } from "../broadcasts/compose";
import { estimateBroadcast } from "../broadcasts/estimate";
import { listFailures, retryWithTemplate } from "../broadcasts/failures";
import { pricesInputSchema, saveTemplatePrices, templatePrices } from "../broadcasts/prices";
import { cancelBroadcast, lifecycleDeps, pauseBroadcast, resumeBroadcast, sendNow, type LifecycleDeps } from "../broadcasts/lifecycle";
import { BROADCAST_DELIVERIES, BROADCAST_KINDS, BROADCAST_STATUSES, createBroadcastSchema, updateBroadcastSchema } from "../broadcasts/schemas";
import { testSend } from "../broadcasts/test-send";
import { broadcastSettings, messagingTier, saveMessagingTier, tierSchema } from "../broadcasts/tier";
import { broadcastDetail, broadcastTimeline, listBroadcasts } from "../broadcasts/views";
import { approveAndContinue, askForApproval, rejectWithReason } from "../broadcasts/approval-flow";
import { getDb } from "../db/client";
import { getConfig } from "../env";
import { valid } from "./validate";

const editor = requireRole("editor");
const idParam = valid("param", z.object({ id: z.string().regex(/^[0-9a-z]{1,40}$/, "Diese Aussendung gibt es nicht. Bitte die Liste neu laden.") }));

const listQuery = z.object({
  status: z.enum(BROADCAST_STATUSES).optional(),
  approval: z.enum(["pending", "approved", "rejected"]).optional(),
  cursor: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

const estimateQuery = z.object({
  channelIds: z
    .string()
    .default("")
    .transform((s) => [...new Set(s.split(",").map((x) => x.trim()).filter(Boolean))])
    .pipe(z.array(z.string().max(64)).max(50)),
  delivery: z.enum(BROADCAST_DELIVERIES).default("auto"),
  kind: z.enum(BROADCAST_KINDS).default("newsletter"),
  template: z.string().trim().min(1).max(512).optional(),
  language: z.string().trim().min(2).max(15).default("de"),
});

/** send, cancel, pause, resume: the same shape, a lifecycle step on one broadcast. */
const factory = createFactory<AuthedEnv>();
const lifecycleAction = (run: (deps: LifecycleDeps, id: string) => Promise<unknown>) =>
  factory.createHandlers(editor, idParam, async (c) => {
    const { id } = c.req.valid("param");
    const deps = lifecycleDeps(c.env);
    await run(deps, id);
    return c.json({ broadcast: await broadcastDetail(deps.db, id) });
  });

// Four eyes: a rejection says why.
const reasonSchema = z.strictObject({
  reason: z.string({ error: "Bitte einen Grund angeben" }).trim().min(1, { error: "Bitte einen Grund angeben" }).max(500, { error: "Der Grund darf höchstens 500 Zeichen lang sein" }),
});

export const broadcastRoutes = new Hono<AuthedEnv>()
  .get("/broadcasts", valid("query", listQuery), async (c) => c.json(await listBroadcasts(getDb(c.env.DB), c.req.valid("query"))))
  .post("/broadcasts", editor, valid("json", createBroadcastSchema), async (c) => {
    const db = getDb(c.env.DB);
    const row = await createBroadcast(db, c.req.valid("json"), c.var.staff.id);
    return c.json({ broadcast: await broadcastDetail(db, row.id) }, 201);
  })
  .get("/broadcasts/estimate", valid("query", estimateQuery), async (c) => {
    const q = c.req.valid("query");
    const db = getDb(c.env.DB);
    const tier = await messagingTier(db, getConfig(c.env).MESSAGING_TIER);
    const template = q.template ? { name: q.template, language: q.language } : null;
    return c.json(await estimateBroadcast(db, q.channelIds, tier, { delivery: q.delivery, kind: q.kind, template }));
  })
  .get("/settings/template-prices", async (c) => c.json(await templatePrices(getDb(c.env.DB))))
  .put("/settings/template-prices", requireRole("admin"), valid("json", pricesInputSchema), async (c) =>
    c.json(await saveTemplatePrices(getDb(c.env.DB), c.req.valid("json"))),
  )
  .get("/broadcasts/settings", async (c) => {
    const cfg = getConfig(c.env);
    return c.json(await broadcastSettings(getDb(c.env.DB), { tier: cfg.MESSAGING_TIER, ratePerSecond: cfg.BROADCAST_RATE_PER_SECOND }));
  })
  .put("/broadcasts/settings", requireRole("admin"), valid("json", z.strictObject({ tier: tierSchema })), async (c) => {
    const db = getDb(c.env.DB);
    await saveMessagingTier(db, c.req.valid("json").tier);
    return c.json({ tier: await messagingTier(db, getConfig(c.env).MESSAGING_TIER) });
  })
  .get("/broadcasts/:id", idParam, async (c) => c.json({ broadcast: await broadcastDetail(getDb(c.env.DB), c.req.valid("param").id) }))
  .patch("/broadcasts/:id", editor, idParam, valid("json", updateBroadcastSchema), async (c) => {
    const { id } = c.req.valid("param");
    const db = getDb(c.env.DB);
    await updateBroadcast(db, id, c.req.valid("json"));
    return c.json({ broadcast: await broadcastDetail(db, id) });
  })
  .get(
    "/broadcasts/:id/timeline",
    idParam,
    valid("query", z.object({ bucket: z.coerce.number().int().min(1000).max(86_400_000).optional() })),
    async (c) => c.json({ timeline: await broadcastTimeline(getDb(c.env.DB), c.req.valid("param").id, c.req.valid("query").bucket) }),
  )
  .post("/broadcasts/:id/send", ...lifecycleAction(sendNow))
  .post("/broadcasts/:id/cancel", ...lifecycleAction(cancelBroadcast))
  .post("/broadcasts/:id/pause", ...lifecycleAction(pauseBroadcast))
  .post("/broadcasts/:id/resume", ...lifecycleAction(resumeBroadcast))
  // Four eyes (docs/trust.md): ask, approve, reject. Only editors and admins decide, never on their own.
  .post("/broadcasts/:id/request-approval", editor, idParam, async (c) => {
    const { id } = c.req.valid("param");
    const deps = lifecycleDeps(c.env);
    await askForApproval(deps, id, c.var.staff.id);
    return c.json({ broadcast: await broadcastDetail(deps.db, id) });
  })
  .post("/broadcasts/:id/approve", editor, idParam, async (c) => {
    const { id } = c.req.valid("param");
    const deps = lifecycleDeps(c.env);
    await approveAndContinue(deps, id, c.var.staff.id);
    return c.json({ broadcast: await broadcastDetail(deps.db, id) });
  })
  .post("/broadcasts/:id/reject", editor, idParam, valid("json", reasonSchema), async (c) => {
    const { id } = c.req.valid("param");
    const deps = lifecycleDeps(c.env);
    await rejectWithReason(deps, id, c.var.staff.id, c.req.valid("json").reason);
    return c.json({ broadcast: await broadcastDetail(deps.db, id) });
  })
  /** Who was not reached, why, and what to do (German). */
  .get("/broadcasts/:id/failures", idParam, async (c) => c.json({ failures: await listFailures(getDb(c.env.DB), c.req.valid("param").id) }))
  .post(
    "/broadcasts/:id/retry-with-template",
    editor,
    idParam,
    valid("json", z.strictObject({ citizenIds: z.array(z.string().min(1).max(64)).min(1).max(1000).optional() })),
    async (c) => {
      const { citizenIds } = c.req.valid("json");
      return c.json({ queued: await retryWithTemplate(lifecycleDeps(c.env), c.req.valid("param").id, citizenIds ?? null) });
    },
  )
  .post("/broadcasts/:id/test", editor, idParam, async (c) => {
    const result = await testSend(c.env, c.req.valid("param").id, c.var.staff.id);
    return c.json({ ok: true, ...result });
  })
  .post("/broadcasts/:id/duplicate", editor, idParam, async (c) => {
    const db = getDb(c.env.DB);
    const row = await duplicateBroadcast(db, c.req.valid("param").id, c.var.staff.id);
    return c.json({ broadcast: await broadcastDetail(db, row.id) }, 201);
  });
