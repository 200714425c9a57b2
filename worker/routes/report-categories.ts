// Categories of incident reports (Vandalismus, Straßenschaden, …): everyone reads, admins change.
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import { categoryListSchema, getReportCategories, setReportCategories } from "../inbox/reports";
import { valid } from "./validate";

export const reportCategoryRoutes = new Hono<AuthedEnv>()
  .get("/report-categories", async (c) => c.json({ categories: await getReportCategories(getDb(c.env.DB)) }))
  .put("/report-categories", requireRole("admin"), valid("json", z.object({ categories: categoryListSchema })), async (c) =>
    c.json({ categories: await setReportCategories(getDb(c.env.DB), c.req.valid("json").categories) }),
  );
