// Queue messages and broadcast recipients that kept failing (editors and admins).
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { listDeadLetters } from "../broadcasts/dead-letters";
import { getDb } from "../db/client";
import { queryOf } from "./validate";

export const deadLetterRoutes = new Hono<AuthedEnv>();

deadLetterRoutes.get("/dead-letters", requireRole("editor"), async (c) => {
  const q = queryOf(
    c,
    z.object({
      before: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  );
  return c.json(await listDeadLetters(getDb(c.env.DB), q));
});
