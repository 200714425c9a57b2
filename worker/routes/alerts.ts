// Alerts for admins (e.g. the WhatsApp access token expired): list the open ones, acknowledge one.
import { Hono } from "hono";
import { z } from "zod";
import { acknowledgeAlert, listOpenAlerts } from "../alerts/admin-alerts";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import { valid } from "./validate";

const admin = requireRole("admin");

export const alertRoutes = new Hono<AuthedEnv>()
  .get("/alerts", admin, async (c) => c.json({ alerts: await listOpenAlerts(getDb(c.env.DB)) }))
  .post("/alerts/:id/ack", admin, valid("param", z.object({ id: z.coerce.number().int().positive() })), async (c) => {
    await acknowledgeAlert(getDb(c.env.DB), c.req.valid("param").id);
    return c.json({ ok: true });
  });
