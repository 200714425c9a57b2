// Approved WhatsApp message templates (synced from Meta or entered by hand), for the reply box and broadcasts.
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { applyTemplateSync, createManualTemplate } from "../broadcasts/templates";
import { getConfig } from "../env";
import { AppError } from "../shared/errors";
import { clientFromConfig, GraphApiError } from "../whatsapp";
import { getDb } from "../db/client";
import { listTemplates } from "../inbox/templates";
import { jsonBody, queryOf } from "./validate";

export const templateRoutes = new Hono<AuthedEnv>();

templateRoutes.get("/templates", async (c) => {
  const { status } = queryOf(c, z.object({ status: z.enum(["APPROVED", "all"]).default("all") }));
  return c.json({ templates: await listTemplates(getDb(c.env.DB), { approvedOnly: status === "APPROVED" }) });
});

/** A template approved in Meta's WhatsApp Manager, entered by hand (e.g. before the sync is set up). */
templateRoutes.post("/templates", requireRole("editor"), async (c) => {
  const input = await jsonBody(
    c,
    z.strictObject({
      name: z.string().trim().regex(/^[a-z0-9_]{1,512}$/, "Name wie bei Meta: Kleinbuchstaben, Ziffern und _"),
      language: z.string().trim().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "Sprachcode wie de, de_AT oder en_US"),
      body: z.string().trim().min(1).max(1024),
      category: z.enum(["UTILITY", "MARKETING", "AUTHENTICATION"]).optional(),
    }),
  );
  return c.json({ template: await createManualTemplate(getDb(c.env.DB), input) }, 201);
});

/** Pulls every template of the business account from the Graph API (GET /{waba-id}/message_templates). */
templateRoutes.post("/templates/sync", requireRole("editor"), async (c) => {
  const cfg = getConfig(c.env);
  if (!cfg.WHATSAPP_BUSINESS_ACCOUNT_ID) {
    throw new AppError(422, "no_business_account", "WHATSAPP_BUSINESS_ACCOUNT_ID ist nicht gesetzt – Vorlagen können nur von Hand angelegt werden");
  }
  let list;
  try {
    list = await clientFromConfig(cfg).listTemplates();
  } catch (err) {
    if (err instanceof GraphApiError) throw new AppError(502, "whatsapp_error", `WhatsApp hat die Vorlagen nicht geliefert: ${err.message}`);
    throw err;
  }
  const db = getDb(c.env.DB);
  const result = await applyTemplateSync(db, list);
  return c.json({ ...result, templates: await listTemplates(db) });
});
