// Decides what an inbound message asks for: which subscriptions change and what the bot answers.
// Reads state, writes nothing (except marking a sign-up code as used); process-inbound.ts applies it.
import type { Db } from "../db/client";
import { listChannels, channelKeywords, type Channel } from "./channels";
import { loadKeywordConfig } from "./keyword-settings";
import { parseKeywordMessage, type Lang } from "./keywords";
import {
  badCodeIntro,
  channelGoneReply,
  helpReply,
  menuReply,
  noDefaultsIntro,
  subscribedReply,
  toggledReply,
  TOGGLE_PREFIX,
  unsubscribedReply,
  type Reply,
  type ReplyContext,
} from "./replies";
import { planCalendarKeyword } from "../calendars/keywords";
import { redeemSignupCode } from "./signup-codes";
import { activeChannelIds, type ConsentSource, type SubscriptionChange } from "./subscriptions";

export interface InboundForKeywords {
  citizenId: string;
  wamid: string | null;
  type: string;
  text: string | null;
  replyId: string | null;
  locale: string;
}

export interface KeywordAction {
  /** Which command was recognised (for logs and tests). */
  command: "subscribe" | "unsubscribe" | "menu" | "help" | "toggle" | "calendar";
  lang: Lang;
  change: Omit<SubscriptionChange, "citizenId" | "messageWamid"> | null;
  reply: Reply;
}

const asLang = (locale: string): Lang => (locale === "en" ? "en" : "de");

/** Null when the message is not for the bot: it stays an ordinary message in the staff inbox. */
export async function planKeywordAction(db: Db, msg: InboundForKeywords): Promise<KeywordAction | null> {
  if (msg.type === "interactive" && msg.replyId?.startsWith(TOGGLE_PREFIX)) {
    const keywords = await loadKeywordConfig(db);
    return planToggle(db, msg, msg.replyId.slice(TOGGLE_PREFIX.length), { lang: asLang(msg.locale), keywords });
  }
  if (msg.type !== "text" && msg.type !== "button") return null;

  const keywords = await loadKeywordConfig(db);
  const parsed = parseKeywordMessage(msg.text, keywords, await channelKeywords(db));
  // Not a command: maybe a calendar question ("WANN", "MÜLL Bahnstraße"), see calendars/keywords.ts.
  if (!parsed) return planCalendarKeyword(db, msg, asLang(msg.locale));
  const lang = parsed.lang ?? asLang(msg.locale);
  const ctx: ReplyContext = { lang, keywords };
  const channels = await listChannels(db);
  const before = await activeChannelIds(db, msg.citizenId);

  switch (parsed.command) {
    case "help":
      return { command: "help", lang, change: null, reply: helpReply(ctx, refs(channels, before)) };
    case "menu":
      return { command: "menu", lang, change: null, reply: menuReply(ctx, channels, before) };
    case "unsubscribe": {
      const all = parsed.channelIds.length === 0;
      const removed = all ? before : parsed.channelIds.filter((id) => before.includes(id));
      const after = before.filter((id) => !removed.includes(id));
      const change = all
        ? { unsubscribeAll: true, source: "whatsapp_keyword" as const }
        : { unsubscribe: parsed.channelIds, source: "whatsapp_keyword" as const };
      return {
        command: "unsubscribe",
        lang,
        change,
        reply: unsubscribedReply(ctx, refs(channels, removed), refs(channels, after), all),
      };
    }
    case "subscribe":
      return planSubscribe(db, ctx, channels, before, parsed.code, parsed.channelIds);
  }
}

async function planSubscribe(
  db: Db,
  ctx: ReplyContext,
  channels: Channel[],
  before: string[],
  code: string | null,
  named: string[],
): Promise<KeywordAction> {
  const lang = ctx.lang;
  let target = [...named];
  let source: ConsentSource = "whatsapp_keyword";
  if (code) {
    const found = await redeemSignupCode(db, code);
    if (found.status !== "valid") {
      return { command: "subscribe", lang, change: null, reply: menuReply(ctx, channels, before, badCodeIntro(lang, found.code, found.status)) };
    }
    target = [...new Set([...found.channelIds, ...named])];
    source = "widget_code";
  } else if (target.length === 0) {
    target = channels.filter((c) => c.defaultOn).map((c) => c.id);
  }
  // Only open channels; a code may name a channel that was archived since.
  const open = target.filter((id) => channels.some((c) => c.id === id));
  if (open.length === 0) {
    return { command: "subscribe", lang, change: null, reply: menuReply(ctx, channels, before, noDefaultsIntro(lang)) };
  }
  const added = open.filter((id) => !before.includes(id));
  const after = [...before, ...added];
  return {
    command: "subscribe",
    lang,
    change: { subscribe: open, source },
    reply: subscribedReply(ctx, refs(channels, added), refs(channels, after)),
  };
}

async function planToggle(db: Db, msg: InboundForKeywords, channelId: string, ctx: ReplyContext): Promise<KeywordAction> {
  const channels = await listChannels(db);
  const channel = channels.find((c) => c.id === channelId);
  if (!channel) return { command: "toggle", lang: ctx.lang, change: null, reply: channelGoneReply(ctx) };
  const before = await activeChannelIds(db, msg.citizenId);
  const on = !before.includes(channelId);
  const after = on ? [...before, channelId] : before.filter((id) => id !== channelId);
  return {
    command: "toggle",
    lang: ctx.lang,
    change: on ? { subscribe: [channelId], source: "whatsapp_menu" } : { unsubscribe: [channelId], source: "whatsapp_menu" },
    reply: toggledReply(ctx, channel, on, refs(channels, after)),
  };
}

/** Channels by id, in channel order (unknown/archived ids are left out). */
function refs(channels: Channel[], ids: string[]): Channel[] {
  return channels.filter((c) => ids.includes(c.id));
}
