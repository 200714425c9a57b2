// Parts of WhatsApp webhooks that could not be read, for admins to inspect (docs/inbound.md).
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import { listWebhookRejects } from "../inbox/webhook-rejects";
import { valid } from "./validate";

const query = z.object({
  cursor: z.string().regex(/^\d+\.[0-9a-f]{64}$/, "Die Position in der Liste ist ungültig. Bitte die Liste neu laden.").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const webhookRejectRoutes = new Hono<AuthedEnv>().get("/webhook-rejects", requireRole("admin"), valid("query", query), async (c) =>
  c.json(await listWebhookRejects(getDb(c.env.DB), c.req.valid("query"))),
);
