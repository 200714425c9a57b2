// Approved WhatsApp message templates (synced from Meta or entered by hand), for the reply box and broadcasts.
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { applyTemplateSync, createManualTemplate } from "../templates/store";
import { getConfig } from "../env";
import { AppError } from "../shared/errors";
import { clientFromConfig, GraphApiError } from "../whatsapp";
import { getDb } from "../db/client";
import { listTemplates } from "../templates/list";
import { parseWith, queryOf } from "./validate";
import { RECOMMENDED_TEMPLATES } from "../templates/recommended";
import { submitTemplate } from "../templates/lifecycle";
import { asDraft, templateSubmitBodySchema } from "../templates/schema";
import { publishToRoom } from "../inbox/publish";

export const templateRoutes = new Hono<AuthedEnv>();

templateRoutes.get("/templates", async (c) => {
  const { status } = queryOf(c, z.object({ status: z.enum(["APPROVED", "all"]).default("all") }));
  return c.json({ templates: await listTemplates(getDb(c.env.DB), { approvedOnly: status === "APPROVED" }) });
});

const legacyManualSchema = z.strictObject({
  name: z.string().trim().regex(/^[a-z0-9_]{1,512}$/, "Name wie bei Meta: Kleinbuchstaben, Ziffern und _"),
  language: z.string().trim().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "Sprachcode wie de, de_AT oder en_US"),
  body: z.string().trim().min(1).max(1024),
  category: z.enum(["UTILITY", "MARKETING", "AUTHENTICATION"]).optional(),
});

/** Submits to Meta when the business account is configured; otherwise only manual entry is possible. */
function submitDeps(env: AuthedEnv["Bindings"]) {
  const cfg = getConfig(env);
  return { db: getDb(env.DB), whatsapp: cfg.WHATSAPP_BUSINESS_ACCOUNT_ID ? clientFromConfig(cfg) : null };
}

/**
 * A new template in Meta's shape {name, language, category, components}: checked against Meta's rules
 * (422 template_invalid with German problems), submitted for review and stored PENDING; with
 * `manual: true` stored as APPROVED (entered exactly as approved elsewhere). The older
 * {name, language, body} form is a manual entry too.
 */
templateRoutes.post("/templates", requireRole("editor"), async (c) => {
  const raw: unknown = await c.req.json().catch(() => undefined);
  const legacy = legacyManualSchema.safeParse(raw);
  if (legacy.success) return c.json({ template: await createManualTemplate(getDb(c.env.DB), legacy.data) }, 201);
  const input = parseWith(templateSubmitBodySchema, raw);
  const deps = submitDeps(c.env);
  const template = await submitTemplate(deps, asDraft(input), { manual: input.manual === true });
  await publishToRoom(c.env, [{ type: "template.updated", template }]).catch(() => undefined);
  return c.json({ template }, 201);
});

templateRoutes.get("/templates/recommended", async (c) => {
  const existing = await listTemplates(getDb(c.env.DB));
  const have = new Set(existing.map((t) => `${t.name}\u0000${t.language}`));
  return c.json({
    templates: RECOMMENDED_TEMPLATES.map((t) => ({ ...t, submitted: have.has(`${t.name}\u0000${t.language}`) })),
  });
});

/** One click: submits a template of the recommended set to Meta. */
templateRoutes.post("/templates/recommended/:key", requireRole("admin"), async (c) => {
  const draft = RECOMMENDED_TEMPLATES.find((t) => t.key === c.req.param("key"));
  if (!draft) throw new AppError(404, "not_found", "Keine empfohlene Vorlage mit diesem Schlüssel");
  const { key: _key, description: _description, ...meta } = draft;
  const template = await submitTemplate(submitDeps(c.env), meta, { manual: false });
  await publishToRoom(c.env, [{ type: "template.updated", template }]).catch(() => undefined);
  return c.json({ template }, 201);
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
