// Alerts for admins (e.g. the WhatsApp access token expired): list the open ones, acknowledge one.
import { Hono } from "hono";
import { z } from "zod";
import { acknowledgeAlert, listOpenAlerts } from "../alerts/admin-alerts";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import { notFound } from "../shared/errors";
import { parseWith } from "./validate";

export const alertRoutes = new Hono<AuthedEnv>();

alertRoutes.get("/alerts", requireRole("admin"), async (c) => c.json({ alerts: await listOpenAlerts(getDb(c.env.DB)) }));

alertRoutes.post("/alerts/:id/ack", requireRole("admin"), async (c) => {
  const { id } = parseWith(z.object({ id: z.coerce.number().int().positive() }), c.req.param());
  if (!(await acknowledgeAlert(getDb(c.env.DB), id))) throw notFound("Kein offener Hinweis mit dieser Nummer");
  return c.json({ ok: true });
});
