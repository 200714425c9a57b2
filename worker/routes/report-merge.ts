// Possible duplicates of a report and merging one report into another (any signed-in staff, like
// marking reports).
import { Hono } from "hono";
import { z } from "zod";
import type { AuthedEnv } from "../auth/middleware";
import { getConversation } from "../inbox/conversations";
import { inboxDeps } from "../inbox/deps";
import { findDuplicates, mergeReport } from "../inbox/duplicates";
import { valid } from "./validate";

const mergeBody = z.object({ into: z.string().regex(/^[0-9a-z]{1,40}$/, "Bitte eine Meldung zum Zusammenführen wählen.") }).strict();

export const reportMergeRoutes = new Hono<AuthedEnv>()
  .get("/conversations/:id/report/duplicates", async (c) =>
    c.json({ duplicates: await findDuplicates(inboxDeps(c.env).db, c.req.param("id")) }),
  )
  .post("/conversations/:id/report/merge", valid("json", mergeBody), async (c) => {
    const { into } = c.req.valid("json");
    const deps = inboxDeps(c.env);
    const id = c.req.param("id");
    await mergeReport(deps.db, id, into);
    const conversation = await getConversation(deps.db, id);
    await deps.publish([{ type: "report.changed", conversationId: id, category: conversation.report?.category ?? null, status: conversation.report?.status ?? null }]);
    return c.json({ conversation });
  });
