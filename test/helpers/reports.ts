// Incident reports straight in D1 (explicit times and places), for Open311 and duplicate tests.
import { env } from "cloudflare:workers";

export interface SeedReport {
  id: string;
  category: string;
  status?: "neu" | "in_bearbeitung" | "erledigt";
  lat?: number | null;
  lng?: number | null;
  createdAt: number;
  updatedAt?: number;
  summary?: string | null;
  address?: string | null;
  mergedInto?: string | null;
  citizenName?: string;
}

let seq = 0;
export async function seedReport(r: SeedReport): Promise<void> {
  const citizen = `cz${r.id}`;
  const waId = `43660${String(1_000_000 + ++seq)}`;
  await env.DB.batch([
    env.DB.prepare("INSERT INTO citizens (id, wa_id, name) VALUES (?, ?, ?)").bind(citizen, waId, r.citizenName ?? "Maria Geheim"),
    env.DB.prepare(
      `INSERT INTO conversations (id, citizen_id, status, report_category, report_status, report_latitude, report_longitude, report_address,
        report_created_at, report_updated_at, report_public_summary, report_merged_into, created_at, last_message_preview)
       VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Bei mir daheim in der Gasse 5 ist …')`,
    ).bind(
      r.id,
      citizen,
      r.category,
      r.status ?? "neu",
      r.lat === undefined ? 47.07 : r.lat,
      r.lng === undefined ? 15.44 : r.lng,
      r.address ?? "Gasse 5, bei Familie Geheim",
      r.createdAt,
      r.updatedAt ?? r.createdAt,
      r.summary ?? null,
      r.mergedInto ?? null,
      r.createdAt,
    ),
    env.DB.prepare("INSERT INTO messages (id, conversation_id, citizen_id, direction, type, text, status, sent_at) VALUES (?, ?, ?, 'in', 'text', 'Bei mir daheim in der Gasse 5 ist …', 'received', ?)").bind(
      `m${r.id}`,
      r.id,
      citizen,
      r.createdAt,
    ),
  ]);
}
