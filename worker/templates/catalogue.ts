// What staff do with the town's templates besides writing one: pull the list from Meta, and see or
// submit the recommended set. Meta is reached through the deps (null when the business account is not set).
import type { Db } from "../db/client";
import { listTemplates } from "./list";
import { NotFound, RuleViolation, UpstreamFailed } from "../shared/errors";
import type { TemplateListItem } from "../shared/wire-types";
import { GraphApiError, type WhatsAppClient } from "../whatsapp";
import { RECOMMENDED_TEMPLATES } from "./recommended";
import { submitTemplate } from "./lifecycle";
import { applyTemplateSync } from "./store";

export interface TemplateDeps {
  db: Db;
  /** null without WHATSAPP_BUSINESS_ACCOUNT_ID: then templates can only be entered by hand. */
  whatsapp: WhatsAppClient | null;
}

/** Pulls every template of the business account (GET /{waba-id}/message_templates) and stores the list. */
export async function syncTemplatesFromMeta(deps: TemplateDeps) {
  if (!deps.whatsapp) {
    throw new RuleViolation(
      "no_business_account",
      "Vorlagen können nicht von WhatsApp geholt werden, weil kein WhatsApp-Business-Konto eingetragen ist (WHATSAPP_BUSINESS_ACCOUNT_ID). Bitte Vorlagen von Hand anlegen oder die Betreuung von townwire verständigen.",
    );
  }
  let list;
  try {
    list = await deps.whatsapp.listTemplates();
  } catch (err) {
    if (err instanceof GraphApiError) {
      throw new UpstreamFailed("whatsapp_error", `WhatsApp hat die Vorlagen nicht geliefert (${err.message}). Bitte später noch einmal synchronisieren.`);
    }
    throw err;
  }
  const result = await applyTemplateSync(deps.db, list);
  return { ...result, templates: await listTemplates(deps.db) };
}

/** The recommended set, each marked when a template of that name and language exists already. */
export async function recommendedTemplates(db: Db) {
  const have = new Set((await listTemplates(db)).map((t) => `${t.name}\u0000${t.language}`));
  return RECOMMENDED_TEMPLATES.map((t) => ({ ...t, submitted: have.has(`${t.name}\u0000${t.language}`) }));
}

/** One click: submits the recommended template `key` to Meta for review. */
export async function submitRecommended(deps: TemplateDeps, key: string): Promise<TemplateListItem> {
  const draft = RECOMMENDED_TEMPLATES.find((t) => t.key === key);
  if (!draft) throw new NotFound("not_found", "Diese empfohlene Vorlage gibt es nicht. Bitte die Seite neu laden.");
  const { key: _key, description: _description, ...meta } = draft;
  return submitTemplate(deps, meta, { manual: false });
}
