// The town's trust settings (four eyes, two-factor sign-in, audit retention): all staff read them
// (the app shows who must approve), only admins change them.
import { Hono } from "hono";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import { saveTrustSettings, trustSettings, trustSettingsSchema } from "../trust/settings";
import { valid } from "./validate";

export const trustRoutes = new Hono<AuthedEnv>()
  .get("/settings/trust", async (c) => c.json({ settings: await trustSettings(getDb(c.env.DB)) }))
  .put("/settings/trust", requireRole("admin"), valid("json", trustSettingsSchema), async (c) =>
    c.json({ settings: await saveTrustSettings(getDb(c.env.DB), c.req.valid("json")) }),
  );
