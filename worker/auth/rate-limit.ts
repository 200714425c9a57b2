// Fixed-window counters in D1 (table rate_limits) for the widget's sign-up limit (sign-in uses login-limits.ts).
// One atomic upsert per hit, so parallel requests cannot slip past the limit.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";

export interface RateLimit {
  /** Allowed hits per window (see hitLimit). */
  limit: number;
  windowMs: number;
}

export interface LimitState {
  blocked: boolean;
  /** Seconds until the window ends. */
  retryAfterSeconds: number;
}

const UPSERT = (key: string, rule: RateLimit, now: number) => sql`
  INSERT INTO rate_limits (key, count, window_start) VALUES (${key}, 1, ${now})
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN window_start + ${rule.windowMs} <= ${now} THEN 1 ELSE count + 1 END,
    window_start = CASE WHEN window_start + ${rule.windowMs} <= ${now} THEN ${now} ELSE window_start END
  RETURNING count, window_start AS windowStart`;

function retryAfter(row: { windowStart: number }, rule: RateLimit, now: number): number {
  return Math.max(1, Math.ceil((row.windowStart + rule.windowMs - now) / 1000));
}

/**
 * Counts one hit and reports `blocked` once the count, this hit included, has reached `rule.limit` —
 * so only limit − 1 hits pass (the widget's sign-up limit adds one for that).
 */
export async function hitLimit(db: Db, key: string, rule: RateLimit, now = Date.now()): Promise<LimitState> {
  const row = await db.get<{ count: number; windowStart: number }>(UPSERT(key, rule, now));
  if (!row) return { blocked: false, retryAfterSeconds: 0 };
  return { blocked: row.count >= rule.limit, retryAfterSeconds: retryAfter(row, rule, now) };
}
