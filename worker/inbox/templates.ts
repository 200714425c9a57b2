// Message templates as staff see them (the `templates` table; filled by the template sync or by hand).
import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { templates } from "../db/schema";

export interface TemplateView {
  id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  body: string;
  parameterCount: number;
}

export async function listTemplates(db: Db, o: { approvedOnly?: boolean } = {}): Promise<TemplateView[]> {
  return db
    .select({
      id: templates.id,
      name: templates.name,
      language: templates.language,
      category: templates.category,
      status: templates.status,
      body: templates.body,
      parameterCount: templates.parameterCount,
    })
    .from(templates)
    .where(o.approvedOnly ? eq(templates.status, "APPROVED") : undefined)
    .orderBy(asc(templates.name), asc(templates.language))
    .all();
}
