// Channels citizens can subscribe to: listing with subscriber counts, create, edit, archive.
// Keywords of channels and of commands must never clash, or a message could mean two things.
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { keywordRulesCache } from "./keywords/rules-cache";
import { channels } from "../db/schema";
import { Conflict, notFound } from "../shared/errors";
import { newId } from "../shared/ids";
import type { Channel, ChannelWithCount } from "../shared/wire-types";
import { loadKeywordConfig, saveKeywordConfig } from "./keywords/settings";
import { COMMANDS, isCommandKeyword, type KeywordConfig } from "./keywords/rule";
import { sameWord } from "./normalize";

export type { Channel, ChannelWithCount } from "../shared/wire-types";

export interface ChannelInput {
  name: string;
  description?: string;
  keyword?: string | null;
  defaultOn?: boolean;
  position?: number;
  archived?: boolean;
  public?: boolean;
}

const columns = {
  id: channels.id,
  name: channels.name,
  description: channels.description,
  keyword: channels.keyword,
  defaultOn: channels.defaultOn,
  position: channels.position,
  archived: channels.archived,
  public: channels.public,
};

/** Channels in display order; archived ones only when asked for. */
export async function listChannels(db: Db, o: { includeArchived?: boolean } = {}): Promise<Channel[]> {
  return listChannelsQuery(db, o).all();
}

/** The query alone, for a D1 batch with other reads. */
export const listChannelsQuery = (db: Db, o: { includeArchived?: boolean } = {}) =>
  db
    .select(columns)
    .from(channels)
    .where(o.includeArchived ? undefined : eq(channels.archived, false))
    .orderBy(asc(channels.position), asc(channels.name));

export async function listChannelsWithCounts(db: Db): Promise<ChannelWithCount[]> {
  const rows = await db
    .select({
      ...columns,
      subscriberCount: sql<number>`(SELECT count(*) FROM subscriptions s JOIN citizens c ON c.id = s.citizen_id
        WHERE s.channel_id = "channels"."id" AND s.active = 1 AND c.erased_at IS NULL)`,
    })
    .from(channels)
    .orderBy(asc(channels.archived), asc(channels.position), asc(channels.name))
    .all();
  return rows.map((r) => ({ ...r, subscriberCount: Number(r.subscriberCount) }));
}

/** A channel with its current number of subscribers (0 for a new one). */
export async function channelWithCount(db: Db, channel: Channel): Promise<ChannelWithCount> {
  return (await listChannelsWithCounts(db)).find((ch) => ch.id === channel.id) ?? { ...channel, subscriberCount: 0 };
}

export async function getChannel(db: Db, id: string): Promise<Channel> {
  const row = await db.select(columns).from(channels).where(eq(channels.id, id)).get();
  if (!row) throw notFound("Diesen Kanal gibt es nicht (mehr). Bitte die Liste neu laden.");
  return row;
}

export async function createChannel(db: Db, input: ChannelInput): Promise<Channel> {
  const keyword = normalizeKeyword(input.keyword);
  await assertKeywordFree(db, keyword, null);
  const position =
    input.position ?? ((await db.get<{ p: number | null }>(sql`SELECT max(position) AS p FROM channels`))?.p ?? -1) + 1;
  const id = `ch_${newId()}`;
  const now = Date.now();
  await db.insert(channels).values({
    id,
    name: input.name,
    description: input.description ?? "",
    keyword,
    defaultOn: input.defaultOn ?? false,
    position,
    archived: input.archived ?? false,
    public: input.public ?? false,
    createdAt: now,
    updatedAt: now,
  });
  keywordRulesCache.clear();
  return getChannel(db, id);
}

export async function updateChannel(db: Db, id: string, patch: Partial<ChannelInput>): Promise<Channel> {
  await getChannel(db, id);
  const set: Partial<typeof channels.$inferInsert> = { updatedAt: Date.now() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.keyword !== undefined) {
    set.keyword = normalizeKeyword(patch.keyword);
    await assertKeywordFree(db, set.keyword, id);
  }
  if (patch.defaultOn !== undefined) set.defaultOn = patch.defaultOn;
  if (patch.position !== undefined) set.position = patch.position;
  if (patch.archived !== undefined) set.archived = patch.archived;
  if (patch.public !== undefined) set.public = patch.public;
  await db.update(channels).set(set).where(eq(channels.id, id));
  keywordRulesCache.clear();
  return getChannel(db, id);
}

/** Channel keywords as citizens may send them (archived channels do not react any more). */
export async function channelKeywords(db: Db): Promise<{ channelId: string; keyword: string }[]> {
  return channelKeywordsOf(await channelKeywordsQuery(db).all());
}

/** The query alone, for a D1 batch with other reads (channelKeywordsOf reads its rows). */
export const channelKeywordsQuery = (db: Db) =>
  db
    .select({ channelId: channels.id, keyword: channels.keyword })
    .from(channels)
    .where(and(eq(channels.archived, false), sql`${channels.keyword} IS NOT NULL AND ${channels.keyword} <> ''`));

export const channelKeywordsOf = (rows: { channelId: string; keyword: string | null }[]) =>
  rows.flatMap((r) => (r.keyword ? [{ channelId: r.channelId, keyword: r.keyword }] : []));

function normalizeKeyword(keyword: string | null | undefined): string | null {
  const k = keyword?.trim();
  return k ? k.toUpperCase() : null;
}

async function assertKeywordFree(db: Db, keyword: string | null, ownId: string | null): Promise<void> {
  if (!keyword) return;
  if (isCommandKeyword(keyword, await loadKeywordConfig(db))) {
    throw new Conflict("keyword_taken", `„${keyword}“ ist bereits ein Befehl (z. B. ANMELDEN oder STOP). Bitte ein anderes Schlüsselwort wählen.`);
  }
  const others = await db.select({ id: channels.id, name: channels.name, keyword: channels.keyword }).from(channels).all();
  const clash = others.find((c) => c.id !== ownId && c.keyword && sameWord(c.keyword, keyword));
  if (clash) throw new Conflict("keyword_taken", `„${keyword}“ ist schon das Schlüsselwort von „${clash.name}“. Bitte ein anderes Schlüsselwort wählen.`);
}

/** Saves new command keywords unless one of them is already a channel keyword. */
export async function updateKeywordConfig(db: Db, config: KeywordConfig): Promise<KeywordConfig> {
  const taken = await channelKeywords(db);
  for (const command of COMMANDS) {
    for (const word of [...config[command].de, ...config[command].en]) {
      const clash = taken.find((c) => sameWord(c.keyword, word));
      if (clash) throw new Conflict("keyword_taken", `„${word}“ ist schon das Schlüsselwort eines Kanals. Bitte ein anderes Wort wählen.`);
    }
  }
  await saveKeywordConfig(db, config);
  keywordRulesCache.clear();
  return config;
}
