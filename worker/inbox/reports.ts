// Incident reports: staff mark a conversation as a report (category, status, location). Every status
// change tells the citizen on WhatsApp in a short German sentence: as text inside the 24-hour
// window, as the approved template `meldung_status` outside it. The news waits UNDO_MS so the clerk
// can undo it, and is labelled as automatic (docs/outreach-and-answers.md).
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { StaffIdentity } from "../auth/roles";
import { batchSql, type Db } from "../db/client";
import { messages, settings, templates } from "../db/schema";
import { InvalidInput, RuleViolation } from "../shared/errors";
import { getConversation, getTarget, type ConversationDetail, type ConversationTarget, type ReportStatus } from "./conversations";
import type { OutboundDeps } from "./outbound";
import { scheduleOutbound } from "./scheduled-notices";
import { renderTemplate } from "./replies";
import { isWindowOpen } from "./window";

export const DEFAULT_REPORT_CATEGORIES = ["Vandalismus", "Straßenschaden", "Beleuchtung", "Müll", "Sonstiges"];
const CATEGORIES_KEY = "report_categories";

/** The template for status news outside the 24-hour window; {{1}} is the sentence below. */
export const REPORT_STATUS_TEMPLATE = { name: "meldung_status", language: "de" } as const;

const STATUS_SENTENCES: Record<ReportStatus, (category: string) => string> = {
  neu: (c) => `Danke für Ihre Meldung (${c}). Wir haben sie aufgenommen und kümmern uns darum.`,
  in_bearbeitung: (c) => `Ihre Meldung (${c}) ist jetzt in Bearbeitung.`,
  erledigt: (c) => `Ihre Meldung (${c}) ist erledigt. Danke für Ihren Hinweis!`,
};

export function reportStatusSentence(status: ReportStatus, category: string): string {
  return STATUS_SENTENCES[status](category);
}

export const categoryListSchema = z
  .array(z.string().trim().min(1).max(60))
  .min(1)
  .max(30)
  .refine((list) => new Set(list.map((c) => c.toLowerCase())).size === list.length, { message: "Kategorien doppelt" });

export async function getReportCategories(db: Db): Promise<string[]> {
  const row = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, CATEGORIES_KEY)).get();
  if (!row) return DEFAULT_REPORT_CATEGORIES;
  try {
    const parsed = categoryListSchema.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : DEFAULT_REPORT_CATEGORIES;
  } catch {
    return DEFAULT_REPORT_CATEGORIES;
  }
}

export async function setReportCategories(db: Db, categories: string[]): Promise<string[]> {
  const value = JSON.stringify(categories);
  const now = Date.now();
  await db
    .insert(settings)
    .values({ key: CATEGORIES_KEY, value, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });
  return categories;
}

export type ReportPatch =
  | { report: null }
  | {
      category?: string;
      status?: ReportStatus;
      latitude?: number;
      longitude?: number;
      address?: string | null;
      /** "" or null removes it. */
      publicSummary?: string | null;
    };

const locationSchema = z.object({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().optional(),
  address: z.string().optional(),
});

/** The citizen's most recent location message, the default place of a new report. */
export async function lastCitizenLocation(db: Db, citizenId: string) {
  const rows = await db
    .select({ payload: messages.payload })
    .from(messages)
    .where(and(eq(messages.citizenId, citizenId), eq(messages.type, "location"), eq(messages.direction, "in")))
    .orderBy(desc(messages.createdAt))
    .limit(1)
    .all();
  const parsed = locationSchema.safeParse(rows[0]?.payload?.location);
  if (!parsed.success) return null;
  const { latitude, longitude, name, address } = parsed.data;
  return { latitude, longitude, address: [name, address].filter(Boolean).join(", ") || null };
}

export async function updateReport(
  deps: OutboundDeps,
  actor: StaffIdentity,
  conversationId: string,
  patch: ReportPatch,
): Promise<ConversationDetail> {
  const { db } = deps;
  const target = await getTarget(db, conversationId);
  const now = Date.now();

  if ("report" in patch) {
    await db.run(sql`UPDATE conversations SET report_category = NULL, report_status = NULL, report_latitude = NULL,
      report_longitude = NULL, report_address = NULL, report_created_at = NULL, report_public_summary = NULL,
      report_merged_into = NULL, report_updated_at = ${now} WHERE id = ${target.id}`);
    await deps.publish([{ type: "report.changed", conversationId: target.id, category: null, status: null }]);
    return getConversation(db, target.id);
  }

  if (patch.category !== undefined && !(await getReportCategories(db)).includes(patch.category)) {
    throw new RuleViolation("unknown_category", `Die Kategorie „${patch.category}“ gibt es nicht. Bitte eine Kategorie aus der Liste wählen.`);
  }
  if ((patch.latitude === undefined) !== (patch.longitude === undefined)) {
    throw new InvalidInput("bad_request", "Der Ort braucht Breiten- und Längengrad. Bitte den Punkt auf der Karte noch einmal setzen.");
  }
  const creating = target.report.status === null;
  if (creating && !patch.category) throw new InvalidInput("category_required", "Bitte eine Kategorie wählen.");
  const status = patch.status ?? (creating ? "neu" : undefined);
  const place =
    patch.latitude !== undefined && patch.longitude !== undefined
      ? { latitude: patch.latitude, longitude: patch.longitude, address: patch.address ?? null }
      : creating
        ? await lastCitizenLocation(db, target.citizen.id)
        : null;

  const results = await batchSql(db, [
    // Changes the status only if it differs, so of two equal changes at once only one notifies.
    status
      ? // Reopening a merged report undoes the merge (it no longer points to the kept one).
        sql`UPDATE conversations SET report_status = ${status},
            report_merged_into = CASE WHEN ${status} = 'erledigt' THEN report_merged_into ELSE NULL END
          WHERE id = ${target.id} AND report_status IS NOT ${status} RETURNING id`
      : sql`SELECT NULL AS id WHERE 0`,
    sql`UPDATE conversations SET
        report_category = coalesce(${patch.category ?? null}, report_category),
        report_latitude = ${place ? place.latitude : sql`report_latitude`},
        report_longitude = ${place ? place.longitude : sql`report_longitude`},
        report_address = ${patch.address !== undefined ? patch.address : place ? place.address : sql`report_address`},
        report_public_summary = ${patch.publicSummary !== undefined ? patch.publicSummary || null : sql`report_public_summary`},
        report_created_at = coalesce(report_created_at, ${now}),
        report_updated_at = ${now}
      WHERE id = ${target.id}`,
  ]);
  const statusChanged = (results[0]?.results.length ?? 0) > 0;

  const detail = await getConversation(db, target.id);
  // A new report: colleagues who want "Neue Meldung" are told (not the one who marked it).
  if (creating) await deps.notice?.({ kind: "report", conversationId: target.id, byStaffId: actor.id });
  await deps.publish([
    { type: "report.changed", conversationId: target.id, category: detail.report?.category ?? null, status: detail.report?.status ?? null },
  ]);
  if (statusChanged && detail.report) {
    await notifyCitizen(deps, target, detail.report.status, detail.report.category, actor.id);
    return getConversation(db, target.id);
  }
  return detail;
}

/** Tells the citizen about the new status. Failures are recorded on the message, never thrown. */
async function notifyCitizen(
  deps: OutboundDeps,
  target: ConversationTarget,
  status: ReportStatus,
  category: string,
  staffId: string,
): Promise<void> {
  const sentence = reportStatusSentence(status, category);
  const o = { auto: "report_status", requestedBy: staffId };
  if (isWindowOpen(target.citizen.lastInboundAt)) {
    await scheduleOutbound(deps, target, { type: "text", text: sentence }, o);
    return;
  }
  const template = await deps.db
    .select()
    .from(templates)
    .where(and(eq(templates.name, REPORT_STATUS_TEMPLATE.name), eq(templates.status, "APPROVED")))
    .orderBy(sql`${templates.language} = ${REPORT_STATUS_TEMPLATE.language} DESC`)
    .get();
  await scheduleOutbound(
    deps,
    target,
    {
      type: "template",
      name: REPORT_STATUS_TEMPLATE.name,
      language: template?.language ?? REPORT_STATUS_TEMPLATE.language,
      parameters: [sentence],
      preview: template ? renderTemplate(template.body, [sentence]) : sentence,
    },
    o,
  );
}
