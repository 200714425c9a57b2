// Parts of signed webhooks that could not be read (docs/inbound.md): kept raw for admins, so the
// rest of the delivery can be stored and acknowledged instead of Meta retrying it for days.
import { sql } from "drizzle-orm";
import { batchSql, type Db } from "../db/client";
import type { RejectedPart } from "../whatsapp/normalize";

/** Raw JSON kept per part; Meta's parts are a few KB. */
export const MAX_RAW_CHARS = 8192;
/** Parts kept one by one per webhook; a flood of broken parts is summarised in one more row. */
export const MAX_REJECTS_PER_WEBHOOK = 50;

import type { WebhookRejectView } from "../shared/wire-types";

export type { WebhookRejectView };

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function rawText(raw: unknown): string {
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > MAX_RAW_CHARS ? `${text.slice(0, MAX_RAW_CHARS)}…(gekürzt)` : text;
}

/** Stores the parts, keyed by a hash of path and content: a redelivered webhook adds nothing. */
export async function storeWebhookRejects(db: Db, rejects: RejectedPart[], now = Date.now()): Promise<void> {
  if (rejects.length === 0) return;
  const kept = rejects.slice(0, MAX_REJECTS_PER_WEBHOOK);
  const rows = await Promise.all(
    kept.map(async (r) => {
      const raw = JSON.stringify(r.raw) ?? String(r.raw);
      return { id: await sha256Hex(`${r.path}\n${raw}`), path: r.path, reason: r.reason.slice(0, 1000), raw: rawText(r.raw) };
    }),
  );
  if (rejects.length > kept.length) {
    const rest = rejects.slice(kept.length);
    const paths = rest.map((r) => r.path).join(", ");
    rows.push({
      id: await sha256Hex(`rest\n${paths}\n${rawText(rest.map((r) => r.raw))}`),
      path: rest[0]?.path ?? "",
      reason: `${rest.length} weitere ungültige Teile in derselben Zustellung`,
      raw: rawText(rest.map((r) => r.raw)),
    });
  }
  await batchSql(
    db,
    rows.map((r) => sql`INSERT INTO webhook_rejects (id, path, reason, raw, created_at) VALUES (${r.id}, ${r.path}, ${r.reason}, ${r.raw}, ${now})
      ON CONFLICT (id) DO NOTHING`),
  );
}

/** Newest first; cursor = "<createdAt>.<id>" of the last row. */
export async function listWebhookRejects(
  db: Db,
  o: { cursor?: string; limit: number },
): Promise<{ rejects: WebhookRejectView[]; nextCursor: string | null }> {
  const [at, id] = o.cursor ? o.cursor.split(".") : [];
  const after = o.cursor ? sql`WHERE created_at < ${Number(at)} OR (created_at = ${Number(at)} AND id < ${id ?? ""})` : sql``;
  const rows = await db.all<{ id: string; path: string; reason: string; raw: string; created_at: number }>(
    sql`SELECT id, path, reason, raw, created_at FROM webhook_rejects ${after} ORDER BY created_at DESC, id DESC LIMIT ${o.limit + 1}`,
  );
  const page = rows.slice(0, o.limit);
  const last = page.at(-1);
  return {
    rejects: page.map((r) => ({ id: r.id, path: r.path, reason: r.reason, raw: r.raw, createdAt: r.created_at })),
    nextCursor: rows.length > o.limit && last ? `${last.created_at}.${last.id}` : null,
  };
}
