// Template submission and review in the simulator (local use only): POST /{waba-id}/message_templates
// stores a template as PENDING; a short while later it is APPROVED, or REJECTED for what Meta rejects
// (placeholders at the very start or end of the body, example values missing). The result reaches the
// worker as a signed `message_template_status_update` webhook, like every other simulator webhook.
import type { Env } from "./env";
import { countPlaceholders, placeholderKeys, type TemplateDraft } from "../worker/shared/template-rules";
import { businessIdentity } from "./business";
import { deliverWebhook } from "./deliver";
import { logDelivery } from "./simulator-outbox";
import type { JsonObject, JsonValue } from "./simulator-tables";

/** Meta reviews within minutes (often seconds); the simulator takes this long. */
export const REVIEW_AFTER_MS = 2_000;

export const TEMPLATE_DDL = [
  `CREATE TABLE IF NOT EXISTS sim_templates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    category TEXT NOT NULL,
    components TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (name, language)
  )`,
  // Status webhooks about templates still to deliver (review results, pauses set from the dev API).
  `CREATE TABLE IF NOT EXISTS template_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    due_at INTEGER NOT NULL,
    template_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    origin TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
  )`,
];

export type SimTemplate = {
  id: string;
  name: string;
  language: string;
  category: string;
  components: JsonValue[];
  status: string;
  reason: string | null;
};

type Row = { id: string; name: string; language: string; category: string; components: string; status: string; reason: string | null };
const toTemplate = (r: Row): SimTemplate => ({ ...r, components: JSON.parse(r.components) as JsonValue[] });

/** Why Meta's review rejects it (null: approved). */
export function reviewVerdict(draft: TemplateDraft): string | null {
  for (const c of draft.components) {
    if (c.type === "BODY") {
      const text = c.text.trim();
      if (/^\{\{[^{}]*\}\}/.test(text) || /\{\{[^{}]*\}\}$/.test(text)) return "INVALID_FORMAT";
      const n = countPlaceholders(text);
      const ex = c.example?.body_text?.[0] ?? [];
      if (n > 0 && (ex.length < n || ex.slice(0, n).some((v) => !v.trim()))) return "INVALID_FORMAT";
    }
    if (c.type === "HEADER" && c.format === "TEXT" && placeholderKeys(c.text ?? "").length > 0 && !c.example?.header_text?.[0]?.trim()) {
      return "INVALID_FORMAT";
    }
  }
  return null;
}

export function findTemplate(sql: SqlStorage, name: string, language: string): SimTemplate | null {
  const r = sql.exec<Row>(`SELECT id, name, language, category, components, status, reason FROM sim_templates WHERE name = ? AND language = ?`, name, language).toArray()[0];
  return r ? toTemplate(r) : null;
}

export function insertTemplate(sql: SqlStorage, t: SimTemplate, now: number): void {
  sql.exec(
    `INSERT INTO sim_templates (id, name, language, category, components, status, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    t.id,
    t.name,
    t.language,
    t.category,
    JSON.stringify(t.components),
    t.status,
    t.reason,
    now,
  );
}

/** Sets the status and queues the webhook Meta sends about it. */
export function queueStatusEvent(
  sql: SqlStorage,
  t: { id: string; name: string; language: string },
  event: string,
  reason: string | null,
  dueAt: number,
  origin: string,
): void {
  const value: JsonObject = {
    event,
    message_template_id: Number(t.id),
    message_template_name: t.name,
    message_template_language: t.language,
    reason: reason ?? "NONE",
  };
  sql.exec(`INSERT INTO template_events (due_at, template_id, field, value, origin) VALUES (?, ?, 'message_template_status_update', ?, ?)`, dueAt, t.id, JSON.stringify(value), origin);
}

export function nextTemplateEvent(sql: SqlStorage): number | null {
  return sql.exec<{ due: number | null }>(`SELECT min(due_at) AS due FROM template_events`).one().due;
}

/** Delivers due template webhooks in order; the status changes in the simulator when the webhook goes out. */
export async function deliverTemplateEvents(sql: SqlStorage, env: Env): Promise<void> {
  const due = sql
    .exec<{ id: number; template_id: string; field: string; value: string; origin: string; attempts: number; due_at: number }>(
      `SELECT * FROM template_events WHERE due_at <= ? ORDER BY due_at, id LIMIT 50`,
      Date.now(),
    )
    .toArray();
  const biz = businessIdentity(env);
  for (const ev of due) {
    const value = JSON.parse(ev.value) as { event?: string; reason?: string };
    if (ev.field === "message_template_status_update" && value.event) {
      sql.exec(`UPDATE sim_templates SET status = ?, reason = ? WHERE id = ?`, value.event, value.reason === "NONE" ? null : (value.reason ?? null), ev.template_id);
    }
    const now = Date.now();
    const payload = {
      object: "whatsapp_business_account",
      entry: [{ id: biz.wabaId, time: Math.floor(now / 1000), changes: [{ value, field: ev.field }] }],
    };
    const delivery = await deliverWebhook(env, ev.origin, payload);
    logDelivery(sql, `template:${value.event ?? ev.field}`, ev.template_id, delivery);
    if ((delivery.status >= 200 && delivery.status < 300) || ev.attempts + 1 >= 6) {
      sql.exec(`DELETE FROM template_events WHERE id = ?`, ev.id);
    } else {
      sql.exec(`UPDATE template_events SET attempts = attempts + 1, due_at = ? WHERE id = ?`, now + 1000 * 2 ** ev.attempts, ev.id);
      break;
    }
  }
}
