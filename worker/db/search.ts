// Substring search without LIKE: D1 refuses LIKE/GLOB patterns over 50 bytes (UTF-8), so a search
// of ~49 characters (fewer with umlauts) would fail once rows are compared. instr() has no such
// limit; lower() on both sides folds ASCII case only, exactly as LIKE did, and % _ \ are literal.
import { sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** Longest search text the API accepts (characters). */
export const MAX_SEARCH_CHARS = 100;

/** True where `haystack` contains `needle`, ignoring ASCII case (NULL never matches). */
export function containsText(haystack: SQL | SQLiteColumn, needle: string): SQL {
  return sql`instr(lower(${haystack}), lower(${needle})) > 0`;
}
