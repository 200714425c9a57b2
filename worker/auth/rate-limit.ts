// Fixed-window counters in D1 (table rate_limits): login attempts, and the widget's sign-up limit.
// One atomic upsert per hit, so parallel requests cannot slip past the limit.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { rateLimits } from "../db/schema";

export interface RateLimit {
  /** Allowed attempts per window (see countAttempt). */
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
 * Counts one attempt and refuses it if it is beyond `rule.limit` in this window: exactly `limit`
 * attempts per window get through. Counting *before* the work (not after) is what makes it hold
 * under parallel requests: the (limit+1)-th of a burst is refused at once. A finished window starts over.
 */
export async function countAttempt(db: Db, key: string, rule: RateLimit, now = Date.now()): Promise<LimitState> {
  const row = await db.get<{ count: number; windowStart: number }>(UPSERT(key, rule, now));
  if (!row) return { blocked: false, retryAfterSeconds: 0 };
  return { blocked: row.count > rule.limit, retryAfterSeconds: retryAfter(row, rule, now) };
}

/**
 * Older variant kept for callers that depend on it (the widget's sign-up limit): counts one hit and
 * reports `blocked` once the count, this hit included, has reached `rule.limit` — so only limit − 1
 * hits pass. New code should use countAttempt.
 */
export async function hitLimit(db: Db, key: string, rule: RateLimit, now = Date.now()): Promise<LimitState> {
  const row = await db.get<{ count: number; windowStart: number }>(UPSERT(key, rule, now));
  if (!row) return { blocked: false, retryAfterSeconds: 0 };
  return { blocked: row.count >= rule.limit, retryAfterSeconds: retryAfter(row, rule, now) };
}

/** Takes back one counted attempt (it turned out fine), so only failures use up the limit. */
export async function releaseHit(db: Db, key: string): Promise<void> {
  await db.run(sql`UPDATE rate_limits SET count = max(count - 1, 0) WHERE key = ${key}`);
  await db.run(sql`DELETE FROM rate_limits WHERE key = ${key} AND count = 0`);
}

export async function clearLimit(db: Db, key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}
