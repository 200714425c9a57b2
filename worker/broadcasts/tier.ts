// Meta's messaging tier: how many distinct citizens the number may reach in a rolling 24 hours.
// The tier comes from MESSAGING_TIER, and an admin can override it in the settings table.
import { eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { settings } from "../db/schema";

export const TIER_SETTING = "broadcasts.messaging_tier";
export const TIERS = [250, 2000, 10000, 100000, "unlimited"] as const;
export type Tier = number | "unlimited";

export const tierSchema = z.union([z.literal("unlimited"), z.number().int().positive()]);

export const DAY_MS = 24 * 60 * 60_000;

export async function messagingTier(db: Db, fromEnv: Tier): Promise<Tier> {
  const row = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, TIER_SETTING)).get();
  if (!row) return fromEnv;
  const parsed = tierSchema.safeParse(row.value === "unlimited" ? row.value : Number(row.value));
  return parsed.success ? parsed.data : fromEnv;
}

export async function saveMessagingTier(db: Db, tier: Tier): Promise<void> {
  const value = String(tier);
  const now = Date.now();
  await db
    .insert(settings)
    .values({ key: TIER_SETTING, value, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });
}

/**
 * Citizens that count against today's tier: reached by a broadcast in the last 24 hours, or about to
 * be (queued or being sent in a running or paused broadcast). A citizen counts once, however many
 * broadcasts reach them. Conservative: a citizen who wrote in recently would not count at Meta.
 */
export function committedCitizensSql(now: number): SQL {
  return sql`SELECT r.citizen_id FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id
    WHERE r.sent_at >= ${now - DAY_MS}
       OR (r.status IN ('queued', 'sending', 'unconfirmed') AND b.status IN ('sending', 'paused'))`;
}

export async function reachedLast24h(db: Db, now = Date.now()): Promise<number> {
  const row = await db.get<{ n: number }>(sql`SELECT count(DISTINCT citizen_id) AS n FROM (${committedCitizensSql(now)})`);
  return Number(row?.n ?? 0);
}

/** The broadcast settings staff see: the tier in force, the one from the environment, the pace, and today's use. */
export async function broadcastSettings(db: Db, fromEnv: { tier: Tier; ratePerSecond: number }) {
  return {
    tier: await messagingTier(db, fromEnv.tier),
    tierFromEnvironment: fromEnv.tier,
    ratePerSecond: fromEnv.ratePerSecond,
    usedLast24h: await reachedLast24h(db),
  };
}

export interface TierEstimate {
  tier: Tier;
  /** Distinct citizens already reached (or queued) in the rolling 24 hours. */
  usedLast24h: number;
  /** How many more distinct citizens may be reached now; null when unlimited. */
  available: number | null;
  /** Recipients of this broadcast that would have to wait for the next day. */
  overTier: number;
}

/**
 * How a broadcast to `audience` (SQL yielding citizen_id) fits today's tier. Citizens already
 * counted today cost nothing extra.
 */
export async function tierEstimate(db: Db, tier: Tier, audience: SQL, now = Date.now()): Promise<TierEstimate> {
  const row = await db.get<{ used: number; fresh: number }>(sql`
    WITH committed AS (SELECT DISTINCT citizen_id FROM (${committedCitizensSql(now)})),
         audience AS (${audience})
    SELECT (SELECT count(*) FROM committed) AS used,
           (SELECT count(*) FROM audience WHERE citizen_id NOT IN (SELECT citizen_id FROM committed)) AS fresh`);
  const used = Number(row?.used ?? 0);
  const fresh = Number(row?.fresh ?? 0);
  if (tier === "unlimited") return { tier, usedLast24h: used, available: null, overTier: 0 };
  const available = Math.max(0, tier - used);
  return { tier, usedLast24h: used, available, overTier: Math.max(0, fresh - available) };
}
