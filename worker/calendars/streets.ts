// The town's street list: street → district channel ("Bahnstraße;Müll Zone 2"), uploaded as CSV,
// so a citizen can write "MÜLL Bahnstraße" and land in the right zone.
import { asc, eq, sql } from "drizzle-orm";
import { listChannels } from "../citizens/channels";
import { foldWord, wordsOf } from "../citizens/normalize";
import { batchSql, type Db } from "../db/client";
import { calendarStreets, channels } from "../db/schema";
import { RuleViolation } from "../shared/errors";

export const STREETS_MAX = 5000;
const INSERT_CHUNK = 250;

/** "Bahn-Straße 12" → "bahnstr": case, umlauts, "straße/strasse/str." and house numbers do not matter. */
export function streetKey(name: string): string {
  const words = wordsOf(name).filter((w) => !/^\d+[a-z]?$/i.test(w));
  return foldWord(words.join("")).replace(/(strasse|str)$/u, "str");
}

export class StreetListError extends RuleViolation {
  constructor(line: number, reason: string) {
    super("invalid_street_list", `Zeile ${line}: ${reason}`, { line, reason });
  }
}

export interface StreetRow {
  street: string;
  channelId: string;
  channelName: string;
}

/** Parses "Straße;Kanal" lines (also "," or tab; an optional header; the channel by name or id). */
export async function parseStreetCsv(db: Db, csv: string): Promise<StreetRow[]> {
  const open = await listChannels(db);
  const byName = new Map(open.flatMap((c) => [[c.id, c], [foldWord(c.name.trim()), c]] as const));
  const rows: StreetRow[] = [];
  const seen = new Map<string, number>();
  const lines = csv.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    const sep = raw.includes(";") ? ";" : raw.includes("\t") ? "\t" : ",";
    const cells = raw.split(sep).map((c) => c.trim().replace(/^"(.*)"$/, "$1").trim());
    if (cells.length < 2 || !cells[0] || !cells[1]) {
      throw new StreetListError(line, "erwartet „Straße;Kanal“ (zwei Spalten, getrennt durch Strichpunkt)");
    }
    const [street, channelName] = cells as [string, string];
    const channel = byName.get(channelName) ?? byName.get(foldWord(channelName));
    if (!channel) {
      if (rows.length === 0 && /^(stra(ss|ß)e|street)$/i.test(street)) return; // header
      throw new StreetListError(line, `Kanal „${channelName}“ gibt es nicht (Name oder Kennung eines offenen Kanals)`);
    }
    const key = streetKey(street);
    if (!key) throw new StreetListError(line, "Straßenname fehlt");
    const before = seen.get(key);
    if (before !== undefined && rows[before]!.channelId !== channel.id) {
      throw new StreetListError(line, `„${street}“ steht schon in Zeile ${before + 1} bei einem anderen Kanal`);
    }
    if (before === undefined) {
      seen.set(key, rows.length);
      rows.push({ street, channelId: channel.id, channelName: channel.name });
    }
  });
  if (rows.length === 0) throw new StreetListError(1, "Die Liste enthält keine Straße");
  if (rows.length > STREETS_MAX) throw new StreetListError(STREETS_MAX + 1, `Höchstens ${STREETS_MAX} Straßen`);
  return rows;
}

/** Replaces the whole street list in one batch. */
/** Replaces the whole street list with the one in `csv` (an empty list is refused: it would unmap every street). */
export async function replaceStreetList(db: Db, csv: string): Promise<void> {
  if (!csv.trim()) throw new RuleViolation("invalid_street_list", "Die Straßenliste ist leer. Bitte eine Datei mit Zeilen „Straße;Kanal“ wählen.");
  await saveStreets(db, await parseStreetCsv(db, csv));
}

export async function saveStreets(db: Db, rows: StreetRow[]): Promise<void> {
  const statements = [sql`DELETE FROM calendar_streets`];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK).map((r) => ({ k: streetKey(r.street), s: r.street, c: r.channelId }));
    statements.push(sql`INSERT INTO calendar_streets (key, street, channel_id)
      SELECT value ->> '$.k', value ->> '$.s', value ->> '$.c' FROM json_each(${JSON.stringify(chunk)}) WHERE 1
      ON CONFLICT DO NOTHING`);
  }
  await batchSql(db, statements);
}

export async function listStreets(db: Db): Promise<StreetRow[]> {
  return db
    .select({ street: calendarStreets.street, channelId: calendarStreets.channelId, channelName: channels.name })
    .from(calendarStreets)
    .innerJoin(channels, eq(channels.id, calendarStreets.channelId))
    .orderBy(asc(calendarStreets.street))
    .all();
}

/** The district channel of a street the citizen typed, or null. */
export async function channelForStreet(db: Db, typed: string): Promise<{ street: string; channelId: string } | null> {
  const key = streetKey(typed);
  if (!key) return null;
  const row = await db
    .select({ street: calendarStreets.street, channelId: calendarStreets.channelId })
    .from(calendarStreets)
    .innerJoin(channels, eq(channels.id, calendarStreets.channelId))
    .where(sql`${calendarStreets.key} = ${key} AND ${channels.archived} = 0`)
    .get();
  return row ?? null;
}
