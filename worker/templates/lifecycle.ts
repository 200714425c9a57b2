// Templates made in the app: checked against Meta's rules, submitted for review (PENDING), then
// followed through Meta's webhooks (APPROVED, REJECTED with reason, PAUSED, DISABLED, new category).
//
// Ordering rule: Meta may deliver these webhooks late and out of order. Each event carries Meta's
// time (entry.time); a template remembers the time of the newest event applied (status_at). An event
// is applied only if it is newer, or equally old and further along (PENDING < APPROVED < PAUSED,
// REJECTED, DISABLED), so a late PENDING or APPROVED never overrides a newer REJECTED. Our own
// submission stores PENDING without a time: any event from Meta is newer than it.
import { and, eq, inArray, sql } from "drizzle-orm";
import { raiseCustomAlert } from "../alerts/admin-alerts";
import type { Db } from "../db/client";
import { broadcasts, templates } from "../db/schema";
import { toTemplateListItem } from "./list";
import type { RoomEvent } from "../shared/events";
import { Conflict, RuleViolation, UpstreamFailed } from "../shared/errors";
import { newId } from "../shared/ids";
import { checkTemplate, templateBody, type TemplateDraft } from "../shared/template-rules";
import type { TemplateListItem } from "../shared/wire-types";
import { GraphApiError, type WhatsAppClient } from "../whatsapp";
import type { TemplateEvent } from "../whatsapp/normalize";
import { placeholdersOf } from "./store";

const RANK: Record<string, number> = { PENDING: 0, APPROVED: 1, PAUSED: 2, REJECTED: 2, DISABLED: 2 };
const BLOCKING = new Set(["PAUSED", "DISABLED", "REJECTED"]);

const STATUS_WORD: Record<string, string> = {
  PAUSED: "pausiert",
  DISABLED: "deaktiviert",
  REJECTED: "abgelehnt",
};

export function invalidTemplate(problems: { path: string; message: string }[]): RuleViolation {
  return new RuleViolation("template_invalid", `Die Vorlage entspricht nicht den Regeln von WhatsApp: ${problems[0]?.message ?? ""}`, { problems });
}

/**
 * A new template from the app. `manual`: entered exactly as approved elsewhere (stored APPROVED).
 * Otherwise it is submitted to Meta (needs WHATSAPP_BUSINESS_ACCOUNT_ID) and stored PENDING.
 */
export async function submitTemplate(
  deps: { db: Db; whatsapp: WhatsAppClient | null },
  draft: TemplateDraft,
  o: { manual: boolean },
  now = Date.now(),
): Promise<TemplateListItem> {
  // A template approved elsewhere is taken as it is (Meta approved older ones under older rules);
  // only what makes it unusable here is refused.
  const problems = checkTemplate(draft).filter((p) => !o.manual || ["name", "language", "category"].includes(p.path));
  if (problems.length) throw invalidTemplate(problems);
  const existing = await deps.db.select({ id: templates.id }).from(templates).where(and(eq(templates.name, draft.name), eq(templates.language, draft.language))).get();
  if (existing) throw new Conflict("template_exists", `Die Vorlage „${draft.name}“ (${draft.language}) gibt es schon. Bitte einen anderen Namen wählen.`);
  if (!o.manual) {
    if (!deps.whatsapp) {
      throw new RuleViolation("no_business_account", "Vorlagen können nicht bei WhatsApp eingereicht werden, weil kein WhatsApp-Business-Konto eingetragen ist (WHATSAPP_BUSINESS_ACCOUNT_ID). Bitte die Vorlage von Hand anlegen, so wie sie bei Meta genehmigt wurde.");
    }
    try {
      await deps.whatsapp.createTemplate(draft);
    } catch (err) {
      if (err instanceof GraphApiError) {
        throw new (err.retryable ? UpstreamFailed : RuleViolation)("whatsapp_error", `WhatsApp hat die Vorlage nicht angenommen: ${err.details || err.title || err.message}`, { code: err.code });
      }
      throw err;
    }
  }
  const body = templateBody(draft.components);
  const row = await deps.db
    .insert(templates)
    .values({
      id: newId(),
      name: draft.name,
      language: draft.language,
      category: draft.category,
      status: o.manual ? "APPROVED" : "PENDING",
      body,
      parameterCount: placeholdersOf(body).length,
      components: draft.components,
      source: o.manual ? "manual" : "graph",
      syncedAt: o.manual ? null : now,
      statusAt: null,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning()
    .get();
  if (!row) throw new Conflict("template_exists", `Die Vorlage „${draft.name}“ (${draft.language}) gibt es schon. Bitte einen anderen Namen wählen.`);
  return toTemplateListItem(row);
}

/** Applies Meta's template webhooks (in any order, see the rule above); returns the events for the staff room. */
export async function applyTemplateEvents(db: Db, events: TemplateEvent[]): Promise<RoomEvent[]> {
  const out: RoomEvent[] = [];
  for (const ev of events) {
    const match = sql`name = ${ev.name} AND language = ${ev.language}`;
    let changed: typeof templates.$inferSelect | undefined;
    if (ev.field === "template_category_update" && ev.newCategory) {
      changed = await db.get<typeof templates.$inferSelect>(sql`
        UPDATE templates SET category = ${ev.newCategory} WHERE ${match} AND category <> ${ev.newCategory} RETURNING *`);
    } else if (ev.field === "message_template_status_update" && ev.event) {
      const rank = RANK[ev.event] ?? 1;
      const rejected = BLOCKING.has(ev.event) ? ev.reason : null;
      changed = await db.get<typeof templates.$inferSelect>(sql`
        UPDATE templates SET status = ${ev.event}, rejected_reason = ${rejected}, status_at = ${ev.at}
        WHERE ${match} AND (status_at IS NULL OR status_at < ${ev.at}
          OR (status_at = ${ev.at} AND (CASE status WHEN 'PENDING' THEN 0 WHEN 'APPROVED' THEN 1 ELSE 2 END) < ${rank}))
        RETURNING *`);
    }
    if (!changed) continue;
    const row = await db.select().from(templates).where(eq(templates.id, (changed as { id: string }).id)).get();
    if (!row) continue;
    out.push({ type: "template.updated", template: toTemplateListItem(row) });
    if (BLOCKING.has(row.status)) {
      const alert = await alertUsers(db, row);
      if (alert) out.push(alert);
    }
  }
  return out;
}

/** A template that can no longer be sent is used by a scheduled or running broadcast: the admins must act. */
async function alertUsers(db: Db, t: typeof templates.$inferSelect): Promise<RoomEvent | null> {
  const affected = await db
    .select({ id: broadcasts.id, title: broadcasts.title, status: broadcasts.status, template: broadcasts.template })
    .from(broadcasts)
    .where(inArray(broadcasts.status, ["scheduled", "sending", "paused"]))
    .all();
  const users = affected.filter((b) => b.template?.name === t.name && b.template.language === t.language);
  if (users.length === 0) return null;
  const titles = users.map((b) => `„${b.title}“`).join(", ");
  const why = t.rejectedReason ? ` (Grund: ${t.rejectedReason})` : "";
  return raiseCustomAlert(
    db,
    `template:${t.name}:${t.language}:${t.status}`,
    `Die Vorlage „${t.name}“ wurde von WhatsApp ${STATUS_WORD[t.status] ?? t.status}${why}. Betroffen: ${titles}. ` +
      "Geplante Aussendungen starten mit ihr nicht; bitte eine andere genehmigte Vorlage wählen.",
  );
}
