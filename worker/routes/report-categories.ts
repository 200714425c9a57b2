// Categories of incident reports (Vandalismus, Straßenschaden, …): everyone reads, admins change.
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import { categoryListSchema, getReportCategories, setReportCategories } from "../inbox/reports";
import { jsonBody } from "./validate";

export const reportCategoryRoutes = new Hono<AuthedEnv>();

reportCategoryRoutes.get("/report-categories", async (c) => c.json({ categories: await getReportCategories(getDb(c.env.DB)) }));

reportCategoryRoutes.put("/report-categories", requireRole("admin"), async (c) => {
  const { categories } = await jsonBody(c, z.object({ categories: categoryListSchema }));
  return c.json({ categories: await setReportCategories(getDb(c.env.DB), categories) });
});
