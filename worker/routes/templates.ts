// Approved WhatsApp message templates (synced from Meta or entered by hand), for the reply box and broadcasts.
import { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AuthedEnv } from "../auth/middleware";
import { recommendedTemplates, submitRecommended, syncTemplatesFromMeta, type TemplateDeps } from "../templates/catalogue";
import { submitTemplate } from "../templates/lifecycle";
import { asDraft, templateSubmitBodySchema } from "../templates/schema";
import { createManualTemplate } from "../templates/store";
import { getDb } from "../db/client";
import { getConfig, type Env } from "../env";
import { publishToRoom } from "../inbox/publish";
import { listTemplates } from "../templates/list";
import type { TemplateListItem } from "../shared/wire-types";
import { clientFromConfig } from "../whatsapp";
import { valid } from "./validate";

/** The older {name, language, body} form: a manual entry of a template approved elsewhere. */
const legacyManualSchema = z.strictObject({
  name: z.string().trim().regex(/^[a-z0-9_]{1,512}$/, "Der Name darf nur Kleinbuchstaben, Ziffern und _ enthalten (wie bei Meta)."),
  language: z.string().trim().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "Die Sprache bitte als Code angeben, z. B. de, de_AT oder en_US."),
  body: z.string().trim().min(1).max(1024),
  category: z.enum(["UTILITY", "MARKETING", "AUTHENTICATION"]).optional(),
});

/** Meta is reached only when the business account is configured. */
function templateDeps(env: Env): TemplateDeps {
  const cfg = getConfig(env);
  return { db: getDb(env.DB), whatsapp: cfg.WHATSAPP_BUSINESS_ACCOUNT_ID ? clientFromConfig(cfg) : null };
}

/** The template list in open staff apps follows (a failed push must not fail the request). */
const announce = (env: Env, template: TemplateListItem) => publishToRoom(env, [{ type: "template.updated", template }]).catch(() => undefined);

export const templateRoutes = new Hono<AuthedEnv>()
  .get("/templates", valid("query", z.object({ status: z.enum(["APPROVED", "all"]).default("all") })), async (c) =>
    c.json({ templates: await listTemplates(getDb(c.env.DB), { approvedOnly: c.req.valid("query").status === "APPROVED" }) }),
  )
  /**
   * A new template in Meta's shape {name, language, category, components}: checked against Meta's rules
   * (422 template_invalid with German problems), submitted for review and stored PENDING; with
   * `manual: true` stored as APPROVED (entered exactly as approved elsewhere). The older
   * {name, language, body} form is a manual entry too.
   */
  .post("/templates", requireRole("editor"), valid("json", z.union([legacyManualSchema, templateSubmitBodySchema])), async (c) => {
    const input = c.req.valid("json");
    if (!("components" in input)) return c.json({ template: await createManualTemplate(getDb(c.env.DB), input) }, 201);
    const template = await submitTemplate(templateDeps(c.env), asDraft(input), { manual: input.manual === true });
    await announce(c.env, template);
    return c.json({ template }, 201);
  })
  .get("/templates/recommended", async (c) => c.json({ templates: await recommendedTemplates(getDb(c.env.DB)) }))
  /** One click: submits a template of the recommended set to Meta. */
  .post("/templates/recommended/:key", requireRole("admin"), async (c) => {
    const template = await submitRecommended(templateDeps(c.env), c.req.param("key"));
    await announce(c.env, template);
    return c.json({ template }, 201);
  })
  /** Pulls every template of the business account from the Graph API. */
  .post("/templates/sync", requireRole("editor"), async (c) => c.json(await syncTemplatesFromMeta(templateDeps(c.env))));
