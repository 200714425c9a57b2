// Message templates as staff see them (the `templates` table; filled by the sync, by submissions
// from the app, by Meta's review webhooks, or by hand).
import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { templates } from "../db/schema";
import type { TemplateListItem } from "../shared/wire-types";

export type TemplateView = TemplateListItem;

type Row = typeof templates.$inferSelect;

export function toTemplateListItem(r: Row): TemplateListItem {
  return {
    id: r.id,
    name: r.name,
    language: r.language,
    category: r.category,
    status: r.status,
    rejectedReason: r.rejectedReason,
    body: r.body,
    components: r.components ?? [{ type: "BODY", text: r.body }],
    parameterCount: r.parameterCount,
    source: r.source === "graph" ? "meta" : "manual",
    updatedAt: r.statusAt ?? r.syncedAt ?? r.createdAt,
  };
}

export async function listTemplates(db: Db, o: { approvedOnly?: boolean } = {}): Promise<TemplateListItem[]> {
  const rows = await db
    .select()
    .from(templates)
    .where(o.approvedOnly ? eq(templates.status, "APPROVED") : undefined)
    .orderBy(asc(templates.name), asc(templates.language))
    .all();
  return rows.map(toTemplateListItem);
}
