// The recipient rows the fan-out works on: check-and-mark before a send, the outcome after it.
// A row moves queued → sending only in claimRecipients (one conditional UPDATE … RETURNING), so of
// two consumers holding the same recipient (queue redelivery, a recovered chunk) exactly one sends.
import { sql, type SQL } from "drizzle-orm";
import { subscriptionChangeStatements } from "../citizens/subscriptions";
import { batchSql, type Db } from "../db/client";
import { viaSql } from "./delivery";

export interface ClaimedRecipient {
  citizenId: string;
  attempts: number;
  waId: string | null;
  userId: string | null;
  /** What this send is: the content as free-form, or the template (decided in the claim, see delivery.ts). */
  via: "content" | "template";
  /** Already fell back to the template once after a 131047. */
  fellBack: boolean;
}

const ids = (citizenIds: string[]) => sql`(SELECT value FROM json_each(${JSON.stringify(citizenIds)}))`;

/** Queued recipients among these (a chunk's work list). */
export async function queuedAmong(db: Db, broadcastId: string, citizenIds: string[]): Promise<string[]> {
  const rows = await db.all<{ citizen_id: string }>(sql`
    SELECT citizen_id FROM broadcast_recipients
    WHERE broadcast_id = ${broadcastId} AND status = 'queued' AND citizen_id IN ${ids(citizenIds)}
    ORDER BY citizen_id`);
  return rows.map((r) => r.citizen_id);
}

/**
 * In one transaction: recipients who meanwhile unsubscribed from every target channel or were
 * erased become `skipped` (never sent); the rest are claimed (queued → sending) if the broadcast is
 * still sending. Returns the claimed ones with their WhatsApp address.
 */
export async function claimRecipients(
  db: Db,
  broadcastId: string,
  citizenIds: string[],
  now: number,
): Promise<{ claimed: ClaimedRecipient[]; skipped: string[] }> {
  if (citizenIds.length === 0) return { claimed: [], skipped: [] };
  const [skip, claim, addresses] = await batchSql(db, [
    sql`UPDATE broadcast_recipients SET status = 'skipped', updated_at = ${now},
          error_reason = CASE WHEN EXISTS (SELECT 1 FROM citizens c WHERE c.id = broadcast_recipients.citizen_id AND c.erased_at IS NOT NULL)
                              THEN 'Daten der Person wurden gelöscht' ELSE 'Vor dem Versand abgemeldet' END
        WHERE broadcast_id = ${broadcastId} AND status = 'queued' AND citizen_id IN ${ids(citizenIds)}
          AND NOT EXISTS (
            SELECT 1 FROM subscriptions s JOIN citizens c ON c.id = s.citizen_id
            WHERE s.citizen_id = broadcast_recipients.citizen_id AND s.active = 1
              AND c.erased_at IS NULL AND (c.wa_id IS NOT NULL OR c.user_id IS NOT NULL)
              AND s.channel_id IN (SELECT value FROM json_each((SELECT channel_ids FROM broadcasts WHERE id = ${broadcastId}))))
        RETURNING citizen_id`,
    sql`UPDATE broadcast_recipients SET status = 'sending', sending_since = ${now}, attempts = attempts + 1, updated_at = ${now},
          via = ${viaSql(
            { template: sql`(SELECT template FROM broadcasts WHERE id = ${broadcastId})`, delivery: sql`(SELECT delivery FROM broadcasts WHERE id = ${broadcastId})` },
            sql`fallback_at`,
            sql`(SELECT last_inbound_at FROM citizens WHERE id = broadcast_recipients.citizen_id)`,
            now,
          )}
        WHERE broadcast_id = ${broadcastId} AND status = 'queued' AND citizen_id IN ${ids(citizenIds)}
          AND EXISTS (SELECT 1 FROM broadcasts WHERE id = ${broadcastId} AND status = 'sending')
        RETURNING citizen_id, attempts, via, fallback_at`,
    sql`SELECT id, wa_id, user_id FROM citizens WHERE id IN ${ids(citizenIds)}`,
  ]);
  const addressOf = new Map(
    (addresses?.results ?? []).map((r) => {
      const row = r as { id: string; wa_id: string | null; user_id: string | null };
      return [row.id, row] as const;
    }),
  );
  const claimed = (claim?.results ?? []).map((r): ClaimedRecipient => {
    const row = r as { citizen_id: string; attempts: number; via: string; fallback_at: number | null };
    const a = addressOf.get(row.citizen_id);
    return {
      citizenId: row.citizen_id,
      attempts: Number(row.attempts),
      waId: a?.wa_id ?? null,
      userId: a?.user_id ?? null,
      via: row.via === "template" ? "template" : "content",
      fellBack: row.fallback_at !== null,
    };
  });
  return { claimed, skipped: (skip?.results ?? []).map((r) => (r as { citizen_id: string }).citizen_id) };
}

export type Outcome =
  | { kind: "sent"; citizenId: string; wamid: string; at: number }
  /**
   * Not sent (transient error, withdrawn by a pause, deferred behind an alert): back to queued.
   * `fallback`: WhatsApp refused the free-form content (131047): next time the template, once.
   */
  | { kind: "requeue"; citizenId: string; code: number | null; reason: string | null; countAttempt: boolean; fallback?: boolean }
  /** No clear answer: it may have gone out. Waits for WhatsApp's status webhook, see recovery.ts. */
  | { kind: "unconfirmed"; citizenId: string; code: number; reason: string; at: number }
  | { kind: "failed"; citizenId: string; code: number; reason: string; at: number; optedOut: boolean; deadLetter: { attempts: number } | null };

function statementsFor(broadcastId: string, o: Outcome, now: number): SQL[] {
  const where = sql`broadcast_id = ${broadcastId} AND citizen_id = ${o.citizenId}`;
  switch (o.kind) {
    case "sent":
      // A status webhook may have arrived first (matched by callback data): never move it back.
      // Nor over a fallback to the template that a 131047 webhook already queued.
      return [
        sql`UPDATE broadcast_recipients SET
              status = CASE WHEN status IN ('sending', 'queued', 'unconfirmed') THEN 'sent' ELSE status END,
              wamid = coalesce(wamid, ${o.wamid}), sent_at = coalesce(sent_at, ${o.at}),
              sending_since = NULL, error_code = NULL, error_reason = NULL, updated_at = ${now}
            WHERE ${where} AND NOT (status = 'queued' AND fallback_at IS NOT NULL)`,
      ];
    case "requeue":
      return [
        sql`UPDATE broadcast_recipients SET status = 'queued', sending_since = NULL,
              attempts = attempts - ${o.countAttempt ? 0 : 1},
              fallback_at = CASE WHEN ${o.fallback ? 1 : 0} = 1 THEN coalesce(fallback_at, ${now}) ELSE fallback_at END,
              error_code = coalesce(${o.code}, error_code), error_reason = coalesce(${o.reason}, error_reason), updated_at = ${now}
            WHERE ${where} AND status = 'sending'`,
      ];
    case "unconfirmed":
      // The wait for evidence is counted from the answer (or timeout): the request reached WhatsApp before it.
      return [
        sql`UPDATE broadcast_recipients SET status = 'unconfirmed', sending_since = ${o.at},
              error_code = ${o.code}, error_reason = ${o.reason}, updated_at = ${now}
            WHERE ${where} AND status = 'sending'`,
      ];
    case "failed": {
      const out = [
        sql`UPDATE broadcast_recipients SET status = 'failed', failed_at = ${o.at}, sending_since = NULL,
              error_code = ${o.code}, error_reason = ${o.reason}, updated_at = ${now}
            WHERE ${where} AND status = 'sending'`,
      ];
      if (o.deadLetter) {
        // Kept failing: visible in the dead-letter list next to queue messages that did.
        const body = { kind: "broadcast.recipient", broadcastId, citizenId: o.citizenId, code: o.code, reason: o.reason, attempts: o.deadLetter.attempts };
        out.push(sql`INSERT INTO dead_letters (queue, body, created_at) VALUES ('townwire-broadcasts', ${JSON.stringify(body)}, ${now})`);
      }
      if (o.optedOut) {
        // 131050: the citizen told WhatsApp to stop these messages. Respect it everywhere, with proof.
        out.push(...subscriptionChangeStatements({ citizenId: o.citizenId, unsubscribeAll: true, source: "meta_opt_out" }, now));
      }
      return out;
    }
  }
}

/** Records the outcomes of a group of sends in one transaction. */
export async function recordOutcomes(db: Db, broadcastId: string, outcomes: Outcome[], now = Date.now()): Promise<void> {
  const statements = outcomes.flatMap((o) => statementsFor(broadcastId, o, now));
  if (statements.length) await batchSql(db, statements);
}
