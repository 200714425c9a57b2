// Before sending: how many citizens a choice of channels reaches, and whether today's tier allows it.
import { sql } from "drizzle-orm";
import { activeSubscribersQuery } from "../citizens/subscriptions";
import type { Db } from "../db/client";
import { tierEstimate, type Tier, type TierEstimate } from "./tier";

export interface AudienceEstimate extends TierEstimate {
  /** Distinct citizens (someone in two of the channels counts once). */
  recipients: number;
  /** The German warning the editor shows, or null. */
  warning: string | null;
}

export async function estimateAudience(db: Db, channelIds: string[], tier: Tier, now = Date.now()): Promise<AudienceEstimate> {
  const audience = activeSubscribersQuery(channelIds);
  const row = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (${audience})`);
  const recipients = Number(row?.n ?? 0);
  const t = await tierEstimate(db, tier, audience, now);
  const fmt = (n: number) => n.toLocaleString("de-AT");
  const warning =
    t.overTier > 0
      ? `WhatsApp erlaubt dieser Nummer ${fmt(Number(t.tier))} verschiedene Empfänger pro 24 Stunden. ${fmt(t.overTier)} von ${fmt(recipients)} Empfängern bekommen die Nachricht erst, wenn wieder Platz ist (frühestens morgen).`
      : null;
  return { recipients, ...t, warning };
}
