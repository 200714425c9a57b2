// Decides at the webhook whether the bot may have anything to do with a message, so that ordinary
// questions and reports cost no background job. Same rule as the job itself (parseKeywordMessage);
// the keyword configuration and channel keywords are cached per isolate for a short time, because
// the webhook must stay one D1 round trip. Changes made in this isolate clear the cache at once;
// other isolates follow within CACHE_MS.
import { TEASER_PREFIX } from "./process-inbound";
import type { Db } from "../db/client";
import { channelKeywords } from "./channels";
import { keywordRulesCache } from "./keyword-rules-cache";
import { loadKeywordConfig } from "./keyword-settings";
import { parseKeywordMessage } from "./keywords";
import { TOGGLE_PREFIX } from "./replies";

async function rules(db: Db) {
  const hit = keywordRulesCache.get();
  if (hit) return hit;
  const [keywords, channels] = await Promise.all([loadKeywordConfig(db), channelKeywords(db)]);
  return keywordRulesCache.set({ keywords, channels });
}

export interface FilterInput {
  type: string;
  text?: string | null;
  replyId?: string | null;
}

export async function mayBeForTheBot(db: Db, msg: FilterInput): Promise<boolean> {
  if (msg.type === "interactive") return Boolean(msg.replyId?.startsWith(TOGGLE_PREFIX));
  // A tap on "Weiterlesen" of a broadcast template: its content is sent by the background job.
  if (msg.type === "button" && msg.replyId?.startsWith(TEASER_PREFIX)) return true;
  if (msg.type !== "text" && msg.type !== "button") return false;
  const { keywords, channels } = await rules(db);
  return parseKeywordMessage(msg.text ?? null, keywords, channels) !== null;
}
