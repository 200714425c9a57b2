// Approved message templates (listing: inbox/templates.ts): synced from the Graph API (GET /{waba-id}/message_templates) or entered
// by hand. Broadcasts outside the 24-hour window must use one.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { templates } from "../db/schema";
import { Conflict, RuleViolation } from "../shared/errors";
import { newId } from "../shared/ids";
import type { TemplateListItem } from "../shared/wire-types";
import type { GraphTemplate } from "../whatsapp/client";
import { toTemplateListItem } from "./list";
import type { TemplateRef } from "./schema";

export interface TemplateRecord {
  id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  body: string;
  parameterCount: number;
  /** Placeholder names in order ("1", "2", … for positional templates). */
  placeholders: string[];
  source: "graph" | "manual";
  syncedAt: number | null;
  components: unknown[];
  rejectedReason: string | null;
}

export interface ManualTemplateInput {
  name: string;
  language: string;
  body: string;
  category?: string;
}

/** Placeholders of a body: {{1}}, {{2}} … (positional, numeric order) or {{name}} (named, order of appearance). */
export function placeholdersOf(body: string): string[] {
  const seen: string[] = [];
  for (const m of body.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
    const key = m[1]!;
    if (!seen.includes(key)) seen.push(key);
  }
  if (seen.length && seen.every((k) => /^\d+$/.test(k))) return seen.sort((a, b) => Number(a) - Number(b));
  return seen;
}

/** The body text with parameters filled in (for previews). */
export function renderTemplate(body: string, parameters: string[]): string {
  const keys = placeholdersOf(body);
  return body.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, key: string) => {
    const i = keys.indexOf(key);
    return i >= 0 && parameters[i] !== undefined ? parameters[i] : whole;
  });
}

type Row = typeof templates.$inferSelect;

export function toTemplateRecord(r: Row): TemplateRecord {
  return {
    id: r.id,
    name: r.name,
    language: r.language,
    category: r.category,
    status: r.status,
    body: r.body,
    parameterCount: r.parameterCount,
    placeholders: placeholdersOf(r.body),
    source: r.source,
    syncedAt: r.syncedAt,
    components: r.components ?? [{ type: "BODY", text: r.body }],
    rejectedReason: r.rejectedReason,
  };
}

export async function findTemplate(db: Db, name: string, language: string): Promise<TemplateRecord | null> {
  const row = await db
    .select()
    .from(templates)
    .where(and(eq(templates.name, name), eq(templates.language, language)))
    .get();
  return row ? toTemplateRecord(row) : null;
}

/** Refuses a template that is unknown, not approved, or given the wrong number of parameters. */
/** Meta's template states as a clerk reads them. */
const TEMPLATE_STATUS_WORD: Record<string, string> = {
  PENDING: "wird noch von WhatsApp geprüft",
  REJECTED: "von WhatsApp abgelehnt",
  PAUSED: "von WhatsApp pausiert",
  DISABLED: "von WhatsApp deaktiviert",
};

export async function checkTemplateRef(db: Db, ref: TemplateRef): Promise<TemplateRecord> {
  const t = await findTemplate(db, ref.name, ref.language);
  if (!t) {
    throw new RuleViolation("unknown_template", `Vorlage „${ref.name}“ (${ref.language}) ist nicht bekannt. Bitte die Vorlagen synchronisieren oder die Vorlage von Hand anlegen.`);
  }
  if (t.status !== "APPROVED") {
    throw new RuleViolation("template_not_approved", `Vorlage „${ref.name}“ ist nicht genehmigt (${TEMPLATE_STATUS_WORD[t.status] ?? "noch nicht freigegeben"}). Bitte eine genehmigte Vorlage wählen.`);
  }
  if (ref.parameters.length !== t.parameterCount) {
    throw new RuleViolation("template_parameters", `Die Vorlage „${ref.name}“ braucht ${t.parameterCount} Platzhalter, ausgefüllt sind ${ref.parameters.length}. Bitte alle Platzhalter ausfüllen.`, {
      expected: t.parameterCount,
      placeholders: t.placeholders,
    });
  }
  return t;
}

/** Answers in the one shape the API gives templates in (as listed), whatever way they were made. */
export async function createManualTemplate(db: Db, input: ManualTemplateInput): Promise<TemplateListItem> {
  const existing = await findTemplate(db, input.name, input.language);
  if (existing) throw new Conflict("template_exists", `Die Vorlage „${input.name}“ (${input.language}) gibt es schon. Bitte einen anderen Namen wählen.`);
  const id = newId();
  const row = await db
    .insert(templates)
    .values({
      id,
      name: input.name,
      language: input.language,
      category: input.category ?? "UTILITY",
      status: "APPROVED",
      body: input.body,
      parameterCount: placeholdersOf(input.body).length,
      components: [{ type: "BODY", text: input.body }],
      source: "manual",
    })
    .returning()
    .get();
  return toTemplateListItem(row);
}

/**
 * Upserts what the Graph API lists (by name + language). Templates that disappeared there are kept
 * but marked DELETED, so a broadcast naming one is refused instead of failing at send time.
 */
export async function applyTemplateSync(db: Db, list: GraphTemplate[], now = Date.now()): Promise<{ synced: number; removed: number }> {
  const seen = new Set<string>();
  for (const t of list) {
    const body = t.components.find((c) => c.type.toUpperCase() === "BODY")?.text ?? "";
    seen.add(`${t.name}\u0000${t.language}`);
    await db
      .insert(templates)
      .values({
        id: newId(),
        name: t.name,
        language: t.language,
        category: t.category ?? "UTILITY",
        status: t.status,
        body,
        parameterCount: placeholdersOf(body).length,
        components: t.components,
        source: "graph",
        syncedAt: now,
      })
      .onConflictDoUpdate({
        target: [templates.name, templates.language],
        set: {
          category: t.category ?? "UTILITY",
          status: t.status,
          body,
          parameterCount: placeholdersOf(body).length,
          components: t.components,
          source: "graph",
          syncedAt: now,
        },
      });
  }
  const graphRows = await db
    .select({ id: templates.id, name: templates.name, language: templates.language })
    .from(templates)
    .where(eq(templates.source, "graph"))
    .all();
  const gone = graphRows.filter((r) => !seen.has(`${r.name}\u0000${r.language}`)).map((r) => r.id);
  if (gone.length) {
    await db.run(sql`UPDATE templates SET status = 'DELETED', synced_at = ${now}
      WHERE id IN (SELECT value FROM json_each(${JSON.stringify(gone)}))`);
  }
  return { synced: list.length, removed: gone.length };
}

/** The Graph API's `components` for a template send with body parameters. */
export function templateComponents(t: Pick<TemplateRecord, "placeholders">, parameters: string[]): unknown[] {
  if (parameters.length === 0) return [];
  const named = t.placeholders.some((p) => !/^\d+$/.test(p));
  return [
    {
      type: "body",
      parameters: parameters.map((text, i) =>
        named ? { type: "text", parameter_name: t.placeholders[i], text } : { type: "text", text },
      ),
    },
  ];
}
