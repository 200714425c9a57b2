// Decides at the webhook whether the bot may have anything to do with a message, so that ordinary
// questions and reports cost no background job. Same rule as the job itself (planKeywordAction).
// The keyword rules are cached per isolate (the webhook must stay one D1 round trip), so a "no"
// is only as good as the cache: it is returned as a condition, "no, if the rules version is still
// the cached one", which the message's own insert checks. A message judged with stale rules is
// stored unprocessed and gets its job; no message is dropped by the cache (docs/inbound.md).
import { eq, sql } from "drizzle-orm";
import { TEASER_PREFIX } from "../process-inbound";
import type { Db } from "../../db/client";
import { settings } from "../../db/schema";
import type { ProcessingDecision } from "../../inbox/ingest";
import { channelKeywords } from "../channels";
import { looksLikeCalendarQuestion } from "./calendar-question";
import { keywordRulesCache, RULES_VERSION_KEY } from "./rules-cache";
import { loadKeywordConfig } from "./settings";
import { parseKeywordMessage } from "./rule";
import { parseMenuTap } from "../replies";

async function rules(db: Db) {
  const hit = keywordRulesCache.get();
  if (hit) return hit;
  // The version first: a change between the two reads leaves an older version with newer rules,
  // which only makes the check in SQL more cautious.
  const version = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, RULES_VERSION_KEY)).get();
  const [keywords, channels] = await Promise.all([loadKeywordConfig(db), channelKeywords(db)]);
  return keywordRulesCache.set({ keywords, channels, version: version?.value ?? null });
}

export interface FilterInput {
  type: string;
  text?: string | null;
  replyId?: string | null;
}

export async function mayBeForTheBot(db: Db, msg: FilterInput): Promise<ProcessingDecision> {
  // Neither depends on cached rules: certain.
  if (msg.type === "interactive") return parseMenuTap(msg.replyId) !== null;
  // A tap on "Weiterlesen" of a broadcast template: its content is sent by the background job.
  if (msg.type === "button" && msg.replyId?.startsWith(TEASER_PREFIX)) return true;
  if (msg.type !== "text" && msg.type !== "button") return false;
  // "WANN", "MÜLL Bahnstraße": the job decides (calendars/keywords.ts answers); its words are fixed, not cached.
  if (looksLikeCalendarQuestion(msg.text)) return true;
  const { keywords, channels, version } = await rules(db);
  if (parseKeywordMessage(msg.text ?? null, keywords, channels) !== null) return true;
  return { skipIf: sql`(SELECT value FROM settings WHERE key = ${RULES_VERSION_KEY}) IS ${version}` };
}
