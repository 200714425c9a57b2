// Status webhooks the simulator still owes the worker (sent → delivered → read, or failed), and the
// log of everything it delivered. Delivered in due order by the Durable Object's alarm; a webhook
// that does not answer 2xx is retried with backoff, as Meta does.
import type { Env } from "./env";
import { businessIdentity } from "./business";
import { deliverWebhook, type Delivery } from "./deliver";
import { DELIVERY_LOG_SIZE, OUT_STATUS_RANK, type MessageRow, type OutboxRow } from "./simulator-tables";
import { statusPayload, type BusinessIdentity, type StatusKind } from "./webhook-payloads";

const MAX_DELIVERY_ATTEMPTS = 6;
const BATCH = 200;
/** Messages whose statuses are delivered at the same time. */
const PARALLEL = 8;

export interface SendFailure {
  code: number;
  title: string;
  details: string;
}

export function enqueueStatus(
  sql: SqlStorage,
  s: { wamid: string; status: StatusKind; dueAt: number; origin: string; error?: SendFailure },
): void {
  sql.exec(
    `INSERT INTO outbox (due_at, wamid, status, error_code, error_title, error_details, origin) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    s.dueAt,
    s.wamid,
    s.status,
    s.error?.code ?? null,
    s.error?.title ?? null,
    s.error?.details ?? null,
    s.origin,
  );
}

export function nextDue(sql: SqlStorage): number | null {
  return sql.exec<{ due: number | null }>(`SELECT min(due_at) AS due FROM outbox`).one().due;
}

export function logDelivery(sql: SqlStorage, kind: string, wamid: string, d: Delivery): void {
  sql.exec(
    `INSERT INTO deliveries (at, kind, wamid, http_status, response) VALUES (?, ?, ?, ?, ?)`,
    Date.now(),
    kind,
    wamid,
    d.status,
    d.body,
  );
  sql.exec(`DELETE FROM deliveries WHERE id <= (SELECT max(id) FROM deliveries) - ?`, DELIVERY_LOG_SIZE);
}

/**
 * Delivers the statuses that are due. Statuses of one message go strictly in order (sent before
 * delivered before read); different messages go in parallel, so a broadcast's statuses keep up.
 */
export async function deliverDueStatuses(sql: SqlStorage, env: Env): Promise<void> {
  const due = sql.exec<OutboxRow>(`SELECT * FROM outbox WHERE due_at <= ? ORDER BY due_at, id LIMIT ?`, Date.now(), BATCH).toArray();
  const byMessage = new Map<string, OutboxRow[]>();
  for (const job of due) byMessage.set(job.wamid, [...(byMessage.get(job.wamid) ?? []), job]);
  const queues = [...byMessage.values()];
  const biz = businessIdentity(env);
  const worker = async () => {
    for (let jobs = queues.shift(); jobs; jobs = queues.shift()) {
      for (const job of jobs) {
        // A failed delivery stops this message's later statuses until the retry, keeping them in order.
        if (!(await deliverOne(sql, env, biz, job))) break;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

/** Returns false when the webhook did not take it (it stays queued for a retry, or is dropped). */
async function deliverOne(sql: SqlStorage, env: Env, biz: BusinessIdentity, job: OutboxRow): Promise<boolean> {
  const msg = sql.exec<MessageRow>(`SELECT * FROM messages WHERE wamid = ?`, job.wamid).toArray()[0];
  if (!msg) {
    sql.exec(`DELETE FROM outbox WHERE id = ?`, job.id);
    return true;
  }
  const status = job.status as StatusKind;
  const payload = statusPayload(biz, {
    wamid: msg.wamid,
    status,
    recipientWaId: msg.wa_id,
    at: Date.now(),
    callbackData: msg.callback_data,
    conversationId: `sim${msg.seq.toString(16).padStart(12, "0")}`,
    category: msg.category === "utility" || msg.category === "marketing" ? msg.category : "service",
    error:
      job.error_code !== null ? { code: job.error_code, title: job.error_title ?? "", details: job.error_details ?? "" } : undefined,
  });
  const delivery = await deliverWebhook(env, job.origin, payload);
  logDelivery(sql, `status:${status}`, msg.wamid, delivery);
  if (delivery.status >= 200 && delivery.status < 300) {
    sql.exec(`DELETE FROM outbox WHERE id = ?`, job.id);
    const current = sql.exec<{ status: string }>(`SELECT status FROM messages WHERE wamid = ?`, msg.wamid).one().status;
    if ((OUT_STATUS_RANK[current] ?? 0) < (OUT_STATUS_RANK[status] ?? 0)) {
      sql.exec(`UPDATE messages SET status = ?, error = ? WHERE wamid = ?`, status, job.error_title, msg.wamid);
    }
    return true;
  }
  if (job.attempts + 1 >= MAX_DELIVERY_ATTEMPTS) {
    sql.exec(`DELETE FROM outbox WHERE id = ?`, job.id);
  } else {
    // Like Meta, retry with backoff when the webhook does not answer 2xx; this message's later
    // statuses wait behind the retry.
    const retryAt = Date.now() + 1000 * 2 ** job.attempts;
    sql.exec(`UPDATE outbox SET attempts = attempts + 1, due_at = ? WHERE id = ?`, retryAt, job.id);
    sql.exec(`UPDATE outbox SET due_at = max(due_at, ?) WHERE wamid = ? AND id > ?`, retryAt, job.wamid, job.id);
  }
  return false;
}
