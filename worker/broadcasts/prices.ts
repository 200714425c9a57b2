// What Meta charges per delivered template message, by category (recipients in Austria, in EUR).
// Free-form messages inside the 24-hour window cost nothing, and so do UTILITY templates delivered
// inside it; MARKETING templates are always charged. An admin can replace the table (settings).
//
// Source of the defaults: Meta's per-message rate card effective 2025-07-01 (pricing page of the
// WhatsApp Business Platform), Austria = "Rest of Western Europe": Marketing US$ 0.0592, Utility
// US$ 0.0171, Authentication US$ 0.0171. Meta also publishes the card in EUR; the EUR values below are
// these USD rates converted at 1 US$ = 0.86 € (rounded to 4 places) and must be checked by an admin
// against Meta's current EUR rate card (Meta changes rates several times a year).
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { settings } from "../db/schema";
import type { TemplatePriceCategory, TemplatePrices } from "./schemas";

export const PRICES_SETTING = "broadcasts.template_prices";

export const DEFAULT_TEMPLATE_PRICES: TemplatePrices = {
  prices: { MARKETING: 0.0509, UTILITY: 0.0147, AUTHENTICATION: 0.0147 },
  currency: "EUR",
  country: "AT",
  source: "Meta-Preisliste (Rest of Western Europe, US$ 0,0592 / 0,0171 / 0,0171), umgerechnet mit 1 US$ = 0,86 € – bitte mit der aktuellen EUR-Preisliste von Meta prüfen",
  sourceDate: "2025-07-01",
};

const price = z.number().min(0, "Preis darf nicht negativ sein").max(10, "Preis pro Nachricht über 10 € ist unplausibel");
export const pricesInputSchema = z.strictObject({
  prices: z.strictObject({ MARKETING: price, UTILITY: price, AUTHENTICATION: price }),
  /** Where the admin took the prices from (default: entered by hand). */
  source: z.string().trim().min(1).max(300).optional(),
  sourceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Datum als JJJJ-MM-TT").optional(),
});
export type PricesInput = z.infer<typeof pricesInputSchema>;

const storedSchema = z.object({
  prices: z.object({ MARKETING: z.number(), UTILITY: z.number(), AUTHENTICATION: z.number() }),
  source: z.string(),
  sourceDate: z.string(),
});

export async function templatePrices(db: Db): Promise<TemplatePrices> {
  const row = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, PRICES_SETTING)).get();
  if (!row) return DEFAULT_TEMPLATE_PRICES;
  try {
    const parsed = storedSchema.safeParse(JSON.parse(row.value));
    return parsed.success ? { ...parsed.data, currency: "EUR", country: "AT" } : DEFAULT_TEMPLATE_PRICES;
  } catch {
    return DEFAULT_TEMPLATE_PRICES;
  }
}

export async function saveTemplatePrices(db: Db, input: PricesInput, now = Date.now()): Promise<TemplatePrices> {
  const value = JSON.stringify({
    prices: input.prices,
    source: input.source ?? "Von der Verwaltung eingetragen",
    sourceDate: input.sourceDate ?? new Date(now).toISOString().slice(0, 10),
  });
  await db
    .insert(settings)
    .values({ key: PRICES_SETTING, value, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });
  return templatePrices(db);
}

/** Euros, rounded to cents. */
export const roundCents = (n: number) => Math.round(n * 100) / 100;

export function perMessage(p: TemplatePrices, category: TemplatePriceCategory): number {
  return p.prices[category];
}
