// Incident reports across conversations, for the staff map and its list (any signed-in staff).
import { Hono } from "hono";
import { z } from "zod";
import type { AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import { REPORT_STATUSES } from "../inbox/conversations";
import { listReports } from "../inbox/report-list";
import { valid } from "./validate";

/** `?status=` (empty) means "all", as a plain HTML form sends it. */
const emptyAsAll = (v: unknown) => (v === "" ? undefined : v);

const reportQuery = z.object({
  status: z.preprocess(emptyAsAll, z.enum(REPORT_STATUSES).optional()),
  category: z.preprocess(emptyAsAll, z.string().trim().min(1).max(60).optional()),
});

export const reportRoutes = new Hono<AuthedEnv>().get("/reports", valid("query", reportQuery), async (c) =>
  c.json(await listReports(getDb(c.env.DB), c.req.valid("query"))),
);
