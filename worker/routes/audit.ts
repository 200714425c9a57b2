// The audit trail for admins: read and filter (`?cursor=&actor=&action=`), and export as CSV or JSON.
import { Hono } from "hono";
import { z } from "zod";
import { auditCsv, exportAudit, listAudit } from "../audit/log";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import { valid } from "./validate";

const filterSchema = {
  actor: z.string().trim().max(64, { error: "Ungültige Person" }).optional(),
  action: z
    .string()
    .trim()
    .max(64, { error: "Ungültige Aktion" })
    .regex(/^[a-z_.]*$/, { error: "Ungültige Aktion" })
    .optional(),
};
const listQuery = z.object({
  ...filterSchema,
  cursor: z.string().regex(/^\d{1,15}$/, { error: "Ungültige Seite" }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const exportQuery = z.object({ ...filterSchema, format: z.enum(["csv", "json"], { error: "Format csv oder json" }).default("csv") });

export const auditRoutes = new Hono<AuthedEnv>()
  .use("/audit", requireRole("admin"))
  .use("/audit/*", requireRole("admin"))
  .get("/audit", valid("query", listQuery), async (c) => {
    const q = c.req.valid("query");
    const result = await listAudit(getDb(c.env.DB), {
      actor: q.actor || undefined,
      action: q.action || undefined,
      cursor: q.cursor === undefined ? undefined : Number(q.cursor),
      limit: q.limit,
    });
    return c.json(result);
  })
  .get("/audit/export", valid("query", exportQuery), async (c) => {
    const q = c.req.valid("query");
    const rows = await exportAudit(getDb(c.env.DB), { actor: q.actor || undefined, action: q.action || undefined });
    const day = new Date().toISOString().slice(0, 10);
    c.header("Content-Disposition", `attachment; filename="townwire-protokoll-${day}.${q.format}"`);
    c.header("Cache-Control", "no-store");
    if (q.format === "json") return c.json({ entries: rows });
    return c.body(auditCsv(rows), 200, { "Content-Type": "text/csv; charset=utf-8" });
  });
