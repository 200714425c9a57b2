// Parts of WhatsApp webhooks that could not be read, for admins to inspect (docs/inbound.md).
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import { listWebhookRejects } from "../inbox/webhook-rejects";
import { queryOf } from "./validate";

export const webhookRejectRoutes = new Hono<AuthedEnv>();

webhookRejectRoutes.get("/webhook-rejects", requireRole("admin"), async (c) => {
  const q = queryOf(
    c,
    z.object({
      cursor: z.string().regex(/^\d+\.[0-9a-f]{64}$/, "Ungültiger Cursor").optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  );
  return c.json(await listWebhookRejects(getDb(c.env.DB), q));
});
