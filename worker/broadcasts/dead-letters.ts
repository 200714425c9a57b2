// Queue messages (and single broadcast recipients) that kept failing, for staff to see.
import { desc, lt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { deadLetters } from "../db/schema";

export interface DeadLetterView {
  id: number;
  queue: string;
  createdAt: number;
  body: unknown;
  /** What it was about, in words, when we can tell. */
  summary: string;
  broadcast: { id: string; title: string } | null;
}

const broadcastBody = z.looseObject({
  broadcastId: z.string(),
  citizenIds: z.array(z.string()).optional(),
  citizenId: z.string().optional(),
  reason: z.string().optional(),
  attempts: z.number().optional(),
});

export async function listDeadLetters(db: Db, o: { before?: number; limit: number }): Promise<{ deadLetters: DeadLetterView[]; nextCursor: number | null }> {
  const rows = await db
    .select()
    .from(deadLetters)
    .where(o.before ? lt(deadLetters.id, o.before) : undefined)
    .orderBy(desc(deadLetters.id))
    .limit(o.limit + 1)
    .all();
  const page = rows.slice(0, o.limit);
  const ids = [...new Set(page.flatMap((r) => { const b = broadcastBody.safeParse(r.body); return b.success ? [b.data.broadcastId] : []; }))];
  const titles = new Map<string, string>();
  if (ids.length) {
    const found = await db.all<{ id: string; title: string }>(sql`SELECT id, title FROM broadcasts WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
    for (const f of found) titles.set(f.id, f.title);
  }
  return {
    deadLetters: page.map((r) => {
      const b = broadcastBody.safeParse(r.body);
      const broadcast = b.success ? { id: b.data.broadcastId, title: titles.get(b.data.broadcastId) ?? "(gelöschte Aussendung)" } : null;
      let summary = "Nachricht konnte nicht verarbeitet werden";
      if (b.success && b.data.citizenId) summary = `Empfänger nach ${b.data.attempts ?? "mehreren"} Versuchen aufgegeben: ${b.data.reason ?? "unbekannter Fehler"}`;
      else if (b.success && b.data.citizenIds) summary = `Paket mit ${b.data.citizenIds.length} Empfängern wiederholt fehlgeschlagen`;
      return { id: r.id, queue: r.queue, createdAt: r.createdAt, body: r.body, summary, broadcast };
    }),
    nextCursor: rows.length > o.limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}
