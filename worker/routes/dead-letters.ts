// Queue messages and broadcast recipients that kept failing (editors and admins).
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { listDeadLetters } from "../broadcasts/dead-letters";
import { getDb } from "../db/client";
import { valid } from "./validate";

const query = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const deadLetterRoutes = new Hono<AuthedEnv>().get("/dead-letters", requireRole("editor"), valid("query", query), async (c) =>
  c.json(await listDeadLetters(getDb(c.env.DB), c.req.valid("query"))),
);
