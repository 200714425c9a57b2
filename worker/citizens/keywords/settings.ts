// The configured keywords live in the settings table (admins can change them); defaults otherwise.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { settings } from "../../db/schema";
import { DEFAULT_KEYWORDS, keywordConfigSchema, type KeywordConfig } from "./rule";

export const KEYWORDS_SETTING = "citizens.keywords";

/** The query alone, for a D1 batch with other reads (keywordConfigOf reads its rows). */
export const keywordConfigQuery = (db: Db) => db.select({ value: settings.value }).from(settings).where(eq(settings.key, KEYWORDS_SETTING));

export async function loadKeywordConfig(db: Db): Promise<KeywordConfig> {
  return keywordConfigOf(await keywordConfigQuery(db).all());
}

export function keywordConfigOf(rows: { value: string }[]): KeywordConfig {
  const row = rows[0];
  if (!row) return DEFAULT_KEYWORDS;
  try {
    const parsed = keywordConfigSchema.safeParse(JSON.parse(row.value));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: a broken setting must never stop keyword handling
  }
  console.error("settings.citizens.keywords is invalid; using the defaults");
  return DEFAULT_KEYWORDS;
}

export async function saveKeywordConfig(db: Db, config: KeywordConfig): Promise<void> {
  const value = JSON.stringify(config);
  const now = Date.now();
  await db
    .insert(settings)
    .values({ key: KEYWORDS_SETTING, value, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });
}
