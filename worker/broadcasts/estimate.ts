// Before sending: how many citizens a choice of channels reaches, whether today's tier allows it,
// how many are inside the 24-hour window, and what the templates will cost.
import { sql } from "drizzle-orm";
import { activeSubscribersQuery } from "../citizens/subscriptions";
import type { Db } from "../db/client";
import { templateMessagesFor, windowSplit } from "./delivery";
import { roundCents, templatePrices } from "./prices";
import type { BroadcastDelivery, BroadcastEstimate, BroadcastKind, CostEstimate } from "./schemas";
import { findTemplate } from "../templates/store";
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

export interface EstimateOptions {
  delivery: BroadcastDelivery;
  kind: BroadcastKind;
  /** The chosen template (its category decides the price). */
  template: { name: string; language: string } | null;
}

/** The estimate with the window split and the cost of the templates (Meta charges per delivered template). */
export async function estimateBroadcast(db: Db, channelIds: string[], tier: Tier, o: EstimateOptions, now = Date.now()): Promise<BroadcastEstimate> {
  const [audience, split, prices, template] = await Promise.all([
    estimateAudience(db, channelIds, tier, now),
    windowSplit(db, channelIds, now),
    templatePrices(db),
    o.template ? findTemplate(db, o.template.name, o.template.language) : Promise.resolve(null),
  ]);
  const category: CostEstimate["category"] =
    template?.category === "UTILITY" || template?.category === "MARKETING" ? template.category : o.kind === "alert" ? "UTILITY" : "MARKETING";
  const templateMessages = templateMessagesFor(o.delivery, split);
  // UTILITY templates delivered inside the window are free at Meta; MARKETING ones never are.
  const billableMessages = category === "UTILITY" ? Math.min(templateMessages, split.outsideWindow) : templateMessages;
  const per = prices.prices[category];
  return {
    ...audience,
    ...split,
    cost: { currency: "EUR", category, perMessage: per, templateMessages, billableMessages, total: roundCents(billableMessages * per) },
  };
}
